# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client-side filters and the summary of proxy session listings (the service itself filters only by Status).

Sessions here are in the modules' snake_case form (normalize_proxy_session).
"""

import datetime
import re
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

# An ISO 8601 date or date-time: 2026-04-07, 2026-04-07T10:00, 2026-04-07T10:00:00.123Z, 2026-04-07 10:00:00+02:00.
_ISO8601 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)


def parse_iso8601(value: Any) -> datetime.datetime:
    """An aware datetime from an ISO 8601 date or date-time (no zone means UTC), or epoch seconds.

    Raises ValueError with the rule when the value is neither.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    match = _ISO8601.fullmatch(str(value).strip())
    if match is None:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS[.fff]][zone])")
    parts = match.groupdict()
    zone = parts["zone"]
    if not zone or zone in ("Z", "z"):
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = datetime.timezone(sign * offset)
    fraction = (parts["fraction"] or "0")[:6].ljust(6, "0")
    try:
        return datetime.datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=tz,
        )
    except ValueError as e:
        raise ValueError(f"is not a valid date or time ({e})") from e


def timestamp_violations(params: Dict[str, Any], options: Iterable[str]) -> List[str]:
    """One message per date option that is not ISO 8601, naming the option and the rule."""
    errors = []
    for option in options:
        value = params.get(option)
        if value is None:
            continue
        try:
            parse_iso8601(value)
        except ValueError as e:
            errors.append(f"{option} {e}, got {value!r}")
    if not errors and params.get("created_after") and params.get("created_before"):
        if parse_iso8601(params["created_after"]) >= parse_iso8601(params["created_before"]):
            errors.append("created_after must be earlier than created_before")
    return errors


def _same_number(a: Optional[str], b: str) -> bool:
    """E.164 numbers compared with or without the leading '+' (the model's pattern allows both)."""
    return a is not None and a.lstrip("+") == b.lstrip("+")


class SessionFilter:
    """The filters of a task, combined with AND; a filter left unset lets every session through."""

    def __init__(
        self,
        participant_phone_number: Optional[str] = None,
        proxy_phone_number: Optional[str] = None,
        capability: Optional[str] = None,
        created_after: Optional[str] = None,
        created_before: Optional[str] = None,
    ) -> None:
        self.participant_phone_number = participant_phone_number
        self.proxy_phone_number = proxy_phone_number
        self.capability = capability
        self.created_after = parse_iso8601(created_after) if created_after else None
        self.created_before = parse_iso8601(created_before) if created_before else None

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (
                self.participant_phone_number,
                self.proxy_phone_number,
                self.capability,
                self.created_after,
                self.created_before,
            )
        )

    def matches(self, session: Dict[str, Any]) -> bool:
        participants = session.get("participants") or []
        if self.participant_phone_number is not None and not any(
            _same_number(p.get("phone_number"), self.participant_phone_number) for p in participants
        ):
            return False
        if self.proxy_phone_number is not None and not any(
            _same_number(p.get("proxy_phone_number"), self.proxy_phone_number) for p in participants
        ):
            return False
        if self.capability is not None and self.capability not in (session.get("capabilities") or []):
            return False
        if self.created_after is not None or self.created_before is not None:
            created = session.get("created_timestamp")
            if created is None:
                return False  # a session without a creation time cannot be shown to be in the window
            try:
                when = parse_iso8601(created)
            except ValueError:
                return False
            if self.created_after is not None and when < self.created_after:
                return False
            if self.created_before is not None and when >= self.created_before:
                return False
        return True

    def apply(self, sessions: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
        if not self.active:
            return list(sessions)
        return [s for s in sessions if self.matches(s)]


def summarize(sessions_by_connector: Dict[str, List[Dict[str, Any]]], statuses: Iterable[str]) -> Dict[str, Any]:
    """total, by_status (every status of the model as a key, zero included), by_voice_connector (every connector
    scanned, zero included, in the order scanned) and voice_connectors_scanned."""
    by_status = {status: 0 for status in statuses}
    total = 0
    for sessions in sessions_by_connector.values():
        for session in sessions:
            status = session.get("status")
            by_status[status] = by_status.get(status, 0) + 1
            total += 1
    return {
        "total": total,
        "by_status": by_status,
        "by_voice_connector": {vc: len(sessions) for vc, sessions in sessions_by_connector.items()},
        "voice_connectors_scanned": len(sessions_by_connector),
    }
