# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sessions expire: ExpiryMinutes after creation, Get and List show them Closed (issue 8).

The endpoint's clock is moved forward (in-process through ``chimesdkvoice.clock``, on the
server through the control API), so nothing waits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from typing import Iterator

import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EMPTY_CONNECTOR
from chime_helpers import Control

PAIR = ["+12065550100", "+14015550101"]


@pytest.fixture
def chime(mock_chime: Any) -> Iterator[tuple[Any, Any]]:
    """In-process client and the endpoint's clock, put back to the wall clock afterwards."""
    from chime_local.chimesdkvoice import clock  # pylint: disable=import-outside-toplevel

    clock.reset()
    try:
        yield mock_chime, clock
    finally:
        clock.reset()


def _connector(client: Any, expiry: int = 60) -> str:
    connector_id = client.create_voice_connector(Name="expiry", RequireEncryption=True)["VoiceConnector"][
        "VoiceConnectorId"
    ]
    client.put_voice_connector_proxy(
        VoiceConnectorId=connector_id, DefaultSessionExpiryMinutes=expiry, PhoneNumberPoolCountries=["US"]
    )
    return connector_id


def _statuses(client: Any, connector_id: str, status: str) -> list[str]:
    sessions = client.list_proxy_sessions(VoiceConnectorId=connector_id, Status=status)["ProxySessions"]
    return [s["ProxySessionId"] for s in sessions]


def test_a_session_closes_when_its_minutes_have_passed(chime: tuple[Any, Any]) -> None:
    client, clock = chime
    connector_id = _connector(client)
    created = client.create_proxy_session(
        VoiceConnectorId=connector_id, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], ExpiryMinutes=5
    )["ProxySession"]
    session_id = created["ProxySessionId"]

    clock.advance(5 * 60 - 1)
    still = client.get_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)["ProxySession"]
    assert still["Status"] == "Open" and "EndedTimestamp" not in still
    assert _statuses(client, connector_id, "Open") == [session_id]

    clock.advance(1)
    closed = client.get_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id)["ProxySession"]
    assert closed["Status"] == "Closed"
    # The timestamps as sent are milliseconds; the end is creation + ExpiryMinutes, not the time of the read.
    assert closed["EndedTimestamp"] == created["CreatedTimestamp"] + timedelta(minutes=5)
    assert closed["UpdatedTimestamp"] == closed["EndedTimestamp"]
    assert _statuses(client, connector_id, "Open") == []
    assert _statuses(client, connector_id, "Closed") == [session_id]
    with pytest.raises(ClientError) as excinfo:
        client.update_proxy_session(VoiceConnectorId=connector_id, ProxySessionId=session_id, Capabilities=["SMS"])
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_list_alone_closes_sessions_and_frees_their_numbers(chime: tuple[Any, Any]) -> None:
    client, clock = chime
    connector_id = _connector(client, expiry=10)
    first = client.create_proxy_session(
        VoiceConnectorId=connector_id, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )
    second = client.create_proxy_session(
        VoiceConnectorId=connector_id, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )
    number = first["ProxySession"]["Participants"][0]["ProxyPhoneNumber"]
    assert second["ProxySession"]["Participants"][0]["ProxyPhoneNumber"] != number  # both open: two numbers
    assert first["ProxySession"]["ExpiryMinutes"] == 10  # the configuration's default

    clock.advance(10 * 60)
    listed = client.list_proxy_sessions(VoiceConnectorId=connector_id)["ProxySessions"]
    assert [s["Status"] for s in listed] == ["Closed", "Closed"]
    assert all(s["EndedTimestamp"] == s["CreatedTimestamp"] + timedelta(minutes=10) for s in listed)
    third = client.create_proxy_session(
        VoiceConnectorId=connector_id, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )
    assert third["ProxySession"]["Participants"][0]["ProxyPhoneNumber"] == number  # free again


def test_a_longer_expiry_set_by_update_counts_from_creation(chime: tuple[Any, Any]) -> None:
    client, clock = chime
    connector_id = _connector(client)
    session_id = client.create_proxy_session(
        VoiceConnectorId=connector_id, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"], ExpiryMinutes=5
    )["ProxySession"]["ProxySessionId"]
    clock.advance(4 * 60)
    client.update_proxy_session(
        VoiceConnectorId=connector_id, ProxySessionId=session_id, Capabilities=["SMS"], ExpiryMinutes=8
    )
    clock.advance(3 * 60)
    assert _statuses(client, connector_id, "Open") == [session_id]
    clock.advance(60)
    assert _statuses(client, connector_id, "Closed") == [session_id]


