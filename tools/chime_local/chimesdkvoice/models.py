# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ChimeSDKVoiceBackend: voice connectors, their proxy configuration, proxy sessions and phone numbers.

Model objects render themselves with ``to_dict()`` (members named as in the service model,
timestamps as datetimes: the serializer formats them).  Every time the backend reads comes
from ``clock.now()``.  A session whose ``ExpiryMinutes`` have passed since its creation is
closed when it is next read (``EndedTimestamp`` = creation + ExpiryMinutes); sessions loaded
from seed data with an explicit ``Status`` keep it.  Seed data is applied by ``seeding.py``.
"""

from __future__ import annotations

import bisect
import string
import threading
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Iterator

from botocore.paginate import TokenDecoder
from moto.core.base_backend import BackendDict
from moto.core.base_backend import BaseBackend
from moto.core.common_models import BaseModel
from moto.core.exceptions import InvalidToken
from moto.core.utils import get_service_model
from moto.moto_api._internal import mock_random
from moto.utilities.paginator import paginate

from . import clock
from .exceptions import BadRequestException
from .exceptions import ConflictException
from .exceptions import NotFoundException

DEFAULT_MAX_RESULTS = 100
# DeletePhoneNumber's documentation: deleted numbers "remain in the Deletion queue for 7 days before they are deleted
# permanently". The queue runs on the backend's clock (clock.now()).
DELETION_QUEUE = timedelta(days=7)
# AWS's model has both DeleteInProgress and ReleaseInProgress among the PhoneNumberStatus values and AWS does not say
# which a queued number reads. A number is queued when it has a DeletionTimestamp; the status it then reads is the
# backend's deletion_queue_status, DeleteInProgress unless a seed's settings say otherwise (seeding.py).
DEFAULT_DELETION_QUEUE_STATUS = "DeleteInProgress"
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

# moto's paginator; ``page_key`` sorts like (created, id) and never contains "|", moto 5.2.5's separator.
PAGINATION_MODEL = {
    name: {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": DEFAULT_MAX_RESULTS,
        "unique_attribute": "page_key",
    }
    for name in ("_voice_connector_page", "_proxy_session_page", "_phone_number_page")
}


def page_key(created: datetime, ident: str) -> str:
    """Sort key as text: fixed-width UTC time, then the id in hex (byte order, no separator clash)."""
    return f"{created.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}~{ident.encode().hex()}"


def token_page_key(token: str | None) -> str | None:
    """The ``page_key`` a NextToken of moto's paginator points at; BadRequestException for anything else.

    moto's own decoder would let a forged token through to an AttributeError, a KeyError or a
    RecursionError; this refuses it first. moto up to 5.2.5 writes the key as text, 5.2.6 and later
    as a list of one (``uniqueAttributes`` of a single attribute); both are read.
    """
    if token is None:
        return None
    try:
        decoded = TokenDecoder().decode(token)
        key = decoded.get("uniqueAttributes") if isinstance(decoded, dict) else None
    except Exception:  # pylint: disable=broad-exception-caught  # ValueError, RecursionError, binascii...
        key = None
    if isinstance(key, list) and len(key) == 1:
        key = key[0]
    if not isinstance(key, str) or "~" not in key:
        raise BadRequestException("Invalid NextToken.")
    return key


class PageCursor:
    """Stands for the item a NextToken points at once it is gone, so that paging resumes after it."""

    def __init__(self, key: str) -> None:
        self.page_key = key


def random_voice_connector_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(mock_random.choice(alphabet) for _attempt in range(22))


class VoiceConnector(BaseModel):
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
    ) -> None:
        self.voice_connector_id = voice_connector_id
        self.name = name
        self.aws_region = aws_region
        self.require_encryption = require_encryption
        self.created = created or clock.now()
        self.updated = updated or self.created
        self.integration_type = integration_type
        self.network_type = network_type
        self.arn = f"arn:aws:chime:{region_name}:{account_id}:vc/{voice_connector_id}"
        self.page_key = page_key(self.created, voice_connector_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "VoiceConnectorId": self.voice_connector_id,
            "AwsRegion": self.aws_region,
            "Name": self.name,
            "OutboundHostName": f"{self.voice_connector_id}.voiceconnector.chime.aws",
            "RequireEncryption": self.require_encryption,
            "CreatedTimestamp": self.created,
            "UpdatedTimestamp": self.updated,
            "VoiceConnectorArn": self.arn,
            "IntegrationType": self.integration_type,
            "NetworkType": self.network_type,
        }


class ProxyConfig(BaseModel):
    """The proxy configuration of one voice connector (Put calls the countries PhoneNumberPoolCountries,
    Get and Put answer with PhoneNumberCountries)."""

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
        return {
            "DefaultSessionExpiryMinutes": self.default_session_expiry_minutes,
            "Disabled": self.disabled,
            "FallBackPhoneNumber": self.fall_back_phone_number or None,
            "PhoneNumberCountries": list(self.phone_number_countries),
        }


class ProxySession:
    """One proxy session.  A plain class with slots (not BaseModel): seeds hold 10,000 of them and
    BaseModel keeps every instance ever created in a class-level list."""

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
        "expires",
        "page_key",
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
        expires: bool = True,
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
        # False for seed data with an explicit Status: it keeps that status whatever the clock says.
        self.expires = expires
        self.page_key = page_key(created, proxy_session_id)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def expire_if_due(self, now: datetime) -> bool:
        """Close the session once ExpiryMinutes have passed since creation; True when it closed now."""
        if not self.expires or not self.active or not self.expiry_minutes:
            return False
        try:
            end = self.created + timedelta(minutes=self.expiry_minutes)
        except OverflowError:  # past year 9999: never
            return False
        if now < end:
            return False
        self.status = "Closed"
        self.ended = end
        self.updated = max(self.updated, end)
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "VoiceConnectorId": self.voice_connector_id,
            "ProxySessionId": self.proxy_session_id,
            "Name": self.name,
            "Status": self.status,
            "ExpiryMinutes": self.expiry_minutes,
            "Capabilities": list(self.capabilities),
            "CreatedTimestamp": self.created,
            "UpdatedTimestamp": self.updated,
            "EndedTimestamp": self.ended,
            "Participants": [{"PhoneNumber": p, "ProxyPhoneNumber": x} for p, x in self.participants],
            "NumberSelectionBehavior": self.number_selection_behavior,
            "GeoMatchLevel": self.geo_match_level,
            "GeoMatchParams": dict(self.geo_match_params) if self.geo_match_params is not None else None,
        }


def _number_error(phone_number_id: str, code: str, message: str) -> dict[str, str]:
    """One item of PhoneNumberErrors (the model's PhoneNumberError shape)."""
    return {"PhoneNumberId": phone_number_id, "ErrorCode": code, "ErrorMessage": message}


class PhoneNumber(BaseModel):
    """A phone number: the members of the model's PhoneNumber shape, as seeded (no ordering API here)."""

    def __init__(self, members: dict[str, Any]) -> None:
        self.members = dict(members)
        self.phone_number_id = str(members["PhoneNumberId"])
        self.created = members.get("CreatedTimestamp") or clock.now()
        self.members.setdefault("CreatedTimestamp", self.created)
        self.page_key = page_key(self.created, self.phone_number_id)

    def associated_with(self, name: str, value: str) -> bool:
        return any(a.get("Name") == name and a.get("Value") == value for a in self.members.get("Associations") or [])

    @property
    def queued(self) -> bool:
        """In the deletion queue: it has a DeletionTimestamp, whatever its Status reads."""
        return self.members.get("DeletionTimestamp") is not None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.members)


