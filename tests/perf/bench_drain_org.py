# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Draining the organisation from a plan (issue 28): one task against today's 60-run loop and a boto3 script.

The local endpoint at 20 ms a request with only this program's seed: ACCOUNTS accounts x REGIONS regions x
CONNECTORS connectors, each with a proxy configuration and SESSIONS open sessions (full size 20 x 3 x 5 x 100 =
30,000 sessions), each connector visible in its own account and region only. The accounts are reached with a role
each (arn:aws:iam::ACCOUNT:role/ChimeDrain, through the endpoint's STS; without --enforce-iam any role is assumed).
Every measured run starts from the same data (the endpoint reset, then each account and region's backend built by
one unmeasured request), and each is timed as a whole process through tests/perf/spawner.py:

A. The module, as a user runs it: playbooks/proxy_drain.yml with -e accounts=FILE -e regions=..., the rehearsal
   (check mode) writing drain_plan.json (its time is reported apart), then the confirmed drain with -e plan -e
   plan_digest -e drain_confirm=true. The figure is the drain's. The playbook is imported between two plays that note
   the time, so that the time beyond Ansible's start is shown too.
B. Today's loop: the same playbook once per account and region (-e voice_connector_ids=all -e region=R), with that
   account's keys (assumed beforehand, not timed), one run after the other: the sum of the runs.
C. The boto3 script of peer_drain_org_boto3.py: roles assumed, a thread per account and region, 10 deleters.
D. Under the rate-limits issue's throttling: the endpoint's token bucket per account and region at --rate (5) a
   second, burst = rate, full at the start of each run: the rehearsal and the drain of A (every account and region
   at the same time), and the boto3 script (its losses are the comparison, not failures).

Checks that fail the program (smoke too): nothing lost (the task green, its report's every session deleted and
every configuration removed, no account or region skipped, nothing left alone; and read back from the endpoint, no
session that is not Closed and no proxy configuration left); the drain's requests, operation by operation, are
DeleteProxySession per session + ListProxySessions pages + 3 per connector (Get, Put to disable, Delete of the
proxy configuration) + one ListVoiceConnectors per account and region (the plan's listing of connectors to leave
alone); the rehearsal's are ListVoiceConnectors + GetVoiceConnectorProxy + ListProxySessions pages; the loop's are
the drain's; at most max_concurrency in flight in each account and region (the endpoint's
max_in_flight_by_account_region); under throttling the requests served equal the work and the result's pace counts
what the endpoint counted in each account and region. Timings only print, each goal marked MET or NOT MET.

The floor under throttling: all accounts and regions go at once, each with its own bucket, so it is the busiest
one's served requests less the first burst, over the rate.

`make bench-drain-org`; --smoke (2 x 2 x 2 x 20, part of `make bench-smoke`) checks the counts in well under a
minute. --wait-load L waits before each measured run until the 1-minute load average is below L (polling every
30 s, up to 40 minutes), for a run beside other work; the load at each measurement is printed either way.
"""

import argparse
import datetime
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
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
import bench_org_inventory  # noqa: E402  # pylint: disable=wrong-import-position
import bench_throttled  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position

PAGE = 100
ROLE = "ChimeDrain"
FIRST_ACCOUNT = 210000000000
REGIONS = ["us-east-1", "us-west-2", "eu-central-1"]
# The regions of --regions N: these first, then the others AWS's model lists for voice connectors.
ALL_REGIONS = REGIONS + [r for r in bench_org_inventory.REGIONS if r not in REGIONS]
PROXY = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": False}
# Get, Put (disable) and Delete of each connector's proxy configuration.
PER_CONNECTOR = 3
FLOOR_FACTOR = 1.15
WAIT_POLL_S = 30
WAIT_LIMIT_S = 40 * 60


@dataclass
class Sizes:
    accounts: int
    regions: List[str]
    connectors: int
    sessions: int

    @property
    def units(self) -> int:
        return self.accounts * len(self.regions)

    @property
    def total_connectors(self) -> int:
        return self.units * self.connectors

    @property
    def total_sessions(self) -> int:
        return self.total_connectors * self.sessions

    @property
    def pages(self) -> int:
        """ListProxySessions pages of one connector (one page even when it is empty)."""
        return max(1, math.ceil(self.sessions / PAGE))

    def drain_requests(self) -> Dict[str, int]:
        """The drain's requests from a plan, operation by operation."""
        return {
            "DeleteProxySession": self.total_sessions,
            "ListProxySessions": self.total_connectors * self.pages,
            "GetVoiceConnectorProxy": self.total_connectors,
            "PutVoiceConnectorProxy": self.total_connectors,
            "DeleteVoiceConnectorProxy": self.total_connectors,
            "ListVoiceConnectors": self.units,
        }

    def rehearsal_requests(self) -> Dict[str, int]:
        return {
            "ListVoiceConnectors": self.units,
            "GetVoiceConnectorProxy": self.total_connectors,
            "ListProxySessions": self.total_connectors * self.pages,
        }

    def unit_requests(self) -> int:
        """One account and region's requests in the drain."""
        return 1 + self.connectors * (PER_CONNECTOR + self.pages + self.sessions)


