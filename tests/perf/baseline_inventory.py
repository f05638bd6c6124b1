# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole-region inventory without the collection: the baselines of tests/perf/bench_inventory.py.

    python baseline_inventory.py sessions URL              boto3 loop: ListVoiceConnectors, then every connector's
                                                            ListProxySessions pages, one request after another
    python baseline_inventory.py proxies URL               boto3 loop: ListVoiceConnectors, then
                                                            GetVoiceConnectorProxy for each connector
    python baseline_inventory.py awscli URL AWS            the sessions inventory as an operator scripts it with the
                                                            AWS CLI: one `aws` process per page (the CLI has no
                                                            paginator for these operations)

boto3's defaults throughout, one client per process. Each prints one JSON line with what it found.
"""

import json
import subprocess
import sys
from typing import Any
from typing import Callable
from typing import Dict
from typing import List

import boto3


def client(url: str) -> Any:
    return boto3.client("chime-sdk-voice", endpoint_url=url, region_name="us-east-1")


def pages(call: Callable[..., Dict[str, Any]], key: str, **params: Any) -> List[Any]:
    items: List[Any] = []
    while True:
        page = call(MaxResults=100, **params)
        items.extend(page.get(key, []))
        if not page.get("NextToken"):
            return items
        params["NextToken"] = page["NextToken"]


def sessions(url: str) -> Dict[str, Any]:
    chime = client(url)
    found = []
    for connector in pages(chime.list_voice_connectors, "VoiceConnectors"):
        found.extend(pages(chime.list_proxy_sessions, "ProxySessions", VoiceConnectorId=connector["VoiceConnectorId"]))
    return {"count": len(found), "unique": len({s["ProxySessionId"] for s in found})}


def proxies(url: str) -> Dict[str, Any]:
    chime = client(url)
    found = {}
    for connector in pages(chime.list_voice_connectors, "VoiceConnectors"):
        vc_id = connector["VoiceConnectorId"]
        found[vc_id] = chime.get_voice_connector_proxy(VoiceConnectorId=vc_id).get("Proxy", {})
    return {"count": len(found), "with_proxy": sum(1 for p in found.values() if p)}


def awscli(url: str, aws: str) -> Dict[str, Any]:
    def cli_pages(command: List[str], key: str) -> List[Any]:
        items: List[Any] = []
        token: List[str] = []
        while True:
            args = [aws, "--endpoint-url", url, "--output", "json", "chime-sdk-voice", *command, "--max-results", "100"]
            page = json.loads(subprocess.run(args + token, capture_output=True, text=True, check=True).stdout or "{}")
            items.extend(page.get(key, []))
            if not page.get("NextToken"):
                return items
            token = ["--next-token", page["NextToken"]]

    found = []
    for connector in cli_pages(["list-voice-connectors"], "VoiceConnectors"):
        found.extend(
            cli_pages(["list-proxy-sessions", "--voice-connector-id", connector["VoiceConnectorId"]], "ProxySessions")
        )
    return {"count": len(found), "unique": len({s["ProxySessionId"] for s in found})}


COMMANDS = {"sessions": sessions, "proxies": proxies, "awscli": awscli}


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
