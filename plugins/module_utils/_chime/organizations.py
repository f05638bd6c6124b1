# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The accounts of an AWS organisation, discovered with the caller's own credentials (AWS Organizations).

The organisation is walked from its roots, or from the organizational units asked for, down to every depth:
ListOrganizationalUnitsForParent gives each unit's name (ListChildren gives ids only), so every account comes with
its OU path ("Root/Telephony/Prod"); ListAccountsForParent gives the accounts of each parent. Every page of every
listing is read (20 a page, the model's most), each request through the retry layer and the pace of the
Organizations endpoint. The path of a unit asked for by id is read upwards (ListParents, DescribeOrganizationalUnit).

An account's state is its State member: AWS retired the Status member on 2026-09-09 (the model says so), so Status
only stands in for an answer without State. Only ACTIVE accounts are in scope unless include_suspended; the accounts
of a unit in skip_organizational_units and those of skip_accounts are left out. Every account found that is not in
scope is reported with the reason, so that an audit never says "complete" over an account it did not read.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from .accounts import AccountSpec
from .accounts import account_specs
from .errors import AnsibleChimeError
from .errors import call_about
from .paging import every_page
from .retries import chime_retry
from .validation import shape_violations

try:
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

# The most items a page of the Organizations listings may hold (the model's MaxResults maximum).
PAGE_SIZE = 20
ACTIVE = "ACTIVE"
# A role's name, with an optional path (IAM's rules for both).
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}|([\w+=,.@-]+/)+[\w+=,.@-]{1,64}")
ACCOUNT_ARN = re.compile(r"arn:(aws[a-z-]*):organizations::\d{12}:account/.+")


@dataclass
class OrganizationScope:
    """The organization option: which accounts are in scope, and the role to reach each with."""

    member_role_name: str
    organizational_units: List[str] = field(default_factory=list)
    skip_organizational_units: List[str] = field(default_factory=list)
    skip_accounts: List[str] = field(default_factory=list)
    include_suspended: bool = False
    external_id: Optional[str] = None
    role_session_name: Optional[str] = None

    @classmethod
    def from_option(cls, option: Dict[str, Any]) -> "OrganizationScope":
        return cls(
            member_role_name=option["member_role_name"],
            organizational_units=list(dict.fromkeys(option.get("organizational_units") or [])),
            skip_organizational_units=list(option.get("skip_organizational_units") or []),
            skip_accounts=list(option.get("skip_accounts") or []),
            include_suspended=bool(option.get("include_suspended")),
            external_id=option.get("external_id"),
            role_session_name=option.get("role_session_name"),
        )


@dataclass
class OrgAccount:
    """An account of the organisation as discovered: its id, name, email, state, OU path and direct parent."""

    account_id: str
    name: Optional[str]
    email: Optional[str]
    state: Optional[str]
    arn: Optional[str]
    ou_path: str
    parent_id: str

    @property
    def partition(self) -> str:
        match = ACCOUNT_ARN.fullmatch(self.arn or "")
        return match.group(1) if match else "aws"

    def role_arn(self, member_role_name: str) -> str:
        """The member role's ARN in this account, in the partition of the account's own ARN."""
        return f"arn:{self.partition}:iam::{self.account_id}:role/{member_role_name}"

    def details(self) -> Dict[str, Any]:
        return {"name": self.name, "email": self.email, "ou_path": self.ou_path, "state": self.state}


@dataclass
class Discovered:
    """What the walk found: the accounts in scope (in the order walked), those left out with why, and how many."""

    accounts: List[OrgAccount] = field(default_factory=list)
    left_out: List[Dict[str, Any]] = field(default_factory=list)
    found: int = 0