def test_paging_open_sessions_while_they_expire(chime: tuple[Any, Any]) -> None:
    """The session a NextToken points at may close between pages: the listing goes on, nothing twice."""
    client, clock = chime
    connector_id = _connector(client)
    ids = []
    for minutes in (1, 1, 1, 60, 60, 60):
        ids.append(
            client.create_proxy_session(
                VoiceConnectorId=connector_id,
                ParticipantPhoneNumbers=[f"+1206555{len(ids):04d}", f"+1401555{len(ids):04d}"],
                Capabilities=["Voice"],
                ExpiryMinutes=minutes,
            )["ProxySession"]["ProxySessionId"]
        )
    first = client.list_proxy_sessions(VoiceConnectorId=connector_id, Status="Open", MaxResults=2)
    assert [s["ProxySessionId"] for s in first["ProxySessions"]] == ids[:2]
    clock.advance(61)  # the third session, which the token points at, closes now
    rest = client.list_proxy_sessions(
        VoiceConnectorId=connector_id, Status="Open", MaxResults=2, NextToken=first["NextToken"]
    )
    seen = [s["ProxySessionId"] for s in rest["ProxySessions"]]
    while "NextToken" in rest:
        rest = client.list_proxy_sessions(
            VoiceConnectorId=connector_id, Status="Open", MaxResults=2, NextToken=rest["NextToken"]
        )
        seen += [s["ProxySessionId"] for s in rest["ProxySessions"]]
    assert seen == ids[3:]


def test_clock_only_moves_forward(chime: tuple[Any, Any]) -> None:
    _client, clock = chime
    before = clock.now()
    assert clock.advance(3600) == 3600 and clock.offset() == 3600
    assert clock.now() - before >= timedelta(hours=1)
    for bad in (-1, float("nan"), float("inf"), 10**12):
        with pytest.raises(ValueError):
            clock.advance(bad)
    clock.reset()
    assert clock.offset() == 0


# ------------------------------------------------------------------ on the server
def test_seeded_statuses_stay_and_new_sessions_expire(control: Control, client: Any) -> None:
    control.ok(
        "POST",
        "seed",
        {
            "proxy_sessions": [
                # No Status: it expires like any session (its 5 minutes are long gone).
                {
                    "VoiceConnectorId": EMPTY_CONNECTOR,
                    "ProxySessionId": "seeded-no-status",
                    "ExpiryMinutes": 5,
                    "CreatedTimestamp": "2021-01-01T00:00:00.000Z",
                    "Capabilities": ["SMS"],
                },
            ],
            "generate": [
                {"voice_connector_id": EMPTY_CONNECTOR, "count": 2, "id_prefix": "gen-expiring-", "expiry_minutes": 1},
                {
                    "voice_connector_id": EMPTY_CONNECTOR,
                    "count": 2,
                    "id_prefix": "gen-kept-",
                    "status": "Open",
                    "expiry_minutes": 1,
                },
            ],
        },
    )
    seeded = client.get_proxy_session(VoiceConnectorId=EMPTY_CONNECTOR, ProxySessionId="seeded-no-status")
    assert seeded["ProxySession"]["Status"] == "Closed"
    assert seeded["ProxySession"]["EndedTimestamp"].isoformat().startswith("2021-01-01T00:05:00")
    created = client.create_proxy_session(
        VoiceConnectorId=DEMO_CONNECTOR, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"], ExpiryMinutes=30
    )["ProxySession"]

    control.ok("POST", "clock", {"advance_seconds": 10 * 365 * 24 * 3600})
    demo = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)["ProxySessions"]
    statuses = {s["ProxySessionId"]: s["Status"] for s in demo}
    assert statuses.pop(created["ProxySessionId"]) == "Closed"
    # The demo data's explicit statuses are kept, whatever the clock says.
    assert sorted(statuses.values()) == ["Closed", "InProgress", "Open", "Open"]
    generated = {
        s["ProxySessionId"]: s["Status"]
        for s in client.list_proxy_sessions(VoiceConnectorId=EMPTY_CONNECTOR)["ProxySessions"]
        if s["ProxySessionId"].startswith("gen-")
    }
    assert generated == {
        "gen-expiring-0": "Closed",
        "gen-expiring-1": "Closed",
        "gen-kept-0": "Open",
        "gen-kept-1": "Open",
    }
