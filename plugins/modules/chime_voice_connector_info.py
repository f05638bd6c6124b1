#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_voice_connector_info
version_added: 1.1.0
short_description: Gather Amazon Chime SDK Voice Connectors with their proxy configuration and phone numbers
description:
  - Gathers the voice connectors of a region, as C(aws chime-sdk-voice list-voice-connectors) shows them, or
    those of O(voice_connector_ids) (C(get-voice-connector)), each with its proxy configuration
    (C(get-voice-connector-proxy)) and, on request, its phone numbers (C(list-phone-numbers) with
    C(--filter-name VoiceConnectorId)).
  - Answers the questions of a migration off proxy sessions, which connectors still have a proxy configuration
    and which numbers they hold.
  - Connectors are listed with every page of C(ListVoiceConnectors), 100 a page. The per-connector requests run
    O(max_concurrency) at a time, one connector's requests in order.
  - Connectors of O(voice_connector_ids) that do not exist are left out, not a failure. A listed connector deleted
    before its proxy configuration or numbers are read shows no proxy configuration and no numbers, since the
    service answers both the same way.
  - Every request goes through the same retry layer as in M(telephony.chime.chime_proxy_session_info). Throttling
    and server faults are retried with jittered exponential back-off, connection errors get 3 quick attempts,
    400, 401 and 403 fail at once. See R(Failures and retries,ansible_collections.telephony.chime.docsite.failures).
  - Any request that still fails fails the task; a partial result is never reported as success.
  - Every option is checked against the constraints of the C(chime-sdk-voice) service model that the installed
    botocore ships, before any request is sent.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07 and marks C(GetVoiceConnectorProxy) as
    deprecated; the module passes the model's deprecation notice on as a warning, once per task, when it reads
    proxy configurations.
  - Returns data to C(register); it sets no C(ansible_facts).
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  voice_connector_ids:
    description:
      - The IDs of the voice connectors to gather, fetched concurrently with C(GetVoiceConnector).
      - RV(voice_connectors) follows the order of this list, each ID once; IDs that do not exist are left out.
      - Each must match the VoiceConnectorId pattern of the service model.
      - Without it, every voice connector of the region is listed (C(ListVoiceConnectors)).
      - An empty list gives an empty result without any request.
    type: list
    elements: str
  include_proxy:
    description:
      - Add RV(voice_connectors[].proxy), the connector's proxy configuration from C(GetVoiceConnectorProxy).
    type: bool
    default: true
  include_phone_numbers:
    description:
      - Add RV(voice_connectors[].phone_numbers), every phone number C(ListPhoneNumbers) gives for the
        connector (C(FilterName=VoiceConnectorId)), every page.
    type: bool
    default: false
  mask_phone_numbers:
    description:
      - Mask every phone number of the result (C(fall_back_phone_number), C(e164_phone_number),
        C(phone_number_id)), keeping the C(+) and the last four digits (V(+12065550100) becomes V(+*******0100)).
    type: bool
    default: false
notes:
  - Needs the IAM actions C(chime:ListVoiceConnectors) (without O(voice_connector_ids)),
    C(chime:GetVoiceConnector) (with it), C(chime:GetVoiceConnectorProxy) (O(include_proxy)) and
    C(chime:ListPhoneNumbers) (O(include_phone_numbers)); see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam) for a minimal policy.
  - Phone numbers are returned as the service sends them unless O(mask_phone_numbers=true). AWS's model marks them
    as sensitive; mask them, or set C(no_log) on the task, where task output is shared.
  - Timestamps are returned as the ISO 8601 strings the service sends.
extends_documentation_fragment:
  - telephony.chime.concurrency
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Every voice connector of the region with its proxy configuration
  telephony.chime.chime_voice_connector_info:
  register: connectors

- name: The connectors that still have a proxy configuration
  ansible.builtin.debug:
    msg: "{{ connectors.voice_connectors | rejectattr('proxy', 'equalto', {}) | map(attribute='voice_connector_id') }}"

