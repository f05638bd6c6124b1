#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_proxy_drain
version_added: 1.2.0
short_description: Drain Amazon Chime SDK voice connectors of their proxy sessions, and release their numbers
description:
  - Drains every connector of O(voice_connector_ids), or with O(all_voice_connectors=true) every connector of the
    region that has a proxy configuration, in one task. Each connector goes through AWS's documented order
    1. stop new sessions (C(PutVoiceConnectorProxy) with its own configuration and C(Disabled)),
    2. list its sessions (C(ListProxySessions), every page before any delete),
    3. delete those that are not C(Closed), one C(DeleteProxySession) each (C(NotFoundException) means already gone),
    4. remove the proxy configuration (C(DeleteVoiceConnectorProxy)),
    5. with O(release_numbers=true), take its numbers off it (C(DisassociatePhoneNumbersFromVoiceConnector)) and put
    them in AWS's 7-day deletion queue (C(DeletePhoneNumber), C(BatchDeletePhoneNumber)), reading each once after
    (C(GetPhoneNumber)) for the day it leaves the account.
  - Connectors are drained at the same time. Every request of an account and region, whichever connector it is for,
    counts against one bound of O(max_concurrency) requests in flight and waits at one pace, since AWS's rate limits
    are per account and region.
  - Across accounts and regions (O(accounts), O(organization), O(regions), or O(plan)), every account is reached
    first (a role assumed with credentials botocore refreshes), then every account and region is drained at the same
    time, each with its own client and pace, within the budget of O(max_regions) x O(max_concurrency) requests in
    flight of M(telephony.chime.chime_proxy_inventory). An account or region that fails never stops the others; the
    task fails at the end naming each.
  - The reviewed plan. The rehearsal (check mode) with O(dest) writes C(drain_plan.json) into it, the one file check
    mode writes; per account and region, each connector to drain, its proxy configuration, how many sessions are not
    C(Closed), and with O(release_numbers=true) each number it would release; what it could not read, with why
    (C(not_planned), an account or region not reached, a connector that failed); when it was made, and a digest of
    it (RV(plan)). A rehearsal of one region with the module's own credentials writes a plan too, naming the account
    (C(sts:GetCallerIdentity), asked before any other request, from STS's endpoint, since O(endpoint_url) is Chime's; set
    E(AWS_ENDPOINT_URL_STS) for another). The confirmed drain given O(plan) and O(plan_digest) touches only what the plan lists. Accounts,
    regions and connectors not in it are left alone (RV(left_alone)); a number not in it is never released (one a
    planned connector gained since is reported in C(numbers_not_in_plan) and kept); sessions on a planned connector are
    all deleted, those that appeared since too, since the connector is disabled first so that no more appear.
  - A confirmed drain over O(organization) without a plan is refused, as is a plan that is not one, whose content
    does not match its digest or O(plan_digest), that is older than O(plan_max_age), or that was made with another
    O(release_numbers); all before any request.
  - A connector stops at the first step that fails, and never stops the others. A session that cannot be deleted
    keeps the connector's (disabled) proxy configuration; the report says how many were not deleted. When any
    connector failed, the task fails at the end, naming each with its reason, after the report is written and with
    the whole result.
  - Supports check mode, the rehearsal. Only the reads are sent (the proxy configuration, the sessions, and with
    O(release_numbers=true) the numbers) and the report says what would be done, and RV(rehearsal) how many requests
    the real run sends. The only file written is the plan, with O(dest) (its account's id read with
    C(sts:GetCallerIdentity), which needs no permission).
  - Supports C(--diff), each connector before and after (in check mode, as it would be after), with its proxy
    configuration, how many sessions are not C(Closed), and with O(release_numbers=true) its numbers.
  - Idempotent. A rerun finds nothing left to do, sends no write request and leaves the report of O(dest) as it is
    (C(changed=false)); a connector already disabled is not written again, a connector without a proxy
    configuration has nothing to remove.
  - Every request goes through the collection's retry layer, as
    R(Failures and retries,ansible_collections.telephony.chime.docsite.failures) describes.
  - Every option is checked before any request is sent, against the C(chime-sdk-voice) service model that the
    installed botocore ships.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07; the module passes the model's deprecation
    notice of each operation it sent on as a warning, once per task. It exists to migrate off them. A write that AWS refuses fails that
    connector with a message that says the end of support may be the reason and names the IAM action.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  voice_connector_ids:
    description:
      - The voice connectors to drain, in this order in the report; an id given twice is drained once.
      - Each must match the VoiceConnectorId pattern of the service model. A connector that does not exist fails
        (in the report, and the task at the end); the others are drained all the same.
      - A connector without a proxy configuration has its sessions checked, and its numbers released when asked.
      - Cannot be combined with O(all_voice_connectors=true); give one of the two.
    type: list
    elements: str
  regions:
    description:
      - The regions to drain in every account, each one of the regions AWS's model lists for voice connectors.
      - Without it, the region of O(region) (or the environment), or with O(plan) the plan's regions.
    type: list
    elements: str
  plan:
    description:
      - The C(drain_plan.json) a rehearsal wrote, reviewed. The drain touches only what it lists (see above).
      - Requires O(plan_digest); cannot be combined with O(voice_connector_ids) or O(all_voice_connectors=true).
    type: path
  plan_digest:
    description:
      - The digest of the plan that was reviewed (RV(plan.digest) of the rehearsal, C(sha256:...)); a plan whose
        content has another digest is refused.
    type: str
  plan_max_age:
    description:
      - The oldest plan, in seconds since it was made, that a drain applies (between 60 and 7776000); an older one
        is refused, since the connectors may have changed since the review.
    type: int
    default: 86400
  max_regions:
    description:
      - Across accounts and regions, how many accounts and regions of many connectors are drained at once, between
        1 and 100, as in M(telephony.chime.chime_proxy_inventory); the budget is O(max_regions) x O(max_concurrency)
        requests in flight. One whose pace holds its requests back counts for none.
    type: int
    default: 4
  all_voice_connectors:
    description:
      - V(true) drains every connector of the region that has a proxy configuration (C(ListVoiceConnectors), then
        C(GetVoiceConnectorProxy) for each), in the order the service lists them.
    type: bool
    default: false
  release_numbers:
    description:
      - After a connector's proxy configuration is gone, take its phone numbers off it and put them in the deletion
        queue, from which M(telephony.chime.chime_phone_number) with V(state=present) brings one back for 7 days.
      - A number also associated with something else (a SIP rule, a voice connector group) stops the connector
        before any number is changed.
    type: bool
    default: false
  dest:
    description:
      - A directory to write C(drain_report.json) into (RV(voice_connectors) and RV(summary) with the region), the
        record of what the drain did; created (mode C(0700)) before the first request when it does not exist. It
        must be a directory this user can write in, or a path where one can be made, checked before any request.
      - The report is written when the drain changed something or a connector failed, or when there is none yet,
        through a temporary file beside it moved into place. A rerun that finds nothing to do leaves the report
        there as it is (only mode, owner and group are applied), so that the record of the drain is not lost.
      - A report replaced by another (a drain of other connectors, another region, a failure) is kept beside it,
        named as Ansible's C(backup) option names its copies (C(drain_report.json.PID.YYYY-MM-DD@HH:MM:SS~)); see
        RV(backup_file).
      - A report that cannot be written fails the task after the drain, with the whole result of what was done.
      - In check mode, the rehearsal writes the plan C(drain_plan.json) here instead (mode C(0600)), and no report.
    type: path
