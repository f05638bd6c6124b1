#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_voice_connector_proxy
version_added: 1.1.0
short_description: Manage the proxy configuration of an Amazon Chime SDK Voice Connector
description:
  - Creates, changes or removes the proxy configuration of an Amazon Chime SDK Voice Connector, as
    C(aws chime-sdk-voice put-voice-connector-proxy) and C(delete-voice-connector-proxy) do.
  - Reads the current configuration first (C(GetVoiceConnectorProxy)) and sends a write only when something
    differs, so a second run with the same options reports RV(ignore:changed=false) and sends no write request.
  - Options left out keep their current values. Creating a configuration needs what the service model requires of
    C(PutVoiceConnectorProxy), O(default_session_expiry_minutes) and O(phone_number_pool_countries); without them
    the task fails before any write.
  - To stop new proxy sessions on a connector before removing its configuration, set O(disabled=true).
  - Supports check mode (no write request is sent; the result says what would change) and C(--diff).
  - Every request goes through the collection's retry layer, as
    R(Failures and retries,ansible_collections.telephony.chime.docsite.failures) describes.
  - Every option is checked against the constraints of the C(chime-sdk-voice) service model that the installed
    botocore ships, before any request is sent.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07 and marks these operations as deprecated.
    The module passes the model's deprecation notice of each operation it sends on as a warning, once per task.
    A write that AWS refuses (C(ForbiddenException), C(AccessDeniedException) or C(BadRequestException)) fails the
    task with a message that says the end of support may be the reason and names the connector.
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  voice_connector_id:
    description:
      - The Amazon Chime SDK Voice Connector ID, as in C(--voice-connector-id).
      - Must match the VoiceConnectorId pattern of the service model.
    required: true
    type: str
  state:
    description:
      - V(present) creates the configuration or changes it to match the options given.
      - V(absent) removes it (C(DeleteVoiceConnectorProxy)). A connector without one is left as it is.
    type: str
    choices: ['present', 'absent']
    default: present
  default_session_expiry_minutes:
    description:
      - The default number of minutes allowed for proxy sessions of the connector.
      - Required to create a configuration; left out, the current value is kept.
      - The service model states no limits for it; AWS checks the value.
    type: int
  phone_number_pool_countries:
    description:
      - The countries for proxy phone numbers to be selected from, as two capital letters each (C(US)).
      - Between 1 and 100 items. Compared with the current countries in order.
      - Required to create a configuration; left out, the current countries are kept.
      - AWS's C(GetVoiceConnectorProxy) returns them as C(PhoneNumberCountries); RV(proxy) has them as
        RV(proxy.phone_number_countries).
    type: list
    elements: str
  fall_back_phone_number:
    description:
      - The phone number to route calls to after a proxy session expires, in E.164 format.
      - An empty string removes it; left out, the current number is kept.
    type: str
  disabled:
    description:
      - V(true) stops new proxy sessions from being created on the connector.
      - Left out, the current setting is kept (a new configuration is enabled).
    type: bool
notes:
  - Needs the IAM actions C(chime:GetVoiceConnectorProxy) and, to change something, C(chime:PutVoiceConnectorProxy)
    or C(chime:DeleteVoiceConnectorProxy); see R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
  - C(GetVoiceConnectorProxy) answers the same C(NotFoundException) for a connector without a proxy configuration
    and for a connector that does not exist. V(state=present) then tries to create the configuration, and a
    connector that does not exist fails the task; V(state=absent) reports no change.
  - AWS's model marks the fall-back phone number as sensitive; set C(no_log) on the task where task output is shared.
extends_documentation_fragment:
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Stop new proxy sessions on a voice connector, keeping the rest of its configuration
  telephony.chime.chime_voice_connector_proxy:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    disabled: true
  register: disabled_proxy

- name: Configure proxy sessions on a voice connector
  telephony.chime.chime_voice_connector_proxy:
    voice_connector_id: zyxwvu9tsrq8ponml7kjih
    default_session_expiry_minutes: 60
    phone_number_pool_countries: [US, CA]
    fall_back_phone_number: "+19135550100"
    disabled: false
  register: configured_proxy

- name: See what removing the proxy configuration would change, without changing it
  telephony.chime.chime_voice_connector_proxy:
    voice_connector_id: zyxwvu9tsrq8ponml7kjih
    state: absent
  check_mode: true
  diff: true
  register: removal_preview

- name: Set region and credentials once for this collection and amazon.aws alike
  module_defaults:
    group/telephony.chime.aws:
      region: us-east-1
  block:
    - name: Remove the proxy configuration of the connector
      telephony.chime.chime_voice_connector_proxy:
        voice_connector_id: zyxwvu9tsrq8ponml7kjih
        state: absent
      register: removed_proxy
"""

RETURN = r"""
proxy:
  description:
    - The proxy configuration after the task, as C(GetVoiceConnectorProxy) shows it, in snake_case.
    - In check mode, what it would be.
    - An empty dict when the connector has none (after V(state=absent)).
  returned: always
  type: dict
  contains:
    default_session_expiry_minutes:
      description: The default number of minutes allowed for proxy sessions.
      returned: when the service sends it
      type: int
      sample: 60
    disabled:
      description: Whether new proxy sessions are stopped on the connector.
      returned: when the service sends it
      type: bool
      sample: false
    fall_back_phone_number:
      description: The phone number to route calls to after a proxy session expires.
      returned: when the configuration has one
      type: str
      sample: "+19135550100"
    phone_number_countries:
      description: The countries for proxy phone numbers to be selected from.
      returned: when the service sends it
      type: list
      elements: str
      sample: ["US"]
  sample:
    default_session_expiry_minutes: 60
    disabled: true
    fall_back_phone_number: "+19135550100"
    phone_number_countries: ["US"]
