# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain boto3 drain, for comparison (issue 17): list every session of each connector, delete those that are not
Closed with 10 threads, one DeleteProxySession each. No disable, no removal, no report: the requests alone.

Usage: python peer_drain_boto3.py ENDPOINT_URL REGION VOICE_CONNECTOR_ID[,VOICE_CONNECTOR_ID...]
"""

import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main(url, region, vc_ids):
    client = boto3.client(
        "chime-sdk-voice", region_name=region, endpoint_url=url, config=Config(max_pool_connections=10)
    )
    ids = []
    for vc_id in vc_ids.split(","):
        token = None
        while True:
            page = client.list_proxy_sessions(
                VoiceConnectorId=vc_id, MaxResults=100, **({"NextToken": token} if token else {})
            )
            ids += [(vc_id, s["ProxySessionId"]) for s in page["ProxySessions"] if s["Status"] != "Closed"]
            token = page.get("NextToken")
            if not token:
                break
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda i: client.delete_proxy_session(VoiceConnectorId=i[0], ProxySessionId=i[1]), ids))
    print(len(ids))


if __name__ == "__main__":
    main(*sys.argv[1:4])
