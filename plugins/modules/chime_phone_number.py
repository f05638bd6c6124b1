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
      - The phone numbers, in E.164 format (V(+12065550100)), which AWS also uses as their IDs.
      - Each must match the E164PhoneNumbers pattern of the service model; repeated numbers count once.
    required: true
    type: list
    elements: str
  state:
    description:
      - V(absent) puts each number that is in the account and not queued yet into the deletion queue; a number the
        account no longer has is already gone.
      - V(present) restores each queued number (C(RestorePhoneNumber)); a number that is not queued is left as it is,
        and one the account no longer has (its 7 days have passed) fails the task.
    type: str
    choices: ['present', 'absent']
    default: present
notes:
  - Needs C(chime:GetPhoneNumber), and C(chime:DeletePhoneNumber) (one number), C(chime:BatchDeletePhoneNumber)
    (several) or C(chime:RestorePhoneNumber) for the writes; see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
extends_documentation_fragment:
  - telephony.chime.concurrency
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
      description: The number's ID, its E.164 form.
      returned: always
      type: str
      sample: "+19135550199"
    status:
      description: The number's status, V(DeleteInProgress) while it is in the deletion queue; null when the account
        does not have it (any more).
      returned: always
      type: str
      sample: DeleteInProgress
    deletion_timestamp:
      description: When the number was put in the deletion queue, in ISO 8601 format.
      returned: while it is queued
      type: str
      sample: "2026-12-03T10:00:00.000Z"
    leaves_account:
      description: When the number leaves the account for good (7 days after RV(phone_numbers[].deletion_timestamp)).
      returned: while it is queued
      type: str
      sample: "2026-12-10T10:00:00.000Z"
  sample:
    - phone_number_id: "+19135550199"
      e164_phone_number: "+19135550199"
      status: DeleteInProgress
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
  description: Each number's status before and after, with C(--diff).
  returned: with C(--diff)
  type: dict
  sample: {"before": {"+19135550199": "Unassigned"}, "after": {"+19135550199": "DeleteInProgress"}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import run_concurrently
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import DELETE_IN_PROGRESS
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import PhoneNumberErrors
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import delete_phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import e164
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import get_phone_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import restore_phone_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import shown_number
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.writes import fail_with

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
    if params["state"] == "absent":
        held = [n for n in numbers if before[n] and associations(before[n])]
        if held:
            what = "; ".join(f"{n} ({associations(before[n])})" for n in held)
            raise AnsibleChimeError(
                message=f"Phone numbers still associated, disassociate them first; nothing was deleted: {what}"
            )
        to_change = [n for n in numbers if before[n] and before[n].get("Status") != DELETE_IN_PROGRESS]
    else:
        gone = [n for n in numbers if before[n] is None]
        if gone:
            raise AnsibleChimeError(
                message="The account does not have these numbers (any more: a deleted number leaves it 7 days after"
                f" its deletion); nothing was restored: {', '.join(gone)}"
            )
        to_change = [n for n in numbers if before[n].get("Status") == DELETE_IN_PROGRESS]

    refused = []
    after = before
    if to_change and not module.check_mode:
        if params["state"] == "absent":
            refused = delete_phone_numbers(client, to_change)
        else:
            run_concurrently(lambda n: restore_phone_number(client, n), to_change, params["max_concurrency"])
        after = read()
    failed = set(e164(e.get("PhoneNumberId", "")) for e in refused)
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
            "before": {n: (before[n] or {}).get("Status") for n in numbers},
            "after": {s["phone_number_id"]: s["status"] for s in shown},
        }
    if refused:
        raise PhoneNumberErrors("The service refused to delete numbers", refused, result)
    return result


def main():
    argument_spec = dict(
        phone_numbers=dict(type="list", elements="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, module.params, OPTION_MEMBERS)
            + range_violations("max_concurrency", module.params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
        )
        client = chime_client(module, model, module.params["max_concurrency"])
        result = ensure(module, client)
    except AnsibleChimeError as e:
        fail_with(module, e)

    module.exit_json(**result)


if __name__ == "__main__":
    main()
