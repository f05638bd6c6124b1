# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain and the audit under AWS's rate limit (issue 26): the collection against the plain boto3 scripts.

The local endpoint at 20 ms a request with its rate limit (tools/chime_local/README.md, "Rate limit"): a token
bucket per account and region, burst = rate, full at the start of every measured run.

1. Drain: playbooks/proxy_drain.yml -e drain_confirm=true (as bench_drain.py runs it) of one connector with N open
   sessions at R requests a second (full size: 2,000 at 20 and at 5, 200 at 1), beside the same playbook on a
   connector without sessions at the same rate (its time is subtracted: "time beyond the empty connector") and the
   boto3 script of peer_drain_boto3.py at the same rate.
2. Audit: chime_proxy_inventory through ansible-playbook (the task of bench_org_inventory.py) of 10 regions x 20
   connectors x 500 sessions at R requests a second per account and region (full size: 20 and 5), each region its
   own bucket, beside the boto3 script of peer_inventory_boto3.py at the same rate. Its time beyond Ansible's start
   is the task's own: from a timestamp taken by the task before it to one taken by the task after it. The same
   audit without a rate limit is run first: this machine's own time for it, which its two cores bound (a floor of
   the quota below that cannot be reached here).

The floor is (the requests that must be served, less the first burst) / the rate. For the drain these are the big
run's requests that were not throttled (deletes + listing pages + 3); for the audit, one region's (the regions go at
the same time, each with its own bucket). The drain also prints the floor "beyond the empty connector": (the big
run's served requests - the empty run's) / rate. The boto3 scripts keep boto3's default configuration (botocore's
default retry mode does not retry ThrottledClientException): their losses are the comparison, reported, not failed.

Checks that fail the program (smoke too), for the collection: nothing lost (drain: every session deleted,
DeleteProxySession answered ok once per session, the proxy configuration gone, the task green; audit: every region
read, every session in the files, the task green), the requests served equal to the work, and the result's pace
figures present and equal to the endpoint's count per account and region. Timings only print, each goal marked MET
or NOT MET.

One run a figure by default (--runs N: medians): at full size the quota, not the machine, sets the figures (the
2,000-session drain at 5 a second needs (2023 - 5) / 5 = 404 s whatever the CPU does). Full size takes about 14
minutes; --smoke (in `make bench-smoke`) well under a minute. `make bench-throttled`, part of `make bench`.
"""

import argparse
import csv
import datetime
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Callable
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
from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position

PAGE = 100
DRAIN_REGION = "us-east-1"
EMPTY = "thrdrainempty000000001"
PROXY = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": False}
FLOOR_FACTOR = 1.15
THROTTLED_SHARE = 0.05
# The drain's requests beside its deletes and listing pages: Get, Put (disable) and Delete of the proxy configuration.
DRAIN_FIXED = 3


@dataclass
class Plan:
    drains: List[Tuple[int, float]]
    regions: List[str]
    connectors: int
    sessions: int
    audit_rates: List[float]


FULL = Plan([(2000, 20.0), (2000, 5.0), (200, 1.0)], bench_org_inventory.REGIONS, 20, 500, [20.0, 5.0])
SMOKE = Plan([(60, 20.0), (20, 5.0)], bench_org_inventory.REGIONS[:2], 2, 50, [5.0])


def big_id(sessions: int) -> str:
    return f"thrdrain{sessions:014d}"  # 22 characters, the model's VoiceConnectorId pattern


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def rate_text(rate: float) -> str:
    return f"{rate:g}/s"


@dataclass
class Row:
    scenario: str
    what: str
    wall: float
    beyond: Optional[float] = None
    floor: Optional[float] = None
    answered: int = 0
    throttled: int = 0
    pace: str = ""
    lost: str = ""


@dataclass
class Measured:
    """One measured process: its run, the endpoint's stats of it, and what it wrote (report, result)."""

    run: base.Run
    stats: Dict[str, Any]
    written: Dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return int(self.stats.get("total", 0))

    @property
    def throttled(self) -> int:
        return int(self.stats.get("injected", {}).get("RateLimited", 0))

    @property
    def served(self) -> int:
        return self.total - self.throttled

    def ok(self, operation: str) -> int:
        return int(self.stats.get("operations", {}).get(operation, {}).get("outcomes", {}).get("ok", 0))

    def regions(self) -> Dict[str, Dict[str, int]]:
        return self.stats.get("account_regions", {})

    def regions_text(self) -> str:
        return ", ".join(
            f"{key} {v['throttled']} of {v['total']} ({share(v['throttled'], v['total']):.1%})"
            for key, v in sorted(self.regions().items())
        )


