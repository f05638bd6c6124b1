#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_proxy_inventory
version_added: 1.1.0
short_description: Audit Amazon Chime SDK proxy sessions across accounts and regions, written straight to files
description:
  - Gathers, for every account of O(accounts) and every region of O(regions), each voice connector with its proxy
    configuration (C(GetVoiceConnectorProxy)) and phone numbers (C(ListPhoneNumbers)), and every proxy session of
    each (C(ListProxySessions)), in one task.
  - With O(dest), writes three files into that directory with Python's C(json) and C(csv) modules, not through
    Ansible's templating, and returns only a summary, so that the task's cost does not grow with the
    organisation; see RV(files).
  - Accounts and regions are gathered at the same time, each account and region with a client of its own and at
    most O(max_concurrency) requests in flight, since AWS's rate limits are per account and region; at most
    O(max_regions) accounts and regions are gathered at once.
  - An account that cannot be reached or a region that cannot be read (no answer after the retries, access denied,
    a repeated C(NextToken)) never stops the others. It is listed in RV(skipped_regions) and in the JSON file, the
    files are written with what was read, and the task then fails naming it, unless O(allow_partial=true). A region
    is reported whole or not at all.
  - Every request goes through the same retry layer as in M(telephony.chime.chime_proxy_session_info).
    See R(Failures and retries,ansible_collections.telephony.chime.docsite.failures).
  - Every option is checked before any request is sent, against the C(chime-sdk-voice) and C(sts) service models
    that the installed botocore ships.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07; the module passes the model's deprecation
    notices on as warnings, once per task. It exists to audit what is left before migrating off them.
  - Returns data to C(register); it sets no C(ansible_facts). In check mode it gathers, writes nothing, and says
    which files it would write and whether they would change.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  regions:
    description:
      - The regions to audit in every account.
      - Each must be one of the regions AWS's model lists for voice connectors (C(CreateVoiceConnector)
        C(AwsRegion)); repeated regions are read once.
      - Without it, every one of those regions (ten in botocore 1.44).
    type: list
    elements: str
  dest:
    description:
      - A directory to write C(proxy_inventory.json), C(proxy_sessions.csv) and C(proxy_numbers.csv) into; created
        (mode C(0700)) when it does not exist.
      - Each file is written to a temporary file in O(dest) and moved into place, only when its content changed.
      - Without it, no file is written and the result carries the summary (and the sessions with
        O(return_sessions=true)).
    type: path
  mask_phone_numbers:
    description:
      - Mask every phone number in the files and the result, keeping the C(+) and the last four digits
        (V(+12065550100) becomes V(+*******0100)), since reports leave the machine.
      - V(false) keeps them as the service sends them.
    type: bool
    default: true
  return_sessions:
    description:
      - Add RV(proxy_sessions), every session read, to the result. Its size then grows with the organisation; for a
        large one, read the files instead.
    type: bool
    default: false
  max_regions:
    description:
      - How many accounts and regions of many connectors are gathered at once, between 1 and 100; the task's budget
        is O(max_regions) x O(max_concurrency) requests in flight. Each account and region, with its own client,
        counts for the requests it can have in flight (O(max_concurrency) until its connectors are listed, then one
        a connector up to O(max_concurrency)), so accounts and regions of one connector each, which wait on the
        network rather than this machine's CPU, go many at once.
      - An account and region whose pace holds its requests back (AWS throttled it, or O(max_requests_per_second)
        caps it) waits on its own quota, not on this machine, and counts for none, so the next one starts; at a rate
        limit, every account and region is read at the same time. At most 64 are open at once.
      - The default suits hundreds of accounts on a 2-core controller, where the controller's CPU, not the network,
        bounds the audit; raise it where requests take longer. See
        R(Performance,ansible_collections.telephony.chime.docsite.performance) for how it was chosen.
    type: int
    default: 4
  allow_partial:
    description:
      - When an account or a region could not be read, succeed anyway (with RV(skipped_regions) saying what is
        missing) instead of failing after the files are written.
    type: bool
    default: false
  region_endpoint_urls:
    description:
      - Region to endpoint URL, for regions reached through an endpoint of their own (VPC interface endpoints, a
        test double); the other regions use O(endpoint_url), or AWS's endpoint when it is not set.
    type: dict
    default: {}
