# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account and region of the proxy inventory: its connectors, their proxy configuration, numbers and sessions.

Each connector's requests run in one worker, in order (GetVoiceConnectorProxy, ListPhoneNumbers, ListProxySessions),
at most max_concurrency connectors of the account and region at once. As a connector's answers arrive, the worker
turns them into what the reports hold (JSON lines and CSV rows, numbers masked when asked) and lets the service's
dicts go: a region in flight holds text, not objects. Any request that still fails after its retries fails the whole
region: a region is reported whole or not at all.
"""

import csv
import io
import json
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

from .concurrency import run_concurrently
from .masking import mask_phone_number
from .masking import mask_phone_numbers
from .normalize import snake_case_keys
from .phone_numbers import e164
from .phone_numbers import list_voice_connector_phone_numbers
from .proxy_sessions import list_proxy_sessions
from .voice_connector_proxy import get_voice_connector_proxy
from .voice_connectors import list_voice_connectors

SESSION_COLUMNS = [
    "account_id",
    "region",
    "voice_connector_id",
    "voice_connector_name",
    "proxy_session_id",
    "name",
    "status",
    "capabilities",
    "expiry_minutes",
    "created_timestamp",
    "updated_timestamp",
    "ended_timestamp",
    "participant_1",
    "participant_2",
    "proxy_phone_number",
]
NUMBER_COLUMNS = [
    "account_id",
    "region",
    "voice_connector_id",
    "e164_phone_number",
    "status",
    "product_type",
    "proxy_sessions_using",
    "active_proxy_sessions_using",
]
# The statuses of a session that still holds its proxy number.
ACTIVE_STATUSES = frozenset({"Open", "InProgress"})
# Several values in one CSV field (capabilities, a session's proxy numbers) are joined with this.
JOIN = ";"


def csv_text(rows: Iterable[List[Any]]) -> str:
    """Rows as RFC 4180 CSV (the csv module's quoting, CRLF line ends), None as an empty field."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def json_line(value: Any) -> str:
    return json.dumps(value)


@dataclass
class RegionReport:
    """What one account and region adds to the reports, as text, with its summary."""

    account_id: str
    region: str
    summary: Dict[str, Any]
    voice_connectors: List[str] = field(default_factory=list)
    sessions_json: List[str] = field(default_factory=list)
    sessions_csv: List[str] = field(default_factory=list)
    numbers_csv: List[str] = field(default_factory=list)
    sessions: Optional[List[Dict[str, Any]]] = None


@dataclass
class ConnectorPart:
    connector: str
    sessions_json: List[str]
    sessions_csv: str
    numbers_csv: str
    by_status: Dict[str, int]
    sessions: Optional[List[Dict[str, Any]]]
    has_proxy: bool
    phone_numbers: int


def _session_row(account_id: str, region: str, vc_name: str, s: Dict[str, Any], mask: bool) -> List[Any]:
    participants = s.get("Participants") or []
    numbers = [p.get("PhoneNumber") for p in participants[:2]] + [None] * (2 - min(len(participants), 2))
    proxies = list(dict.fromkeys(p["ProxyPhoneNumber"] for p in participants if p.get("ProxyPhoneNumber")))
    if mask:
        numbers = [mask_phone_number(n) for n in numbers]
        proxies = [mask_phone_number(n) for n in proxies]
    return [
        account_id,
        region,
        s.get("VoiceConnectorId"),
        vc_name,
        s.get("ProxySessionId"),
        s.get("Name"),
        s.get("Status"),
        JOIN.join(s.get("Capabilities") or []),
        s.get("ExpiryMinutes"),
        s.get("CreatedTimestamp"),
        s.get("UpdatedTimestamp"),
        s.get("EndedTimestamp"),
        numbers[0],
        numbers[1],
        JOIN.join(proxies),
    ]


def connector_part(
    client: Any,
    account_id: str,
    region: str,
    connector: Dict[str, Any],
    statuses: List[str],
    mask: bool,
    keep_sessions: bool,
    text: bool = True,
) -> ConnectorPart:
    """One connector's requests, in order, and what they add to the reports (text: the files' JSON and CSV, only
    made when there are files to write)."""
    vc_id = connector["VoiceConnectorId"]
    proxy = get_voice_connector_proxy(client, vc_id) or {}
    numbers = list_voice_connector_phone_numbers(client, vc_id)
    sessions = list_proxy_sessions(client, vc_id)

    vc_name = connector.get("Name")
    by_status = {status: 0 for status in statuses}
    using: Dict[str, int] = {}
    active: Dict[str, int] = {}
    rows = []
    sessions_json = []
    kept = [] if keep_sessions else None
    for raw in sessions:
        status = raw.get("Status")
        by_status[status] = by_status.get(status, 0) + 1
        # Counted in one form: the model's number patterns let the "+" be left out, on either side.
        for number in dict.fromkeys(
            e164(p["ProxyPhoneNumber"]) for p in raw.get("Participants") or [] if p.get("ProxyPhoneNumber")
        ):
            using[number] = using.get(number, 0) + 1
            if status in ACTIVE_STATUSES:
                active[number] = active.get(number, 0) + 1
        if not text and kept is None:
            continue
        session = snake_case_keys(raw)
        if mask:
            session = mask_phone_numbers(session)
        if text:
            rows.append(_session_row(account_id, region, vc_name, raw, mask))
            sessions_json.append(json_line(session))
        if kept is not None:
            kept.append({"account_id": account_id, "region": region, **session})

    number_rows = []
    for number in numbers if text else []:
        listed = number.get("E164PhoneNumber")
        same = e164(listed or "")
        number_rows.append(
            [
                account_id,
                region,
                vc_id,
                mask_phone_number(listed) if mask else listed,
                number.get("Status"),
                number.get("ProductType"),
                using.get(same, 0),
                active.get(same, 0),
            ]
        )
    doc = {**snake_case_keys(connector), "proxy": snake_case_keys(proxy), "phone_numbers": snake_case_keys(numbers)}
    return ConnectorPart(
        connector=json_line(mask_phone_numbers(doc) if mask else doc) if text else "",
        sessions_json=sessions_json,
        sessions_csv=csv_text(rows),
        numbers_csv=csv_text(number_rows),
        by_status=by_status,
        sessions=kept,
        has_proxy=bool(proxy),
        phone_numbers=len(numbers),
    )


def gather_region(
    client: Any,
    account_id: str,
    region: str,
    statuses: List[str],
    max_concurrency: int,
    mask: bool,
    keep_sessions: bool = False,
    text: bool = True,
    on_connectors: Optional[Callable[[int], None]] = None,
) -> RegionReport:
    """Every connector of the client's region with its proxy configuration, numbers and sessions.

    on_connectors(count), when given, is told how many connectors the region has as soon as they are listed.
    Raises AnsibleChimeError when any request of the region still fails after its retries: nothing of it is kept.
    """
    connectors = list(
        {vc["VoiceConnectorId"]: vc for vc in list_voice_connectors(client)}.values()
    )  # each connector once, in the service's order
    if on_connectors is not None:
        on_connectors(len(connectors))
    parts = run_concurrently(
        lambda vc: connector_part(client, account_id, region, vc, statuses, mask, keep_sessions, text),
        connectors,
        max_concurrency,
    )
    by_status = {status: 0 for status in statuses}
    for part in parts:
        for status, count in part.by_status.items():
            by_status[status] = by_status.get(status, 0) + count
    summary = {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "voice_connectors_scanned": len(parts),
        "voice_connectors_with_proxy": sum(part.has_proxy for part in parts),
        "phone_numbers": sum(part.phone_numbers for part in parts),
    }
    report = RegionReport(account_id, region, summary)
    for part in parts:
        report.voice_connectors.append(part.connector)
        report.sessions_json.extend(part.sessions_json)
        report.sessions_csv.append(part.sessions_csv)
        report.numbers_csv.append(part.numbers_csv)
    if keep_sessions:
        report.sessions = [s for part in parts for s in part.sessions or []]
    return report
