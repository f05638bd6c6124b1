# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry layer, through a real chime-sdk-voice client answered at the HTTP layer.

Each answer is produced below botocore's parser (the before-send event), so botocore reads status codes, error
headers and bodies (HTML included) and raises its own connection errors exactly as on a real network. Every test
counts the requests the client sent.
"""

import json

import boto3
import botocore.awsrequest
import botocore.config
import botocore.exceptions
import botocore.retries.standard
import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import pace
from ansible_collections.telephony.chime.plugins.module_utils._chime import proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime import retries
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session

BAD_GATEWAY = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


class RawBody:
    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


class Wire:
    """Answers the client's requests in the order scripted, and records each request's URL."""

    def __init__(self, client):
        self.script = []
        self.requests = []
        client.meta.events.register("before-send.chime-sdk-voice", self.send)

    def send(self, request, **kwargs):
        self.requests.append(request.url)
        assert self.script, f"request {len(self.requests)} was not expected: {request.url}"
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        return botocore.awsrequest.AWSResponse(request.url, status, headers, RawBody(body))

    def json(self, status, body, error_type=None, times=1):
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": "req-1"}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        self.script.extend([(status, headers, json.dumps(body).encode())] * times)

    def html(self, status, times=1):
        self.script.extend([(status, {"Content-Type": "text/html"}, BAD_GATEWAY)] * times)

    def error(self, exception, times=1):
        self.script.extend([exception] * times)


@pytest.fixture
def model():
    return ChimeModel()


@pytest.fixture
def client(model):
    return chime_client(FakeModule(), model)


@pytest.fixture
def wire(client):
    wire = Wire(client)
    yield wire
    assert wire.script == [], "every scripted answer was used"


@pytest.fixture
def sleeps(monkeypatch):
    recorded = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", recorded.append)
    return recorded


def get(client):
    return proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)


URL = "https://voice-chime.us-east-1.amazonaws.com"
THROTTLED_ANSWERS = {
    "ThrottledClientException 429": lambda w: w.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException"),
    "standard throttling code on a 400": lambda w: w.json(400, {"Message": "slow down"}, "ThrottlingException"),
    "429 with an unknown code": lambda w: w.json(429, {"Message": "x"}, "SomethingNew"),
}
SERVER_FAULTS = {
    "ServiceUnavailableException 503": lambda w: w.json(503, {"Message": "x"}, "ServiceUnavailableException"),
    "ServiceFailureException 500": lambda w: w.json(500, {"Message": "x"}, "ServiceFailureException"),
    "standard transient code": lambda w: w.json(408, {"Message": "x"}, "RequestTimeoutException"),
    "500 with an unknown code": lambda w: w.json(500, {"Message": "x"}, "InternalServerError"),
    "502 gateway HTML page": lambda w: w.html(502),
    "503 gateway HTML page": lambda w: w.html(503),
    "504 gateway HTML page": lambda w: w.html(504),
}
CONNECTION_ERRORS = {
    "connection refused": lambda: botocore.exceptions.EndpointConnectionError(endpoint_url=URL),
    "closed before a response": lambda: botocore.exceptions.ConnectionClosedError(endpoint_url=URL),
    "read timeout": lambda: botocore.exceptions.ReadTimeoutError(endpoint_url=URL),
    "connect timeout": lambda: botocore.exceptions.ConnectTimeoutError(endpoint_url=URL),
}


@pytest.mark.parametrize("answer", SERVER_FAULTS, ids=list(SERVER_FAULTS))
def test_server_faults_are_retried(client, wire, sleeps, answer):
    SERVER_FAULTS[answer](wire)
    wire.json(200, {"ProxySession": EXAMPLE_SESSION})
    assert get(client) == EXAMPLE_SESSION
    assert len(wire.requests) == 2
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= retries.SERVER_DELAY


@pytest.mark.parametrize("answer", THROTTLED_ANSWERS, ids=list(THROTTLED_ANSWERS))
def test_a_throttled_request_waits_its_turn_at_the_pace(client, wire, sleeps, pace_clock, answer):
    THROTTLED_ANSWERS[answer](wire)
    wire.json(200, {"ProxySession": EXAMPLE_SESSION})
    assert get(client) == EXAMPLE_SESSION
    assert len(wire.requests) == 2
    assert sleeps == [], "no back-off of its own"
    # Sent again when the cut rate (half the start, nothing having got through) gives it its turn.
    assert pace_clock.slept == [pytest.approx(1 / (pace.START_RATE * pace.BETA_FAST))]
    figures = pace.pace_of(client).figures()
    assert (figures["requests"], figures["throttled"]) == (2, 1)
    # Cut to half the start rate, then grown a little by the answer that got through.
    assert figures["rate"] == pace.START_RATE * pace.BETA_FAST, "nothing got through to measure: the rate cut to"


@pytest.mark.parametrize("answer", SERVER_FAULTS, ids=list(SERVER_FAULTS))
def test_persistent_server_faults_fail_after_the_stated_attempts(client, wire, sleeps, answer):
    for _attempt in range(retries.SERVER_ATTEMPTS):
        SERVER_FAULTS[answer](wire)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert len(wire.requests) == retries.SERVER_ATTEMPTS == 10
    assert len(sleeps) == 9
    assert sum(sleeps) <= 27.75
    assert failure.value.message == (
        f"Failed to get proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}"
        " (the service still failed after every retry)"
    )


def test_server_faults_neither_cut_the_pace_nor_count_as_progress(client, wire, sleeps, pace_clock):
    wire.json(503, {"Message": "x"}, "ServiceUnavailableException", times=3)
    wire.json(200, {"ProxySession": EXAMPLE_SESSION})
    assert get(client) == EXAMPLE_SESSION
    paced = pace.pace_of(client)
    assert paced.figures() == {"requests": 4, "throttled": 0, "rate": None}
    assert not paced.limited
    # Still in its slow start, grown by the one answer that got through only.
    assert paced.rate == pytest.approx(pace.START_RATE * 2 ** (1 / pace.SLOW_START_DOUBLING))


@pytest.mark.parametrize("answer", THROTTLED_ANSWERS, ids=list(THROTTLED_ANSWERS))
def test_persistent_throttling_fails_after_the_throttle_timeout(model, sleeps, pace_clock, answer):
    """Nothing gets through for throttle_timeout (1 s here): the rate halves with each answer (nothing to measure),
    so the requests go at 0, 0.1, 0.3 and 0.7 s, and the fifth's turn (1.5 s) comes after the deadline (1 s)."""
    client = chime_client(FakeModule(throttle_timeout=1.0), model)
    wire = Wire(client)
    for _attempt in range(4):
        THROTTLED_ANSWERS[answer](wire)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert len(wire.requests) == 4 and wire.script == []
    assert sleeps == []
    assert pace_clock.slept == pytest.approx([0.1, 0.2, 0.4, 0.3])
    assert isinstance(failure.value.exception, pace.NoProgressError)
    code = {"429 with an unknown code": "SomethingNew", "standard throttling code on a 400": "ThrottlingException"}.get(
        answer, answer.split()[0]
    )
    assert failure.value.message == (
        f"Failed to get proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID} (the service throttled every"
        " request for longer than throttle_timeout)"
    )
    assert str(failure.value.exception) == (
        f"GetProxySession in region us-east-1: nothing got through there for 1 seconds, every answer was '{code}'"
        " (throttled), so the requests still waiting there failed (throttle_timeout: 1 seconds)"
    )
    # The throttled answer's code, where a failed task's result shows it (error.code), as for a ClientError.
    assert failure.value.exception.response["Error"]["Code"] == code


