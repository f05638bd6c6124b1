# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWS accounts an organisation-wide task reads: its own credentials, a role per account, a profile per account.

A role is assumed with STS using the module's own credentials. STS's endpoint is botocore's own choice (its regional
endpoint, or AWS_ENDPOINT_URL_STS, or a profile's services section), never the module's endpoint_url, which is
Chime's. Each account's chime-sdk-voice clients get that account's credentials; a profile gets a botocore session of
its own, since a session's profile is shared by every client made from it.

An assumed role's credentials are botocore's own refreshable ones, as botocore makes them for a profile's role_arn:
DeferredRefreshableCredentials whose refresh is an AssumeRoleCredentialFetcher. botocore assumes the role again before
the credentials expire (from 15 minutes before, and blocks every request from 10 minutes before), so a task never
fails on an expired token however long it runs. A role's account gets a botocore session of its own whose only
credential provider gives those credentials (a session's credentials are shared by every client made from it); it
shares the caller's data loader and a copy of its event hooks, so that it costs about a millisecond, not ten.
"""

import re
import threading
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

try:
    import boto3
    import botocore.credentials
    import botocore.exceptions
    import botocore.session
except ImportError:
    pass  # Modules are responsible for handling this.

from .client import client_config
from .client import keep_timestamps_unparsed
from .client import new_chime_client
from .concurrency import run_concurrently
from .errors import AnsibleChimeError
from .errors import reason_of
from .pace import Pace
from .validation import shape_violations

# The SDK's standard retry mode for STS (throttling, 5xx, connection errors), 3 attempts as AWS's SDKs do.
STS_RETRIES = {"mode": "standard", "total_max_attempts": 3}
# AssumeRole's members that the accounts option sets, checked against the STS model's own rules.
ROLE_MEMBERS = {"role_arn": "RoleArn", "external_id": "ExternalId", "role_session_name": "RoleSessionName"}
DEFAULT_ROLE_SESSION_NAME = "telephony-chime-inventory"
# An IAM role's ARN names its account: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/.+")


@dataclass
class AccountSpec:
    """One item of the accounts option (or the module's own credentials when neither is set)."""

    role_arn: Optional[str] = None
    external_id: Optional[str] = None
    role_session_name: Optional[str] = None
    profile: Optional[str] = None
    # An account of the organization option: its id (the caller's own, reached with its own credentials) and what
    # the organisation says of it (name, email, OU path, state).
    account_id: Optional[str] = None
    details: Optional[Dict[str, Any]] = None

    @property
    def label(self) -> str:
        if self.role_arn:
            return f"role {self.role_arn}"
        if self.profile:
            return f"profile {self.profile}"
        return "the module's own credentials"

    @property
    def known_account_id(self) -> Optional[str]:
        match = ROLE_ARN.fullmatch(self.role_arn or "")
        return match.group(1) if match else self.account_id


@dataclass
class Account:
    """An account reached: its id, and what its clients are made from."""

    spec: AccountSpec
    account_id: str
    session: Any
    credentials: Dict[str, Any] = field(default_factory=dict)


def account_options() -> Dict[str, Any]:
    """The accounts and organization options of a module that works across accounts (doc_fragments/accounts.py);
    role_session_name has no default in the spec, since each module has its own (fill_role_session_names)."""
    return {
        "accounts": dict(
            type="list",
            elements="dict",
            options=dict(
                role_arn=dict(type="str"),
                external_id=dict(type="str"),
                role_session_name=dict(type="str"),
                profile=dict(type="str"),
            ),
            mutually_exclusive=[["role_arn", "profile"]],
            required_one_of=[["role_arn", "profile"]],
            required_by={"external_id": "role_arn"},
        ),
        "organization": dict(
            type="dict",
            options=dict(
                member_role_name=dict(type="str", required=True),
                organizational_units=dict(type="list", elements="str"),
                skip_organizational_units=dict(type="list", elements="str"),
                skip_accounts=dict(type="list", elements="str"),
                include_suspended=dict(type="bool", default=False),
                external_id=dict(type="str"),
                role_session_name=dict(type="str"),
            ),
        ),
    }


def fill_role_session_names(params: Dict[str, Any], role_session_name: str) -> None:
    """The module's own role session name wherever accounts[] or organization leaves it out (one doc fragment serves
    both modules; each has its own name, so that CloudTrail tells an audit from a drain)."""
    for item in list(params.get("accounts") or []) + ([params["organization"]] if params.get("organization") else []):
        if item.get("role_session_name") is None:
            item["role_session_name"] = role_session_name


def account_specs(accounts: Optional[List[Dict[str, Any]]]) -> List[AccountSpec]:
    """The accounts option as specs; without it, the module's own credentials."""
    if not accounts:
        return [AccountSpec()]
    return [
        AccountSpec(**{k: item.get(k) for k in ("role_arn", "external_id", "role_session_name", "profile")})
        for item in accounts
    ]


def account_violations(sts_model: Any, specs: List[AccountSpec]) -> List[str]:
    """One message per broken rule of the accounts option: STS's AssumeRole rules, an IAM role ARN, duplicates."""
    errors = []
    input_shape = sts_model.operation_model("AssumeRole").input_shape
    seen: Dict[str, int] = {}
    for index, spec in enumerate(specs):
        where = f"accounts[{index}]"
        for option, member in ROLE_MEMBERS.items():
            value = getattr(spec, option)
            if value is None:
                continue
            for problem in shape_violations(input_shape.members[member], value):
                errors.append(f"{where}.{option} (AssumeRole {member}) {problem}, got {value!r}")
        if spec.role_arn and spec.known_account_id is None:
            errors.append(
                f"{where}.role_arn must be an IAM role's ARN (arn:aws:iam::ACCOUNT_ID:role/NAME), got {spec.role_arn!r}"
            )
        key = spec.role_arn or f"profile:{spec.profile}"
        if key in seen:
            errors.append(f"{where} repeats accounts[{seen[key]}] ({spec.label})")
        seen.setdefault(key, index)
    return errors


def refresh_clock() -> Any:
    """The time botocore's refreshable credentials compare their expiry with (tests move it)."""
    return botocore.credentials._local_now()  # pylint: disable=protected-access  # botocore's own default


def _now() -> Any:
    """refresh_clock as it is when the credentials ask (looked up then, so that tests can move it)."""
    return refresh_clock()


class NoCache(dict):
    """AssumeRoleCredentialFetcher's cache, kept empty: the refreshable credentials decide when to assume again."""

    def __contains__(self, key: object) -> bool:
        return False

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


class RoleClients:
    """A role's account: clients of its own botocore session, made as boto3's Session.client makes them, without
    boto3's per-session set-up (which appends boto3's data path to the shared loader and registers its handlers
    again, for every account)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def client(self, service_name: str, **kwargs: Any) -> Any:
        return self.session.create_client(service_name, **kwargs)


# What a role's session shares with the module's botocore session, through botocore's public components. Built once,
# these cost nothing per account (the data loader would otherwise read every model, endpoints.json included, again).
# The endpoint resolver and the exceptions factory are botocore's internal components (create_client reads them from
# there, and fetching them publicly is deprecated): each session builds its own, from the shared loader's cache.
SHARED_COMPONENTS = ("data_loader", "response_parser_factory")


class GivenCredentials:
    """The one credential provider of an assumed role's session (botocore's CredentialResolver asks it to load)."""

    METHOD = "assume-role"

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def load(self) -> Any:
        return self.credentials


def new_organizations_client(session: Any, region: Optional[str], config: Any, **kwargs: Any) -> Any:
    """An AWS Organizations client of a boto3 session, at the endpoint botocore chooses (AWS_ENDPOINT_URL_ORGANIZATIONS,
    services)."""
    return session.client("organizations", region_name=region, config=config, **kwargs)


def new_sts_client(session: Any, region: Optional[str], config: Any, **kwargs: Any) -> Any:
    """An STS client of a boto3 session, at the endpoint botocore chooses (AWS_ENDPOINT_URL_STS, services)."""
    return session.client("sts", region_name=region, config=config, **kwargs)


class AccountReacher:
    """Reaches the accounts from the module's connection options, one botocore session per profile.

    make_sts and make_chime build the clients (new_sts_client and client.new_chime_client); modules pass their own
    names for them so that tests can put a Stubber behind each client. Each account and region gets one client and
    its pace (pace_settings: the Pace's ceiling and patience); on_limited() is called when AWS first throttles one.
    """

    def __init__(
        self,
        botocore_session: Any,
        connect_kwargs: Dict[str, Any],
        sts_region: Optional[str],
        max_concurrency: int,
        make_sts: Callable[..., Any] = new_sts_client,
        make_chime: Callable[..., Any] = new_chime_client,
        pace_settings: Optional[Dict[str, Any]] = None,
        make_organizations: Callable[..., Any] = new_organizations_client,
    ) -> None:
        self.make_sts = make_sts
        self.make_organizations = make_organizations
        self.make_chime = make_chime
        self.botocore_session = botocore_session
        keep_timestamps_unparsed(botocore_session)
        kwargs = dict(connect_kwargs)
        self.profile = kwargs.pop("profile_name", None)
        self.user_config = kwargs.pop("aws_config", None)
        self.verify = kwargs.pop("verify", None)
        self.own_credentials = {k: v for k, v in kwargs.items() if v is not None}
        self.sts_region = sts_region
        self.max_concurrency = max_concurrency
        self.pace_settings = pace_settings or {}
        self.on_limited: Optional[Callable[[], None]] = None
        self.paces: Dict[Tuple[str, str], Pace] = {}
        self._clients: Dict[Tuple[str, str], Any] = {}
        # Accounts and regions still to be read per account (expect_units), so that a role's session is let go
        # after its account's last one; clients are let go after their own (release).
        self._pending: Dict[str, int] = {}
        # STS clients by the session they are made from and the credentials they sign with. The session itself, not
        # its id(): an id is reused once its object is let go, and the key keeps the session alive.
        self._sts_clients: Dict[Tuple[Any, Tuple[Tuple[str, Any], ...]], Any] = {}
        # botocore sessions are not safe for making clients from several threads at once. Reentrant: a role's
        # credentials may refresh (and make an STS client) in a thread already making a client.
        self.lock = threading.RLock()
        self._own_session: Any = None
        self._emitter = botocore_session.get_component("event_emitter")
        self._shared = {name: botocore_session.get_component(name) for name in SHARED_COMPONENTS}

    def _session(self, profile: Optional[str]) -> Any:
        """The boto3 session of the module's own credentials, or a new one for a profile of the accounts option."""
        if profile is None:
            if self._own_session is None:
                self._own_session = boto3.session.Session(
                    botocore_session=self.botocore_session, profile_name=self.profile
                )
            return self._own_session
        session = botocore.session.Session(profile=profile)
        keep_timestamps_unparsed(session)
        return boto3.session.Session(botocore_session=session)

    def _sts(self, session: Any, credentials: Dict[str, Any]) -> Any:
        config = client_config(1, self.user_config, retries=STS_RETRIES)
        with self.lock:
            return self.make_sts(session, self.sts_region, config, verify=self.verify, **credentials)

    def caller_account_id(self) -> str:
        """The account of the module's own credentials (sts:GetCallerIdentity, which needs no permission)."""
        try:
            with self.lock:
                session = self._session(None)
            return self._sts(session, self.own_credentials).get_caller_identity()["Account"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleChimeError(message=f"Could not tell the account of the module's own credentials: {e}") from e

    def organizations_client(self) -> Any:
        """An AWS Organizations client with the module's own credentials, its requests at a pace of their own (the
        retries are the collection's, as for Chime)."""
        config = client_config(1, self.user_config)
        with self.lock:
            session = self._session(None)
            client = self.make_organizations(
                session, self.sts_region, config, verify=self.verify, **self.own_credentials
            )
        return Pace("AWS Organizations", **self.pace_settings).attach(client)

    def reach(self, spec: AccountSpec) -> Account:
        """The account of a spec: a role assumed, or the caller identity of a profile or the own credentials.

        Raises AnsibleChimeError naming the account and why it could not be reached.
        """
        try:
            with self.lock:
                session = self._session(spec.profile)
            if spec.role_arn is None:
                credentials = self.own_credentials if spec.profile is None else {}
                if spec.account_id is not None:  # the caller's own account: the organisation gave its id
                    return Account(spec, spec.account_id, session, credentials)
                identity = self._sts(session, credentials).get_caller_identity()
                return Account(spec, identity["Account"], session, credentials)
            credentials = self._assumed(session, spec)
            credentials.get_frozen_credentials()  # the first AssumeRole: a role that cannot be assumed fails here
            return Account(spec, spec.known_account_id, self._role_session(credentials), {})
        except botocore.exceptions.ClientError as e:
            error = e.response.get("Error", {})
            raise AnsibleChimeError(
                message=f"Could not reach {spec.label}: {error.get('Code')}: {error.get('Message')}", exception=e
            ) from e
        except botocore.exceptions.BotoCoreError as e:
            raise AnsibleChimeError(message=f"Could not reach {spec.label}: {e}", exception=e) from e

    def _assumed(self, session: Any, spec: AccountSpec) -> Any:
        """botocore's refreshable credentials of a role, assumed with the caller's credentials, not yet fetched."""
        extra = {"RoleSessionName": spec.role_session_name or DEFAULT_ROLE_SESSION_NAME}
        if spec.external_id is not None:
            extra["ExternalId"] = spec.external_id
        if self.own_credentials:
            source = botocore.credentials.Credentials(
                self.own_credentials["aws_access_key_id"],
                self.own_credentials["aws_secret_access_key"],
                self.own_credentials.get("aws_session_token"),
            )
        else:
            source = session.get_credentials()
        config = client_config(1, self.user_config, retries=STS_RETRIES)

        def sts_client(service_name: str, **keys: Any) -> Any:
            # One STS client for every role assumed with the same credentials (botocore's clients are safe to share
            # between threads): a client a role, made under the lock, cost more than the AssumeRole itself.
            key = (session, tuple(sorted(keys.items())))
            with self.lock:
                if key not in self._sts_clients:
                    self._sts_clients[key] = self.make_sts(session, self.sts_region, config, verify=self.verify, **keys)
                return self._sts_clients[key]

        fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
            sts_client, source, spec.role_arn, extra_args=extra, cache=NoCache()
        )
        return botocore.credentials.DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method="assume-role", time_fetcher=_now
        )

    def _role_session(self, credentials: Any) -> Any:
        """A session of its own for a role's account, whose clients sign with the role's refreshable credentials."""
        with self.lock:
            # The module's event emitter as it is: each client copies it when it is made, and nothing registers a
            # handler on a session's own emitter here.
            session = botocore.session.Session(
                profile=self.profile, event_hooks=self._emitter, include_builtin_handlers=False
            )
            for name, component in self._shared.items():
                session.register_component(name, component)
            session.register_component(
                "credential_provider", botocore.credentials.CredentialResolver([GivenCredentials(credentials)])
            )
            return RoleClients(session)

    def chime_client(self, account: Account, region: str, endpoint_url: Optional[str]) -> Any:
        """The chime-sdk-voice client of the account in one region (timestamps unparsed, retries left to chime_retry),
        made once, with the pace every request sent there waits at."""
        key = (account.account_id, region)
        config = client_config(self.max_concurrency, self.user_config)
        with self.lock:
            made = key not in self._clients
            if made:
                pace = Pace(
                    f"account {account.account_id}, region {region}", on_limited=self._limited, **self.pace_settings
                )
                self._clients[key] = self.make_chime(
                    account.session, region, endpoint_url, config, pace=pace, verify=self.verify, **account.credentials
                )
                self.paces[key] = pace
            client = self._clients[key]
        if made and self.paces[key].holding_back:
            self._limited()  # a ceiling holds the requests back from the first one on
        return client

    def expect_units(self, units: List[Tuple[Account, str]]) -> None:
        """The accounts and regions about to be read: a role's session is let go after its account's last one."""
        with self.lock:
            for account, _region in units:
                self._pending[account.account_id] = self._pending.get(account.account_id, 0) + 1

    def release(self, account: Account, region: str) -> None:
        """An account and region is read: its client (and, after the account's last region, a role's session with
        its credentials) is let go, so that memory holds the accounts being read, not every account read. Its pace
        stays, for the figures."""
        with self.lock:
            self._clients.pop((account.account_id, region), None)
            left = self._pending.get(account.account_id, 1) - 1
            self._pending[account.account_id] = left
            if left <= 0 and isinstance(account.session, RoleClients):
                account.session = None

    def _limited(self) -> None:
        if self.on_limited is not None:
            self.on_limited()

    def holding_back(self, account: Account, region: str) -> bool:
        """Whether the pace of an account and region, not this machine, sets how fast its requests go."""
        pace = self.paces.get((account.account_id, region))
        return pace is not None and pace.holding_back

    def pace_figures(self) -> List[Dict[str, Any]]:
        """Per account and region reached, what its pace did (Pace.figures), in the order first reached."""
        with self.lock:
            paces = list(self.paces.items())
        return [{"account_id": account_id, "region": region, **pace.figures()} for (account_id, region), pace in paces]


def skipped_entry(spec: AccountSpec, account_id: Optional[str], region: Optional[str], reason: str) -> Dict[str, Any]:
    """One item of skipped: which account (its id when known, and how it was reached), which region, and why."""
    return {"account_id": account_id, "account": spec.label, "region": region, "reason": reason}


@dataclass
class Reached:
    """The accounts reached (each once, in the order of the specs), those that could not be, and repeats."""

    accounts: List[Account] = field(default_factory=list)
    skipped: List[Dict[str, Any]] = field(default_factory=list)
    repeated: List[str] = field(default_factory=list)


def reach_all(reacher: AccountReacher, specs: List[AccountSpec], threads: int) -> Reached:
    """Reach every spec, threads at once; an account reached twice is kept once (the repeat said), one that cannot
    be reached is skipped with its reason."""

    def reach(spec: AccountSpec) -> Any:
        try:
            return reacher.reach(spec)
        except AnsibleChimeError as e:
            return e

    result = Reached()
    seen: Dict[str, AccountSpec] = {}
    for spec, reached in zip(specs, run_concurrently(reach, specs, threads)):
        if isinstance(reached, AnsibleChimeError):
            result.skipped.append(skipped_entry(spec, spec.known_account_id, None, reason_of(reached)))
        elif reached.account_id in seen:
            result.repeated.append(
                f"{spec.label} reaches account {reached.account_id}, as {seen[reached.account_id].label} does:"
                " the account is read once"
            )
        else:
            seen[reached.account_id] = spec
            result.accounts.append(reached)
    return result