notes:
  - Needs C(chime:ListVoiceConnectors), C(chime:GetVoiceConnectorProxy), C(chime:ListPhoneNumbers) and
    C(chime:ListProxySessions) in every account, C(sts:AssumeRole) on each role for the caller (with
    O(accounts[].role_arn) or O(organization)) and C(sts:GetCallerIdentity) (needs no permission) otherwise; with
    O(organization), C(organizations:ListRoots), C(organizations:ListOrganizationalUnitsForParent),
    C(organizations:ListAccountsForParent), and with O(organization.organizational_units) also
    C(organizations:ListParents) and C(organizations:DescribeOrganizationalUnit) for the caller; see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
  - Role credentials are botocore's refreshable ones, assumed again before they expire (AssumeRole's default is an
    hour, and a role reached through a role lasts at most an hour), so an audit of any length never fails on an
    expired token.
  - Timestamps are written as the ISO 8601 strings the service sends.
extends_documentation_fragment:
  - telephony.chime.accounts
  - telephony.chime.concurrency
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.files
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Audit every region of this account into /srv/audit, numbers masked
  telephony.chime.chime_proxy_inventory:
    dest: /srv/audit
  register: audit

- name: No session may still be open after the migration
  ansible.builtin.assert:
    that:
      - audit.summary.by_status.Open == 0
      - audit.summary.by_status.InProgress == 0

- name: Three accounts of the organisation, each through a role, two regions
  telephony.chime.chime_proxy_inventory:
    regions: [us-east-1, us-west-2]
    accounts:
      - role_arn: arn:aws:iam::111111111111:role/ChimeAudit
      - role_arn: arn:aws:iam::222222222222:role/ChimeAudit
        external_id: telephony-audit
      - role_arn: arn:aws:iam::333333333333:role/ChimeAudit
    dest: /srv/audit
    mode: "0640"
    group: telephony
  register: org_audit

- name: Accounts reached with one profile each (AWS IAM Identity Center), numbers kept, a partial result accepted
  telephony.chime.chime_proxy_inventory:
    accounts:
      - profile: telephony-prod
      - profile: telephony-staging
    dest: /srv/audit
    mask_phone_numbers: false
    allow_partial: true
  register: sso_audit

- name: The sessions of one region in the result, no file
  telephony.chime.chime_proxy_inventory:
    regions: [us-east-1]
    return_sessions: true
  register: east
"""

RETURN = r"""
changed:
  description: Whether a file's content or attributes changed (in check mode, would change).
  returned: always
  type: bool
  sample: false
files:
  description:
    - The files written (in check mode, that would be written), by name with C(_) for C(.); empty without O(dest).
  returned: always
  type: dict
  contains:
    proxy_inventory_json:
      description:
        - C(accounts) -> account ID -> C(regions) -> region -> C(voice_connectors) (each with its C(proxy)
          configuration and C(phone_numbers)), C(proxy_sessions) and C(summary); then C(skipped) (as
          RV(skipped_regions)), C(summary) (as RV(summary)) and C(phone_numbers_masked).
        - One connector or session a line.
      returned: with O(dest)
      type: str
      sample: /srv/audit/proxy_inventory.json
    proxy_sessions_csv:
      description:
        - One row per session (RFC 4180), with the columns account_id, region, voice_connector_id,
          voice_connector_name, proxy_session_id, name, status, capabilities, expiry_minutes, created_timestamp,
          updated_timestamp, ended_timestamp, participant_1, participant_2, proxy_phone_number.
        - Several capabilities or proxy numbers are joined with C(;).
      returned: with O(dest)
      type: str
      sample: /srv/audit/proxy_sessions.csv
    proxy_numbers_csv:
      description:
        - One row per phone number of each connector, with the columns account_id, region, voice_connector_id,
          e164_phone_number, status, product_type, proxy_sessions_using (how many of the sessions read use it as
          their proxy number) and active_proxy_sessions_using (of those, how many are C(Open) or C(InProgress)).
      returned: with O(dest)
      type: str
      sample: /srv/audit/proxy_numbers.csv
  sample:
    proxy_inventory_json: /srv/audit/proxy_inventory.json
    proxy_sessions_csv: /srv/audit/proxy_sessions.csv
    proxy_numbers_csv: /srv/audit/proxy_numbers.csv