notes:
  - Needs C(chime:GetVoiceConnectorProxy), C(chime:GetVoiceConnector) (for a connector without a proxy
    configuration), C(chime:PutVoiceConnectorProxy), C(chime:ListProxySessions), C(chime:DeleteProxySession) and
    C(chime:DeleteVoiceConnectorProxy); C(chime:ListVoiceConnectors) with O(all_voice_connectors=true); and with
    O(release_numbers=true) C(chime:ListPhoneNumbers), C(chime:DisassociatePhoneNumbersFromVoiceConnector),
    C(chime:DeletePhoneNumber), C(chime:BatchDeletePhoneNumber) and C(chime:GetPhoneNumber); see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
  - Draining one connector with N open sessions sends N deletes, N/100 listing pages (rounded up) and three
    requests for its proxy configuration. See R(Performance,ansible_collections.telephony.chime.docsite.performance).
  - The playbook C(telephony.chime.proxy_drain) wraps this module with a rehearsal by default and a table per
    connector.
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

- name: Rehearse the drain of every connector of the region with a proxy configuration
  telephony.chime.chime_proxy_drain:
    region: us-east-1
    all_voice_connectors: true
    release_numbers: true
  check_mode: true
  register: plan

- name: Drain them, release their numbers and keep a record
  telephony.chime.chime_proxy_drain:
    region: us-east-1
    all_voice_connectors: true
    release_numbers: true
    dest: "{{ playbook_dir }}/migration/us-east-1"
  register: drained

