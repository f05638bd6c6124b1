# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The peer of chime_proxy_inventory: the plain boto3 script a user would write instead (issue 16).

A thread pool of 10 per region, the regions at once, everything kept until the end, then json.dump and csv.writer:
the same three files as the module (proxy_inventory.json, proxy_sessions.csv, proxy_numbers.csv), numbers masked.
The account is the caller's (GetCallerIdentity), as the module keys its JSON by account.

Usage: python peer_inventory_boto3.py ENDPOINT_URL DEST REGION [REGION ...]
"""

import csv
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


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


def every_page(call, key, **params):
    items, token = [], None
    while True:
        page = call(**params, **({"NextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


def region_inventory(url, region):
    client = boto3.client(
        "chime-sdk-voice", region_name=region, endpoint_url=url, config=Config(max_pool_connections=10)
    )
    connectors = every_page(client.list_voice_connectors, "VoiceConnectors", MaxResults=100)

    def one(vc):
        vc_id = vc["VoiceConnectorId"]
        try:
            proxy = client.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy", {})
        except client.exceptions.NotFoundException:
            proxy = {}
        numbers = every_page(
            client.list_phone_numbers, "PhoneNumbers", FilterName="VoiceConnectorId", FilterValue=vc_id, MaxResults=100
        )
        sessions = every_page(client.list_proxy_sessions, "ProxySessions", VoiceConnectorId=vc_id, MaxResults=100)
        return vc, proxy, numbers, sessions

    with ThreadPoolExecutor(10) as pool:
        return region, list(pool.map(one, connectors))


def main(url, dest, regions):
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


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