def pace_text(pace: List[Dict[str, Any]]) -> str:
    """The module result's pace, one account and region after another."""
    parts = []
    for p in pace:
        where = f"{p['account_id']}/{p['region']}" if p.get("account_id") else p.get("region", "?")
        rate = "none" if p.get("rate") is None else f"{p['rate']:g}/s"
        parts.append(f"{where}: {p.get('requests')} requests, {p.get('throttled')} throttled, rate {rate}")
    return "; ".join(parts)


def pace_summary(pace: List[Dict[str, Any]]) -> str:
    """The pace in a table cell: totals, and the rates it settled at."""
    if not pace:
        return "(none)"
    rates = sorted({p["rate"] for p in pace if p.get("rate") is not None})
    shown = "none" if not rates else (f"{rates[0]:g}" if len(rates) == 1 else f"{rates[0]:g}-{rates[-1]:g}") + "/s"
    requests = sum(p.get("requests", 0) for p in pace)
    throttled = sum(p.get("throttled", 0) for p in pace)
    return f"{requests} req, {throttled} thr, rate {shown}"


def versions(python: str, env: Dict[str, str]) -> str:
    probe = (
        "import sys, ansible.release, boto3, botocore, moto; print(f'Python {sys.version.split()[0]}, "
        "ansible-core {ansible.release.__version__}, boto3 {boto3.__version__}, botocore {botocore.__version__}, "
        "moto {moto.__version__}')"
    )
    return subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout.strip()


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False)
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


