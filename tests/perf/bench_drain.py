# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain of issue 17: playbooks/proxy_drain.yml, confirmed, through ansible-playbook against the local endpoint.

A. One connector with 2,000 open sessions, against the same playbook on a connector without sessions (Ansible's
   and the playbook's own cost): the requests of the first run, and its time beyond the second.
B. A region of 20 connectors x 100 open sessions drained in one run (-e voice_connector_ids=all).
Each against the plain boto3 script of peer_drain_boto3.py, which only lists and deletes (10 threads).

20 ms a request; each figure the median of --runs whole processes. The request counts are checked (every session
deleted once, nothing read twice) and fail the program; timings only print, each goal marked met or not.
`make bench-drain`; --smoke runs small sizes.
"""

import argparse
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

PROXY = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": False}
BIG = "drainbig00000000000001"
EMPTY = "drainempty000000000001"
REGION_A, REGION_B = "us-east-1", "eu-west-1"


def region_connector(vc_id, region):
    return {"VoiceConnectorId": vc_id, "Name": vc_id, "AwsRegion": region, "region": region, "Proxy": PROXY}


def many_ids(connectors):
    return [f"drainmany{n:013d}" for n in range(connectors)]


def seed(path, sessions, connectors, each):
    many = many_ids(connectors)
    data = {
        "voice_connectors": [region_connector(BIG, REGION_A), region_connector(EMPTY, REGION_A)]
        + [region_connector(vc, REGION_B) for vc in many],
        "generate": [{"voice_connector_id": BIG, "count": sessions, "id_prefix": "big-", "width": 5, "status": "Open"}]
        + [
            {"voice_connector_id": vc, "count": each, "id_prefix": f"m{n:02d}-", "width": 4, "status": "Open"}
            for n, vc in enumerate(many)
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True)
    parser.add_argument("--tree", required=True)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="200 sessions; 3 connectors x 20")
    parser.add_argument("--forks", type=int, default=5, help="ansible-playbook -f for B (Ansible's default: 5)")
    args, _unknown = parser.parse_known_args(argv)
    sessions, connectors, each, runs = (200, 3, 20, 1) if args.smoke else (2000, 20, 100, args.runs)
    work = Path(tempfile.mkdtemp(prefix="bench-drain-"))
    base.SPAWNER.append(base.Spawner(args.python))
    try:
        seed_file = work / "seed.json"
        seed(seed_file, sessions, connectors, each)
        endpoint = bench_inventory.Endpoint(args.python, work, seed_file, args.latency_ms)
        bin_dir = Path(args.python).parent
        env = bench_inventory.ansible_env(args.python, args.tree, CHIME_ENDPOINT_URL=endpoint.url)

        def drain(ids, region, forks=5):
            cmd = [
                str(bin_dir / "ansible-playbook"),
                "telephony.chime.proxy_drain",
                "-e",
                f"voice_connector_ids={ids}",
                "-e",
                f"region={region}",
                "-e",
                "drain_confirm=true",
                "-f",
                str(forks),
            ]
            run = base.run(cmd, env, 1800)
            base.check(run.rc == 0, f"drain of {ids} failed (rc {run.rc}):\n{run.out[-3000:]}\n{run.err[-3000:]}")
            return run

        print(f"== drain: {args.latency_ms:.0f} ms a request, median of {runs}", flush=True)
        empty, big, peer, requests = [], [], [], {}
        for n in range(runs):
            endpoint.call("POST", "reset")
            endpoint.call("DELETE", "stats")
            empty.append(drain(EMPTY, REGION_A))
            endpoint.call("DELETE", "stats")
            big.append(drain(BIG, REGION_A))
            stats = endpoint.call("GET", "stats")
            requests = {op: v["total"] for op, v in stats["operations"].items()}
            base.check(requests.get("DeleteProxySession") == sessions, f"deletes: {requests}")
            base.check("GetProxySession" not in requests, f"a session was read before its delete: {requests}")
            # The same deletes from a plain boto3 script (the peer): what the endpoint itself allows on this machine.
            endpoint.call("POST", "reset")
            peer_cmd = [args.python, str(HERE / "peer_drain_boto3.py"), endpoint.url, REGION_A, BIG]
            peer.append(base.run(peer_cmd, env, 900))
            base.check(peer[-1].rc == 0 and peer[-1].out.strip() == str(sessions), f"peer: {peer[-1].err[-2000:]}")
            print(
                f"    run {n + 1}: empty {empty[-1].wall:.2f} s, {sessions} sessions {big[-1].wall:.2f} s,"
                f" boto3 script {peer[-1].wall:.2f} s",
                flush=True,
            )
        e, b, p = base.median_of(empty), base.median_of(big), base.median_of(peer)
        total = sum(requests.values())
        beyond = b.wall - e.wall
        floor = sessions / 10 * args.latency_ms / 1000
        print(f"  A. empty connector: {e.wall:.2f} s; {sessions} sessions: {b.wall:.2f} s, {total} requests {requests}")
        print(f"  A. the boto3 script, listing and {sessions} deletes only: {p.wall:.2f} s")
        pages = -(-sessions // 100)
        floor_requests = sessions + pages + 3
        goals = [
            (
                f"A: {total} requests (goal: at most {sessions + 10}; the deletes alone are {sessions} and the listing "
                f"{pages} pages)",
                total <= sessions + 10,
            ),
            (
                f"A: {total} requests, the floor of {floor_requests}: {sessions} deletes, {pages} pages of the model's "
                "maximum of 100, and Get, Put (disable) and Delete of the proxy configuration",
                total <= floor_requests,
            ),
            (
                f"A: {b.wall - e.wall:.2f} s beyond the empty connector, the boto3 script {p.wall:.2f} s for its listing "
                "and deletes alone (with its own start)",
                b.wall - e.wall <= p.wall,
            ),
            (
                f"A: {beyond:.2f} s beyond the empty connector (goal: at most {1.5 * floor:.1f} s, 1.5x the {floor:.1f} s "
                f"that {sessions} deletes need at 10 in flight)",
                beyond <= 1.5 * floor,
            ),
        ]
        endpoint.call("POST", "reset")
        endpoint.call("DELETE", "stats")
        region = drain("all", REGION_B, args.forks)
        stats = endpoint.call("GET", "stats")
        deletes = stats["operations"].get("DeleteProxySession", {}).get("total", 0)
        base.check(deletes == connectors * each, f"B: {deletes} deletes, not {connectors * each}")
        endpoint.call("POST", "reset")
        peer_cmd = [
            args.python,
            str(HERE / "peer_drain_boto3.py"),
            endpoint.url,
            REGION_B,
            ",".join(many_ids(connectors)),
        ]
        peer_b = base.run(peer_cmd, env, 900)
        base.check(peer_b.rc == 0 and peer_b.out.strip() == str(connectors * each), f"peer B: {peer_b.err[-2000:]}")
        print(
            f"  B. {connectors} connectors x {each} sessions, one run: {region.wall:.2f} s, {stats['total']} requests, "
            f"at most {stats['max_in_flight']} in flight; the boto3 script, listing and deletes only: {peer_b.wall:.2f} s"
        )
        goals.append(
            (
                f"B: {region.wall:.2f} s for the whole drain of {connectors} connectors against {peer_b.wall:.2f} s for "
                "the boto3 script's listing and deletes (with its own start)",
                region.wall <= peer_b.wall + e.wall,
            )
        )
        if args.smoke:
            print("  (smoke sizes: the counts are checked; the timing goals are stated for the full sizes)")
        for text, met in goals:
            print(f"  goal {'MET    ' if met else 'NOT MET'}  {text}", flush=True)
        endpoint.stop()
        return 0
    finally:
        base.SPAWNER.pop().stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
