# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/_chime (proxy sessions, retries, validation, client) through a real chime-sdk-voice client and botocore's Stubber.

Every request a test expects and every canned response is validated by botocore against AWS's
chime-sdk-voice model, so a test cannot pass on a call or a response shape AWS would refuse.
"""

import datetime
import json

import boto3
import botocore.awsrequest
import pytest
import yaml
from botocore.model import OperationModel
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.doc_fragments import concurrency as concurrency_fragment
from ansible_collections.telephony.chime.plugins.module_utils._chime import client as chime_client_module
from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import model as chime_model
from ansible_collections.telephony.chime.plugins.module_utils._chime import normalize
from ansible_collections.telephony.chime.plugins.module_utils._chime import pace
from ansible_collections.telephony.chime.plugins.module_utils._chime import proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime import retries
from ansible_collections.telephony.chime.plugins.module_utils._chime import validation
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import DEFAULT_MAX_CONCURRENCY
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import MAX_CONCURRENCY_LIMITS
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_session_info
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SNAKE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import PoolStubber
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.upstream import needs_connector_id_pattern


@pytest.fixture
def model():
    return chime_model.ChimeModel()


@pytest.fixture
def client(model):
    """A chime-sdk-voice client built by the module's own chime_client."""
    return chime_client_module.chime_client(FakeModule(), model)


@pytest.fixture
def stubber(client):
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def sleeps(monkeypatch):
    """Record AWSRetry's back-off sleeps instead of sleeping."""
    recorded = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", recorded.append)
    return recorded


GET = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": EXAMPLE_ID}


def list_params(token=None, status=None):
    params = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100}
    if status:
        params["Status"] = status
    if token:
        params["NextToken"] = token
    return params


def add_error(stub, operation, code, status, params):
    stub.add_client_error(operation, service_error_code=code, http_status_code=status, expected_params=params)


# --- one session ------------------------------------------------------------------------------


def test_example_output_is_returned_in_snake_case(client, stubber):
    stubber.add_response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    found = proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert proxy_sessions.normalize_proxy_session(found) == EXAMPLE_SNAKE


def test_every_member_of_the_model_shape_is_returned(client, stubber, model):
    full = session(
        EXAMPLE_ID,
        status="Closed",
        Name="Support line 1",
        EndedTimestamp="2020-04-15T17:10:10.288Z",
        NumberSelectionBehavior="PreferSticky",
        GeoMatchLevel="AreaCode",
        GeoMatchParams={"Country": "US", "AreaCode": "206"},
    )
    stubber.add_response("get_proxy_session", {"ProxySession": full}, GET)
    result = proxy_sessions.normalize_proxy_session(
        proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    )

    members = model.service_model.shape_for("ProxySession").members
    assert set(result) == {normalize.snake_case(name) for name in members}
    assert result["name"] == "Support line 1"
    assert result["status"] == "Closed"
    assert result["ended_timestamp"] == "2020-04-15T17:10:10.288Z"
    assert result["number_selection_behavior"] == "PreferSticky"
    assert result["geo_match_level"] == "AreaCode"
    assert result["geo_match_params"] == {"country": "US", "area_code": "206"}
    assert result["participants"][1] == {"phone_number": "+14015550101", "proxy_phone_number": "+19135550199"}


def test_snake_case_of_every_model_member_is_as_documented(model):
    names = set(model.service_model.shape_for("ProxySession").members)
    names |= set(model.service_model.shape_for("Participant").members)
    names |= set(model.service_model.shape_for("GeoMatchParams").members)
    assert {n: normalize.snake_case(n) for n in names} == {
        "VoiceConnectorId": "voice_connector_id",
        "ProxySessionId": "proxy_session_id",
        "Name": "name",
        "Status": "status",
        "ExpiryMinutes": "expiry_minutes",
        "Capabilities": "capabilities",
        "CreatedTimestamp": "created_timestamp",
        "UpdatedTimestamp": "updated_timestamp",
        "EndedTimestamp": "ended_timestamp",
        "Participants": "participants",
        "NumberSelectionBehavior": "number_selection_behavior",
        "GeoMatchLevel": "geo_match_level",
        "GeoMatchParams": "geo_match_params",
        "PhoneNumber": "phone_number",
        "ProxyPhoneNumber": "proxy_phone_number",
        "Country": "country",
        "AreaCode": "area_code",
    }


