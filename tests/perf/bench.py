# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of telephony.chime.chime_proxy_session_info against the AWS CLI and plain boto3.

`make bench` runs the full set, `make bench-smoke` (part of `make test`) a small one. Everything talks
to the local endpoint (tools/chime_local/server.py) on 127.0.0.1 with injected latency, or to a
latency-free recorder in this process for start-up times. Each figure is the median of --runs runs of a
whole process: wall time, and peak RSS as wait4() reports it, which is the largest single process of the
tree (ansible-playbook's controller, a worker or the module). Processes are spawned by tests/perf/spawner.py,
which stays small, because Linux carries a parent's peak RSS over to the children it spawns.

Correctness (counts, ids each once and in order, request numbers, max_in_flight within the pool) fails
the program; timings only print, with each goal marked met or not.
"""

import argparse
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUILD = ROOT / ".build"
sys.path.insert(0, str(ROOT / "tools"))

from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import launcher  # noqa: E402  # pylint: disable=wrong-import-position

DEMO_CONNECTOR = demo.DEMO_CONNECTOR
DEMO_SESSION = demo.EXAMPLE_SESSION
GET_CONNECTOR = "benchget00000000000000"  # sessions get-0000 ... fetched by id
LIST_CONNECTOR = "benchlist0000000000000"  # sessions list-00000 ... listed
MODULE = "telephony.chime.chime_proxy_session_info"
# The module's documented bound: 10 attempts, 0.25 + 0.5 + 1 + 2 + 4 + 4 * 5 s of back-off at most.
# 6a: the account's rate limit, in requests a second per account and region (the endpoint's token bucket).
THROTTLED_RATE = 50.0
# 6c: persistent throttling, with throttle_timeout short enough for a benchmark.
PERSISTENT_TIMEOUT_S = 4.0
PERSISTENT_REQUESTS = 6
LOCAL_AWS = demo.credentials_env()


class BenchError(Exception):
    """A correctness check failed: the program exits 1."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


# ---------------------------------------------------------------------------------------------- sizes


class Goals:
    """What a benchmark aims at: a goal (a timing) is printed MET or NOT MET, kept for the summary, and never fails
    the program."""

    def __init__(self) -> None:
        self.goals: List[str] = []

    def say(self, text: str) -> None:
        print(text, flush=True)

    def goal(self, text: str, met: bool) -> None:
        line = f"{'MET    ' if met else 'NOT MET'}  {text}"
        self.goals.append(line)
        self.say(f"  goal {line}")


class Ledger(Goals):
    """What a benchmark program checks and aims at: a failed check (a count, nothing lost) is printed at once and
    fails the program at the end; a goal as Goals has it."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: List[str] = []
        self.checks = 0

    def check(self, condition: bool, message: str) -> bool:
        self.checks += 1
        if not condition:
            self.failures.append(message)
            self.say(f"  CHECK FAILED: {message}")
        return condition


@dataclass
class Sizes:
    runs: int = 5
    ids: int = 500
    loop_tasks: int = 50
    cli_calls: int = 20
    listed: int = 10000
    throttled_ids: int = 1000
    workers: List[int] = field(default_factory=lambda: [1, 2, 5, 10, 20, 50])
    knee_runs: int = 3
    persistent_ids: List[int] = field(default_factory=lambda: [1, 500])


SMOKE = Sizes(
    runs=1,
    ids=50,
    loop_tasks=5,
    cli_calls=2,
    listed=1000,
    throttled_ids=200,
    workers=[1, 10],
    knee_runs=1,
    persistent_ids=[1],
)


# ---------------------------------------------------------------------------------------- processes


@dataclass
class Run:
    wall: float
    rss_mb: float
    rc: int
    out: str
    err: str
    first_request: Optional[float] = None
    spawned: float = 0.0
    cpu_user: float = 0.0  # CPU seconds of the process and the descendants it waited for
    cpu_sys: float = 0.0


class Spawner:
    """tests/perf/spawner.py, started while this process is small; it runs and measures every command."""

    def __init__(self, python: str) -> None:
        # pylint: disable-next=consider-using-with
        self.proc = subprocess.Popen(
            [python, str(HERE / "spawner.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.lock = threading.Lock()

    def run(self, cmd: Sequence[str], env: Dict[str, str], timeout: float, cwd: Path) -> Run:
        with tempfile.TemporaryDirectory(prefix="run-") as tmp:
            out, err = Path(tmp) / "out", Path(tmp) / "err"
            request = {
                "cmd": list(cmd),
                "env": env,
                "cwd": str(cwd),
                "timeout": timeout,
                "out": str(out),
                "err": str(err),
            }
            with self.lock:
                assert self.proc.stdin is not None and self.proc.stdout is not None
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                reply = json.loads(self.proc.stdout.readline())
            result = Run(
                reply["wall"],
                reply["rss_kb"] / 1024,
                reply["rc"],
                out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"),
            )
            result.spawned = reply["spawned"]
            result.cpu_user, result.cpu_sys = reply.get("utime", 0.0), reply.get("stime", 0.0)
            return result

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


SPAWNER: List[Spawner] = []


def run(cmd: Sequence[str], env: Dict[str, str], timeout: float = 300, cwd: Optional[Path] = None) -> Run:
    """One whole process (and its children): wall time and the peak RSS of its largest process (wait4)."""
    return SPAWNER[0].run(cmd, env, timeout, cwd or ROOT)


def median_of(runs: List[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.rss_mb for r in runs),
        0,
        "",
        "",
        statistics.median(r.first_request for r in runs) if all(r.first_request is not None for r in runs) else None,
    )


# ------------------------------------------------------------------------------------------ endpoint


class Endpoint(launcher.Endpoint):
    """The local endpoint with the demo data and the run's seed (tools/chime_local/launcher.py), and its control API."""

    def __init__(self, python: str, workdir: Path, seed: Path, latency_ms: float) -> None:
        super().__init__(seeds=[launcher.DEMO_SEED, seed], python=python, workdir=workdir, cwd=ROOT)
        try:
            self.start()
        except launcher.EndpointError as err:
            raise BenchError(str(err)) from err
        self.latency_ms = latency_ms
        self.faults()

    def call(self, method: str, resource_name: str, payload: Any = None) -> Any:
        status, reply = self.control(method, resource_name, payload)
        check(status == 200, f"{method} /_chime_local/{resource_name}: {status} {reply}")
        return reply

    def faults(self, *rules: Dict[str, Any]) -> None:
        """Only the given rules, on top of the run's latency; a fixed RNG seed for shares."""
        self.call("PUT", "faults", {"seed": 42, "latency_ms": self.latency_ms, "rules": list(rules)})

    def reset_stats(self) -> None:
        self.call("DELETE", "stats")

    def stats(self) -> Dict[str, Any]:
        return self.call("GET", "stats")


def write_seed(path: Path, sizes: Sizes) -> None:
    """A connector with sessions to fetch by id and one with sessions to list, beside the demo data (JSON is YAML)."""
    fetched = max([sizes.ids, sizes.throttled_ids] + sizes.persistent_ids)
    seed = {
        "voice_connectors": [
            {"VoiceConnectorId": GET_CONNECTOR, "Name": "bench get", "AwsRegion": "us-east-1"},
            {"VoiceConnectorId": LIST_CONNECTOR, "Name": "bench list", "AwsRegion": "us-east-1"},
        ],
        "generate": [
            {"voice_connector_id": GET_CONNECTOR, "count": fetched, "id_prefix": "get-", "width": 5},
            {
                "voice_connector_id": LIST_CONNECTOR,
                "count": sizes.listed,
                "id_prefix": "list-",
                "width": 5,
                "status": ["Open", "InProgress", "Closed"],
                "created": "2024-01-01T00:00:00.000Z",
            },
        ],
    }
    path.write_text(json.dumps(seed, indent=1), encoding="utf-8")


def get_ids_task(workers: bool = True) -> Dict[str, Any]:
    """The playbook task that fetches the ids in `ids` through the module, `workers` at a time."""
    args = {"voice_connector_id": GET_CONNECTOR, "proxy_session_ids": "{{ ids }}", "endpoint_url": "{{ url }}"}
    if workers:
        args["max_concurrency"] = "{{ workers }}"
    return {"name": "get", "telephony.chime.chime_proxy_session_info": args, "register": "found"}


EVERY_ID_IN_ORDER = {
    "name": "every id once, in order",
    "ansible.builtin.assert": {
        "that": ["found.proxy_sessions | map(attribute='proxy_session_id') | list == ids"],
        "quiet": True,
    },
}

EVERY_SESSION_ONCE = {
    "name": "every session once",
    "ansible.builtin.assert": {
        "that": [
            "listed.proxy_sessions | length == size",
            "listed.proxy_sessions | map(attribute='proxy_session_id') | unique | length == size",
        ],
        "quiet": True,
    },
}


def get_ids(count: int) -> List[str]:
    return [f"get-{n:05d}" for n in range(count)]


# ----------------------------------------------------------------------------------------- recorder


def demo_reply() -> bytes:
    """The GetProxySession body for the AWS example session, as the local endpoint's demo seed holds it."""
    seed = yaml.safe_load((ROOT / "tools" / "chime_local" / "seeds" / "demo.yml").read_text(encoding="utf-8"))
    connector = next(c for c in seed["voice_connectors"] if c["VoiceConnectorId"] == DEMO_CONNECTOR)
    session = next(s for s in connector["ProxySessions"] if s["ProxySessionId"] == DEMO_SESSION)
    return json.dumps({"ProxySession": {"VoiceConnectorId": DEMO_CONNECTOR, **session}}).encode()


DEMO_REPLY = demo_reply()


class Recorder:
    """A latency-free stand-in for GetProxySession that notes when the first request arrives.

    The clock is time.monotonic(), shared with the spawning code, so first_request - spawn is a
    process's start-up: interpreter, imports, option handling, client creation, request signing.
    """

    def __init__(self) -> None:
        self.first: Optional[float] = None
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # pylint: disable=invalid-name
                if recorder.first is None:
                    recorder.first = time.monotonic()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(DEMO_REPLY)))
                self.end_headers()
                self.wfile.write(DEMO_REPLY)

            def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def timed(self, cmd: Sequence[str], env: Dict[str, str]) -> Run:
        self.first = None
        result = run(cmd, env)
        check(result.rc == 0 and self.first is not None, f"{cmd[0]}... sent no request: {result.err[-2000:]}")
        result.first_request = self.first - result.spawned
        return result

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -------------------------------------------------------------------------------------------- bench