def scope_violations(organizations_model: Any, sts_model: Any, option: Optional[Dict[str, Any]]) -> List[str]:
    """One message per broken rule of the organization option, naming it: the Organizations model's id patterns,
    STS's AssumeRole rules, an IAM role name."""
    if option is None:
        return []
    errors = []
    parent = organizations_model.operation_model("ListAccountsForParent").input_shape.members["ParentId"]
    account = organizations_model.operation_model("DescribeAccount").input_shape.members["AccountId"]
    for key in ("organizational_units", "skip_organizational_units"):
        for index, value in enumerate(option.get(key) or []):
            for problem in shape_violations(parent, value):
                errors.append(f"organization.{key}[{index}] (an OU or root id, ParentId) {problem}, got {value!r}")
    for index, value in enumerate(option.get("skip_accounts") or []):
        for problem in shape_violations(account, value):
            errors.append(f"organization.skip_accounts[{index}] (AccountId) {problem}, got {value!r}")
    name = option.get("member_role_name") or ""
    if ROLE_NAME.fullmatch(name) is None:
        errors.append(
            "organization.member_role_name must be an IAM role name, optionally with its path (letters, digits and"
            f" +=,.@_- in 1 to 64 characters), got {name!r}"
        )
    assume_role = sts_model.operation_model("AssumeRole").input_shape.members
    for key, member in (("external_id", "ExternalId"), ("role_session_name", "RoleSessionName")):
        value = option.get(key)
        for problem in shape_violations(assume_role[member], value) if value is not None else []:
            errors.append(f"organization.{key} (AssumeRole {member}) {problem}, got {value!r}")
    return errors


# --- requests ------------------------------------------------------------------------------------------------------

# Organizations' own answers that say more than their HTTP status. Organizations answers every error, a refusal too,
# with HTTP 400 (its model gives AccessDeniedException no status, and the JSON protocol's default is 400), which
# alone would read as an invalid request.
CAUSES = {
    "AccessDeniedException": "access denied: the principal lacks the IAM permission",
    "AWSOrganizationsNotInUseException": "the account of the module's credentials is not in an organisation",
    "ParentNotFoundException": "no such root or organizational unit in the organisation",
    "ChildNotFoundException": "no such organizational unit in the organisation",
    "OrganizationalUnitNotFoundException": "no such organizational unit in the organisation",
}


def _explain(error: Optional[BaseException]) -> Optional[str]:
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
    return CAUSES.get(code)


def _call(where: str, what: str, request: Callable[[], Any]) -> Any:
    """One request or listing about something (what, where: "accounts", "of Root/Telephony"), its failure named."""

    def attempt() -> Any:
        try:
            return request()
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleChimeError(message=f"Failed to {what}", exception=e) from e

    return call_about(where, attempt, explain=_explain)


def _all(client: Any, method: str, items_key: str, what: str, where: str, **params: Any) -> List[Dict[str, Any]]:
    """Every item of every page of an Organizations listing, each page through the retry layer."""

    @chime_retry
    def request_page(**page: Any) -> Dict[str, Any]:
        return getattr(client, method)(**page)

    return _call(
        where, f"list {what}", lambda: every_page(request_page, {**params, "MaxResults": PAGE_SIZE}, items_key, what)
    )


def _unit_name(client: Any, unit_id: str) -> str:
    @chime_retry
    def describe() -> Dict[str, Any]:
        return client.describe_organizational_unit(OrganizationalUnitId=unit_id)["OrganizationalUnit"]

    return _call(unit_id, "describe the organizational unit", describe).get("Name") or unit_id


def path_of(client: Any, parent_id: str, root_names: Dict[str, str]) -> str:
    """The OU path of a root or unit given by id, read upwards (ListParents) to its root: "Root/Telephony"."""
    names: List[str] = []
    current = parent_id
    while not current.startswith("r-"):
        names.append(_unit_name(client, current))
        parents = _all(client, "list_parents", "Parents", "the parents", f"of {current}", ChildId=current)
        current = parents[0]["Id"]
    names.append(root_names.get(current, current))
    return "/".join(reversed(names))


def _state(account: Dict[str, Any]) -> Optional[str]:
    return account.get("State") or account.get("Status")


