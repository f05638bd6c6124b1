# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The peer of chime_proxy_drain across accounts: the plain boto3 script a user would write instead (issue 28).

1. AssumeRole of each account's role (a thread pool of one thread an account; one STS client, which is
   thread-safe), with the caller's credentials.
2. One chime-sdk-voice client per account and region, made in the main thread from boto3's default session with that
   account's keys (clients are thread-safe once made; making them is not), boto3's default configuration.
3. A thread pool of one thread per account and region, all at once. Each drains its account and region: every page
   of ListVoiceConnectors, then connector after connector GetVoiceConnectorProxy (none: not drained), its
   configuration put back with Disabled (PutVoiceConnectorProxy), every page of ListProxySessions, a DeleteProxySession
   for each session that is not Closed with 10 threads (boto3's default pool of 10 connections a client), then
   DeleteVoiceConnectorProxy.

The same requests as the module's drain from a plan, in the same order per connector; no plan, no report file.

boto3's default configuration throughout: botocore's default retry mode (standard) does not retry Chime's
ThrottledClientException. A request that fails anyway is counted instead of ending the script (as
peer_drain_boto3.py does, issue 26): a connector stops at the step that failed, except that a failed delete leaves
its session and the script goes on to remove the configuration (DeleteVoiceConnectorProxy), as a loop over
pool.map's results would not; a listing stops at the page that failed. The script as first written would end its
account and region's thread at the first failed request, and raise the first of those in the main thread once every
thread is done.

Usage: python peer_drain_org_boto3.py [--report FILE] CHIME_URL ACCOUNTS_JSON REGION [REGION ...]

ACCOUNTS_JSON: a list of {"role_arn": ...} (the module's accounts option). STS is reached at botocore's own endpoint
(AWS_ENDPOINT_URL_STS changes it). Prints the number of sessions deleted. Exits 1 when a request failed, after
printing the first error on stderr. --report FILE writes a JSON object: accounts, units, listed, deleted, connectors
disabled and removed, failed (per operation), first_error, and the seconds of each phase (roles, drain).
"""

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

import boto3
import botocore.exceptions

ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
ROLE_SESSION_NAME = "chime-drain"
DELETERS = 10


class Tally:
    """What was done and what failed, per operation, and the first failure's error (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Dict[str, int] = {"listed": 0, "deleted": 0, "disabled": 0, "removed": 0}
        self.failed: Dict[str, int] = {}
        self.first: Optional[str] = None

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def fail(self, operation: str, err: Exception) -> None:
        with self.lock:
            self.failed[operation] = self.failed.get(operation, 0) + 1
            if self.first is None:
                self.first = f"{type(err).__module__}.{type(err).__name__}: {err}"


TALLY = Tally()


def every_page(operation: str, call: Any, key: str, **params: Any) -> Tuple[List[Dict[str, Any]], bool]:
    """Every item of a listing (chime-sdk-voice has no paginators in botocore), and whether it went to the end."""
    items: List[Dict[str, Any]] = []
    token = None
    while True:
        try:
            page = call(**params, **({"NextToken": token} if token else {}))
        except ERRORS as err:
            TALLY.fail(operation, err)
            return items, False
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items, True


def drain_connector(client: Any, vc_id: str) -> None:
    try:
        proxy = client.get_voice_connector_proxy(VoiceConnectorId=vc_id)["Proxy"]
    except client.exceptions.NotFoundException:
        return  # no proxy configuration: nothing to drain
    except ERRORS as err:
        TALLY.fail("GetVoiceConnectorProxy", err)
        return
    members: Dict[str, Any] = {
        "DefaultSessionExpiryMinutes": proxy["DefaultSessionExpiryMinutes"],
        "PhoneNumberPoolCountries": proxy["PhoneNumberCountries"],
        "Disabled": True,
    }
    if proxy.get("FallBackPhoneNumber"):
        members["FallBackPhoneNumber"] = proxy["FallBackPhoneNumber"]
    try:
        client.put_voice_connector_proxy(VoiceConnectorId=vc_id, **members)
    except ERRORS as err:
        TALLY.fail("PutVoiceConnectorProxy", err)
        return
    TALLY.add("disabled")
    sessions, whole = every_page(
        "ListProxySessions", client.list_proxy_sessions, "ProxySessions", VoiceConnectorId=vc_id, MaxResults=100
    )
    if not whole:
        return
    ids = [s["ProxySessionId"] for s in sessions if s["Status"] != "Closed"]
    TALLY.add("listed", len(ids))

    def delete(session_id: str) -> bool:
        try:
            client.delete_proxy_session(VoiceConnectorId=vc_id, ProxySessionId=session_id)
        except ERRORS as err:
            TALLY.fail("DeleteProxySession", err)
            return False
        return True

    with ThreadPoolExecutor(DELETERS) as pool:
        TALLY.add("deleted", sum(pool.map(delete, ids)))
    try:
        client.delete_voice_connector_proxy(VoiceConnectorId=vc_id)
    except ERRORS as err:
        TALLY.fail("DeleteVoiceConnectorProxy", err)
        return
    TALLY.add("removed")


def drain_unit(client: Any) -> None:
    connectors, _whole = every_page(
        "ListVoiceConnectors", client.list_voice_connectors, "VoiceConnectors", MaxResults=100
    )
    for vc in connectors:
        drain_connector(client, vc["VoiceConnectorId"])


def main(url: str, accounts_file: str, regions: List[str], report: Optional[str]) -> int:
    started = time.monotonic()
    with open(accounts_file, encoding="utf-8") as f:
        roles = [account["role_arn"] for account in json.load(f)]
    sts = boto3.client("sts")

    def assume(role_arn: str) -> Dict[str, str]:
        return sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]

    with ThreadPoolExecutor(len(roles)) as pool:
        keys = list(pool.map(assume, roles))
    clients = [
        boto3.client(
            "chime-sdk-voice",
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=k["AccessKeyId"],
            aws_secret_access_key=k["SecretAccessKey"],
            aws_session_token=k["SessionToken"],
        )
        for k in keys
        for region in regions
    ]
    assumed = time.monotonic()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(drain_unit, clients))
    ended = time.monotonic()
    print(TALLY.counts["deleted"])
    if report:
        with open(report, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "accounts": len(roles),
                    "units": len(clients),
                    **TALLY.counts,
                    "failed": TALLY.failed,
                    "first_error": TALLY.first,
                    "seconds": {"roles": round(assumed - started, 3), "drain": round(ended - assumed, 3)},
                },
                f,
            )
    if TALLY.first is not None:
        print(f"{sum(TALLY.failed.values())} request(s) failed; the first: {TALLY.first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", help="write what was done and what failed to this JSON file")
    parser.add_argument("url", help="the Chime SDK Voice endpoint")
    parser.add_argument("accounts", help="a JSON file: a list of {role_arn}")
    parser.add_argument("regions", nargs="+")
    args = parser.parse_args()
    sys.exit(main(args.url, args.accounts, args.regions, args.report))
