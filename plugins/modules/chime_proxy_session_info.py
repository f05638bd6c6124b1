#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_proxy_session_info
version_added: 1.0.0
short_description: Gather details of Amazon Chime SDK Voice proxy phone sessions
description:
  - Gathers the details of proxy phone sessions of an Amazon Chime SDK Voice Connector, as
    C(aws chime get-proxy-session) and C(aws chime-sdk-voice list-proxy-sessions) show them.
  - Gets one session with O(proxy_session_id), several with O(proxy_session_ids), or lists every
    session of the connector, optionally only those of one O(status).
  - Without O(voice_connector_id), lists every session of every voice connector of the region. It lists the
    connectors with C(ListVoiceConnectors) (every page, 100 a page), then the sessions of each connector, connectors
    O(max_concurrency) at a time, each connector's pages in order. Results come connector by connector, in the
    order the service lists the connectors. A connector deleted between the two calls is skipped.
  - O(participant_phone_number), O(proxy_phone_number), O(capability), O(created_after) and O(created_before)
    filter what the service returns, on the host that runs the module, combined with AND. Only O(status) is sent
    to the service, so filters do not reduce the number of requests.
  - RV(summary) counts the sessions returned, by status and by connector.
  - Sessions that do not exist, and a connector that does not exist, give an empty result, not a failure.
  - Several ids are fetched at once by a bounded pool of O(max_concurrency) workers sharing one client.
  - Every request goes through one retry layer. Throttling and server faults (C(ThrottledClientException),
    C(ServiceUnavailableException), C(ServiceFailureException), the standard throttling codes, and any HTTP 429,
    500, 502, 503 or 504 answer, a gateway's HTML page included) are retried with jittered exponential back-off,
    at most 10 attempts and 27.75 seconds of back-off per request. Connection errors (refused, reset, closed
    before a response, timed out) get 3 quick attempts. Errors that retrying cannot fix (400, 401, 403) fail at
    once. See R(Failures and retries,ansible_collections.telephony.chime.docsite.failures).
  - A listing whose service sends the same C(NextToken) twice fails the task instead of listing forever.
  - Any request that still fails fails the task; a partial result is never reported as success.
  - Every option is checked against the constraints of the C(chime-sdk-voice) service model that the installed
    botocore ships, before any request is sent.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07 and marks these operations as
    deprecated. The module keeps working for as long as the API answers, so that existing sessions can be
    audited and migrated, and passes the deprecation notice of the service model on as a warning.
  - Returns data to C(register); it sets no C(ansible_facts).
author:
  - Telephony Chime maintainers (@telephony-chime)
options:
  voice_connector_id:
    description:
      - The Amazon Chime SDK Voice Connector ID, as in C(--voice-connector-id).
      - Must match the VoiceConnectorId pattern of the service model.
      - Without it, every voice connector of the region is listed (C(ListVoiceConnectors)) and the sessions of
        each are gathered.
      - Required by O(proxy_session_id) and O(proxy_session_ids).
    type: str
  proxy_session_id:
    description:
      - The ID of one proxy session, as in C(--proxy-session-id).
      - Sets RV(proxy_session) as well as RV(proxy_sessions).
      - Between 1 and 128 characters, not blank.
      - Mutually exclusive with O(proxy_session_ids) and O(status).
    type: str
  proxy_session_ids:
    description:
      - The IDs of several proxy sessions, fetched concurrently.
      - RV(proxy_sessions) follows the order of this list, each ID once; IDs that do not exist are left out.
      - An empty list gives an empty result without any request.
      - Mutually exclusive with O(proxy_session_id) and O(status).
    type: list
    elements: str
  status:
    description:
      - When listing every session of the connector, only those with this status.
      - The only filter the service applies itself (C(--status)).
      - Mutually exclusive with O(proxy_session_id) and O(proxy_session_ids).
    type: str
    choices: ['Open', 'InProgress', 'Closed']
  participant_phone_number:
    description:
      - Only sessions where either participant has this phone number.
      - In E.164 format, as the model's E164PhoneNumber pattern states it; compared with and without the leading C(+).
      - Applied by the module to what the service returns (client-side).
    type: str
    version_added: 1.1.0
  proxy_phone_number:
    description:
      - Only sessions where a participant's proxy phone number is this one.
      - In E.164 format, as the model's E164PhoneNumber pattern states it; compared with and without the leading C(+).
      - Applied by the module to what the service returns (client-side).
    type: str
    version_added: 1.1.0
  capability:
    description:
      - Only sessions with this capability.
      - Applied by the module to what the service returns (client-side).
    type: str
    version_added: 1.1.0
    choices: ['Voice', 'SMS']
  created_after:
    description:
      - Only sessions created at or after this time.
      - An ISO 8601 date (V(2026-04-07), midnight) or date-time (V(2026-04-07T10:00:00Z),
        V(2026-04-07T12:00:00+02:00)); without a zone, UTC.
      - Sessions without a creation time are left out when O(created_after) or O(created_before) is set.
      - Applied by the module to what the service returns (client-side).
    type: str
    version_added: 1.1.0
  created_before:
    description:
      - Only sessions created before this time (not at it), so that consecutive windows do not overlap.
      - Same format as O(created_after), and later than it when both are set.
      - Applied by the module to what the service returns (client-side).
    type: str
    version_added: 1.1.0
  mask_phone_numbers:
    description:
      - Mask every C(phone_number) and C(proxy_phone_number) of the result, keeping the C(+) and the last four
        digits (V(+12065550100) becomes V(+*******0100)).
      - Filters compare the real numbers; only the result is masked.
    type: bool
    version_added: 1.1.0
    default: false
notes:
  - Needs the IAM actions C(chime:GetProxySession) (one or several IDs), C(chime:ListProxySessions)
    (listing) and C(chime:ListVoiceConnectors) (listing without O(voice_connector_id));
    see R(IAM permissions,ansible_collections.telephony.chime.docsite.iam) for a minimal policy.
  - Participant phone numbers are returned as the service sends them unless O(mask_phone_numbers=true).
    AWS's model marks them as sensitive; mask them, or set C(no_log) on the task, where task output is shared.
  - Timestamps are returned as the ISO 8601 strings the service sends.
  - The same operations were in the legacy C(chime) botocore client, removed in botocore 1.37.2;
    this module uses the C(chime-sdk-voice) client.
extends_documentation_fragment:
  - telephony.chime.concurrency
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Get one proxy session, as aws chime get-proxy-session does
  telephony.chime.chime_proxy_session_info:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
  register: example_session

- name: List the open proxy sessions of a voice connector
  telephony.chime.chime_proxy_session_info:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    status: Open
  register: open_sessions

- name: Get several proxy sessions in one task, ten requests at a time
  telephony.chime.chime_proxy_session_info:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    proxy_session_ids:
      - 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
      - 2b8a64c3-1f0e-4d7a-9c55-0e3b7f1a2d44
    max_concurrency: 10
  register: some_sessions

- name: Check the session before the rollout goes on
  ansible.builtin.assert:
    that:
      - example_session.proxy_session.status == 'Open'
      - example_session.proxy_session.participants | map(attribute='proxy_phone_number') | unique | length == 1
      - "'Voice' in example_session.proxy_session.capabilities"
    fail_msg: "Proxy session {{ example_session.proxy_session.proxy_session_id | default('(missing)') }} is not ready"

- name: Every open session of every voice connector of the region, numbers masked for the report
  telephony.chime.chime_proxy_session_info:
    status: Open
    mask_phone_numbers: true
  register: open_in_region

- name: The sessions of one participant created in March 2026, on any connector
  telephony.chime.chime_proxy_session_info:
    participant_phone_number: "+12065550100"
    created_after: "2026-03-01"
    created_before: "2026-04-01"
  register: participant_sessions

- name: Show how many sessions are still open, by connector
  ansible.builtin.debug:
    msg: "{{ open_in_region.summary.total }} open sessions: {{ open_in_region.summary.by_voice_connector }}"

- name: Set region and credentials once for this collection and amazon.aws alike
  module_defaults:
    group/telephony.chime.aws:
      region: us-east-1
  block:
    - name: List every proxy session of the connector
      telephony.chime.chime_proxy_session_info:
        voice_connector_id: abcdef1ghij2klmno3pqr4
      register: all_sessions
"""

RETURN = r"""
proxy_sessions:
  description:
    - The proxy sessions found, in the order of O(proxy_session_ids) or as the service lists them.
    - Without O(voice_connector_id), connector by connector in the order the service lists the connectors.
    - Only the sessions that pass every filter.
    - An empty list when nothing matches, or when the connector does not exist.
    - Each session has the members of AWS's ProxySession shape that the service sent, in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    voice_connector_id:
      description: The Amazon Chime SDK Voice Connector ID.
      returned: always
      type: str
      sample: abcdef1ghij2klmno3pqr4
    proxy_session_id:
      description: The proxy session ID.
      returned: always
      type: str
      sample: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
    name:
      description: The name of the proxy session.
      returned: when the session has a name
      type: str
      sample: Support line
    status:
      description: The status of the proxy session, as AWS sends it.
      returned: always
      type: str
      sample: Open
    expiry_minutes:
      description: The number of minutes allowed for the proxy session.
      returned: when the service sends it
      type: int
      sample: 60
    capabilities:
      description: The proxy session capabilities, V(Voice) and V(SMS).
      returned: always
      type: list
      elements: str
      sample: ["SMS", "Voice"]
    created_timestamp:
      description: When the session was created, in ISO 8601 format.
      returned: always
      type: str
      sample: "2020-04-15T16:10:10.288Z"
    updated_timestamp:
      description: When the session was last updated, in ISO 8601 format.
      returned: when the service sends it
      type: str
      sample: "2020-04-15T16:10:10.288Z"
    ended_timestamp:
      description: When the session ended, in ISO 8601 format.
      returned: when the session has ended
      type: str
      sample: "2020-04-15T17:10:10.288Z"
    participants:
      description: The two participants of the session.
      returned: always
      type: list
      elements: dict
      contains:
        phone_number:
          description: The participant's phone number, in E.164 format (masked with O(mask_phone_numbers=true)).
          returned: always
          type: str
          sample: "+12065550100"
        proxy_phone_number:
          description: The participant's proxy phone number, in E.164 format (masked with O(mask_phone_numbers=true)).
          returned: always
          type: str
          sample: "+19135550199"
    number_selection_behavior:
      description: The preference for proxy phone number reuse (stickiness) between the same participants across sessions.
      returned: when the service sends it
      type: str
      sample: PreferSticky
    geo_match_level:
      description: The preference for matching the country or area code of the proxy phone number with that of the first participant.
      returned: when the service sends it
      type: str
      sample: Country
    geo_match_params:
      description: The country and area code for the proxy phone number.
      returned: when the service sends it
      type: dict
      contains:
        country:
          description: The country, as two capital letters.
          returned: always
          type: str
          sample: US
        area_code:
          description: The area code, as three digits.
          returned: always
          type: str
          sample: "206"
  sample:
    - voice_connector_id: abcdef1ghij2klmno3pqr4
      proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
      status: Open
      expiry_minutes: 60
      capabilities: ["SMS", "Voice"]
      created_timestamp: "2020-04-15T16:10:10.288Z"
      updated_timestamp: "2020-04-15T16:10:10.288Z"
      participants:
        - phone_number: "+12065550100"
          proxy_phone_number: "+19135550199"
        - phone_number: "+14015550101"
          proxy_phone_number: "+19135550199"
proxy_session:
  description:
    - The session asked for with O(proxy_session_id), with the same keys as each item of RV(proxy_sessions).
    - An empty dict when the session or the connector does not exist, or when a filter leaves it out.
  returned: when O(proxy_session_id) is set
  type: dict
  sample:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
    status: Open
    expiry_minutes: 60
    capabilities: ["SMS", "Voice"]
    created_timestamp: "2020-04-15T16:10:10.288Z"
    updated_timestamp: "2020-04-15T16:10:10.288Z"
    participants:
      - phone_number: "+12065550100"
        proxy_phone_number: "+19135550199"
      - phone_number: "+14015550101"
        proxy_phone_number: "+19135550199"
summary:
  description:
    - Counts of the sessions returned in RV(proxy_sessions), after the filters.
  returned: always
  version_added: 1.1.0
  type: dict
  contains:
    total:
      description: The number of sessions returned.
      returned: always
      type: int
      sample: 4
    by_status:
      description: The number of sessions of each status; every status of the model is a key, zero included.
      returned: always
      type: dict
      sample: {"Open": 2, "InProgress": 1, "Closed": 1}
    by_voice_connector:
      description:
        - The number of sessions of each voice connector scanned, by connector ID, zero included,
          in the order the connectors were scanned.
      returned: always
      type: dict
      sample: {"abcdef1ghij2klmno3pqr4": 4, "bcdefg2hijk3lmnop4qrs5": 0}
    voice_connectors_scanned:
      description:
        - The number of voice connectors whose sessions were gathered (1 with O(voice_connector_id)).
      returned: always
      type: int
      sample: 2
  sample:
    total: 4
    by_status: {"Open": 2, "InProgress": 1, "Closed": 1}
    by_voice_connector: {"abcdef1ghij2klmno3pqr4": 4}
    voice_connectors_scanned: 1
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
from typing import Callable
from typing import Dict
from typing import List

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
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import get_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import get_proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import list_proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import normalize_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.session_filters import SessionFilter
from ansible_collections.telephony.chime.plugins.module_utils._chime.session_filters import summarize
from ansible_collections.telephony.chime.plugins.module_utils._chime.session_filters import timestamp_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.voice_connectors import list_voice_connectors

# Which member of which operation's input each option is sent as, or (for the client-side filters) which member
# holds the same kind of value: the model's rules for that member apply. A scalar option mapped to a list member
# is checked against the list's item shape (E164PhoneNumber, Capability).
OPTION_MEMBERS = {
    "voice_connector_id": ("GetProxySession", "VoiceConnectorId"),
    "proxy_session_id": ("GetProxySession", "ProxySessionId"),
    "proxy_session_ids": ("GetProxySession", "ProxySessionId"),
    "status": ("ListProxySessions", "Status"),
    "participant_phone_number": ("CreateProxySession", "ParticipantPhoneNumbers"),
    "proxy_phone_number": ("AssociatePhoneNumbersWithVoiceConnector", "E164PhoneNumbers"),
    "capability": ("CreateProxySession", "Capabilities"),
}
FILTER_OPTIONS = ("participant_phone_number", "proxy_phone_number", "capability", "created_after", "created_before")
TIMESTAMP_OPTIONS = ("created_after", "created_before")


def operations_for(params: Dict[str, Any]) -> List[str]:
    """The operations the options call for, in the order they are used."""
    if params["proxy_session_id"] is not None or params["proxy_session_ids"] is not None:
        return ["GetProxySession"]
    if params["voice_connector_id"] is None:
        return ["ListVoiceConnectors", "ListProxySessions"]
    return ["ListProxySessions"]


def sessions_by_connector(
    client: Any, params: Dict[str, Any], prepare: Callable[[List[Dict[str, Any]]], List[Dict[str, Any]]]
) -> Dict[str, List[Dict[str, Any]]]:
    """The sessions found, each connector's through prepare(), by connector in the order of the connectors.

    prepare() runs as each connector's listing arrives, in the worker that fetched it, while other listings wait
    on the network.
    """
    voice_connector_id = params["voice_connector_id"]
    if params["proxy_session_id"] is not None:
        found = get_proxy_session(client, voice_connector_id, params["proxy_session_id"])
        return {voice_connector_id: prepare([found] if found else [])}
    if params["proxy_session_ids"] is not None:
        found = get_proxy_sessions(client, voice_connector_id, params["proxy_session_ids"], params["max_concurrency"])
        return {voice_connector_id: prepare(found)}
    if voice_connector_id is not None:
        return {voice_connector_id: prepare(list_proxy_sessions(client, voice_connector_id, params["status"]))}
    # Every connector of the region: a connector deleted since ListVoiceConnectors lists no session (not found is
    # empty); any other failure of any connector fails the task.
    ids = list(dict.fromkeys(vc["VoiceConnectorId"] for vc in list_voice_connectors(client)))
    listings = run_concurrently(
        lambda vc_id: prepare(list_proxy_sessions(client, vc_id, params["status"])), ids, params["max_concurrency"]
    )
    return dict(zip(ids, listings))


def gather(client: Any, params: Dict[str, Any], statuses: List[str]) -> Dict[str, Any]:
    """The module's result: proxy_sessions and summary always, proxy_session for a single id."""
    keep = SessionFilter(**{option: params[option] for option in FILTER_OPTIONS})
    found = sessions_by_connector(
        client, params, lambda sessions: keep.apply(normalize_proxy_session(s) for s in sessions)
    )
    result: Dict[str, Any] = {
        "proxy_sessions": [s for sessions in found.values() for s in sessions],
        "summary": summarize(found, statuses),
    }
    if params["proxy_session_id"] is not None:
        result["proxy_session"] = result["proxy_sessions"][0] if result["proxy_sessions"] else {}
    if params["mask_phone_numbers"]:
        result = mask_phone_numbers(result)
    return result


def main():
    argument_spec = dict(
        voice_connector_id=dict(type="str"),
        proxy_session_id=dict(type="str"),
        proxy_session_ids=dict(type="list", elements="str"),
        status=dict(type="str", choices=["Open", "InProgress", "Closed"]),
        participant_phone_number=dict(type="str"),
        proxy_phone_number=dict(type="str"),
        capability=dict(type="str", choices=["Voice", "SMS"]),
        created_after=dict(type="str"),
        created_before=dict(type="str"),
        mask_phone_numbers=dict(type="bool", default=False),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["proxy_session_id", "proxy_session_ids", "status"]],
        required_by={"proxy_session_id": "voice_connector_id", "proxy_session_ids": "voice_connector_id"},
    )
    params = module.params

    client = None
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + timestamp_violations(params, TIMESTAMP_OPTIONS)
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + pace_violations(params)
        )
        notices = DeprecationNotices(model)
        for operation in operations_for(params):
            notices.show(operation)
        client = chime_client(module, model, params["max_concurrency"])
        result = gather(client, params, model.enum("ListProxySessions", "Status"))
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(changed=False, **result, **pace_result(client))


if __name__ == "__main__":
    main()