diff:
  description: With C(--diff), the configuration before and after (an empty dict where there is none).
  returned: when diff mode is on
  type: dict
  sample:
    before: {default_session_expiry_minutes: 60, disabled: false, phone_number_countries: ["US"]}
    after: {default_session_expiry_minutes: 60, disabled: true, phone_number_countries: ["US"]}
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
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.normalize import snake_case_keys
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connector_proxy import (
    delete_voice_connector_proxy,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connector_proxy import (
    get_voice_connector_proxy,
)
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connector_proxy import (
    put_voice_connector_proxy,
)

# Which member of which operation's input each option is sent as: the model's rules for that member apply.
OPTION_MEMBERS = {
    "voice_connector_id": ("PutVoiceConnectorProxy", "VoiceConnectorId"),
    "default_session_expiry_minutes": ("PutVoiceConnectorProxy", "DefaultSessionExpiryMinutes"),
    "phone_number_pool_countries": ("PutVoiceConnectorProxy", "PhoneNumberPoolCountries"),
    "fall_back_phone_number": ("PutVoiceConnectorProxy", "FallBackPhoneNumber"),
}
# PutVoiceConnectorProxy's member for each option, and the member GetVoiceConnectorProxy answers it as.
PUT_MEMBERS = {
    "default_session_expiry_minutes": ("DefaultSessionExpiryMinutes", "DefaultSessionExpiryMinutes"),
    "phone_number_pool_countries": ("PhoneNumberPoolCountries", "PhoneNumberCountries"),
    "fall_back_phone_number": ("FallBackPhoneNumber", "FallBackPhoneNumber"),
    "disabled": ("Disabled", "Disabled"),
}


def checked_options(params):
    """The options as the model's rules see them: an empty fall_back_phone_number means "remove", not a number."""
    if params["fall_back_phone_number"] == "":
        return {**params, "fall_back_phone_number": None}
    return params


def put_request(model, current, params):
    """PutVoiceConnectorProxy's members: each option given, the current value of each option left out.

    Put replaces the whole configuration, so every member the connector has is sent again. A member the model
    requires that neither the options nor the current configuration give fails the task before any write.
    """
    members = {}
    for option, (put_member, get_member) in PUT_MEMBERS.items():
        value = params[option] if params[option] is not None else (current or {}).get(get_member)
        if value is not None and value != "":
            members[put_member] = value
    required = model.service_model.operation_model("PutVoiceConnectorProxy").input_shape.required_members
    missing = [
        o for o, (put_member, _get) in PUT_MEMBERS.items() if put_member in required and put_member not in members
    ]
    if missing:
        raise AnsibleChimeError(
            message=f"Voice connector {params['voice_connector_id']} has no proxy configuration; creating one needs "
            f"{' and '.join(missing)} (required by PutVoiceConnectorProxy). Nothing was sent to AWS."
        )
    return members


def as_get_answers(members):
    """PutVoiceConnectorProxy's members in the form GetVoiceConnectorProxy answers with (a new one is enabled)."""
    proxy = {
        get_member: members[put_member] for put_member, get_member in PUT_MEMBERS.values() if put_member in members
    }
    proxy.setdefault("Disabled", False)
    return proxy


def same_configuration(current, wanted):
    """Whether the current configuration already is the wanted one, member by member of what Put sets.

    A missing Disabled is AWS's default, false; an empty fall-back number is none; members the service may add to
    its answer in future do not count.
    """
    for _put_member, get_member in PUT_MEMBERS.values():
        have = current.get(get_member)
        if get_member == "Disabled":
            have = bool(have)
        if have in (None, "") and get_member not in wanted:
            continue
        if have != wanted.get(get_member):
            return False
    return True


def ensure(module, model, client):
    """The module's result: changed, proxy, and the diff when asked for."""
    params = module.params
    voice_connector_id = params["voice_connector_id"]
    notices = DeprecationNotices(model)
    notices.show("GetVoiceConnectorProxy")
    current = get_voice_connector_proxy(client, voice_connector_id)
    before = snake_case_keys(current or {})

    if params["state"] == "absent":
        changed = current is not None
        if changed:
            notices.show("DeleteVoiceConnectorProxy")
            if not module.check_mode:
                changed = delete_voice_connector_proxy(client, voice_connector_id)
        after = {}
    else:
        members = put_request(model, current, params)
        wanted = as_get_answers(members)
        changed = current is None or not same_configuration(current, wanted)
        after = snake_case_keys(wanted) if changed else before
        if changed:
            notices.show("PutVoiceConnectorProxy")
            if not module.check_mode:
                after = snake_case_keys(put_voice_connector_proxy(client, voice_connector_id, members) or wanted)

    result = {"changed": changed, "proxy": after}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        voice_connector_id=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        default_session_expiry_minutes=dict(type="int"),
        phone_number_pool_countries=dict(type="list", elements="str"),
        fall_back_phone_number=dict(type="str"),
        disabled=dict(type="bool"),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    client = None
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, checked_options(module.params), OPTION_MEMBERS) + pace_violations(module.params)
        )
        client = chime_client(module, model)
        result = ensure(module, model, client)
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(**result, **pace_result(client))


if __name__ == "__main__":
    main()