@dataclass
class Row:
    section: str
    name: str
    result: Run
    note: str = ""
    ratio: str = ""


class Bench(Goals):
    def __init__(self, args: argparse.Namespace, sizes: Sizes, workdir: Path) -> None:
        super().__init__()
        self.args = args
        self.sizes = sizes
        self.work = workdir
        self.python = args.python
        self.latency = args.latency_ms / 1000
        self.rows: List[Row] = []
        self.checks: List[str] = []
        bindir = str(Path(self.python).parent)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
            **LOCAL_AWS,
            "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
            "ANSIBLE_COLLECTIONS_PATH": str(args.tree),
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-local"),
            "ANSIBLE_REMOTE_TMP": str(workdir / "ansible-remote"),
        }
        seed = workdir / "seed.yml"
        write_seed(seed, sizes)
        self.endpoint = Endpoint(self.python, workdir, seed, args.latency_ms)
        self.recorder = Recorder()

    # ------------------------------------------------------------------------------- helpers
    def repeat(self, count: int, once: Callable[[], Run]) -> Run:
        return median_of([once() for _run in range(count)])

    def add(self, section: str, name: str, result: Run, note: str = "", ratio: str = "") -> Run:
        self.rows.append(Row(section, name, result, note, ratio))
        first = f", first request {result.first_request:.3f} s" if result.first_request is not None else ""
        self.say(f"  {name}: {result.wall:.3f} s, {result.rss_mb:.0f} MB{first} {note}")
        return result

    def passed(self, text: str) -> None:
        self.checks.append(text)
        self.say(f"  check ok: {text}")

    def ansible(self, *args: str, timeout: float = 300) -> Run:
        return run([str(Path(self.python).parent / "ansible"), *args], self.env, timeout)

    def playbook(self, name: str, tasks: List[Dict[str, Any]], extra: Dict[str, Any], timeout: float = 600) -> Run:
        """ansible-playbook with one localhost play of these tasks; extra vars from a JSON file."""
        book = self.work / f"{name}.yml"
        play = [{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        book.write_text(json.dumps(play, indent=1), encoding="utf-8")
        extra_file = self.work / f"{name}.vars.json"
        extra_file.write_text(json.dumps({"url": self.endpoint.url, **extra}), encoding="utf-8")
        cmd = [str(Path(self.python).parent / "ansible-playbook"), str(book), "-e", f"@{extra_file}"]
        return run(cmd, self.env, timeout)

    def ok(self, result: Run, what: str) -> Run:
        check(result.rc == 0, f"{what} failed (rc {result.rc}):\n{result.out[-3000:]}\n{result.err[-3000:]}")
        return result

    def requests(self, operation: str) -> Dict[str, int]:
        stats = self.endpoint.stats()
        return stats["operations"].get(operation, {"outcomes": {}})["outcomes"] | {
            "_total": stats["operations"].get(operation, {}).get("total", 0),
            "_max_in_flight": stats["max_in_flight"],
        }

    def aws(self, *args: str) -> List[str]:
        return [self.args.awscli, "--endpoint-url", self.endpoint.url, "--output", "json", "chime-sdk-voice", *args]

    def module_process(self, name: str, module_args: Dict[str, Any], module: str = MODULE) -> Path:
        """The module's AnsiballZ file exactly as Ansible runs it, kept with ANSIBLE_KEEP_REMOTE_FILES.

        Run with the same Python, it is the module process alone: no controller, no worker.
        """
        remote = self.work / f"remote-{name}"
        env = {**self.env, "ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(remote)}
        env["ANSIBLE_LIBRARY"] = str(HERE / "library")
        result = run(
            [str(Path(self.python).parent / "ansible"), "localhost", "-m", module, "-a", json.dumps(module_args)], env
        )
        self.ok(result, f"ansible ad hoc for {name}")
        found = sorted(remote.glob("ansible-tmp-*/AnsiballZ_*.py"))
        check(len(found) == 1, f"expected one kept AnsiballZ file in {remote}, found {found}")
        return found[0]

    # ----------------------------------------------------------------------------- sections
    def keepalive(self) -> None:
        self.say("== keep-alive: sequential requests on one connection")
        self.endpoint.reset_stats()
        result = run(
            [
                self.python,
                str(HERE / "baseline_boto3.py"),
                "keepalive",
                self.endpoint.url,
                DEMO_CONNECTOR,
                DEMO_SESSION,
                "20",
            ],
            self.env,
        )
        self.ok(result, "keep-alive probe")
        report = json.loads(result.out)
        stats = self.endpoint.stats()
        # The control API request that reads the stats opens a connection of its own.
        opened = stats["connections_opened"] - 1
        check(opened == 1, f"boto3 opened {opened} connections for 21 sequential requests, not 1")
        self.passed("21 sequential requests over 1 keep-alive connection")
        note = f"median {report['median_ms']:.1f} ms a request (latency {self.args.latency_ms:.0f} ms), max {report['max_ms']:.1f} ms"
        self.say(f"  {note}")
        self.keepalive_note = note
        self.goal(
            f"keep-alive request ~ latency, not +40 ms (Nagle): {note}", report["median_ms"] < self.args.latency_ms + 20
        )

    def one_session(self) -> None:
        self.say("== 1. one session")
        runs = self.sizes.runs
        adhoc = self.repeat(
            runs,
            lambda: self.ok(
                self.ansible(
                    "localhost",
                    "-m",
                    MODULE,
                    "-a",
                    f"voice_connector_id={DEMO_CONNECTOR} proxy_session_id={DEMO_SESSION} endpoint_url={self.endpoint.url}",
                ),
                "ad hoc",
            ),
        )
        cli = self.repeat(
            runs,
            lambda: self.ok(
                run(
                    self.aws(
                        "get-proxy-session", "--voice-connector-id", DEMO_CONNECTOR, "--proxy-session-id", DEMO_SESSION
                    ),
                    self.env,
                ),
                "aws cli",
            ),
        )
        boto = self.repeat(
            runs,
            lambda: self.ok(
                run(
                    [
                        self.python,
                        str(HERE / "baseline_boto3.py"),
                        "get",
                        self.endpoint.url,
                        DEMO_CONNECTOR,
                        DEMO_SESSION,
                    ],
                    self.env,
                ),
                "boto3",
            ),
        )
        self.add(
            "1. one session",
            "ansible ad hoc -m chime_proxy_session_info",
            adhoc,
            ratio=f"{adhoc.wall / boto.wall:.1f}x boto3",
        )
        self.add(
            "1. one session", "aws chime-sdk-voice get-proxy-session", cli, ratio=f"{cli.wall / boto.wall:.1f}x boto3"
        )
        self.add("1. one session", "boto3 script", boto, ratio="1.0x")

    def many_ids(self) -> None:
        size, sizes = self.sizes.ids, self.sizes
        self.say(f"== 2. {size} ids")
        ids = get_ids(size)
        task = get_ids_task()
        verify = EVERY_ID_IN_ORDER

        def one_task(count: int) -> Run:
            self.endpoint.reset_stats()
            result = self.ok(
                self.playbook("one_task", [task, verify], {"ids": get_ids(count), "workers": 10}), "one task"
            )
            seen = self.requests("GetProxySession")
            check(seen.get("ok") == count and seen["_total"] == count, f"{count} ids took {seen} requests")
            check(seen["_max_in_flight"] <= 10, f"max_in_flight {seen['_max_in_flight']} > 10")
            return result

        single = self.repeat(sizes.runs, lambda: one_task(1))
        many = self.repeat(sizes.runs, lambda: one_task(size))
        self.passed(f"one task: {size} GetProxySession requests, max_in_flight <= 10, ids in order and once")
        loop_task = {
            "name": "get one by one",
            "telephony.chime.chime_proxy_session_info": {
                "voice_connector_id": GET_CONNECTOR,
                "proxy_session_id": "{{ item }}",
                "endpoint_url": "{{ url }}",
            },
            "loop": "{{ ids }}",
            "register": "found",
        }
        loop_verify = {
            "name": "every id once, in order",
            "ansible.builtin.assert": {
                "that": ["found.results | default([]) | map(attribute='proxy_session.proxy_session_id') | list == ids"],
                "quiet": True,
            },
        }
        empty = self.repeat(
            sizes.runs, lambda: self.ok(self.playbook("loop", [loop_task, loop_verify], {"ids": []}), "empty loop")
        )
        looped = self.repeat(
            sizes.runs,
            lambda: self.ok(self.playbook("loop", [loop_task, loop_verify], {"ids": ids[: sizes.loop_tasks]}), "loop"),
        )
        scale = size / sizes.loop_tasks
        loop_scaled = Run(empty.wall + (looped.wall - empty.wall) * scale, looped.rss_mb, 0, "", "")
        shell = self.work / "cli_loop.sh"
        shell.write_text(
            'for id in "$@"; do "$AWS" --endpoint-url "$URL" --output json chime-sdk-voice get-proxy-session '
            f'--voice-connector-id {GET_CONNECTOR} --proxy-session-id "$id" >/dev/null || exit 1; done\n',
            encoding="utf-8",
        )
        cli_env = {**self.env, "AWS": self.args.awscli, "URL": self.endpoint.url}
        cli = self.repeat(
            sizes.runs, lambda: self.ok(run(["bash", str(shell), *ids[: sizes.cli_calls]], cli_env), "cli loop")
        )
        cli_scaled = Run(cli.wall * size / sizes.cli_calls, cli.rss_mb, 0, "", "")
        ids_file = self.work / "ids.json"
        ids_file.write_text(json.dumps(ids), encoding="utf-8")
        boto = self.repeat(
            sizes.runs,
            lambda: self.ok(
                run(
                    [
                        self.python,
                        str(HERE / "baseline_boto3.py"),
                        "many",
                        self.endpoint.url,
                        GET_CONNECTOR,
                        str(ids_file),
                        "10",
                    ],
                    self.env,
                ),
                "boto3 many",
            ),
        )
        floor = single.wall + (size - 1) * self.latency / 10
        section = f"2. {size} ids"
        self.add(section, "playbook, one task, 1 id (one module start)", single)
        self.add(section, f"playbook, one task, {size} ids, pool 10", many, ratio=f"{many.wall / floor:.2f}x floor")
        self.add(
            section,
            f"playbook, loop of {size} tasks (measured {sizes.loop_tasks}, scaled)",
            loop_scaled,
            note=f"measured {looped.wall:.2f} s for {sizes.loop_tasks}, empty loop {empty.wall:.2f} s",
            ratio=f"{loop_scaled.wall / many.wall:.0f}x one task",
        )
        self.add(
            section,
            f"aws cli shell loop of {size} (measured {sizes.cli_calls}, scaled)",
            cli_scaled,
            note=f"measured {cli.wall:.2f} s for {sizes.cli_calls}",
            ratio=f"{cli_scaled.wall / many.wall:.0f}x one task",
        )
        self.add(section, f"boto3 script, {size} ids, 10 threads", boto, ratio=f"{boto.wall / floor:.2f}x floor")
        self.floor_note = f"floor = one module start {single.wall:.2f} s + {size - 1} x {self.args.latency_ms:.0f} ms / 10 = {floor:.2f} s"
        self.say(f"  {self.floor_note}")
        self.goal(
            f"{size} ids, one task within 1.5x of the floor: {many.wall:.2f} s / {floor:.2f} s = {many.wall / floor:.2f}x",
            many.wall <= 1.5 * floor,
        )
        self.goal(
            f"{size} ids, one task >= 50x faster than a loop of tasks: {loop_scaled.wall / many.wall:.0f}x",
            loop_scaled.wall >= 50 * many.wall,
        )

    def listing(self) -> None:
        size, sizes = self.sizes.listed, self.sizes
        pages = -(-size // 100)
        self.say(f"== 3. {size} sessions listed")
        module_args = {"voice_connector_id": LIST_CONNECTOR, "endpoint_url": self.endpoint.url}
        zipped = self.module_process("list", module_args)  # also builds the backend's copy of the seed
        self.endpoint.reset_stats()
        result = self.ok(run([self.python, str(zipped)], self.env), "module process, listing")
        sessions = json.loads(result.out)["proxy_sessions"]
        check(
            len(sessions) == size and len({s["proxy_session_id"] for s in sessions}) == size,
            f"listed {len(sessions)} sessions",
        )
        seen = self.requests("ListProxySessions")
        check(seen.get("ok") == pages and seen["_total"] == pages, f"{size} sessions took {seen} requests, not {pages}")
        self.passed(f"{size} sessions listed with exactly {pages} ListProxySessions requests, each once")
        static_file = self.work / "sessions.json"
        static_file.write_text(json.dumps(sessions), encoding="utf-8")
        verify = EVERY_SESSION_ONCE
        real_task = {
            "name": "list",
            "telephony.chime.chime_proxy_session_info": {
                "voice_connector_id": LIST_CONNECTOR,
                "endpoint_url": "{{ url }}",
            },
            "register": "listed",
        }
        static_task = {
            "name": "list (no I/O)",
            "chime_bench_sessions": {"path": str(static_file)},
            "register": "listed",
        }

        def real() -> Run:
            self.endpoint.reset_stats()
            out = self.ok(self.playbook("list_real", [real_task, verify], {"size": size}), "listing playbook")
            seen = self.requests("ListProxySessions")
            check(seen.get("ok") == pages and seen["_total"] == pages, f"listing playbook took {seen} requests")
            return out

        static_env = {**self.env, "ANSIBLE_LIBRARY": str(HERE / "library")}

        def static() -> Run:
            book = self.work / "list_static.yml"
            book.write_text(
                json.dumps(
                    [{"name": "static", "hosts": "localhost", "gather_facts": False, "tasks": [static_task, verify]}]
                ),
                encoding="utf-8",
            )
            cmd = [str(Path(self.python).parent / "ansible-playbook"), str(book), "-e", json.dumps({"size": size})]
            return self.ok(run(cmd, static_env), "static playbook")

        real_run = self.repeat(sizes.runs, real)
        static_run = self.repeat(sizes.runs, static)
        module_run = self.repeat(
            sizes.runs, lambda: self.ok(run([self.python, str(zipped)], self.env), "module process")
        )
        boto = self.repeat(
            sizes.runs,
            lambda: self.ok(
                run(
                    [self.python, str(HERE / "baseline_boto3.py"), "list", self.endpoint.url, LIST_CONNECTOR], self.env
                ),
                "boto3 list",
            ),
        )
        round_trips = pages * self.latency
        section = f"3. {size} sessions listed"
        self.add(section, "playbook, no-I/O module, same sessions (Ansible's floor)", static_run)
        self.add(
            section,
            "playbook, chime_proxy_session_info listing",
            real_run,
            ratio=f"+{real_run.wall - static_run.wall:.2f} s over floor",
        )
        self.add(
            section,
            "module process alone (AnsiballZ)",
            module_run,
            ratio=f"{module_run.rss_mb / boto.rss_mb:.2f}x boto3 RSS",
        )
        self.add(section, "boto3 script, NextToken loop, defaults", boto, ratio="1.00x")
        allowed = 1.3 * round_trips + 1
        self.goal(
            f"{size} listed: playbook {real_run.wall - static_run.wall:.2f} s above the no-I/O playbook, "
            f"allowed 1.3 x {round_trips:.2f} s round trips + 1 s = {allowed:.2f} s",
            real_run.wall - static_run.wall <= allowed,
        )
        self.goal(
            f"{size} listed: module peak RSS {module_run.rss_mb:.0f} MB within 1.5x of boto3's {boto.rss_mb:.0f} MB ({module_run.rss_mb / boto.rss_mb:.2f}x)",
            module_run.rss_mb <= 1.5 * boto.rss_mb,
        )

    def startup(self) -> None:
        self.say("== 4. start-up: process start to first request (latency-free recorder)")
        url = self.recorder.url
        zipped = self.module_process(
            "recorder", {"voice_connector_id": DEMO_CONNECTOR, "proxy_session_id": DEMO_SESSION, "endpoint_url": url}
        )
        runs = self.sizes.runs
        one = self.work / "one_session.json"
        one.write_text(json.dumps([{"proxy_session_id": DEMO_SESSION, "status": "Open"}]), encoding="utf-8")
        static = self.module_process("static", {"path": str(one)}, "chime_bench_sessions")
        no_io = self.repeat(runs, lambda: self.ok(run([self.python, str(static)], self.env), "no-I/O module process"))
        adhoc = self.repeat(
            runs,
            lambda: self.recorder.timed(
                [
                    str(Path(self.python).parent / "ansible"),
                    "localhost",
                    "-m",
                    MODULE,
                    "-a",
                    f"voice_connector_id={DEMO_CONNECTOR} proxy_session_id={DEMO_SESSION} endpoint_url={url}",
                ],
                self.env,
            ),
        )
        module = self.repeat(runs, lambda: self.recorder.timed([self.python, str(zipped)], self.env))
        boto = self.repeat(
            runs,
            lambda: self.recorder.timed(
                [self.python, str(HERE / "baseline_boto3.py"), "get", url, DEMO_CONNECTOR, DEMO_SESSION], self.env
            ),
        )
        cli = self.repeat(
            runs,
            lambda: self.recorder.timed(
                [
                    self.args.awscli,
                    "--endpoint-url",
                    url,
                    "chime-sdk-voice",
                    "get-proxy-session",
                    "--voice-connector-id",
                    DEMO_CONNECTOR,
                    "--proxy-session-id",
                    DEMO_SESSION,
                ],
                self.env,
            ),
        )
        section = "4. start-up (to first request)"
        self.add(section, "ansible ad hoc", adhoc, ratio=f"{adhoc.first_request / boto.first_request:.1f}x boto3")
        self.add(
            section,
            "module process alone (AnsiballZ)",
            module,
            ratio=f"{module.first_request / boto.first_request:.2f}x boto3",
        )
        self.add(
            section,
            "no-I/O module process alone (AnsiballZ), for comparison",
            no_io,
            note="no request: wall time is its whole life",
        )
        self.add(section, "aws cli", cli, ratio=f"{cli.first_request / boto.first_request:.1f}x boto3")
        self.add(section, "boto3 script", boto, ratio="1.00x")

    def knee(self) -> None:
        size, sizes = self.sizes.ids, self.sizes
        self.say(f"== 5. pool size: {size} ids at {self.args.latency_ms:.0f} ms")
        task = get_ids_task()
        verify = {
            "name": "all",
            "ansible.builtin.assert": {"that": ["found.proxy_sessions | length == ids | length"], "quiet": True},
        }
        for workers in sizes.workers:

            def once(workers: int = workers) -> Run:
                self.endpoint.reset_stats()
                result = self.ok(
                    self.playbook("knee", [task, verify], {"ids": get_ids(size), "workers": workers}), f"pool {workers}"
                )
                seen = self.requests("GetProxySession")
                check(seen.get("ok") == size, f"pool {workers}: {seen}")
                check(seen["_max_in_flight"] <= workers, f"pool {workers}: max_in_flight {seen['_max_in_flight']}")
                result.out = str(seen["_max_in_flight"])
                return result

            results = [once() for _run in range(sizes.knee_runs)]
            best = max(int(r.out) for r in results)
            ideal = size * self.latency / workers
            self.add(
                f"5. pool size, {size} ids",
                f"max_concurrency {workers}",
                median_of(results),
                note=f"max_in_flight {best}",
                ratio=f"round trips alone {ideal:.2f} s",
            )
        self.passed(f"max_in_flight never above max_concurrency for {sizes.workers}")

    def resilience(self) -> None:
        sizes = self.sizes
        self.say("== 6. resilience")
        section = "6. resilience"
        # 6a: the account's rate limit (issue 26): AWS throttles each account and region beyond RATE a second.
        count = sizes.throttled_ids
        ids = get_ids(count)
        rate = THROTTLED_RATE
        self.endpoint.call("PUT", "faults", {"latency_ms": self.latency, "rate_limit": rate})
        self.endpoint.reset_stats()
        task = get_ids_task(workers=False)
        verify = EVERY_ID_IN_ORDER
        result = self.ok(self.playbook("throttled", [task, verify], {"ids": ids}), "throttled ids")
        seen = self.requests("GetProxySession")
        self.endpoint.faults()
        check(seen.get("ok") == count, f"throttled: {seen}")
        check(seen["_max_in_flight"] <= 10, f"throttled: max_in_flight {seen['_max_in_flight']}")
        throttled = seen.get("ThrottledClientException", 0)
        self.passed(
            f"{count} ids at a rate limit of {rate:.0f} a second: all {count} returned once and in order, {throttled}"
            " throttled requests sent again"
        )
        floor = (count - rate) / rate
        self.add(
            section,
            f"{count} ids at {rate:.0f} requests a second",
            result,
            note=f"{throttled} of {seen['_total']} requests throttled",
        )
        self.goal(
            f"{count} ids at {rate:.0f} a second: {throttled} of {seen['_total']} requests throttled (at most 5%)",
            throttled <= 0.05 * seen["_total"],
        )
        self.goal(
            f"{count} ids at {rate:.0f} a second: {result.wall:.1f} s with the start, the quota's floor {floor:.1f} s",
            result.wall <= 1.15 * floor + 5,
        )
        bound = 60.0
        # 6b: 5xx on a share of ListProxySessions pages.
        size = sizes.listed
        pages = -(-size // 100)
        self.endpoint.faults(
            {"action": "fail", "status": 500, "share": 0.025, "operations": ["ListProxySessions"]},
            {"action": "fail", "status": 503, "share": 0.025, "operations": ["ListProxySessions"]},
        )
        self.endpoint.reset_stats()
        list_task = {
            "name": "list",
            "telephony.chime.chime_proxy_session_info": {
                "voice_connector_id": LIST_CONNECTOR,
                "endpoint_url": "{{ url }}",
            },
            "register": "listed",
        }
        list_verify = EVERY_SESSION_ONCE
        result = self.ok(self.playbook("failing_pages", [list_task, list_verify], {"size": size}), "listing with 5xx")
        seen = self.requests("ListProxySessions")
        self.endpoint.faults()
        failed = seen["_total"] - seen.get("ok", 0)
        check(seen.get("ok") == pages, f"listing with 5xx: {seen}")
        check(failed > 0 or pages < 20, f"listing with 5xx: no page failed ({seen}), the rehearsal did not happen")
        self.passed(f"{size} listed with 5% of pages failing: all {size} once, {failed} failed pages retried")
        self.add(
            section,
            f"{size} listed, 5% of pages 500/503",
            result,
            note=f"{failed} of {seen['_total']} page requests failed",
        )
        self.goal(
            f"{size} listed with 5% of pages failing within {bound:.0f} s: {result.wall:.1f} s", result.wall <= bound
        )
        # 6c: persistent throttling fails the task after throttle_timeout of nothing getting through.
        self.endpoint.faults({"action": "throttle"})
        for count in sizes.persistent_ids:
            self.endpoint.reset_stats()
            args = {
                "voice_connector_id": GET_CONNECTOR,
                "proxy_session_ids": get_ids(count),
                "endpoint_url": self.endpoint.url,
                "throttle_timeout": PERSISTENT_TIMEOUT_S,
            }
            if count == 1:
                args = {
                    "voice_connector_id": GET_CONNECTOR,
                    "proxy_session_id": get_ids(1)[0],
                    "endpoint_url": self.endpoint.url,
                    "throttle_timeout": PERSISTENT_TIMEOUT_S,
                }
            result = self.ansible("localhost", "-m", MODULE, "-a", json.dumps(args), timeout=180)
            seen = self.requests("GetProxySession")
            check(
                result.rc != 0 and "FAILED" in result.out,
                f"persistent throttling did not fail the task: {result.out[-2000:]}",
            )
            check(
                "ThrottledClientException" in result.out,
                f"the failure does not name the throttling: {result.out[-2000:]}",
            )
            check(seen.get("ok", 0) == 0 and seen["_max_in_flight"] <= 10, f"persistent throttling: {seen}")
            check(
                f"nothing got through there for {PERSISTENT_TIMEOUT_S:.0f} seconds" in result.out,
                f"the failure does not say how long nothing got through: {result.out[-2000:]}",
            )
            if count == 1:
                # The pace halves from 20 a second with each throttled answer (nothing got through to measure):
                # requests at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s; the next turn, 5.1 s, is past the 4 s timeout.
                check(
                    seen["_total"] == PERSISTENT_REQUESTS,
                    f"one request was tried {seen['_total']} times, not {PERSISTENT_REQUESTS}",
                )
            message = next((line.strip() for line in result.out.splitlines() if '"msg"' in line), "")
            bound = PERSISTENT_TIMEOUT_S + 10
            self.passed(
                f"persistent throttling, {count} id(s): the task failed after {seen['_total']} requests: {message[:160]}"
            )
            self.add(
                section, f"persistent throttling, {count} id(s): task fails", result, note=f"{seen['_total']} requests"
            )
            self.goal(
                f"persistent throttling, {count} id(s): fails within {bound:.0f} s"
                f" (throttle_timeout {PERSISTENT_TIMEOUT_S:.0f} s + start): {result.wall:.1f} s",
                result.wall <= bound,
            )
        self.endpoint.faults()

    # ------------------------------------------------------------------------------- report
    def table(self) -> str:
        lines = [
            "| scenario | what | median wall (s) | peak RSS (MB) | first request (s) | ratio | note |",
            "| --- | --- | ---: | ---: | ---: | --- | --- |",
        ]
        for row in self.rows:
            first = f"{row.result.first_request:.3f}" if row.result.first_request is not None else ""
            lines.append(
                f"| {row.section} | {row.name} | {row.result.wall:.2f} | {row.result.rss_mb:.0f} | {first} | {row.ratio} | {row.note} |"
            )
        return "\n".join(lines)

    def close(self) -> None:
        self.recorder.stop()
        self.endpoint.stop()


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    return f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {model}, {memory} memory, {platform.platform()}"


def versions(python: str, awscli: str, env: Dict[str, str]) -> str:
    probe = (
        "import sys, ansible.release, boto3, botocore, moto; print(f'Python {sys.version.split()[0]}, "
        "ansible-core {ansible.release.__version__}, boto3 {boto3.__version__}, botocore {botocore.__version__}, "
        "moto {moto.__version__}')"
    )
    ours = subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout.strip()
    aws = subprocess.run([awscli, "--version"], env=env, capture_output=True, text=True, check=True)
    return f"{ours}; {(aws.stdout or aws.stderr).strip()}"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, one run each (make bench-smoke)")
    parser.add_argument("--runs", type=int, help="runs per figure (median), default 5")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="latency the endpoint adds to each request")
    parser.add_argument("--python", default=sys.executable, help="Python of the venv with ansible, boto3 and moto")
    parser.add_argument(
        "--tree", default=str(BUILD / "tree-3.11"), help="ANSIBLE_COLLECTIONS_PATH with telephony.chime"
    )
    parser.add_argument("--awscli", default=str(BUILD / "venv-awscli/bin/aws"), help="the aws command")
    parser.add_argument(
        "--only", action="append", help="sections to run (keepalive one many list startup knee resilience)"
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    return parser.parse_args(argv)


SECTIONS = ["keepalive", "one", "many", "list", "startup", "knee", "resilience"]


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    if args.runs:
        sizes.runs = args.runs
    for tool in (args.python, args.awscli):
        check(shutil.which(tool) is not None, f"{tool} not found: run `make bench`, which builds it")
    started = time.monotonic()
    SPAWNER.append(Spawner(args.python))
    with tempfile.TemporaryDirectory(prefix="chime-bench-") as tmp:
        bench = Bench(args, sizes, Path(tmp))
        floor = run([args.python, "-c", "pass"], bench.env)
        print(f"machine: {machine()}")
        print(f"RSS floor: an empty `python -c pass` measures {floor.rss_mb:.0f} MB through the spawner")
        print(f"versions: {versions(args.python, args.awscli, bench.env)}")
        kind = "smoke sizes (goals are stated for full sizes)" if args.smoke else "full sizes"
        print(
            f"endpoint: {bench.endpoint.url}, latency {args.latency_ms:.0f} ms a request; {kind}, {sizes.runs} run(s) a figure"
        )
        wanted = args.only or SECTIONS
        methods = {
            "keepalive": bench.keepalive,
            "one": bench.one_session,
            "many": bench.many_ids,
            "list": bench.listing,
            "startup": bench.startup,
            "knee": bench.knee,
            "resilience": bench.resilience,
        }
        try:
            for name in SECTIONS:
                if name in wanted:
                    methods[name]()
        except BenchError as err:
            print(f"\nBENCH FAILED: {err}", file=sys.stderr)
            return 1
        finally:
            bench.close()
            SPAWNER.pop().stop()
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