def walk(client: Any, starts: List[Tuple[str, str]], skipped_units: List[str]) -> List[Tuple[OrgAccount, str]]:
    """Every account under the parents given (id, path), at any depth, each once; with each, the unit of
    skipped_units it lies in ("" for none)."""
    found: Dict[str, Tuple[OrgAccount, str]] = {}
    queue = [(parent_id, path, parent_id if parent_id in skipped_units else "") for parent_id, path in starts]
    seen = set()
    while queue:
        parent_id, path, skipped = queue.pop(0)
        if parent_id in seen:
            continue
        seen.add(parent_id)
        accounts = _all(
            client, "list_accounts_for_parent", "Accounts", "the accounts", f"of {path}", ParentId=parent_id
        )
        for account in accounts:
            org_account = OrgAccount(
                account_id=account["Id"],
                name=account.get("Name"),
                email=account.get("Email"),
                state=_state(account),
                arn=account.get("Arn"),
                ou_path=path,
                parent_id=parent_id,
            )
            found.setdefault(org_account.account_id, (org_account, skipped))
        units = _all(
            client,
            "list_organizational_units_for_parent",
            "OrganizationalUnits",
            "the units",
            f"of {path}",
            ParentId=parent_id,
        )
        for unit in units:
            unit_skipped = skipped or (unit["Id"] if unit["Id"] in skipped_units else "")
            queue.append((unit["Id"], f"{path}/{unit.get('Name') or unit['Id']}", unit_skipped))
    return list(found.values())


def discover(client: Any, scope: OrganizationScope) -> Discovered:
    """The organisation's accounts in scope, and those left out with their reason (the caller's own credentials)."""
    roots = _all(client, "list_roots", "Roots", "the roots", "of the organisation")
    root_names = {root["Id"]: root.get("Name") or root["Id"] for root in roots}
    if scope.organizational_units:
        starts = [(unit, path_of(client, unit, root_names)) for unit in scope.organizational_units]
    else:
        starts = list(root_names.items())
    result = Discovered()
    for account, skipped_unit in walk(client, starts, scope.skip_organizational_units):
        result.found += 1
        reason = None
        if skipped_unit:
            reason = f"in {skipped_unit}, one of skip_organizational_units"
        elif account.account_id in scope.skip_accounts:
            reason = "in skip_accounts"
        elif account.state != ACTIVE and not scope.include_suspended:
            reason = f"its state is {account.state or 'not given'}, not ACTIVE (include_suspended takes it in)"
        if reason is None:
            result.accounts.append(account)
        else:
            result.left_out.append({"account_id": account.account_id, **account.details(), "reason": reason})
    return result


def organization_specs(discovered: Discovered, scope: OrganizationScope, caller_account_id: str) -> List[AccountSpec]:
    """The accounts to reach: the member role in each account in scope; the caller's own account with its own
    credentials (AWS creates the member role in member accounts only, not in the management account)."""
    specs = []
    for account in discovered.accounts:
        if account.account_id == caller_account_id:
            specs.append(AccountSpec(account_id=account.account_id, details=account.details()))
        else:
            specs.append(
                AccountSpec(
                    role_arn=account.role_arn(scope.member_role_name),
                    external_id=scope.external_id,
                    role_session_name=scope.role_session_name,
                    details=account.details(),
                )
            )
    return specs


def organization_summary(discovered: Discovered, reached: int) -> Dict[str, Any]:
    """What discovery found, for the result and the JSON file: how many accounts were found, in scope and reached,
    and each one left out with why."""
    return {
        "accounts_found": discovered.found,
        "accounts_in_scope": len(discovered.accounts),
        "accounts_reached": reached,
        "accounts_left_out": discovered.left_out,
    }


def specs_from_options(params: Dict[str, Any], reacher: Any) -> Tuple[List[AccountSpec], Optional[Discovered]]:
    """The accounts a module's accounts or organization option names (organization: discovered with the caller's own
    credentials), and what discovery found (None without organization)."""
    if params["organization"] is None:
        return account_specs(params["accounts"]), None
    scope = OrganizationScope.from_option(params["organization"])
    discovered = discover(reacher.organizations_client(), scope)
    return organization_specs(discovered, scope, reacher.caller_account_id()), discovered
