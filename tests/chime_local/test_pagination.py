# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ListProxySessions pagination: opaque tokens, MaxResults default and cap, Status filter,
and consistency while sessions are added and removed between pages."""

from __future__ import annotations

from typing import Any

from chime_helpers import Control

CONNECTOR = "pagepagepagepagepage01"


def _seed(control: Control, count: int, status: Any = "Open", prefix: str = "s-") -> None:
    control.ok(
        "POST",
        "seed",
        {
            "voice_connectors": [
                {
                    "VoiceConnectorId": CONNECTOR,
                    "Name": "Paging",
                    "Proxy": {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"]},
                }
            ],
            "generate": [
                {
                    "voice_connector_id": CONNECTOR,
                    "count": count,
                    "status": status,
                    "id_prefix": prefix,
                    "created": "2024-01-01T00:00:00.000Z",
                }
            ],
        },
    )


def _all_pages(client: Any, **kwargs: Any) -> tuple[list[str], int]:
    ids: list[str] = []
    pages = 0
    while True:
        page = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, **kwargs)
        pages += 1
        ids += [s["ProxySessionId"] for s in page["ProxySessions"]]
        if "NextToken" not in page:
            return ids, pages
        kwargs["NextToken"] = page["NextToken"]


def test_max_results_default_is_100_and_tokens_are_opaque(control: Control, client: Any) -> None:
    _seed(control, 150)
    first = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR)
    assert len(first["ProxySessions"]) == 100
    token = first["NextToken"]
    assert "s-" not in token and CONNECTOR not in token
    second = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, NextToken=token)
    assert len(second["ProxySessions"]) == 50 and "NextToken" not in second
    ids, pages = _all_pages(client, MaxResults=100)
    assert ids == [f"s-{n:03d}" for n in range(150)] and pages == 2


def test_no_token_when_the_page_is_exactly_the_rest(control: Control, client: Any) -> None:
    _seed(control, 10)
    page = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, MaxResults=10)
    assert len(page["ProxySessions"]) == 10 and "NextToken" not in page


def test_status_filter_across_pages(control: Control, client: Any) -> None:
    _seed(control, 90, status=["Open", "InProgress", "Closed"])
    for status in ("Open", "InProgress", "Closed"):
        page = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, Status=status)["ProxySessions"]
        assert len(page) == 30 and {s["Status"] for s in page} == {status}
        ids, _pages = _all_pages(client, Status=status, MaxResults=7)
        assert ids == [s["ProxySessionId"] for s in page]
    closed = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, Status="Closed")["ProxySessions"]
    assert all("EndedTimestamp" in s for s in closed)


def test_pages_stay_consistent_while_sessions_come_and_go(control: Control, client: Any) -> None:
    _seed(control, 200)
    everything = [f"s-{n:03d}" for n in range(200)]
    removed: set[str] = set()
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 30}
    page_number = 0
    while True:
        page = client.list_proxy_sessions(VoiceConnectorId=CONNECTOR, **kwargs)
        seen += [s["ProxySessionId"] for s in page["ProxySessions"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
        page_number += 1
        # Between pages: delete one session already returned and one not yet returned
        # (including the session the token was cut after) ...
        for victim in (seen[-1], everything[min(len(seen) + 5, 199)]):
            if victim not in removed:
                client.delete_proxy_session(VoiceConnectorId=CONNECTOR, ProxySessionId=victim)
                removed.add(victim)
        # ... and add sessions: one created now (sorts last) and one dated before the cursor.
        client.create_proxy_session(
            VoiceConnectorId=CONNECTOR,
            ParticipantPhoneNumbers=[f"+1312555{page_number:04d}", f"+1617555{page_number:04d}"],
            Capabilities=["Voice"],
        )
        control.ok(
            "POST",
            "seed",
            {
                "proxy_sessions": [
                    {
                        "VoiceConnectorId": CONNECTOR,
                        "ProxySessionId": f"early-{page_number}",
                        "CreatedTimestamp": "2023-06-01T00:00:00.000Z",
                        "Capabilities": ["SMS"],
                        "Participants": [],
                    }
                ]
            },
        )
    assert len(seen) == len(set(seen)), "a session was returned twice"
    throughout = [s for s in everything if s not in removed]
    missing = [s for s in throughout if s not in seen]
    assert not missing, f"sessions that existed throughout were skipped: {missing}"
    assert page_number >= 6