def test_a_client_without_a_pace_backs_off_as_the_sdks_do(model, sleeps):
    """A client the collection did not make (no pace) gets the bounded back-off, not an endless resend."""
    plain = boto3.session.Session().client(
        "chime-sdk-voice",
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    wire = Wire(plain)
    wire.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException", times=retries.SERVER_ATTEMPTS)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(plain)
    assert len(wire.requests) == retries.SERVER_ATTEMPTS
    assert len(sleeps) == retries.SERVER_ATTEMPTS - 1 and sum(sleeps) <= 27.75
    assert failure.value.message.endswith("(the service still throttled after every retry)")


@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=list(CONNECTION_ERRORS))
def test_connection_errors_are_retried(client, wire, sleeps, error):
    wire.error(CONNECTION_ERRORS[error]())
    wire.json(200, {"ProxySession": EXAMPLE_SESSION})
    assert get(client) == EXAMPLE_SESSION
    assert len(wire.requests) == 2


@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=list(CONNECTION_ERRORS))
def test_persistent_connection_errors_fail_after_a_few_quick_attempts(client, wire, sleeps, error):
    wire.error(CONNECTION_ERRORS[error](), times=retries.CONNECTION_ATTEMPTS)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert len(wire.requests) == retries.CONNECTION_ATTEMPTS == 3
    assert len(sleeps) == 2
    assert sum(sleeps) <= 0.3
    assert "could not be reached after every retry" in failure.value.message
    assert isinstance(failure.value.exception, type(CONNECTION_ERRORS[error]()))


