# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed data: the demo file, visibility across accounts/regions, runtime seeding, the generator, reset."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EMPTY_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import Control
from chime_helpers import output_problems
from chime_helpers import signed_request
from chime_local.launcher import DEMO_SEED

DOC = Path(__file__).resolve().parent / "data" / "aws-chime-get-proxy-session.txt"


def documented_output() -> dict[str, Any]:
    """The Output JSON of the AWS CLI example, read from the documentation text itself."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"\nOutput:\n\n(\{.*?\n\})\n", text, re.S)
    assert block, "the example output was not found in the AWS CLI documentation text"
    return json.loads(block.group(1))


def test_demo_session_is_exactly_the_documented_output(endpoint: str) -> None:
    status, _headers, payload = signed_request(
        endpoint, "GET", f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions/{EXAMPLE_SESSION}"
    )
    assert status == 200
    assert payload == documented_output()
    assert list(payload["ProxySession"]) == list(documented_output()["ProxySession"])  # same keys, same order
    assert not output_problems("GetProxySession", payload)


def test_demo_data_covers_every_status(client: Any) -> None:
    sessions = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)["ProxySessions"]
    assert {s["Status"] for s in sessions} == {"Open", "InProgress", "Closed"}
    assert all(("EndedTimestamp" in s) == (s["Status"] == "Closed") for s in sessions)
    full = [s for s in sessions if {"Name", "NumberSelectionBehavior", "GeoMatchLevel", "GeoMatchParams"} <= set(s)]
    assert full
    assert client.list_proxy_sessions(VoiceConnectorId=EMPTY_CONNECTOR)["ProxySessions"] == []
    assert (
        client.get_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)["Proxy"]["DefaultSessionExpiryMinutes"] == 60
    )


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "eu-north-1"])
def test_demo_connectors_are_visible_in_any_region(make_client: Any, region: str) -> None:
    client = make_client(region_name=region)
    ids = {c["VoiceConnectorId"] for c in client.list_voice_connectors()["VoiceConnectors"]}
    assert {DEMO_CONNECTOR, EMPTY_CONNECTOR} <= ids
    assert client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)["ProxySession"]


def test_demo_connectors_are_visible_in_any_account(endpoint: str) -> None:
    status, _headers, payload = signed_request(
        endpoint, "GET", f"/voice-connectors/{DEMO_CONNECTOR}", headers={"x-moto-account-id": "111122223333"}
    )
    assert status == 200 and payload["VoiceConnector"]["VoiceConnectorArn"].endswith(
        f":111122223333:vc/{DEMO_CONNECTOR}"
    )


def test_scoped_connector(control: Control, make_client: Any) -> None:
    control.ok(
        "POST", "seed", raw=b"voice_connectors:\n  - VoiceConnectorId: scopedscopedscopedsc01\n    region: eu-west-1\n"
    )
    assert make_client(region_name="eu-west-1").get_voice_connector(VoiceConnectorId="scopedscopedscopedsc01")
    with pytest.raises(ClientError) as excinfo:
        make_client(region_name="us-east-1").get_voice_connector(VoiceConnectorId="scopedscopedscopedsc01")
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


def test_runtime_seed_yaml_with_every_member_and_reset(control: Control, client: Any) -> None:
    seed = b"""
voice_connectors:
  - VoiceConnectorId: seededseededseededse01
    Name: Seeded
    Proxy: {DefaultSessionExpiryMinutes: 10, PhoneNumberPoolCountries: [US], FallBackPhoneNumber: "+19135550100", Disabled: true}
    ProxySessions:
      - ProxySessionId: seeded-1
        Name: Seeded one
        Status: InProgress
        ExpiryMinutes: 10
        Capabilities: [Voice]
        CreatedTimestamp: "2021-01-02T03:04:05.678Z"
        UpdatedTimestamp: 2021-01-02T03:04:06.789Z
        Participants:
          - {PhoneNumber: "+12065550100", ProxyPhoneNumber: "+19135550199"}
          - {PhoneNumber: +14015550101, ProxyPhoneNumber: "+19135550199"}
        NumberSelectionBehavior: AvoidSticky
        GeoMatchLevel: Country
        GeoMatchParams: {Country: US, AreaCode: "206"}
