# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ChimeSDKVoiceBackend: voice connectors, proxy configuration and proxy sessions.

Besides the API operations the backend can load *seed data* (plain dicts, see
``load_seed``).  Seeds registered with ``register_seed`` are applied to every
backend instance when moto creates it (lazily, per account and region) and again
after a reset, so a seeded connector is visible from any account/region its
``account``/``region`` scope allows ("*" by default).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import json
import string
import threading
from collections import Counter
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from typing import Iterable
from typing import Iterator

from moto.core.base_backend import BackendDict
from moto.core.base_backend import BaseBackend
from moto.core.common_models import BaseModel
from moto.moto_api._internal import mock_random

from .exceptions import BadRequestException
from .exceptions import NotFoundException
from .exceptions import service_model

DEFAULT_MAX_RESULTS = 100
WILDCARD = "*"
ACTIVE_STATUSES = ("Open", "InProgress")

# Country calling codes for the proxy number pools.  Unknown countries fall back to +1.
CALLING_CODES = {
    "US": "1",
    "CA": "1",
    "PR": "1",
    "GB": "44",
    "IE": "353",
    "DE": "49",
    "FR": "33",
    "ES": "34",
    "IT": "39",
    "NL": "31",
    "SE": "46",
    "AU": "61",
    "NZ": "64",
    "JP": "81",
    "KR": "82",
    "SG": "65",
    "IN": "91",
    "MX": "52",
    "BR": "55",
}
NANP_COUNTRIES = {"US", "CA", "PR"}
# First area codes tried for North American pools (913 is the AWS example's proxy number).
NANP_AREA_CODES = ("913", "206", "312", "415", "512", "617", "702", "818", "929", "971")

_SEEDS: list[dict[str, Any]] = []
_SEEDS_LOCK = threading.Lock()


def register_seed(seed: dict[str, Any]) -> None:
    """Register seed data applied to every backend instance on creation and reset."""
    with _SEEDS_LOCK:
        _SEEDS.append(copy.deepcopy(seed))


def clear_seeds() -> None:
    with _SEEDS_LOCK:
        _SEEDS.clear()


def registered_seeds() -> list[dict[str, Any]]:
    with _SEEDS_LOCK:
        return list(_SEEDS)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso8601_ms(value: datetime) -> str:
    """Format like AWS: ``2020-04-15T16:10:10.288Z`` (UTC, milliseconds)."""
    value = value.astimezone(timezone.utc)
    return f"{value.strftime('%Y-%m-%dT%H:%M:%S')}.{value.microsecond // 1000:03d}Z"


def parse_timestamp(value: Any) -> datetime:
    """Accept a datetime (naive means UTC), an ISO 8601 string or epoch seconds."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z") or text.endswith("z"):
            text = f"{text[:-1]}+00:00"
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise ValueError(f"not a timestamp: {value!r}")


def encode_token(created: datetime, ident: str) -> str:
    """Opaque pagination token: the sort key of the last item returned."""
    raw = json.dumps([created.isoformat(), ident], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        created, ident = json.loads(raw)
        return parse_timestamp(created), str(ident)
    except (binascii.Error, ValueError, TypeError) as err:
        raise BadRequestException("Invalid NextToken.") from err


def seed_phone_number(value: Any) -> str:
    """Seed phone numbers: YAML reads an unquoted +12065550100 as the integer 12065550100."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"+{value}"
    return str(value)


def random_voice_connector_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(mock_random.choice(alphabet) for _attempt in range(22))


def _voice_connector_regions() -> list[str]:
    return list(service_model().shape_for("VoiceConnectorAwsRegion").enum)


def _in_scope(scope: Any, value: str) -> bool:
    if scope is None or scope == WILDCARD:
        return True
    if isinstance(scope, (list, tuple, set)):
        return value in scope or WILDCARD in scope
    return str(scope) == value


