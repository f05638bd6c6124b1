# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of the whole-region inventory (issue 10) against a plain boto3 loop and an AWS CLI script.

`make bench-inventory` runs the full sizes, `make bench-inventory BENCH_INVENTORY_ARGS=--smoke` small ones. Everything
talks to the local endpoint (tools/chime_local, started by its launcher) with injected latency and only this
program's seed: a region with CONNECTORS voice connectors, all with a proxy configuration, WITH_SESSIONS of them
holding SESSIONS_EACH sessions.

1. Every session of the region in one chime_proxy_session_info task (no voice_connector_id): the playbook against
   the same playbook with a no-I/O module that returns the same result (Ansible's own cost), a boto3 loop and an
   AWS CLI script.
2. Every connector with its proxy configuration in one chime_voice_connector_info task, the same way.

Processes are spawned and measured by tests/perf/spawner.py (tests/perf/bench.py's Spawner); each figure is the
median of --runs runs of a whole process. Correctness (counts, ids once, connector order, every page requested
once, never more than max_concurrency requests in flight) fails the program; timings only print, each goal
marked met or not.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Callable
from typing import Dict
from typing import List

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUILD = ROOT / ".build"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))

import bench as base  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import launcher  # noqa: E402  # pylint: disable=wrong-import-position

check = base.check
BenchError = base.BenchError
Run = base.Run
PAGE = 100
MAX_CONCURRENCY = 10


@dataclass
class Sizes:
    runs: int = 5
    cli_runs: int = 1
    connectors: int = 200
    with_sessions: int = 50
    sessions_each: int = 200


SMOKE = Sizes(runs=1, cli_runs=1, connectors=20, with_sessions=5, sessions_each=150)


def connector_id(n: int) -> str:
    return f"benchinv{n:014d}"  # 22 characters, the model's VoiceConnectorId pattern


def write_seed(path: Path, sizes: Sizes) -> None:
    """The region of the benchmark (JSON is YAML): every connector with a proxy configuration, some with sessions."""
    seed = {
        "voice_connectors": [
            {
                "VoiceConnectorId": connector_id(n),
                "Name": f"bench inventory {n}",
                "AwsRegion": "us-east-1",
                "CreatedTimestamp": "2024-01-01T00:00:00.000Z",
                "Proxy": {
                    "DefaultSessionExpiryMinutes": 60,
                    "PhoneNumberPoolCountries": ["US"],
                    "FallBackPhoneNumber": "+19135550100",
                    "Disabled": False,
                },
            }
            for n in range(sizes.connectors)
        ],
        "generate": [
            {
                "voice_connector_id": connector_id(n),
                "count": sizes.sessions_each,
                "id_prefix": f"inv{n:03d}-",
                "width": 4,
                "status": ["Open", "InProgress", "Closed"],
                "created": "2024-01-01T00:00:00.000Z",
            }
            for n in range(sizes.with_sessions)
        ],
    }
    path.write_text(json.dumps(seed, indent=1), encoding="utf-8")


def ansible_env(python: str, tree: Any, **extra: str) -> Dict[str, str]:
    """The environment of a measured ansible-playbook run: the demo credentials, the venv's bin first, the tree's
    collections, no AWS_ or ANSIBLE_ setting of the caller's, quiet warnings; extra adds or overrides."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
        **demo.credentials_env(),
        "PATH": f"{Path(python).parent}:{os.environ.get('PATH', '')}",
        "ANSIBLE_COLLECTIONS_PATH": str(tree),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        **extra,
    }


class Endpoint(launcher.Endpoint):
    """The local endpoint with this program's seed only (no demo data: the region holds exactly what is counted)."""

    def __init__(self, python: str, workdir: Path, seed: Path, latency_ms: float) -> None:
        super().__init__(seeds=[seed], python=python, workdir=workdir, cwd=ROOT)
        try:
            self.start()
        except launcher.EndpointError as err:
            raise BenchError(str(err)) from err
        self.call("PUT", "faults", {"seed": 42, "latency_ms": latency_ms, "rules": []})

    def call(self, method: str, resource_name: str, payload: Any = None) -> Any:
        status, reply = self.control(method, resource_name, payload)
        check(status == 200, f"{method} /_chime_local/{resource_name}: {status} {reply}")
        return reply


