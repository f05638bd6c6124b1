#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: chime_proxy_session
version_added: 1.1.0
short_description: Create, update and delete Amazon Chime SDK Voice proxy phone sessions
description:
  - Creates a proxy phone session on an Amazon Chime SDK Voice Connector, changes its capabilities and expiry, or
    deletes one or many sessions, as C(aws chime-sdk-voice create-proxy-session), C(update-proxy-session) and
    C(delete-proxy-session) do.
  - With O(proxy_session_id) and V(state=present), updates O(capabilities) and O(expiry_minutes) of that session
    when they differ (what C(UpdateProxySession) allows). The session must exist.
  - Without O(proxy_session_id), V(state=present) creates a session from O(participant_phone_numbers),
    O(capabilities), O(name) and the other creation options. A session of the connector that is not C(Closed) and
    has the same O(name) and the same two participants (in either order) is the same session, so a rerun creates
    nothing; its capabilities and expiry are updated when they differ. The other creation options only apply when
    a session is created.
  - V(state=absent) deletes O(proxy_session_id), or every id of O(proxy_session_ids) concurrently by a bounded pool
    of O(max_concurrency) workers, with one C(DeleteProxySession) per session and no other request. Sessions that do
    not exist are already absent (the service answers C(NotFoundException)), so a rerun reports no change. Only in
    check mode (to say which sessions would be deleted) and with C(--diff) (to show them before) is each session read
    first with C(GetProxySession).
  - Reads first and sends a write only when something differs, so a second run with the same options reports
    RV(ignore:changed=false) and sends no write request. RV(ignore:changed) is true only when a write succeeded
    (or would be sent, in check mode).
  - Supports check mode (no write request is sent; the result says what would change) and C(--diff).
  - Every request goes through the collection's retry layer, as
    R(Failures and retries,ansible_collections.telephony.chime.docsite.failures) describes.
  - Every option is checked against the constraints of the C(chime-sdk-voice) service model that the installed
    botocore ships, before any request is sent.
  - AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07 and marks these operations as deprecated.
    The module passes the model's deprecation notice of each operation it sends on as a warning, once per task.
    A write that AWS refuses (C(ForbiddenException) or C(BadRequestException)) fails the task with a message that
    says the end of support may be the reason and names the session and the connector.
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
      - V(present) creates the session, or updates it to match the options given.
      - V(absent) deletes the sessions of O(proxy_session_id) or O(proxy_session_ids).
    type: str
    choices: ['present', 'absent']
    default: present
  proxy_session_id:
    description:
      - The ID of one proxy session, to update (V(state=present)) or delete (V(state=absent)).
      - Between 1 and 128 characters, not blank.
      - Mutually exclusive with O(proxy_session_ids), O(name), O(participant_phone_numbers),
        O(number_selection_behavior), O(geo_match_level) and O(geo_match_params), which C(UpdateProxySession) cannot
        change.
    type: str
  proxy_session_ids:
    description:
      - The IDs of several proxy sessions to delete, concurrently; only with V(state=absent).
      - An empty list deletes nothing and sends no request.
    type: list
    elements: str
  name:
    description:
      - The name of the proxy session; required to create one.
      - Up to 30 letters, digits and spaces, as the service model allows.
    type: str
  participant_phone_numbers:
    description:
      - The phone numbers of the two participants, in E.164 format; required to create a session.
      - Exactly two numbers, as the service model requires.
      - Compared with a listed session's participants with or without the leading C(+), which the model's pattern
        lets either side leave out.
    type: list
    elements: str
  capabilities:
    description:
      - The session's capabilities; required to create a session.
      - Compared with the session's own in any order. Left out on an update, the current ones are kept.
    type: list
    elements: str
    choices: ['Voice', 'SMS']
  expiry_minutes:
    description:
      - The number of minutes allowed for the session; at least 1.
      - Left out when creating, the proxy configuration's default applies; left out on an update, the current value
        is kept.
    type: int
  number_selection_behavior:
    description:
      - The preference for proxy phone number reuse (stickiness) between the same participants across sessions.
      - Only used when a session is created.
    type: str
    choices: ['PreferSticky', 'AvoidSticky']
  geo_match_level:
    description:
      - The preference for matching the country or area code of the proxy phone number with that of the first
        participant.
      - Only used when a session is created.
    type: str
    choices: ['Country', 'AreaCode']
  geo_match_params:
    description:
      - The country and area code for the proxy phone number.
      - Only used when a session is created.
    type: dict
    suboptions:
      country:
        description: The country, as two capital letters.
        type: str
        required: true
      area_code:
        description: The area code, as three digits.
        type: str
        required: true
