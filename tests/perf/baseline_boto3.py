# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain boto3, as a script would use it: the baseline that tests/perf/bench.py compares the module with.

boto3's defaults throughout (timestamps parsed to datetime, botocore's own retries), one client per process.

    python baseline_boto3.py get URL CONNECTOR ID                  one GetProxySession
    python baseline_boto3.py many URL CONNECTOR IDS_FILE WORKERS   GetProxySession per id, a pool sharing one client
    python baseline_boto3.py list URL CONNECTOR                    ListProxySessions, NextToken loop, 100 a page
    python baseline_boto3.py keepalive URL CONNECTOR ID COUNT      COUNT sequential requests on one connection

Each prints one JSON line: what it found, so that the caller can check it.
"""

import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List

import boto3


def client(url: str) -> Any:
    return boto3.client("chime-sdk-voice", endpoint_url=url, region_name="us-east-1")


def get(url: str, connector: str, session_id: str) -> Dict[str, Any]:
    session = client(url).get_proxy_session(VoiceConnectorId=connector, ProxySessionId=session_id)["ProxySession"]
    return {"count": 1, "ids": [session["ProxySessionId"]]}


def many(url: str, connector: str, ids_file: str, workers: str) -> Dict[str, Any]:
    with open(ids_file, encoding="utf-8") as handle:
        ids: List[str] = json.load(handle)
    shared = client(url)

    def fetch(session_id: str) -> str:
        return shared.get_proxy_session(VoiceConnectorId=connector, ProxySessionId=session_id)["ProxySession"][
            "ProxySessionId"
        ]

    with ThreadPoolExecutor(max_workers=int(workers)) as pool:
        found = list(pool.map(fetch, ids))
    return {"count": len(found), "ids": found}


def list_all(url: str, connector: str) -> Dict[str, Any]:
    chime = client(url)
    params: Dict[str, Any] = {"VoiceConnectorId": connector, "MaxResults": 100}
    sessions: List[Dict[str, Any]] = []
    pages = 0
    while True:
        page = chime.list_proxy_sessions(**params)
        pages += 1
        sessions.extend(page.get("ProxySessions", []))
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    return {"count": len(sessions), "unique": len({s["ProxySessionId"] for s in sessions}), "pages": pages}


def keepalive(url: str, connector: str, session_id: str, count: str) -> Dict[str, Any]:
    chime = client(url)
    chime.get_proxy_session(VoiceConnectorId=connector, ProxySessionId=session_id)  # opens the connection
    times = []
    for _request in range(int(count)):
        start = time.perf_counter()
        chime.get_proxy_session(VoiceConnectorId=connector, ProxySessionId=session_id)
        times.append(time.perf_counter() - start)
    return {"count": len(times), "median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times)}


COMMANDS = {"get": get, "many": many, "list": list_all, "keepalive": keepalive}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