def test_missing_session_is_none(client, stubber):
    add_error(stubber, "get_proxy_session", "NotFoundException", 404, GET)
    assert proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) is None


class RawBody:
    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


def reply_with(client, body, status=200, error_type=None):
    """Answer the client's next requests at the HTTP layer, so that botocore's real parser reads the body."""

    def send(request, **kwargs):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        return botocore.awsrequest.AWSResponse(request.url, status, headers, RawBody(json.dumps(body).encode()))

    client.meta.events.register("before-send.chime-sdk-voice", send)


def test_timestamps_stay_the_strings_the_service_sent(client):
    reply_with(client, {"ProxySession": EXAMPLE_SESSION})
    found = proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert found["CreatedTimestamp"] == "2020-04-15T16:10:10.288Z"
    assert proxy_sessions.normalize_proxy_session(found) == EXAMPLE_SNAKE


def test_a_default_client_would_have_parsed_them(model):
    """The contrast that makes the test above mean something."""
    plain = boto3.session.Session().client(
        "chime-sdk-voice", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    reply_with(plain, {"ProxySession": EXAMPLE_SESSION})
    found = plain.get_proxy_session(VoiceConnectorId=VOICE_CONNECTOR_ID, ProxySessionId=EXAMPLE_ID)["ProxySession"]
    assert isinstance(found["CreatedTimestamp"], datetime.datetime)
    assert proxy_sessions.normalize_proxy_session(found)["created_timestamp"] == "2020-04-15T16:10:10.288000+00:00"


def test_client_errors_are_parsed_from_the_wire(client, sleeps):
    reply_with(client, {"Message": "Try again"}, status=503, error_type="ServiceUnavailableException")
    with pytest.raises(errors.AnsibleChimeError) as failure:
        proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert len(sleeps) == retries.SERVER_ATTEMPTS - 1
    assert failure.value.exception.response["Error"]["Code"] == "ServiceUnavailableException"
    assert failure.value.exception.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def test_client_has_no_retry_layer_of_its_own(client):
    assert client.meta.config.retries["total_max_attempts"] == 1
    assert client.meta.config.max_pool_connections >= 10
    assert "telephony.chime" in client.meta.config.user_agent_extra


# --- listing ----------------------------------------------------------------------------------


def test_listing_follows_next_token_over_several_pages(client, stubber):
    pages = [[session(f"s-{page}-{i}") for i in range(100)] for page in range(2)] + [[session("s-last")]]
    stubber.add_response("list_proxy_sessions", {"ProxySessions": pages[0], "NextToken": "t1"}, list_params())
    stubber.add_response("list_proxy_sessions", {"ProxySessions": pages[1], "NextToken": "t2"}, list_params("t1"))
    stubber.add_response("list_proxy_sessions", {"ProxySessions": pages[2]}, list_params("t2"))
    found = proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)
    assert [s["ProxySessionId"] for s in found] == [s["ProxySessionId"] for page in pages for s in page]
    assert len(found) == 201


def test_listing_sends_the_status_filter(client, stubber):
    stubber.add_response(
        "list_proxy_sessions", {"ProxySessions": [session("c", "Closed")]}, list_params(status="Closed")
    )
    assert [s["Status"] for s in proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID, "Closed")] == ["Closed"]


def test_listing_nothing_is_an_empty_list(client, stubber):
    stubber.add_response("list_proxy_sessions", {"ProxySessions": []}, list_params())
    assert proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID) == []


def test_listing_a_connector_that_does_not_exist_is_an_empty_list(client, stubber):
    add_error(stubber, "list_proxy_sessions", "NotFoundException", 404, list_params())
    assert proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID) == []


def test_a_second_page_that_fails_fails_the_listing(client, stubber, sleeps):
    stubber.add_response("list_proxy_sessions", {"ProxySessions": [session("a")], "NextToken": "t1"}, list_params())
    for _attempt in range(retries.SERVER_ATTEMPTS):
        add_error(stubber, "list_proxy_sessions", "ServiceFailureException", 500, list_params("t1"))
    with pytest.raises(errors.AnsibleChimeError) as failure:
        proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)
    assert failure.value.message == (
        f"Failed to list proxy sessions of voice connector {VOICE_CONNECTOR_ID}"
        " (the service still failed after every retry)"
    )
    assert failure.value.exception.response["Error"]["Code"] == "ServiceFailureException"
    assert len(sleeps) == retries.SERVER_ATTEMPTS - 1


