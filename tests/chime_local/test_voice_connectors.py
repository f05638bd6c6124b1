# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Voice connectors per region and their proxy configuration, as issues 10 and 11 use them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EMPTY_CONNECTOR
from chime_helpers import MODEL
from chime_helpers import Control

EVERYWHERE = [DEMO_CONNECTOR, EMPTY_CONNECTOR]
EAST = ["eastproxyconnector0001", "eastplainconnector0002"]
WEST = ["westproxyconnector0001", "westproxydisabled00002", "westplainconnector0003"]


def _all_connectors(client: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], int]:
    connectors: list[dict[str, Any]] = []
    pages = 0
    while True:
        page = client.list_voice_connectors(**kwargs)
        pages += 1
        connectors += page["VoiceConnectors"]
        if "NextToken" not in page:
            return connectors, pages
        kwargs["NextToken"] = page["NextToken"]


@pytest.mark.parametrize("region, own", [("us-east-1", EAST), ("us-west-2", WEST), ("eu-west-1", [])])
def test_each_region_lists_its_own_connectors_in_creation_order(make_client: Any, region: str, own: list[str]) -> None:
    connectors, pages = _all_connectors(make_client(region_name=region), MaxResults=2)
    ids = [c["VoiceConnectorId"] for c in connectors]
    assert ids == EVERYWHERE + own  # the demo data creates them in this order
    assert pages == (len(ids) + 1) // 2
    for connector in connectors:
        assert connector["VoiceConnectorArn"].endswith(f":vc/{connector['VoiceConnectorId']}")
        assert f":chime:{region}:" in connector["VoiceConnectorArn"]


def test_west_connectors_are_not_in_the_east(make_client: Any) -> None:
    east = make_client(region_name="us-east-1")
    with pytest.raises(ClientError) as excinfo:
        east.get_voice_connector(VoiceConnectorId=WEST[0])
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"
    west = make_client(region_name="us-west-2")
    connector = west.get_voice_connector(VoiceConnectorId=WEST[0])["VoiceConnector"]
    assert connector["Name"] == "West proxy connector" and connector["AwsRegion"] == "us-west-2"


def test_proxy_configuration_of_the_demo_connectors(make_client: Any) -> None:
    west = make_client(region_name="us-west-2")
    assert west.get_voice_connector_proxy(VoiceConnectorId="westproxyconnector0001")["Proxy"] == {
        "DefaultSessionExpiryMinutes": 30,
        "Disabled": False,
        "FallBackPhoneNumber": "+12065550180",
        "PhoneNumberCountries": ["US", "CA"],
    }
    assert west.get_voice_connector_proxy(VoiceConnectorId="westproxydisabled00002")["Proxy"]["Disabled"] is True
    with pytest.raises(ClientError) as excinfo:
        west.get_voice_connector_proxy(VoiceConnectorId="westplainconnector0003")
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"
    sessions = west.list_proxy_sessions(VoiceConnectorId="westproxyconnector0001")["ProxySessions"]
    assert [s["Status"] for s in sessions] == ["Open", "InProgress", "Closed"]
    east = make_client(region_name="us-east-1")
    assert len(east.list_proxy_sessions(VoiceConnectorId="eastproxyconnector0001")["ProxySessions"]) == 1
    assert east.list_proxy_sessions(VoiceConnectorId="eastplainconnector0002")["ProxySessions"] == []


def test_put_takes_pool_countries_and_get_answers_countries(client: Any) -> None:
    """PutVoiceConnectorProxy's input says PhoneNumberPoolCountries; both outputs say PhoneNumberCountries."""
    assert "PhoneNumberPoolCountries" in MODEL.operation_model("PutVoiceConnectorProxy").input_shape.members
    assert "PhoneNumberCountries" in MODEL.shape_for("Proxy").members
    put = client.put_voice_connector_proxy(
        VoiceConnectorId=EMPTY_CONNECTOR, DefaultSessionExpiryMinutes=15, PhoneNumberPoolCountries=["US", "GB"]
    )["Proxy"]
    got = client.get_voice_connector_proxy(VoiceConnectorId=EMPTY_CONNECTOR)["Proxy"]
    assert put == got == {"DefaultSessionExpiryMinutes": 15, "Disabled": False, "PhoneNumberCountries": ["US", "GB"]}


def test_disable_then_delete_the_configuration(client: Any) -> None:
    """The drain of issue 11: disable new sessions, delete the sessions, delete the configuration."""
    config = client.get_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)["Proxy"]
    client.put_voice_connector_proxy(
        VoiceConnectorId=DEMO_CONNECTOR,
        DefaultSessionExpiryMinutes=config["DefaultSessionExpiryMinutes"],
        PhoneNumberPoolCountries=config["PhoneNumberCountries"],
        FallBackPhoneNumber=config["FallBackPhoneNumber"],
        Disabled=True,
    )
    with pytest.raises(ClientError) as excinfo:
        client.create_proxy_session(
            VoiceConnectorId=DEMO_CONNECTOR,
            ParticipantPhoneNumbers=["+12065550100", "+14015550109"],
            Capabilities=["SMS"],
        )
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    for session in client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)["ProxySessions"]:
        if session["Status"] != "Closed":
            client.delete_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=session["ProxySessionId"])
    assert [s["Status"] for s in client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)["ProxySessions"]] == [
        "Closed"
    ]
    client.delete_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)
    with pytest.raises(ClientError) as excinfo:
        client.get_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


def test_a_connector_with_numbers_cannot_be_deleted(make_client: Any) -> None:
    east = make_client(region_name="us-east-1")
    with pytest.raises(ClientError) as excinfo:
        east.delete_voice_connector(VoiceConnectorId="eastplainconnector0002")
    assert excinfo.value.response["Error"]["Code"] == "ConflictException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "ConflictException" in [e.name for e in MODEL.operation_model("DeleteVoiceConnector").error_shapes]


def test_listing_200_connectors_pages_of_100(control: Control, make_client: Any) -> None:
    ids = [f"bulkconnector{n:09d}" for n in range(200)]
    control.ok(
        "POST",
        "seed",
        {
            "voice_connectors": [
                {
                    "VoiceConnectorId": i,
                    "region": "eu-central-1",
                    "CreatedTimestamp": f"2022-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                }
                for n, i in enumerate(ids)
            ]
        },
    )
    connectors, pages = _all_connectors(make_client(region_name="eu-central-1"))
    assert [c["VoiceConnectorId"] for c in connectors] == EVERYWHERE + ids
    assert pages == 3  # 202 connectors, 100 a page