- name: Drain two connectors, one request in flight at a time
  telephony.chime.chime_proxy_drain:
    region: us-east-1
    voice_connector_ids:
      - abcdef1ghij2klmno3pqr4
      - zyxwvu9tsrq8ponml7kjih
    max_concurrency: 1

- name: What is left to restore, and until when
  ansible.builtin.debug:
    msg: "{{ drained.voice_connectors | map(attribute='numbers_leave_account') }}"
"""

RETURN = r"""
changed:
  description:
    - Whether a write request succeeded on any connector (in check mode, would be sent), or O(dest) or the report
      was made, or the report's content or attributes changed. A rerun that finds nothing to do sends no write
      request and leaves the report as it is.
  returned: always
  type: bool
  sample: true
backup_file:
  description: The copy kept of the report that this run's report replaced.
  returned: when a report in O(dest) was replaced by one with other content
  type: str
  sample: /srv/migration/us-east-1/drain_report.json.41532.2026-12-06@11:21:27~
region:
  description: The region drained.
  returned: when the drain was of one region of the module's own account (no O(accounts), O(organization), O(regions), O(plan))
  type: str
  sample: us-east-1
voice_connectors:
  description:
    - What was found and done on each connector (in check mode, would be done), in order.
    - Across accounts and regions, each also has C(account_id) and C(region); with O(plan), C(numbers_not_in_plan),
      the numbers the connector holds that the plan does not list, which are kept.
  returned: always
  type: list
  elements: dict
  contains:
    voice_connector_id:
      description: The voice connector ID.
      returned: always
      type: str
      sample: abcdef1ghij2klmno3pqr4
    rehearsal:
      description: Whether this was check mode, so that nothing was changed.
      returned: always
      type: bool
      sample: false
    changed:
      description: Whether anything was changed on this connector (in check mode, would be).
      returned: always
      type: bool
      sample: true
    new_sessions_stopped:
      description:
        - Step 1. V(yes), V(would be) (check mode), V(already) (it was disabled), V(no proxy configuration),
          V(failed) (the disabling C(PutVoiceConnectorProxy) failed), or V(not reached) (the connector failed before,
          for example because it does not exist).
      returned: always
      type: str
      sample: "yes"
    sessions_not_closed:
      description: The sessions listed that were not C(Closed), to be deleted.
      returned: always
      type: int
      sample: 23
    sessions_closed_left:
      description: The C(Closed) sessions listed, which are left as they are.
      returned: always
      type: int
      sample: 3
    sessions_deleted:
      description: The sessions deleted (0 in check mode).
      returned: always
      type: int
      sample: 23
    sessions_to_delete:
      description: In check mode, the sessions that would be deleted; 0 otherwise.
      returned: always
      type: int
      sample: 0
    sessions_already_gone:
      description: The sessions that were gone by the time their delete was sent (C(NotFoundException)).
      returned: always
      type: int
      sample: 0
    sessions_not_deleted:
      description: The sessions not deleted because a delete failed (0 when all went).
      returned: always
      type: int
      sample: 0
    proxy_configuration:
      description:
        - Step 4. V(removed), V(would be removed) (check mode), V(none) (there was none), or V(kept) (the connector
          failed before step 4; RV(voice_connectors[].failed) says why).
      returned: always
      type: str
      sample: removed
    numbers_to_release:
      description: In check mode with O(release_numbers=true), the numbers that would be released, in E.164 format.
      returned: always
      type: list
      elements: str
      sample: []
    numbers_disassociated:
      description: The numbers taken off the connector.
      returned: always
      type: list
      elements: str
      sample: ["+19135550100", "+19135550199"]
    numbers_released:
      description: The numbers put in the deletion queue.
      returned: always
      type: list
      elements: str
      sample: ["+19135550100", "+19135550199"]
    numbers_leave_account:
      description: Each number released, and when it leaves the account for good (7 days after its deletion).
      returned: always
      type: dict
      sample: {"+19135550100": "2026-12-10T10:00:00.000Z", "+19135550199": "2026-12-10T10:00:00.000Z"}
    failed:
      description: Why the connector failed, with AWS's code and message; null when it did not.
      returned: always
      type: str
      sample: null
