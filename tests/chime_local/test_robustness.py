# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No input reaches a 500: each gets the JSON 4xx error the model declares (issue 8).

Every case goes to the real server as raw bytes (signed with SigV4 over those bytes), and
every answer must be a 4xx with an ``x-amzn-ErrorType`` header, an ``x-amzn-RequestId``
header and a JSON body with a ``Message``.  The first five inputs are the ones that
answered 500 with a traceback before.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import MODEL
from test_operations import IMPLEMENTED

SESSIONS = f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions"


def raw_request(
    url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send exactly these bytes, signed (service ``chime``); the path is sent as given (percent-escapes kept)."""
    request = AWSRequest(method=method, url=f"{url}{path}", data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "chime", "us-east-1").add_auth(request)
    prepared = request.prepare()
    http_request = urllib.request.Request(
        prepared.url, data=body or None, method=method, headers=dict(prepared.headers)
    )
    try:
        with urllib.request.urlopen(http_request, timeout=30) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def token(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def assert_json_error(answer: tuple[int, dict[str, str], bytes], error_type: str, status: int) -> dict[str, Any]:
    code, headers, body = answer
    assert code == status, (code, body[:300])
    assert headers["x-amzn-errortype"] == error_type
    assert headers["x-amzn-requestid"]
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert isinstance(payload["Message"], str) and payload["Message"]
    return payload


FORGED_TOKENS = {
    "overflowing number (was OverflowError)": token(b'[1e20, ""]'),
    "infinity (was OverflowError)": token(b'[Infinity, "x"]'),
    "5000 nested brackets (was RecursionError)": token(b"[" * 5000 + b"]" * 5000),
    "not base64": "%25%25not-a-token",
    "base64 of bytes that are not UTF-8": token(b"\xff\xfe\xfd"),
    "a list": token(b'["2020-04-15T16:10:10.288Z", "x"]'),
    "uniqueAttributes not text": token(b'{"uniqueAttributes": 5}'),
    "uniqueAttributes nested deep": token(b'{"uniqueAttributes": ' + b"[" * 3000 + b"]" * 3000 + b"}"),
    "uniqueAttributes of no session": token(b'{"uniqueAttributes": "no-such-key"}'),
    "uniqueAttributes two keys": token(
        b'{"uniqueAttributes": ["20200415T161010288000~61", "20200415T161010288000~62"]}'
    ),
    "uniqueAttributes a list of a number": token(b'{"uniqueAttributes": [5]}'),
    "uniqueAttributes an empty list": token(b'{"uniqueAttributes": []}'),
    "huge integer": token(b"9" * 5000),
}


@pytest.mark.parametrize("forged", FORGED_TOKENS.values(), ids=FORGED_TOKENS.keys())
def test_forged_next_token(endpoint: str, forged: str) -> None:
    query = forged if forged.startswith("%") else urllib.request.quote(forged, safe="")
    payload = assert_json_error(
        raw_request(endpoint, "GET", f"{SESSIONS}?next-token={query}"), "BadRequestException", 400
    )
    assert "NextToken" in payload["Message"]
    assert payload["Code"] == "BadRequest"


def test_token_of_another_listing_is_refused(client: Any, endpoint: str) -> None:
    first = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, MaxResults=1)["NextToken"]
    assert len(client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, NextToken=first)["ProxySessions"]) == 3
    # The same token with another Status filter, and on the voice connector listing.
    quoted = urllib.request.quote(first, safe="")
    assert_json_error(
        raw_request(endpoint, "GET", f"{SESSIONS}?status=Open&next-token={quoted}"), "BadRequestException", 400
    )
    assert_json_error(
        raw_request(endpoint, "GET", f"/voice-connectors?next-token={quoted}"), "BadRequestException", 400
    )


BAD_BODIES = {
    "not UTF-8 (was UnicodeDecodeError)": b"\xff\xfe",
    "20000 nested brackets (was RecursionError)": b'{"Capabilities": ' + b"[" * 20000 + b"]" * 20000 + b"}",
    "not JSON": b"{",
    "a JSON array": b"[]",
    "a JSON string": b'"x"',
    "JSON null": b"null",
    "an integer too long for Python": b'{"ExpiryMinutes": ' + b"9" * 5000 + b"}",
    "NaN": b'{"ExpiryMinutes": NaN, "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"], "Capabilities": ["SMS"]}',
    "a form": b"ParticipantPhoneNumbers=%2B12065550100&Capabilities=SMS",
    "nested 60 deep in a member": b'{"GeoMatchParams": ' + b"[" * 60 + b"]" * 60 + b"}",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_body(endpoint: str, body: bytes) -> None:
    assert_json_error(
        raw_request(endpoint, "POST", SESSIONS, body, {"Content-Type": "application/json"}), "BadRequestException", 400
    )


def test_form_content_type_is_a_bad_request_not_a_crash(endpoint: str) -> None:
    answer = raw_request(
        endpoint, "POST", SESSIONS, b"a=b", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    )
    assert_json_error(answer, "BadRequestException", 400)


def test_broken_gzip_body(endpoint: str) -> None:
    answer = raw_request(endpoint, "POST", SESSIONS, b"not gzip", {"Content-Encoding": "gzip"})
    assert 400 <= answer[0] < 500, answer
    assert json.loads(answer[2])["Message"]


@pytest.mark.parametrize(
    "query, member",
    [
        ("max-results=" + "9" * 40, "maxResults"),
        ("max-results=" + "9" * 5000, "maxResults"),
        ("max-results=-1", "maxResults"),
        ("max-results=1e3", "maxResults"),
        ("status=%FF", "status"),
        ("status=Open%00", "status"),
    ],
)
def test_bad_query_values(endpoint: str, query: str, member: str) -> None:
    payload = assert_json_error(raw_request(endpoint, "GET", f"{SESSIONS}?{query}"), "BadRequestException", 400)
    assert f"at '{member}'" in payload["Message"]


def test_huge_integer_in_the_body(endpoint: str) -> None:
    body = {
        "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"],
        "Capabilities": ["SMS"],
        "ExpiryMinutes": 10**40,
    }
    payload = assert_json_error(
        raw_request(endpoint, "POST", SESSIONS, json.dumps(body).encode(), {"Content-Type": "application/json"}),
        "BadRequestException",
        400,
    )
    assert "at 'expiryMinutes' failed to satisfy constraint: Member must have value less than or equal to" in (
        payload["Message"]
    )


@pytest.mark.parametrize("escaped", ["%00", "%0A", "%0D%0A", "%1B", "%7F", "a%00b", "%C3%28", "%FF"])
def test_ids_with_control_characters(endpoint: str, escaped: str) -> None:
    for path in (f"/voice-connectors/{escaped}/proxy-sessions", f"{SESSIONS}/{escaped}"):
        status, headers, body = raw_request(endpoint, "GET", path)
        assert status in (400, 404), (path, status, body[:200])
        assert headers["x-amzn-errortype"] in ("BadRequestException", "NotFoundException")
        assert json.loads(body)["Message"]


def test_a_long_id_of_control_characters(endpoint: str) -> None:
    assert_json_error(raw_request(endpoint, "GET", f"{SESSIONS}/{'%01' * 128}"), "NotFoundException", 404)
    assert_json_error(raw_request(endpoint, "GET", f"{SESSIONS}/{'%01' * 129}"), "BadRequestException", 400)


# ------------------------------------------------------------- every path gets JSON
def _unimplemented_requests() -> list[tuple[str, str, str]]:
    """One request for each model operation this backend does not build, its URI labels filled in."""
    from chime_local.chimesdkvoice.responses import implemented_operations  # pylint: disable=import-outside-toplevel

    requests = []
    for name in MODEL.operation_names:
        if name in implemented_operations():
            continue
        http = MODEL.operation_model(name).http
        path = http["requestUri"]
        for label in ("voiceConnectorId", "voiceConnectorGroupId", "sipMediaApplicationId", "sipRuleId"):
            path = path.replace("{" + label + "}", DEMO_CONNECTOR)
        while "{" in path:
            start = path.index("{")
            path = path[:start] + "x1" + path[path.index("}", start) + 1 :]
        requests.append((name, http["method"], path))
    return requests


def test_most_of_the_model_is_unimplemented_and_said_so() -> None:
    names = {name for name, _method, _path in _unimplemented_requests()}
    assert "GetVoiceConnectorOrigination" in names and "CreateSipMediaApplication" in names
    assert "ListProxySessions" not in names and "ListPhoneNumbers" not in names
    assert len(names) == len(MODEL.operation_names) - len(IMPLEMENTED)


@pytest.mark.parametrize("operation, method, path", _unimplemented_requests(), ids=str)
def test_unimplemented_operations_answer_json_501(endpoint: str, operation: str, method: str, path: str) -> None:
    body = b"{}" if method in ("POST", "PUT", "PATCH") else b""
    answer = raw_request(endpoint, method, path, body, {"Content-Type": "application/json"} if body else None)
    payload = assert_json_error(answer, "NotImplementedException", 501)
    assert operation in payload["Message"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", f"/voice-connectors/{DEMO_CONNECTOR}/nothing-here"),
        ("GET", f"{SESSIONS}/{EXAMPLE_SESSION}/extra"),
        ("PATCH", SESSIONS),
        ("GET", "/phone-numbers/x1/y/z"),
        ("POST", "/sip-media-applications/x1/unknown"),
        ("GET", "/voice-connectors-but-not-quite"),
    ],
)
def test_unknown_chime_paths_answer_json(endpoint: str, method: str, path: str) -> None:
    payload = assert_json_error(raw_request(endpoint, method, path), "UnknownOperationException", 404)
    assert method in payload["Message"]


def test_in_process_the_same_answers(mock_chime: Any) -> None:
    """Under mock_aws() too, a forged token and a bad body are 400s (botocore parses the JSON error)."""
    from botocore.exceptions import ClientError  # pylint: disable=import-outside-toplevel

    connector = mock_chime.create_voice_connector(Name="r", RequireEncryption=True)["VoiceConnector"]
    for forged in FORGED_TOKENS.values():
        if forged.startswith("%"):
            continue
        with pytest.raises(ClientError) as excinfo:
            mock_chime.list_proxy_sessions(VoiceConnectorId=connector["VoiceConnectorId"], NextToken=forged)
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_random_requests_never_get_a_5xx(mock_chime: Any) -> None:
    """1,500 requests mixing the service's paths, odd segments, query values and bodies, in-process:
    every answer is JSON, none is a 5xx other than 501, none raises."""
    import random  # pylint: disable=import-outside-toplevel

    from chime_local.chimesdkvoice.responses import ChimeSDKVoiceResponse  # pylint: disable=import-outside-toplevel
    from moto.core.request import Request  # pylint: disable=import-outside-toplevel

    mock_chime.create_voice_connector(Name="fuzz", RequireEncryption=True)
    rng = random.Random(7)
    paths = [
        "/voice-connectors",
        f"/voice-connectors/{DEMO_CONNECTOR}",
        SESSIONS,
        f"{SESSIONS}/{EXAMPLE_SESSION}",
        f"/voice-connectors/{DEMO_CONNECTOR}/programmable-numbers/proxy",
        "/phone-numbers",
        "/phone-numbers/%2B19135550100",
    ]
    pieces = ["", "x", "%00", "%ff", "%0a", "/", "//", "..", "%2F", "{}", "[", "%C3%A9", "9" * 30, "-1", "true", "null"]
    keys = ["max-results", "next-token", "status", "filter-name", "filter-value", "product-type", "operation", "x"]
    bodies = list(BAD_BODIES.values()) + [
        b"{}",
        b'{"Capabilities": "SMS"}',
        b'{"ParticipantPhoneNumbers": [1, 2], "Capabilities": [null]}',
        b'{"GeoMatchParams": []}',
        b'{"ExpiryMinutes": 1.5}',
        b'{"DefaultSessionExpiryMinutes": -1, "PhoneNumberPoolCountries": [[]]}',
        b'{"Name": {"a": 1}, "RequireEncryption": "yes"}',
    ]
    statuses: dict[int, int] = {}
    for _attempt in range(1500):
        path = rng.choice(paths) + (("/" * rng.randint(0, 1) + rng.choice(pieces)) if rng.random() < 0.5 else "")
        query = "&".join(f"{rng.choice(keys)}={rng.choice(pieces)}" for _n in range(rng.randint(0, 3)))
        request = Request.from_values(
            method=rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH"]),
            base_url="http://localhost",
            path=urllib.request.unquote(path),
            query_string=query,
            data=rng.choice(bodies),
            headers={
                "Content-Type": rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded"])
            },
        )
        request.environ["RAW_URI"] = f"{path}?{query}" if query else path
        status, headers, body = ChimeSDKVoiceResponse.dispatch(request)
        statuses[int(status)] = statuses.get(int(status), 0) + 1
        assert int(status) < 500 or int(status) == 501, (request.environ["RAW_URI"], status, body[:300])
        if int(status) >= 400:
            assert json.loads(body)["Message"] and headers["x-amzn-ErrorType"]
    assert {200, 400, 404, 501} <= set(statuses), statuses  # the mix reached every kind of answer
