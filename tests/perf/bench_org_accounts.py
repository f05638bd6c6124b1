# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organisation of issue 27: discovery, AssumeRole and the audit of every account in one task, against boto3.

The local endpoint holds an organisation seeded with its generate_accounts (tools/chime_local/README.md, "The
organization section"): ACCOUNTS ACTIVE accounts spread over four units three levels deep, and SUSPENDED suspended
ones in a unit of their own, each with one voice connector in us-east-1 and us-west-2 that has a proxy configuration,
a phone number and 10 proxy sessions. The management account (the demo credentials', in the root) is ACTIVE too,
without Chime data. Chime's requests take 20 ms (the endpoint's latency, no rate limit); STS and Organizations, which
the endpoint neither delays nor counts, go through tests/perf/aws_counter.py, which adds the same 20 ms and counts
them (AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ORGANIZATIONS point at it).

Measured, each a whole process through tests/perf/spawner.py (wall time, peak RSS of its largest process):
1. chime_proxy_inventory through ansible-playbook with organization: {member_role_name: ...}, the two regions and
   dest, max_regions and max_concurrency at their defaults; its time beyond Ansible's start is from a timestamp the
   play takes just before the task to one it takes just after (as bench_throttled.py does);
2. the boto3 script a user would write instead (tests/perf/peer_org_accounts_boto3.py) with a pool of 32 threads,
   alternating with 1. run by run (--runs, medians); then once with 64 threads, once with a boto3 Session per
   account (boto3's guide to threads), and the module once with max_regions: 10;
3. scaling: the module and the script at every size of --sizes (one run each below the full size);
4. the module process alone (its AnsiballZ file, kept with ANSIBLE_KEEP_REMOTE_FILES) once without and once under
   cProfile, every thread included (tests/perf/profile_module.py), and where its time goes.

Checks that fail the program, smoke too: every ACTIVE account in the files with both regions, its OU path, its one
connector and every session (the JSON's accounts, the CSV rows account by account and region by region), no
suspended account anywhere (files, Chime requests), the 20 suspended accounts named as left out, the task green,
and exactly the requests the work needs: per account and region ListVoiceConnectors, GetVoiceConnectorProxy,
ListPhoneNumbers and ListProxySessions (the endpoint's stats, by account and region), one AssumeRole per member
account (the counter, and the endpoint's count of keys issued), and the discovery's pages (ListRoots,
ListOrganizationalUnitsForParent and ListAccountsForParent, 20 a page, every root and unit). Timings and memory only
print, each goal marked MET or NOT MET.

`make bench-org-accounts` (full sizes, about 15 minutes), run by `make bench-inventory` last; --smoke (in
`make bench-smoke`) checks the counts at 5 and 10 accounts in well under a minute.
"""

import argparse
import csv
import datetime
import json
import math
import os
import pstats
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))

import bench as base  # noqa: E402  # pylint: disable=wrong-import-position
import bench_inventory  # noqa: E402  # pylint: disable=wrong-import-position
import bench_throttled  # noqa: E402  # pylint: disable=wrong-import-position
from aws_counter import AwsCounter  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import launcher  # noqa: E402  # pylint: disable=wrong-import-position

REGIONS = ["us-east-1", "us-west-2"]
MEMBER_ROLE = demo.MEMBER_ROLE
MANAGEMENT = demo.MANAGEMENT_ACCOUNT
FIRST_ACTIVE = 100_000_000_000
FIRST_SUSPENDED = 190_000_000_000
# The units (JSON is YAML): the ACTIVE accounts go round the four leaves below, the suspended ones to Sandbox/Closed.
UNITS = [
    {"name": "Telephony", "units": [{"name": "Prod", "units": [{"name": "US"}, {"name": "EU"}]}, {"name": "Staging"}]},
    {"name": "Contact Centre", "units": [{"name": "Agents", "units": [{"name": "Tier 1"}]}]},
    {"name": "Sandbox", "units": [{"name": "Closed"}]},
]
ACTIVE_UNITS = ["Telephony/Prod/US", "Telephony/Prod/EU", "Telephony/Staging", "Contact Centre/Agents/Tier 1"]
SUSPENDED_UNIT = "Sandbox/Closed"
ROOT_NAME = "Root"
PAGE = 20  # Organizations' listings, the module's MaxResults and moto's default alike
CHIME_PER_ACCOUNT_REGION = ("ListVoiceConnectors", "GetVoiceConnectorProxy", "ListPhoneNumbers", "ListProxySessions")
WALL_RATIO = 1.0
RSS_LIMIT_MB = 400
SCALING_FACTOR = 1.25


@dataclass
class Plan:
    sizes: List[int]
    suspended: int
    sessions: int
    threads: List[int]
    runs: int
    per_account_peer: bool
    max_regions: int
    profile: bool


FULL = Plan([50, 100, 200, 500], 20, 10, [32, 64], 3, True, 10, True)
SMOKE = Plan([5, 10], 2, 10, [32, 64], 1, False, 10, False)


def active_ids(count: int) -> List[str]:
    return [f"{FIRST_ACTIVE + n:012d}" for n in range(count)]


def suspended_ids(count: int) -> List[str]:
    return [f"{FIRST_SUSPENDED + n:012d}" for n in range(count)]


def organization(count: int, suspended: int, sessions: int) -> Dict[str, Any]:
    """The seed's organization section: count ACTIVE accounts round the four leaves, suspended in Sandbox/Closed."""
    connector = {"regions": REGIONS, "sessions": sessions, "phone_numbers": 1}
    return {
        "management_account": MANAGEMENT,
        "member_roles": [MEMBER_ROLE],
        "units": UNITS,
        "generate_accounts": [
            {"count": count, "first_id": active_ids(1)[0], "unit": ACTIVE_UNITS, "connector": connector},
            {
                "count": suspended,
                "first_id": suspended_ids(1)[0],
                "unit": SUSPENDED_UNIT,
                "state": "SUSPENDED",
                "connector": connector,
            },
        ],
    }


def ou_paths(count: int, suspended: int) -> Dict[str, str]:
    """Every account's OU path, as discovery names it."""
    paths = {MANAGEMENT: ROOT_NAME}
    paths.update(
        {ident: f"{ROOT_NAME}/{ACTIVE_UNITS[n % len(ACTIVE_UNITS)]}" for n, ident in enumerate(active_ids(count))}
    )
    paths.update({ident: f"{ROOT_NAME}/{SUSPENDED_UNIT}" for ident in suspended_ids(suspended)})
    return paths


def unit_tree() -> Dict[str, List[str]]:
    """Each parent (the root "", then unit paths) with its child units' paths."""
    children: Dict[str, List[str]] = {"": []}

    def walk(units: List[Dict[str, Any]], parent: str) -> None:
        for unit in units:
            path = f"{parent}/{unit['name']}" if parent else unit["name"]
            children[parent].append(path)
            children[path] = []
            walk(unit.get("units", []), path)

    walk(UNITS, "")
    return children


def discovery_requests(count: int, suspended: int) -> Dict[str, int]:
    """The pages the tree walk needs: ListRoots once, then both listings of every root and unit, 20 a page."""
    accounts = {parent: 0 for parent in unit_tree()}
    accounts[""] += 1  # the management account
    for n in range(count):
        accounts[ACTIVE_UNITS[n % len(ACTIVE_UNITS)]] += 1
    accounts[SUSPENDED_UNIT] += suspended

    def pages(items: int) -> int:
        return max(1, math.ceil(items / PAGE))

    return {
        "ListRoots": 1,
        "ListAccountsForParent": sum(pages(n) for n in accounts.values()),
        "ListOrganizationalUnitsForParent": sum(pages(len(c)) for c in unit_tree().values()),
    }


WARM_UP = """
import json, sys, threading
from concurrent.futures import ThreadPoolExecutor
import boto3
url, accounts, regions = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
local = threading.local()
clients = {r: boto3.client("chime-sdk-voice", region_name=r, endpoint_url=url) for r in regions}
for client in clients.values():
    client.meta.events.register(
        "before-send.chime-sdk-voice.*",
        lambda request, **kw: request.headers.__setitem__("x-moto-account-id", local.account),
    )
def one(unit):
    local.account = unit[0]
    clients[unit[1]].list_voice_connectors(MaxResults=1)
with ThreadPoolExecutor(8) as pool:
    list(pool.map(one, [(a, r) for a in accounts for r in regions]))
"""


class Endpoint(launcher.Endpoint):
    """The local endpoint without any seed; each size's organisation is posted to it (reset first)."""

    def __init__(self, python: str, workdir: Path, latency_ms: float) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(seeds=[], python=python, workdir=workdir, cwd=ROOT)
        try:
            self.start()
        except launcher.EndpointError as err:
            raise base.BenchError(str(err)) from err
        self.latency_ms = latency_ms
        self.latency(latency_ms)

    def call(self, method: str, resource_name: str, payload: Any = None) -> Any:
        status, reply = self.control(method, resource_name, payload)
        base.check(status == 200, f"{method} /_chime_local/{resource_name}: {status} {reply}")
        return reply

    def latency(self, latency_ms: float) -> None:
        self.call("PUT", "faults", {"seed": 42, "latency_ms": latency_ms, "rules": []})


@dataclass
class Measured:
    """One measured process: its run, the endpoint's Chime stats, the counter's STS and Organizations counts, the keys
    STS issued, what it wrote, and the load average before and after."""

    what: str
    size: int
    run: base.Run
    stats: Dict[str, Any]
    aws: Dict[str, Dict[str, Any]]
    issued: int
    load: Tuple[float, float]
    written: Dict[str, Any] = field(default_factory=dict)
    beyond: Optional[float] = None

    def chime(self) -> int:
        return int(self.stats.get("total", 0))

    def count(self, service: str, operation: Optional[str] = None) -> int:
        ops = self.aws.get(service, {})
        if operation is not None:
            return int(ops.get(operation, {}).get("total", 0))
        return sum(int(v["total"]) for k, v in ops.items() if not k.startswith("_"))

    def requests(self) -> int:
        return self.chime() + self.count("sts") + self.count("organizations")

    def span(self, service: str, operation: Optional[str] = None) -> Optional[float]:
        """Seconds from the first to the last answer of a service (or one operation of it)."""
        ops = [v for k, v in self.aws.get(service, {}).items() if not k.startswith("_") and k == (operation or k)]
        if not ops:
            return None
        return max(v["last"] for v in ops) - min(v["first"] for v in ops)


def load_text(load: Tuple[float, float]) -> str:
    return f"load {load[0]:.2f} -> {load[1]:.2f}"


class OrgBench(base.Ledger):
    def __init__(self, args: argparse.Namespace, plan: Plan, work: Path) -> None:
        super().__init__()
        self.args = args
        self.plan = plan
        self.work = work
        self.python = args.python
        self.bin = Path(args.python).parent
        self.missed = 0  # runs whose files missed an account or a session, or held a suspended account
        self.rows: List[Measured] = []
        self.endpoint = Endpoint(self.python, work / "endpoint", args.latency_ms)
        aws_latency = args.latency_ms if args.aws_latency_ms is None else args.aws_latency_ms
        self.counter = AwsCounter(self.endpoint.url, aws_latency).start()
        self.env = bench_inventory.ansible_env(
            self.python,
            args.tree,
            AWS_ENDPOINT_URL_STS=self.counter.url,
            AWS_ENDPOINT_URL_ORGANIZATIONS=self.counter.url,
            ANSIBLE_LOCAL_TEMP=str(work / "ansible-local"),
            ANSIBLE_REMOTE_TMP=str(work / "ansible-remote"),
        )
        self.size = 0

    def close(self) -> None:
        self.counter.stop()
        self.endpoint.stop()

    # ------------------------------------------------------------------------------------------- helpers
    def seed(self, size: int) -> None:
        """The organisation of `size` ACTIVE accounts (and the plan's suspended ones), every backend built."""
        plan = self.plan
        self.endpoint.call("POST", "reset")
        reply = self.endpoint.call("POST", "seed", {"organization": organization(size, plan.suspended, plan.sessions)})
        accounts = reply.get("organization", {}).get("accounts")
        base.check(accounts == size + plan.suspended + 1, f"the seed made {accounts} accounts, not {size} + 1")
        # Not measured: the endpoint builds each account and region's backend on the first request to it.
        self.endpoint.latency(0)
        warm = base.run(
            [self.python, "-c", WARM_UP, self.endpoint.url, json.dumps([MANAGEMENT, *active_ids(size)]), *REGIONS],
            {**self.env, **demo.credentials_env()},
            900,
        )
        base.check(warm.rc == 0, f"warm-up failed: {warm.err[-2000:]}")
        self.endpoint.latency(self.args.latency_ms)
        self.size = size

    def measure(self, what: str, cmd: List[str], env: Optional[Dict[str, str]] = None) -> Measured:
        self.endpoint.call("DELETE", "stats")
        self.counter.reset()
        issued = self.endpoint.call("GET", "credentials")["issued"]
        before = os.getloadavg()[0]
        run = base.run(cmd, env or self.env, 3600)
        after = os.getloadavg()[0]
        stats = self.endpoint.call("GET", "stats")
        issued = self.endpoint.call("GET", "credentials")["issued"] - issued
        return Measured(what, self.size, run, stats, self.counter.counts(), issued, (before, after))

    # ---------------------------------------------------------------------------------------- the module
    def playbook(self, max_regions: Optional[int]) -> Path:
        args: Dict[str, Any] = {
            "organization": {"member_role_name": MEMBER_ROLE},
            "regions": REGIONS,
            "dest": "{{ dest }}",
            "endpoint_url": self.endpoint.url,
        }
        if max_regions is not None:
            args["max_regions"] = max_regions
        tasks = [
            {"name": "Note when the audit starts", "ansible.builtin.set_fact": {"started": "{{ now(fmt='%s.%f') }}"}},
            {
                "name": "The audit of the organisation",
                "telephony.chime.chime_proxy_inventory": args,
                "register": "audit",
                "ignore_errors": True,
            },
            {
                "name": "Write the registered result and when the audit ended",
                "ansible.builtin.copy": {
                    "content": "{{ {'started': started, 'ended': now(fmt='%s.%f'), 'result': audit} | to_json }}",
                    "dest": "{{ result_file }}",
                    "mode": "0600",
                },
            },
        ]
        book = self.work / f"audit-{max_regions or 'default'}.yml"
        book.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]), encoding="utf-8")
        return book

    def module(self, what: str, max_regions: Optional[int] = None) -> Measured:
        dest = self.work / "module-dest"
        result_file = self.work / "module-result.json"
        shutil.rmtree(dest, ignore_errors=True)
        result_file.unlink(missing_ok=True)
        cmd = [
            str(self.bin / "ansible-playbook"),
            str(self.playbook(max_regions)),
            "-e",
            f"dest={dest}",
            "-e",
            f"result_file={result_file}",
        ]
        measured = self.measure(what, cmd)
        ok = self.check(
            measured.run.rc == 0 and result_file.is_file(),
            f"{what}: the playbook failed (rc {measured.run.rc}):\n{measured.run.out[-2000:]}",
        )
        if ok:
            written = json.loads(result_file.read_text(encoding="utf-8"))
            measured.written = written.get("result", {})
            measured.beyond = float(written["ended"]) - float(written["started"])
        self.check_module(measured, dest)
        shutil.rmtree(dest, ignore_errors=True)
        return measured

    def check_module(self, m: Measured, dest: Path) -> None:
        plan, result = self.plan, m.written
        what = f"{m.what} ({m.size} accounts)"
        self.check(not result.get("failed"), f"{what}: the task failed: {result.get('msg')}")
        self.check(result.get("skipped_regions") == [], f"{what}: skipped {result.get('skipped_regions')}")
        org = result.get("organization") or {}
        every = m.size + plan.suspended + 1
        self.check(
            (org.get("accounts_found"), org.get("accounts_in_scope"), org.get("accounts_reached"))
            == (every, m.size + 1, m.size + 1),
            f"{what}: organization says found {org.get('accounts_found')}, in scope {org.get('accounts_in_scope')}, "
            f"reached {org.get('accounts_reached')}; the organisation has {every}, {m.size + 1} ACTIVE",
        )
        left_out = {a.get("account_id"): a.get("state") for a in org.get("accounts_left_out") or []}
        self.check(
            left_out == {ident: "SUSPENDED" for ident in suspended_ids(plan.suspended)},
            f"{what}: left out {left_out}, not the {plan.suspended} suspended accounts",
        )
        try:
            doc = json.loads((dest / "proxy_inventory.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            self.check(False, f"{what}: proxy_inventory.json: {err}")
            doc = {}
        file_left_out = {a.get("account_id") for a in (doc.get("organization") or {}).get("accounts_left_out") or []}
        self.check(file_left_out == set(suspended_ids(plan.suspended)), f"{what}: the file leaves out {file_left_out}")
        self.check_inventory(what, doc.get("accounts") or {}, dest, header=True)
        self.check_requests(m)

    # ------------------------------------------------------------------------------------------ the peer
    def peer(self, what: str, threads: int, per_account: bool = False) -> Measured:
        dest = self.work / "peer-dest"
        shutil.rmtree(dest, ignore_errors=True)
        cmd = [self.python, str(HERE / "peer_org_accounts_boto3.py"), "--threads", str(threads)]
        cmd += ["--session-per-account"] if per_account else []
        cmd += [self.endpoint.url, str(dest), MEMBER_ROLE, *REGIONS]
        measured = self.measure(what, cmd)
        what = f"{what} ({self.size} accounts)"
        if self.check(measured.run.rc == 0, f"{what}: failed (rc {measured.run.rc}):\n{measured.run.err[-3000:]}"):
            measured.written = json.loads(measured.run.out.strip().splitlines()[-1])
        try:
            doc = json.loads((dest / "proxy_inventory.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            self.check(False, f"{what}: proxy_inventory.json: {err}")
            doc = {}
        left_out = {a["account_id"]: a["state"] for a in doc.get("left_out") or []}
        self.check(
            left_out == {ident: "SUSPENDED" for ident in suspended_ids(self.plan.suspended)},
            f"{what}: left out {left_out}",
        )
        self.check_inventory(what, doc.get("accounts") or {}, dest, header=False)
        self.check_requests(measured)
        shutil.rmtree(dest, ignore_errors=True)
        return measured

    # -------------------------------------------------------------------------------------------- checks
    def check_inventory(self, what: str, accounts: Dict[str, Any], dest: Path, header: bool) -> bool:
        """Every ACTIVE account with both regions, its OU path, its connector and every session; no suspended one;
        the CSV rows account by account and region by region."""
        size, sessions = self.size, self.plan.sessions
        paths = ou_paths(size, self.plan.suspended)
        expected = {MANAGEMENT, *active_ids(size)}
        suspended = set(suspended_ids(self.plan.suspended))
        self.check(
            set(accounts) == expected,
            f"{what}: the JSON's accounts miss {sorted(expected - set(accounts))[:10]} and add "
            f"{sorted(set(accounts) - expected)[:10]} ({len(accounts)} of {len(expected)})",
        )
        wrong = []
        for ident, entry in accounts.items():
            regions = entry.get("regions") or {}
            want = 0 if ident == MANAGEMENT else sessions
            ids = {
                r: sorted(s.get("proxy_session_id") or s.get("ProxySessionId") for s in v.get("proxy_sessions") or [])
                for r, v in regions.items()
            }
            if (
                entry.get("ou_path") != paths.get(ident)
                or entry.get("state") != "ACTIVE"
                or sorted(regions) != REGIONS
                or any(
                    len(v.get("voice_connectors") or []) != (0 if ident == MANAGEMENT else 1) for v in regions.values()
                )
                or any(found != [f"{ident}-{n:04d}" for n in range(want)] for found in ids.values())
            ):
                wrong.append(ident)
        self.check(not wrong, f"{what}: accounts whose OU path, regions, connector or sessions are wrong: {wrong[:10]}")
        rows = self.rows_by(dest / "proxy_sessions.csv", header)
        numbers = self.rows_by(dest / "proxy_numbers.csv", header)
        want_rows = {(ident, region): sessions for ident in active_ids(size) for region in REGIONS}
        want_numbers = {(ident, region): 1 for ident in active_ids(size) for region in REGIONS}
        self.check(
            rows == want_rows,
            f"{what}: session rows {sum(rows.values())} in {len(rows)} accounts and regions, not {sessions} in each "
            f"of {len(want_rows)}",
        )
        self.check(numbers == want_numbers, f"{what}: number rows {sum(numbers.values())}, not {len(want_numbers)}")
        seen = {ident for ident, _region in rows} | {ident for ident, _region in numbers} | set(accounts)
        none_suspended = self.check(
            not seen & suspended, f"{what}: suspended accounts in the files: {sorted(seen & suspended)}"
        )
        every = set(accounts) == expected and not wrong and rows == want_rows and numbers == want_numbers
        self.missed += 0 if every and none_suspended else 1
        return every and none_suspended

    @staticmethod
    def rows_by(path: Path, header: bool) -> Dict[Tuple[str, str], int]:
        counts: Dict[Tuple[str, str], int] = {}
        if not path.is_file():
            return counts
        with path.open(newline="", encoding="utf-8") as f:
            for n, row in enumerate(csv.reader(f)):
                if not (header and n == 0):
                    counts[(row[0], row[1])] = counts.get((row[0], row[1]), 0) + 1
        return counts

    def check_requests(self, m: Measured) -> None:
        """Exactly the work's requests: Chime's per account and region, an AssumeRole per member account, the
        discovery's pages; none to a suspended account."""
        what = f"{m.what} ({m.size} accounts)"
        units = {f"{ident}/{region}" for ident in [MANAGEMENT, *active_ids(m.size)] for region in REGIONS}
        by_unit = {key: v["total"] for key, v in m.stats.get("account_regions", {}).items()}
        self.check(
            set(by_unit) == units, f"{what}: Chime requests to {len(by_unit)} accounts and regions, not {len(units)}"
        )
        want = {f"{MANAGEMENT}/{region}": 1 for region in REGIONS}
        want.update({key: len(CHIME_PER_ACCOUNT_REGION) for key in units if not key.startswith(MANAGEMENT)})
        wrong = {key: n for key, n in by_unit.items() if want.get(key) != n}
        self.check(not wrong, f"{what}: Chime requests per account and region off: {dict(list(wrong.items())[:10])}")
        operations = {op: v.get("outcomes", {}) for op, v in m.stats.get("operations", {}).items()}
        expected_ops = {op: {"ok": len(REGIONS) * m.size} for op in CHIME_PER_ACCOUNT_REGION}
        expected_ops["ListVoiceConnectors"] = {"ok": len(REGIONS) * (m.size + 1)}
        self.check(operations == expected_ops, f"{what}: Chime operations {operations}, not {expected_ops}")
        assumed = m.count("sts", "AssumeRole")
        self.check(
            assumed == m.size and m.issued == m.size,
            f"{what}: {assumed} AssumeRole requests, {m.issued} keys issued; {m.size} member accounts",
        )
        org = {op: v["total"] for op, v in m.aws.get("organizations", {}).items() if not op.startswith("_")}
        expected_org = discovery_requests(m.size, self.plan.suspended)
        self.check(org == expected_org, f"{what}: Organizations requests {org}, the walk needs {expected_org}")
        statuses = {s for ops in m.aws.values() for k, v in ops.items() if not k.startswith("_") for s in v["statuses"]}
        self.check(statuses <= {200}, f"{what}: STS or Organizations answered {statuses}")

    # ------------------------------------------------------------------------------------------- reports
    def line(self, m: Measured) -> str:
        beyond = f", {m.beyond:.2f} s beyond Ansible's start" if m.beyond is not None else ""
        phases = m.written.get("seconds")
        own = f"; its phases {phases}" if phases else ""
        return (
            f"{m.run.wall:.2f} s{beyond}, {m.run.rss_mb:.0f} MB; {m.chime()} Chime requests (at most "
            f"{m.stats.get('max_in_flight')} in flight), {m.count('sts', 'AssumeRole')} AssumeRole, "
            f"{m.count('organizations')} Organizations; discovery {self.span_text(m, 'organizations')}, AssumeRole "
            f"{self.span_text(m, 'sts', 'AssumeRole')}{own}; {load_text(m.load)}"
        )

    @staticmethod
    def span_text(m: Measured, service: str, operation: Optional[str] = None) -> str:
        span = m.span(service, operation)
        return "-" if span is None else f"{span:.2f} s"

    def add(self, m: Measured) -> Measured:
        self.rows.append(m)
        self.say(f"    {m.what}: {self.line(m)}")
        return m

    @staticmethod
    def median(runs: List[Measured]) -> Measured:
        """The run of the median wall time (the lower middle one for an even count): its counts go with it."""
        return sorted(runs, key=lambda m: m.run.wall)[(len(runs) - 1) // 2]

    def table(self) -> str:
        lines = [
            "| accounts | what | wall (s) | beyond start (s) | peak RSS (MB) | Chime | AssumeRole | Organizations "
            "| most in flight | discovery (s) | AssumeRole span (s) | load before/after |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for m in self.rows:
            beyond = "" if m.beyond is None else f"{m.beyond:.2f}"
            lines.append(
                f"| {m.size} | {m.what} | {m.run.wall:.2f} | {beyond} | {m.run.rss_mb:.0f} | {m.chime()} | "
                f"{m.count('sts', 'AssumeRole')} | {m.count('organizations')} | {m.stats.get('max_in_flight')} | "
                f"{self.span_text(m, 'organizations')} | {self.span_text(m, 'sts', 'AssumeRole')} | "
                f"{m.load[0]:.2f} / {m.load[1]:.2f} |"
            )
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------------ sections
    def run(self) -> None:
        plan = self.plan
        scaling: Dict[int, Dict[str, Measured]] = {}
        full = plan.sizes[-1]
        for size in plan.sizes:
            self.say(f"\n== {size} ACTIVE accounts (and {plan.suspended} suspended) x {len(REGIONS)} regions")
            self.seed(size)
            if size != full:
                scaling[size] = {
                    "peer": self.add(self.peer(f"boto3 script, {plan.threads[0]} threads", plan.threads[0])),
                    "module": self.add(self.module("chime_proxy_inventory, defaults")),
                }
                continue
            scaling[size] = self.comparison()
        self.scaling(scaling)
        if plan.profile and not self.args.no_profile:
            self.profile()

    def comparison(self) -> Dict[str, Measured]:
        plan = self.plan
        peers, modules = [], []
        for n in range(plan.runs):
            # The two alternate, run by run, so that a busier moment of the machine falls on both.
            peers.append(self.add(self.peer(f"boto3 script, {plan.threads[0]} threads, run {n + 1}", plan.threads[0])))
            modules.append(self.add(self.module(f"chime_proxy_inventory, defaults, run {n + 1}")))
        peer, module = self.median(peers), self.median(modules)
        walls = {
            name: ", ".join(f"{m.run.wall:.2f}" for m in runs) for name, runs in (("peer", peers), ("module", modules))
        }
        self.say(
            f"  medians of {plan.runs}: boto3 script {peer.run.wall:.2f} s ({walls['peer']}), "
            f"module {module.run.wall:.2f} s ({walls['module']})"
        )
        for threads in plan.threads[1:]:
            self.add(self.peer(f"boto3 script, {threads} threads", threads))
        if plan.per_account_peer:
            self.add(
                self.peer(f"boto3 script, {plan.threads[0]} threads, a Session per account", plan.threads[0], True)
            )
        self.add(self.module(f"chime_proxy_inventory, max_regions: {plan.max_regions}", plan.max_regions))
        ratio = module.run.wall / peer.run.wall
        self.goal(
            f"wall time: the task {module.run.wall:.2f} s (median), {ratio:.2f}x the boto3 script's "
            f"{peer.run.wall:.2f} s with {plan.threads[0]} threads (goal: at most {WALL_RATIO:.1f}x)",
            ratio <= WALL_RATIO,
        )
        rss = max(m.run.rss_mb for m in modules)
        self.goal(
            f"peak memory: {rss:.0f} MB, the most of {plan.runs} runs (goal: at most {RSS_LIMIT_MB} MB; the boto3 "
            f"script {max(m.run.rss_mb for m in peers):.0f} MB)",
            rss <= RSS_LIMIT_MB,
        )
        self.goal(
            f"no account missed: every one of {module.size} ACTIVE accounts (and the management account) audited in "
            f"{len(REGIONS)} regions, none of {plan.suspended} suspended, every session in the files, in every run",
            self.missed == 0,
        )
        return {"peer": peer, "module": module}

    def scaling(self, scaling: Dict[int, Dict[str, Measured]]) -> None:
        sizes = sorted(scaling)
        self.say("\n== scaling (time beyond Ansible's start for the module, wall time for the script)")
        lines = [
            "| accounts | requests | module (s) | ms a request | marginal ms | script (s) | ms a request | marginal "
            "ms |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        previous: Optional[Tuple[int, float, float]] = None
        for size in sizes:
            module, peer = scaling[size]["module"], scaling[size]["peer"]
            requests = module.requests()
            mod_t = module.beyond if module.beyond is not None else module.run.wall
            peer_t = peer.run.wall
            marginal = ("", "")
            if previous is not None:
                step = requests - previous[0]
                marginal = (f"{1000 * (mod_t - previous[1]) / step:.2f}", f"{1000 * (peer_t - previous[2]) / step:.2f}")
            lines.append(
                f"| {size} | {requests} | {mod_t:.2f} | {1000 * mod_t / requests:.2f} | {marginal[0]} | {peer_t:.2f} | "
                f"{1000 * peer_t / requests:.2f} | {marginal[1]} |"
            )
            previous = (requests, mod_t, peer_t)
        self.scaling_table = "\n".join(lines)
        self.say(self.scaling_table)
        if len(sizes) >= 3:
            first, middle, last = sizes[0], sizes[-2], sizes[-1]

            def cost(a: int, b: int) -> float:
                ma, mb = scaling[a]["module"], scaling[b]["module"]
                return ((mb.beyond or mb.run.wall) - (ma.beyond or ma.run.wall)) / (mb.requests() - ma.requests())

            early, late = cost(first, middle), cost(middle, last)
            self.goal(
                f"scaling: {1000 * late:.2f} ms a request from {middle} to {last} accounts, {late / early:.2f}x the "
                f"{1000 * early:.2f} ms from {first} to {middle} (goal: it grows with the requests, at most "
                f"{SCALING_FACTOR}x)",
                late <= SCALING_FACTOR * early,
            )

    # ------------------------------------------------------------------------------------------- profile
    def profile(self) -> None:
        """The module process alone at the full size, once without and once under cProfile (every thread)."""
        self.say(f"\n== profile: the module process alone (AnsiballZ), {self.size} accounts")
        remote = self.work / "kept"
        dest = self.work / "module-dest"
        env = {**self.env, "ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(remote)}
        result_file = self.work / "module-result.json"
        cmd = [str(self.bin / "ansible-playbook"), str(self.playbook(None)), "-e", f"dest={dest}"]
        kept = base.run([*cmd, "-e", f"result_file={result_file}"], env, 3600)
        base.check(kept.rc == 0, f"the playbook that keeps the module failed: {kept.out[-2000:]}")
        found = sorted(remote.glob("ansible-tmp-*/AnsiballZ_chime_proxy_inventory.py"))
        base.check(len(found) == 1, f"expected one kept AnsiballZ file in {remote}, found {found}")
        prefix = self.work / "profile"
        plain = self.work / "plain"
        shutil.rmtree(dest, ignore_errors=True)
        alone = self.measure(
            "module process alone (AnsiballZ)",
            [self.python, str(HERE / "profile_module.py"), "--no-profile", str(found[0]), str(plain)],
        )
        self.check(alone.run.rc == 0, f"the module process alone failed: {alone.run.out[-2000:]}")
        self.check_requests(alone)
        self.add(alone)
        shutil.rmtree(dest, ignore_errors=True)
        profiled = self.measure(
            "module process alone under cProfile",
            [self.python, str(HERE / "profile_module.py"), str(found[0]), str(prefix)],
        )
        self.check(profiled.run.rc == 0, f"the profiled module process failed: {profiled.run.out[-2000:]}")
        self.add(profiled)
        plain_figures = json.loads(Path(f"{plain}.json").read_text(encoding="utf-8"))
        figures = json.loads(Path(f"{prefix}.json").read_text(encoding="utf-8"))
        gc_seconds, gc_collections = plain_figures.get("gc_seconds", 0.0), plain_figures.get("gc_collections", [])
        self.say(
            f"  without the profiler: {plain_figures['wall']:.2f} s wall, {plain_figures['cpu']:.2f} s CPU (user + "
            f"system, every thread), of which {gc_seconds:.2f} s in the garbage collector ({gc_collections} "
            f"collections of generations 0, 1, 2); under the profiler: {figures['wall']:.2f} s wall, "
            f"{figures['cpu']:.2f} s CPU, {figures['threads']} threads"
        )
        self.profile_report(Path(f"{prefix}.main.prof"), Path(f"{prefix}.threads.prof"), plain_figures["cpu"])
        shutil.rmtree(dest, ignore_errors=True)

    def profile_report(self, main_file: Path, threads_file: Path, plain_cpu: float) -> None:
        main = pstats.Stats(str(main_file))
        threads = pstats.Stats(str(threads_file))
        total = sum(v[2] for v in threads.stats.values())  # every function's own time: the threads' CPU

        def cumulative(stats: pstats.Stats, *keys: Tuple[str, str]) -> Tuple[float, int]:
            """The cumulative time of each key's function and its calls, summed over the keys; of functions of one
            name in one file (classes that call each other's emit, __copy__), the outermost (the largest) only."""
            seconds, calls = 0.0, 0
            for suffix, function in keys:
                found = [
                    (ct, nc)
                    for (filename, _line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items()
                    if filename.endswith(suffix) and name == function
                ]
                ct, nc = max(found, default=(0.0, 0))
                seconds += ct
                calls += nc
            return seconds, calls

        self.say("  the task's phases (the main thread, wall clock, under the profiler):")
        for label, keys in PHASES:
            seconds, calls = cumulative(main, *keys)
            self.say(f"    {label:<58} {seconds:8.2f} s  ({calls} calls)")
        self.say(
            f"  where the pool threads' CPU goes (cumulative CPU under the profiler; of {total:.2f} s in all; "
            f"'est.' scales it to the {plain_cpu:.2f} s CPU the module process takes without the profiler):"
        )
        self.profile_lines = []
        for label, keys in COSTS:
            seconds, calls = cumulative(threads, *keys)
            share = seconds / total if total else 0.0
            each = f", {1000 * seconds / calls:.2f} ms each" if calls else ""
            line = (
                f"    {label:<62} {seconds:8.2f} s {share:6.1%}  est. {share * plain_cpu:6.2f} s  ({calls} calls{each})"
            )
            self.profile_lines.append(line)
            self.say(line)
        for order, index in (("cumulative", 3), ("own", 2)):
            self.say(f"  the top functions by {order} CPU in the pool threads:")
            rows = sorted(threads.stats.items(), key=lambda item: item[1][index], reverse=True)
            for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows[: self.args.top]:
                self.say(f"    {ct:8.2f} s cum {tt:7.2f} s own {nc:8d} calls  {short(filename)}:{line}({name})")


def short(filename: str) -> str:
    for marker in ("site-packages/", "ansible_collections/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# The task's phases in the main thread, and the costs in the pool threads, by the functions that bound them.
PHASES: List[Tuple[str, Tuple[Tuple[str, str], ...]]] = [
    ("the module, from its import to exit_json", (("modules/chime_proxy_inventory.py", "main"),)),
    ("discovery (Organizations' tree walk)", (("_chime/organizations.py", "discover"),)),
    ("the caller's account (GetCallerIdentity)", (("_chime/accounts.py", "caller_account_id"),)),
    ("reaching the accounts (AssumeRole, in the pool)", (("_chime/concurrency.py", "run_concurrently"),)),
    ("the audit of every account and region (in the pool)", (("_chime/concurrency.py", "run"),)),
    ("writing the three files", (("_chime/reports.py", "write_reports"),)),
    ("exit_json", (("module_utils/modules.py", "exit_json"),)),
]
COSTS: List[Tuple[str, Tuple[Tuple[str, str], ...]]] = [
    ("AssumeRole, all of it (first credentials of each role)", (("botocore/credentials.py", "fetch_credentials"),)),
    ("  of which an STS client made for each AssumeRole", (("_chime/accounts.py", "sts_client"),)),
    ("a botocore session per role's account", (("_chime/accounts.py", "_role_session"),)),
    ("chime-sdk-voice clients, one per account and region", (("_chime/accounts.py", "chime_client"),)),
    ("every client made (botocore create_client, all services)", (("botocore/session.py", "create_client"),)),
    ("event emitters copied (botocore hooks __copy__, sessions and clients)", (("botocore/hooks.py", "__copy__"),)),
    (
        "Chime requests (the four operations, retries and pace included)",
        (
            ("_chime/voice_connectors.py", "list_voice_connectors"),
            ("_chime/voice_connector_proxy.py", "get_voice_connector_proxy"),
            ("_chime/phone_numbers.py", "list_voice_connector_phone_numbers"),
            ("_chime/proxy_sessions.py", "list_proxy_sessions"),
        ),
    ),
    ("  botocore's own request (_make_api_call, every service)", (("botocore/client.py", "_make_api_call"),)),
    ("    signing (SigV4 add_auth)", (("botocore/auth.py", "add_auth"),)),
    ("    HTTP send and receive (urllib3, CPU only)", (("botocore/httpsession.py", "send"),)),
    ("    parsing the answers", (("botocore/parsers.py", "parse"),)),
    (
        "  the pace (before and after each request)",
        (("_chime/pace.py", "_before_call"), ("_chime/pace.py", "_after_call")),
    ),
    ("botocore's event system: emit (all of it, nested in the above)", (("botocore/hooks.py", "emit"),)),
    ("  of which event-name aliasing (_alias_event_name)", (("botocore/hooks.py", "_alias_event_name"),)),
    (
        "report text: JSON lines, CSV rows, snake_case, masking",
        (
            ("_chime/inventory.py", "json_line"),
            ("_chime/inventory.py", "csv_text"),
            ("_chime/normalize.py", "snake_case_keys"),
            ("_chime/masking.py", "mask_phone_numbers"),
        ),
    ),
    ("scratch files (each region's text spilled to disk)", (("_chime/reports.py", "add"),)),
    ("the bound's bookkeeping (WorkingBound weigh and wait)", (("_chime/concurrency.py", "_weigh"),)),
]


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="Python of the venv with ansible, boto3 and moto")
    parser.add_argument("--tree", default=str(base.BUILD / "tree-3.11"), help="ANSIBLE_COLLECTIONS_PATH")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="the endpoint's latency for Chime requests")
    parser.add_argument(
        "--aws-latency-ms", type=float, help="the counter's latency for STS and Organizations (default: --latency-ms)"
    )
    parser.add_argument("--smoke", action="store_true", help="5 and 10 accounts, 2 suspended, one run, no profile")
    parser.add_argument("--sizes", help="comma-separated ACTIVE account counts, ascending; the last is the full size")
    parser.add_argument("--suspended", type=int, help="suspended accounts (default 20; smoke 2)")
    parser.add_argument("--runs", type=int, help="runs of the module and the script at the full size (medians)")
    parser.add_argument("--threads", help="comma-separated pool sizes of the script; the first is the comparison's")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile of the module process")
    parser.add_argument("--top", type=int, default=30, help="functions listed from the profile")
    parser.add_argument("--markdown", help="also write the tables and goals to this file")
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    plan = SMOKE if args.smoke else FULL
    if args.sizes:
        plan.sizes = sorted(int(n) for n in args.sizes.split(","))
    if args.suspended is not None:
        plan.suspended = args.suspended
    if args.runs:
        plan.runs = args.runs
    if args.threads:
        plan.threads = [int(n) for n in args.threads.split(",")]
    return plan


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    plan = plan_of(args)
    started = time.monotonic()
    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="bench-org-accounts-"))
    base.SPAWNER.append(base.Spawner(args.python))  # started while this process is small (see spawner.py)
    bench: Optional[OrgBench] = None
    try:
        now = datetime.datetime.now(datetime.timezone.utc)
        print(f"date: {now:%Y-%m-%d %H:%M UTC}; commit {bench_throttled.commit()}")
        print(f"machine: {base.machine()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min)")
        versions = bench_throttled.versions(args.python, bench_inventory.ansible_env(args.python, args.tree))
        print(f"versions: {versions}")
        kind = "smoke sizes (the goals are stated for the full sizes)" if args.smoke else "full sizes"
        print(
            f"sizes {plan.sizes} ACTIVE accounts (+ the management account) and {plan.suspended} suspended, "
            f"{len(REGIONS)} regions, {plan.sessions} sessions a connector; {args.latency_ms:g} ms a request; {kind}; "
            f"{plan.runs} run(s) at the full size",
            flush=True,
        )
        try:
            bench = OrgBench(args, plan, work)
            bench.run()
        except base.BenchError as err:
            if bench is not None:
                bench.failures.append(str(err))
            print(f"\nBENCH FAILED: {err}", file=sys.stderr)
            if bench is None:
                return 1
        finally:
            if bench is not None:
                bench.close()
    finally:
        base.SPAWNER.pop().stop()
        shutil.rmtree(work, ignore_errors=True)
    assert bench is not None
    table = bench.table()
    print(f"\n{table}\n")
    scaling = getattr(bench, "scaling_table", "")
    heading = "goals (timings and memory reported, not enforced"
    heading += "; stated for the full sizes):" if args.smoke else "):"
    print("\n".join([heading, *bench.goals]))
    after = os.getloadavg()
    print(f"\nchecks: {bench.checks - len(bench.failures)} of {bench.checks} passed")
    total = time.monotonic() - started
    print(f"load average before {load[0]:.2f}, after {after[0]:.2f} (1 min); total time {total:.0f} s")
    if args.markdown:
        profile = "\n".join(getattr(bench, "profile_lines", []))
        Path(args.markdown).write_text(
            "\n\n".join([table, scaling, "\n".join(bench.goals), profile]) + "\n", encoding="utf-8"
        )
    if bench.failures:
        print("\nBENCH FAILED:\n" + "\n".join(f"  {failure}" for failure in bench.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