FULL = Sizes(20, REGIONS, 5, 100)
SMOKE = Sizes(2, REGIONS[:2], 2, 20)


def account_id(n: int) -> str:
    return str(FIRST_ACCOUNT + n)


def connector_id(a: int, r: int, c: int) -> str:
    return f"drainorg{a:04d}r{r:02d}vc{c:05d}"  # 22 characters, as the other benchmarks' ids


def write_seed(path: Path, sizes: Sizes) -> None:
    connectors, generate = [], []
    for a in range(sizes.accounts):
        for r, region in enumerate(sizes.regions):
            for c in range(sizes.connectors):
                vc_id = connector_id(a, r, c)
                connectors.append(
                    {
                        "VoiceConnectorId": vc_id,
                        "Name": vc_id,
                        "AwsRegion": region,
                        "account": account_id(a),
                        "region": region,
                        "CreatedTimestamp": "2024-01-01T00:00:00.000Z",
                        "Proxy": PROXY,
                    }
                )
                generate.append(
                    {
                        "voice_connector_id": vc_id,
                        "count": sizes.sessions,
                        "id_prefix": f"o{a:02d}{r}{c}-",
                        "width": 4,
                        "status": "Open",
                        "created": "2024-01-01T00:00:00.000Z",
                    }
                )
    path.write_text(json.dumps({"voice_connectors": connectors, "generate": generate}), encoding="utf-8")


def load() -> float:
    return os.getloadavg()[0]


def median(values: List[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Measured:
    """One measured process: its run, the endpoint's stats of it, what it wrote, and the load when it started."""

    run: base.Run
    stats: Dict[str, Any]
    load: float
    written: Dict[str, Any] = field(default_factory=dict)
    beyond: Optional[float] = None  # the playbook's own time, beyond Ansible's start
    endpoint_cpu: float = 0.0  # the endpoint's CPU seconds (user + system) while it ran

    @property
    def cpu_text(self) -> str:
        """The client's CPU seconds, user + system (the process and its children), and the endpoint's."""
        return f"{self.run.cpu_user:.0f} + {self.run.cpu_sys:.0f} / {self.endpoint_cpu:.0f}"

    @property
    def total(self) -> int:
        return int(self.stats.get("total", 0))

    @property
    def throttled(self) -> int:
        return int(self.stats.get("injected", {}).get("RateLimited", 0))

    def served(self) -> Dict[str, int]:
        """Requests answered without throttling, per operation."""
        return {
            op: v["total"] - v.get("outcomes", {}).get("ThrottledClientException", 0)
            for op, v in self.stats.get("operations", {}).items()
        }

    def ok(self, operation: str) -> int:
        return int(self.stats.get("operations", {}).get(operation, {}).get("outcomes", {}).get("ok", 0))

    def max_per_unit(self) -> Dict[str, int]:
        return self.stats.get("max_in_flight_by_account_region", {})


@dataclass
class Row:
    scenario: str
    what: str
    wall: float
    beyond: Optional[float]
    requests: int
    throttled: int
    in_flight: str
    cpu: str
    load: str
    lost: str


class Endpoint(bench_inventory.Endpoint):
    """The local endpoint with this program's seed; latency and rate limit set per run; clients per account and
    region (the roles assumed with the demo credentials) for warm-ups and read-backs, sent without latency."""

    def __init__(self, python: str, workdir: Path, seed: Path, latency_ms: float, sizes: Sizes) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(python, workdir, seed, latency_ms)
        self.latency_ms = latency_ms
        self.sizes = sizes
        self.keys: Dict[str, Dict[str, str]] = {}
        self.assumed_at = 0.0
        self.clients: Dict[Tuple[str, str], Any] = {}

    def cpu(self) -> float:
        """The endpoint process's CPU seconds so far, user and system."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def configure(self, latency_ms: float, rate: Optional[float]) -> Dict[str, Any]:
        """Only latency and a rate limit (None: none), with full buckets; the rate limit as it reads back."""
        self.call("PUT", "faults", {"seed": 42, "latency_ms": latency_ms, "rules": [], "rate_limit": rate})
        return self.call("GET", "faults").get("rate_limit") or {}

    def account_keys(self) -> Dict[str, Dict[str, str]]:
        """Each account's keys, from AssumeRole of its role (again after half an hour: they last one)."""
        if time.monotonic() - self.assumed_at > 1800:
            import boto3  # pylint: disable=import-outside-toplevel

            creds = demo.credentials_env()
            sts = boto3.client(
                "sts",
                endpoint_url=self.url,
                region_name=demo.REGION,
                aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
            )
            self.keys = {}
            for a in range(self.sizes.accounts):
                answer = sts.assume_role(RoleArn=role_arn(account_id(a)), RoleSessionName="bench-drain-org")
                self.keys[account_id(a)] = answer["Credentials"]
            self.assumed_at = time.monotonic()
            self.clients = {}
        return self.keys

    def client(self, account: str, region: str) -> Any:
        keys = self.account_keys()[account]
        if (account, region) not in self.clients:
            import boto3  # pylint: disable=import-outside-toplevel

            self.clients[(account, region)] = boto3.client(
                "chime-sdk-voice",
                region_name=region,
                endpoint_url=self.url,
                aws_access_key_id=keys["AccessKeyId"],
                aws_secret_access_key=keys["SecretAccessKey"],
                aws_session_token=keys["SessionToken"],
            )
        return self.clients[(account, region)]

    def units(self) -> List[Tuple[str, str]]:
        return [(account_id(a), region) for a in range(self.sizes.accounts) for region in self.sizes.regions]

    def fresh(self) -> None:
        """The seed's data back, and every account and region's backend built (the endpoint builds one, and
        generates its sessions, on the first request after a reset): not measured."""
        self.configure(0, None)
        self.call("POST", "reset")
        for unit in self.units():
            self.client(*unit)  # made here, one after the other: making clients is not thread-safe
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda unit: self.client(*unit).list_voice_connectors(MaxResults=1), self.units()))

    def left(self) -> Dict[str, int]:
        """Read back, without latency or rate limit: the sessions that are not Closed and the proxy configurations
        left, in every account and region."""
        self.configure(0, None)

        def unit_left(unit: Tuple[str, str]) -> Tuple[int, int]:
            client = self.client(*unit)
            sessions = proxies = 0
            for vc in client.list_voice_connectors(MaxResults=100)["VoiceConnectors"]:
                vc_id = vc["VoiceConnectorId"]
                try:
                    proxies += bool(client.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy"))
                except client.exceptions.NotFoundException:
                    pass
                token = None
                while True:
                    page = client.list_proxy_sessions(
                        VoiceConnectorId=vc_id, MaxResults=PAGE, **({"NextToken": token} if token else {})
                    )
                    sessions += sum(1 for s in page["ProxySessions"] if s["Status"] != "Closed")
                    token = page.get("NextToken")
                    if not token:
                        break
            return sessions, proxies

        for unit in self.units():
            self.client(*unit)
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(unit_left, self.units()))
        return {"sessions": sum(s for s, _p in found), "proxies": sum(p for _s, p in found)}


