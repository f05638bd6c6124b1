# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The peer of chime_proxy_inventory's organization option: the plain boto3 script a user would write (issue 27).

1. Discovery with the caller's credentials: the organisation's tree walked from its roots with Organizations'
   paginators (ListRoots, then ListOrganizationalUnitsForParent and ListAccountsForParent for every root and unit),
   not ListAccounts, because the report names each account's OU path ("Root/Telephony/Prod"), as the module's does.
   Only ACTIVE accounts (State, or Status where State is missing) are audited.
2. A thread pool (--threads, 32 by default) over the accounts in scope. Each account: AssumeRole of the member role
   (one STS client shared by the threads: clients are thread-safe), a boto3 Session with those credentials (boto3's
   guide: a session per thread, not shared), and per region one chime-sdk-voice client and the same requests the
   module sends: ListVoiceConnectors pages, then per connector GetVoiceConnectorProxy, ListPhoneNumbers pages and
   ListProxySessions pages. The caller's own account, when it is in the organisation, is read with the caller's own
   credentials (AWS makes the member role in member accounts only), as the module does.
3. Everything kept until the end, then json.dump and csv.writer into the three files the module writes
   (proxy_inventory.json, proxy_sessions.csv, proxy_numbers.csv), numbers masked as peer_inventory_boto3.py masks
   them; the accounts left out of scope are in the JSON with their state.

boto3's defaults throughout (botocore parses timestamps; the JSON writes them with default=str). STS and
Organizations are reached at botocore's own endpoints, which AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ORGANIZATIONS
change; Chime at CHIME_URL. A failed request ends the script with its traceback, as such a script does.

Usage: python peer_org_accounts_boto3.py [--threads N] CHIME_URL DEST ROLE_NAME REGION [REGION ...]