class VoiceConnector(BaseModel):
    """A voice connector (only what the proxy operations need)."""

    def __init__(
        self,
        account_id: str,
        region_name: str,
        voice_connector_id: str,
        name: str,
        aws_region: str,
        require_encryption: bool = True,
        created: datetime | None = None,
        updated: datetime | None = None,
        integration_type: str | None = None,
        network_type: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> None:
        self.voice_connector_id = voice_connector_id
        self.name = name
        self.aws_region = aws_region
        self.require_encryption = require_encryption
        self.created = created or utcnow()
        self.updated = updated or self.created
        self.integration_type = integration_type
        self.network_type = network_type
        self.tags = tags or []
        self.arn = f"arn:aws:chime:{region_name}:{account_id}:vc/{voice_connector_id}"

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.created, self.voice_connector_id)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "VoiceConnectorId": self.voice_connector_id,
            "AwsRegion": self.aws_region,
            "Name": self.name,
            "OutboundHostName": f"{self.voice_connector_id}.voiceconnector.chime.aws",
            "RequireEncryption": self.require_encryption,
            "CreatedTimestamp": iso8601_ms(self.created),
            "UpdatedTimestamp": iso8601_ms(self.updated),
            "VoiceConnectorArn": self.arn,
        }
        if self.integration_type:
            result["IntegrationType"] = self.integration_type
        if self.network_type:
            result["NetworkType"] = self.network_type
        return result


class ProxyConfig:
    """The proxy configuration of one voice connector."""

    def __init__(
        self,
        default_session_expiry_minutes: int,
        phone_number_countries: list[str],
        fall_back_phone_number: str | None = None,
        disabled: bool = False,
    ) -> None:
        self.default_session_expiry_minutes = default_session_expiry_minutes
        self.phone_number_countries = list(phone_number_countries)
        self.fall_back_phone_number = fall_back_phone_number
        self.disabled = disabled

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "DefaultSessionExpiryMinutes": self.default_session_expiry_minutes,
            "Disabled": self.disabled,
            "PhoneNumberCountries": list(self.phone_number_countries),
        }
        if self.fall_back_phone_number:
            result["FallBackPhoneNumber"] = self.fall_back_phone_number
        return result


class ProxySession:
    """One proxy session.  A plain class (not BaseModel): benchmarks seed 10,000 of them
    and BaseModel keeps every instance ever created in a class-level list."""

    __slots__ = (
        "voice_connector_id",
        "proxy_session_id",
        "name",
        "status",
        "expiry_minutes",
        "capabilities",
        "created",
        "updated",
        "ended",
        "participants",
        "number_selection_behavior",
        "geo_match_level",
        "geo_match_params",
    )

    def __init__(
        self,
        voice_connector_id: str,
        proxy_session_id: str,
        status: str,
        expiry_minutes: int | None,
        capabilities: list[str],
        participants: list[tuple[str, str]],
        created: datetime,
        updated: datetime | None = None,
        ended: datetime | None = None,
        name: str | None = None,
        number_selection_behavior: str | None = None,
        geo_match_level: str | None = None,
        geo_match_params: dict[str, str] | None = None,
    ) -> None:
        self.voice_connector_id = voice_connector_id
        self.proxy_session_id = proxy_session_id
        self.name = name
        self.status = status
        self.expiry_minutes = expiry_minutes
        self.capabilities = list(capabilities)
        self.created = created
        self.updated = updated or created
        self.ended = ended
        self.participants = list(participants)
        self.number_selection_behavior = number_selection_behavior
        self.geo_match_level = geo_match_level
        self.geo_match_params = geo_match_params

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.created, self.proxy_session_id)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "VoiceConnectorId": self.voice_connector_id,
            "ProxySessionId": self.proxy_session_id,
        }
        if self.name is not None:
            result["Name"] = self.name
        result["Status"] = self.status
        if self.expiry_minutes is not None:
            result["ExpiryMinutes"] = self.expiry_minutes
        result["Capabilities"] = list(self.capabilities)
        result["CreatedTimestamp"] = iso8601_ms(self.created)
        result["UpdatedTimestamp"] = iso8601_ms(self.updated)
        if self.ended is not None:
            result["EndedTimestamp"] = iso8601_ms(self.ended)
        result["Participants"] = [{"PhoneNumber": p, "ProxyPhoneNumber": x} for p, x in self.participants]
        if self.number_selection_behavior is not None:
            result["NumberSelectionBehavior"] = self.number_selection_behavior
        if self.geo_match_level is not None:
            result["GeoMatchLevel"] = self.geo_match_level
        if self.geo_match_params is not None:
            result["GeoMatchParams"] = dict(self.geo_match_params)
        return result


