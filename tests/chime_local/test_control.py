# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API: health, the clock, seeding, reset, stats and its answers to bad requests."""

from __future__ import annotations

from typing import Any

import pytest
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import Control


def test_health(control: Control) -> None:
    assert control.ok("GET", "health") == {"status": "ok"}


def test_the_clock_moves_forward_and_back_to_the_wall_clock(control: Control) -> None:
    assert control.ok("GET", "clock")["offset_seconds"] == 0
    control.ok("POST", "clock", {"advance_seconds": 3600})
    moved = control.ok("POST", "clock", {"advance_seconds": 1800})
    assert moved["offset_seconds"] == 5400 and moved["now"] > control.ok("DELETE", "clock")["now"]
    assert control.ok("GET", "clock")["offset_seconds"] == 0


@pytest.mark.parametrize(
    "body", [{}, {"advance_seconds": -1}, {"advance_seconds": "60"}, {"advance_seconds": True}, [60], {"seconds": 5}]
)
def test_bad_clock_requests_are_refused(control: Control, body: Any) -> None:
    status, payload = control.call("POST", "clock", body)
    assert status == 400 and "advance_seconds" in payload["error"]
    assert control.ok("GET", "clock")["offset_seconds"] == 0


def test_sessions_expire_when_the_clock_moves_past_their_expiry(control: Control, client: Any) -> None:
    created = client.create_proxy_session(
        VoiceConnectorId=DEMO_CONNECTOR,
        ParticipantPhoneNumbers=["+12065550300", "+12065550301"],
        Capabilities=["Voice"],
        ExpiryMinutes=5,
    )["ProxySession"]
    ids = {"VoiceConnectorId": DEMO_CONNECTOR, "ProxySessionId": created["ProxySessionId"]}
    assert client.get_proxy_session(**ids)["ProxySession"]["Status"] == "Open"
    control.ok("POST", "clock", {"advance_seconds": 4 * 60})
    assert client.get_proxy_session(**ids)["ProxySession"]["Status"] == "Open"
    control.ok("POST", "clock", {"advance_seconds": 2 * 60})
    expired = client.get_proxy_session(**ids)["ProxySession"]
    assert expired["Status"] == "Closed" and "EndedTimestamp" in expired


def test_seed_adds_data_and_reset_drops_it(control: Control, client: Any) -> None:
    answer = control.ok("POST", "seed", raw=b"voice_connectors:\n  - VoiceConnectorId: seededseededseededsee1\n")
    assert answer["voice_connectors"] == 1 and answer["proxy_sessions"] == 0
    ids = [c["VoiceConnectorId"] for c in client.list_voice_connectors()["VoiceConnectors"]]
    assert "seededseededseededsee1" in ids
    control.ok("POST", "reset")
    ids = [c["VoiceConnectorId"] for c in client.list_voice_connectors()["VoiceConnectors"]]
    assert "seededseededseededsee1" not in ids and DEMO_CONNECTOR in ids


@pytest.mark.parametrize(
    "raw, needle", [(b"connectors: []\n", "unknown seed keys"), (b"- a list\n", "mapping"), (b"faults: 3\n", "faults")]
)
def test_bad_seed_documents_are_refused(control: Control, raw: bytes, needle: str) -> None:
    status, payload = control.call("POST", "seed", raw=raw)
    assert status == 400 and needle in payload["error"]


def test_unknown_control_endpoints_and_methods(control: Control) -> None:
    for method, resource in [("GET", "nothing-here"), ("PUT", "health"), ("GET", "reset")]:
        status, payload = control.call(method, resource)
        assert status == 404 and "no control endpoint" in payload["error"]


def test_control_calls_are_not_counted_or_faulted(control: Control) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "drop"}]})
    assert control.ok("GET", "health") == {"status": "ok"}
    assert control.ok("GET", "stats")["total"] == 0