Prints one JSON object: accounts (audited), left_out, sessions, numbers, assumed (AssumeRole calls), and the
seconds of each phase (discovery, audit, files).
"""

import argparse
import csv
import functools
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

import boto3
from peer_inventory_boto3 import mask

ROLE_SESSION_NAME = "chime-audit"


def every_page(call: Any, key: str, **params: Any) -> List[Dict[str, Any]]:
    """Every item of a Chime listing (chime-sdk-voice has no paginators in botocore)."""
    items: List[Dict[str, Any]] = []
    token = None
    while True:
        page = call(**params, **({"NextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


def discover(org: Any) -> List[Dict[str, Any]]:
    """Every account of the organisation with its OU path, the tree walked breadth first from the roots."""
    accounts: List[Dict[str, Any]] = []
    queue: List[Tuple[str, str]] = []
    for page in org.get_paginator("list_roots").paginate():
        queue += [(root["Id"], root.get("Name") or root["Id"]) for root in page["Roots"]]
    while queue:
        parent, path = queue.pop(0)
        for page in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
            accounts += [{**account, "OuPath": path} for account in page["Accounts"]]
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            queue += [(unit["Id"], f"{path}/{unit['Name']}") for unit in page["OrganizationalUnits"]]
    return accounts


def audit_account(
    sts: Any, caller: str, account: Dict[str, Any], role: str, url: str, regions: List[str], per_account: bool
) -> Dict[str, Any]:
    account_id = account["Id"]
    keys: Dict[str, str] = {}
    if account_id != caller:
        role_arn = f"arn:aws:iam::{account_id}:role/{role}"
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
        keys = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
    # boto3.client() makes every client from boto3's default session (made by the main thread before the pool);
    # per_account: a Session of the account's own, as boto3's guide to threads has it.
    make = boto3.session.Session(**keys).client if per_account else functools.partial(boto3.client, **keys)
    found: Dict[str, Any] = {}
    for region in regions:
        client = make("chime-sdk-voice", region_name=region, endpoint_url=url)
        connectors = []
        for vc in every_page(client.list_voice_connectors, "VoiceConnectors", MaxResults=100):
            vc_id = vc["VoiceConnectorId"]
            try:
                proxy = client.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy", {})
            except client.exceptions.NotFoundException:
                proxy = {}
            numbers = every_page(
                client.list_phone_numbers,
                "PhoneNumbers",
                FilterName="VoiceConnectorId",
                FilterValue=vc_id,
                MaxResults=100,
            )
            sessions = every_page(client.list_proxy_sessions, "ProxySessions", VoiceConnectorId=vc_id, MaxResults=100)
            connectors.append((vc, proxy, numbers, sessions))
        found[region] = connectors
    return found


def session_row(account_id: str, region: str, vc: Dict[str, Any], s: Dict[str, Any]) -> List[Any]:
    people = s.get("Participants", [])
    proxies = sorted({p["ProxyPhoneNumber"] for p in people if p.get("ProxyPhoneNumber")})
    return [
        account_id,
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
        mask(people[0].get("PhoneNumber")) if people else None,
        mask(people[1].get("PhoneNumber")) if len(people) > 1 else None,
        ";".join(mask(n) for n in proxies),
    ]


def write_files(
    dest: str, audited: List[Tuple[Dict[str, Any], Dict[str, Any]]], left_out: List[Dict[str, Any]]
) -> Tuple[int, int]:
    os.makedirs(dest, exist_ok=True)
    inventory: Dict[str, Any] = {"accounts": {}, "left_out": left_out}
    session_rows, number_rows = [], []
    for account, regions in audited:
        account_id = account["Id"]
        entry: Dict[str, Any] = {
            "name": account.get("Name"),
            "email": account.get("Email"),
            "ou_path": account["OuPath"],
            "state": account.get("State") or account.get("Status"),
            "regions": {},
        }
        for region, connectors in regions.items():
            connectors_out, sessions_out = [], []
            for vc, proxy, numbers, sessions in connectors:
                connectors_out.append(
                    {
                        **vc,
                        "Proxy": proxy,
                        "PhoneNumbers": [{**n, "E164PhoneNumber": mask(n.get("E164PhoneNumber"))} for n in numbers],
                    }
                )
                using: Dict[str, int] = {}
                for s in sessions:
                    session_rows.append(session_row(account_id, region, vc, s))
                    for number in {
                        p["ProxyPhoneNumber"] for p in s.get("Participants", []) if p.get("ProxyPhoneNumber")
                    }:
                        using[number] = using.get(number, 0) + 1
                    for p in s.get("Participants", []):
                        p["PhoneNumber"], p["ProxyPhoneNumber"] = mask(p.get("PhoneNumber")), mask(
                            p.get("ProxyPhoneNumber")
                        )
                    sessions_out.append(s)
                for n in numbers:
                    e164 = n.get("E164PhoneNumber")
                    number_rows.append(
                        [
                            account_id,
                            region,
                            vc["VoiceConnectorId"],
                            mask(e164),
                            n.get("Status"),
                            n.get("ProductType"),
                            using.get(e164, 0),
                        ]
                    )
            entry["regions"][region] = {"voice_connectors": connectors_out, "proxy_sessions": sessions_out}
        inventory["accounts"][account_id] = entry
    with open(os.path.join(dest, "proxy_inventory.json"), "w", encoding="utf-8") as f:
        json.dump(inventory, f, default=str)
    with open(os.path.join(dest, "proxy_sessions.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(session_rows)
    with open(os.path.join(dest, "proxy_numbers.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(number_rows)
    return len(session_rows), len(number_rows)


def main(url: str, dest: str, role: str, regions: List[str], threads: int, per_account: bool) -> int:
    started = time.monotonic()
    org = boto3.client("organizations")
    sts = boto3.client("sts")
    caller = sts.get_caller_identity()["Account"]
    accounts = discover(org)
    in_scope = [a for a in accounts if (a.get("State") or a.get("Status")) == "ACTIVE"]
    left_out = [
        {"account_id": a["Id"], "ou_path": a["OuPath"], "state": a.get("State") or a.get("Status")}
        for a in accounts
        if (a.get("State") or a.get("Status")) != "ACTIVE"
    ]
    discovered = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        found = list(pool.map(lambda a: audit_account(sts, caller, a, role, url, regions, per_account), in_scope))
    audited = time.monotonic()
    sessions, numbers = write_files(dest, list(zip(in_scope, found)), left_out)
    ended = time.monotonic()
    report = {
        "accounts": len(in_scope),
        "left_out": len(left_out),
        "sessions": sessions,
        "numbers": numbers,
        "assumed": sum(1 for a in in_scope if a["Id"] != caller),
        "seconds": {
            "discovery": round(discovered - started, 3),
            "audit": round(audited - discovered, 3),
            "files": round(ended - audited, 3),
        },
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=32, help="the thread pool over the accounts (default 32)")
    parser.add_argument(
        "--session-per-account",
        action="store_true",
        help="a boto3 Session per account (boto3's guide to threads) instead of boto3.client() on the default session",
    )
    parser.add_argument("url", help="the Chime SDK Voice endpoint")
    parser.add_argument("dest")
    parser.add_argument("role", help="the member role's name in every account")
    parser.add_argument("regions", nargs="+")
    args = parser.parse_args()
    sys.exit(main(args.url, args.dest, args.role, args.regions, args.threads, args.session_per_account))
