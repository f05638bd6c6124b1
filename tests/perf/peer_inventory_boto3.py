# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The peer of chime_proxy_inventory: the plain boto3 script a user would write instead (issue 16).

A thread pool of 10 per region, the regions at once, everything kept until the end, then json.dump and csv.writer:
the same three files as the module (proxy_inventory.json, proxy_sessions.csv, proxy_numbers.csv), numbers masked.
The account is the caller's (GetCallerIdentity), as the module keys its JSON by account.

boto3's default configuration, as a user's script has it: no retry setting of its own (botocore's default retry
mode does not retry Chime's ThrottledClientException). A request that fails anyway is counted instead of ending the
script (issue 26): a listing stops at the page that failed, a connector whose proxy configuration could not be read
is written without it, a region whose connectors could not be listed is empty, and any of these makes the region
"not read" (incomplete). The files hold what was read. The script as first written would have crashed at its first
failed request, before writing any file; the report says what its user would have seen.

Usage: python peer_inventory_boto3.py [--report FILE] ENDPOINT_URL DEST REGION [REGION ...]

Prints {"sessions": N, "numbers": N} (as before). Exits 1 when a request failed, after printing its first error on
stderr. --report FILE writes a JSON object: sessions, regions_not_read, failed (per operation), first_error (as the
traceback's last line reads) and plain_script (what the script without the counting would have done).
"""

import argparse
import csv
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Set

import boto3
import botocore.exceptions
from botocore.config import Config

ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


class Failures:
    """The requests that failed, per operation, the regions they were in, and the first one's error (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_operation: Dict[str, int] = {}
        self.regions: Set[str] = set()
        self.first: Optional[str] = None

    def add(self, region: str, operation: str, err: Exception) -> None:
        with self.lock:
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            self.regions.add(region)
            if self.first is None:
                self.first = f"{type(err).__module__}.{type(err).__name__}: {err}"


FAILURES = Failures()


def mask(number):
    if not isinstance(number, str):
        return number
    digits = sum(c.isdigit() for c in number) - 4
    out = []
    for c in number:
        if digits > 0 and c.isdigit():
            out.append("*")
            digits -= 1
        else:
            out.append(c)
    return "".join(out)


def every_page(region: str, operation: str, call: Any, key: str, **params: Any) -> List[Any]:
    """Every page's items; a page that fails is counted and ends the listing (what came before is kept)."""
    items: List[Any] = []
    token = None
    while True:
        try:
            page = call(**params, **({"NextToken": token} if token else {}))
        except ERRORS as err:
            FAILURES.add(region, operation, err)
            return items
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


def region_inventory(url, region):
    client = boto3.client(
        "chime-sdk-voice", region_name=region, endpoint_url=url, config=Config(max_pool_connections=10)
    )
    connectors = every_page(
        region, "ListVoiceConnectors", client.list_voice_connectors, "VoiceConnectors", MaxResults=100
    )

    def one(vc):
        vc_id = vc["VoiceConnectorId"]
        try:
            proxy = client.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy", {})
        except client.exceptions.NotFoundException:
            proxy = {}
        except ERRORS as err:
            FAILURES.add(region, "GetVoiceConnectorProxy", err)
            proxy = {}
        numbers = every_page(
            region,
            "ListPhoneNumbers",
            client.list_phone_numbers,
            "PhoneNumbers",
            FilterName="VoiceConnectorId",
            FilterValue=vc_id,
            MaxResults=100,
        )
        sessions = every_page(
            region,
            "ListProxySessions",
            client.list_proxy_sessions,
            "ProxySessions",
            VoiceConnectorId=vc_id,
            MaxResults=100,
        )
        return vc, proxy, numbers, sessions

    with ThreadPoolExecutor(10) as pool:
        return region, list(pool.map(one, connectors))


def main(url: str, dest: str, regions: List[str], report: Optional[str] = None) -> int:
    account = boto3.client("sts", endpoint_url=url).get_caller_identity()["Account"]
    with ThreadPoolExecutor(len(regions)) as pool:
        found = list(pool.map(lambda r: region_inventory(url, r), regions))
    os.makedirs(dest, exist_ok=True)
    inventory = {"accounts": {account: {"regions": {}}}}
    session_rows, number_rows = [], []
    for region, connectors in found:
        sessions_out, connectors_out = [], []
        for vc, proxy, numbers, sessions in connectors:
            connectors_out.append({**vc, "Proxy": proxy, "PhoneNumbers": numbers})
            using = {}
            for s in sessions:
                people = s.get("Participants", [])
                proxies = sorted({p["ProxyPhoneNumber"] for p in people if p.get("ProxyPhoneNumber")})
                for number in proxies:
                    using[number] = using.get(number, 0) + 1
                for p in people:
                    p["PhoneNumber"], p["ProxyPhoneNumber"] = mask(p.get("PhoneNumber")), mask(
                        p.get("ProxyPhoneNumber")
                    )
                sessions_out.append(s)
                session_rows.append(
                    [
                        account,
                        region,
                        vc["VoiceConnectorId"],
                        vc.get("Name"),
                        s["ProxySessionId"],
                        s.get("Name"),
                        s.get("Status"),
                        ";".join(s.get("Capabilities", [])),
                        s.get("ExpiryMinutes"),
                        s.get("CreatedTimestamp"),
                        s.get("UpdatedTimestamp"),
                        s.get("EndedTimestamp"),
                        people[0]["PhoneNumber"] if people else None,
                        people[1]["PhoneNumber"] if len(people) > 1 else None,
                        ";".join(mask(n) for n in proxies),
                    ]
                )
            for n in numbers:
                e164 = n.get("E164PhoneNumber")
                number_rows.append(
                    [
                        account,
                        region,
                        vc["VoiceConnectorId"],
                        mask(e164),
                        n.get("Status"),
                        n.get("ProductType"),
                        using.get(e164, 0),
                    ]
                )
        inventory["accounts"][account]["regions"][region] = {
            "voice_connectors": connectors_out,
            "proxy_sessions": sessions_out,
        }
    with open(os.path.join(dest, "proxy_inventory.json"), "w", encoding="utf-8") as f:
        json.dump(inventory, f, default=str)
    with open(os.path.join(dest, "proxy_sessions.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(session_rows)
    with open(os.path.join(dest, "proxy_numbers.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(number_rows)
    print(json.dumps({"sessions": len(session_rows), "numbers": len(number_rows)}))
    if report:
        plain = (
            "finishes"
            if FAILURES.first is None
            else "crashes at its first failed request, before writing any file: no region read"
        )
        with open(report, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "sessions": len(session_rows),
                    "regions_not_read": sorted(FAILURES.regions),
                    "failed": FAILURES.by_operation,
                    "first_error": FAILURES.first,
                    "plain_script": plain,
                },
                f,
            )
    if FAILURES.first is not None:
        print(
            f"{sum(FAILURES.by_operation.values())} request(s) failed, {len(FAILURES.regions)} region(s) not read"
            f" whole ({', '.join(sorted(FAILURES.regions))}); the first: {FAILURES.first}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", help="write what was read and what failed to this JSON file")
    parser.add_argument("url")
    parser.add_argument("dest")
    parser.add_argument("regions", nargs="+")
    args = parser.parse_args()
    sys.exit(main(args.url, args.dest, args.regions, args.report))
