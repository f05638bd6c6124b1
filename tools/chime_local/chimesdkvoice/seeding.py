# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed data for the backend: parse and check it, register it, apply it to backends.

moto creates one backend per account and region, lazily.  Registered seeds are applied to
each backend when moto creates it (``ChimeSDKVoiceBackend.__init__`` calls
``apply_registered_seeds``) and again after ``reset_backends()``; ``apply_seed`` also applies a
seed to the backends that already exist.  A connector (with its proxy configuration,
sessions and numbers) is visible from the accounts and regions its ``account``/``region``
keys allow ("*", the default, is every one).  The format is in tools/chime_local/README.md.

Everything is checked when a seed is parsed or registered, so that applying it, which
happens inside a request, cannot fail.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import botocore.session
import yaml
from moto.core.base_backend import backend_lock

from . import clock
from .models import ChimeSDKVoiceBackend
from .models import PhoneNumber
from .models import ProxyConfig
from .models import ProxySession
from .models import VoiceConnector
from .models import chimesdkvoice_backends

SEED_KEYS = ("settings", "voice_connectors", "proxy_sessions", "generate", "phone_numbers", "faults", "organization")
LIST_KEYS = ("voice_connectors", "proxy_sessions", "generate", "phone_numbers")
# The backend's choices where AWS is silent, each with the model's enum its value must be one of.
SETTINGS = {"deletion_queue_status": "PhoneNumberStatus"}
# Settings of the server around the backend (its STS), passed through untouched like the faults section.
SERVER_SETTINGS = ("sts_duration_seconds",)
WILDCARD = "*"
SESSION_STATUSES = ("Open", "InProgress", "Closed")

_seeds: list[dict[str, Any]] = []
_seeds_lock = threading.Lock()


@functools.cache
def _enum(shape_name: str) -> tuple[str, ...]:
    model = botocore.session.get_session().get_service_model("chime-sdk-voice")
    return tuple(model.shape_for(shape_name).enum)


# ------------------------------------------------------------------ value checks
def parse_timestamp(value: Any, where: str) -> datetime:
    """A datetime (naive is UTC), an ISO 8601 string or epoch seconds; ValueError naming ``where`` otherwise."""
    try:
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            parsed = datetime.fromtimestamp(value, tz=timezone.utc)
        elif isinstance(value, str):
            text = value.strip()
            if text[-1:] in ("Z", "z"):
                text = f"{text[:-1]}+00:00"
            parsed = datetime.fromisoformat(text)
        else:
            raise TypeError(type(value).__name__)
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        parsed + timedelta(days=366 * 200)  # pylint: disable=expression-not-assigned  # room for expiry maths
        return parsed
    except (ValueError, TypeError, OverflowError, OSError) as err:
        raise ValueError(f"{where}: {value!r} is not a timestamp (ISO 8601 or epoch seconds)") from err