def test_a_connection_error_after_a_throttle_gets_its_own_attempts(client, wire, sleeps):
    wire.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException")
    wire.error(CONNECTION_ERRORS["closed before a response"]())
    wire.json(200, {"ProxySession": EXAMPLE_SESSION})
    assert get(client) == EXAMPLE_SESSION
    assert len(wire.requests) == 3


NOT_RETRIED = {
    "BadRequestException 400": (400, "BadRequestException", "the service refused the request as invalid"),
    "UnauthorizedClientException 401": (401, "UnauthorizedClientException", "the credentials were not accepted"),
    "ForbiddenException 403": (403, "ForbiddenException", "access denied"),
    "AccessDeniedException 403": (403, "AccessDeniedException", "access denied"),
    "ResourceLimitExceededException 400": (
        400,
        "ResourceLimitExceededException",
        "the service refused the request as invalid",
    ),
    "unknown 4xx": (409, "ConflictException", None),
    # Credentials past their expiry: the cause says so, not "access denied", so the user refreshes them.
    "ExpiredTokenException 403": (403, "ExpiredTokenException", "the credentials expired"),
    "ExpiredToken 400": (400, "ExpiredToken", "the credentials expired"),
}


@pytest.mark.parametrize("answer", NOT_RETRIED, ids=list(NOT_RETRIED))
def test_errors_that_retrying_cannot_fix_fail_after_one_request(client, wire, sleeps, answer):
    status, code, cause = NOT_RETRIED[answer]
    wire.json(status, {"Message": "no"}, code)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert len(wire.requests) == 1
    assert sleeps == []
    assert failure.value.exception.response["Error"]["Code"] == code
    resource = f"Failed to get proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}"
    if cause:
        assert failure.value.message.startswith(f"{resource} ({cause}")
    else:
        assert failure.value.message == resource


ACCESS_DENIED = "access denied: the principal lacks the IAM permission, or AWS no longer allows the operation"
CAUSES = {
    "ForbiddenException 403": (lambda w: w.json(403, {"Message": "no"}, "ForbiddenException"), ACCESS_DENIED),
    "UnauthorizedClientException 401": (
        lambda w: w.json(401, {"Message": "no"}, "UnauthorizedClientException"),
        "the credentials were not accepted",
    ),
    # A gateway's 401 page has no Chime code: the status alone names the cause.
    "401 page without a code": (lambda w: w.html(401), "the credentials were not accepted"),
    # Chime's code alone names the cause, whatever status carried it.
    "UnauthorizedClientException on a 403": (
        lambda w: w.json(403, {"Message": "no"}, "UnauthorizedClientException"),
        "the credentials were not accepted",
    ),
    "BadRequestException 400": (
        lambda w: w.json(400, {"Message": "no"}, "BadRequestException"),
        "the service refused the request as invalid",
    ),
}


