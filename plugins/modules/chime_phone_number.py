#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_phone_number
version_added: 1.1.0
short_description: Release Amazon Chime SDK phone numbers into the deletion queue, or restore them
description:
  - V(absent) puts phone numbers into the deletion queue, as C(aws chime-sdk-voice delete-phone-number) and
    C(batch-delete-phone-number) do; V(present) brings queued numbers back, as C(restore-phone-number) does.
  - AWS keeps a deleted number in the deletion queue for 7 days and then removes it from the account for good;
    until then it can be restored. RV(phone_numbers) gives each number's RV(phone_numbers[].deletion_timestamp) and
    the day it leaves the account, RV(phone_numbers[].leaves_account).
  - A number is in the deletion queue when the service shows it with a C(DeletionTimestamp), whatever its C(Status)
    reads. AWS's model has both V(DeleteInProgress) and V(ReleaseInProgress) among the statuses and AWS does not say
    which a queued number shows, so the module never decides by the status. A number whose status reads
    V(DeleteInProgress) or V(ReleaseInProgress) without a C(DeletionTimestamp) is not taken as queued.
  - Reads each number first (C(GetPhoneNumber)) and sends a write only for those that need it, so a second run
    with the same options reports RV(ignore:changed=false) and sends no write request. One number is deleted with
    C(DeletePhoneNumber), several with C(BatchDeletePhoneNumber) (100 a request).
  - A number still associated with a voice connector (or another resource) is refused before any write, naming
    the association; take it off first with M(telephony.chime.chime_voice_connector_phone_numbers).
  - C(BatchDeletePhoneNumber) answers per number (C(PhoneNumberErrors)); one refused number fails the task, naming
    each with its code and message.
  - Supports check mode (no write request is sent; the result says what would change) and C(--diff).
  - Every request goes through the collection's retry layer, as
    R(Failures and retries,ansible_collections.telephony.chime.docsite.failures) describes.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  phone_numbers:
    description:
      - The phone numbers, in E.164 format (V(+12065550100)); each is sent as its own C(PhoneNumberId), as AWS's CLI
        examples do.
      - Each must match the E164PhoneNumbers pattern of the service model; repeated numbers count once.
    required: true
    type: list
    elements: str
  state:
    description:
      - V(absent) puts each number that is in the account and not queued yet into the deletion queue; a queued
        number is left as it is (no request is sent for it), and a number the account no longer has is already gone.
      - V(present) restores each queued number (C(RestorePhoneNumber)), whatever its status reads; a number that is
        not queued is left as it is, and one the account no longer has (its 7 days have passed) fails the task.
      - Queued means carrying a C(DeletionTimestamp), see the description.
    type: str
    choices: ['present', 'absent']
    default: present
notes:
  - Needs C(chime:GetPhoneNumber), and C(chime:DeletePhoneNumber) (one number), C(chime:BatchDeletePhoneNumber)
    (several) or C(chime:RestorePhoneNumber) for the writes; see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
extends_documentation_fragment:
  - telephony.chime.concurrency
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Release two numbers (they stay restorable for 7 days)
  telephony.chime.chime_phone_number:
    phone_numbers: ["+19135550100", "+19135550199"]
    state: absent
  register: released

- name: Say when they leave the account for good
  ansible.builtin.debug:
    msg: "{{ released.phone_numbers | map(attribute='leaves_account') }}"

- name: Bring one back from the deletion queue
  telephony.chime.chime_phone_number:
    phone_numbers: ["+19135550199"]
    state: present