def phone_number(value: Any, where: str) -> str:
    """Seed phone numbers: YAML reads an unquoted +12065550100 as the integer 12065550100."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"+{value}"
    if isinstance(value, str) and value:
        return value
    raise ValueError(f"{where}: {value!r} is not a phone number")


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise ValueError(f"{where}: {value!r} must be a non-empty string")
    return str(value)


def _integer(value: Any, where: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10**9:
        raise ValueError(f"{where}: {value!r} must be an integer from {low} to 1000000000")
    return value


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {list(allowed)}")
    return str(value)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a mapping")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list")
    return value


def _scope(value: Any, where: str) -> None:
    if value is None or isinstance(value, str):
        return
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return
    raise ValueError(f"{where}: {value!r} must be {WILDCARD!r}, a string or a list of strings")


def _in_scope(scope: Any, value: str) -> bool:
    if scope is None or scope == WILDCARD:
        return True
    if isinstance(scope, list):
        return value in scope or WILDCARD in scope
    return str(scope) == value


# ------------------------------------------------------------------ structure checks
def _check_session(item: Any, where: str) -> None:
    item = _mapping(item, where)
    _text(item.get("ProxySessionId"), f"{where}.ProxySessionId")
    if "Status" in item:
        _choice(item["Status"], SESSION_STATUSES, f"{where}.Status")
    for key in ("CreatedTimestamp", "UpdatedTimestamp", "EndedTimestamp"):
        if item.get(key) is not None:
            parse_timestamp(item[key], f"{where}.{key}")
    if item.get("ExpiryMinutes") is not None:
        _integer(item["ExpiryMinutes"], f"{where}.ExpiryMinutes", 1)
    for index, participant in enumerate(_list(item.get("Participants"), f"{where}.Participants")):
        participant = _mapping(participant, f"{where}.Participants[{index}]")
        for key in ("PhoneNumber", "ProxyPhoneNumber"):
            phone_number(participant.get(key), f"{where}.Participants[{index}].{key}")
    _list(item.get("Capabilities"), f"{where}.Capabilities")
    if item.get("GeoMatchParams") is not None:
        _mapping(item["GeoMatchParams"], f"{where}.GeoMatchParams")


def _check_phone_number(item: Any, where: str) -> None:
    item = _mapping(item, where)
    phone_number(item.get("E164PhoneNumber"), f"{where}.E164PhoneNumber")
    if "PhoneNumberId" in item:
        _text(item["PhoneNumberId"], f"{where}.PhoneNumberId")
    for key, shape in (("Type", "PhoneNumberType"), ("ProductType", "PhoneNumberProductType")):
        if key in item:
            _choice(item[key], _enum(shape), f"{where}.{key}")
    if "Status" in item:
        _choice(item["Status"], _enum("PhoneNumberStatus"), f"{where}.Status")
    for key in ("CreatedTimestamp", "UpdatedTimestamp", "DeletionTimestamp"):
        if item.get(key) is not None:
            parse_timestamp(item[key], f"{where}.{key}")
    for index, association in enumerate(_list(item.get("Associations"), f"{where}.Associations")):
        association = _mapping(association, f"{where}.Associations[{index}]")
        _choice(association.get("Name"), _enum("PhoneNumberAssociationName"), f"{where}.Associations[{index}].Name")
        _text(association.get("Value"), f"{where}.Associations[{index}].Value")
        if association.get("AssociatedTimestamp") is not None:
            parse_timestamp(association["AssociatedTimestamp"], f"{where}.Associations[{index}].AssociatedTimestamp")
    if item.get("Capabilities") is not None:
        _mapping(item["Capabilities"], f"{where}.Capabilities")
    _scope(item.get("account"), f"{where}.account")
    _scope(item.get("region"), f"{where}.region")


def _check_settings(value: Any) -> None:
    settings = _mapping(value, "seed key settings")
    unknown = set(settings) - set(SETTINGS) - set(SERVER_SETTINGS)
    if unknown:
        raise ValueError(
            f"unknown settings {sorted(map(str, unknown))}; expected {list(SETTINGS) + list(SERVER_SETTINGS)}"
        )
    for key, shape in SETTINGS.items():
        if key in settings:
            _choice(settings[key], _enum(shape), f"settings.{key}")


def check_seed(data: Any) -> dict[str, Any]:
    """Check a parsed seed document; ValueError with the place and the rule otherwise."""
    data = _mapping(data, "a seed document")
    unknown = set(data) - set(SEED_KEYS)
    if unknown:
        raise ValueError(f"unknown seed keys {sorted(map(str, unknown))}; expected {list(SEED_KEYS)}")
    if data.get("settings") is not None:
        _check_settings(data["settings"])
    for key in LIST_KEYS:
        _list(data.get(key), f"seed key {key}")
    for index, item in enumerate(data.get("voice_connectors") or []):
        where = f"voice_connectors[{index}]"
        item = _mapping(item, where)
        if "VoiceConnectorId" not in item:
            raise ValueError(f"{where}: every voice_connectors entry needs a VoiceConnectorId")
        _text(item["VoiceConnectorId"], f"{where}.VoiceConnectorId")
        _scope(item.get("account"), f"{where}.account")
        _scope(item.get("region"), f"{where}.region")
        for key in ("CreatedTimestamp", "UpdatedTimestamp"):
            if item.get(key) is not None:
                parse_timestamp(item[key], f"{where}.{key}")
        if item.get("Proxy"):
            proxy = _mapping(item["Proxy"], f"{where}.Proxy")
            if proxy.get("DefaultSessionExpiryMinutes") is not None:
                _integer(proxy["DefaultSessionExpiryMinutes"], f"{where}.Proxy.DefaultSessionExpiryMinutes", 1)
            if proxy.get("FallBackPhoneNumber"):
                phone_number(proxy["FallBackPhoneNumber"], f"{where}.Proxy.FallBackPhoneNumber")
        for number, session in enumerate(_list(item.get("ProxySessions"), f"{where}.ProxySessions")):
            if not isinstance(session, dict) or "ProxySessionId" not in session:
                raise ValueError(f"{where}.ProxySessions[{number}]: every ProxySessions entry needs a ProxySessionId")
            _check_session(session, f"{where}.ProxySessions[{number}]")
        for number, phone in enumerate(_list(item.get("PhoneNumbers"), f"{where}.PhoneNumbers")):
            _check_phone_number(phone, f"{where}.PhoneNumbers[{number}]")
    for index, session in enumerate(data.get("proxy_sessions") or []):
        where = f"proxy_sessions[{index}]"
        if not isinstance(session, dict) or not {"ProxySessionId", "VoiceConnectorId"} <= set(session):
            raise ValueError(f"{where}: every proxy_sessions entry needs VoiceConnectorId and ProxySessionId")
        _check_session(session, where)
    for index, phone in enumerate(data.get("phone_numbers") or []):
        _check_phone_number(phone, f"phone_numbers[{index}]")
    for index, spec in enumerate(data.get("generate") or []):
        where = f"generate[{index}]"
        if not isinstance(spec, dict) or not {"voice_connector_id", "count"} <= set(spec):
            raise ValueError(f"{where}: every generate entry needs voice_connector_id and count")
        _integer(spec["count"], f"{where}.count")
        if spec["count"] > 1_000_000:
            raise ValueError(f"{where}.count: at most 1000000 sessions")
        for key in ("start", "width", "expiry_minutes"):
            if key in spec:
                _integer(spec[key], f"{where}.{key}", 1 if key == "expiry_minutes" else 0)
        if spec.get("created") is not None:
            parse_timestamp(spec["created"], f"{where}.created")
        step = spec.get("step_ms", 1)
        if isinstance(step, bool) or not isinstance(step, (int, float)) or not 0 <= step <= 86_400_000:
            raise ValueError(f"{where}.step_ms: {step!r} must be a number of milliseconds from 0 to 86400000")
        statuses = spec.get("status", "Open")
        for status in [statuses] if isinstance(statuses, str) else _list(statuses, f"{where}.status") or [None]:
            _choice(status, SESSION_STATUSES, f"{where}.status")
    return data


def load_seed_text(text: str | bytes) -> dict[str, Any]:
    """Parse a YAML (or JSON) seed document and check it; ValueError with a clear message otherwise.

    The ``faults`` and ``organization`` sections and the server's settings are passed through untouched (the server
    checks them).
    """
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(f"the seed document is not valid YAML or JSON: {str(err).splitlines()[0]}") from None
    return check_seed({} if data is None else data)


def seed_counts(seed: dict[str, Any]) -> dict[str, int]:
    """What a seed holds: connectors, sessions (generated ones included) and phone numbers."""
    connectors = seed.get("voice_connectors") or []
    sessions = sum(len(c.get("ProxySessions") or []) for c in connectors)
    sessions += len(seed.get("proxy_sessions") or [])
    sessions += sum(int(g["count"]) for g in seed.get("generate") or [])
    numbers = sum(len(c.get("PhoneNumbers") or []) for c in connectors) + len(seed.get("phone_numbers") or [])
    return {"voice_connectors": len(connectors), "proxy_sessions": sessions, "phone_numbers": numbers}


# ------------------------------------------------------------------ registry
def register_seed(seed: dict[str, Any]) -> None:
    """Register seed data: applied to every backend moto creates from now on, and after each reset."""
    data = {k: v for k, v in check_seed(seed).items() if k not in ("faults", "organization")}
    with _seeds_lock:
        _seeds.append(copy.deepcopy(data))


def clear_seeds() -> None:
    with _seeds_lock:
        _seeds.clear()


def registered_seeds() -> list[dict[str, Any]]:
    with _seeds_lock:
        return list(_seeds)


def reset_backends() -> None:
    """Drop every account/region backend: each is rebuilt from the registered seeds on next use."""
    with backend_lock:
        chimesdkvoice_backends.clear()


def apply_seed(seed: dict[str, Any]) -> int:
    """Register a seed and apply it to the backends that already exist; returns how many those were."""
    register_seed(seed)
    data = registered_seeds()[-1]
    applied = 0
    for _account, _region, backend in list(chimesdkvoice_backends.iter_backends()):
        apply_to_backend(backend, data)
        applied += 1
    return applied


def apply_registered_seeds(backend: ChimeSDKVoiceBackend) -> None:
    for seed in registered_seeds():
        apply_to_backend(backend, seed)


# ------------------------------------------------------------------ application
def apply_to_backend(backend: ChimeSDKVoiceBackend, seed: dict[str, Any]) -> None:
    """Load a checked seed into one backend (what its account and region may see); existing ids are replaced.

    Settings come first, so that the numbers of the same seed follow them; they hold for every account and region.
    """
    with backend.lock:
        settings = seed.get("settings") or {}
        if "deletion_queue_status" in settings:
            backend.set_deletion_queue_status(str(settings["deletion_queue_status"]))
        for item in seed.get("voice_connectors") or []:
            if not _visible(backend, item):
                continue
            connector_id = _seed_connector(backend, item)
            for session in item.get("ProxySessions") or []:
                _seed_session(backend, connector_id, session)
            for number in item.get("PhoneNumbers") or []:
                _seed_phone_number(backend, number, connector_id)
        for session in seed.get("proxy_sessions") or []:
            if str(session["VoiceConnectorId"]) in backend.voice_connectors:
                _seed_session(backend, str(session["VoiceConnectorId"]), session)
        for number in seed.get("phone_numbers") or []:
            if _visible(backend, number):
                _seed_phone_number(backend, number, None)
        for spec in seed.get("generate") or []:
            _generate_sessions(backend, spec)


def _visible(backend: ChimeSDKVoiceBackend, item: dict[str, Any]) -> bool:
    return _in_scope(item.get("account"), backend.account_id) and _in_scope(item.get("region"), backend.region_name)


def _timestamp(item: dict[str, Any], key: str, default: datetime | None = None) -> datetime | None:
    return parse_timestamp(item[key], key) if item.get(key) is not None else default


def _seed_connector(backend: ChimeSDKVoiceBackend, item: dict[str, Any]) -> str:
    connector_id = str(item["VoiceConnectorId"])
    created = _timestamp(item, "CreatedTimestamp") or clock.now()
    backend.add_voice_connector(
        VoiceConnector(
            account_id=backend.account_id,
            region_name=backend.region_name,
            voice_connector_id=connector_id,
            name=str(item.get("Name", connector_id)),
            aws_region=str(item.get("AwsRegion") or backend.default_aws_region()),
            require_encryption=bool(item.get("RequireEncryption", True)),
            created=created,
            updated=_timestamp(item, "UpdatedTimestamp", created),
            integration_type=item.get("IntegrationType"),
            network_type=item.get("NetworkType"),
        )
    )
    proxy = item.get("Proxy")
    if proxy:
        backend.proxies[connector_id] = ProxyConfig(
            default_session_expiry_minutes=int(proxy.get("DefaultSessionExpiryMinutes", 60)),
            phone_number_countries=list(
                proxy.get("PhoneNumberPoolCountries") or proxy.get("PhoneNumberCountries") or ["US"]
            ),
            fall_back_phone_number=(
                phone_number(proxy["FallBackPhoneNumber"], "FallBackPhoneNumber")
                if proxy.get("FallBackPhoneNumber")
                else None
            ),
            disabled=bool(proxy.get("Disabled", False)),
        )
    return connector_id


def _seed_session(backend: ChimeSDKVoiceBackend, connector_id: str, item: dict[str, Any]) -> None:
    created = _timestamp(item, "CreatedTimestamp") or clock.now()
    updated = _timestamp(item, "UpdatedTimestamp", created)
    status = str(item.get("Status", "Open"))
    ended = _timestamp(item, "EndedTimestamp")
    if status == "Closed" and ended is None:
        ended = updated
    backend.add_session(
        ProxySession(
            voice_connector_id=connector_id,
            proxy_session_id=str(item["ProxySessionId"]),
            name=item.get("Name"),
            status=status,
            expiry_minutes=item.get("ExpiryMinutes"),
            capabilities=list(item.get("Capabilities") or []),
            participants=[
                (phone_number(p["PhoneNumber"], "PhoneNumber"), phone_number(p["ProxyPhoneNumber"], "ProxyPhoneNumber"))
                for p in item.get("Participants") or []
            ],
            created=created,
            updated=updated,
            ended=ended,
            number_selection_behavior=item.get("NumberSelectionBehavior"),
            geo_match_level=item.get("GeoMatchLevel"),
            geo_match_params=dict(item["GeoMatchParams"]) if item.get("GeoMatchParams") else None,
            expires="Status" not in item,
        )
    )


def _seed_phone_number(backend: ChimeSDKVoiceBackend, item: dict[str, Any], connector_id: str | None) -> None:
    members = {k: v for k, v in item.items() if k not in ("account", "region")}
    members["E164PhoneNumber"] = phone_number(item["E164PhoneNumber"], "E164PhoneNumber")
    members["PhoneNumberId"] = str(item.get("PhoneNumberId") or members["E164PhoneNumber"])
    created = _timestamp(item, "CreatedTimestamp") or clock.now()
    members["CreatedTimestamp"] = created
    members["UpdatedTimestamp"] = _timestamp(item, "UpdatedTimestamp", created)
    if item.get("DeletionTimestamp") is not None:
        members["DeletionTimestamp"] = _timestamp(item, "DeletionTimestamp")
    associations = [dict(a) for a in item.get("Associations") or []]
    if connector_id is not None and not any(
        a.get("Name") == "VoiceConnectorId" and a.get("Value") == connector_id for a in associations
    ):
        associations.append({"Value": connector_id, "Name": "VoiceConnectorId"})
    for association in associations:
        association["AssociatedTimestamp"] = _timestamp(association, "AssociatedTimestamp", created)
    members["Associations"] = associations
    members.setdefault("Type", "Local")
    members.setdefault("ProductType", "VoiceConnector")
    if "DeletionTimestamp" in members:
        members.setdefault("Status", backend.deletion_queue_status)
    members.setdefault("Status", "Assigned" if associations else "Unassigned")
    members.setdefault("Country", "US")
    backend.add_phone_number(PhoneNumber(members))


def _generate_sessions(backend: ChimeSDKVoiceBackend, spec: dict[str, Any]) -> int:
    """``count`` sessions with predictable ids ``id_prefix + zero-padded number``."""
    connector_id = str(spec["voice_connector_id"])
    if connector_id not in backend.voice_connectors:
        return 0
    count = int(spec["count"])
    start = int(spec.get("start", 0))
    width = int(spec.get("width", len(str(start + count - 1))))
    prefix = str(spec.get("id_prefix", "session-"))
    statuses = spec.get("status", "Open")
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    capabilities = list(spec.get("capabilities") or ["Voice", "SMS"])
    expiry = int(spec.get("expiry_minutes", 60))
    base = _timestamp(spec, "created") or clock.now()
    step = timedelta(milliseconds=float(spec.get("step_ms", 1)))
    config = backend.proxies.get(connector_id)
    countries = config.phone_number_countries if config else ["US"]
    proxy_number = next(backend.proxy_pool(countries[0]))
    explicit_status = "status" in spec
    for offset in range(count):
        number = start + offset
        status = statuses[offset % len(statuses)]
        created = base + step * offset
        backend.add_session(
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
                expires=not explicit_status,
            )
        )
    return count