summary:
  description: The totals of what was read (skipped accounts and regions count for nothing).
  returned: always
  type: dict
  contains:
    total:
      description: The number of proxy sessions.
      returned: always
      type: int
      sample: 3
    by_status:
      description: The number of sessions of each status of the service model, zero included.
      returned: always
      type: dict
      sample: {"Open": 1, "InProgress": 1, "Closed": 1}
    by_account:
      description: The number of sessions of each account read, by account ID.
      returned: always
      type: dict
      sample: {"123456789012": 3}
    by_region:
      description: The number of sessions of each region read, all accounts together.
      returned: always
      type: dict
      sample: {"us-east-1": 3}
    voice_connectors_scanned:
      description: The number of voice connectors read.
      returned: always
      type: int
      sample: 2
    voice_connectors_with_proxy:
      description: The number of those with a proxy configuration.
      returned: always
      type: int
      sample: 1
    phone_numbers:
      description: The number of phone numbers of those connectors.
      returned: always
      type: int
      sample: 3
    accounts_scanned:
      description: The number of accounts reached.
      returned: always
      type: int
      sample: 1
    regions_scanned:
      description: The number of accounts and regions read whole.
      returned: always
      type: int
      sample: 2
skipped_regions:
  description:
    - The accounts and regions that could not be read, each with why; empty when everything was read.
    - Named so since C(skipped) is a key of Ansible's own; the JSON file calls it C(skipped).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account's ID, when known (null for a profile that could not be used).
      returned: always
      type: str
      sample: "222222222222"
    account:
      description: How the account was reached.
      returned: always
      type: str
      sample: role arn:aws:iam::222222222222:role/ChimeAudit
    region:
      description: The region; null when the account itself could not be reached.
      returned: always
      type: str
      sample: eu-west-1
    reason:
      description: Why, in the words of the failed request's error.
      returned: always
      type: str
      sample: >-
        Failed to list voice connectors in region eu-west-1 (the endpoint could not be reached after every retry
        (check endpoint_url and region))
  sample: []
accounts:
  description: The accounts reached, in the order of O(accounts) (with O(organization), the order found).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account's ID.
      returned: always
      type: str
      sample: "123456789012"
    account:
      description: How it was reached.
      returned: always
      type: str
      sample: the module's own credentials
    name:
      description: The account's name in the organisation.
      returned: with O(organization)
      type: str
      sample: Telephony prod
    email:
      description: The account's email address in the organisation.
      returned: with O(organization)
      type: str
      sample: prod@example.com
    ou_path:
      description: The names of the root and OUs above the account, C(/)-separated.
      returned: with O(organization)
      type: str
      sample: Root/Telephony/Prod
    state:
      description: The account's state in the organisation (C(State); C(Status) where only that was given).
      returned: with O(organization)
      type: str
      sample: ACTIVE
  sample: [{"account_id": "123456789012", "account": "the module's own credentials"}]
organization:
  description:
    - With O(organization), what discovery found; the same is in C(proxy_inventory.json).
  returned: with O(organization)
  type: dict
  contains:
    accounts_found:
      description: Every account under the roots or units walked.
      type: int
      sample: 520
    accounts_in_scope:
      description: The accounts to audit, after the skips and the state rule.
      type: int
      sample: 500
    accounts_reached:
      description: The accounts in scope whose credentials were obtained (RV(skipped_regions) names the others).
      type: int
      sample: 500
    accounts_left_out:
      description: Each account found and not in scope, with its name, email, OU path, state and the reason.
      type: list
      elements: dict
      sample:
        - account_id: "444444444444"
          name: Closed sandbox
          email: sandbox@example.com
          ou_path: Root/Sandbox
          state: SUSPENDED
          reason: its state is SUSPENDED, not ACTIVE (include_suspended takes it in)
  sample:
    accounts_found: 3
    accounts_in_scope: 2
    accounts_reached: 2
    accounts_left_out: [{"account_id": "444444444444", "name": "Closed sandbox", "email": "sandbox@example.com",
                         "ou_path": "Root/Sandbox", "state": "SUSPENDED",
                         "reason": "its state is SUSPENDED, not ACTIVE (include_suspended takes it in)"}]
