# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every implemented operation, against the server and in-process (mock_aws), with a real boto3 client.

Every raw response body is checked against the model's output shape.
"""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import ISO_MS
from chime_helpers import MODEL
from chime_helpers import NO_RETRY
from chime_helpers import output_problems

IMPLEMENTED = [
    "CreateVoiceConnector",
    "GetVoiceConnector",
    "ListVoiceConnectors",
    "DeleteVoiceConnector",
    "PutVoiceConnectorProxy",
    "GetVoiceConnectorProxy",
    "DeleteVoiceConnectorProxy",
    "CreateProxySession",
    "GetProxySession",
    "ListProxySessions",
    "UpdateProxySession",
    "DeleteProxySession",
    "GetPhoneNumber",
    "ListPhoneNumbers",
    "AssociatePhoneNumbersWithVoiceConnector",
    "DisassociatePhoneNumbersFromVoiceConnector",
    "DeletePhoneNumber",
    "BatchDeletePhoneNumber",
    "RestorePhoneNumber",
]


class Recorder:
    """Keeps the raw body and status of every response a client receives."""

    def __init__(self, client: Any) -> None:
        self.calls: list[tuple[str, int, Any]] = []
        client.meta.events.register("before-parse.chime-sdk-voice.*", self._record)

    def _record(self, operation_model: Any, response_dict: dict[str, Any], **_kwargs: Any) -> None:
        body = response_dict["body"]
        self.calls.append((operation_model.name, response_dict["status_code"], json.loads(body) if body else None))

    def status(self, operation: str) -> int:
        return [status for name, status, _body in self.calls if name == operation][-1]


@pytest.fixture(params=["server", "mock_aws"])
def api(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Recorder]]:
    if request.param == "server":
        client = boto3.client(
            "chime-sdk-voice",
            endpoint_url=request.getfixturevalue("endpoint"),
            region_name="us-east-1",
            config=NO_RETRY,
        )
    else:
        client = request.getfixturevalue("mock_chime")
    recorder = Recorder(client)
    yield client, recorder
    for operation, status, body in recorder.calls:
        if status < 300:
            assert not output_problems(operation, body), (operation, body)


def _connector_with_proxy(client: Any, countries: list[str] | None = None, expiry: int = 45) -> str:
    connector = client.create_voice_connector(Name="Test connector", RequireEncryption=True)["VoiceConnector"]
    client.put_voice_connector_proxy(
        VoiceConnectorId=connector["VoiceConnectorId"],
        DefaultSessionExpiryMinutes=expiry,
        PhoneNumberPoolCountries=countries or ["US"],
    )
    return connector["VoiceConnectorId"]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_status_codes_come_from_the_model() -> None:
    expected = {name: MODEL.operation_model(name).http.get("responseCode", 200) for name in IMPLEMENTED}
    assert expected["CreateProxySession"] == 201 and expected["UpdateProxySession"] == 201
    assert expected["DeleteProxySession"] == 204 and expected["PutVoiceConnectorProxy"] == 200


def test_voice_connector_lifecycle(api: tuple[Any, Recorder]) -> None:
    client, recorder = api
    created = client.create_voice_connector(Name="My connector", RequireEncryption=False, AwsRegion="us-west-2")
    assert recorder.status("CreateVoiceConnector") == 201
    connector = created["VoiceConnector"]
    assert connector["Name"] == "My connector" and connector["AwsRegion"] == "us-west-2"
    assert connector["RequireEncryption"] is False
    connector_id = connector["VoiceConnectorId"]
    assert client.get_voice_connector(VoiceConnectorId=connector_id)["VoiceConnector"] == connector
    listed = client.list_voice_connectors()["VoiceConnectors"]
    assert connector_id in [c["VoiceConnectorId"] for c in listed]
    client.delete_voice_connector(VoiceConnectorId=connector_id)
    assert recorder.status("DeleteVoiceConnector") == 204
    with pytest.raises(ClientError) as excinfo:
        client.get_voice_connector(VoiceConnectorId=connector_id)
    assert _error(excinfo) == ("NotFoundException", 404)


def test_voice_connector_listing_pages(api: tuple[Any, Recorder]) -> None:
    client, _recorder = api
    ids = {
        client.create_voice_connector(Name=f"c{i}", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]
        for i in range(5)
    }
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 2}
    while True:
        page = client.list_voice_connectors(**kwargs)
        assert len(page["VoiceConnectors"]) <= 2
        seen += [c["VoiceConnectorId"] for c in page["VoiceConnectors"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert ids <= set(seen) and len(seen) == len(set(seen))


def test_proxy_configuration(api: tuple[Any, Recorder]) -> None:
    client, recorder = api
    connector_id = client.create_voice_connector(Name="p", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]
    with pytest.raises(ClientError) as excinfo:
        client.get_voice_connector_proxy(VoiceConnectorId=connector_id)
    assert _error(excinfo) == ("NotFoundException", 404)
    put = client.put_voice_connector_proxy(
        VoiceConnectorId=connector_id,
        DefaultSessionExpiryMinutes=20,
        PhoneNumberPoolCountries=["US", "CA"],
        FallBackPhoneNumber="+19135550100",
        Disabled=False,
    )
    assert recorder.status("PutVoiceConnectorProxy") == 200
    expected = {
        "DefaultSessionExpiryMinutes": 20,
        "Disabled": False,
        "FallBackPhoneNumber": "+19135550100",
        "PhoneNumberCountries": ["US", "CA"],
    }
    assert put["Proxy"] == expected
    assert client.get_voice_connector_proxy(VoiceConnectorId=connector_id)["Proxy"] == expected
    client.delete_voice_connector_proxy(VoiceConnectorId=connector_id)
    assert recorder.status("DeleteVoiceConnectorProxy") == 204
    with pytest.raises(ClientError) as excinfo:
        client.delete_voice_connector_proxy(VoiceConnectorId=connector_id)
    assert _error(excinfo) == ("NotFoundException", 404)


def test_proxy_session_lifecycle(api: tuple[Any, Recorder]) -> None:
    client, recorder = api
    connector_id = _connector_with_proxy(client, expiry=45)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    created = client.create_proxy_session(
        VoiceConnectorId=connector_id,
        ParticipantPhoneNumbers=["+12065550100", "+14015550101"],
        Capabilities=["Voice", "SMS"],
        Name="Ride 42",
    )["ProxySession"]
    assert recorder.status("CreateProxySession") == 201
    raw = recorder.calls[-1][2]["ProxySession"]
    assert ISO_MS.match(raw["CreatedTimestamp"]) and raw["CreatedTimestamp"] == raw["UpdatedTimestamp"]
    assert "EndedTimestamp" not in raw
    assert created["Status"] == "Open" and created["Name"] == "Ride 42"
    assert created["ExpiryMinutes"] == 45  # the proxy configuration's DefaultSessionExpiryMinutes
    assert created["CreatedTimestamp"] >= before
    numbers = [p["PhoneNumber"] for p in created["Participants"]]
    proxies = {p["ProxyPhoneNumber"] for p in created["Participants"]}
    assert numbers == ["+12065550100", "+14015550101"] and len(proxies) == 1
    session_id = created["ProxySessionId"]

    got = client.get_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)["ProxySession"]
    assert got == created

    updated = client.update_proxy_session(
        VoiceConnectorId=connector_id, ProxySessionId=session_id, Capabilities=["SMS"], ExpiryMinutes=90
    )["ProxySession"]
    assert recorder.status("UpdateProxySession") == 201
    assert updated["Capabilities"] == ["SMS"] and updated["ExpiryMinutes"] == 90
    assert updated["UpdatedTimestamp"] > updated["CreatedTimestamp"] == created["CreatedTimestamp"]

    listed = client.list_proxy_sessions(VoiceConnectorId=connector_id)["ProxySessions"]
    assert [s["ProxySessionId"] for s in listed] == [session_id]

    client.delete_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)
    assert recorder.status("DeleteProxySession") == 204
    # AWS: DeleteProxySession "deletes the specified proxy session" - it is gone, not kept as Closed.
    with pytest.raises(ClientError) as excinfo:
        client.get_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)
    assert _error(excinfo) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        client.delete_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)
    assert _error(excinfo) == ("NotFoundException", 404)
    assert client.list_proxy_sessions(VoiceConnectorId=connector_id)["ProxySessions"] == []


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("get_proxy_session", {"ProxySessionId": EXAMPLE_SESSION}),
        ("list_proxy_sessions", {}),
        ("update_proxy_session", {"ProxySessionId": EXAMPLE_SESSION, "Capabilities": ["SMS"]}),
        ("delete_proxy_session", {"ProxySessionId": EXAMPLE_SESSION}),
        (
            "create_proxy_session",
            {"ParticipantPhoneNumbers": ["+12065550100", "+14015550101"], "Capabilities": ["SMS"]},
        ),
        ("get_voice_connector_proxy", {}),
        ("put_voice_connector_proxy", {"DefaultSessionExpiryMinutes": 5, "PhoneNumberPoolCountries": ["US"]}),
        ("delete_voice_connector_proxy", {}),
        ("get_voice_connector", {}),
        ("delete_voice_connector", {}),
    ],
)
def test_unknown_connector_is_not_found(api: tuple[Any, Recorder], operation: str, kwargs: dict[str, Any]) -> None:
    client, _recorder = api
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(VoiceConnectorId="zzzzzzzzzzzzzzzzzzzzz9", **kwargs)
    assert _error(excinfo) == ("NotFoundException", 404)
    assert "zzzzzzzzzzzzzzzzzzzzz9" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("operation", ["get_proxy_session", "update_proxy_session", "delete_proxy_session"])
def test_unknown_session_is_not_found(api: tuple[Any, Recorder], operation: str) -> None:
    client, _recorder = api
    connector_id = _connector_with_proxy(client)
    extra = {"Capabilities": ["SMS"]} if operation == "update_proxy_session" else {}
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(VoiceConnectorId=connector_id, ProxySessionId="no-such-session", **extra)
    assert _error(excinfo) == ("NotFoundException", 404)


def test_error_wire_format(endpoint: str) -> None:
    from chime_helpers import signed_request  # pylint: disable=import-outside-toplevel

    status, headers, body = signed_request(endpoint, "GET", f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions/nope")
    assert status == 404
    assert headers["x-amzn-errortype"] == "NotFoundException"
    assert headers["content-type"] == "application/json"
    assert set(body) == {"Code", "Message"} and body["Code"] in MODEL.shape_for("ErrorCode").enum


def test_sessions_need_an_enabled_proxy(api: tuple[Any, Recorder]) -> None:
    client, _recorder = api
    connector_id = client.create_voice_connector(Name="np", RequireEncryption=True)["VoiceConnector"][
        "VoiceConnectorId"
    ]
    args = {
        "VoiceConnectorId": connector_id,
        "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"],
        "Capabilities": ["SMS"],
    }
    with pytest.raises(ClientError) as excinfo:
        client.create_proxy_session(**args)
    assert _error(excinfo) == ("BadRequestException", 400)
    client.put_voice_connector_proxy(
        VoiceConnectorId=connector_id, DefaultSessionExpiryMinutes=5, PhoneNumberPoolCountries=["US"], Disabled=True
    )
    with pytest.raises(ClientError) as excinfo:
        client.create_proxy_session(**args)
    assert "disabled" in excinfo.value.response["Error"]["Message"]


def test_proxy_numbers_and_geo_matching(api: tuple[Any, Recorder]) -> None:
    client, _recorder = api
    connector_id = _connector_with_proxy(client, countries=["US", "GB"])
    pair = ["+12065550100", "+14015550101"]

    def create(**kwargs: Any) -> dict[str, Any]:
        return client.create_proxy_session(
            VoiceConnectorId=connector_id,
            ParticipantPhoneNumbers=kwargs.pop("numbers", pair),
            Capabilities=["Voice"],
            **kwargs,
        )["ProxySession"]

    first = create()
    second = create()
    # Two open sessions of the same participants cannot share a proxy number.
    assert first["Participants"][0]["ProxyPhoneNumber"] != second["Participants"][0]["ProxyPhoneNumber"]
    area = create(
        numbers=["+13125550100", "+16175550101"],
        GeoMatchLevel="AreaCode",
        GeoMatchParams={"Country": "US", "AreaCode": "415"},
    )
    assert area["Participants"][0]["ProxyPhoneNumber"].startswith("+1415")
    assert area["GeoMatchLevel"] == "AreaCode" and area["GeoMatchParams"] == {"Country": "US", "AreaCode": "415"}
    british = create(
        numbers=["+13125550100", "+16175550101"],
        GeoMatchLevel="Country",
        GeoMatchParams={"Country": "GB", "AreaCode": ""},
    )
    assert british["Participants"][0]["ProxyPhoneNumber"].startswith("+44")
    with pytest.raises(ClientError) as excinfo:
        create(GeoMatchLevel="Country", GeoMatchParams={"Country": "FR", "AreaCode": ""})
    assert _error(excinfo) == ("BadRequestException", 400)

    # Stickiness: once the earlier sessions are gone, PreferSticky reuses the pair's last number.
    client.delete_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=first["ProxySessionId"])
    client.delete_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=second["ProxySessionId"])
    sticky = create(NumberSelectionBehavior="PreferSticky")
    assert sticky["Participants"][0]["ProxyPhoneNumber"] == second["Participants"][0]["ProxyPhoneNumber"]
    assert sticky["NumberSelectionBehavior"] == "PreferSticky"
    client.delete_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=sticky["ProxySessionId"])
    avoid = create(NumberSelectionBehavior="AvoidSticky")
    assert avoid["Participants"][0]["ProxyPhoneNumber"] != sticky["Participants"][0]["ProxyPhoneNumber"]


def test_participants_must_differ(api: tuple[Any, Recorder]) -> None:
    client, _recorder = api
    connector_id = _connector_with_proxy(client)
    with pytest.raises(ClientError) as excinfo:
        client.create_proxy_session(
            VoiceConnectorId=connector_id,
            ParticipantPhoneNumbers=["+12065550100", "+12065550100"],
            Capabilities=["SMS"],
        )
    assert _error(excinfo) == ("BadRequestException", 400)


def test_closed_sessions_cannot_be_updated(client: Any) -> None:
    closed = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, Status="Closed")["ProxySessions"]
    assert closed and all("EndedTimestamp" in s for s in closed)
    with pytest.raises(ClientError) as excinfo:
        client.update_proxy_session(
            VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=closed[0]["ProxySessionId"], Capabilities=["SMS"]
        )
    assert _error(excinfo) == ("BadRequestException", 400)


def test_unimplemented_operation_is_reported(raw_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_client.get_voice_connector_origination(VoiceConnectorId=DEMO_CONNECTOR)
    assert _error(excinfo) == ("NotImplementedException", 501)