"""

RETURN = r"""
phone_numbers:
  description:
    - Each number as the service shows it after the task (in check mode, as it would be), in the order given, with
      the members of AWS's PhoneNumber shape in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    phone_number_id:
      description:
        - The number's ID as the service sends it. The module asks for each number by its E.164 form; the model does
          not say in which form the ID comes back. For a number the account does not have, the E.164 number given.
      returned: always
      type: str
      sample: "+19135550199"
    status:
      description:
        - The number's status as the service shows it. What a queued number reads is the service's choice (AWS's
          model has V(DeleteInProgress) and V(ReleaseInProgress), and AWS does not say which); whether the number is
          queued is RV(phone_numbers[].queued).
        - Null when the account does not have the number (any more), and in check mode for a number the task would
          queue or restore, since the service decides the status that follows.
      returned: always
      type: str
      sample: DeleteInProgress
    queued:
      description:
        - Whether the number is in the deletion queue, that is whether it carries a C(DeletionTimestamp), whatever
          RV(phone_numbers[].status) reads; in check mode, whether it would be.
      returned: always
      type: bool
      sample: true
    deletion_timestamp:
      description: When the number was put in the deletion queue (the service's C(DeletionTimestamp)), in ISO 8601.
      returned: while it is queued (not in check mode for a number the task would queue)
      type: str
      sample: "2026-12-03T10:00:00.000Z"
    leaves_account:
      description: When the number leaves the account for good (7 days after RV(phone_numbers[].deletion_timestamp)).
      returned: while it is queued (not in check mode for a number the task would queue)
      type: str
      sample: "2026-12-10T10:00:00.000Z"
  sample:
    - phone_number_id: "+19135550199"
      e164_phone_number: "+19135550199"
      status: ReleaseInProgress
      queued: true
      deletion_timestamp: "2026-12-03T10:00:00.000Z"
      leaves_account: "2026-12-10T10:00:00.000Z"
deleted:
  description: The numbers put in the deletion queue by the task (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: ["+19135550199"]
restored:
  description: The numbers restored by the task (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: []
refused:
  description: The numbers the service refused, each with its C(phone_number_id), C(error_code) and C(error_message).
  returned: when the service refused some
  type: list
  elements: dict
  sample: [{"phone_number_id": "+19135550142", "error_code": "PhoneNumberAssociationsExist", "error_message": "..."}]
diff:
  description:
    - With C(--diff), each number (by its E.164 form, as given) before and after the task, with its C(status) and
      whether it is C(queued), as in RV(phone_numbers); in check mode the status after a change is null (the service
      decides it).
  returned: with C(--diff)
  type: dict
  sample:
    before: {"+19135550199": {"status": "Unassigned", "queued": false}}
    after: {"+19135550199": {"status": "DeleteInProgress", "queued": true}}
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_result
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import run_concurrently
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import fail_with
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import PhoneNumberErrors
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import delete_phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import e164
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import get_phone_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import queued
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import refused_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import restore_phone_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import shown_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations

OPTION_MEMBERS = {"phone_numbers": ("AssociatePhoneNumbersWithVoiceConnector", "E164PhoneNumbers")}


def associations(number):
    return ", ".join(f"{a.get('Name')} {a.get('Value')}" for a in number.get("Associations") or [])


def ensure(module, client):
    params = module.params
    numbers = list(dict.fromkeys(e164(n) for n in params["phone_numbers"]))

    def read():
        found = run_concurrently(lambda n: get_phone_number(client, n), numbers, params["max_concurrency"])
        return dict(zip(numbers, found))

    before = read()
    # Queued: carrying a DeletionTimestamp, whatever the status reads (phone_numbers.queued).
    if params["state"] == "absent":
        to_change = [n for n in numbers if before[n] is not None and not queued(before[n])]
        held = [n for n in to_change if associations(before[n])]
        if held:
            what = "; ".join(f"{n} ({associations(before[n])})" for n in held)
            raise AnsibleChimeError(
                message=f"Phone numbers still associated, disassociate them first; nothing was deleted: {what}"
            )
    else:
        gone = [n for n in numbers if before[n] is None]
        if gone:
            raise AnsibleChimeError(
                message="The account does not have these numbers (any more: a deleted number leaves it 7 days after"
                f" its deletion); nothing was restored: {', '.join(gone)}"
            )
        to_change = [n for n in numbers if queued(before[n])]

    refused = []
    after = before
    if to_change and not module.check_mode:
        if params["state"] == "absent":
            refused = delete_phone_numbers(client, to_change)
        else:
            run_concurrently(lambda n: restore_phone_number(client, n), to_change, params["max_concurrency"])
        after = read()
    failed = refused_numbers(refused, to_change)
    changed_numbers = [n for n in to_change if n not in failed]
    would = {n: params["state"] for n in to_change} if module.check_mode else {}
    shown = [shown_number(n, after[n], would.get(n)) for n in numbers]
    result = {
        "changed": bool(changed_numbers),
        "phone_numbers": shown,
        "deleted": changed_numbers if params["state"] == "absent" else [],
        "restored": changed_numbers if params["state"] == "present" else [],
    }
    if module._diff:
        result["diff"] = {
            "before": {n: {"status": (before[n] or {}).get("Status"), "queued": queued(before[n])} for n in numbers},
            "after": {n: {"status": s["status"], "queued": s["queued"]} for n, s in zip(numbers, shown)},
        }
    if refused:
        raise PhoneNumberErrors("The service refused to delete numbers", refused, result)
    return result


def main():
    argument_spec = dict(
        phone_numbers=dict(type="list", elements="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    client = None
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, module.params, OPTION_MEMBERS)
            + range_violations("max_concurrency", module.params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + pace_violations(module.params)
        )
        client = chime_client(module, model, module.params["max_concurrency"])
        result = ensure(module, client)
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(**result, **pace_result(client))


if __name__ == "__main__":
    main()