notes:
  - Needs the IAM actions C(chime:ListProxySessions) and C(chime:CreateProxySession) to create,
    C(chime:GetProxySession) and C(chime:UpdateProxySession) to update, C(chime:DeleteProxySession) to delete (and
    C(chime:GetProxySession) in check mode or with C(--diff)); see
    R(IAM permissions,ansible_collections.telephony.chime.docsite.iam).
  - A create is never sent twice. A throttled create is retried as every request is; after a create that got no
    answer (a dropped connection, a timeout) or a server fault (5xx), AWS may have created the session all the same,
    so the module looks for it by name and participants (C(ListProxySessions)) before sending the create again, and
    returns the session it finds.
  - Participant phone numbers and session names are returned as the service sends them. AWS's model marks them as
    sensitive; set C(no_log) on the task where task output is shared.
extends_documentation_fragment:
  - telephony.chime.concurrency
  - telephony.chime.pace
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Create a proxy session between two participants (a rerun finds it and creates nothing)
  telephony.chime.chime_proxy_session:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    name: Courier pickup 43
    participant_phone_numbers: ["+12065550150", "+14015550151"]
    capabilities: [Voice, SMS]
    expiry_minutes: 60
    number_selection_behavior: PreferSticky
    geo_match_level: AreaCode
    geo_match_params:
      country: US
      area_code: "206"
  register: new_session

- name: Allow only voice on the example session, for the next 30 minutes
  telephony.chime.chime_proxy_session:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
    capabilities: [Voice]
    expiry_minutes: 30
  register: updated_session

- name: See which sessions would be deleted, without deleting them
  telephony.chime.chime_proxy_session:
    voice_connector_id: abcdef1ghij2klmno3pqr4
    proxy_session_ids:
      - 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
      - "{{ new_session.proxy_session.proxy_session_id }}"
    state: absent
  check_mode: true
  diff: true
  register: deletion_preview

- name: Set region and credentials once for this collection and amazon.aws alike
  module_defaults:
    group/telephony.chime.aws:
      region: us-east-1
  block:
    - name: Delete one proxy session
      telephony.chime.chime_proxy_session:
        voice_connector_id: abcdef1ghij2klmno3pqr4
        proxy_session_id: "{{ new_session.proxy_session.proxy_session_id }}"
        state: absent
      register: deleted_session
