#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_voice_connector_phone_numbers
version_added: 1.1.0
short_description: Manage which phone numbers an Amazon Chime SDK Voice Connector holds
description:
  - Associates phone numbers with an Amazon Chime SDK Voice Connector or takes them off it, as
    C(aws chime-sdk-voice associate-phone-numbers-with-voice-connector) and
    C(disassociate-phone-numbers-from-voice-connector) do.
  - Reads the connector (C(GetVoiceConnector)) and its numbers (C(ListPhoneNumbers) with
    C(FilterName=VoiceConnectorId)) first and sends a write only for the numbers that differ, so a second run with
    the same options reports RV(ignore:changed=false) and sends no write request.
  - Both operations answer per number (C(PhoneNumberErrors)). One refused number fails the task, naming each
    refused number with its code and message; RV(associated) and RV(disassociated) still say which numbers did
    change.
  - This is the first step of releasing a connector's numbers after its proxy sessions are gone (see
    M(telephony.chime.chime_phone_number) for the next); a connector with numbers cannot be deleted.
  - Supports check mode (no write request is sent; the result says what would change) and C(--diff).
  - Every request goes through the collection's retry layer, as
    R(Failures and retries,ansible_collections.telephony.chime.docsite.failures) describes.
  - Every option is checked against the constraints of the C(chime-sdk-voice) service model that the installed
    botocore ships, before any request is sent.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  voice_connector_id:
    description:
      - The Amazon Chime SDK Voice Connector ID.
      - Must match the VoiceConnectorId pattern of the service model. A connector that does not exist fails the
        task before any write.
    required: true
    type: str
  phone_numbers:
    description:
      - The phone numbers, in E.164 format (V(+12065550100)); the C(+) may be left out.
      - Each must match the E164PhoneNumbers pattern of the service model; repeated numbers count once.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) associates the numbers of O(phone_numbers) that the connector does not hold yet.
      - V(absent) disassociates the numbers of O(phone_numbers) that the connector holds.
    type: str
    choices: ['present', 'absent']
    default: present
  purge:
    description:
      - With O(state=present), also disassociate every number the connector holds that O(phone_numbers) does not
        list. With O(phone_numbers=[]), that is every number of the connector.
      - Allowed only with V(state=present).
    type: bool
    default: false
  force_associate:
    description:
      - Move a number that another connector holds (C(ForceAssociate)); without it, such a number is refused and
        fails the task.
    type: bool
    default: false
notes:
  - Needs C(chime:GetVoiceConnector) and C(chime:ListPhoneNumbers), and C(chime:AssociatePhoneNumbersWithVoiceConnector)
    or C(chime:DisassociatePhoneNumbersFromVoiceConnector) for the writes; see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
extends_documentation_fragment:
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: The connector holds these two numbers (and keeps any others)
  telephony.chime.chime_voice_connector_phone_numbers:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    phone_numbers:
      - "+19135550100"
      - "+19135550199"

- name: Take one number off the connector
  telephony.chime.chime_voice_connector_phone_numbers:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    phone_numbers: ["+19135550199"]
    state: absent

- name: Release every number of a drained connector
  telephony.chime.chime_voice_connector_phone_numbers:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    phone_numbers: []
    purge: true
  register: released
"""

RETURN = r"""
phone_numbers:
  description: The numbers the connector holds after the task (in check mode, would hold), in E.164 format, sorted.
  returned: always
  type: list
  elements: str
  sample: ["+19135550100"]
associated:
  description: The numbers associated by the task (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: []
disassociated:
  description: The numbers disassociated by the task (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: ["+19135550199"]
refused:
  description: The numbers the service refused, each with its C(phone_number_id), C(error_code) and C(error_message).
  returned: when the service refused some
  type: list
  elements: dict
  sample: [{"phone_number_id": "+19135550142", "error_code": "Conflict", "error_message": "associated elsewhere"}]
diff:
  description: The numbers before and after, with C(--diff).
  returned: with C(--diff)
  type: dict
  sample: {"before": {"phone_numbers": ["+19135550100", "+19135550199"]}, "after": {"phone_numbers": ["+19135550100"]}}
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
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import fail_with
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import PhoneNumberErrors
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import associate_phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import disassociate_phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import e164
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import (
    list_voice_connector_phone_numbers,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import refused_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connectors import get_voice_connector

OPTION_MEMBERS = {
    "voice_connector_id": ("AssociatePhoneNumbersWithVoiceConnector", "VoiceConnectorId"),
    "phone_numbers": ("AssociatePhoneNumbersWithVoiceConnector", "E164PhoneNumbers"),
}


def plan(params, held):
    """The numbers to associate and to disassociate, each sorted, from the options and the numbers held."""
    wanted = set(e164(n) for n in params["phone_numbers"])
    if params["state"] == "absent":
        return [], sorted(wanted & held)
    return sorted(wanted - held), sorted(held - wanted) if params["purge"] else []


def ensure(module, client):
    params = module.params
    voice_connector_id = params["voice_connector_id"]
    if get_voice_connector(client, voice_connector_id) is None:
        raise AnsibleChimeError(message=f"Voice connector {voice_connector_id} does not exist; nothing was changed")
    # The model's E164PhoneNumber pattern allows the "+" to be left out: numbers are compared in one form.
    held = set(e164(n["E164PhoneNumber"]) for n in list_voice_connector_phone_numbers(client, voice_connector_id))
    to_add, to_remove = plan(params, held)
    refused = []
    failed = set()
    if not module.check_mode:
        if to_add:
            errors = associate_phone_numbers(client, voice_connector_id, to_add, params["force_associate"])
            refused += errors
            failed |= refused_numbers(errors, to_add)
        if to_remove:
            errors = disassociate_phone_numbers(client, voice_connector_id, to_remove)
            refused += errors
            failed |= refused_numbers(errors, to_remove)
    associated = [n for n in to_add if n not in failed]
    disassociated = [n for n in to_remove if n not in failed]
    after = sorted((held | set(associated)) - set(disassociated))
    result = {
        "changed": bool(associated or disassociated),
        "phone_numbers": after,
        "associated": associated,
        "disassociated": disassociated,
    }
    if module._diff:
        result["diff"] = {"before": {"phone_numbers": sorted(held)}, "after": {"phone_numbers": after}}
    if refused:
        raise PhoneNumberErrors(f"The service refused numbers of voice connector {voice_connector_id}", refused, result)
    return result


def main():
    argument_spec = dict(
        voice_connector_id=dict(type="str", required=True),
        phone_numbers=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        purge=dict(type="bool", default=False),
        force_associate=dict(type="bool", default=False),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    client = None
    try:
        model = ChimeModel()
        errors = option_violations(model, module.params, OPTION_MEMBERS)
        if module.params["purge"] and module.params["state"] != "present":
            errors.append("purge is only for state=present")
        raise_for_violations(errors + pace_violations(module.params))
        client = chime_client(module, model)
        result = ensure(module, client)
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(**result, **pace_result(client))


if __name__ == "__main__":
    main()