def test_a_connector_that_vanishes_between_pages_fails_the_listing(client, stubber):
    stubber.add_response("list_proxy_sessions", {"ProxySessions": [session("a")], "NextToken": "t1"}, list_params())
    add_error(stubber, "list_proxy_sessions", "NotFoundException", 404, list_params("t1"))
    with pytest.raises(errors.AnsibleChimeError):
        proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)


def test_a_throttled_page_is_sent_again_at_the_pace(client, stubber, sleeps, pace_clock):
    stubber.add_response("list_proxy_sessions", {"ProxySessions": [session("a")], "NextToken": "t1"}, list_params())
    add_error(stubber, "list_proxy_sessions", "ThrottledClientException", 429, list_params("t1"))
    stubber.add_response("list_proxy_sessions", {"ProxySessions": [session("b")]}, list_params("t1"))
    found = proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)
    assert [s["ProxySessionId"] for s in found] == ["a", "b"]
    assert sleeps == []
    figures = pace.pace_of(client).figures()
    assert (figures["requests"], figures["throttled"]) == (3, 1) and figures["rate"] < pace.START_RATE


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code, status", [("ServiceUnavailableException", 503), ("ServiceFailureException", 500)])
def test_transient_faults_are_retried_then_succeed(client, stubber, sleeps, code, status):
    for _attempt in range(3):
        add_error(stubber, "get_proxy_session", code, status, GET)
    stubber.add_response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    assert proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) == EXAMPLE_SESSION
    assert len(sleeps) == 3
    # Full jitter: each sleep lies in [0, min(max_delay, delay * 2**n)].
    for attempt, slept in enumerate(sleeps):
        assert 0 <= slept <= min(retries.SERVER_MAX_DELAY, retries.SERVER_DELAY * 2**attempt)


def test_throttled_answers_are_sent_again_at_the_pace_until_one_gets_through(client, stubber, sleeps, pace_clock):
    for _attempt in range(12):  # more than the 10 attempts a server fault gets
        add_error(stubber, "get_proxy_session", "ThrottledClientException", 429, GET)
    stubber.add_response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    assert proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) == EXAMPLE_SESSION
    assert sleeps == []
    assert len(pace_clock.slept) == 12
    assert pace.pace_of(client).figures()["throttled"] == 12


def test_persistent_throttling_fails_after_the_throttle_timeout(model, sleeps, pace_clock):
    client = chime_client_module.chime_client(FakeModule(throttle_timeout=1.0), model)
    with Stubber(client) as stubber:
        for _attempt in range(4):  # at 0, 0.1, 0.3 and 0.7 s; the fifth's turn would come after the 1 s deadline
            add_error(stubber, "get_proxy_session", "ThrottledClientException", 429, GET)
        with pytest.raises(errors.AnsibleChimeError) as failure:
            proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
        stubber.assert_no_pending_responses()
    assert isinstance(failure.value.exception, pace.NoProgressError)
    assert "nothing got through there for 1 seconds" in str(failure.value.exception)


@pytest.mark.parametrize("code, status", [("ForbiddenException", 403), ("BadRequestException", 400)])
def test_other_errors_fail_at_once(client, stubber, sleeps, code, status):
    add_error(stubber, "get_proxy_session", code, status, GET)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert failure.value.exception.response["Error"]["Code"] == code
    assert sleeps == []


# --- many ids ---------------------------------------------------------------------------------