summary:
  description: The totals over every connector.
  returned: always
  type: dict
  contains:
    voice_connectors:
      description: The number of connectors drained (or tried).
      returned: always
      type: int
      sample: 2
    voice_connectors_failed:
      description: How many of them failed.
      returned: always
      type: int
      sample: 0
    sessions_deleted:
      description: The sessions deleted.
      returned: always
      type: int
      sample: 26
    sessions_to_delete:
      description: In check mode, the sessions that would be deleted.
      returned: always
      type: int
      sample: 0
    sessions_not_deleted:
      description: The sessions not deleted because a delete failed.
      returned: always
      type: int
      sample: 0
    proxy_configurations_removed:
      description: The proxy configurations removed.
      returned: always
      type: int
      sample: 2
    numbers_released:
      description: The numbers put in the deletion queue.
      returned: always
      type: int
      sample: 3
    numbers_to_release:
      description: In check mode, the numbers that would be released.
      returned: always
      type: int
      sample: 0
  sample:
    voice_connectors: 2
    voice_connectors_failed: 0
    sessions_deleted: 26
    sessions_to_delete: 0
    sessions_not_deleted: 0
    proxy_configurations_removed: 2
    numbers_released: 3
    numbers_to_release: 0
diff:
  description:
    - With C(--diff), each connector by id, before and after the drain (in check mode, as it would be after).
    - C(proxy_configuration) is the configuration in snake_case, as M(telephony.chime.chime_voice_connector_info)
      returns it (an empty dict where there is none), C(sessions_not_closed) a count, and C(phone_numbers), with
      O(release_numbers=true), the numbers on the connector.
  returned: when diff mode is on
  type: dict
  sample:
    before:
      abcdef1ghij2klmno3pqr4:
        proxy_configuration: {default_session_expiry_minutes: 60, disabled: false, phone_number_countries: ["US"]}
        sessions_not_closed: 3
        phone_numbers: ["+19135550100", "+19135550199"]
    after:
      abcdef1ghij2klmno3pqr4: {proxy_configuration: {}, sessions_not_closed: 0, phone_numbers: []}
files:
  description:
    - The report in O(dest), written by this run or left as it was; in check mode, the plan. Empty without O(dest).
  returned: always
  type: dict
  contains:
    drain_plan_json:
      description: The path of the plan the rehearsal wrote (see RV(plan)).
      returned: in check mode with O(dest)
      type: str
      sample: /srv/migration/drain_plan.json
    drain_report_json:
      description:
        - The path of C(drain_report.json), with C(region), C(rehearsal), C(voice_connectors) and C(summary).
        - After a rerun that found nothing to do, the report of the drain before it.
      returned: with O(dest), except in check mode
      type: str
      sample: /srv/migration/us-east-1/drain_report.json
  sample: {"drain_report_json": "/srv/migration/us-east-1/drain_report.json"}
plan:
  description:
    - The plan the rehearsal wrote (in check mode with O(dest)), or the plan the drain applied (with O(plan)).
  returned: in check mode with O(dest), or with O(plan)
  type: dict
  contains:
    path:
      description: Where the plan is.
      type: str
      sample: /srv/migration/drain_plan.json
    digest:
      description: The SHA-256 of the plan's content (its canonical JSON without the digest), for O(plan_digest).
      type: str
      sample: sha256:5a1f0c8e3d7b2a9f4c6e8d0b1a3c5e7f9a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d
    made:
      description: When the plan was made (UTC).
      type: str
      sample: "2026-12-06T21:00:00Z"
  sample: {"path": "/srv/migration/drain_plan.json", "digest": "sha256:5a1f...", "made": "2026-12-06T21:00:00Z"}
accounts:
  description: Across accounts and regions, the accounts reached, with what the organisation says of each.
  returned: across accounts and regions
  type: list
  elements: dict
  sample: [{"account_id": "222222222222", "account": "role arn:aws:iam::222222222222:role/ChimeDrain"}]
skipped_regions:
  description:
    - Across accounts and regions, each account that could not be reached (C(region) null), account and region that
      could not be drained at all, or account and region of the plan that the options do not reach, with the reason.
  returned: across accounts and regions
  type: list
  elements: dict
  sample: [{"account_id": "222222222222", "account": "role arn:aws:iam::222222222222:role/ChimeDrain",
            "region": null, "reason": "Could not reach role ...: AccessDenied: ..."}]