def role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{ROLE}"


WRAPPER = [
    {
        "name": "Note when the playbook starts",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"ansible.builtin.set_fact": {"bench_started": "{{ now(fmt='%s.%f') }}"}}],
    },
    {"ansible.builtin.import_playbook": "telephony.chime.proxy_drain"},
    {
        "name": "Note when it ended",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {
                "ansible.builtin.copy": {
                    "content": "{{ {'started': bench_started, 'ended': now(fmt='%s.%f')} | to_json }}",
                    "dest": "{{ times_file }}",
                    "mode": "0600",
                }
            }
        ],
    },
]


class DrainOrgBench(base.Ledger):
    def __init__(self, args: argparse.Namespace, sizes: Sizes, work: Path) -> None:
        super().__init__()
        self.args = args
        self.sizes = sizes
        self.work = work
        self.python = args.python
        self.bin = Path(args.python).parent
        self.rows: List[Row] = []
        self.notes: List[str] = []
        self.accounts_file = work / "accounts.json"
        self.accounts_file.write_text(
            json.dumps([{"role_arn": role_arn(account_id(a))} for a in range(sizes.accounts)]), encoding="utf-8"
        )
        self.wrapper = work / "drain.yml"
        self.wrapper.write_text(json.dumps(WRAPPER), encoding="utf-8")
        seed = work / "seed.json"
        write_seed(seed, sizes)
        self.endpoint = Endpoint(self.python, work / "endpoint", seed, args.latency_ms, sizes)

    # ------------------------------------------------------------------------------------------- helpers
    def quiet_machine(self) -> float:
        """With --wait-load, wait until the 1-minute load average is below it (every 30 s, up to 40 minutes)."""
        limit = self.args.wait_load
        if limit is None:
            return load()
        waited = 0.0
        while load() >= limit and waited < WAIT_LIMIT_S:
            if waited == 0:
                self.say(f"    (waiting for the 1-minute load average to fall below {limit:g}: {load():.2f})")
            time.sleep(WAIT_POLL_S)
            waited += WAIT_POLL_S
        if load() >= limit:
            self.say(f"    (the load average is still {load():.2f} after {waited / 60:.0f} minutes: measuring anyway)")
        return load()

    def measure(self, cmd: List[str], env: Dict[str, str], rate: Optional[float], timeout: float = 3600) -> Measured:
        """One process against the run's latency and full buckets of `rate`, with the endpoint's stats of it."""
        self.endpoint.configure(self.args.latency_ms, rate)
        self.endpoint.call("DELETE", "stats")
        at = self.quiet_machine()
        cpu = self.endpoint.cpu()
        run = base.run(cmd, env, timeout)
        return Measured(run, self.endpoint.call("GET", "stats"), at, endpoint_cpu=self.endpoint.cpu() - cpu)

    def module_env(self) -> Dict[str, str]:
        url = self.endpoint.url
        return bench_inventory.ansible_env(
            self.python,
            self.args.tree,
            CHIME_ENDPOINT_URL=url,
            AWS_ENDPOINT_URL_STS=url,
            AWS_ENDPOINT_URL_ORGANIZATIONS=url,
            ANSIBLE_LOCAL_TEMP=str(self.work / "ansible-local"),
        )

    def left_nothing(self, what: str) -> Tuple[bool, Dict[str, int]]:
        left = self.endpoint.left()
        ok = self.check(
            left == {"sessions": 0, "proxies": 0},
            f"{what}: read back, {left['sessions']} sessions not Closed and {left['proxies']} proxy configurations "
            "are left",
        )
        return ok, left

    def check_requests(self, what: str, measured: Measured, expected: Dict[str, int]) -> bool:
        served = {op: n for op, n in measured.served().items() if n}
        return self.check(
            served == expected,
            f"{what}: requests served {served}, the work is {expected}",
        )

    def check_in_flight(self, what: str, measured: Measured) -> bool:
        per_unit = measured.max_per_unit()
        worst = max(per_unit.values(), default=0)
        covered = self.check(
            len(per_unit) == self.sizes.units,
            f"{what}: requests in {len(per_unit)} accounts and regions, not {self.sizes.units}",
        )
        bounded = self.check(
            worst <= self.args.max_concurrency,
            f"{what}: {worst} requests in flight in one account and region, above max_concurrency "
            f"{self.args.max_concurrency}",
        )
        return covered and bounded

    def row(self, scenario: str, what: str, measured: Measured, lost: str, scale: float = 1.0) -> Row:
        """The table's row of a measured run; scale multiplies its time and requests (the loop's runs timed, to all
        of them)."""
        return Row(
            scenario,
            what,
            measured.run.wall * scale,
            measured.beyond,
            round(measured.total * scale),
            measured.throttled,
            self.in_flight_text(measured),
            measured.cpu_text,
            f"{measured.load:.2f}",
            lost,
        )

    @staticmethod
    def in_flight_text(measured: Measured) -> str:
        per_unit = measured.max_per_unit().values()
        low, high = min(per_unit, default=0), max(per_unit, default=0)
        spread = f"{high}" if low == high else f"{low}-{high}"
        return f"{spread} / {measured.stats.get('max_in_flight')}"

    def times(self, path: Path) -> Optional[float]:
        try:
            written = json.loads(path.read_text(encoding="utf-8"))
            return float(written["ended"]) - float(written["started"])
        except (OSError, KeyError, TypeError, ValueError):
            return None

    # ------------------------------------------------------------------------------------------ A: the module
    def playbook(self, what: str, times: Path, rate: Optional[float], **extra: Any) -> Measured:
        """The wrapper playbook over the accounts with the run's bounds and these extra vars, measured; its time beyond
        Ansible's start from the times file; a failed run fails a check."""
        extra_vars = {
            "accounts": self.accounts_file,
            **extra,
            "times_file": times,
            "max_regions": self.args.max_regions,
            "max_concurrency": self.args.max_concurrency,
        }
        cmd = [str(self.bin / "ansible-playbook"), str(self.wrapper)]
        for name, value in extra_vars.items():
            cmd += ["-e", f"{name}={value}"]
        measured = self.measure(cmd, self.module_env(), rate)
        measured.beyond = self.times(times)
        self.check(measured.run.rc == 0, f"{what} failed (rc {measured.run.rc}):\n{measured.run.out[-3000:]}")
        return measured

    def rehearse(self, name: str, rate: Optional[float]) -> Tuple[Measured, Path, str]:
        """The rehearsal writing the plan; the measured run, the plan's path and its digest."""
        report_dir = self.work / f"plan-{name}"
        shutil.rmtree(report_dir, ignore_errors=True)
        what = f"{name}: the rehearsal"
        measured = self.playbook(
            what,
            self.work / f"times-rehearsal-{name}.json",
            rate,
            regions=",".join(self.sizes.regions),
            report_dir=report_dir,
        )
        plan_path = report_dir / "drain_plan.json"
        digest = ""
        try:
            plan = json.loads(plan_path.read_text(encoding="utf-8"))
            digest = plan["digest"]
            summary = plan["summary"]
        except (OSError, KeyError, ValueError) as err:
            self.check(False, f"{what}: no plan at {plan_path}: {err}")
            return measured, plan_path, digest
        s = self.sizes
        expected = {
            "accounts": s.accounts,
            "account_regions": s.units,
            "voice_connectors": s.total_connectors,
            "sessions_not_closed": s.total_sessions,
            "numbers_to_release": 0,
            "not_planned": 0,
        }
        self.check(summary == expected, f"{what}: the plan's summary is {summary}, not {expected}")
        # Under throttling a read is sent again after a throttled answer; the work is what was served.
        self.check_requests(what, measured, s.rehearsal_requests())
        return measured, plan_path, digest

    def drain(self, name: str, plan: Path, digest: str, rate: Optional[float]) -> Tuple[Measured, bool]:
        report_dir = plan.parent
        what = f"{name}: the drain"
        measured = self.playbook(
            what,
            self.work / f"times-drain-{name}.json",
            rate,
            report_dir=report_dir,
            plan=plan,
            plan_digest=digest,
            drain_confirm="true",
        )
        green = measured.run.rc == 0
        try:
            report = json.loads((report_dir / "drain_report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            report = {}
            self.check(False, f"{what}: no report: {err}")
        measured.written = report
        s = self.sizes
        summary = report.get("summary", {})
        expected = {
            "voice_connectors": s.total_connectors,
            "voice_connectors_failed": 0,
            "sessions_deleted": s.total_sessions,
            "sessions_not_deleted": 0,
            "proxy_configurations_removed": s.total_connectors,
        }
        reported = self.check(
            {k: summary.get(k) for k in expected} == expected, f"{what}: the report's summary is {summary}"
        )
        whole = self.check(
            report.get("skipped_regions") == [] and report.get("left_alone") == [],
            f"{what}: skipped {report.get('skipped_regions')}, left alone {report.get('left_alone')}",
        )
        deletes = self.check(
            measured.ok("DeleteProxySession") == s.total_sessions,
            f"{what}: DeleteProxySession answered ok {measured.ok('DeleteProxySession')} times, not {s.total_sessions}",
        )
        self.check_requests(what, measured, s.drain_requests())
        self.check_in_flight(what, measured)
        gone, _left = self.left_nothing(what)
        return measured, green and reported and whole and deletes and gone

    def module_runs(self) -> Tuple[Measured, Measured]:
        """A: --runs rehearsals and drains on fresh data; the median drain and the rehearsal of the same run."""
        runs = []
        for n in range(self.args.runs):
            self.endpoint.fresh()
            rehearsal, plan, digest = self.rehearse(f"module-{n}", None)
            drained, _whole = self.drain(f"module-{n}", plan, digest, None)
            runs.append((rehearsal, drained))
            self.say(
                f"    run {n + 1}: rehearsal {rehearsal.run.wall:.2f} s (load {rehearsal.load:.2f}), drain "
                f"{drained.run.wall:.2f} s (load {drained.load:.2f}), {drained.total} requests, at most "
                f"{self.in_flight_text(drained)} in flight (one account and region / all)"
            )
        return sorted(runs, key=lambda pair: pair[1].run.wall)[(len(runs) - 1) // 2]

    # ------------------------------------------------------------------------------------------- B: the loop
    def loop(self) -> Tuple[float, Measured, int]:
        """B: the playbook once per account and region (or the first --loop-runs of them), one after the other; the
        sum of the runs' wall times, the stats of them all, and how many runs were timed."""
        self.endpoint.fresh()
        units = self.endpoint.units()
        timed = units[: self.args.loop_runs] if self.args.loop_runs else units
        self.endpoint.configure(self.args.latency_ms, None)
        self.endpoint.call("DELETE", "stats")
        at = self.quiet_machine()
        cpu = self.endpoint.cpu()
        runs = []
        for account, region in timed:
            keys = self.endpoint.account_keys()[account]
            env = bench_inventory.ansible_env(
                self.python,
                self.args.tree,
                CHIME_ENDPOINT_URL=self.endpoint.url,
                AWS_ACCESS_KEY_ID=keys["AccessKeyId"],
                AWS_SECRET_ACCESS_KEY=keys["SecretAccessKey"],
                AWS_SESSION_TOKEN=keys["SessionToken"],
                ANSIBLE_LOCAL_TEMP=str(self.work / "ansible-local"),
            )
            cmd = [
                str(self.bin / "ansible-playbook"),
                "telephony.chime.proxy_drain",
                "-e",
                "voice_connector_ids=all",
                "-e",
                f"region={region}",
                "-e",
                "drain_confirm=true",
            ]
            run = base.run(cmd, env, 1800)
            self.check(run.rc == 0, f"loop, {account} {region}: failed (rc {run.rc}):\n{run.out[-2000:]}")
            runs.append(run)
        endpoint_cpu = self.endpoint.cpu() - cpu
        stats = self.endpoint.call("GET", "stats")
        walls = [r.wall for r in runs]
        whole = base.Run(sum(walls), 0, 0, "", "")
        whole.cpu_user, whole.cpu_sys = sum(r.cpu_user for r in runs), sum(r.cpu_sys for r in runs)
        measured = Measured(whole, stats, at, endpoint_cpu=endpoint_cpu)
        s = self.sizes
        share = len(timed) / len(units)
        expected = {op: round(n * share) for op, n in s.drain_requests().items()}
        self.check_requests("the loop", measured, expected)
        if len(timed) == len(units):
            self.left_nothing("the loop")
        self.say(
            f"    {len(timed)} runs: {sum(walls):.2f} s in all (each {min(walls):.2f}-{max(walls):.2f} s, median "
            f"{median(walls):.2f} s), load {at:.2f} at the start"
        )
        return sum(walls), measured, len(timed)

    # ------------------------------------------------------------------------------------- C: the boto3 script
    def peer(self, name: str, rate: Optional[float]) -> Measured:
        report = self.work / f"peer-{name}.json"
        report.unlink(missing_ok=True)
        cmd = [
            self.python,
            str(HERE / "peer_drain_org_boto3.py"),
            "--report",
            str(report),
            self.endpoint.url,
            str(self.accounts_file),
            *self.sizes.regions,
        ]
        env = bench_inventory.ansible_env(self.python, self.args.tree, AWS_ENDPOINT_URL_STS=self.endpoint.url)
        measured = self.measure(cmd, env, rate)
        self.check(
            measured.run.rc in (0, 1) and report.is_file(),
            f"boto3 script crashed (rc {measured.run.rc}): {measured.run.err[-2000:]}",
        )
        if report.is_file():
            measured.written = json.loads(report.read_text(encoding="utf-8"))
        measured.written["left"] = self.endpoint.left()
        return measured

    def peer_runs(self) -> Measured:
        runs = []
        for n in range(self.args.runs):
            self.endpoint.fresh()
            measured = self.peer(f"{n}", None)
            self.check(measured.run.rc == 0, f"boto3 script: a request failed: {measured.run.err[-2000:]}")
            self.check(
                measured.written["left"] == {"sessions": 0, "proxies": 0},
                f"boto3 script: left {measured.written['left']}",
            )
            self.check_requests("boto3 script", measured, self.sizes.drain_requests())
            runs.append(measured)
            self.say(
                f"    run {n + 1}: boto3 script {measured.run.wall:.2f} s (load {measured.load:.2f}), "
                f"{measured.total} requests, at most {self.in_flight_text(measured)} in flight"
            )
        return sorted(runs, key=lambda m: m.run.wall)[(len(runs) - 1) // 2]

    # ------------------------------------------------------------------------------------------- the figures
    def unthrottled(self) -> None:
        s = self.sizes
        scenario = (
            f"{s.accounts}x{len(s.regions)}x{s.connectors}x{s.sessions} ({s.total_sessions} sessions), "
            f"{self.args.latency_ms:g} ms"
        )
        self.say(f"\n== {scenario}: A. the module from a plan, {self.args.runs} run(s)")
        rehearsal, drained = self.module_runs()
        self.say(f"\n== {scenario}: C. the boto3 script, {self.args.runs} run(s)")
        peer = self.peer_runs()
        self.say(f"\n== {scenario}: B. today's playbook, once per account and region")
        loop_wall, loop, timed = self.loop()
        units = s.units
        loop_total = loop_wall * units / timed
        loop_note = "" if timed == units else f" ({timed} runs timed: {loop_wall:.2f} s x {units} / {timed})"
        self.rows += [
            self.row(scenario, "rehearsal writing the plan (check mode)", rehearsal, ""),
            self.row(scenario, "drain from the plan, one task", drained, "nothing"),
            self.row(
                scenario,
                f"today's playbook, {units} runs{' (extrapolated)' if timed != units else ''}",
                loop,
                "nothing",
                scale=units / timed,
            ),
            self.row(scenario, "boto3 script", peer, "nothing"),
        ]
        ratio = drained.run.wall / peer.run.wall
        self.goal(
            f"{scenario}: the drain {drained.run.wall:.2f} s, {ratio:.2f}x the boto3 script's {peer.run.wall:.2f} s "
            f"(goal: at most 1.0x); beyond Ansible's start {self.beyond_text(drained)}; today's {units}-run loop "
            f"{loop_total:.2f} s{loop_note}",
            ratio <= 1.0,
        )
        expected = s.drain_requests()
        served = {op: n for op, n in drained.served().items() if n}
        self.goal(
            f"{scenario}: the drain's requests {sum(served.values())} = {expected['DeleteProxySession']} deletes + "
            f"{expected['ListProxySessions']} listing pages + {PER_CONNECTOR} x {s.total_connectors} connectors + "
            f"{s.units} ListVoiceConnectors (the plan's listing of what to leave alone) = {sum(expected.values())}; "
            f"the plan's reads, in the rehearsal: {rehearsal.total} "
            f"({' + '.join(f'{n} {op}' for op, n in s.rehearsal_requests().items())})",
            served == expected,
        )
        worst = max(drained.max_per_unit().values(), default=0)
        budget = self.args.max_regions * self.args.max_concurrency
        self.goal(
            f"{scenario}: at most {worst} requests in flight in one account and region (goal: at most max_concurrency"
            f" {self.args.max_concurrency}); in all at most {drained.stats.get('max_in_flight')} (max_regions x max_concurrency"
            f" = {budget})",
            worst <= self.args.max_concurrency,
        )

    @staticmethod
    def beyond_text(measured: Measured) -> str:
        return "?" if measured.beyond is None else f"{measured.beyond:.2f} s"

    def throttled(self) -> None:
        s, rate = self.sizes, self.args.rate
        scenario = f"{s.accounts}x{len(s.regions)}x{s.connectors}x{s.sessions} at {rate:g}/s per account and region"
        self.say(f"\n== {scenario}: the module from a plan, then the boto3 script")
        self.endpoint.fresh()
        rehearsal, plan, digest = self.rehearse("throttled", rate)
        burst = float(self.endpoint.configure(self.args.latency_ms, rate).get("burst", rate))
        drained, lost_nothing = self.drain("throttled", plan, digest, rate)
        pace = drained.written.get("pace") or []
        self.check_pace(pace, drained)
        served = {k: v["total"] - v["throttled"] for k, v in drained.stats.get("account_regions", {}).items()}
        busiest = max(served.values(), default=0)
        floor = (busiest - burst) / rate
        ratio = drained.run.wall / floor if floor > 0 else float("inf")
        self.say(
            f"  rehearsal {rehearsal.run.wall:.2f} s ({rehearsal.total} requests, {rehearsal.throttled} throttled, "
            f"load {rehearsal.load:.2f}); drain {drained.run.wall:.2f} s, beyond Ansible's start "
            f"{self.beyond_text(drained)} ({drained.total} requests, {drained.throttled} throttled, load "
            f"{drained.load:.2f}); pace {bench_throttled.pace_summary(pace)}"
        )
        self.say(
            f"  floor: (the busiest account and region's {busiest} served requests - {burst:g} burst) / {rate:g} = "
            f"{floor:.2f} s; served per account and region {min(served.values(), default=0)}-{busiest}"
        )
        self.rows.append(self.row(scenario, "rehearsal writing the plan (check mode)", rehearsal, ""))
        self.rows.append(
            self.row(scenario, "drain from the plan, one task", drained, "nothing" if lost_nothing else "LOST")
        )
        self.goal(
            f"{scenario}: nothing lost: {drained.ok('DeleteProxySession')} of {s.total_sessions} sessions deleted, "
            f"none left, {s.total_connectors} proxy configurations removed, the task green",
            lost_nothing,
        )
        beyond = "" if drained.beyond is None else f"; beyond Ansible's start {drained.beyond / floor:.2f}x"
        self.goal(
            f"{scenario}: the drain {drained.run.wall:.2f} s, {ratio:.2f}x the floor of {floor:.2f} s (goal: at most "
            f"{FLOOR_FACTOR}x, {FLOOR_FACTOR * floor:.2f} s){beyond}",
            ratio <= FLOOR_FACTOR,
        )
        self.endpoint.fresh()
        peer = self.peer("throttled", rate)
        report, left = peer.written, peer.written.get("left", {})
        lost = f"{left.get('sessions')} of {s.total_sessions} sessions and {left.get('proxies')} of {s.total_connectors} configurations left"
        self.rows.append(self.row(scenario, "boto3 script", peer, lost))
        line = (
            f"{scenario}, boto3 script: {peer.run.wall:.2f} s, {peer.total} requests, {peer.throttled} throttled; "
            f"{lost}; {report.get('deleted')} deleted, {report.get('disabled')} disabled, {report.get('removed')} "
            f"removed; failed requests {report.get('failed') or 'none'}; its user sees: {report.get('first_error')}"
        )
        self.notes.append(line)
        self.say(f"  peer {line}")

    def check_pace(self, pace: List[Dict[str, Any]], measured: Measured) -> None:
        seen = measured.stats.get("account_regions", {})
        mine = {f"{p.get('account_id')}/{p.get('region')}": (p.get("requests"), p.get("throttled")) for p in pace}
        theirs = {k: (v["total"], v["throttled"]) for k, v in seen.items()}
        self.check(mine == theirs, f"throttled drain: the result's pace {mine} is not what the endpoint saw {theirs}")

    def table(self) -> str:
        lines = [
            "| scenario | what | wall (s) | beyond Ansible's start (s) | requests | throttled | in flight (one account"
            " and region / all) | CPU s (user + system / endpoint) | load | lost |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for r in self.rows:
            beyond = "" if r.beyond is None else f"{r.beyond:.2f}"
            lines.append(
                f"| {r.scenario} | {r.what} | {r.wall:.2f} | {beyond} | {r.requests} | {r.throttled} | {r.in_flight} "
                f"| {r.cpu} | {r.load} | {r.lost} |"
            )
        return "\n".join(lines)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="Python of the venv with ansible, boto3 and moto")
    parser.add_argument("--tree", default=str(base.BUILD / "tree-3.11"), help="ANSIBLE_COLLECTIONS_PATH")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=5.0, help="the throttled run's requests a second")
    parser.add_argument("--runs", type=int, default=1, help="runs of the module and of the script (median)")
    parser.add_argument("--loop-runs", type=int, help="time only the first N runs of the loop, and extrapolate")
    parser.add_argument("--max-regions", type=int, default=4, help="the playbook's max_regions (its default 4)")
    parser.add_argument(
        "--max-concurrency", type=int, default=10, help="the playbook's max_concurrency (its default 10)"
    )
    parser.add_argument("--accounts", type=int, help="instead of the size's accounts")
    parser.add_argument(
        "--regions", type=int, help=f"instead of the size's regions: the first N of {', '.join(ALL_REGIONS)}"
    )
    parser.add_argument("--connectors", type=int, help="instead of the size's connectors an account and region")
    parser.add_argument("--sessions", type=int, help="instead of the size's sessions a connector")
    parser.add_argument("--smoke", action="store_true", help="2 accounts x 2 regions x 2 connectors x 20 sessions")
    parser.add_argument("--only", choices=["unthrottled", "throttled"])
    parser.add_argument("--wait-load", type=float, help="before each measured run, wait for a load average below it")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    sizes = Sizes(
        args.accounts or sizes.accounts,
        ALL_REGIONS[: args.regions] if args.regions else sizes.regions,
        args.connectors or sizes.connectors,
        sizes.sessions if args.sessions is None else args.sessions,
    )
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bench-drain-org-"))
    base.SPAWNER.append(base.Spawner(args.python))  # started while this process is small (see spawner.py)
    bench = None
    try:
        print(
            f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; commit {bench_throttled.commit()}"
        )
        print(f"machine: {base.machine()}")
        print(f"versions: {bench_throttled.versions(args.python, bench_inventory.ansible_env(args.python, args.tree))}")
        print(
            f"sizes: {sizes.accounts} accounts x {len(sizes.regions)} regions ({', '.join(sizes.regions)}) x "
            f"{sizes.connectors} connectors x {sizes.sessions} sessions = {sizes.total_sessions} sessions; "
            f"{args.latency_ms:g} ms a request; {args.runs} run(s) a figure; load {load():.2f}"
            + ("; smoke sizes (the timing goals are stated for the full sizes)" if args.smoke else "")
        )
        bench = DrainOrgBench(args, sizes, work)
        try:
            if args.only in (None, "unthrottled"):
                bench.unthrottled()
            if args.only in (None, "throttled"):
                bench.throttled()
        except base.BenchError as err:
            bench.failures.append(str(err))
            print(f"\nBENCH FAILED: {err}", file=sys.stderr)
        finally:
            bench.endpoint.stop()
    finally:
        base.SPAWNER.pop().stop()
        shutil.rmtree(work, ignore_errors=True)
    if bench is None:
        return 1
    print(f"\n{bench.table()}\n")
    heading = "goals (timings reported, not enforced"
    heading += "; stated for the full sizes):" if args.smoke else "):"
    print("\n".join([heading, *bench.goals]))
    if bench.notes:
        print("\nthe boto3 script under throttling (its losses are the comparison, not failures):")
        print("\n".join(f"  {line}" for line in bench.notes))
    print(f"\nchecks: {bench.checks - len(bench.failures)} of {bench.checks} passed")
    print(f"total time: {time.monotonic() - started:.0f} s; load {load():.2f}")
    if bench.failures:
        print("\nBENCH FAILED:\n" + "\n".join(f"  {failure}" for failure in bench.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
