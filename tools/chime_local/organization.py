# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoint's organisation: AWS Organizations (moto's backend) seeded from a seed's ``organization:`` section.

``parse`` checks the section and turns it into an ``OrganizationPlan``: the units by path, every account with
its id, name, email, state and parent, the IAM roles made in each member account, and the Chime data of
generated accounts (a seed of the chimesdkvoice package, registered like any other).  It imports moto (through the
chimesdkvoice package): the server imports it after moto's environment is set.  ``apply`` replaces the
organisation in moto with a plan (moto_shim.replace_organization), or removes it.  The root and unit ids are
moto's (``r-...``, ``ou-...``); the seed names units by their path of names (``Telephony/Prod``).

``OrganizationsAnswers`` wraps moto's app for requests signed for ``organizations``: moto's IAM check answers a
refusal in the query protocol's XML, which botocore's JSON parser cannot read; it is answered as Organizations
does, in JSON with ``__type`` (``AccessDeniedException`` and the other authentication errors, HTTP 400).

The format is in tools/chime_local/README.md ("The organization section").
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from typing import Iterable
from uuid import uuid4

import botocore.session

from .chimesdkvoice.seeding import parse_timestamp
from .middleware import Answer
from .middleware import StartResponse
from .middleware import WSGIApp
from .middleware import call_app
from .middleware import status_line
from .moto_shim import MemberRole
from .moto_shim import OrganizationAccount
from .moto_shim import policy_problem

KEYS = ("management_account", "feature_set", "member_roles", "units", "accounts", "generate_accounts")
UNIT_KEYS = ("name", "accounts", "units")
ACCOUNT_KEYS = ("name", "email", "state", "status", "joined")
GENERATE_KEYS = ("count", "first_id", "unit", "state", "status", "name", "email", "joined", "connector")
CONNECTOR_KEYS = (
    "regions",
    "id_prefix",
    "name",
    "sessions",
    "status",
    "phone_numbers",
    "expiry_minutes",
    "created",
    "proxy",
)
FEATURE_SETS = ("ALL", "CONSOLIDATED_BILLING")
# AWS Organizations nests OUs at most five levels under the root.
MAX_UNIT_DEPTH = 5
MAX_ACCOUNTS = 10_000
MAX_GENERATED_SESSIONS = 1_000
MAX_GENERATED_NUMBERS = 100
ACCOUNT_ID = re.compile(r"\d{12}")
# The Account shape's patterns (botocore's organizations model): Email 6..64 characters, Name 1..128.
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
# AWS makes this role, with administrator rights, in every account an organisation creates.
DEFAULT_MEMBER_ROLES = ("OrganizationAccountAccessRole",)
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DEFAULT_MANAGEMENT_NAME = "Management"
DEFAULT_MANAGEMENT_EMAIL = "management@example.com"
# Accounts without ``joined`` join one second apart from here, in the order of the section: ListAccounts pages by
# JoinedTimestamp in moto, so two accounts must never share one.
DEFAULT_JOINED = datetime(2020, 1, 1, tzinfo=timezone.utc)
JOINED_STEP = timedelta(seconds=1)
# The Status an account reads for each State when the seed gives none (Status has no PENDING_ACTIVATION or CLOSED).
STATUS_OF_STATE = {
    "PENDING_ACTIVATION": "ACTIVE",
    "ACTIVE": "ACTIVE",
    "SUSPENDED": "SUSPENDED",
    "PENDING_CLOSURE": "PENDING_CLOSURE",
    "CLOSED": "SUSPENDED",
}
DEFAULT_CONNECTOR_PREFIX = "orgvc"
# A generated connector's id: the prefix, then the account id, zero-padded to the 22 lowercase letters and digits
# the model's VoiceConnectorId pattern asks for.
CONNECTOR_ID_LENGTH = 22
CONNECTOR_PREFIX = re.compile(r"[a-z0-9]{1,10}")
DEFAULT_SESSION_STATUSES = ("Open", "InProgress", "Closed")
SESSION_STATUSES = ("Open", "InProgress", "Closed")
DEFAULT_CREATED = "2024-01-01T00:00:00.000Z"
# moto's IAM errors (query protocol codes) and the errors of Organizations' JSON protocol for them.
JSON_ERRORS = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}
JSON_ERROR_STATUS = 400