class InventoryBench(base.Goals):
    def __init__(self, args: argparse.Namespace, sizes: Sizes, workdir: Path) -> None:
        super().__init__()
        self.args = args
        self.sizes = sizes
        self.work = workdir
        self.python = args.python
        self.bin = Path(self.python).parent
        self.latency = args.latency_ms / 1000
        self.rows: List[base.Row] = []
        self.checks: List[str] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
            **demo.credentials_env(),
            "PATH": f"{self.bin}:{os.environ.get('PATH', '')}",
            "ANSIBLE_COLLECTIONS_PATH": str(args.tree),
            "ANSIBLE_LIBRARY": str(HERE / "library"),
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-local"),
            "ANSIBLE_REMOTE_TMP": str(workdir / "ansible-remote"),
        }
        seed = workdir / "seed.json"
        write_seed(seed, sizes)
        self.endpoint = Endpoint(self.python, workdir, seed, args.latency_ms)

    # ------------------------------------------------------------------------------------------- helpers
    def repeat(self, count: int, once: Callable[[], Run]) -> Run:
        return base.median_of([once() for _run in range(count)])

    def add(self, section: str, name: str, result: Run, ratio: str = "", note: str = "") -> Run:
        self.rows.append(base.Row(section, name, result, note, ratio))
        self.say(f"  {name}: {result.wall:.3f} s, {result.rss_mb:.0f} MB {ratio} {note}")
        return result

    def passed(self, text: str) -> None:
        self.checks.append(text)
        self.say(f"  check ok: {text}")

    def ok(self, result: Run, what: str) -> Run:
        check(result.rc == 0, f"{what} failed (rc {result.rc}):\n{result.out[-3000:]}\n{result.err[-3000:]}")
        return result

    def playbook(self, name: str, tasks: List[Dict[str, Any]], extra: Dict[str, Any]) -> Run:
        book = self.work / f"{name}.yml"
        play = [{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        book.write_text(json.dumps(play, indent=1), encoding="utf-8")
        extra_file = self.work / f"{name}.vars.json"
        extra_file.write_text(json.dumps({"url": self.endpoint.url, **extra}), encoding="utf-8")
        return base.run([str(self.bin / "ansible-playbook"), str(book), "-e", f"@{extra_file}"], self.env, 900)

    def stats(self) -> Dict[str, Any]:
        return self.endpoint.call("GET", "stats")

    def reset_stats(self) -> None:
        self.endpoint.call("DELETE", "stats")

    def expect_requests(self, expected: Dict[str, int], what: str) -> None:
        """Exactly these requests, each answered once (a repeated page would add one), within the pool's size."""
        stats = self.stats()
        seen = {op: stats["operations"].get(op, {}).get("total", 0) for op in expected}
        answered = {op: stats["operations"].get(op, {}).get("outcomes", {}).get("ok", 0) for op in expected}
        check(seen == expected and answered == expected, f"{what}: requests {seen} (ok {answered}), not {expected}")
        check(stats["total"] == sum(expected.values()), f"{what}: {stats['total']} requests in all")
        check(
            stats["max_in_flight"] <= MAX_CONCURRENCY,
            f"{what}: {stats['max_in_flight']} requests in flight, more than max_concurrency {MAX_CONCURRENCY}",
        )

    def capture(self, name: str, task: Dict[str, Any], keys: List[str]) -> Path:
        """Run the real task once and keep its result's keys in a file, for the no-I/O module."""
        result_file = self.work / f"{name}.result.json"
        keep = "{{ " + "{" + ", ".join(f"'{k}': found.{k}" for k in keys) + "} | to_json }}"
        save = {"name": "keep", "ansible.builtin.copy": {"content": keep, "dest": str(result_file), "mode": "0600"}}
        self.ok(self.playbook(f"{name}_capture", [task, save], {}), f"{name}: capture")
        return result_file

    def compare(
        self,
        section: str,
        name: str,
        task: Dict[str, Any],
        verify: Dict[str, Any],
        keys: List[str],
        expected_requests: Dict[str, int],
        extra: Dict[str, Any],
    ) -> Dict[str, Run]:
        """The real task and the no-I/O task returning the same result, each in a playbook of its own."""
        result_file = self.capture(name, task, keys)
        static_task = {
            "name": "same result, no I/O",
            "chime_bench_result": {"path": str(result_file)},
            "register": "found",
        }

        def real() -> Run:
            self.reset_stats()
            out = self.ok(self.playbook(f"{name}_real", [task, verify], extra), f"{name}: playbook")
            self.expect_requests(expected_requests, f"{name} playbook")
            return out

        def static() -> Run:
            return self.ok(self.playbook(f"{name}_static", [static_task, verify], extra), f"{name}: no-I/O playbook")

        real_run = self.repeat(self.sizes.runs, real)
        static_run = self.repeat(self.sizes.runs, static)
        self.add(section, "playbook, no-I/O module, same result (Ansible's own cost)", static_run)
        self.add(section, f"playbook, {name}", real_run, ratio=f"+{real_run.wall - static_run.wall:.2f} s over it")
        return {"real": real_run, "static": static_run}

    # ------------------------------------------------------------------------------------------ sections
    def sessions(self) -> None:
        sizes = self.sizes
        size = sizes.with_sessions * sizes.sessions_each
        vc_pages = math.ceil(sizes.connectors / PAGE)
        session_pages = (sizes.connectors - sizes.with_sessions) + sizes.with_sessions * max(
            1, math.ceil(sizes.sessions_each / PAGE)
        )
        requests = vc_pages + session_pages
        section = f"A. {sizes.connectors} connectors, {size} sessions"
        self.say(f"== {section} ({requests} requests)")
        task = {
            "name": "every session of the region",
            "telephony.chime.chime_proxy_session_info": {
                "endpoint_url": "{{ url }}",
                "max_concurrency": MAX_CONCURRENCY,
            },
            "register": "found",
        }
        order = [f"inv{n:03d}-{i:04d}" for n in range(sizes.with_sessions) for i in range(sizes.sessions_each)]
        order_file = self.work / "order.json"
        order_file.write_text(json.dumps(order), encoding="utf-8")
        verify = {
            "name": "every session once, connector by connector, counted",
            "ansible.builtin.assert": {
                "that": [
                    "found.proxy_sessions | map(attribute='proxy_session_id') | list == lookup('file', order) | from_json",
                    "found.summary.total == size",
                    "found.summary.voice_connectors_scanned == connectors",
                ],
                "quiet": True,
            },
        }
        extra = {"size": size, "connectors": sizes.connectors, "order": str(order_file)}
        expected = {"ListVoiceConnectors": vc_pages, "ListProxySessions": session_pages}
        runs = self.compare(
            section, "chime_proxy_session_info", task, verify, ["proxy_sessions", "summary"], expected, extra
        )
        self.passed(
            f"{size} sessions of {sizes.connectors} connectors in connector order, {requests} requests "
            f"({vc_pages} ListVoiceConnectors, {session_pages} ListProxySessions), each page once, "
            f"at most {MAX_CONCURRENCY} in flight"
        )

        def boto() -> Run:
            self.reset_stats()
            out = self.ok(
                base.run([self.python, str(HERE / "baseline_inventory.py"), "sessions", self.endpoint.url], self.env),
                "boto3 loop",
            )
            found = json.loads(out.out)
            check(found == {"count": size, "unique": size}, f"boto3 loop found {found}")
            self.expect_requests(expected, "boto3 loop")
            return out

        def cli() -> Run:
            out = self.ok(
                base.run(
                    [self.python, str(HERE / "baseline_inventory.py"), "awscli", self.endpoint.url, self.args.awscli],
                    self.env,
                    3600,
                ),
                "AWS CLI script",
            )
            found = json.loads(out.out)
            check(found == {"count": size, "unique": size}, f"AWS CLI script found {found}")
            return out

        boto_run = self.repeat(sizes.runs, boto)
        self.add(section, "boto3 loop, one request after another", boto_run)
        cli_run = self.repeat(sizes.cli_runs, cli)
        self.add(section, "AWS CLI script, one `aws` process a page", cli_run, note=f"{sizes.cli_runs} run(s)")
        sequential = requests * self.latency
        over = runs["real"].wall - runs["static"].wall
        self.goal(
            f"A: {size} sessions of {sizes.connectors} connectors in one task: {over:.2f} s beyond Ansible's own cost, "
            f"allowed 1.5 s ({requests} requests one after another: {sequential:.2f} s of latency alone)",
            over <= 1.5,
        )

    def proxies(self) -> None:
        sizes = self.sizes
        vc_pages = math.ceil(sizes.connectors / PAGE)
        requests = vc_pages + sizes.connectors
        section = f"B. {sizes.connectors} connectors with proxy configuration"
        self.say(f"== {section} ({requests} requests)")
        task = {
            "name": "every connector with its proxy configuration",
            "telephony.chime.chime_voice_connector_info": {
                "endpoint_url": "{{ url }}",
                "max_concurrency": MAX_CONCURRENCY,
            },
            "register": "found",
        }
        verify = {
            "name": "every connector once, in order, each with its proxy configuration",
            "ansible.builtin.assert": {
                "that": [
                    "found.voice_connectors | map(attribute='voice_connector_id') | list == ids",
                    "found.voice_connectors | selectattr('proxy', 'equalto', {}) | list == []",
                ],
                "quiet": True,
            },
        }
        extra = {"ids": [connector_id(n) for n in range(sizes.connectors)]}
        expected = {"ListVoiceConnectors": vc_pages, "GetVoiceConnectorProxy": sizes.connectors}
        runs = self.compare(section, "chime_voice_connector_info", task, verify, ["voice_connectors"], expected, extra)
        self.passed(
            f"{sizes.connectors} connectors with proxy configuration, {requests} requests, each once, "
            f"at most {MAX_CONCURRENCY} in flight"
        )

        def boto() -> Run:
            self.reset_stats()
            out = self.ok(
                base.run([self.python, str(HERE / "baseline_inventory.py"), "proxies", self.endpoint.url], self.env),
                "boto3 loop",
            )
            found = json.loads(out.out)
            check(found == {"count": sizes.connectors, "with_proxy": sizes.connectors}, f"boto3 loop found {found}")
            self.expect_requests(expected, "boto3 loop")
            return out

        self.add(section, "boto3 loop, one request after another", self.repeat(sizes.runs, boto))
        sequential = requests * self.latency
        over = runs["real"].wall - runs["static"].wall
        self.goal(
            f"B: {sizes.connectors} connectors with proxy configuration in one task: {over:.2f} s beyond Ansible's "
            f"own cost, allowed 1.0 s ({requests} requests one after another: {sequential:.2f} s of latency alone)",
            over <= 1.0,
        )

    def table(self) -> str:
        lines = ["| scenario | what | median wall (s) | peak RSS (MB) | note |", "| --- | --- | ---: | ---: | --- |"]
        for row in self.rows:
            note = " ".join(part for part in (row.ratio, row.note) if part)
            lines.append(f"| {row.section} | {row.name} | {row.result.wall:.2f} | {row.result.rss_mb:.0f} | {note} |")
        return "\n".join(lines)


def parse_args(argv: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, one run each")
    parser.add_argument("--runs", type=int, help="runs per figure (median), default 5")
    parser.add_argument("--cli-runs", type=int, help="runs of the AWS CLI script (slow: one process a page), default 1")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="latency the endpoint adds to each request")
    parser.add_argument("--python", default=sys.executable, help="Python of the venv with ansible, boto3 and moto")
    parser.add_argument(
        "--tree", default=str(BUILD / "tree-3.11"), help="ANSIBLE_COLLECTIONS_PATH with telephony.chime"
    )
    parser.add_argument("--awscli", default=str(BUILD / "venv-awscli/bin/aws"), help="the aws command")
    parser.add_argument("--only", action="append", choices=["sessions", "proxies"], help="sections to run")
    parser.add_argument("--markdown", help="also write the table to this file")
    return parser.parse_args(argv)


def main(argv: Any = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    if args.runs:
        sizes.runs = args.runs
    if args.cli_runs:
        sizes.cli_runs = args.cli_runs
    for tool in (args.python, args.awscli):
        check(shutil.which(tool) is not None, f"{tool} not found: run `make bench-inventory`, which builds it")
    started = time.monotonic()
    base.SPAWNER.append(base.Spawner(args.python))
    with tempfile.TemporaryDirectory(prefix="chime-bench-inventory-") as tmp:
        bench = InventoryBench(args, sizes, Path(tmp))
        print(f"machine: {base.machine()}")
        print(f"versions: {base.versions(args.python, args.awscli, bench.env)}")
        kind = "smoke sizes (goals are stated for full sizes)" if args.smoke else "full sizes"
        print(
            f"endpoint: {bench.endpoint.url}, latency {args.latency_ms:.0f} ms a request; {kind}, {sizes.runs} run(s)"
        )
        try:
            for name in ("sessions", "proxies"):
                if not args.only or name in args.only:
                    getattr(bench, name)()
        except BenchError as err:
            print(f"\nBENCH FAILED: {err}", file=sys.stderr)
            return 1
        finally:
            bench.endpoint.stop()
            base.SPAWNER.pop().stop()
        table = bench.table()
        print(f"\n{table}\n")
        heading = "goals (timings; reported, not enforced"
        heading += "; stated for the full sizes, so a smoke run's NOT MET means nothing):" if args.smoke else "):"
        print("\n".join([heading, *bench.goals]))
        print(f"\ncorrectness checks passed: {len(bench.checks)}")
        print(f"total time: {time.monotonic() - started:.0f} s")
        if args.markdown:
            Path(args.markdown).write_text(table + "\n\n" + "\n".join(bench.goals) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
