# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain boto3 drain, for comparison (issue 17): list every session of each connector, delete those that are not
Closed with 10 threads, one DeleteProxySession each. No disable, no removal, no report: the requests alone.

boto3's default configuration, as a user's script has it: no retry setting of its own (botocore's default retry
mode does not retry Chime's ThrottledClientException). A request that fails anyway is counted instead of ending the
script (issue 26): a listing stops at the page that failed (the connector's later sessions are never seen), a
delete that failed leaves its session. The script as first written would have crashed at its first failed request;
the report says where and what its user would have seen.

Usage: python peer_drain_boto3.py ENDPOINT_URL REGION VOICE_CONNECTOR_ID[,VOICE_CONNECTOR_ID...] [--report FILE]

Prints the number of sessions listed to delete (as before). Exits 1 when a request failed, after printing its
first error on stderr. --report FILE writes a JSON object: listed, deleted, failed (per operation), first_error
(as the traceback's last line reads), and plain_script: what the script without the counting would have done
(crashed, and how many sessions it had deleted by then).
"""

import argparse
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

import boto3
import botocore.exceptions
from botocore.config import Config


class Failures:
    """The requests that failed, per operation, and the first one's error (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_operation: Dict[str, int] = {}
        self.first: Optional[str] = None
        self.first_operation: Optional[str] = None

    def add(self, operation: str, err: Exception) -> None:
        with self.lock:
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            if self.first is None:
                self.first = f"{type(err).__module__}.{type(err).__name__}: {err}"
                self.first_operation = operation


def list_open(client: Any, vc_id: str, failures: Failures) -> Tuple[List[Tuple[str, str]], bool]:
    """The sessions of a connector that are not Closed, and whether its listing went to the end."""
    ids: List[Tuple[str, str]] = []
    token = None
    while True:
        try:
            page = client.list_proxy_sessions(
                VoiceConnectorId=vc_id, MaxResults=100, **({"NextToken": token} if token else {})
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as err:
            failures.add("ListProxySessions", err)
            return ids, False
        ids += [(vc_id, s["ProxySessionId"]) for s in page["ProxySessions"] if s["Status"] != "Closed"]
        token = page.get("NextToken")
        if not token:
            return ids, True


def main(url: str, region: str, vc_ids: str, report: Optional[str]) -> int:
    client = boto3.client(
        "chime-sdk-voice", region_name=region, endpoint_url=url, config=Config(max_pool_connections=10)
    )
    failures = Failures()
    ids: List[Tuple[str, str]] = []
    listings_cut = 0
    for vc_id in vc_ids.split(","):
        found, whole = list_open(client, vc_id, failures)
        ids += found
        listings_cut += not whole
    # The script as first written stops at its first failed request: in a listing, before any delete.
    crashed_listing = failures.first is not None

    def delete(item: Tuple[str, str]) -> bool:
        try:
            client.delete_proxy_session(VoiceConnectorId=item[0], ProxySessionId=item[1])
            return True
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as err:
            failures.add("DeleteProxySession", err)
            return False

    with ThreadPoolExecutor(10) as pool:
        deleted = sum(pool.map(delete, ids))
    print(len(ids))
    if failures.first is None:
        plain = "finishes"
        plain_deleted = deleted
    elif crashed_listing:
        plain = f"crashes in {failures.first_operation}, before any delete, without printing the count"
        plain_deleted = 0
    else:
        # pool.map raises the first failed delete when its result is read; leaving the `with` waits for the others.
        plain = "crashes after every delete was tried, without printing the count"
        plain_deleted = deleted
    if report:
        with open(report, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "listed": len(ids),
                    "listings_cut": listings_cut,
                    "deleted": deleted,
                    "failed": failures.by_operation,
                    "first_error": failures.first,
                    "plain_script": {"outcome": plain, "deleted": plain_deleted},
                },
                f,
            )
    if failures.first is not None:
        failed = sum(failures.by_operation.values())
        print(
            f"{failed} request(s) failed, {len(ids) - deleted} listed session(s) left; the first: {failures.first}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("region")
    parser.add_argument("voice_connector_ids")
    parser.add_argument("--report", help="write what was done and what failed to this JSON file")
    args = parser.parse_args()
    sys.exit(main(args.url, args.region, args.voice_connector_ids, args.report))