"""
    result = control.ok("POST", "seed", raw=seed)
    assert result["voice_connectors"] == 1 and result["proxy_sessions"] == 1
    status, _headers, payload = signed_request(
        control.url, "GET", "/voice-connectors/seededseededseededse01/proxy-sessions/seeded-1"
    )
    assert status == 200 and not output_problems("GetProxySession", payload)
    session = payload["ProxySession"]
    assert (
        session["CreatedTimestamp"] == "2021-01-02T03:04:05.678Z"
        and session["UpdatedTimestamp"] == "2021-01-02T03:04:06.789Z"
    )
    assert session["Participants"][1]["PhoneNumber"] == "+14015550101"  # unquoted YAML number kept as E.164
    assert session["GeoMatchParams"] == {"Country": "US", "AreaCode": "206"}
    assert client.get_voice_connector_proxy(VoiceConnectorId="seededseededseededse01")["Proxy"]["Disabled"] is True

    client.delete_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    control.ok("POST", "reset")
    with pytest.raises(ClientError):
        client.get_voice_connector(VoiceConnectorId="seededseededseededse01")
    assert client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)


def test_runtime_seed_json(control: Control, client: Any) -> None:
    control.ok(
        "POST",
        "seed",
        {
            "proxy_sessions": [
                {"VoiceConnectorId": EMPTY_CONNECTOR, "ProxySessionId": "json-1", "Capabilities": ["SMS"]}
            ]
        },
    )
    assert (
        client.get_proxy_session(VoiceConnectorId=EMPTY_CONNECTOR, ProxySessionId="json-1")["ProxySession"]["Status"]
        == "Open"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"- not a mapping",
        b"connectors: []",
        b"voice_connectors: [{Name: x}]",
        b"generate: [{count: 3}]",
        b"faults: {rules: [{action: explode}]}",
        b"{",
    ],
)
def test_invalid_seed_is_refused(control: Control, body: bytes) -> None:
    status, payload = control.call("POST", "seed", raw=body)
    assert status == 400 and payload["error"]


def test_generator_makes_10000_predictable_sessions_quickly(control: Control, client: Any) -> None:
    started = time.monotonic()
    result = control.ok(
        "POST",
        "seed",
        raw=f"generate: [{{voice_connector_id: {EMPTY_CONNECTOR}, count: 10000, status: Open, id_prefix: bench-}}]".encode(),
    )
    assert time.monotonic() - started < 5
    assert result["proxy_sessions"] == 10000
    for number in (0, 999, 9999):
        session = client.get_proxy_session(VoiceConnectorId=EMPTY_CONNECTOR, ProxySessionId=f"bench-{number:04d}")[
            "ProxySession"
        ]
        assert session["Status"] == "Open" and len({p["ProxyPhoneNumber"] for p in session["Participants"]}) == 1
    page = client.list_proxy_sessions(VoiceConnectorId=EMPTY_CONNECTOR, MaxResults=100)
    assert [s["ProxySessionId"] for s in page["ProxySessions"]][:3] == ["bench-0000", "bench-0001", "bench-0002"]


def test_generator_options(control: Control, client: Any) -> None:
    control.ok(
        "POST",
        "seed",
        {
            "generate": [
                {
                    "voice_connector_id": EMPTY_CONNECTOR,
                    "count": 6,
                    "start": 1000,
                    "width": 6,
                    "id_prefix": "known-",
                    "status": ["Open", "Closed"],
                    "capabilities": ["SMS"],
                    "expiry_minutes": 5,
                }
            ]
        },
    )
    sessions = client.list_proxy_sessions(VoiceConnectorId=EMPTY_CONNECTOR)["ProxySessions"]
    assert [s["ProxySessionId"] for s in sessions] == [f"known-{n:06d}" for n in range(1000, 1006)]
    assert [s["Status"] for s in sessions] == ["Open", "Closed"] * 3
    assert {s["ExpiryMinutes"] for s in sessions} == {5} and {tuple(s["Capabilities"]) for s in sessions} == {("SMS",)}


# ------------------------------------------------------------- the seeding interface, in-process
@pytest.mark.parametrize(
    "text, where",
    [
        (b"\xff\xfe\x00", "not valid YAML"),
        (b"[" * 20000, "not valid YAML"),
        (b"voice_connectors: [{VoiceConnectorId: x, CreatedTimestamp: soon}]", "voice_connectors[0].CreatedTimestamp"),
        (b"voice_connectors: [{VoiceConnectorId: x, region: {a: 1}}]", "voice_connectors[0].region"),
        (b"proxy_sessions: [{VoiceConnectorId: x, ProxySessionId: y, Status: Expired}]", "proxy_sessions[0].Status"),
        (b"proxy_sessions: [{VoiceConnectorId: x, ProxySessionId: y, ExpiryMinutes: 0}]", "ExpiryMinutes"),
        (b"proxy_sessions: [{VoiceConnectorId: x, ProxySessionId: y, CreatedTimestamp: 1e20}]", "CreatedTimestamp"),
        (b"generate: [{voice_connector_id: x, count: -1}]", "generate[0].count"),
        (b"generate: [{voice_connector_id: x, count: 1, status: [Open, Gone]}]", "generate[0].status"),
        (b"generate: [{voice_connector_id: x, count: 1, step_ms: .inf}]", "generate[0].step_ms"),
        (b"settings: {deletion_queue_status: Gone}", "settings.deletion_queue_status"),
        (b"settings: {deletion_queue_status: ReleaseInProgress, other: 1}", "unknown settings ['other']"),
    ],
)
def test_load_seed_text_names_the_problem(text: bytes, where: str) -> None:
    from chime_local.chimesdkvoice import seeding  # pylint: disable=import-outside-toplevel

    with pytest.raises(ValueError) as excinfo:
        seeding.load_seed_text(text)
    assert where in str(excinfo.value)


def test_seed_counts_and_faults_pass_through() -> None:
    from chime_local.chimesdkvoice import seeding  # pylint: disable=import-outside-toplevel

    demo = seeding.load_seed_text(DEMO_SEED.read_bytes())
    # 8 connectors of the two demo accounts, and one each of the organisation's accounts 333333333333 and 444444444444.
    assert seeding.seed_counts(demo) == {"voice_connectors": 10, "proxy_sessions": 15, "phone_numbers": 14}
    extra = seeding.load_seed_text(b"faults: {anything: [1, 2]}\ngenerate: [{voice_connector_id: x, count: 7}]")
    assert extra["faults"] == {"anything": [1, 2]}  # the server checks this section, not the package
    assert seeding.seed_counts(extra) == {"voice_connectors": 0, "proxy_sessions": 7, "phone_numbers": 0}


def test_register_apply_and_reset(mock_chime: Any) -> None:
    from chime_local.chimesdkvoice import seeding  # pylint: disable=import-outside-toplevel

    saved = seeding.registered_seeds()
    seeding.clear_seeds()
    try:
        seeding.register_seed(seeding.load_seed_text(b"voice_connectors: [{VoiceConnectorId: registeredregistered01}]"))
        assert [c["VoiceConnectorId"] for c in mock_chime.list_voice_connectors()["VoiceConnectors"]] == [
            "registeredregistered01"
        ]
        # apply_seed: registered, and applied to the one backend that exists (us-east-1 of this account).
        applied = seeding.apply_seed(
            {"voice_connectors": [{"VoiceConnectorId": "appliedappliedapplie01", "region": "*"}]}
        )
        assert applied == 1
        assert len(mock_chime.list_voice_connectors()["VoiceConnectors"]) == 2
        mock_chime.delete_voice_connector(VoiceConnectorId="appliedappliedapplie01")
        assert len(mock_chime.list_voice_connectors()["VoiceConnectors"]) == 1
        seeding.reset_backends()  # rebuilt from the two registered seeds on the next request
        assert len(mock_chime.list_voice_connectors()["VoiceConnectors"]) == 2
        with pytest.raises(ValueError):
            seeding.register_seed({"voice_connectors": [{"Name": "no id"}]})
    finally:
        seeding.clear_seeds()
        for seed in saved:
            seeding.register_seed(seed)
        seeding.reset_backends()