"""

RETURN = r"""
proxy_session:
  description:
    - With V(state=present), the session after the task, with the members of AWS's ProxySession shape that the service
      sent, in snake_case (as M(telephony.chime.chime_proxy_session_info) returns them). In check mode, when a
      session would be created, the members the request would set.
    - With V(state=absent) and O(proxy_session_id), the session as it was before it was deleted when it was read (in
      check mode or with C(--diff)); otherwise only its RV(proxy_session.voice_connector_id) and
      RV(proxy_session.proxy_session_id), since the delete reads nothing. An empty dict when it did not exist.
  returned: unless O(proxy_session_ids) is set
  type: dict
  contains:
    voice_connector_id:
      description: The Amazon Chime SDK Voice Connector ID.
      returned: always
      type: str
      sample: abcdef1ghij2klmno3pqr4
    proxy_session_id:
      description: The proxy session ID.
      returned: when the session exists
      type: str
      sample: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l
    name:
      description: The name of the proxy session.
      returned: when the session has a name
      type: str
      sample: Courier pickup 43
    status:
      description: The status of the proxy session, as AWS sends it.
      returned: when the session exists
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
      returned: when the session exists
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
      description: The two participants of the session (without proxy numbers in a check-mode creation).
      returned: always
      type: list
      elements: dict
      contains:
        phone_number:
          description: The participant's phone number, in E.164 format.
          returned: always
          type: str
          sample: "+12065550100"
        proxy_phone_number:
          description: The participant's proxy phone number, in E.164 format.
          returned: when the session exists
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
      sample: AreaCode
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
proxy_sessions:
  description:
    - With O(proxy_session_ids), the sessions that existed and were deleted (or would be, in check mode), in the order
      of O(proxy_session_ids), each ID once. IDs that did not exist are left out.
    - Each session has the same keys as RV(proxy_session) when it was read (in check mode or with C(--diff)), and
      only RV(proxy_session.voice_connector_id) and RV(proxy_session.proxy_session_id) otherwise.
  returned: when O(proxy_session_ids) is set
  type: list
  elements: dict
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
deleted_proxy_session_ids:
  description:
    - With V(state=absent), the IDs of the sessions deleted (or that would be, in check mode).
    - Also in the result of a failed task, so that what was deleted before the failure is known.
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["123a4bc5-67d8-901e-2f3g-h4ghjk56789l"]
diff:
  description:
    - With C(--diff), the session before and after (an empty dict where there is none); for O(proxy_session_ids),
      C(proxy_sessions) before and after.
  returned: when diff mode is on
  type: dict
  sample:
    before: {proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l, capabilities: ["SMS", "Voice"], expiry_minutes: 60}
    after: {proxy_session_id: 123a4bc5-67d8-901e-2f3g-h4ghjk56789l, capabilities: ["Voice"], expiry_minutes: 30}
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

import threading

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
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import DEFAULT_PATIENCE
from ansible_collections.telephony.chime.plugins.module_utils._chime.phone_numbers import e164
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import create_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import delete_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import get_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import list_proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import normalize_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import update_proxy_session
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import option_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import raise_for_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import range_violations
from ansible_collections.telephony.chime.plugins.module_utils._chime.validation import shape_violations

# Which member of which operation's input each option is sent as: the model's rules for that member apply.
OPTION_MEMBERS = {
    "voice_connector_id": ("CreateProxySession", "VoiceConnectorId"),
    "proxy_session_id": ("UpdateProxySession", "ProxySessionId"),
    "proxy_session_ids": ("DeleteProxySession", "ProxySessionId"),
    "name": ("CreateProxySession", "Name"),
    "participant_phone_numbers": ("CreateProxySession", "ParticipantPhoneNumbers"),
    "capabilities": ("CreateProxySession", "Capabilities"),
    "expiry_minutes": ("CreateProxySession", "ExpiryMinutes"),
    "number_selection_behavior": ("CreateProxySession", "NumberSelectionBehavior"),
    "geo_match_level": ("CreateProxySession", "GeoMatchLevel"),
}
# The members of CreateProxySession's GeoMatchParams structure, each checked against the model on its own.
GEO_MATCH_MEMBERS = {"country": "Country", "area_code": "AreaCode"}
# Options that only CreateProxySession takes; UpdateProxySession cannot change them.
CREATION_OPTIONS = [
    "name",
    "participant_phone_numbers",
    "number_selection_behavior",
    "geo_match_level",
    "geo_match_params",
]


def geo_match_violations(model, params):
    """GeoMatchParams is a structure: each of its members against the model's rule for it."""
    given = params["geo_match_params"]
    if not given:
        return []
    shape = model.member_shape("CreateProxySession", "GeoMatchParams")
    errors = []
    for option, member in GEO_MATCH_MEMBERS.items():
        for problem in shape_violations(shape.members[member], given[option]):
            errors.append(f"geo_match_params.{option} (CreateProxySession GeoMatchParams.{member}) {problem}")
    return errors


def participants_of(session):
    """The session's participant numbers, sorted, each with its "+" (the model's pattern lets the service leave it out
    as it lets the task): a rerun finds its session whichever form either side used."""
    return sorted(e164(p["PhoneNumber"]) for p in session.get("Participants", []) if p.get("PhoneNumber"))


