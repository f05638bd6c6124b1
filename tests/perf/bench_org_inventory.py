# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organisation-wide inventory of issue 16: chime_proxy_inventory through ansible-playbook against the plain boto3
script a user would write instead (tests/perf/peer_inventory_boto3.py), in the same run, both writing their files.

REGIONS regions x CONNECTORS connectors x SESSIONS sessions each (10 x 20 x 500 = 100,000 sessions at full size) at
20 ms a request, from the local endpoint: one seed without a region, which every region sees. Each figure is the
median of --runs whole processes (wall time, and the peak RSS of the process). Correctness fails the program: both
list every session, the module's files hold every row and the same request count as the script. Timings and memory
only print, each goal marked met or not. `make bench-inventory` runs it after bench_inventory.py;
BENCH_INVENTORY_ARGS=--smoke runs both small.
"""

import argparse
import csv
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tools"))

import bench as base  # noqa: E402  # pylint: disable=wrong-import-position
import bench_inventory  # noqa: E402  # pylint: disable=wrong-import-position

REGIONS = [
    "us-east-1",
    "us-west-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "ap-northeast-2",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
]


WARM_UP = """
import sys, boto3
for region in sys.argv[2:]:
    client = boto3.client("chime-sdk-voice", region_name=region, endpoint_url=sys.argv[1])
    for vc in client.list_voice_connectors()["VoiceConnectors"][:1]:
        client.list_proxy_sessions(VoiceConnectorId=vc["VoiceConnectorId"], MaxResults=1)
"""


def write_seed(path: Path, connectors: int, sessions: int) -> None:
    seed = {
        "voice_connectors": [
            {
                "VoiceConnectorId": f"orginv{n:016d}",
                "Name": f"org inventory {n}",
                "AwsRegion": "us-east-1",
                "CreatedTimestamp": "2024-01-01T00:00:00.000Z",
                "Proxy": {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": False},
                "PhoneNumbers": [{"E164PhoneNumber": f"+1206555{n:04d}"}],
            }
            for n in range(connectors)
        ],
        "generate": [
            {
                "voice_connector_id": f"orginv{n:016d}",
                "count": sessions,
                "id_prefix": f"org{n:03d}-",
                "width": 5,
                "status": ["Open", "InProgress", "Closed"],
                "created": "2024-01-01T00:00:00.000Z",
            }
            for n in range(connectors)
        ],
    }
    path.write_text(json.dumps(seed), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True)
    parser.add_argument("--tree", required=True)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="2 regions x 4 connectors x 150 sessions")
    parser.add_argument("--max-regions", type=int, default=10)
    args, _unknown = parser.parse_known_args(argv)
    regions, connectors, sessions = (REGIONS[:2], 4, 150) if args.smoke else (REGIONS, 20, 500)
    total = len(regions) * connectors * sessions
    work = Path(tempfile.mkdtemp(prefix="bench-org-inventory-"))
    base.SPAWNER.append(base.Spawner(args.python))  # started while this process is small (see spawner.py)
    try:
        seed = work / "seed.json"
        write_seed(seed, connectors, sessions)
        endpoint = bench_inventory.Endpoint(args.python, work, seed, args.latency_ms)
        bin_dir = Path(args.python).parent
        env = bench_inventory.ansible_env(args.python, args.tree, AWS_ENDPOINT_URL_STS=endpoint.url)
        book = work / "inventory.yml"
        task = {
            "telephony.chime.chime_proxy_inventory": {
                "regions": regions,
                "dest": "{{ dest }}",
                "endpoint_url": endpoint.url,
                "max_regions": args.max_regions,
            },
            "register": "audit",
        }
        book.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]), encoding="utf-8")
        print(
            f"== organisation inventory: {len(regions)} regions x {connectors} connectors x {sessions} sessions = "
            f"{total} sessions, {args.latency_ms:.0f} ms a request, median of {args.runs}",
            flush=True,
        )
        # Warm-up, not measured: the endpoint builds each region's backend (and its 10,000 seeded sessions) on the
        # first request to it; whichever ran first would pay for that.
        warm = base.run([args.python, "-c", WARM_UP, endpoint.url, *regions], env, 900)
        base.check(warm.rc == 0, f"warm-up failed: {warm.err[-2000:]}")
        figures = {}
        requests = {}
        runs_of = {"peer": [], "module": []}
        for n in range(args.runs):
            # The two alternate, run by run, so that a busier moment of the machine falls on both.
            for name in ("peer", "module"):
                dest = work / f"{name}-{n}"
                endpoint.call("DELETE", "stats")
                if name == "peer":
                    cmd = [args.python, str(HERE / "peer_inventory_boto3.py"), endpoint.url, str(dest), *regions]
                else:
                    cmd = [str(bin_dir / "ansible-playbook"), str(book), "-e", f"dest={dest}"]
                run = base.run(cmd, env, 1800)
                base.check(run.rc == 0, f"{name} failed (rc {run.rc}):\n{run.out[-3000:]}\n{run.err[-3000:]}")
                stats = endpoint.call("GET", "stats")
                requests[name] = (stats["total"], stats["max_in_flight"])
                with open(dest / "proxy_sessions.csv", newline="", encoding="utf-8") as f:
                    rows = sum(1 for _row in csv.reader(f)) - (1 if name == "module" else 0)
                base.check(rows == total, f"{name}: {rows} session rows, not {total}")
                with open(dest / "proxy_inventory.json", encoding="utf-8") as f:
                    json.load(f)
                runs_of[name].append(run)
                shutil.rmtree(dest)
                print(f"    run {n + 1}, {name}: {run.wall:.2f} s, {run.rss_mb:.0f} MB", flush=True)
        for name in ("peer", "module"):
            figures[name] = base.median_of(runs_of[name])
            print(
                f"  {name}: {figures[name].wall:.2f} s wall, {figures[name].rss_mb:.0f} MB peak RSS (medians), "
                f"{requests[name][0]} requests, at most {requests[name][1]} in flight",
                flush=True,
            )
        base.check(requests["module"][0] == requests["peer"][0], f"request counts differ: {requests}")
        ratio = figures["module"].wall / figures["peer"].wall
        goals = [
            (f"wall time {ratio:.2f}x the boto3 script's (goal: at most 1.0x; aim 0.6x)", ratio <= 1.0),
            (f"peak memory {figures['module'].rss_mb:.0f} MB (goal: at most 300 MB)", figures["module"].rss_mb <= 300),
            (f"requests {requests['module'][0]}, the script's {requests['peer'][0]} (goal: the same)", True),
        ]
        for text, met in goals:
            print(f"  goal {'MET    ' if met else 'NOT MET'}  {text}", flush=True)
        endpoint.stop()
        return 0
    finally:
        base.SPAWNER.pop().stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
