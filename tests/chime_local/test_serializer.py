# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The serializer's shortcuts write exactly what moto's own rest-json serializer writes.

ChimeSDKVoiceSerializer writes plain strings, numbers, booleans, lists of strings and datetimes without moto's
per-member calls (a page of 100 sessions is the endpoint's main cost in the benchmarks). Each case here is
serialized twice: by it, and by moto's RestJSONSerializer with only the millisecond timestamps AWS sends, and the
two bodies must be equal.
"""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import pytest
from chime_local.chimesdkvoice.responses import ChimeSDKVoiceSerializer
from chime_local.chimesdkvoice.responses import service_model
from moto.core.serialize import RestJSONSerializer
from moto.core.serialize import TimestampSerializer


class ReferenceTimestamps(TimestampSerializer):
    """moto's path for every timestamp (its parsing to an aware datetime), with AWS's milliseconds and Z."""

    def _timestamp_iso8601(self, value: datetime) -> str:
        value = value.astimezone(timezone.utc)
        return f"{value.strftime('%Y-%m-%dT%H:%M:%S')}.{value.microsecond // 1000:03d}Z"


class ReferenceSerializer(RestJSONSerializer):
    """moto's rest-json serializer, member by member, as moto ships it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timestamp_serializer = ReferenceTimestamps(self.DEFAULT_TIMESTAMP_FORMAT)


def body(serializer_class: type, operation: str, result: dict[str, Any]) -> Any:
    serializer = serializer_class(service_model().operation_model(operation))
    return json.loads(serializer.serialize(result)["body"])


SESSION = {
    "VoiceConnectorId": "abcdef1ghij2klmno3pqr4",
    "ProxySessionId": "321c35da-04e6-4a50-b5ec-b81d4e9fa0a5",
    "Name": "",
    "Status": "Open",
    "ExpiryMinutes": 60,
    "Capabilities": [],
    "CreatedTimestamp": datetime(2026, 4, 7, 10, 0, 0, 288000, tzinfo=timezone.utc),
    "UpdatedTimestamp": datetime(2026, 4, 7, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2))),
    "EndedTimestamp": datetime(2026, 4, 7, 13, 0, 0),  # naive: UTC
    "Participants": [
        {"PhoneNumber": "+12065550100", "ProxyPhoneNumber": "+12065550199"},
        {"PhoneNumber": "+12065550101"},
    ],
    "NumberSelectionBehavior": "PreferSticky",
    "GeoMatchLevel": "AreaCode",
    "GeoMatchParams": {"Country": "US", "AreaCode": "206"},
}

CASES = [
    (
        "ListProxySessions",
        {"ProxySessions": [SESSION, {**SESSION, "Capabilities": ["Voice", "SMS"]}], "NextToken": "t"},
    ),
    ("ListProxySessions", {"ProxySessions": [], "NextToken": None}),
    ("GetProxySession", {"ProxySession": {**SESSION, "CreatedTimestamp": 1775556000.5, "ExpiryMinutes": 0}}),
    ("GetProxySession", {"ProxySession": {**SESSION, "CreatedTimestamp": "2026-04-07T10:00:00.288Z"}}),
    ("GetProxySession", {"ProxySession": {**SESSION, "Participants": [], "Capabilities": ["SMS"]}}),
    (
        "GetVoiceConnectorProxy",
        {
            "Proxy": {
                "DefaultSessionExpiryMinutes": 60,
                "Disabled": False,
                "FallBackPhoneNumber": None,
                "PhoneNumberCountries": ["US", "CA"],
            }
        },
    ),
]


@pytest.mark.parametrize("operation,result", CASES, ids=[f"{op}-{n}" for n, (op, _r) in enumerate(CASES)])
def test_shortcuts_write_what_moto_writes(operation: str, result: dict[str, Any]) -> None:
    assert body(ChimeSDKVoiceSerializer, operation, result) == body(ReferenceSerializer, operation, result)


def test_timestamps_are_utc_with_milliseconds() -> None:
    session = body(ChimeSDKVoiceSerializer, "GetProxySession", {"ProxySession": SESSION})["ProxySession"]
    assert session["CreatedTimestamp"] == "2026-04-07T10:00:00.288Z"
    assert session["UpdatedTimestamp"] == "2026-04-07T10:00:00.999Z"  # +02:00 in UTC, truncated to milliseconds
    assert session["EndedTimestamp"] == "2026-04-07T13:00:00.000Z"
    assert session["Name"] == "" and session["Capabilities"] == []  # empty values stay on the wire