def update_request(session, params):
    """UpdateProxySession's members when the options differ from the session, None when they do not.

    The model requires Capabilities on every update: the current ones are sent again when only the expiry changes.
    """
    current_capabilities = session.get("Capabilities", [])
    capabilities = params["capabilities"] if params["capabilities"] is not None else current_capabilities
    expiry = params["expiry_minutes"]
    if sorted(capabilities) == sorted(current_capabilities) and expiry in (None, session.get("ExpiryMinutes")):
        return None
    members = {"Capabilities": capabilities}
    if expiry is not None:
        members["ExpiryMinutes"] = expiry
    return members


def create_request(params):
    """CreateProxySession's members from the options; the model's required members must be given."""
    missing = [o for o in ("name", "participant_phone_numbers", "capabilities") if params[o] is None]
    if missing:
        raise AnsibleChimeError(
            message=f"Creating a proxy session on voice connector {params['voice_connector_id']} needs "
            f"{', '.join(missing)} (or proxy_session_id, to update a session). Nothing was sent to AWS."
        )
    members = {
        "Name": params["name"],
        "ParticipantPhoneNumbers": params["participant_phone_numbers"],
        "Capabilities": params["capabilities"],
    }
    optional = {
        "ExpiryMinutes": params["expiry_minutes"],
        "NumberSelectionBehavior": params["number_selection_behavior"],
        "GeoMatchLevel": params["geo_match_level"],
    }
    members.update({member: value for member, value in optional.items() if value is not None})
    if params["geo_match_params"]:
        members["GeoMatchParams"] = {m: params["geo_match_params"][o] for o, m in GEO_MATCH_MEMBERS.items()}
    return members


def same_session(client, params):
    """The connector's session that is not Closed with this name and these two participants, or None."""
    wanted = sorted(e164(n) for n in params["participant_phone_numbers"])
    found = [
        s
        for s in list_proxy_sessions(client, params["voice_connector_id"])
        if s.get("Status") != "Closed" and s.get("Name") == params["name"] and participants_of(s) == wanted
    ]
    if len(found) > 1:
        ids = ", ".join(s["ProxySessionId"] for s in found)
        raise AnsibleChimeError(
            message=f"{len(found)} proxy sessions of voice connector {params['voice_connector_id']} that are not "
            f"Closed have the name {params['name']!r} and these participants ({ids}); set proxy_session_id to choose one"
        )
    return found[0] if found else None


def predicted_session(params, members):
    """What check mode reports for a session it would create: the members the request would set."""
    session = {
        "VoiceConnectorId": params["voice_connector_id"],
        **{k: v for k, v in members.items() if k != "ParticipantPhoneNumbers"},
        "Participants": [{"PhoneNumber": number} for number in members["ParticipantPhoneNumbers"]],
    }
    return normalize_proxy_session(session)


def ensure_present(module, client, notices):
    params = module.params
    voice_connector_id = params["voice_connector_id"]
    if params["proxy_session_id"] is not None:
        notices.show("GetProxySession")
        session = get_proxy_session(client, voice_connector_id, params["proxy_session_id"])
        if session is None:
            raise AnsibleChimeError(
                message=f"Proxy session {params['proxy_session_id']} of voice connector {voice_connector_id} does "
                "not exist, so it cannot be updated (leave proxy_session_id out to create a session)"
            )
    else:
        members = create_request(params)
        notices.show("ListProxySessions")
        session = same_session(client, params)
        if session is None:
            notices.show("CreateProxySession")
            if module.check_mode:
                return True, {}, predicted_session(params, members)
            created = create_proxy_session(client, voice_connector_id, members, lambda: same_session(client, params))
            return True, {}, normalize_proxy_session(created)

    before = normalize_proxy_session(session)
    members = update_request(session, params)
    if members is None:
        return False, before, before
    notices.show("UpdateProxySession")
    if module.check_mode:
        return True, before, normalize_proxy_session({**session, **members})
    updated = update_proxy_session(client, voice_connector_id, session["ProxySessionId"], members)
    return True, before, normalize_proxy_session(updated)