class ChimeSDKVoiceBackend(BaseBackend):
    """Implementation of the Chime SDK Voice proxy APIs and the voice connectors and numbers they need."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.voice_connectors: dict[str, VoiceConnector] = {}
        self.proxies: dict[str, ProxyConfig] = {}
        self.phone_numbers: dict[str, PhoneNumber] = {}
        # Per connector: sessions by id, and their page keys in order (paging bisects this list).
        self.proxy_sessions: dict[str, dict[str, ProxySession]] = {}
        self._session_keys: dict[str, list[str]] = {}
        self._session_by_key: dict[str, dict[str, ProxySession]] = {}
        # (connector, participant number) -> ids of that participant's sessions (for proxy number choice).
        self._sessions_of_participant: dict[tuple[str, str], set[str]] = {}
        # (connector, participants) -> the proxy number of their latest session (stickiness).
        self._sticky: dict[tuple[str, frozenset[str]], str] = {}
        # The Status a number reads while it is queued (see DEFAULT_DELETION_QUEUE_STATUS).
        self.deletion_queue_status = DEFAULT_DELETION_QUEUE_STATUS
        from .seeding import apply_registered_seeds  # pylint: disable=import-outside-toplevel  # seeding imports us

        apply_registered_seeds(self)

    # ------------------------------------------------------------------ helpers
    def _connector(self, voice_connector_id: str) -> VoiceConnector:
        try:
            return self.voice_connectors[voice_connector_id]
        except KeyError:
            raise NotFoundException(f"Voice connector {voice_connector_id} not found.") from None

    def _session(self, voice_connector_id: str, proxy_session_id: str) -> ProxySession:
        self._connector(voice_connector_id)
        try:
            session = self.proxy_sessions[voice_connector_id][proxy_session_id]
        except KeyError:
            raise NotFoundException(
                f"Proxy session {proxy_session_id} not found on voice connector {voice_connector_id}."
            ) from None
        session.expire_if_due(clock.now())
        return session

    def default_aws_region(self) -> str:
        """The AwsRegion a connector reports when none is given: this backend's region where the model allows it."""
        regions = get_service_model("chime-sdk-voice").shape_for("VoiceConnectorAwsRegion").enum
        return self.region_name if self.region_name in regions else regions[0]

    def _page(
        self, keys: list[str], by_key: dict[str, Any], next_token: str | None, limit: int, keep: Callable[[Any], bool]
    ) -> list[Any]:
        """Candidates for moto's paginator, from the token's place on: at most ``limit + 1`` kept items.

        When the item the token points at is gone (deleted, or no longer kept by the filter), a
        PageCursor takes its place so that paging resumes right after it instead of failing.
        """
        start_key = token_page_key(next_token)
        index = bisect.bisect_left(keys, start_key) if start_key else 0
        found: list[Any] = []
        if start_key is not None:
            first = by_key.get(start_key)
            if first is None or not keep(first):
                found.append(PageCursor(start_key))
        for key in keys[index:]:
            item = by_key[key]
            if keep(item):
                found.append(item)
                if len(found) > limit:
                    break
        return found

    @staticmethod
    def _paged(
        page_function: Callable[..., tuple[list[Any], str | None]], **kwargs: Any
    ) -> tuple[list[Any], str | None]:
        """Call a ``@paginate`` method: forged tokens are refused before moto's paginator reads them."""
        token_page_key(kwargs.get("next_token"))
        try:
            page, token = page_function(**kwargs)
        except InvalidToken as err:
            raise BadRequestException("Invalid NextToken: it belongs to another listing.") from err
        return [item for item in page if not isinstance(item, PageCursor)], token

    # ---------------------------------------------------------- voice connectors
    def create_voice_connector(
        self,
        name: str,
        require_encryption: bool,
        aws_region: str | None = None,
        integration_type: str | None = None,
        network_type: str | None = None,
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
                aws_region=aws_region or self.default_aws_region(),
                require_encryption=require_encryption,
                integration_type=integration_type,
                network_type=network_type,
            )
            self.add_voice_connector(connector)
            return connector

    def add_voice_connector(self, connector: VoiceConnector) -> None:
        """Store a connector (replacing one with the same id, its proxy configuration and sessions kept)."""
        with self.lock:
            self.voice_connectors[connector.voice_connector_id] = connector
            self.proxy_sessions.setdefault(connector.voice_connector_id, {})
            self._session_keys.setdefault(connector.voice_connector_id, [])
            self._session_by_key.setdefault(connector.voice_connector_id, {})

    def get_voice_connector(self, voice_connector_id: str) -> VoiceConnector:
        with self.lock:
            return self._connector(voice_connector_id)

    def list_voice_connectors(
        self, next_token: str | None = None, max_results: int | None = None
    ) -> tuple[list[VoiceConnector], str | None]:
        return self._paged(self._voice_connector_page, next_token=next_token, max_results=max_results)

    @paginate(pagination_model=PAGINATION_MODEL)
    def _voice_connector_page(self, next_token: str | None = None, max_results: int | None = None) -> list[Any]:
        with self.lock:
            by_key = {c.page_key: c for c in self.voice_connectors.values()}
            limit = max_results or DEFAULT_MAX_RESULTS
            return self._page(sorted(by_key), by_key, next_token, limit, lambda _connector: True)

    def delete_voice_connector(self, voice_connector_id: str) -> None:
        with self.lock:
            self._connector(voice_connector_id)
            numbers = [
                n for n in self.phone_numbers.values() if n.associated_with("VoiceConnectorId", voice_connector_id)
            ]
            if numbers:
                raise ConflictException(
                    f"Voice connector {voice_connector_id} has {len(numbers)} phone number(s) associated;"
                    " disassociate them first."
                )
            for session in list(self.proxy_sessions.get(voice_connector_id, {}).values()):
                self._remove_session(session)
            for table in (self.proxy_sessions, self._session_keys, self._session_by_key, self.proxies):
                table.pop(voice_connector_id, None)
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
    def add_session(self, session: ProxySession) -> None:
        """Store a session of an existing connector (replacing one with the same id)."""
        with self.lock:
            connector_id = session.voice_connector_id
            sessions = self.proxy_sessions[connector_id]
            if session.proxy_session_id in sessions:
                self._remove_session(sessions[session.proxy_session_id])
            sessions[session.proxy_session_id] = session
            keys = self._session_keys[connector_id]
            if not keys or keys[-1] < session.page_key:
                keys.append(session.page_key)
            else:
                bisect.insort(keys, session.page_key)
            self._session_by_key[connector_id][session.page_key] = session
            for participant, _proxy in session.participants:
                self._sessions_of_participant.setdefault((connector_id, participant), set()).add(
                    session.proxy_session_id
                )
            if session.participants:
                self._sticky[(connector_id, frozenset(p for p, _proxy in session.participants))] = session.participants[
                    0
                ][1]

    def _remove_session(self, session: ProxySession) -> None:
        connector_id = session.voice_connector_id
        del self.proxy_sessions[connector_id][session.proxy_session_id]
        keys = self._session_keys[connector_id]
        index = bisect.bisect_left(keys, session.page_key)
        if index < len(keys) and keys[index] == session.page_key:
            del keys[index]
        self._session_by_key[connector_id].pop(session.page_key, None)
        for participant, _proxy in session.participants:
            ids = self._sessions_of_participant.get((connector_id, participant))
            if ids is not None:
                ids.discard(session.proxy_session_id)
                if not ids:
                    del self._sessions_of_participant[(connector_id, participant)]

    def proxy_pool(self, country: str, area_code: str | None = None) -> Iterator[str]:
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

    def _busy_numbers(self, voice_connector_id: str, participants: list[str]) -> set[str]:
        """Proxy numbers held by the participants' sessions that are still active."""
        now = clock.now()
        sessions = self.proxy_sessions[voice_connector_id]
        busy: set[str] = set()
        for participant in participants:
            for session_id in self._sessions_of_participant.get((voice_connector_id, participant), ()):
                session = sessions[session_id]
                session.expire_if_due(now)
                if session.active:
                    busy.update(proxy for _number, proxy in session.participants)
        return busy

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
        busy = self._busy_numbers(voice_connector_id, participants)
        sticky = self._sticky.get((voice_connector_id, frozenset(participants)))
        if number_selection_behavior == "PreferSticky" and sticky and sticky not in busy:
            return sticky
        avoid = {sticky} if number_selection_behavior == "AvoidSticky" and sticky else set()
        fallback = None
        for country in countries:
            for number in self.proxy_pool(country, area_code):
                if number in busy:
                    continue
                if number in avoid:
                    fallback = fallback or number
                    continue
                return number
        if fallback:
            return fallback
        raise BadRequestException("No proxy phone number is available for these participants.")

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
            session = ProxySession(
                voice_connector_id=voice_connector_id,
                proxy_session_id=str(mock_random.uuid4()),
                name=name,
                status="Open",
                expiry_minutes=expiry_minutes or config.default_session_expiry_minutes,
                capabilities=capabilities,
                participants=[(number, proxy_number) for number in participant_phone_numbers],
                created=clock.now(),
                number_selection_behavior=number_selection_behavior,
                geo_match_level=geo_match_level,
                geo_match_params=dict(geo_match_params) if geo_match_params else None,
            )
            self.add_session(session)
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
            return self._paged(
                self._proxy_session_page,
                voice_connector_id=voice_connector_id,
                status=status,
                next_token=next_token,
                max_results=max_results,
            )

    @paginate(pagination_model=PAGINATION_MODEL)
    def _proxy_session_page(
        self,
        voice_connector_id: str,
        status: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> list[Any]:
        now = clock.now()

        def keep(session: ProxySession) -> bool:
            session.expire_if_due(now)
            return status is None or session.status == status

        return self._page(
            self._session_keys[voice_connector_id],
            self._session_by_key[voice_connector_id],
            next_token,
            max_results or DEFAULT_MAX_RESULTS,
            keep,
        )

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
            session.updated = max(clock.now(), session.updated + timedelta(milliseconds=1))
            session.expire_if_due(clock.now())
            return session

    def delete_proxy_session(self, voice_connector_id: str, proxy_session_id: str) -> None:
        """AWS: "Deletes the specified proxy session" - the session is removed (later Gets return 404)."""
        with self.lock:
            self._remove_session(self._session(voice_connector_id, proxy_session_id))

    # ------------------------------------------------------------- phone numbers
    def add_phone_number(self, number: PhoneNumber) -> None:
        with self.lock:
            self.phone_numbers[number.phone_number_id] = number

    def set_deletion_queue_status(self, status: str) -> None:
        """Queued numbers read ``status`` from now on, those already queued with the previous one included (a number
        seeded with a DeletionTimestamp and a Status of its own keeps that)."""
        with self.lock:
            for number in self.phone_numbers.values():
                if number.queued and number.members.get("Status") == self.deletion_queue_status:
                    number.members["Status"] = status
            self.deletion_queue_status = status

    def _purge_deleted_numbers(self) -> None:
        """Numbers whose 7 days in the deletion queue have passed leave the account for good (under the lock)."""
        now = clock.now()
        for phone_number_id, number in list(self.phone_numbers.items()):
            deleted = number.members.get("DeletionTimestamp")
            if deleted is not None and deleted + DELETION_QUEUE <= now:
                del self.phone_numbers[phone_number_id]

    def _number(self, phone_number_id: str) -> PhoneNumber:
        self._purge_deleted_numbers()
        try:
            return self.phone_numbers[phone_number_id]
        except KeyError:
            raise NotFoundException(f"Phone number {phone_number_id} not found.") from None

    def get_phone_number(self, phone_number_id: str) -> PhoneNumber:
        with self.lock:
            return self._number(phone_number_id)

    @staticmethod
    def _e164(number: str) -> str:
        """The model's E164PhoneNumber pattern allows the number without its "+"; ids are stored with it."""
        return number if number.startswith("+") else f"+{number}"

    @staticmethod
    def _connector_of(number: PhoneNumber) -> str | None:
        for association in number.members.get("Associations") or []:
            if association.get("Name") == "VoiceConnectorId":
                return str(association.get("Value"))
        return None

    def associate_phone_numbers(
        self, voice_connector_id: str, e164_numbers: list[str], force: bool = False
    ) -> list[dict[str, str]]:
        """Associate each number with the connector; the PhoneNumberErrors of those that could not be."""
        errors = []
        with self.lock:
            self._connector(voice_connector_id)
            self._purge_deleted_numbers()
            now = clock.now()
            for e164 in e164_numbers:
                number = self.phone_numbers.get(self._e164(e164))
                other = self._connector_of(number) if number else None
                if number is None:
                    errors.append(_number_error(e164, "NotFound", f"Phone number {e164} not found."))
                elif number.queued:
                    errors.append(_number_error(e164, "Conflict", f"Phone number {e164} is in the deletion queue."))
                elif other not in (None, voice_connector_id) and not force:
                    message = f"Phone number {e164} is associated with voice connector {other}."
                    errors.append(_number_error(e164, "Conflict", message))
                elif other != voice_connector_id:
                    association = {"Value": voice_connector_id, "Name": "VoiceConnectorId", "AssociatedTimestamp": now}
                    number.members.update(
                        Associations=[association],
                        Status="Assigned",
                        ProductType="VoiceConnector",
                        UpdatedTimestamp=now,
                    )
        return errors

    def disassociate_phone_numbers(self, voice_connector_id: str, e164_numbers: list[str]) -> list[dict[str, str]]:
        """Take each number off the connector; the PhoneNumberErrors of those that could not be."""
        errors = []
        with self.lock:
            self._connector(voice_connector_id)
            self._purge_deleted_numbers()
            for e164 in e164_numbers:
                number = self.phone_numbers.get(self._e164(e164))
                if number is None:
                    errors.append(_number_error(e164, "NotFound", f"Phone number {e164} not found."))
                elif self._connector_of(number) != voice_connector_id:
                    message = f"Phone number {e164} is not associated with voice connector {voice_connector_id}."
                    errors.append(_number_error(e164, "BadRequest", message))
                else:
                    number.members.update(Associations=[], Status="Unassigned", UpdatedTimestamp=clock.now())
        return errors

    def _queue_for_deletion(self, number: PhoneNumber) -> None:
        if number.queued:
            return  # already queued: its 7 days run from the first delete
        now = clock.now()
        number.members.update(Status=self.deletion_queue_status, DeletionTimestamp=now, UpdatedTimestamp=now)

    def delete_phone_number(self, phone_number_id: str) -> None:
        with self.lock:
            number = self._number(phone_number_id)
            other = self._connector_of(number)
            if other is not None:
                raise BadRequestException(
                    f"Phone number {phone_number_id} is associated with voice connector {other}; disassociate it first."
                )
            self._queue_for_deletion(number)

    def batch_delete_phone_numbers(self, phone_number_ids: list[str]) -> list[dict[str, str]]:
        errors = []
        with self.lock:
            self._purge_deleted_numbers()
            for phone_number_id in phone_number_ids:
                number = self.phone_numbers.get(phone_number_id)
                if number is None:
                    errors.append(
                        _number_error(phone_number_id, "NotFound", f"Phone number {phone_number_id} not found.")
                    )
                elif self._connector_of(number) is not None:
                    message = f"Phone number {phone_number_id} is associated with voice connector {self._connector_of(number)}."
                    errors.append(_number_error(phone_number_id, "PhoneNumberAssociationsExist", message))
                else:
                    self._queue_for_deletion(number)
        return errors

    def restore_phone_number(self, phone_number_id: str) -> PhoneNumber:
        with self.lock:
            number = self._number(phone_number_id)
            if not number.queued:
                raise BadRequestException(f"Phone number {phone_number_id} is not in the deletion queue.")
            number.members.pop("DeletionTimestamp", None)
            number.members.update(Status="Unassigned", UpdatedTimestamp=clock.now())
            return number

    def list_phone_numbers(
        self,
        status: str | None = None,
        product_type: str | None = None,
        filter_name: str | None = None,
        filter_value: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[PhoneNumber], str | None]:
        if (filter_name is None) != (filter_value is None):
            raise BadRequestException("FilterName and FilterValue must be given together.")
        return self._paged(
            self._phone_number_page,
            status=status,
            product_type=product_type,
            filter_name=filter_name,
            filter_value=filter_value,
            next_token=next_token,
            max_results=max_results,
        )

    @paginate(pagination_model=PAGINATION_MODEL)
    def _phone_number_page(
        self,
        status: str | None = None,
        product_type: str | None = None,
        filter_name: str | None = None,
        filter_value: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> list[Any]:
        def keep(number: PhoneNumber) -> bool:
            members = number.members
            return (
                (status is None or members.get("Status") == status)
                and (product_type is None or members.get("ProductType") == product_type)
                and (filter_name is None or number.associated_with(filter_name, str(filter_value)))
            )

        with self.lock:
            self._purge_deleted_numbers()
            by_key = {n.page_key: n for n in self.phone_numbers.values()}
            return self._page(sorted(by_key), by_key, next_token, max_results or DEFAULT_MAX_RESULTS, keep)


chimesdkvoice_backends = BackendDict(ChimeSDKVoiceBackend, "chime-sdk-voice")
