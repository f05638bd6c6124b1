# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_proxy_session end to end in-process: a real client behind botocore's Stubber.

The Stubber refuses any request that was not queued, with its exact parameters: a test that queues only reads
proves that no write request is sent.
"""

import pytest

from ansible_collections.telephony.chime.plugins.modules import chime_proxy_session
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SNAKE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import PoolStubber
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import ModuleRun
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import warned_operations

VC = {"VoiceConnectorId": VOICE_CONNECTOR_ID}
GET = {**VC, "ProxySessionId": EXAMPLE_ID}
LIST = {**VC, "MaxResults": 100}
NUMBERS = ["+12065550150", "+14015550151"]
CREATE_OPTIONS = {
    "voice_connector_id": VOICE_CONNECTOR_ID,
    "name": "Courier pickup 43",
    "participant_phone_numbers": NUMBERS,
    "capabilities": ["Voice", "SMS"],
}
CREATE = {
    **VC,
    "Name": "Courier pickup 43",
    "ParticipantPhoneNumbers": NUMBERS,
    "Capabilities": ["Voice", "SMS"],
}


def created(proxy_session_id="new-1", status="Open", numbers=None, name="Courier pickup 43", **extra):
    numbers = numbers or NUMBERS
    item = session(proxy_session_id, status=status, Name=name, Capabilities=["Voice", "SMS"], **extra)
    item["Participants"] = [{"PhoneNumber": n, "ProxyPhoneNumber": "+19135550199"} for n in numbers]
    return item


@pytest.fixture
def run(monkeypatch, capsys):
    return ModuleRun(chime_proxy_session, monkeypatch, capsys)


# --- update by id ----------------------------------------------------------------------------


def test_update_sends_the_new_capabilities_and_expiry(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    answer = {**EXAMPLE_SESSION, "Capabilities": ["Voice"], "ExpiryMinutes": 30}
    run.response(
        "update_proxy_session", {"ProxySession": answer}, {**GET, "Capabilities": ["Voice"], "ExpiryMinutes": 30}
    )
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_id=EXAMPLE_ID,
        capabilities=["Voice"],
        expiry_minutes=30,
        _ansible_diff=True,
    )
    assert result["changed"] is True
    assert result["proxy_session"] == {**EXAMPLE_SNAKE, "capabilities": ["Voice"], "expiry_minutes": 30}
    assert result["diff"]["before"] == EXAMPLE_SNAKE
    assert result["diff"]["after"] == result["proxy_session"]
    assert warned_operations(result) == ["GetProxySession", "UpdateProxySession"]


def test_update_of_the_expiry_alone_sends_the_current_capabilities_the_model_requires(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    answer = {**EXAMPLE_SESSION, "ExpiryMinutes": 90}
    run.response(
        "update_proxy_session", {"ProxySession": answer}, {**GET, "Capabilities": ["SMS", "Voice"], "ExpiryMinutes": 90}
    )
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, expiry_minutes=90)
    assert result["changed"] is True
    assert result["proxy_session"]["expiry_minutes"] == 90


def test_same_capabilities_in_another_order_and_same_expiry_send_no_write(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_id=EXAMPLE_ID,
        capabilities=["Voice", "SMS"],
        expiry_minutes=60,
    )
    assert result["changed"] is False
    assert result["proxy_session"] == EXAMPLE_SNAKE
    assert warned_operations(result) == ["GetProxySession"]


def test_update_in_check_mode_reports_the_change_and_sends_no_write(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_id=EXAMPLE_ID,
        capabilities=["SMS"],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )
    assert result["changed"] is True
    assert result["proxy_session"] == {**EXAMPLE_SNAKE, "capabilities": ["SMS"]}
    assert result["diff"] == {"before": EXAMPLE_SNAKE, "after": result["proxy_session"]}


def test_update_of_a_session_that_does_not_exist_fails_without_a_write(run):
    run.error("get_proxy_session", "NotFoundException", 404, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, capabilities=["SMS"])
    assert result["failed"] is True
    assert f"Proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID} does not exist" in result["msg"]


# --- create ----------------------------------------------------------------------------------


def test_create_when_no_session_matches(run):
    others = [
        created("closed-same", status="Closed"),  # Closed: not the same session
        created("other-name", name="Another"),
        created("other-people", numbers=["+12065550150", "+14015550199"]),
    ]
    run.response("list_proxy_sessions", {"ProxySessions": others}, LIST)
    full = {
        **CREATE,
        "ExpiryMinutes": 45,
        "GeoMatchLevel": "AreaCode",
        "GeoMatchParams": {"Country": "US", "AreaCode": "206"},
    }
    run.response("create_proxy_session", {"ProxySession": created("new-1", ExpiryMinutes=45)}, full)
    result = run(
        **CREATE_OPTIONS,
        expiry_minutes=45,
        geo_match_level="AreaCode",
        geo_match_params={"country": "US", "area_code": "206"},
        _ansible_diff=True,
    )
    assert result["changed"] is True
    assert result["proxy_session"]["proxy_session_id"] == "new-1"
    assert result["diff"]["before"] == {}
    assert warned_operations(result) == ["ListProxySessions", "CreateProxySession"]


def test_a_session_with_the_same_name_and_participants_is_not_created_again(run):
    # The same two participants in the other order, on the second page.
    run.response("list_proxy_sessions", {"ProxySessions": [created("a", name="Another")], "NextToken": "t"}, LIST)
    run.response(
        "list_proxy_sessions",
        {"ProxySessions": [created("existing", status="InProgress", numbers=list(reversed(NUMBERS)))]},
        {**LIST, "NextToken": "t"},
    )
    result = run(**CREATE_OPTIONS)
    assert result["changed"] is False
    assert result["proxy_session"]["proxy_session_id"] == "existing"
    assert warned_operations(result) == ["ListProxySessions"]


def test_the_same_session_is_found_when_the_service_lists_its_participants_without_the_plus(run):
    # The model's E164PhoneNumber pattern makes the "+" optional, in answers as in requests: no second create.
    listed = created("existing", numbers=[n.lstrip("+") for n in NUMBERS])
    run.response("list_proxy_sessions", {"ProxySessions": [listed]}, LIST)
    result = run(**CREATE_OPTIONS)
    assert result["changed"] is False
    assert result["proxy_session"]["proxy_session_id"] == "existing"


def test_the_same_session_is_found_when_the_task_gives_the_participants_without_the_plus(run):
    run.response("list_proxy_sessions", {"ProxySessions": [created("existing")]}, LIST)
    result = run(**{**CREATE_OPTIONS, "participant_phone_numbers": [n.lstrip("+") for n in NUMBERS]})
    assert result["changed"] is False
    assert result["proxy_session"]["proxy_session_id"] == "existing"


def test_the_same_session_gets_its_capabilities_updated(run):
    run.response("list_proxy_sessions", {"ProxySessions": [created("existing")]}, LIST)
    params = {**VC, "ProxySessionId": "existing", "Capabilities": ["Voice"]}
    run.response("update_proxy_session", {"ProxySession": {**created("existing"), "Capabilities": ["Voice"]}}, params)
    result = run(**{**CREATE_OPTIONS, "capabilities": ["Voice"]})
    assert result["changed"] is True
    assert result["proxy_session"]["capabilities"] == ["Voice"]


def test_create_in_check_mode_reports_the_request_and_sends_no_write(run):
    run.response("list_proxy_sessions", {"ProxySessions": []}, LIST)
    result = run(**CREATE_OPTIONS, number_selection_behavior="AvoidSticky", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["proxy_session"] == {
        "voice_connector_id": VOICE_CONNECTOR_ID,
        "name": "Courier pickup 43",
        "capabilities": ["Voice", "SMS"],
        "number_selection_behavior": "AvoidSticky",
        "participants": [{"phone_number": NUMBERS[0]}, {"phone_number": NUMBERS[1]}],
    }


def test_two_matching_sessions_fail_without_a_write(run):
    run.response("list_proxy_sessions", {"ProxySessions": [created("one"), created("two")]}, LIST)
    result = run(**CREATE_OPTIONS)
    assert result["failed"] is True
    assert "2 proxy sessions" in result["msg"] and "one, two" in result["msg"]


@pytest.mark.parametrize("left_out", ["name", "participant_phone_numbers", "capabilities"])
def test_creating_without_what_it_needs_fails_before_any_request(run, left_out):
    options = {k: v for k, v in CREATE_OPTIONS.items() if k != left_out}
    result = run(**options)
    assert result["failed"] is True
    assert f"needs {left_out}" in result["msg"]
    assert "Nothing was sent to AWS" in result["msg"]
    assert len(run.clients) == 1, "the client exists but no request was queued or sent"


# --- delete ----------------------------------------------------------------------------------


ONLY_IDS = {"voice_connector_id": VOICE_CONNECTOR_ID, "proxy_session_id": EXAMPLE_ID}


def test_delete_one_session_sends_one_delete_and_nothing_else(run):
    run.response("delete_proxy_session", {}, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent")
    assert result["changed"] is True
    assert result["proxy_session"] == ONLY_IDS, "nothing was read: the ids are all the task knows"
    assert result["deleted_proxy_session_ids"] == [EXAMPLE_ID]
    assert "diff" not in result
    assert warned_operations(result) == ["DeleteProxySession"]


def test_delete_with_diff_reads_the_session_first_to_show_it(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    run.response("delete_proxy_session", {}, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent", _ansible_diff=True)
    assert result["changed"] is True
    assert result["proxy_session"] == EXAMPLE_SNAKE
    assert result["deleted_proxy_session_ids"] == [EXAMPLE_ID]
    assert result["diff"] == {"before": EXAMPLE_SNAKE, "after": {}}
    assert warned_operations(result) == ["GetProxySession", "DeleteProxySession"]


def test_delete_of_a_session_that_does_not_exist_is_already_absent(run):
    run.error("delete_proxy_session", "NotFoundException", 404, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent")
    assert result["changed"] is False
    assert result["proxy_session"] == {}
    assert result["deleted_proxy_session_ids"] == []
    assert warned_operations(result) == ["DeleteProxySession"]


def test_delete_in_check_mode_of_a_session_that_does_not_exist_reads_and_sends_no_write(run):
    run.error("get_proxy_session", "NotFoundException", 404, GET)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent", _ansible_check_mode=True
    )
    assert result["changed"] is False
    assert result["proxy_session"] == {}
    assert result["deleted_proxy_session_ids"] == []
    assert warned_operations(result) == ["GetProxySession"]


def test_delete_in_check_mode_reads_and_sends_no_write(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent", _ansible_check_mode=True
    )
    assert result["changed"] is True
    assert result["proxy_session"] == EXAMPLE_SNAKE
    assert result["deleted_proxy_session_ids"] == [EXAMPLE_ID]
    assert warned_operations(result) == ["GetProxySession"]


def test_a_session_gone_between_the_diffs_read_and_the_delete_is_already_absent(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    run.error("delete_proxy_session", "NotFoundException", 404, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent", _ansible_diff=True)
    assert result["changed"] is False
    assert result["deleted_proxy_session_ids"] == []
    assert result["diff"] == {"before": {}, "after": {}}


def test_delete_many_one_request_each_in_the_order_given_missing_ones_already_absent(run):
    def ids(proxy_session_id):
        return {**VC, "ProxySessionId": proxy_session_id}

    run.response("delete_proxy_session", {}, ids("c"))
    run.error("delete_proxy_session", "NotFoundException", 404, ids("b"))
    run.response("delete_proxy_session", {}, ids("a"))
    # One worker keeps the Stubber's queue order; the pool is tested below. The Stubber refuses any request not
    # queued: three deletes for three distinct ids, no read.
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["c", "b", "a", "c"], state="absent", max_concurrency=1
    )
    assert result["changed"] is True
    assert result["proxy_sessions"] == [
        {"voice_connector_id": VOICE_CONNECTOR_ID, "proxy_session_id": "c"},
        {"voice_connector_id": VOICE_CONNECTOR_ID, "proxy_session_id": "a"},
    ]
    assert result["deleted_proxy_session_ids"] == ["c", "a"]
    assert "proxy_session" not in result
    assert warned_operations(result) == ["DeleteProxySession"]


def test_delete_many_in_check_mode_reads_each_and_deletes_none(run):
    def ids(proxy_session_id):
        return {**VC, "ProxySessionId": proxy_session_id}

    run.response("get_proxy_session", {"ProxySession": session("c")}, ids("c"))
    run.error("get_proxy_session", "NotFoundException", 404, ids("b"))
    run.response("get_proxy_session", {"ProxySession": session("a", status="Closed")}, ids("a"))
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_ids=["c", "b", "a"],
        state="absent",
        max_concurrency=1,
        _ansible_check_mode=True,
    )
    assert result["changed"] is True
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["c", "a"]
    assert result["proxy_sessions"][1]["status"] == "Closed"
    assert result["deleted_proxy_session_ids"] == ["c", "a"]


def test_an_empty_list_sends_nothing_and_warns_of_nothing(run):
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=[], state="absent")
    assert result["changed"] is False
    assert result["proxy_sessions"] == []
    assert warned_operations(result) == []


def test_deletes_run_concurrently_within_max_concurrency(monkeypatch, capsys):
    """A pool-aware Stubber answers by parameters; it records the most requests in flight at once."""
    stubbers = []
    real = chime_proxy_session.chime_client

    def pooled_client(module, model, max_concurrency):
        client = real(module, model, max_concurrency)
        stub = PoolStubber(client, hold=0.02)
        for n in range(12):
            stub.add_response("delete_proxy_session", {}, {**VC, "ProxySessionId": f"s{n}"})
        stub.activate()
        stubbers.append(stub)
        return client

    run = ModuleRun(chime_proxy_session, monkeypatch, capsys, sleep=True)
    monkeypatch.setattr(chime_proxy_session, "chime_client", pooled_client)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_ids=[f"s{n}" for n in range(12)],
        state="absent",
        max_concurrency=4,
    )
    stub = stubbers[0]
    stub.assert_no_pending_responses()
    assert result["deleted_proxy_session_ids"] == [f"s{n}" for n in range(12)]
    assert 1 < stub.max_in_flight <= 4


def test_a_failed_delete_fails_the_task_naming_the_session_and_keeps_what_was_deleted(run):
    def ids(proxy_session_id):
        return {**VC, "ProxySessionId": proxy_session_id}

    run.response("delete_proxy_session", {}, ids("a"))
    run.error("delete_proxy_session", "ForbiddenException", 403, ids("b"), message="Operation not supported")
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["a", "b", "c"], state="absent", max_concurrency=1
    )
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to delete proxy session b of voice connector {VOICE_CONNECTOR_ID}")
    assert "AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07" in result["msg"]
    assert "chime:DeleteProxySession" in result["msg"]
    assert "Operation not supported" in result["msg"]
    assert result["error"]["code"] == "ForbiddenException"
    assert result["changed"] is True
    assert result["deleted_proxy_session_ids"] == ["a"]


@pytest.mark.parametrize(
    "operation, code, status",
    [("update_proxy_session", "BadRequestException", 400), ("update_proxy_session", "ForbiddenException", 403)],
)
def test_a_refused_update_names_the_end_of_support_and_the_session(run, operation, code, status):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    run.error(operation, code, status, {**GET, "Capabilities": ["SMS"]})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, capabilities=["SMS"])
    assert result["failed"] is True
    assert result["msg"].startswith(
        f"Failed to update proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}"
    )
    assert "2026-04-07" in result["msg"]
    assert result["error"]["code"] == code
    assert "changed" not in result or result["changed"] is False


def test_a_refused_create_names_the_end_of_support_and_the_session(run):
    run.response("list_proxy_sessions", {"ProxySessions": []}, LIST)
    run.error("create_proxy_session", "BadRequestException", 400, CREATE)
    result = run(**CREATE_OPTIONS)
    assert result["failed"] is True
    assert result["msg"].startswith(
        f"Failed to create proxy session 'Courier pickup 43' on voice connector {VOICE_CONNECTOR_ID}"
    )
    assert "2026-04-07" in result["msg"]


def test_a_create_answered_with_a_server_fault_is_looked_for_before_it_is_sent_again(run):
    run.response("list_proxy_sessions", {"ProxySessions": []}, LIST)
    run.error("create_proxy_session", "ServiceFailureException", 500, CREATE)
    run.response("list_proxy_sessions", {"ProxySessions": [created("made-before-the-fault")]}, LIST)
    # The Stubber refuses a request it was not given: a second CreateProxySession would fail the test.
    result = run(**CREATE_OPTIONS)
    assert result["changed"] is True
    assert result["proxy_session"]["proxy_session_id"] == "made-before-the-fault"
    assert warned_operations(result) == ["ListProxySessions", "CreateProxySession"]


def test_a_throttled_delete_is_retried(run):
    run.error("delete_proxy_session", "ThrottledClientException", 429, GET)
    run.response("delete_proxy_session", {}, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent")
    assert result["changed"] is True


def test_a_delete_throttled_until_the_throttle_timeout_fails_without_the_end_of_support_words(run):
    for _attempt in range(4):  # at 0, 0.1, 0.3 and 0.7 s (the rate halves); the next turn is past the 1 s timeout
        run.error("delete_proxy_session", "ThrottledClientException", 429, GET)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, state="absent", throttle_timeout=1)
    assert result["failed"] is True
    assert "DeleteProxySession in region us-east-1: nothing got through there for 1 seconds" in result["msg"]
    assert "(the service throttled every request for longer than throttle_timeout)" in result["msg"]
    assert result["error"]["code"] == "ThrottledClientException"
    assert "2026-04-07" not in result["msg"]
    assert result["changed"] is False
    assert result["pace"] == [{"region": "us-east-1", "requests": 4, "throttled": 4, "rate": 1.25}]


# --- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, named",
    [
        (
            {"voice_connector_id": "   "},
            "voice_connector_id (CreateProxySession VoiceConnectorId) must match",
        ),
        ({"participant_phone_numbers": ["+12065550150"]}, "must have at least 2 items, got 1"),
        ({"participant_phone_numbers": NUMBERS + ["+12065550152"]}, "must have at most 2 items, got 3"),
        (
            {"participant_phone_numbers": ["+12065550150", "206-555"]},
            "participant_phone_numbers[1] (CreateProxySession",
        ),
        ({"name": "Courier_pickup!"}, "name (CreateProxySession Name) must match"),
        ({"expiry_minutes": 0}, "expiry_minutes (CreateProxySession ExpiryMinutes) must be at least 1"),
        ({"geo_match_params": {"country": "usa", "area_code": "206"}}, "geo_match_params.country (CreateProxySession"),
        ({"geo_match_params": {"country": "US", "area_code": "20"}}, "geo_match_params.area_code (CreateProxySession"),
        ({"max_concurrency": 101}, "max_concurrency must be between 1 and 100"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, named):
    result = run(**{**CREATE_OPTIONS, **args})
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert named in result["msg"]
    assert run.clients == []


def test_bad_ids_to_delete_fail_before_any_request(run):
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["ok", " "], state="absent")
    assert result["failed"] is True
    assert "proxy_session_ids[1] (DeleteProxySession ProxySessionId) must match" in result["msg"]
    assert run.clients == []


@pytest.mark.parametrize(
    "args, named",
    [
        ({"proxy_session_id": EXAMPLE_ID, "name": "x"}, "mutually exclusive"),
        ({"proxy_session_id": EXAMPLE_ID, "participant_phone_numbers": NUMBERS}, "mutually exclusive"),
        ({"proxy_session_id": EXAMPLE_ID, "proxy_session_ids": ["a"]}, "mutually exclusive"),
        ({"state": "absent"}, "proxy_session_id, proxy_session_ids"),
        ({"proxy_session_ids": ["a"]}, "proxy_session_ids is only for state=absent"),
        ({"capabilities": ["voice"]}, "capabilities"),
    ],
)
def test_ansible_refuses_bad_combinations_before_any_request(run, args, named):
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, **args)
    assert result["failed"] is True
    assert named in result["msg"]
    assert run.clients == []


# --- sessions with members left out, messages in full (issue 12) ------------------------------


def test_a_listed_session_without_participants_is_not_the_same_session(run):
    # The model makes Participants optional: a session of the same name without them is another session.
    listed = {k: v for k, v in created("no-people").items() if k != "Participants"}
    run.response("list_proxy_sessions", {"ProxySessions": [listed]}, LIST)
    run.response("create_proxy_session", {"ProxySession": created("new-1")}, CREATE)
    result = run(**CREATE_OPTIONS)
    assert result["changed"] is True
    assert result["proxy_session"]["proxy_session_id"] == "new-1"


def test_a_session_without_capabilities_gets_the_ones_given(run):
    # The model makes Capabilities optional in the answer: a session without them has none to keep.
    bare = {k: v for k, v in EXAMPLE_SESSION.items() if k != "Capabilities"}
    run.response("get_proxy_session", {"ProxySession": bare}, GET)
    answer = {**EXAMPLE_SESSION, "Capabilities": ["Voice"]}
    run.response("update_proxy_session", {"ProxySession": answer}, {**GET, "Capabilities": ["Voice"]})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, capabilities=["Voice"])
    assert result["changed"] is True
    assert result["proxy_session"]["capabilities"] == ["Voice"]


def test_creating_without_several_of_what_it_needs_names_them_all(run):
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, participant_phone_numbers=NUMBERS)
    assert result["failed"] is True
    assert result["msg"] == (
        f"Creating a proxy session on voice connector {VOICE_CONNECTOR_ID} needs name, capabilities "
        "(or proxy_session_id, to update a session). Nothing was sent to AWS."
    )


def test_the_diff_of_deleting_many_shows_the_sessions_before_and_none_after(run):
    run.response("get_proxy_session", {"ProxySession": session("a")}, {**VC, "ProxySessionId": "a"})
    run.response("delete_proxy_session", {}, {**VC, "ProxySessionId": "a"})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["a"], state="absent", _ansible_diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"proxy_sessions": result["proxy_sessions"]}, "after": {"proxy_sessions": []}}
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a"]


def test_ids_to_delete_with_state_present_fail_with_the_whole_message(run):
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["a"])
    assert result["failed"] is True
    assert result["msg"] == "proxy_session_ids is only for state=absent; update sessions one proxy_session_id at a time"
    assert run.clients == []