def delete_sessions(module, client, notices, ids):
    """Delete the sessions of these ids; the sessions as they were (when read), and the ids actually deleted.

    One DeleteProxySession per id, nothing else: its NotFoundException means the session is already gone, so a
    second run reports no change. Only check mode (to say what would be deleted) and --diff (to show the sessions
    before) read each id first with GetProxySession; check mode then sends no write. The first failure stops the
    work still queued and fails the task, whose result still lists the ids deleted before it.
    """
    voice_connector_id = module.params["voice_connector_id"]
    max_concurrency = module.params["max_concurrency"]
    ids = list(dict.fromkeys(ids))
    read_first = module.check_mode or module._diff
    if ids and read_first:
        notices.show("GetProxySession")
    if ids and not module.check_mode:
        notices.show("DeleteProxySession")
    deleted = []
    lock = threading.Lock()

    def delete_one(proxy_session_id):
        session = {"ProxySessionId": proxy_session_id, "VoiceConnectorId": voice_connector_id}
        if read_first:
            session = get_proxy_session(client, voice_connector_id, proxy_session_id)
            if session is None:
                return None
        if not module.check_mode and not delete_proxy_session(client, voice_connector_id, proxy_session_id):
            return None
        with lock:
            deleted.append(proxy_session_id)
        return session

    try:
        sessions = run_concurrently(delete_one, ids, max_concurrency)
    except AnsibleChimeError as e:
        e.kwargs.update(changed=bool(deleted), deleted_proxy_session_ids=deleted)
        raise
    found = [s for s in sessions if s is not None]
    return found, [s["ProxySessionId"] for s in found]


def ensure(module, model, client):
    """The module's result: changed, the session(s), and the diff when asked for."""
    params = module.params
    notices = DeprecationNotices(model)
    if params["state"] == "present":
        changed, before, after = ensure_present(module, client, notices)
        result = {"changed": changed, "proxy_session": after}
    elif params["proxy_session_ids"] is not None:
        found, deleted = delete_sessions(module, client, notices, params["proxy_session_ids"])
        before = {"proxy_sessions": [normalize_proxy_session(s) for s in found]}
        after = {"proxy_sessions": []}
        result = {"changed": bool(deleted), "proxy_sessions": before["proxy_sessions"]}
        result["deleted_proxy_session_ids"] = deleted
    else:
        found, deleted = delete_sessions(module, client, notices, [params["proxy_session_id"]])
        before = normalize_proxy_session(found[0]) if found else {}
        after = {}
        result = {"changed": bool(deleted), "proxy_session": before, "deleted_proxy_session_ids": deleted}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        voice_connector_id=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        proxy_session_id=dict(type="str"),
        proxy_session_ids=dict(type="list", elements="str"),
        name=dict(type="str"),
        participant_phone_numbers=dict(type="list", elements="str"),
        capabilities=dict(type="list", elements="str", choices=["Voice", "SMS"]),
        expiry_minutes=dict(type="int"),
        number_selection_behavior=dict(type="str", choices=["PreferSticky", "AvoidSticky"]),
        geo_match_level=dict(type="str", choices=["Country", "AreaCode"]),
        geo_match_params=dict(
            type="dict",
            options=dict(country=dict(type="str", required=True), area_code=dict(type="str", required=True)),
        ),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        max_requests_per_second=dict(type="float"),
        throttle_timeout=dict(type="float", default=DEFAULT_PATIENCE),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["proxy_session_id", "proxy_session_ids"]]
        + [["proxy_session_id", option] for option in CREATION_OPTIONS],
        required_if=[["state", "absent", ["proxy_session_id", "proxy_session_ids"], True]],
    )
    params = module.params
    if params["proxy_session_ids"] is not None and params["state"] != "absent":
        module.fail_json(
            msg="proxy_session_ids is only for state=absent; update sessions one proxy_session_id at a time"
        )

    client = None
    try:
        model = ChimeModel()
        raise_for_violations(
            option_violations(model, params, OPTION_MEMBERS)
            + geo_match_violations(model, params)
            + range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)
            + pace_violations(params)
        )
        client = chime_client(module, model, params["max_concurrency"])
        result = ensure(module, model, client)
    except AnsibleChimeError as e:
        fail_with(module, e, **pace_result(client))

    module.exit_json(**result, **pace_result(client))


if __name__ == "__main__":
    main()