@pytest.mark.parametrize("answer", CAUSES, ids=list(CAUSES))
def test_the_failure_message_names_the_cause_in_full(client, wire, sleeps, answer):
    script, cause = CAUSES[answer]
    script(wire)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert len(wire.requests) == 1
    assert failure.value.message == (
        f"Failed to get proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID} ({cause})"
    )


@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=list(CONNECTION_ERRORS))
def test_an_unreachable_endpoint_is_named_in_full(client, wire, sleeps, error):
    wire.error(CONNECTION_ERRORS[error](), times=retries.CONNECTION_ATTEMPTS)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        get(client)
    assert failure.value.message == (
        f"Failed to get proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}"
        " (the endpoint could not be reached after every retry (check endpoint_url and region))"
    )


def test_not_found_is_no_failure_after_one_request(client, wire, sleeps):
    wire.json(404, {"Message": "no such session"}, "NotFoundException")
    assert get(client) is None
    assert len(wire.requests) == 1


def test_every_page_of_a_listing_goes_through_the_retry_layer(client, wire, sleeps):
    wire.json(200, {"ProxySessions": [session("a")], "NextToken": "t1"})
    wire.error(CONNECTION_ERRORS["closed before a response"]())
    wire.html(502)
    wire.json(200, {"ProxySessions": [session("b")], "NextToken": "t2"})
    wire.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException")
    wire.json(200, {"ProxySessions": [session("c")]})
    found = proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)
    assert [s["ProxySessionId"] for s in found] == ["a", "b", "c"]
    assert len(wire.requests) == 6
    assert [url.count("next-token=") for url in wire.requests] == [0, 1, 1, 1, 1, 1]


@pytest.mark.parametrize("tokens", [["t1", "t1"], ["t1", "t2", "t1"], ["t1", "t2", "t3", "t2"]])
def test_a_repeated_next_token_fails_the_listing(client, wire, sleeps, tokens):
    for token in tokens:
        wire.json(200, {"ProxySessions": [session(f"s-{token}")], "NextToken": token})
    with pytest.raises(errors.AnsibleChimeError) as failure:
        proxy_sessions.list_proxy_sessions(client, VOICE_CONNECTOR_ID)
    assert len(wire.requests) == len(tokens)
    assert failure.value.message == (
        f"Failed to list proxy sessions of voice connector {VOICE_CONNECTOR_ID} (the service sent a NextToken it had"
        f" already sent, after {len(tokens)} pages; following it would never end, so the listing stopped and nothing"
        " is reported)"
    )


def test_the_layer_covers_the_standard_retry_mode():
    """Every code and status the AWS SDKs' standard retry mode retries is retried here too, throttling ones at the
    pace."""
    standard = botocore.retries.standard
    assert set(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES) <= retries.RETRY_CODES
    assert set(standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES) <= retries.RETRY_CODES
    assert set(standard.TransientRetryableChecker._TRANSIENT_STATUS_CODES) <= retries.RETRY_STATUSES
    # botocore 1.34.0 (the floor) has no ThrottlingStatusCodeChecker: its throttling statuses came later.
    throttling = getattr(standard, "ThrottlingStatusCodeChecker", None)
    assert set(throttling._THROTTLING_STATUS_CODES if throttling else ()) <= retries.RETRY_STATUSES
    for exception_class in standard.TransientRetryableChecker._TRANSIENT_EXCEPTION_CLS:
        assert issubclass(exception_class, retries.ConnectionRetry.base_class)
    assert {"ThrottledClientException", "ServiceUnavailableException", "ServiceFailureException"} <= retries.RETRY_CODES
    assert set(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES) <= retries.THROTTLING_CODES
    assert "ThrottledClientException" in retries.THROTTLING_CODES