def get_params(proxy_session_id):
    return {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": proxy_session_id}


def test_many_ids_keep_their_order_and_leave_missing_ones_out(client):
    ids = [f"id-{n:03d}" for n in range(60)]
    missing = {"id-007", "id-030", "id-059"}
    with PoolStubber(client) as stub:
        for proxy_session_id in reversed(ids):
            if proxy_session_id in missing:
                add_error(stub, "get_proxy_session", "NotFoundException", 404, get_params(proxy_session_id))
            else:
                stub.add_response(
                    "get_proxy_session", {"ProxySession": session(proxy_session_id)}, get_params(proxy_session_id)
                )
        found = proxy_sessions.get_proxy_sessions(client, VOICE_CONNECTOR_ID, ids + ["id-001"], max_concurrency=8)
        stub.assert_no_pending_responses()
    assert [s["ProxySessionId"] for s in found] == [i for i in ids if i not in missing]
    assert sorted(stub.calls) == sorted(ids)  # each id fetched once, the repeated one too
    assert 1 < stub.max_in_flight <= 8


def test_the_pool_never_exceeds_its_size(client):
    ids = [f"id-{n}" for n in range(40)]
    with PoolStubber(client) as stub:
        for proxy_session_id in ids:
            stub.add_response(
                "get_proxy_session", {"ProxySession": session(proxy_session_id)}, get_params(proxy_session_id)
            )
        proxy_sessions.get_proxy_sessions(client, VOICE_CONNECTOR_ID, ids, max_concurrency=3)
    assert stub.max_in_flight == 3


def test_one_failing_id_fails_the_whole_request(client, sleeps):
    ids = [f"id-{n}" for n in range(20)]
    with PoolStubber(client, hold=0) as stub:
        for proxy_session_id in ids:
            if proxy_session_id == "id-5":
                add_error(stub, "get_proxy_session", "ForbiddenException", 403, get_params(proxy_session_id))
            else:
                stub.add_response(
                    "get_proxy_session", {"ProxySession": session(proxy_session_id)}, get_params(proxy_session_id)
                )
        with pytest.raises(errors.AnsibleChimeError) as failure:
            proxy_sessions.get_proxy_sessions(client, VOICE_CONNECTOR_ID, ids, max_concurrency=4)
    assert "id-5" in failure.value.message


def test_an_empty_id_list_sends_nothing(client, stubber):
    assert proxy_sessions.get_proxy_sessions(client, VOICE_CONNECTOR_ID, []) == []


# --- validation against the model --------------------------------------------------------------


def violations(model, params):
    """The module's own checks: the model's rules for its options, and the limits of max_concurrency."""
    return validation.option_violations(
        model, params, chime_proxy_session_info.OPTION_MEMBERS
    ) + validation.range_violations("max_concurrency", params["max_concurrency"], *MAX_CONCURRENCY_LIMITS)


def valid_params(**overrides):
    params = {
        "voice_connector_id": VOICE_CONNECTOR_ID,
        "proxy_session_id": None,
        "proxy_session_ids": None,
        "status": None,
        "max_concurrency": 10,
    }
    params.update(overrides)
    return params


def test_valid_options_pass(model):
    assert violations(model, valid_params(proxy_session_ids=[EXAMPLE_ID, "x"])) == []
    assert violations(model, valid_params(voice_connector_id="0a1b2c3d-0000-4000-8000-00000000abcd")) == []


@pytest.mark.parametrize(
    "option, value, rule",
    [
        pytest.param(
            "voice_connector_id", "ABCDEF1GHIJ2KLMNO3PQR4", "must match the pattern", marks=needs_connector_id_pattern
        ),
        pytest.param("voice_connector_id", "abc", "must match the pattern", marks=needs_connector_id_pattern),
        pytest.param(
            "voice_connector_id",
            "abcdef1ghij2klmno3pqr4/../x",
            "must match the pattern",
            marks=needs_connector_id_pattern,
        ),
        ("proxy_session_id", "", "must be at least 1 characters long"),
        ("proxy_session_id", "   ", "must match the pattern"),
        ("proxy_session_id", "x" * 129, "must be at most 128 characters long"),
        ("proxy_session_ids", [EXAMPLE_ID, " \t "], "proxy_session_ids[1] (GetProxySession ProxySessionId) must match"),
        ("status", "open", "must be one of Open, InProgress, Closed"),
        ("max_concurrency", 0, "max_concurrency must be between 1 and 100"),
        ("max_concurrency", 101, "max_concurrency must be between 1 and 100"),
    ],
)
def test_every_rule_is_checked_and_named(model, option, value, rule):
    errors = violations(model, valid_params(**{option: value}))
    assert errors
    assert all(error.startswith(option) for error in errors)
    assert any(rule in error for error in errors)


def test_rules_come_from_the_model(model):
    """Every constraint the model states for the options' members produces a refusal."""
    for option, (operation, member) in chime_proxy_session_info.OPTION_MEMBERS.items():
        shape = model.member_shape(operation, member)
        if shape.type_name == "list":
            shape = shape.member  # a scalar option (a filter) checked against the list's item shape
        rules = shape.metadata
        cases = []
        if shape.enum:
            cases.append(shape.enum[0] + "x")
        if "min" in rules:
            cases.append("")
        if "max" in rules:
            cases.append("a" * (rules["max"] + 1))
        if "pattern" in rules:
            cases.append("\n")
        assert cases, f"{option}: the model states no rule"
        for case in cases:
            value = [case] if option == "proxy_session_ids" else case
            assert violations(model, valid_params(**{option: value})), f"{option}={case!r} was accepted"


@needs_connector_id_pattern
def test_violations_raise_with_every_problem_at_once(model):
    with pytest.raises(errors.AnsibleChimeError) as failure:
        validation.raise_for_violations(violations(model, valid_params(voice_connector_id="X", status="Bad")))
    assert failure.value.message == (
        "Invalid options, nothing was sent to AWS: voice_connector_id (GetProxySession VoiceConnectorId) must match"
        f" the pattern {model.member_shape('GetProxySession', 'VoiceConnectorId').metadata['pattern']}, got 'X'; status"
        " (ListProxySessions Status) must be one of Open, InProgress, Closed, got 'Bad'"
    )
    assert validation.raise_for_violations([]) is None


def test_status_choices_are_the_model_enum(model):
    spec_choices = ["Open", "InProgress", "Closed"]
    assert model.enum("ListProxySessions", "Status") == spec_choices
    source = chime_proxy_session_info.DOCUMENTATION
    assert "choices: ['Open', 'InProgress', 'Closed']" in source


# --- deprecation ------------------------------------------------------------------------------


def test_deprecation_notice_comes_from_the_model(model):
    raw = model.session.get_component("data_loader").load_service_model("chime-sdk-voice", "service-2")
    for operation in ("GetProxySession", "ListProxySessions"):
        flagged = raw["operations"][operation].get("deprecated", False)
        notice = model.deprecation(operation)
        if flagged:
            assert notice == raw["operations"][operation]["deprecatedMessage"]
            assert "2026" in notice
        else:
            assert notice == chime_model.END_OF_SUPPORT_NOTICE


def test_without_the_flag_a_proxy_operation_gets_the_collections_notice_and_others_none(model, monkeypatch):
    monkeypatch.setattr(OperationModel, "deprecated", property(lambda self: False))
    assert model.deprecation("GetProxySession") == chime_model.END_OF_SUPPORT_NOTICE
    assert model.deprecation("ListVoiceConnectors") is None


def test_each_operations_notice_is_shown_once_however_often_it_is_used(model, monkeypatch):
    """A write module uses GetProxySession before and after its write: its notice goes out once, not twice.

    Counted at ansible-core's warn(), since its registry would hide an identical second warning unless warnings
    carry tracebacks (display_traceback), when each call site shows again."""
    shown = []
    monkeypatch.setattr(chime_model, "warn", shown.append)
    monkeypatch.setattr(chime_model.ChimeModel, "deprecation", lambda self, operation: f"{operation} is going away")
    notices = chime_model.DeprecationNotices(model)
    for operation in ("GetProxySession", "ListProxySessions", "GetProxySession", "GetProxySession"):
        notices.show(operation)
    assert shown == [
        "GetProxySession (chime-sdk-voice): GetProxySession is going away",
        "ListProxySessions (chime-sdk-voice): ListProxySessions is going away",
    ]


def test_the_documented_max_concurrency_is_the_one_used():
    fragment = yaml.safe_load(concurrency_fragment.ModuleDocFragment.DOCUMENTATION)["options"]["max_concurrency"]
    assert fragment["default"] == DEFAULT_MAX_CONCURRENCY
    low, high = MAX_CONCURRENCY_LIMITS
    assert f"Between {low} and {high}." in " ".join(fragment["description"])