- name: Two connectors with their phone numbers, numbers masked for the report
  telephony.chime.chime_voice_connector_info:
    voice_connector_ids:
      - abcdef1ghij2klmno3pqr4
      - bcdefg2hijk3lmnop4qrs5
    include_phone_numbers: true
    mask_phone_numbers: true
  register: with_numbers

- name: Only the connectors, without their proxy configuration, twenty requests at a time
  telephony.chime.chime_voice_connector_info:
    include_proxy: false
    max_concurrency: 20
  register: bare_connectors
"""

RETURN = r"""
voice_connectors:
  description:
    - The voice connectors found, in the order of O(voice_connector_ids) or as the service lists them.
    - Each has the members of AWS's VoiceConnector shape that the service sent, in snake_case.
    - An empty list when there is none.
  returned: always
  type: list
  elements: dict
  contains:
    voice_connector_id:
      description: The Amazon Chime SDK Voice Connector ID.
      returned: always
      type: str
      sample: abcdef1ghij2klmno3pqr4
    name:
      description: The name of the voice connector.
      returned: when the service sends it
      type: str
      sample: Support line
    aws_region:
      description: The AWS Region in which the voice connector was created.
      returned: when the service sends it
      type: str
      sample: us-east-1
    outbound_host_name:
      description: The outbound host name of the voice connector.
      returned: when the service sends it
      type: str
      sample: abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws
    require_encryption:
      description: Whether encryption is required for the voice connector.
      returned: when the service sends it
      type: bool
      sample: true
    created_timestamp:
      description: When the voice connector was created, in ISO 8601 format.
      returned: when the service sends it
      type: str
      sample: "2020-04-15T16:00:00.000Z"
    updated_timestamp:
      description: When the voice connector was last updated, in ISO 8601 format.
      returned: when the service sends it
      type: str
      sample: "2020-04-15T16:00:00.000Z"
    voice_connector_arn:
      description: The ARN of the voice connector.
      returned: when the service sends it
      type: str
      sample: arn:aws:chime:us-east-1:123456789012:vc/abcdef1ghij2klmno3pqr4
    integration_type:
      description: The integration type of the voice connector.
      returned: when the service sends it
      type: str
      sample: CONNECT_CALL_TRANSFER_CONNECTOR
    network_type:
      description: The network type of the voice connector.
      returned: when the service sends it
      type: str
      sample: IPV4_ONLY
    proxy:
      description:
        - The proxy configuration of the connector, from C(GetVoiceConnectorProxy); an empty dict when it has none.
      returned: when O(include_proxy=true)
      type: dict
      contains:
        default_session_expiry_minutes:
          description: The default number of minutes allowed for proxy sessions.
          returned: when the connector has a proxy configuration
          type: int
          sample: 60
        disabled:
          description: Whether new proxy sessions are refused on this connector.
          returned: when the connector has a proxy configuration
          type: bool
          sample: false
        fall_back_phone_number:
          description: The number calls go to after a session expires (masked with O(mask_phone_numbers=true)).
          returned: when the connector has one
          type: str
          sample: "+19135550100"
        phone_number_countries:
          description: The countries proxy phone numbers are selected from.
          returned: when the connector has a proxy configuration
          type: list
          elements: str
          sample: ["US"]
    phone_numbers:
      description:
        - The phone numbers of the connector, each with the members of AWS's PhoneNumber shape in snake_case.
      returned: when O(include_phone_numbers=true)
      type: list
      elements: dict
      contains:
        phone_number_id:
          description: The phone number's ID, its E.164 form (masked with O(mask_phone_numbers=true)).
          returned: always
          type: str
          sample: "+19135550199"
        e164_phone_number:
          description: The phone number, in E.164 format (masked with O(mask_phone_numbers=true)).
          returned: always
          type: str
          sample: "+19135550199"
        country:
          description: The phone number's country, ISO 3166-1 alpha-2.
          returned: when the service sends it
          type: str
          sample: US
        type:
          description: The phone number's type.
          returned: when the service sends it
          type: str
          sample: Local
        product_type:
          description: The phone number's product type.
          returned: when the service sends it
          type: str
          sample: VoiceConnector
        status:
          description: The phone number's status.
          returned: when the service sends it
          type: str
          sample: Assigned
        capabilities:
          description: The phone number's capabilities (inbound_call, outbound_call, inbound_sms, ...).
          returned: when the service sends it
          type: dict
          sample: {"inbound_call": true, "outbound_call": true, "inbound_sms": true, "outbound_sms": true}
        associations:
          description: The phone number's associations (voice connector, group, SIP rule).
          returned: when the service sends it
          type: list
          elements: dict
          sample: [{"name": "VoiceConnectorId", "value": "abcdef1ghij2klmno3pqr4"}]
  sample:
    - voice_connector_id: abcdef1ghij2klmno3pqr4
      name: Demo
      aws_region: us-east-1
      outbound_host_name: abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws
      require_encryption: true
      created_timestamp: "2020-04-15T16:00:00.000Z"
      proxy:
        default_session_expiry_minutes: 60
        disabled: false
        fall_back_phone_number: "+19135550100"
        phone_number_countries: ["US"]
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

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_result
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import run_concurrently
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import fail_with
from ansible_collections.telephony.chime.plugins.module_utils._chime.masking import mask_phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.normalize import snake_case_keys
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import (
    list_voice_connector_phone_numbers,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connector_proxy import (
    get_voice_connector_proxy,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connectors import get_voice_connector
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connectors import list_voice_connectors

# Which member of which operation's input each option is sent as: the model's rules for that member apply.
OPTION_MEMBERS = {
    "voice_connector_ids": ("GetVoiceConnector", "VoiceConnectorId"),
}


def operations_for(params: Dict[str, Any]) -> List[str]:
    """The operations the options call for, in the order they are used."""
    operations = ["ListVoiceConnectors" if params["voice_connector_ids"] is None else "GetVoiceConnector"]
    if params["include_proxy"]:
        operations.append("GetVoiceConnectorProxy")
    if params["include_phone_numbers"]:
        operations.append("ListPhoneNumbers")
    return operations


def describe(client: Any, params: Dict[str, Any], voice_connector_id: str, listed: Optional[Dict[str, Any]]):
    """One connector in the module's form, or None when it does not exist (any more).

    A connector from ListVoiceConnectors is used as listed; one asked for by ID is fetched first.
    """
    connector = listed if listed is not None else get_voice_connector(client, voice_connector_id)
    if connector is None:
        return None
    result = snake_case_keys(connector)
    if params["include_proxy"]:
        result["proxy"] = snake_case_keys(get_voice_connector_proxy(client, voice_connector_id) or {})
    if params["include_phone_numbers"]:
        result["phone_numbers"] = snake_case_keys(list_voice_connector_phone_numbers(client, voice_connector_id))
    return result


def gather(client: Any, params: Dict[str, Any]) -> Dict[str, Any]:
    """The module's result: voice_connectors, in the order asked for or listed."""
    if params["voice_connector_ids"] is None:
        listed = {vc["VoiceConnectorId"]: vc for vc in list_voice_connectors(client)}
        work = list(listed.items())
    else:
        work = [(vc_id, None) for vc_id in dict.fromkeys(params["voice_connector_ids"])]
    found = run_concurrently(lambda item: describe(client, params, *item), work, params["max_concurrency"])
    result = {"voice_connectors": [connector for connector in found if connector is not None]}
    if params["mask_phone_numbers"]:
        result = mask_phone_numbers(result)
    return result


def main():
    argument_spec = dict(
        voice_connector_ids=dict(type="list", elements="str"),
        include_proxy=dict(type="bool", default=True),
        include_phone_numbers=dict(type="bool", default=False),
        mask_phone_numbers=dict(type="bool", default=False),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    client = None
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + pace_violations(params)
        )
        if params["voice_connector_ids"] == []:
            module.exit_json(changed=False, voice_connectors=[])
        notices = DeprecationNotices(model)
        for operation in operations_for(params):
            notices.show(operation)
        client = chime_client(module, model, params["max_concurrency"])
        result = gather(client, params)
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(changed=False, **result, **pace_result(client))


if __name__ == "__main__":
    main()