class ChimeSDKVoiceBackend(BaseBackend):
    """Implementation of the Chime SDK Voice proxy APIs (and the voice connectors they need)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.voice_connectors: dict[str, VoiceConnector] = {}
        self.proxies: dict[str, ProxyConfig] = {}
        self.proxy_sessions: dict[str, dict[str, ProxySession]] = {}
        # Per connector, the (created, id) sort keys in order: pagination walks this list.
        self._session_order: dict[str, list[tuple[datetime, str]]] = {}
        # (connector, participant number) -> proxy numbers held by that participant's active sessions.
        self._numbers_in_use: dict[tuple[str, str], Counter[str]] = {}
        # (connector, participants) -> the proxy number of their latest session (stickiness).
        self._sticky: dict[tuple[str, frozenset[str]], str] = {}
        for seed in registered_seeds():
            self.load_seed(seed)

    # ------------------------------------------------------------------ helpers
    def _connector(self, voice_connector_id: str) -> VoiceConnector:
        try:
            return self.voice_connectors[voice_connector_id]
        except KeyError:
            raise NotFoundException(f"Voice connector {voice_connector_id} not found.") from None

    def _session(self, voice_connector_id: str, proxy_session_id: str) -> ProxySession:
        self._connector(voice_connector_id)
        try:
            return self.proxy_sessions[voice_connector_id][proxy_session_id]
        except KeyError:
            raise NotFoundException(
                f"Proxy session {proxy_session_id} not found on voice connector {voice_connector_id}."
            ) from None

    def _report_region(self) -> str:
        regions = _voice_connector_regions()
        return self.region_name if self.region_name in regions else "us-east-1"

    def _hold_numbers(self, session: ProxySession, delta: int) -> None:
        for participant, proxy in session.participants:
            key = (session.voice_connector_id, participant)
            counter = self._numbers_in_use.setdefault(key, Counter())
            counter[proxy] += delta
            if counter[proxy] <= 0:
                del counter[proxy]
            if not counter:
                del self._numbers_in_use[key]

    def _store_session(self, session: ProxySession) -> None:
        sessions = self.proxy_sessions.setdefault(session.voice_connector_id, {})
        if session.proxy_session_id in sessions:
            self._remove_session(sessions[session.proxy_session_id])
        sessions[session.proxy_session_id] = session
        order = self._session_order.setdefault(session.voice_connector_id, [])
        key = session.sort_key
        if not order or order[-1] < key:
            order.append(key)
        else:
            bisect.insort(order, key)
        if session.active:
            self._hold_numbers(session, 1)
        if session.participants:
            self._sticky[(session.voice_connector_id, frozenset(p for p, _proxy in session.participants))] = (
                session.participants[0][1]
            )

    def _remove_session(self, session: ProxySession) -> None:
        del self.proxy_sessions[session.voice_connector_id][session.proxy_session_id]
        order = self._session_order[session.voice_connector_id]
        index = bisect.bisect_left(order, session.sort_key)
        if index < len(order) and order[index] == session.sort_key:
            del order[index]
        if session.active:
            self._hold_numbers(session, -1)

    def _pool(self, country: str, area_code: str | None = None) -> Iterator[str]:
        """Proxy numbers of one country's pool, in a fixed order (fictional 555-01XX numbers for NANP)."""
        code = CALLING_CODES.get(country, "1")
        if country in NANP_COUNTRIES or code == "1":
            area_codes: Iterable[str] = (area_code,) if area_code else NANP_AREA_CODES
            for area in area_codes:
                for line in range(199, 99, -1):
                    yield f"+1{area}5550{line:03d}"
            return
        for line in range(1000):
            yield f"+{code}5550{line:04d}"

    def _allocate_proxy_number(
        self,
        voice_connector_id: str,
        participants: list[str],
        config: ProxyConfig,
        number_selection_behavior: str | None,
        geo_match_level: str | None,
        geo_match_params: dict[str, str] | None,
    ) -> str:
        countries = list(config.phone_number_countries)
        area_code = None
        if geo_match_level and geo_match_params:
            wanted = geo_match_params.get("Country") or ""
            if wanted and wanted not in countries:
                raise BadRequestException(
                    f"GeoMatchParams country {wanted} is not in the proxy phone number pool countries {countries}."
                )
            if wanted:
                countries = [wanted]
            if geo_match_level == "AreaCode":
                area_code = geo_match_params.get("AreaCode") or None
        busy: set[str] = set()
        for participant in participants:
            busy.update(self._numbers_in_use.get((voice_connector_id, participant), {}))
        sticky = self._sticky.get((voice_connector_id, frozenset(participants)))
        if number_selection_behavior == "PreferSticky" and sticky and sticky not in busy:
            return sticky
        avoid = {sticky} if number_selection_behavior == "AvoidSticky" and sticky else set()
        fallback = None
        for country in countries:
            for number in self._pool(country, area_code):
                if number in busy:
                    continue
                if number in avoid:
                    fallback = fallback or number
                    continue
                return number
        if fallback:
            return fallback
        raise BadRequestException("No proxy phone number is available for these participants.")

    def _page(
        self,
        order: list[tuple[datetime, str]],
        lookup: Any,
        next_token: str | None,
        max_results: int | None,
        keep: Any = None,
    ) -> tuple[list[Any], str | None]:
        """Return one page after the token's sort key; the token survives inserts and deletes."""
        limit = min(max_results or DEFAULT_MAX_RESULTS, DEFAULT_MAX_RESULTS)
        start = bisect.bisect_right(order, decode_token(next_token)) if next_token else 0
        page: list[Any] = []
        last_key = None
        for key in order[start:]:
            item = lookup(key[1])
            if keep is not None and not keep(item):
                continue
            if len(page) == limit:
                return page, encode_token(*last_key)  # type: ignore[misc]
            page.append(item)
            last_key = key
        return page, None

    # ---------------------------------------------------------- voice connectors
    def create_voice_connector(
        self,
        name: str,
        require_encryption: bool,
        aws_region: str | None = None,
        integration_type: str | None = None,
        network_type: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> VoiceConnector:
        with self.lock:
            voice_connector_id = random_voice_connector_id()
            while voice_connector_id in self.voice_connectors:
                voice_connector_id = random_voice_connector_id()
            connector = VoiceConnector(
                account_id=self.account_id,
                region_name=self.region_name,
                voice_connector_id=voice_connector_id,
                name=name,
                aws_region=aws_region or self._report_region(),
                require_encryption=require_encryption,
                integration_type=integration_type,
                network_type=network_type,
                tags=tags,
            )
            self.voice_connectors[voice_connector_id] = connector
            return connector

    def get_voice_connector(self, voice_connector_id: str) -> VoiceConnector:
        with self.lock:
            return self._connector(voice_connector_id)

    def list_voice_connectors(
        self, next_token: str | None = None, max_results: int | None = None
    ) -> tuple[list[VoiceConnector], str | None]:
        with self.lock:
            order = sorted(c.sort_key for c in self.voice_connectors.values())
            return self._page(order, self.voice_connectors.__getitem__, next_token, max_results)

    def delete_voice_connector(self, voice_connector_id: str) -> None:
        with self.lock:
            self._connector(voice_connector_id)
            for session in list(self.proxy_sessions.get(voice_connector_id, {}).values()):
                self._remove_session(session)
            self.proxy_sessions.pop(voice_connector_id, None)
            self._session_order.pop(voice_connector_id, None)
            self.proxies.pop(voice_connector_id, None)
            self._sticky = {k: v for k, v in self._sticky.items() if k[0] != voice_connector_id}
            del self.voice_connectors[voice_connector_id]

    # --------------------------------------------------------------------- proxy
    def put_voice_connector_proxy(
        self,
        voice_connector_id: str,
        default_session_expiry_minutes: int,
        phone_number_pool_countries: list[str],
        fall_back_phone_number: str | None = None,
        disabled: bool | None = None,
    ) -> ProxyConfig:
        with self.lock:
            self._connector(voice_connector_id)
            config = ProxyConfig(
                default_session_expiry_minutes=default_session_expiry_minutes,
                phone_number_countries=phone_number_pool_countries,
                fall_back_phone_number=fall_back_phone_number,
                disabled=bool(disabled),
            )
            self.proxies[voice_connector_id] = config
            return config

    def get_voice_connector_proxy(self, voice_connector_id: str) -> ProxyConfig:
        with self.lock:
            self._connector(voice_connector_id)
            try:
                return self.proxies[voice_connector_id]
            except KeyError:
                raise NotFoundException(
                    f"Proxy configuration not found for voice connector {voice_connector_id}."
                ) from None

    def delete_voice_connector_proxy(self, voice_connector_id: str) -> None:
        with self.lock:
            self.get_voice_connector_proxy(voice_connector_id)
            del self.proxies[voice_connector_id]

    # ------------------------------------------------------------ proxy sessions
    def create_proxy_session(
        self,
        voice_connector_id: str,
        participant_phone_numbers: list[str],
        capabilities: list[str],
        name: str | None = None,
        expiry_minutes: int | None = None,
        number_selection_behavior: str | None = None,
        geo_match_level: str | None = None,
        geo_match_params: dict[str, str] | None = None,
    ) -> ProxySession:
        with self.lock:
            self._connector(voice_connector_id)
            config = self.proxies.get(voice_connector_id)
            if config is None:
                raise BadRequestException(f"Proxy is not configured on voice connector {voice_connector_id}.")
            if config.disabled:
                raise BadRequestException(f"Proxy is disabled on voice connector {voice_connector_id}.")
            if participant_phone_numbers[0] == participant_phone_numbers[1]:
                raise BadRequestException("The two participant phone numbers must be different.")
            if geo_match_level and not geo_match_params:
                raise BadRequestException("GeoMatchParams is required when GeoMatchLevel is set.")
            proxy_number = self._allocate_proxy_number(
                voice_connector_id,
                participant_phone_numbers,
                config,
                number_selection_behavior,
                geo_match_level,
                geo_match_params,
            )
            now = utcnow()
            session_id = str(mock_random.uuid4())
            session = ProxySession(
                voice_connector_id=voice_connector_id,
                proxy_session_id=session_id,
                name=name,
                status="Open",
                expiry_minutes=expiry_minutes or config.default_session_expiry_minutes,
                capabilities=capabilities,
                participants=[(number, proxy_number) for number in participant_phone_numbers],
                created=now,
                number_selection_behavior=number_selection_behavior,
                geo_match_level=geo_match_level,
                geo_match_params=dict(geo_match_params) if geo_match_params else None,
            )
            self._store_session(session)
            return session

    def get_proxy_session(self, voice_connector_id: str, proxy_session_id: str) -> ProxySession:
        with self.lock:
            return self._session(voice_connector_id, proxy_session_id)

    def list_proxy_sessions(
        self,
        voice_connector_id: str,
        status: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[ProxySession], str | None]:
        with self.lock:
            self._connector(voice_connector_id)
            sessions = self.proxy_sessions.get(voice_connector_id, {})
            order = self._session_order.get(voice_connector_id, [])
            keep = (lambda s: s.status == status) if status else None
            return self._page(order, sessions.__getitem__, next_token, max_results, keep)

    def update_proxy_session(
        self,
        voice_connector_id: str,
        proxy_session_id: str,
        capabilities: list[str],
        expiry_minutes: int | None = None,
    ) -> ProxySession:
        with self.lock:
            session = self._session(voice_connector_id, proxy_session_id)
            if session.status == "Closed":
                raise BadRequestException(f"Proxy session {proxy_session_id} is closed.")
            session.capabilities = list(capabilities)
            if expiry_minutes is not None:
                session.expiry_minutes = expiry_minutes
            session.updated = max(utcnow(), session.updated + timedelta(milliseconds=1))
            return session

    def delete_proxy_session(self, voice_connector_id: str, proxy_session_id: str) -> None:
        """AWS: "Deletes the specified proxy session" - the session is removed (later Gets return 404)."""
        with self.lock:
            self._remove_session(self._session(voice_connector_id, proxy_session_id))

    # -------------------------------------------------------------------- seeds
    def load_seed(self, seed: dict[str, Any]) -> dict[str, int]:
        """Apply seed data (see tools/chime_local/README.md); existing ids are replaced."""
        counts = {"voice_connectors": 0, "proxy_sessions": 0}
        with self.lock:
            for item in seed.get("voice_connectors") or []:
                if not (
                    _in_scope(item.get("account"), self.account_id) and _in_scope(item.get("region"), self.region_name)
                ):
                    continue
                connector_id = self._seed_connector(item)
                counts["voice_connectors"] += 1
                for session in item.get("ProxySessions") or []:
                    self._seed_session(connector_id, session)
                    counts["proxy_sessions"] += 1
            for session in seed.get("proxy_sessions") or []:
                if session.get("VoiceConnectorId") in self.voice_connectors:
                    self._seed_session(session["VoiceConnectorId"], session)
                    counts["proxy_sessions"] += 1
            for spec in seed.get("generate") or []:
                counts["proxy_sessions"] += self._generate_sessions(spec)
        return counts

    def _seed_connector(self, item: dict[str, Any]) -> str:
        connector_id = str(item["VoiceConnectorId"])
        created = parse_timestamp(item["CreatedTimestamp"]) if item.get("CreatedTimestamp") else utcnow()
        connector = VoiceConnector(
            account_id=self.account_id,
            region_name=self.region_name,
            voice_connector_id=connector_id,
            name=str(item.get("Name", connector_id)),
            aws_region=str(item.get("AwsRegion") or self._report_region()),
            require_encryption=bool(item.get("RequireEncryption", True)),
            created=created,
            updated=parse_timestamp(item["UpdatedTimestamp"]) if item.get("UpdatedTimestamp") else created,
            integration_type=item.get("IntegrationType"),
            network_type=item.get("NetworkType"),
        )
        self.voice_connectors[connector_id] = connector
        proxy = item.get("Proxy")
        if proxy:
            self.proxies[connector_id] = ProxyConfig(
                default_session_expiry_minutes=int(proxy.get("DefaultSessionExpiryMinutes", 60)),
                phone_number_countries=list(
                    proxy.get("PhoneNumberPoolCountries") or proxy.get("PhoneNumberCountries") or ["US"]
                ),
                fall_back_phone_number=(
                    seed_phone_number(proxy["FallBackPhoneNumber"]) if proxy.get("FallBackPhoneNumber") else None
                ),
                disabled=bool(proxy.get("Disabled", False)),
            )
        return connector_id

    def _seed_session(self, connector_id: str, item: dict[str, Any]) -> None:
        created = parse_timestamp(item["CreatedTimestamp"]) if item.get("CreatedTimestamp") else utcnow()
        updated = parse_timestamp(item["UpdatedTimestamp"]) if item.get("UpdatedTimestamp") else created
        status = str(item.get("Status", "Open"))
        ended = parse_timestamp(item["EndedTimestamp"]) if item.get("EndedTimestamp") else None
        if status == "Closed" and ended is None:
            ended = updated
        participants = [
            (seed_phone_number(p["PhoneNumber"]), seed_phone_number(p["ProxyPhoneNumber"]))
            for p in item.get("Participants") or []
        ]
        session = ProxySession(
            voice_connector_id=connector_id,
            proxy_session_id=str(item["ProxySessionId"]),
            name=item.get("Name"),
            status=status,
            expiry_minutes=item.get("ExpiryMinutes"),
            capabilities=list(item.get("Capabilities") or []),
            participants=participants,
            created=created,
            updated=updated,
            ended=ended,
            number_selection_behavior=item.get("NumberSelectionBehavior"),
            geo_match_level=item.get("GeoMatchLevel"),
            geo_match_params=dict(item["GeoMatchParams"]) if item.get("GeoMatchParams") else None,
        )
        self._store_session(session)

    def _generate_sessions(self, spec: dict[str, Any]) -> int:
        """Generate ``count`` sessions with predictable ids ``id_prefix + zero-padded number``."""
        connector_id = str(spec["voice_connector_id"])
        if connector_id not in self.voice_connectors:
            return 0
        count = int(spec["count"])
        start = int(spec.get("start", 0))
        width = int(spec.get("width", len(str(start + count - 1))))
        prefix = str(spec.get("id_prefix", "session-"))
        statuses = spec.get("status", "Open")
        statuses = [statuses] if isinstance(statuses, str) else list(statuses)
        capabilities = list(spec.get("capabilities") or ["Voice", "SMS"])
        expiry = int(spec.get("expiry_minutes", 60))
        base = parse_timestamp(spec["created"]) if spec.get("created") else utcnow()
        step = timedelta(milliseconds=float(spec.get("step_ms", 1)))
        config = self.proxies.get(connector_id)
        countries = config.phone_number_countries if config else ["US"]
        proxy_number = next(self._pool(countries[0]))
        for offset in range(count):
            number = start + offset
            status = statuses[offset % len(statuses)]
            created = base + step * offset
            self._store_session(
                ProxySession(
                    voice_connector_id=connector_id,
                    proxy_session_id=f"{prefix}{number:0{width}d}",
                    status=status,
                    expiry_minutes=expiry,
                    capabilities=capabilities,
                    participants=[
                        (f"+1206{number % 10**7:07d}", proxy_number),
                        (f"+1401{number % 10**7:07d}", proxy_number),
                    ],
                    created=created,
                    ended=created if status == "Closed" else None,
                )
            )
        return count


chimesdkvoice_backends = BackendDict(ChimeSDKVoiceBackend, "chime-sdk-voice")
