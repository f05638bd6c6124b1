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
  - Connectors are drained at the same time. Every request of the task, whichever connector it is for, counts
    against one bound of O(max_concurrency) requests in flight, since AWS's rate limits are per account and region.
  - A connector stops at the first step that fails, and never stops the others. A session that cannot be deleted
    keeps the connector's (disabled) proxy configuration; the report says how many were not deleted. When any
    connector failed, the task fails at the end, naming each with its reason, after the report is written and with
    the whole result.
  - Supports check mode, the rehearsal. Only the reads are sent (the proxy configuration, the sessions, and with
    O(release_numbers=true) the numbers) and the report says what would be done. No file is written.
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
      - Not written in check mode.
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
  returned: always
  type: str
  sample: us-east-1
voice_connectors:
  description: What was found and done on each connector (in check mode, would be done), in order.
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
  description: The report in O(dest), written by this run or left as it was (in check mode, none); empty without O(dest).
  returned: always
  type: dict
  contains:
    drain_report_json:
      description:
        - The path of C(drain_report.json), with C(region), C(rehearsal), C(voice_connectors) and C(summary).
        - After a rerun that found nothing to do, the report of the drain before it.
      returned: with O(dest), except in check mode
      type: str
      sample: /srv/migration/us-east-1/drain_report.json
  sample: {"drain_report_json": "/srv/migration/us-east-1/drain_report.json"}
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

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_result
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import rehearsal
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain import diff_of
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain import drain_region
from ansible_collections.telephony.chime.plugins.module_utils._chime.drain import summarize
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import dest_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import ensure_dest
from ansible_collections.telephony.chime.plugins.module_utils._chime.reports import write_record
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations

OPTION_MEMBERS = {"voice_connector_ids": ("DeleteVoiceConnectorProxy", "VoiceConnectorId")}
REPORT_FILE = "drain_report.json"


def connector_violations(params):
    if params["voice_connector_ids"] and params["all_voice_connectors"]:
        return ["voice_connector_ids and all_voice_connectors=true are mutually exclusive"]
    if not params["voice_connector_ids"] and not params["all_voice_connectors"]:
        return ["give voice_connector_ids (at least one) or all_voice_connectors=true"]
    if "all" in (params["voice_connector_ids"] or []):
        return ["for every connector with a proxy configuration, give all_voice_connectors=true, not the id 'all'"]
    return []


def report_violations(dest):
    path = None if dest is None else os.path.join(dest, REPORT_FILE)
    if path is not None and os.path.lexists(path) and not os.path.isfile(path):
        return [f"dest must not hold a {REPORT_FILE} that is not a file, {path} is not one"]
    return []


def main():
    argument_spec = dict(
        voice_connector_ids=dict(type="list", elements="str"),
        all_voice_connectors=dict(type="bool", default=False),
        release_numbers=dict(type="bool", default=False),
        dest=dict(type="path"),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True)
    params = module.params

    dest = params["dest"]
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + connector_violations(params)
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + pace_violations(params)
            + (dest_violations(dest) or report_violations(dest))
        )
        if dest is not None:
            # Before the first request: a drain never fails for want of a place for its record.
            ensure_dest(module, dest)
        client = chime_client(module, model, params["max_concurrency"])
        drains, sent = drain_region(
            client,
            None if params["all_voice_connectors"] else params["voice_connector_ids"],
            params["max_concurrency"],
            module.check_mode,
            params["release_numbers"],
        )
    except AnsibleChimeError as e:
        module.fail_json_aws_error(e)

    notices = DeprecationNotices(model)
    for operation in sent:
        notices.show(operation)
    reports = [d.report() for d in drains]
    region = client.meta.region_name
    failed = [r for r in reports if r["failed"]]
    result = {
        "changed": any(r["changed"] for r in reports),
        "region": region,
        "voice_connectors": reports,
        "summary": summarize(drains),
        "files": {},
        **pace_result(client),
    }
    if module.check_mode:
        answered = result["pace"][0]["requests"] - result["pace"][0]["throttled"]
        planned = answered + sum(d.writes_planned for d in drains)
        result["rehearsal"] = rehearsal(result["pace"], params["max_requests_per_second"], planned)
    if module._diff:
        shown = {d.voice_connector_id: diff_of(d, params["release_numbers"]) for d in drains}
        result["diff"] = {"before": {k: v[0] for k, v in shown.items()}, "after": {k: v[1] for k, v in shown.items()}}
    if dest is not None and not module.check_mode:
        path = os.path.join(dest, REPORT_FILE)
        document = {
            "region": region,
            "rehearsal": False,
            "voice_connectors": reports,
            "summary": result["summary"],
            "pace": result["pace"],
        }
        result["files"] = {"drain_report_json": path}
        try:
            # The report is the record of what a drain did: a rerun that found nothing to do leaves it as it is.
            written, kept = write_record(
                module, path, json.dumps(document, indent=2) + "\n", result["changed"] or bool(failed)
            )
        except AnsibleChimeError as e:
            module.fail_json(
                msg=f"The drain was done as this result says, but its report was not written: {e}", **result
            )
        result["changed"] = result["changed"] or written
        if kept:
            result["backup_file"] = kept

    if failed:
        what = "; ".join(f"{r['voice_connector_id']}: {r['failed']}" for r in failed)
        module.fail_json(msg=f"{len(failed)} of {len(reports)} voice connector(s) failed: {what}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