left_alone:
  description:
    - With O(plan), the accounts (C(region) null), accounts and regions, and connectors that the options reach but
      the plan does not list, none of them written to.
  returned: across accounts and regions
  type: list
  elements: dict
  sample: [{"account_id": "222222222222", "region": "us-east-1", "voice_connector_id": "newproxyconnector00001",
            "why": "not in the plan"}]
organization:
  description: With O(organization), what discovery found, as M(telephony.chime.chime_proxy_inventory) returns it.
  returned: with O(organization)
  type: dict
  sample: {"accounts_found": 3, "accounts_in_scope": 2, "accounts_reached": 2, "accounts_left_out": []}
rehearsal:
  description:
    - In check mode, what the real run will send, to plan it against the account's quota.
  returned: in check mode
  type: dict
  contains:
    requests:
      description:
        - The requests the real run sends for what the rehearsal found (the same reads, then the disable, one delete a
          session that is not C(Closed), the removal of the configuration and, with O(release_numbers=true), the
          numbers' requests).
        - Each request AWS throttles is sent again on top of these.
      type: int
      sample: 2023
    seconds_at_least:
      description:
        - With O(max_requests_per_second), the seconds the real run takes at least (its requests at that rate); null
          without it, since AWS's answers set the rate then.
      type: float
      sample: 404.6
  sample: {"requests": 2023, "seconds_at_least": 404.6}
pace:
  description:
    - What the pace of the account and region did (see
      R(Failures and retries,ansible_collections.telephony.chime.docsite.failures)), to size the next run.
  returned: when a request was sent
  type: list
  elements: dict
  contains:
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
  sample: [{"region": "us-east-1", "requests": 2031, "throttled": 8, "rate": 19.4}]
"""

import json
import os

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_options
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_specs
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import account_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import fill_role_session_names
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import (
    new_organizations_client as organizations_client,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.accounts import new_sts_client as sts_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import (
    new_chime_client as account_chime_client,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import spare_the_collector
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain_task import drain_across
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain_task import drain_one_region
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain_task import own_account_id
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.organizations import scope_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.plan import DEFAULT_MAX_AGE
from ansible_collections.telephony.chime.plugins.module_utils._chime.plan import MAX_AGE_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.plan import PLAN_FILE
from ansible_collections.telephony.chime.plugins.module_utils._chime.plan import plan_text
from ansible_collections.telephony.chime.plugins.module_utils._chime.plan import read_plan
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import dest_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import ensure_dest
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import write_plan
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import write_record
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations

OPTION_MEMBERS = {"voice_connector_ids": ("DeleteVoiceConnectorProxy", "VoiceConnectorId")}
REGION_MEMBERS = {"regions": ("CreateVoiceConnector", "AwsRegion")}
REPORT_FILE = "drain_report.json"
DEFAULT_MAX_REGIONS = 4
MAX_REGIONS_LIMITS = (1, 100)


def connector_violations(params, across):
    ids, every, plan = params["voice_connector_ids"], params["all_voice_connectors"], params["plan"]
    if plan is not None:
        if ids or every:
            return ["plan decides the connectors: give neither voice_connector_ids nor all_voice_connectors=true"]
        return []
    if ids and every:
        return ["voice_connector_ids and all_voice_connectors=true are mutually exclusive"]
    if not ids and not every:
        return ["give voice_connector_ids (at least one) or all_voice_connectors=true"]
    if "all" in (ids or []):
        return ["for every connector with a proxy configuration, give all_voice_connectors=true, not the id 'all'"]
    if (
        ids
        and across
        and (params["organization"] or len(params["accounts"] or []) > 1 or len(params["regions"] or []) > 1)
    ):
        return [
            "voice_connector_ids names connectors of one account and region; over several, give"
            " all_voice_connectors=true, or a plan"
        ]
    return []


def plan_rule_violations(params, check_mode):
    if params["organization"] is not None and not check_mode and params["plan"] is None:
        return [
            "a confirmed drain over an organization needs the plan its rehearsal wrote (plan and plan_digest):"
            " rehearse it first (check mode with dest)"
        ]
    return range_violations("plan_max_age", params["plan_max_age"], *MAX_AGE_LIMITS)


def report_violations(dest):
    path = None if dest is None else os.path.join(dest, REPORT_FILE)
    if path is not None and os.path.lexists(path) and not os.path.isfile(path):
        return [f"dest must not hold a {REPORT_FILE} that is not a file, {path} is not one"]
    return []


def write_files(module, dest, result, document, changed_or_failed):
    """The plan (rehearsal) or the report (confirmed drain) in dest; the result gets their paths."""
    if module.check_mode:
        path = os.path.join(dest, PLAN_FILE)
        text, digest = plan_text(document)
        written, kept = write_plan(module, path, text)
        result["files"] = {"drain_plan_json": path}
        result["plan"] = {"path": path, "digest": digest, "made": document["made"]}
    else:
        path = os.path.join(dest, REPORT_FILE)
        result["files"] = {"drain_report_json": path}
        # The report is the record of what a drain did: a rerun that found nothing to do leaves it as it is.
        written, kept = write_record(module, path, json.dumps(document, indent=2) + "\n", changed_or_failed)
        result["changed"] = result["changed"] or written
    if kept:
        result["backup_file"] = kept


def main():
    argument_spec = dict(
        voice_connector_ids=dict(type="list", elements="str"),
        all_voice_connectors=dict(type="bool", default=False),
        release_numbers=dict(type="bool", default=False),
        dest=dict(type="path"),
        regions=dict(type="list", elements="str"),
        plan=dict(type="path"),
        plan_digest=dict(type="str"),
        plan_max_age=dict(type="int", default=DEFAULT_MAX_AGE),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_regions=dict(type="int", default=DEFAULT_MAX_REGIONS),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
        **account_options(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        add_file_common_args=True,
        mutually_exclusive=[["accounts", "organization"]],
        required_together=[["plan", "plan_digest"]],
    )
    params = module.params
    spare_the_collector()
    fill_role_session_names(params, "telephony-chime-drain")
    dest = params["dest"]
    # One account (the module's own credentials) and one region, as the drain always did; or across accounts and
    # regions (accounts, organization, regions, or a plan), each account and region with its own client.
    across = any(params[k] is not None for k in ("accounts", "organization", "regions", "plan"))

    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + option_violations(model, params, REGION_MEMBERS)
            + connector_violations(params, across)
            + plan_rule_violations(params, module.check_mode)
            + account_violations(model.session.get_service_model("sts"), account_specs(params["accounts"]))
            + scope_violations(
                model.session.get_service_model("organizations"),
                model.session.get_service_model("sts"),
                params["organization"],
            )
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + range_violations("max_regions", params["max_regions"], *MAX_REGIONS_LIMITS)
            + pace_violations(params)
            + (dest_violations(dest) or report_violations(dest))
        )
        plan = None
        if params["plan"] is not None:
            plan = read_plan(params["plan"], params["plan_digest"], params["plan_max_age"], params["release_numbers"])
        if dest is not None:
            # Before the first request: a drain never fails for want of a place for its record, nor a rehearsal for
            # its plan (the one file check mode writes).
            ensure_dest(module, dest, plan_too=True)
        if across:
            makers = {
                "make_sts": sts_client,
                "make_chime": account_chime_client,
                "make_organizations": organizations_client,
            }
            drained = drain_across(module, model, params, plan, makers)
        else:
            # A rehearsal that writes a plan names the account: asked first, so that it fails before any request.
            account_id = own_account_id(module, model, sts_client) if module.check_mode and dest is not None else None
            drained = drain_one_region(module, model, params, chime_client, account_id)
    except AnsibleChimeError as e:
        module.fail_json_aws_error(e)

    notices = DeprecationNotices(model)
    for operation in drained.operations:
        notices.show(operation)
    result = drained.result(
        module.check_mode, params["release_numbers"], params["max_requests_per_second"], module._diff
    )
    if plan is not None:
        result["plan"] = {"path": plan.path, "digest": plan.digest, "made": plan.made}
    if dest is not None:
        try:
            document = drained.document(module.check_mode, result, params["release_numbers"])
            write_files(module, dest, result, document, drained.changed_or_failed)
        except AnsibleChimeError as e:
            what = "rehearsal" if module.check_mode else "drain"
            written = "plan" if module.check_mode else "report"
            module.fail_json(
                msg=f"The {what} was done as this result says, but its {written} was not written: {e}", **result
            )

    failed = drained.failure_message()
    if failed:
        module.fail_json(msg=failed, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