class Endpoint(bench_inventory.Endpoint):
    """The local endpoint with one seed, its rate limit set per run, and a boto3 client of its own for warm-ups and
    checks (sent only while no rate limit is set, between measured runs)."""

    def __init__(self, python: str, workdir: Path, seed: Path, latency_ms: float) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(python, workdir, seed, latency_ms)
        self.latency_ms = latency_ms
        self.clients: Dict[str, Any] = {}

    def limit(self, rate: Optional[float]) -> Dict[str, Any]:
        """Only the rate limit (null: none) on top of the latency, with full buckets; the limit as it reads back."""
        config = {"seed": 42, "latency_ms": self.latency_ms, "rules": [], "rate_limit": rate}
        self.call("PUT", "faults", config)
        return self.call("GET", "faults").get("rate_limit") or {}

    def client(self, region: str) -> Any:
        if region not in self.clients:
            import boto3  # pylint: disable=import-outside-toplevel
            from botocore.config import Config  # pylint: disable=import-outside-toplevel

            creds = demo.credentials_env()
            self.clients[region] = boto3.client(
                "chime-sdk-voice",
                region_name=region,
                endpoint_url=self.url,
                aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
                config=Config(retries={"total_max_attempts": 1}),
            )
        return self.clients[region]

    def open_sessions(self, region: str, vc_id: str) -> int:
        client, count, token = self.client(region), 0, None
        while True:
            page = client.list_proxy_sessions(
                VoiceConnectorId=vc_id, MaxResults=PAGE, **({"NextToken": token} if token else {})
            )
            count += sum(1 for s in page["ProxySessions"] if s["Status"] != "Closed")
            token = page.get("NextToken")
            if not token:
                return count

    def has_proxy(self, region: str, vc_id: str) -> bool:
        client = self.client(region)
        try:
            return bool(client.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy"))
        except client.exceptions.NotFoundException:
            return False


class ThrottledBench(base.Ledger):
    def __init__(self, args: argparse.Namespace, plan: Plan, work: Path) -> None:
        super().__init__()
        self.args = args
        self.plan = plan
        self.work = work
        self.python = args.python
        self.bin = Path(args.python).parent
        self.rows: List[Row] = []
        self.peers: List[str] = []

    # ------------------------------------------------------------------------------------------- helpers
    def measure(self, endpoint: Endpoint, rate: float, cmd: List[str], env: Dict[str, str]) -> Measured:
        """One process against full buckets of `rate`, with the endpoint's stats of exactly its requests."""
        endpoint.limit(rate)
        endpoint.call("DELETE", "stats")
        run = base.run(cmd, env, 3600)
        return Measured(run, endpoint.call("GET", "stats"))

    def check_pace(self, what: str, pace: List[Dict[str, Any]], measured: Measured, account: Optional[str]) -> None:
        """The result's pace figures are there, one per account and region, and count what the endpoint saw."""
        if not self.check(bool(pace), f"{what}: the result has no pace figures"):
            return
        for p in pace:
            present = all(k in p for k in ("requests", "throttled", "rate"))
            self.check(present, f"{what}: pace entry without requests, throttled or rate: {p}")
            # The drain's pace names only its region (its one account is the credentials'): the endpoint's key then.
            account_id = p.get("account_id") or account
            keys = [k for k in measured.regions() if k.split("/", 1)[1] == p.get("region")]
            key = f"{account_id}/{p.get('region')}" if account_id else (keys[0] if len(keys) == 1 else "?")
            seen = measured.regions().get(key)
            if not self.check(seen is not None, f"{what}: pace names {key}, the endpoint saw {measured.regions()}"):
                continue
            self.check(
                (p.get("requests"), p.get("throttled")) == (seen["total"], seen["throttled"]),
                f"{what}: pace of {key} says {p.get('requests')} requests, {p.get('throttled')} throttled; the "
                f"endpoint answered {seen['total']}, {seen['throttled']} throttled",
            )

    @staticmethod
    def median_run(runs: List[Any], key: Callable[[Any], float]) -> Any:
        """The run whose figure is the median (the lower middle one for an even count): its counts go with it."""
        return sorted(runs, key=key)[(len(runs) - 1) // 2]

    def env(self, endpoint: Endpoint) -> Dict[str, str]:
        return bench_inventory.ansible_env(
            self.python,
            self.args.tree,
            CHIME_ENDPOINT_URL=endpoint.url,
            AWS_ENDPOINT_URL_STS=endpoint.url,
            ANSIBLE_LOCAL_TEMP=str(self.work / "ansible-local"),
        )

    # --------------------------------------------------------------------------------------------- drain
    def drain_seed(self, path: Path) -> None:
        sizes = sorted({sessions for sessions, _rate in self.plan.drains})

        def connector(vc_id: str) -> Dict[str, Any]:
            return {
                "VoiceConnectorId": vc_id,
                "Name": vc_id,
                "AwsRegion": DRAIN_REGION,
                "region": DRAIN_REGION,
                "Proxy": PROXY,
            }

        seed = {
            "voice_connectors": [connector(EMPTY)] + [connector(big_id(n)) for n in sizes],
            "generate": [
                {"voice_connector_id": big_id(n), "count": n, "id_prefix": f"t{n}-", "width": 5, "status": "Open"}
                for n in sizes
            ],
        }
        path.write_text(json.dumps(seed), encoding="utf-8")

    def drain_fresh(self, endpoint: Endpoint) -> None:
        """The seed's sessions and proxy configurations back, and the region's backend built (not measured: the
        endpoint builds it, and generates its sessions, on the first request after a reset)."""
        endpoint.limit(None)
        endpoint.call("POST", "reset")
        endpoint.client(DRAIN_REGION).list_proxy_sessions(VoiceConnectorId=EMPTY, MaxResults=1)

    def drain_playbook(self, endpoint: Endpoint, rate: float, vc_id: str, name: str) -> Measured:
        report_dir = self.work / f"report-{name}"
        shutil.rmtree(report_dir, ignore_errors=True)
        cmd = [
            str(self.bin / "ansible-playbook"),
            "telephony.chime.proxy_drain",
            "-e",
            f"voice_connector_ids={vc_id}",
            "-e",
            f"region={DRAIN_REGION}",
            "-e",
            "drain_confirm=true",
            "-e",
            f"report_dir={report_dir}",
        ]
        measured = self.measure(endpoint, rate, cmd, self.env(endpoint))
        report = report_dir / "drain_report.json"
        if report.is_file():
            measured.written = json.loads(report.read_text(encoding="utf-8"))
        return measured

    def check_drained(self, what: str, measured: Measured, sessions: int, vc_id: str, endpoint: Endpoint) -> bool:
        """Nothing lost: the task green, every session deleted once, the proxy configuration gone."""
        run, report = measured.run, measured.written
        green = self.check(run.rc == 0, f"{what}: the playbook failed (rc {run.rc}):\n{run.out[-2000:]}")
        connectors = report.get("voice_connectors") or [{}]
        entry = connectors[0]
        reported = self.check(
            entry.get("sessions_deleted") == sessions
            and entry.get("sessions_not_deleted") == 0
            and entry.get("proxy_configuration") == "removed"
            and not entry.get("failed"),
            f"{what}: the drain's report says {entry or report or 'nothing (no report)'}",
        )
        deletes = self.check(
            measured.ok("DeleteProxySession") == sessions,
            f"{what}: DeleteProxySession answered ok {measured.ok('DeleteProxySession')} times, not {sessions}",
        )
        removed = self.check(
            measured.ok("DeleteVoiceConnectorProxy") == 1,
            f"{what}: DeleteVoiceConnectorProxy answered ok {measured.ok('DeleteVoiceConnectorProxy')} times, not once",
        )
        endpoint.limit(None)
        left = endpoint.open_sessions(DRAIN_REGION, vc_id)
        gone = self.check(left == 0, f"{what}: {left} sessions are still on {vc_id}")
        no_proxy = self.check(not endpoint.has_proxy(DRAIN_REGION, vc_id), f"{what}: {vc_id} still has its proxy")
        self.check_pace(what, report.get("pace") or [], measured, None)
        return green and reported and deletes and removed and gone and no_proxy

    def drain_peer(self, endpoint: Endpoint, rate: float, sessions: int) -> Measured:
        report = self.work / "peer-drain.json"
        report.unlink(missing_ok=True)
        cmd = [
            self.python,
            str(HERE / "peer_drain_boto3.py"),
            endpoint.url,
            DRAIN_REGION,
            big_id(sessions),
            "--report",
            str(report),
        ]
        measured = self.measure(endpoint, rate, cmd, self.env(endpoint))
        self.check(
            measured.run.rc in (0, 1) and report.is_file(),
            f"boto3 drain script crashed (rc {measured.run.rc}): {measured.run.err[-2000:]}",
        )
        if report.is_file():
            measured.written = json.loads(report.read_text(encoding="utf-8"))
        endpoint.limit(None)
        left = endpoint.open_sessions(DRAIN_REGION, big_id(sessions))
        measured.written["left"] = left
        self.check(
            left == sessions - measured.ok("DeleteProxySession"),
            f"boto3 drain script: {left} sessions left, but the endpoint answered "
            f"{measured.ok('DeleteProxySession')} of {sessions} deletes ok",
        )
        return measured

    def drain(self) -> None:
        seed = self.work / "drain-seed.json"
        self.drain_seed(seed)
        endpoint = Endpoint(self.python, self.work / "drain-endpoint", seed, self.args.latency_ms)
        try:
            for sessions, rate in self.plan.drains:
                self.drain_scenario(endpoint, sessions, rate)
        finally:
            endpoint.stop()

    def drain_scenario(self, endpoint: Endpoint, sessions: int, rate: float) -> None:
        scenario = f"drain {sessions} at {rate_text(rate)}"
        vc_id = big_id(sessions)
        pages = max(1, math.ceil(sessions / PAGE))
        must_serve = sessions + pages + DRAIN_FIXED
        self.say(f"\n== {scenario}: one connector, {must_serve} requests to serve, {self.args.runs} run(s)")
        runs: List[Tuple[Measured, Measured, bool]] = []
        peers: List[Measured] = []
        burst = rate
        for n in range(self.args.runs):
            self.drain_fresh(endpoint)
            burst = float(endpoint.limit(rate).get("burst", rate))
            empty = self.drain_playbook(endpoint, rate, EMPTY, f"empty-{n}")
            self.check_drained(f"{scenario}, empty connector", empty, 0, EMPTY, endpoint)
            self.check(empty.served == DRAIN_FIXED + 1, f"{scenario}: the empty run was served {empty.served} requests")
            big = self.drain_playbook(endpoint, rate, vc_id, f"big-{n}")
            lost_nothing = self.check_drained(scenario, big, sessions, vc_id, endpoint)
            self.check(
                big.served == must_serve,
                f"{scenario}: {big.served} requests served, the work is {must_serve} ({sessions} deletes, {pages} "
                f"pages, {DRAIN_FIXED} for the proxy configuration)",
            )
            runs.append((empty, big, lost_nothing))
            self.drain_fresh(endpoint)
            peers.append(self.drain_peer(endpoint, rate, sessions))
            self.say(
                f"    run {n + 1}: empty {empty.run.wall:.2f} s, {sessions} sessions {big.run.wall:.2f} s "
                f"({big.total} requests, {big.throttled} throttled), boto3 script {peers[-1].run.wall:.2f} s"
            )
        empty, big, lost_nothing = self.median_run(runs, lambda r: r[1].run.wall - r[0].run.wall)
        peer = self.median_run(peers, lambda p: p.run.wall)
        beyond = big.run.wall - empty.run.wall
        floor = (big.served - burst) / rate
        variant = (big.served - empty.served) / rate
        pace = big.written.get("pace") or []
        self.say(
            f"  empty connector: {empty.run.wall:.2f} s, {empty.total} requests, {empty.throttled} throttled; pace "
            f"{pace_text(empty.written.get('pace') or [])}"
        )
        self.say(
            f"  {sessions} sessions: {big.run.wall:.2f} s, {beyond:.2f} s beyond the empty connector; the endpoint "
            f"answered {big.total} requests, {big.throttled} throttled ({share(big.throttled, big.total):.1%}); per "
            f"account/region: {big.regions_text()}"
        )
        self.say(f"  {sessions} sessions: the result's pace: {pace_text(pace)}")
        self.say(
            f"  floor: ({big.served} served - {burst:g} burst) / {rate:g} = {floor:.2f} s; beyond the empty "
            f"connector: ({big.served} - {empty.served}) / {rate:g} = {variant:.2f} s; {beyond:.2f} s is "
            f"{beyond / floor:.2f}x the one, {beyond / variant:.2f}x the other"
        )
        self.rows.append(
            Row(
                scenario,
                "playbook, empty connector",
                empty.run.wall,
                None,
                None,
                empty.total,
                empty.throttled,
                pace_summary(empty.written.get("pace") or []),
                "",
            )
        )
        self.rows.append(
            Row(
                scenario,
                f"playbook, {sessions} sessions",
                big.run.wall,
                beyond,
                floor,
                big.total,
                big.throttled,
                pace_summary(pace),
                "nothing" if lost_nothing else "LOST",
            )
        )
        self.goal(
            f"{scenario}: nothing lost: {big.ok('DeleteProxySession')} of {sessions} sessions deleted "
            f"(DeleteProxySession ok), none left, the proxy configuration removed, the task green",
            lost_nothing,
        )
        self.goal(
            f"{scenario}: {beyond:.2f} s beyond the empty connector, {beyond / floor:.2f}x the floor of "
            f"{floor:.2f} s (goal: at most {FLOOR_FACTOR}x, {FLOOR_FACTOR * floor:.2f} s)",
            beyond <= FLOOR_FACTOR * floor,
        )
        self.goal(
            f"{scenario}: {big.throttled} of {big.total} requests answered throttled "
            f"({share(big.throttled, big.total):.1%}; goal: at most {THROTTLED_SHARE:.0%})",
            share(big.throttled, big.total) <= THROTTLED_SHARE,
        )
        self.drain_peer_lines(scenario, sessions, peer)

    def drain_peer_lines(self, scenario: str, sessions: int, peer: Measured) -> None:
        report = peer.written
        left = report.get("left", sessions)
        plain = report.get("plain_script", {})
        lost = f"{left} of {sessions} sessions left"
        self.rows.append(
            Row(
                scenario,
                "boto3 script (listing and deletes only)",
                peer.run.wall,
                None,
                None,
                peer.total,
                peer.throttled,
                "",
                lost,
            )
        )
        lines = [
            f"{scenario}, boto3 script: {peer.run.wall:.2f} s, {peer.total} requests, {peer.throttled} throttled "
            f"({share(peer.throttled, peer.total):.1%}); {lost} undeleted ({report.get('listed')} listed, "
            f"{report.get('deleted')} deleted; failed requests: {report.get('failed') or 'none'})",
            f"{scenario}, boto3 script as a user first writes it: {plain.get('outcome')}, "
            f"{plain.get('deleted')} deleted; the user sees: {report.get('first_error') or '(no error)'}",
        ]
        for line in lines:
            self.peers.append(line)
            self.say(f"  peer {line}")

    # --------------------------------------------------------------------------------------------- audit
    def audit(self) -> None:
        plan = self.plan
        seed = self.work / "audit-seed.json"
        bench_org_inventory.write_seed(seed, plan.connectors, plan.sessions)
        endpoint = Endpoint(self.python, self.work / "audit-endpoint", seed, self.args.latency_ms)
        try:
            # Not measured: the endpoint builds each region's backend (and its seeded sessions) on the first request.
            endpoint.limit(None)
            for region in plan.regions:
                client = endpoint.client(region)
                first = client.list_voice_connectors(MaxResults=1)["VoiceConnectors"][0]["VoiceConnectorId"]
                client.list_proxy_sessions(VoiceConnectorId=first, MaxResults=1)
            book = self.work / "audit.yml"
            book.write_text(json.dumps(self.audit_play(endpoint)), encoding="utf-8")
            unlimited = self.audit_unlimited(endpoint, book)
            for rate in plan.audit_rates:
                self.audit_scenario(endpoint, book, rate, unlimited)
        finally:
            endpoint.stop()

    def audit_play(self, endpoint: Endpoint) -> List[Dict[str, Any]]:
        task = {
            "name": "The audit",
            "telephony.chime.chime_proxy_inventory": {
                "regions": self.plan.regions,
                "dest": "{{ dest }}",
                "endpoint_url": endpoint.url,
                "max_regions": self.args.max_regions,
            },
            "register": "audit",
            "ignore_errors": True,
        }
        return [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "Note when the audit starts",
                        "ansible.builtin.set_fact": {"started": "{{ now(fmt='%s.%f') }}"},
                    },
                    task,
                    {
                        "name": "Write the registered result and when the audit ended",
                        "ansible.builtin.copy": {
                            "content": "{{ {'started': started, 'ended': now(fmt='%s.%f'), 'result': audit} | to_json }}",
                            "dest": "{{ result_file }}",
                            "mode": "0600",
                        },
                    },
                ],
            }
        ]

    @staticmethod
    def rows_by_region(path: Path, header: bool) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        if not path.is_file():
            return counts
        with path.open(newline="", encoding="utf-8") as f:
            for n, row in enumerate(csv.reader(f)):
                if header and n == 0:
                    continue
                counts[row[1]] = counts.get(row[1], 0) + 1
        return counts

    def audit_peer(self, endpoint: Endpoint, rate: float, n: int) -> Measured:
        plan = self.plan
        dest = self.work / f"audit-peer-{rate:g}-{n}"
        report = self.work / "peer-audit.json"
        report.unlink(missing_ok=True)
        cmd = [self.python, str(HERE / "peer_inventory_boto3.py"), "--report", str(report), endpoint.url, str(dest)]
        peer = self.measure(endpoint, rate, cmd + plan.regions, self.env(endpoint))
        self.check(
            peer.run.rc in (0, 1) and report.is_file(),
            f"boto3 audit script crashed (rc {peer.run.rc}): {peer.run.err[-2000:]}",
        )
        if report.is_file():
            peer.written = json.loads(report.read_text(encoding="utf-8"))
        peer.written["rows"] = self.rows_by_region(dest / "proxy_sessions.csv", header=False)
        shutil.rmtree(dest, ignore_errors=True)
        return peer

    def audit_module(self, endpoint: Endpoint, book: Path, rate: Optional[float], n: int) -> Measured:
        """The playbook at `rate` (None: no rate limit), checked: nothing lost, the work served, the pace."""
        plan = self.plan
        each = plan.connectors * plan.sessions
        dest = self.work / f"audit-module-{rate}-{n}"
        result_file = self.work / "audit-result.json"
        result_file.unlink(missing_ok=True)
        cmd = [
            str(self.bin / "ansible-playbook"),
            str(book),
            "-e",
            f"dest={dest}",
            "-e",
            f"result_file={result_file}",
        ]
        module = self.measure(endpoint, rate, cmd, self.env(endpoint))
        what = f"audit at {rate_text(rate)}" if rate else "audit without a rate limit"
        self.check(
            module.run.rc == 0 and result_file.is_file(), f"{what}: the playbook failed:\n{module.run.out[-2000:]}"
        )
        if result_file.is_file():
            module.written = json.loads(result_file.read_text(encoding="utf-8"))
        result = module.written.get("result", {})
        rows = self.rows_by_region(dest / "proxy_sessions.csv", header=True)
        module.written["rows"] = rows
        green = self.check(not result.get("failed"), f"{what}: the task failed: {result.get('msg')}")
        read = self.check(
            result.get("skipped_regions") == [], f"{what}: regions skipped: {result.get('skipped_regions')}"
        )
        every = self.check(
            rows == {region: each for region in plan.regions},
            f"{what}: session rows by region {rows}, not {each} in each of {len(plan.regions)} regions",
        )
        try:
            json.loads((dest / "proxy_inventory.json").read_text(encoding="utf-8"))
            parsed = True
        except (OSError, ValueError) as err:
            parsed = self.check(False, f"{what}: proxy_inventory.json: {err}")
        module.written["nothing_lost"] = green and read and every and parsed
        pages = max(1, math.ceil(plan.sessions / PAGE))
        per_region = 1 + plan.connectors * (2 + pages)
        served = {key: v["total"] - v["throttled"] for key, v in module.regions().items()}
        self.check(
            sorted(served.values()) == [per_region] * len(plan.regions),
            f"{what}: requests served per account and region {served}, the work is {per_region} in each of "
            f"{len(plan.regions)} regions",
        )
        account = next(iter(served), "?/").split("/")[0]
        self.check_pace(what, result.get("pace") or [], module, account)
        shutil.rmtree(dest, ignore_errors=True)
        return module

    def audit_unlimited(self, endpoint: Endpoint, book: Path) -> float:
        """The same audit without a rate limit: this machine's own time for it (its CPU, not a quota, bounds it)."""
        plan = self.plan
        scenario = f"audit {len(plan.regions)}x{plan.connectors}x{plan.sessions}, no rate limit"
        self.say(f"\n== {scenario} (this machine's own time for it), {self.args.runs} run(s)")
        runs = [self.audit_module(endpoint, book, None, n) for n in range(self.args.runs)]
        module = self.median_run(runs, self.audit_beyond)
        beyond = self.audit_beyond(module)
        pace = module.written.get("result", {}).get("pace") or []
        self.say(
            f"  playbook: {module.run.wall:.2f} s, the task {beyond:.2f} s beyond Ansible's start; {module.total} "
            f"requests, at most {module.stats.get('max_in_flight')} in flight; pace {pace_summary(pace)}"
        )
        lost = "nothing" if module.written.get("nothing_lost") else "LOST"
        self.rows.append(
            Row(
                scenario,
                "playbook (the machine's own time)",
                module.run.wall,
                beyond,
                None,
                module.total,
                module.throttled,
                pace_summary(pace),
                lost,
            )
        )
        return beyond

    def audit_scenario(self, endpoint: Endpoint, book: Path, rate: float, unlimited: float) -> None:
        plan = self.plan
        total = len(plan.regions) * plan.connectors * plan.sessions
        scenario = f"audit {len(plan.regions)}x{plan.connectors}x{plan.sessions} at {rate_text(rate)}"
        self.say(f"\n== {scenario} per account and region: {total} sessions, {self.args.runs} run(s)")
        pairs = []
        burst = float(endpoint.limit(rate).get("burst", rate))
        for n in range(self.args.runs):
            # The peer first, then the module, run by run (as bench_org_inventory.py alternates them).
            peer = self.audit_peer(endpoint, rate, n)
            module = self.audit_module(endpoint, book, rate, n)
            pairs.append((peer, module))
            self.say(
                f"    run {n + 1}: boto3 script {peer.run.wall:.2f} s, playbook {module.run.wall:.2f} s "
                f"({module.total} requests, {module.throttled} throttled)"
            )
        module = self.median_run([m for _p, m in pairs], self.audit_beyond)
        peer = self.median_run([p for p, _m in pairs], lambda p: p.run.wall)
        beyond = self.audit_beyond(module)
        one_region = max((v["total"] - v["throttled"] for v in module.regions().values()), default=0)
        floor = (one_region - burst) / rate
        pace = module.written.get("result", {}).get("pace") or []
        self.say(
            f"  playbook: {module.run.wall:.2f} s, the task {beyond:.2f} s beyond Ansible's start; the endpoint "
            f"answered {module.total} requests, {module.throttled} throttled ({share(module.throttled, module.total):.1%})"
        )
        self.say(f"  per account/region (throttled of answered): {module.regions_text()}")
        self.say(f"  the result's pace: {pace_text(pace)}")
        self.say(f"  floor: ({one_region} served in one region - {burst:g} burst) / {rate:g} = {floor:.2f} s")
        bound = max(floor, unlimited)
        self.say(
            f"  without a rate limit the task takes {unlimited:.2f} s here; against the longer of that and the floor "
            f"({bound:.2f} s) the task takes {beyond / bound:.2f}x"
        )
        lost_nothing = bool(module.written.get("nothing_lost"))
        self.rows.append(
            Row(
                scenario,
                "playbook, chime_proxy_inventory",
                module.run.wall,
                beyond,
                floor,
                module.total,
                module.throttled,
                pace_summary(pace),
                "nothing" if lost_nothing else "LOST",
            )
        )
        self.goal(
            f"{scenario}: nothing lost: {sum(module.written.get('rows', {}).values())} of {total} sessions in the "
            f"files, every one of {len(plan.regions)} regions read, the task green",
            lost_nothing,
        )
        self.goal(
            f"{scenario}: {beyond:.2f} s beyond Ansible's start, {beyond / floor:.2f}x the floor of {floor:.2f} s "
            f"(goal: at most {FLOOR_FACTOR}x, {FLOOR_FACTOR * floor:.2f} s; without a rate limit it takes "
            f"{unlimited:.2f} s on this machine)",
            beyond <= FLOOR_FACTOR * floor,
        )
        worst = max(module.regions().values(), key=lambda v: share(v["throttled"], v["total"]), default=None)
        worst_text = (
            "" if worst is None else f", the most in one region {share(worst['throttled'], worst['total']):.1%}"
        )
        self.goal(
            f"{scenario}: {module.throttled} of {module.total} requests answered throttled "
            f"({share(module.throttled, module.total):.1%}{worst_text}; goal: at most {THROTTLED_SHARE:.0%})",
            share(module.throttled, module.total) <= THROTTLED_SHARE,
        )
        report = peer.written
        rows = sum(report.get("rows", {}).values())
        not_read = report.get("regions_not_read", plan.regions)
        lost = f"{total - rows} of {total} sessions, {len(not_read)} of {len(plan.regions)} regions not read"
        self.rows.append(Row(scenario, "boto3 script", peer.run.wall, None, None, peer.total, peer.throttled, "", lost))
        lines = [
            f"{scenario}, boto3 script: {peer.run.wall:.2f} s, {peer.total} requests, {peer.throttled} throttled "
            f"({share(peer.throttled, peer.total):.1%}); lost {lost} (failed requests: {report.get('failed') or 'none'})",
            f"{scenario}, boto3 script as a user first writes it: {report.get('plain_script')}; the user sees: "
            f"{report.get('first_error') or '(no error)'}",
        ]
        for line in lines:
            self.peers.append(line)
            self.say(f"  peer {line}")

    @staticmethod
    def audit_beyond(module: Measured) -> float:
        written = module.written
        try:
            return float(written["ended"]) - float(written["started"])
        except (KeyError, TypeError, ValueError):
            return module.run.wall

    # --------------------------------------------------------------------------------------------- table
    def table(self) -> str:
        lines = [
            "| scenario | what | wall (s) | beyond (s) | floor (s) | x floor | requests | throttled | pace | lost |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for r in self.rows:
            beyond = "" if r.beyond is None else f"{r.beyond:.2f}"
            floor = "" if r.floor is None else f"{r.floor:.2f}"
            ratio = "" if r.beyond is None or not r.floor else f"{r.beyond / r.floor:.2f}x"
            throttled = f"{r.throttled} ({share(r.throttled, r.answered):.1%})"
            lines.append(
                f"| {r.scenario} | {r.what} | {r.wall:.2f} | {beyond} | {floor} | {ratio} | {r.answered} | "
                f"{throttled} | {r.pace} | {r.lost} |"
            )
        return "\n".join(lines)


def parse_rates(spec: str, plan: Plan) -> Plan:
    """--rates: comma-separated RATE or SESSIONS@RATE items; the drain runs each (RATE alone: the plan's first size),
    the audit each distinct rate."""
    drains = []
    for item in spec.split(","):
        sessions, _at, rate = item.strip().rpartition("@")
        drains.append((int(sessions) if sessions else plan.drains[0][0], float(rate)))
    rates = list(dict.fromkeys(rate for _sessions, rate in drains))
    if any(rate <= 0 for rate in rates) or any(sessions < 0 for sessions, _rate in drains):
        raise ValueError(f"--rates {spec}: rates above 0, sessions 0 or more")
    return Plan(drains, plan.regions, plan.connectors, plan.sessions, rates)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="Python of the venv with ansible, boto3 and moto")
    parser.add_argument("--tree", default=str(base.BUILD / "tree-3.11"), help="ANSIBLE_COLLECTIONS_PATH")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1, help="runs a figure (median); default 1: the quota sets them")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="drain 60 at 20/s and 20 at 5/s; audit 2 x 2 x 50 at 5/s (make bench-smoke)",
    )
    parser.add_argument("--only", choices=["drain", "audit"], help="one scenario")
    parser.add_argument(
        "--rates",
        help="comma-separated RATE or SESSIONS@RATE (e.g. 20,5,200@1): the drain of each, the audit at each rate",
    )
    parser.add_argument(
        "--max-regions", type=int, default=10, help="the audit's max_regions (as bench_org_inventory.py)"
    )
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    if args.rates:
        try:
            plan = parse_rates(args.rates, plan)
        except ValueError as err:
            print(f"bench_throttled: {err}", file=sys.stderr)
            return 2
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bench-throttled-"))
    base.SPAWNER.append(base.Spawner(args.python))  # started while this process is small (see spawner.py)
    bench = ThrottledBench(args, plan, work)
    try:
        print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; commit {commit()}")
        print(f"machine: {base.machine()}")
        print(f"versions: {versions(args.python, bench_inventory.ansible_env(args.python, args.tree))}")
        kind = "smoke sizes (the timing goals are stated for the full sizes)" if args.smoke else "full sizes"
        print(
            f"endpoint: {args.latency_ms:g} ms a request, a token bucket per account and region, burst = rate; "
            f"{kind}; {args.runs} run(s) a figure"
        )
        try:
            if args.only in (None, "drain"):
                bench.drain()
            if args.only in (None, "audit"):
                bench.audit()
        except base.BenchError as err:
            bench.failures.append(str(err))
            print(f"\nBENCH FAILED: {err}", file=sys.stderr)
    finally:
        base.SPAWNER.pop().stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{bench.table()}\n")
    heading = "goals (timings reported, not enforced"
    heading += "; stated for the full sizes):" if args.smoke else "):"
    print("\n".join([heading, *bench.goals]))
    print("\nthe boto3 scripts (their losses are the comparison, not failures):")
    print("\n".join(f"  {line}" for line in bench.peers))
    print(f"\nchecks: {bench.checks - len(bench.failures)} of {bench.checks} passed")
    print(f"total time: {time.monotonic() - started:.0f} s")
    if bench.failures:
        print("\nBENCH FAILED:\n" + "\n".join(f"  {failure}" for failure in bench.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
