# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
name: aws_organization
version_added: 1.2.0
short_description: The accounts of an AWS organisation as hosts, grouped by organizational unit
description:
  - One host per account of the caller's AWS organisation that is in scope, named by its account ID, with the
    account's name, email, OU path, state and the ARN of the member role to reach it with as host variables, and
    one group per organizational unit (OU). A playbook then runs once per account (C(hosts=all),
    C(connection=local)), as many accounts at once as it has forks, and AWX's job slicing spreads the accounts over
    execution nodes. See R(Auditing the whole account,ansible_collections.telephony.chime.docsite.inventory).
  - The accounts are found with the same code and rules as the
    O(telephony.chime.chime_proxy_inventory#module:organization) option of M(telephony.chime.chime_proxy_inventory),
    with the inventory's own credentials. C(organizations:ListRoots), C(organizations:ListOrganizationalUnitsForParent) and
    C(organizations:ListAccountsForParent) walk the organisation from its roots, or from O(organizational_units),
    down to every depth, every page of every listing; with O(organizational_units), C(organizations:ListParents)
    and C(organizations:DescribeOrganizationalUnit) read the path above each. Every request waits its turn at one
    pace and goes through the collection's retry layer, so a throttled answer is sent again rather than failing
    the inventory (see R(Failures and retries,ansible_collections.telephony.chime.docsite.failures)).
  - C(sts:GetCallerIdentity) (which needs no permission) tells the account of the inventory's credentials. That
    account, when it is in scope, is read with those credentials, not through O(member_role_name), since AWS
    creates the member role (C(OrganizationAccountAccessRole)) in member accounts only; its host has
    C(chime_own_account=true) and C(chime_role_arn=null) (with O(assume_role_arn), that role's ARN, the way the
    inventory reached it).
  - Only accounts whose state is C(ACTIVE) are hosts unless O(include_suspended=true); the state is the account's
    C(State) (AWS retired C(Status) on 2026-09-09). The accounts of O(skip_organizational_units) and
    O(skip_accounts) are not hosts either. Every account found and left out is listed, with the reason, in the
    C(chime_accounts_left_out) variable of the C(all) group, and counted in a message shown with C(-v).
  - Every option is checked before any request is sent, against the C(organizations) and C(sts) service models
    that the installed botocore ships; a broken rule fails the inventory naming the option.
  - The inventory file is a YAML file whose name ends with C(aws_organization.yml) or C(aws_organization.yaml)
    (for example C(org.aws_organization.yml)) that sets O(plugin) to V(telephony.chime.aws_organization).
  - "Host variables, for every host: C(chime_account_id); C(chime_account_name); C(chime_account_email);
    C(chime_account_state) (C(ACTIVE), or another state with O(include_suspended=true)); C(chime_account_arn), the
    account's ARN in the organisation; C(chime_ou_path), the names of the root and OUs above the account,
    C(/)-separated (V(Root/Telephony/Prod)); C(chime_parent_id), the ID of the root or OU the account is directly
    in; C(chime_own_account), whether it is the account of the inventory's credentials; C(chime_role_arn), the
    ARN of O(member_role_name) in the account, in the partition of the account's own ARN
    (V(arn:aws-us-gov:iam::111122223333:role/ChimeAudit) in AWS GovCloud (US)), null for the inventory's own
    account; C(chime_external_id) and C(chime_role_session_name), O(external_id) and O(role_session_name) to
    assume it with (null for the inventory's own account)."
  - "Variables of the C(all) group: C(chime_accounts_left_out), each account found and not a host, with its
    C(account_id), C(name), C(email), C(ou_path), C(state) and C(reason); C(chime_accounts_found), how many
    accounts were found, hosts and left out together; C(chime_caller_account_id), the account of the inventory's
    credentials."
  - "Groups: one per OU of each account's path, C(ou_) followed by the path's names joined with C(_), each name
    lowercased, each run of characters other than letters, digits and C(_) replaced by one C(_), and C(_) at either
    end of a name dropped (a name with nothing left is C(_)): C(Root/Telephony/Prod) gives C(ou_root),
    C(ou_root_telephony) and C(ou_root_telephony_prod). An account is a host of the group of the OU it is
    directly in, and each OU's group is a child of its parent OU's group, so C(hosts: ou_root_telephony) takes
    the accounts of Telephony and of every OU below it, at any depth, and C(group_names) lists every OU above an
    account. Two paths whose names give the same group name share it; C(chime_parent_id) (with O(keyed_groups))
    tells OUs apart exactly."
  - O(compose), O(groups) and O(keyed_groups) (Ansible's C(constructed) features) apply on top, over these host
    variables.
  - With O(cache=true), the accounts found are kept in the cache plugin for O(cache_timeout) seconds as amazon.aws's
    inventory plugins keep theirs, keyed by the inventory file's path. A parse within that time sends no request
    (not even C(sts:GetCallerIdentity)); C(ansible-inventory --flush-cache) or the C(refresh_inventory) meta task
    discovers again. The key does not hold the options, so after changing the scope options of a file whose cache is
    still valid, flush the cache.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  plugin:
    description:
      - The name of this plugin; the file is this plugin's when it is set to this.
    required: true
    type: str
    choices: ["telephony.chime.aws_organization"]
  member_role_name:
    description:
      - The role that the playbook assumes in each account, by name (with its path, if it has one);
        C(chime_role_arn) is its ARN in each account, C(arn:PARTITION:iam::ACCOUNT_ID:role/NAME), in the partition
        of the account's own ARN.
      - The inventory never assumes it; it reads the organisation with its own credentials only.
    type: str
    required: true
  organizational_units:
    description:
      - OU or root IDs (V(ou-...), V(r-...)) whose accounts, at any depth, are hosts; without it, the whole
        organisation.
    type: list
    elements: str
    default: []
  skip_organizational_units:
    description:
      - OU IDs whose accounts, at any depth, are left out.
    type: list
    elements: str
    default: []
  skip_accounts:
    description:
      - Account IDs (12 digits, quoted in YAML) left out.
    type: list
    elements: str
    default: []
  include_suspended:
    description:
      - Make hosts of the accounts whose state is not C(ACTIVE) too (C(SUSPENDED), C(PENDING_CLOSURE), ...).
    type: bool
    default: false
  external_id:
    description:
      - The external ID that the member role's trust policy asks for (C(AssumeRole) C(ExternalId)); given to each
        member account's host as C(chime_external_id).
    type: str
  role_session_name:
    description:
      - The role session name to assume the member role with (C(AssumeRole) C(RoleSessionName)), seen in each
        account's CloudTrail; given to each member account's host as C(chime_role_session_name).
    type: str
    default: telephony-chime-inventory
notes:
  - Needs C(organizations:ListRoots), C(organizations:ListOrganizationalUnitsForParent) and
    C(organizations:ListAccountsForParent) for the inventory's credentials, and with O(organizational_units) also
    C(organizations:ListParents) and C(organizations:DescribeOrganizationalUnit); see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam). Only the management account or a delegated
    administrator of AWS Organizations can list an organisation.
  - A failed discovery (access denied, no organisation, a repeated C(NextToken)) fails the inventory with the
    reason; by Ansible's defaults a playbook then runs on no host with a warning. Set
    C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) (C(unparsed_is_failed) in the C([inventory]) section of C(ansible.cfg))
    to make it an error.
  - O(endpoint_url) is AWS Organizations' endpoint here, the only service the plugin lists. Without it,
    Organizations' endpoint is botocore's own choice, which C(AWS_ENDPOINT_URL_ORGANIZATIONS) or a profile's
    C(services) section changes, as for M(telephony.chime.chime_proxy_inventory)'s
    O(telephony.chime.chime_proxy_inventory#module:organization) option. C(sts:GetCallerIdentity) always goes to
    botocore's own STS endpoint (C(AWS_ENDPOINT_URL_STS)), as in the modules.
  - Organizations has one endpoint per partition; O(region) tells the partition (V(us-gov-west-1) for AWS GovCloud
    (US), V(cn-northwest-1) for China). Without it (or C(AWS_REGION), or a profile's region), V(us-east-1), where
    the C(aws) partition's endpoint is.
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
"""

EXAMPLES = r"""
---
# org.aws_organization.yml: every ACTIVE account of the organisation, reached through its
# OrganizationAccountAccessRole; the accounts found kept for an hour in a JSON file cache.
plugin: telephony.chime.aws_organization
member_role_name: OrganizationAccountAccessRole
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible/aws_organization
cache_timeout: 3600

---
# telephony.aws_organization.yml: the accounts under one OU, except one sub-OU and one account, each reached
# through a role of its own with an external ID; groups by state and by direct parent on top of the OU groups.
plugin: telephony.chime.aws_organization
member_role_name: audit/ChimeAudit
external_id: telephony-audit
organizational_units:
  - ou-ab12-11111111
skip_organizational_units:
  - ou-ab12-33333333
skip_accounts:
  - "555555555555"
keyed_groups:
  - key: chime_account_state
    prefix: state
  - key: chime_parent_id
    prefix: parent
compose:
  audit_dir: "'/srv/audit/' ~ chime_account_id"
groups:
  management: chime_own_account

# Then, per account: ansible-playbook telephony.chime.proxy_inventory_per_account -i org.aws_organization.yml
"""

import re
from dataclasses import asdict
from typing import Any
from typing import Dict
from typing import List
from typing import NoReturn

try:
    import botocore.exceptions
    import botocore.session
except ImportError:
    pass  # amazon.aws's require_aws_sdk says so.

from ansible.errors import AnsibleParserError
from ansible.utils.display import Display
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import STS_RETRIES
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import client_config
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import reason_of
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import Discovered
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import OrgAccount
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import OrganizationScope
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import discover
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import organization_specs
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import scope_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import Pace

display = Display()

# The options that are the module's organization suboptions, under the same names.
SCOPE_OPTIONS = (
    "member_role_name",
    "organizational_units",
    "skip_organizational_units",
    "skip_accounts",
    "include_suspended",
    "external_id",
    "role_session_name",
)
LIST_OPTIONS = ("organizational_units", "skip_organizational_units", "skip_accounts")
# scope_violations names the module's option, organization.NAME; here each is an option of its own.
MODULE_PREFIX = "organization."
OU_GROUP_PREFIX = "ou"
# Without a region: where AWS Organizations (and STS) of the aws partition answer.
DEFAULT_REGION = "us-east-1"
NOT_A_NAME = re.compile(r"\W+")


def ou_group_names(ou_path: str) -> List[str]:
    """The group of each OU along a path, from the root down: Root/Telephony/Prod gives ou_root, ou_root_telephony,
    ou_root_telephony_prod (lowercased; each run of characters other than letters, digits and _ one _; _ at
    either end of a name dropped; a name with nothing left is _)."""
    groups = []
    name = OU_GROUP_PREFIX
    for segment in ou_path.split("/"):
        name = f"{name}_{NOT_A_NAME.sub('_', segment.lower()).strip('_') or '_'}"
        groups.append(name)
    return groups


def item_violations(options: Dict[str, Any]) -> List[str]:
    """The lists' items must be strings before the models are asked (Ansible's configuration makes each option a
    list, a string option a string, but leaves the items as YAML read them: an unquoted account ID is a number)."""
    errors = []
    for key in LIST_OPTIONS:
        for index, item in enumerate(options[key]):
            if not isinstance(item, str):
                errors.append(f"{key}[{index}] must be a string (quote IDs in YAML), got {item!r}")
    return errors


def failure(error: AnsibleChimeError) -> str:
    """Why a request failed: the helpers' words and AWS's code and message, or the SDK's own words when no answer came
    (no credentials, no region, the endpoint's address)."""
    reason = reason_of(error)
    if error.exception is not None and not getattr(error.exception, "response", None):
        return f"{reason}: {error.exception}"
    return reason


class InventoryModule(AWSInventoryBase):
    NAME = "telephony.chime.aws_organization"
    INVENTORY_FILE_SUFFIXES = ("aws_organization.yml", "aws_organization.yaml")

    def _do_fail(self, message: str) -> NoReturn:
        raise AnsibleParserError(message)

    def _scope_option(self) -> Dict[str, Any]:
        return {key: self.get_option(key) for key in SCOPE_OPTIONS}

    def _read_config_data(self, path: str) -> Any:
        """The file's options, checked before anything is sent (AWSInventoryBase assumes assume_role_arn next)."""
        config = super()._read_config_data(path)
        option = self._scope_option()
        errors = item_violations(option)
        if not errors:
            models = botocore.session.Session()
            errors = scope_violations(
                models.get_service_model("organizations"), models.get_service_model("sts"), option
            )
        if errors:
            named = [e[len(MODULE_PREFIX) :] if e.startswith(MODULE_PREFIX) else e for e in errors]
            raise AnsibleParserError(f"{path}: " + "; ".join(named))
        return config

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache=cache)
        scope = OrganizationScope.from_option(self._scope_option())
        was_cached, found = self.get_cached_result(path, cache)
        if not was_cached:
            found = self._discover(scope)
        self._populate(found, scope)
        self.update_cached_result(path, cache, found)

    # --- requests --------------------------------------------------------------------------------------------------

    def _organizations_client(self) -> Any:
        """An AWS Organizations client made as amazon.aws's inventory plugins make theirs (credentials, profile,
        assume_role_arn, endpoint_url), botocore's retries off and the collection's pace attached, so that the retry
        layer of organizations.discover is the only one, as in the modules. Organizations' endpoint is in us-east-1
        for the aws partition; a configured endpoint (AWS_ENDPOINT_URL_ORGANIZATIONS) needs a region to sign for."""
        client = self.client("organizations", region=self.region or DEFAULT_REGION, config=client_config(1))
        return Pace("AWS Organizations").attach(client)

    def _caller_account_id(self) -> str:
        """The account of the inventory's credentials (sts:GetCallerIdentity), at botocore's own STS endpoint."""
        config = client_config(1, retries=STS_RETRIES)
        sts = self.client("sts", region=self.region or DEFAULT_REGION, endpoint=None, config=config)
        try:
            return sts.get_caller_identity()["Account"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail_aws("Could not tell the account of the inventory's credentials (sts:GetCallerIdentity)", e)

    def _discover(self, scope: OrganizationScope) -> Dict[str, Any]:
        """The organisation's accounts as organizations.discover finds them, and the caller's account: what the cache
        keeps (plain data, so that any cache plugin can store it)."""
        try:
            discovered = discover(self._organizations_client(), scope)
        except AnsibleChimeError as e:
            self.fail_aws(f"Could not discover the organisation's accounts: {failure(e)}")
        return {
            "caller_account_id": self._caller_account_id(),
            "found": discovered.found,
            "accounts": [asdict(account) for account in discovered.accounts],
            "left_out": discovered.left_out,
        }

    # --- the inventory ---------------------------------------------------------------------------------------------

    def _ou_groups(self, ou_path: str) -> str:
        """The groups of a path's OUs, each a child of the one above; the group of the OU at its end."""
        parent = None
        for group in ou_group_names(ou_path):
            self.inventory.add_group(group)
            if parent is not None:
                self.inventory.add_child(parent, group)
            parent = group
        return parent

    def _populate(self, found: Dict[str, Any], scope: OrganizationScope) -> None:
        discovered = Discovered(
            accounts=[OrgAccount(**account) for account in found["accounts"]],
            left_out=found["left_out"],
            found=found["found"],
        )
        caller = found["caller_account_id"]
        inventory_role = self.get_option("assume_role_arn")
        strict = self.get_option("strict")
        specs = organization_specs(discovered, scope, caller)
        for account, spec in zip(discovered.accounts, specs):
            host = account.account_id
            self.inventory.add_host(host, group=self._ou_groups(account.ou_path))
            own = spec.role_arn is None
            host_vars = {
                "chime_account_id": account.account_id,
                "chime_account_name": account.name,
                "chime_account_email": account.email,
                "chime_account_state": account.state,
                "chime_account_arn": account.arn,
                "chime_ou_path": account.ou_path,
                "chime_parent_id": account.parent_id,
                "chime_own_account": own,
                "chime_role_arn": (inventory_role or None) if own else spec.role_arn,
                "chime_external_id": spec.external_id,
                "chime_role_session_name": spec.role_session_name,
            }
            for key, value in host_vars.items():
                self.inventory.set_variable(host, key, value)
            host_vars = self.inventory.get_host(host).get_vars()
            self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, host, strict=strict)
        self.inventory.set_variable("all", "chime_accounts_left_out", discovered.left_out)
        self.inventory.set_variable("all", "chime_accounts_found", discovered.found)
        self.inventory.set_variable("all", "chime_caller_account_id", caller)
        display.v(self._account_count(discovered))

    @staticmethod
    def _account_count(discovered: Discovered) -> str:
        message = (
            f"aws_organization: {discovered.found} account(s) found, {len(discovered.accounts)} in scope (hosts),"
            f" {len(discovered.left_out)} left out"
        )
        left_out = "; ".join(f"{item['account_id']} {item['reason']}" for item in discovered.left_out)
        return f"{message}: {left_out}" if left_out else message
