# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWS accounts an organisation-wide task reads: its own credentials, a role per account, a profile per account.

A role is assumed with STS using the module's own credentials. STS's endpoint is botocore's own choice (its regional
endpoint, or AWS_ENDPOINT_URL_STS, or a profile's services section), never the module's endpoint_url, which is
Chime's. Each account's chime-sdk-voice clients get that account's credentials; a profile gets a botocore session of
its own, since a session's profile is shared by every client made from it.
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
    import botocore.exceptions
    import botocore.session
except ImportError:
    pass  # Modules are responsible for handling this.

from .client import client_config
from .client import keep_timestamps_unparsed
from .client import new_chime_client
from .errors import AnsibleChimeError
from .pace import Pace
from .validation import shape_violations

# The SDK's standard retry mode for STS (throttling, 5xx, connection errors), 3 attempts as AWS's SDKs do.
STS_RETRIES = {"mode": "standard", "total_max_attempts": 3}
# AssumeRole's members that the accounts option sets, checked against the STS model's own rules.
ROLE_MEMBERS = {"role_arn": "RoleArn", "external_id": "ExternalId", "role_session_name": "RoleSessionName"}
DEFAULT_ROLE_SESSION_NAME = "telephony-chime-inventory"
# An IAM role's ARN names its account: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/.+")
ASSUMED_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:sts::(\d{12}):assumed-role/.+")


@dataclass
class AccountSpec:
    """One item of the accounts option (or the module's own credentials when neither is set)."""

    role_arn: Optional[str] = None
    external_id: Optional[str] = None
    role_session_name: Optional[str] = None
    profile: Optional[str] = None

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
        return match.group(1) if match else None


@dataclass
class Account:
    """An account reached: its id, and what its clients are made from."""

    spec: AccountSpec
    account_id: str
    session: Any
    credentials: Dict[str, Any] = field(default_factory=dict)


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
    ) -> None:
        self.make_sts = make_sts
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
        # botocore sessions are not safe for making clients from several threads at once.
        self.lock = threading.Lock()
        self._own_session: Any = None

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

    def reach(self, spec: AccountSpec) -> Account:
        """The account of a spec: a role assumed, or the caller identity of a profile or the own credentials.

        Raises AnsibleChimeError naming the account and why it could not be reached.
        """
        try:
            with self.lock:
                session = self._session(spec.profile)
            if spec.role_arn is None:
                credentials = self.own_credentials if spec.profile is None else {}
                identity = self._sts(session, credentials).get_caller_identity()
                return Account(spec, identity["Account"], session, credentials)
            params = {"RoleArn": spec.role_arn, "RoleSessionName": spec.role_session_name or DEFAULT_ROLE_SESSION_NAME}
            if spec.external_id is not None:
                params["ExternalId"] = spec.external_id
            answer = self._sts(session, self.own_credentials).assume_role(**params)
        except botocore.exceptions.ClientError as e:
            error = e.response.get("Error", {})
            raise AnsibleChimeError(
                message=f"Could not reach {spec.label}: {error.get('Code')}: {error.get('Message')}", exception=e
            ) from e
        except botocore.exceptions.BotoCoreError as e:
            raise AnsibleChimeError(message=f"Could not reach {spec.label}: {e}", exception=e) from e
        given = answer["Credentials"]
        credentials = {
            "aws_access_key_id": given["AccessKeyId"],
            "aws_secret_access_key": given["SecretAccessKey"],
            "aws_session_token": given["SessionToken"],
        }
        match = ASSUMED_ROLE_ARN.fullmatch(answer.get("AssumedRoleUser", {}).get("Arn", ""))
        return Account(spec, match.group(1) if match else spec.known_account_id, session, credentials)

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