phone_numbers_masked:
  description: Whether the phone numbers of the files and the result are masked.
  returned: always
  type: bool
  sample: true
proxy_sessions:
  description:
    - Every session read, as M(telephony.chime.chime_proxy_session_info) returns them, each with its
      C(account_id) and C(region).
  returned: when O(return_sessions=true)
  type: list
  elements: dict
  sample:
    - account_id: "123456789012"
      region: us-east-1
      voice_connector_id: abcdef1ghij2klmno3pqr4
      proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
      status: Open
      participants:
        - phone_number: "+*******0100"
          proxy_phone_number: "+*******0199"
rehearsal:
  description:
    - In check mode, what the real run will send, to plan it against the account's quota.
  returned: in check mode
  type: dict
  contains:
    requests:
      description:
        - The requests the real run sends, the same reads as the rehearsal.
        - Each request AWS throttles is sent again on top of these.
      type: int
      sample: 1410
    seconds_at_least:
      description:
        - With O(max_requests_per_second), the seconds the real run takes at least (the busiest account and region's
          requests at that rate, since they go at the same time); null without it, since AWS's answers set the rate
          then.
      type: float
      sample: 28.2
  sample: {"requests": 1410, "seconds_at_least": 28.2}
pace:
  description:
    - For each account and region read, what its pace did (see
      R(Failures and retries,ansible_collections.telephony.chime.docsite.failures)), to size the next run.
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account.
      type: str
      sample: "123456789012"
    region:
      description: The region the requests went to.
      type: str
      sample: us-east-1
    requests:
      description: The requests sent there, each one sent again after a throttled answer included.
      type: int
      sample: 2031
    throttled:
      description: How many answers were throttled (C(ThrottledClientException), or another throttling answer).
      type: int
      sample: 8
    rate:
      description:
        - The rate, in requests a second, that the pace settled at, what AWS let through before it last throttled
          (the pace probes above it now and then); O(max_requests_per_second) when AWS throttled nothing.
        - Null when AWS throttled no request and O(max_requests_per_second) was not given (no limit was met).
      type: float
      sample: 19.4
  sample: [{"account_id": "123456789012", "region": "us-east-1", "requests": 141, "throttled": 3, "rate": 4.6}]