# The enums of botocore's organizations model, for a botocore older than them (the collection's floor, 1.34.0, has
# no AccountState: the endpoint runs on it in the floor's integration runs).
KNOWN_ENUMS = {
    "AccountState": ("PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"),
    "AccountStatus": ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE"),
}


@functools.cache
def _enum(shape_name: str) -> tuple[str, ...]:
    model = botocore.session.get_session().get_service_model("organizations")
    if shape_name not in model.shape_names:
        return KNOWN_ENUMS[shape_name]
    return tuple(model.shape_for(shape_name).enum)


@dataclass
class OrganizationPlan:
    """A checked ``organization:`` section: what ``apply`` builds."""

    management_account: str
    feature_set: str
    units: list[str]  # paths, parents first
    accounts: list[OrganizationAccount]  # the management account first
    member_roles: list[MemberRole]
    chime_seed: dict[str, Any] = field(default_factory=dict)  # the generated accounts' voice connectors

    def counts(self) -> dict[str, int]:
        states = [account.state for account in self.accounts]
        return {
            "accounts": len(self.accounts),
            "organizational_units": len(self.units),
            "suspended": states.count("SUSPENDED"),
            "voice_connectors": len(self.chime_seed.get("voice_connectors") or []),
        }


# ------------------------------------------------------------------ checks
def _mapping(value: Any, where: str, keys: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a mapping")
    unknown = set(map(str, value)) - set(keys)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; expected {list(keys)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list")
    return value


def _text(value: Any, where: str, low: int = 1, high: int = 128) -> str:
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise ValueError(f"{where}: {value!r} must be a string of {low} to {high} characters")
    return value


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{where}: {value!r} must be an integer from {low} to {high}")
    return value


def account_id(value: Any, where: str) -> str:
    """A 12-digit account id (YAML reads an unquoted one as an integer: it is taken back when it has 12 digits)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not ACCOUNT_ID.fullmatch(text):
        raise ValueError(f"{where}: {value!r} is not an account id (12 digits; quote it in YAML)")
    return text


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {list(allowed)}")
    return str(value)


def _email(value: Any, where: str) -> str:
    text = _text(value, where, 6, 64)
    if not EMAIL.fullmatch(text):
        raise ValueError(f"{where}: {value!r} is not an email address")
    return text


def _timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 string, a datetime (naive is UTC) or epoch seconds."""
    return parse_timestamp(value, where)


def _template(template: Any, where: str, **values: Any) -> str:
    if not isinstance(template, str):
        raise ValueError(f"{where}: {template!r} must be a string (with {{id}} and {{index}} if wanted)")
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError) as err:
        raise ValueError(f"{where}: {template!r} is not a template of {{id}} and {{index}} ({err})") from None


def _member_roles(value: Any) -> list[MemberRole]:
    if value is None:
        return [MemberRole(name, json.dumps(ALLOW_ALL)) for name in DEFAULT_MEMBER_ROLES]
    roles = []
    for index, item in enumerate(_list(value, "organization.member_roles")):
        where = f"organization.member_roles[{index}]"
        if isinstance(item, str):
            item = {"name": item}
        item = _mapping(item, where, ("name", "policy"))
        name = _text(item.get("name"), f"{where}.name", 1, 64)
        if not ROLE_NAME.fullmatch(name):
            raise ValueError(f"{where}.name: {name!r} is not an IAM role name")
        policy = item.get("policy", ALLOW_ALL)
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except ValueError:
                raise ValueError(f"{where}.policy is not a JSON policy document") from None
        _mapping(policy, f"{where}.policy", ("Version", "Id", "Statement"))
        problem = policy_problem(json.dumps(policy))
        if problem:
            raise ValueError(f"{where}.policy: moto's IAM refuses it: {problem}")
        roles.append(MemberRole(name, json.dumps(policy)))
    names = [role.name for role in roles]
    if len(set(names)) != len(names):
        raise ValueError(f"organization.member_roles: a role name appears twice in {names}")
    return roles


class _Units:
    """The unit tree of a section: paths (parents first) and the unit of each account named in it."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.parent_of: dict[str, str] = {}

    def walk(self, items: Any, parent: str, where: str, depth: int) -> None:
        names: set[str] = set()
        for index, item in enumerate(_list(items, where)):
            here = f"{where}[{index}]"
            item = _mapping(item, here, UNIT_KEYS)
            name = _text(item.get("name"), f"{here}.name")
            if "/" in name:
                raise ValueError(f"{here}.name: {name!r}: unit names cannot hold '/' (the seed's path separator)")
            if name in names:
                raise ValueError(f"{here}.name: two units named {name!r} under the same parent (AWS refuses it)")
            if depth > MAX_UNIT_DEPTH:
                raise ValueError(f"{here}: AWS Organizations nests units at most {MAX_UNIT_DEPTH} levels deep")
            names.add(name)
            path = f"{parent}/{name}" if parent else name
            self.paths.append(path)
            for number, value in enumerate(_list(item.get("accounts"), f"{here}.accounts")):
                ident = account_id(value, f"{here}.accounts[{number}]")
                if ident in self.parent_of:
                    raise ValueError(
                        f"{here}.accounts[{number}]: account {ident} is already in "
                        f"{self.parent_of[ident] or 'the root'} (an account has one parent)"
                    )
                self.parent_of[ident] = path
            self.walk(item.get("units"), path, f"{here}.units", depth + 1)


def _joined_times(accounts: list[OrganizationAccount]) -> None:
    seen: dict[datetime, str] = {}
    for account in accounts:
        other = seen.setdefault(account.joined, account.account_id)
        if other != account.account_id:
            raise ValueError(
                f"organization: accounts {other} and {account.account_id} join at the same time "
                f"({account.joined.isoformat()}); ListAccounts pages by JoinedTimestamp, give them different ones"
            )


def parse(section: Any) -> OrganizationPlan:
    """Check an ``organization:`` section; ValueError naming the place of the first problem."""
    section = _mapping(section, "organization", KEYS)
    management = account_id(section.get("management_account"), "organization.management_account")
    feature_set = _choice(section.get("feature_set", "ALL"), FEATURE_SETS, "organization.feature_set")
    roles = _member_roles(section.get("member_roles"))
    units = _Units()
    units.walk(section.get("units"), "", "organization.units", 1)
    details: dict[str, dict[str, Any]] = {}
    given = section.get("accounts") or {}
    if not isinstance(given, dict):
        raise ValueError("organization.accounts must be a mapping of account ids to {name, email, state}")
    for key, value in given.items():
        ident = account_id(key, f"organization.accounts key {key!r}")
        if ident in details:
            raise ValueError(f"organization.accounts: account {ident} appears twice")
        details[ident] = _mapping(value or {}, f"organization.accounts[{ident}]", ACCOUNT_KEYS)
    order = [management] + [i for i in details if i != management]
    order += [i for i in units.parent_of if i not in details and i != management]
    accounts = [
        _account(ident, details.get(ident, {}), units.parent_of.get(ident, ""), management, position)
        for position, ident in enumerate(order)
    ]
    chime_seed: dict[str, Any] = {"voice_connectors": []}
    for index, spec in enumerate(_list(section.get("generate_accounts"), "organization.generate_accounts")):
        accounts += _generate(spec, f"organization.generate_accounts[{index}]", units.paths, len(accounts), chime_seed)
    if len(accounts) > MAX_ACCOUNTS:
        raise ValueError(f"organization: {len(accounts)} accounts; at most {MAX_ACCOUNTS}")
    seen: set[str] = set()
    for account in accounts:
        if account.account_id in seen:
            raise ValueError(f"organization: account {account.account_id} is given twice (generated ids included)")
        seen.add(account.account_id)
    _joined_times(accounts)
    return OrganizationPlan(management, feature_set, units.paths, accounts, roles, chime_seed)


def _account(ident: str, item: dict[str, Any], parent: str, management: str, position: int) -> OrganizationAccount:
    where = f"organization.accounts[{ident}]"
    own = ident == management
    name = _text(item.get("name", DEFAULT_MANAGEMENT_NAME if own else f"Account {ident}"), f"{where}.name")
    email = _email(item.get("email", DEFAULT_MANAGEMENT_EMAIL if own else f"{ident}@example.com"), f"{where}.email")
    state = _choice(item.get("state", "ACTIVE"), _enum("AccountState"), f"{where}.state")
    if own and state != "ACTIVE":
        raise ValueError(f"{where}.state: the management account is ACTIVE, not {state}")
    status = _choice(item.get("status", STATUS_OF_STATE[state]), _enum("AccountStatus"), f"{where}.status")
    joined = _timestamp(item["joined"], f"{where}.joined") if "joined" in item else DEFAULT_JOINED
    if "joined" not in item:
        joined += JOINED_STEP * position
    return OrganizationAccount(ident, name, email, state, status, joined, parent)


def _generate(
    spec: Any, where: str, unit_paths: list[str], position: int, chime_seed: dict[str, Any]
) -> list[OrganizationAccount]:
    """The accounts of one ``generate_accounts`` entry; their voice connectors go to ``chime_seed``."""
    spec = _mapping(spec, where, GENERATE_KEYS)
    count = _integer(spec.get("count"), f"{where}.count", 1, MAX_ACCOUNTS)
    first = int(account_id(spec.get("first_id"), f"{where}.first_id"))
    if first + count - 1 > 999_999_999_999:
        raise ValueError(f"{where}: {count} ids from {first:012d} go past 999999999999")
    parents = spec.get("unit", "")
    parents = [parents] if isinstance(parents, str) else _list(parents, f"{where}.unit")
    for parent in parents:
        if parent != "" and parent not in unit_paths:
            raise ValueError(f"{where}.unit: {parent!r} is not a unit of organization.units (paths: {unit_paths})")
    if not parents:
        raise ValueError(f"{where}.unit: an empty list; leave it out for the root")
    state = _choice(spec.get("state", "ACTIVE"), _enum("AccountState"), f"{where}.state")
    status = _choice(spec.get("status", STATUS_OF_STATE[state]), _enum("AccountStatus"), f"{where}.status")
    base = _timestamp(spec["joined"], f"{where}.joined") if "joined" in spec else None
    name_template = spec.get("name", "Account {id}")
    email_template = spec.get("email", "{id}@example.com")
    connector = _connector_template(spec.get("connector"), f"{where}.connector")
    accounts = []
    for index in range(count):
        ident = f"{first + index:012d}"
        name = _text(_template(name_template, f"{where}.name", id=ident, index=index), f"{where}.name")
        email = _email(_template(email_template, f"{where}.email", id=ident, index=index), f"{where}.email")
        joined = base + JOINED_STEP * index if base is not None else DEFAULT_JOINED + JOINED_STEP * (position + index)
        accounts.append(OrganizationAccount(ident, name, email, state, status, joined, parents[index % len(parents)]))
        if connector is not None:
            chime_seed["voice_connectors"].append(_connector(connector, ident, index))
    return accounts


@dataclass(frozen=True)
class _ConnectorTemplate:
    regions: Any
    id_prefix: str
    name: str
    sessions: int
    statuses: tuple[str, ...]
    phone_numbers: int
    expiry_minutes: int
    created: datetime
    proxy: bool


def _connector_template(value: Any, where: str) -> _ConnectorTemplate | None:
    if value is None:
        return None
    value = _mapping(value, where, CONNECTOR_KEYS)
    regions = value.get("regions", ["us-east-1"])
    if regions != "*" and (
        not isinstance(regions, list) or not regions or not all(isinstance(r, str) and r for r in regions)
    ):
        raise ValueError(f"{where}.regions: {regions!r} must be '*' or a list of region names")
    prefix = value.get("id_prefix", DEFAULT_CONNECTOR_PREFIX)
    if not isinstance(prefix, str) or not CONNECTOR_PREFIX.fullmatch(prefix):
        raise ValueError(f"{where}.id_prefix: {prefix!r} must be 1 to 10 lowercase letters and digits")
    statuses = value.get("status", list(DEFAULT_SESSION_STATUSES))
    statuses = [statuses] if isinstance(statuses, str) else _list(statuses, f"{where}.status")
    if not statuses:
        raise ValueError(f"{where}.status: an empty list")
    for status in statuses:
        _choice(status, SESSION_STATUSES, f"{where}.status")
    proxy = value.get("proxy", True)
    if not isinstance(proxy, bool):
        raise ValueError(f"{where}.proxy: {proxy!r} must be true or false")
    name = value.get("name", "Connector of {id}")
    _template(name, f"{where}.name", id="000000000000", index=0)
    template = _ConnectorTemplate(
        regions=regions,
        id_prefix=prefix,
        name=name,
        sessions=_integer(value.get("sessions", 0), f"{where}.sessions", 0, MAX_GENERATED_SESSIONS),
        statuses=tuple(statuses),
        phone_numbers=_integer(value.get("phone_numbers", 0), f"{where}.phone_numbers", 0, MAX_GENERATED_NUMBERS),
        expiry_minutes=_integer(value.get("expiry_minutes", 60), f"{where}.expiry_minutes", 1, 10**6),
        created=_timestamp(value.get("created", DEFAULT_CREATED), f"{where}.created"),
        proxy=proxy,
    )
    if template.sessions and not proxy:
        raise ValueError(f"{where}: sessions need a proxy configuration (proxy: true)")
    return template


def connector_id(prefix: str, ident: str) -> str:
    """The voice connector id of a generated account: ``orgvc00000100000000007`` for 100000000007."""
    return f"{prefix}{ident:0>{CONNECTOR_ID_LENGTH - len(prefix)}}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _connector(template: _ConnectorTemplate, ident: str, index: int) -> dict[str, Any]:
    """One generated account's voice connector, as a voice_connectors entry of a Chime seed."""
    # Fictional numbers (555-0100 to 555-0199) of an area code the demo seed does not use.
    numbers = [f"+1918555{100 + n:04d}" for n in range(template.phone_numbers)]
    proxy_number = numbers[0] if numbers else "+19185550199"
    sessions = []
    for number in range(template.sessions):
        created = template.created + timedelta(minutes=number)
        status = template.statuses[number % len(template.statuses)]
        session: dict[str, Any] = {
            "ProxySessionId": f"{ident}-{number:04d}",
            "Status": status,
            "ExpiryMinutes": template.expiry_minutes,
            "Capabilities": ["Voice", "SMS"],
            "CreatedTimestamp": _iso(created),
            "Participants": [
                {"PhoneNumber": f"+1206{number:07d}", "ProxyPhoneNumber": proxy_number},
                {"PhoneNumber": f"+1401{number:07d}", "ProxyPhoneNumber": proxy_number},
            ],
        }
        if status == "Closed":
            session["EndedTimestamp"] = _iso(created + timedelta(minutes=template.expiry_minutes))
        sessions.append(session)
    connector: dict[str, Any] = {
        "VoiceConnectorId": connector_id(template.id_prefix, ident),
        "Name": template.name.format_map({"id": ident, "index": index}),
        "account": ident,
        "region": template.regions,
        "CreatedTimestamp": _iso(template.created),
        "ProxySessions": sessions,
        "PhoneNumbers": [{"E164PhoneNumber": e164, "CreatedTimestamp": _iso(template.created)} for e164 in numbers],
    }
    if template.proxy:
        connector["Proxy"] = {
            "DefaultSessionExpiryMinutes": template.expiry_minutes,
            "PhoneNumberPoolCountries": ["US"],
        }
    return connector


# ------------------------------------------------------------------ moto
def apply(plan: OrganizationPlan | None) -> dict[str, Any] | None:
    """Replace the organisation in moto with ``plan`` (None: no organisation); what it made, with moto's ids."""
    from . import moto_shim  # pylint: disable=import-outside-toplevel

    if plan is None:
        moto_shim.remove_organizations()
        return None
    ids = moto_shim.replace_organization(
        plan.management_account, plan.feature_set, plan.units, plan.accounts, plan.member_roles
    )
    return {
        "management_account": plan.management_account,
        "root": ids[""],
        "units": {path: ids[path] for path in plan.units},
        "accounts": len(plan.accounts),
    }


# ------------------------------------------------------------------ answers
class OrganizationsAnswers:
    """moto's app for requests signed for ``organizations``, with its IAM refusals answered in JSON."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = json_refusal(call_app(self.app, environ))
        start_response(status, headers)
        return [body]


def json_refusal(answer: Answer) -> Answer:
    """An XML IAM refusal of moto's (403, ``<Code>AccessDenied</Code>``) as the JSON protocol's error; else as is."""
    status, _headers, body = answer
    if not status.startswith("403") or b"<ErrorResponse" not in body:
        return answer
    text = body.decode("utf-8", "replace")
    code = re.search(r"<Code>([^<]*)</Code>", text)
    message = re.search(r"<Message>([^<]*)</Message>", text)
    error_type = JSON_ERRORS.get(code.group(1) if code else "")
    if error_type is None:
        return answer
    payload = json.dumps({"__type": error_type, "Message": html.unescape(message.group(1) if message else "")}).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("Content-Length", str(len(payload))),
        ("x-amzn-RequestId", str(uuid4())),
    ]
    return status_line(JSON_ERROR_STATUS), headers, payload