"""


from ansible.module_utils.common.warnings import warn
from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import AccountReacher
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_options
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_specs
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import fill_role_session_names
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import (
    new_organizations_client as organizations_client,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import new_sts_client as sts_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.audit import audit
from ansible_collections.telephony.chime.plugins.module_utils._chime.audit import summarize
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import new_chime_client as chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_settings
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import rehearsal
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import spare_the_collector
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import OrganizationScope
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import discover as discover_accounts
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import organization_specs
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import organization_summary
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import scope_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import Scratch
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import dest_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import ensure_dest
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import remove_scratch
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import scratch_directory
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import write_reports
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations

OPERATIONS = ("ListVoiceConnectors", "GetVoiceConnectorProxy", "ListPhoneNumbers", "ListProxySessions")
DEFAULT_MAX_REGIONS = 4
MAX_REGIONS_LIMITS = (1, 100)


# The regions' rule is the model's: CreateVoiceConnector's AwsRegion enum (VoiceConnectorAwsRegion).
OPTION_MEMBERS = {"regions": ("CreateVoiceConnector", "AwsRegion")}


def main():
    argument_spec = dict(
        regions=dict(type="list", elements="str"),
        dest=dict(type="path"),
        mask_phone_numbers=dict(type="bool", default=True),
        return_sessions=dict(type="bool", default=False),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_regions=dict(type="int", default=DEFAULT_MAX_REGIONS),
        allow_partial=dict(type="bool", default=False),
        region_endpoint_urls=dict(type="dict", default={}),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
        **account_options(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        add_file_common_args=True,
        mutually_exclusive=[["accounts", "organization"]],
    )
    params = module.params
    spare_the_collector()
    fill_role_session_names(params, "telephony-chime-inventory")

    scratch = None
    try:
        model = ChimeModel()
        allowed = model.enum("CreateVoiceConnector", "AwsRegion")
        regions = list(dict.fromkeys(params["regions"] if params["regions"] is not None else allowed))
        specs = account_specs(params["accounts"])
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + (["regions must name at least one region"] if not regions else [])
            + option_violations(model, {"regions": list(params["region_endpoint_urls"])}, OPTION_MEMBERS)
            + account_violations(model.session.get_service_model("sts"), specs)
            + scope_violations(
                model.session.get_service_model("organizations"),
                model.session.get_service_model("sts"),
                params["organization"],
            )
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + range_violations("max_regions", params["max_regions"], *MAX_REGIONS_LIMITS)
            + pace_violations(params)
            + dest_violations(params["dest"])
        )
        notices = DeprecationNotices(model)
        for operation in OPERATIONS:
            notices.show(operation)
        region, endpoint_url, connect_kwargs = get_aws_connection_info(module)
        reacher = AccountReacher(
            model.session,
            connect_kwargs,
            region or regions[0],
            params["max_concurrency"],
            make_sts=sts_client,
            make_chime=chime_client,
            pace_settings=pace_settings(params),
            make_organizations=organizations_client,
        )
        discovered = None
        if params["organization"] is not None:
            scope = OrganizationScope.from_option(params["organization"])
            discovered = discover_accounts(reacher.organizations_client(), scope)
            specs = organization_specs(discovered, scope, reacher.caller_account_id())
        dest = params["dest"]
        if dest is not None:
            ensure_dest(module, dest)
        scratch = Scratch(scratch_directory(module, dest)) if dest is not None else None
        found = audit(
            reacher,
            specs,
            regions,
            lambda r: params["region_endpoint_urls"].get(r, endpoint_url),
            model.enum("ListProxySessions", "Status"),
            params["max_concurrency"],
            params["max_regions"],
            params["mask_phone_numbers"],
            params["return_sessions"],
            scratch.add if scratch is not None else None,
        )
        for message in found.repeated:
            warn(message)
        summary = summarize(found, model.enum("ListProxySessions", "Status"))
        result = {
            "changed": False,
            "files": {},
            "summary": summary,
            "skipped_regions": found.skipped,
            "accounts": [
                {"account_id": a.account_id, "account": a.spec.label, **(a.spec.details or {})} for a in found.accounts
            ],
            "phone_numbers_masked": params["mask_phone_numbers"],
            "pace": reacher.pace_figures(),
        }
        if discovered is not None:
            result["organization"] = organization_summary(discovered, len(found.accounts))
        if module.check_mode:
            result["rehearsal"] = rehearsal(result["pace"], params["max_requests_per_second"])
        if found.sessions is not None:
            result["proxy_sessions"] = found.sessions
        if scratch is not None:
            tail = {"skipped": found.skipped, "summary": summary, "phone_numbers_masked": params["mask_phone_numbers"]}
            if discovered is not None:
                tail["organization"] = result["organization"]
            details = {a.account_id: a.spec.details for a in found.accounts if a.spec.details}
            result["files"], files_changed = write_reports(module, dest, scratch, found.order, tail, details)
            result["changed"] = result["changed"] or files_changed
    except AnsibleChimeError as e:
        module.fail_json_aws_error(e)
    finally:
        if scratch is not None:
            remove_scratch(scratch.directory)

    if found.skipped and not params["allow_partial"]:
        what = "; ".join(
            f"{s['account_id'] or s['account']} {s['region'] or '(every region)'}: {s['reason']}" for s in found.skipped
        )
        module.fail_json(msg=f"The inventory is incomplete, {len(found.skipped)} skipped: {what}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
