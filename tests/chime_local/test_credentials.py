# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: the sts_duration_seconds setting and the refusal of expired keys (credentials.py).

The rules run on a fake clock in-process; on the server the expiry is the wall clock's, so one test there waits
(about two seconds) for credentials of a two-second duration to expire.
"""

from __future__ import annotations

import time
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Iterable

import boto3
import botocore.parsers
import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_local import demo
from chime_local.credentials import EXPIRED_MESSAGE
from chime_local.credentials import IssuedCredentials
from chime_local.credentials import StsCredentials
from chime_local.credentials import check_duration
from chime_local.credentials import expired_token_answer
from chime_local.credentials import format_expiration
from chime_local.credentials import parse_expiration
from chime_local.credentials import request_access_key
from chime_local.middleware import Stats
from chime_local.server import EndpointApp

ASSUMED = (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>'
    "<AccessKeyId>ASIAEXAMPLEKEY000001</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2026-01-01T01:00:00.000000Z</Expiration></Credentials>"
    "</AssumeRoleResult></AssumeRoleResponse>"
)
MOTO_EXPIRY = datetime(2026, 1, 1, 1, tzinfo=timezone.utc).timestamp()


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------ the rules, on a fake clock
def test_moto_expiry_is_enforced_without_the_setting() -> None:
    clock = FakeClock(MOTO_EXPIRY - 3600)
    issued = IssuedCredentials(clock=clock)
    assert issued.issue("ASIAONE", MOTO_EXPIRY) == MOTO_EXPIRY
    assert not issued.expired("ASIAONE") and not issued.expired("AKIAOTHER") and not issued.expired(None)
    clock.now = MOTO_EXPIRY - 0.001
    assert not issued.expired("ASIAONE")
    clock.now = MOTO_EXPIRY
    assert issued.expired("ASIAONE") and not issued.expired("AKIAOTHER"), "keys STS did not issue never expire"
    assert issued.snapshot() == {"sts_duration_seconds": None, "issued": 1, "expired": 1}


def test_the_setting_replaces_the_expiry_whatever_was_asked() -> None:
    clock = FakeClock(1_000_000.0)
    issued = IssuedCredentials(clock=clock)
    issued.set_duration(5)
    assert issued.issue("ASIATWO", MOTO_EXPIRY) == 1_000_005.0
    clock.now += 4.999
    assert not issued.expired("ASIATWO")
    clock.now += 0.001
    assert issued.expired("ASIATWO")
    issued.set_duration(None)
    assert issued.expired("ASIATWO"), "a key keeps the expiry it was issued with"
    assert issued.issue("ASIATHREE", MOTO_EXPIRY) == MOTO_EXPIRY


@pytest.mark.parametrize("value", [0, -1, 43201, 1.5, "60", True, [5]])
def test_bad_durations_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="sts_duration_seconds"):
        check_duration(value)
    assert check_duration(None) is None and check_duration(1) == 1 and check_duration(43200) == 43200


def test_expiration_text_round_trip() -> None:
    assert parse_expiration("2026-01-01T01:00:00.000000Z") == MOTO_EXPIRY
    assert parse_expiration("2026-01-01T01:00:00Z") == MOTO_EXPIRY
    assert parse_expiration("soon") is None
    assert format_expiration(MOTO_EXPIRY + 0.25) == "2026-01-01T01:00:00.250000Z"


def test_the_access_key_of_a_request() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=x"
    assert request_access_key({"HTTP_AUTHORIZATION": auth}) == "ASIAKEY"
    presigned = "X-Amz-Credential=ASIAPRE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Signature=x"
    assert request_access_key({"QUERY_STRING": presigned}) == "ASIAPRE"
    assert request_access_key({}) is None and request_access_key({"HTTP_AUTHORIZATION": "garbage"}) is None


@pytest.mark.parametrize(
    "service, protocol, status, code",
    [
        ("chime", "rest-json", 403, "ExpiredTokenException"),
        ("organizations", "json", 400, "ExpiredTokenException"),
        ("sts", "query", 403, "ExpiredToken"),
        ("iam", "query", 403, "ExpiredToken"),
        ("ec2", "ec2", 403, "ExpiredToken"),
        ("s3", "rest-xml", 400, "ExpiredToken"),
        ("no-such-service", "rest-json", 403, "ExpiredTokenException"),
    ],
)
def test_botocore_reads_each_refusal(service: str, protocol: str, status: int, code: str) -> None:
    (status_line, headers, body), stats_code = expired_token_answer(service)
    assert int(status_line.split()[0]) == status and stats_code == code
    parsed = botocore.parsers.create_parser(protocol).parse(
        {"status_code": status, "headers": {k.lower(): v for k, v in headers}, "body": body}, None
    )
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (code, EXPIRED_MESSAGE)


def _wsgi(status: str, body: str, seen: list[dict[str, Any]]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.append(environ)
        start_response(status, [("Content-Type", "text/xml")])
        return [body.encode()]

    return app


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"] = status

    body = b"".join(app(environ, start_response))
    return captured["status"], body


def _sts_environ(form: str) -> dict[str, Any]:
    import io  # pylint: disable=import-outside-toplevel

    data = form.encode()
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }


def test_sts_answers_are_recorded_and_rewritten() -> None:
    clock = FakeClock(2_000_000.0)
    issued = IssuedCredentials(clock=clock)
    seen: list[dict[str, Any]] = []
    sts = StsCredentials(_wsgi("200 OK", ASSUMED, seen), issued)
    status, body = _call(sts, _sts_environ("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx"))
    assert status == "200 OK" and b"<Expiration>2026-01-01T01:00:00.000000Z</Expiration>" in body
    issued.set_duration(2)
    status, body = _call(sts, _sts_environ("Action=AssumeRole&DurationSeconds=3600"))
    assert f"<Expiration>{format_expiration(2_000_002.0)}</Expiration>".encode() in body
    clock.now += 2
    assert issued.expired("ASIAEXAMPLEKEY000001")
    # Other actions pass through untouched and record nothing.
    before = issued.snapshot()["issued"]
    _call(sts, _sts_environ("Action=GetSessionToken"))
    assert issued.snapshot()["issued"] == before and len(seen) == 3
    refused = StsCredentials(_wsgi("200 OK", ASSUMED, seen), issued, role_exists=lambda arn: False)
    status, body = _call(refused, _sts_environ("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx"))
    assert status.startswith("403") and b"<Code>AccessDenied</Code>" in body and b"role/x" in body


def test_the_server_refuses_expired_keys_before_any_backend() -> None:
    clock = FakeClock(100.0)
    issued = IssuedCredentials(clock=clock)
    issued.issue("ASIAOLD", 50.0)
    issued.issue("ASIANEW", 500.0)
    seen: list[dict[str, Any]] = []
    stats = Stats()
    app = EndpointApp(
        control=_wsgi("200 OK", "control", seen),
        chime=_wsgi("200 OK", "chime", seen),
        moto=_wsgi("200 OK", "moto", seen),
        services={"sts": _wsgi("200 OK", "sts", seen)},
        credentials=issued,
        stats=stats,
    )

    def environ(key: str, service: str, path: str = "/") -> dict[str, Any]:
        auth = f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/{service}/aws4_request, Signature=x"
        return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_AUTHORIZATION": auth}

    assert _call(app, environ("ASIANEW", "chime", "/voice-connectors")) == ("200 OK", b"chime")
    assert _call(app, environ("ASIANEW", "sts")) == ("200 OK", b"sts")
    assert _call(app, environ("ASIANEW", "organizations")) == ("200 OK", b"moto")
    answers = [_call(app, environ("ASIAOLD", service, path)) for service, path in SERVICES_AND_PATHS]
    assert [status for status, _body in answers] == ["403 Forbidden", "403 Forbidden", "400 Bad Request"]
    assert len(seen) == 3, "no expired request reached an app"
    snapshot = stats.snapshot()
    assert snapshot["expired_tokens"] == 3
    assert snapshot["expired_tokens_by_service"] == {"chime": 1, "organizations": 1, "sts": 1}
    assert snapshot["operations"] == {"ListVoiceConnectors": {"total": 1, "outcomes": {"ExpiredTokenException": 1}}}


SERVICES_AND_PATHS = [("chime", "/voice-connectors"), ("sts", "/"), ("organizations", "/")]


# ------------------------------------------------------------------ on the server
def _assume(url: str, account: str = demo.PROD_ACCOUNT, **kwargs: Any) -> dict[str, Any]:
    sts = boto3.client("sts", endpoint_url=url, region_name=demo.REGION, config=NO_RETRY)
    return dict(sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Any", RoleSessionName="expiry", **kwargs))


def _client(url: str, service: str, credentials: dict[str, Any]) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=demo.REGION,
        config=NO_RETRY,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _error(call: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as excinfo:
        call()
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_short_credentials_expire_on_the_wall_clock(control: Control) -> None:
    control.ok("POST", "seed", {"settings": {"sts_duration_seconds": 2}})
    before = time.time()
    answer = _assume(control.url, DurationSeconds=3600)
    credentials = answer["Credentials"]
    lifetime = credentials["Expiration"].timestamp() - before
    assert 1.5 < lifetime < 2.5, f"Expiration {credentials['Expiration']} is not two seconds ahead"
    chime = _client(control.url, "chime-sdk-voice", credentials)
    assert chime.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    control.ok("DELETE", "stats")
    time.sleep(max(0.0, credentials["Expiration"].timestamp() - time.time()) + 0.05)
    delete = _error(lambda: chime.delete_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION))
    assert delete == ("ExpiredTokenException", 403, EXPIRED_MESSAGE)
    assert _error(lambda: _client(control.url, "sts", credentials).get_caller_identity()) == (
        "ExpiredToken",
        403,
        EXPIRED_MESSAGE,
    )
    assert _error(lambda: _client(control.url, "organizations", credentials).list_roots())[:2] == (
        "ExpiredTokenException",
        400,
    )
    # The refused delete never reached the backend: the session is still there for a fresh key of that account.
    fresh = _client(control.url, "chime-sdk-voice", _assume(control.url)["Credentials"])
    assert fresh.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    stats = control.ok("GET", "stats")
    assert stats["expired_tokens"] == 3
    assert stats["expired_tokens_by_service"] == {"chime": 1, "organizations": 1, "sts": 1}
    assert stats["operations"]["DeleteProxySession"] == {"total": 1, "outcomes": {"ExpiredTokenException": 1}}
    assert control.ok("GET", "credentials")["expired"] >= 1


def test_without_the_setting_the_expiry_is_the_one_asked(control: Control) -> None:
    assert control.ok("GET", "credentials")["sts_duration_seconds"] is None
    before = time.time()
    credentials = _assume(control.url, DurationSeconds=900)["Credentials"]
    assert 899 < credentials["Expiration"].timestamp() - before < 901
    assert _client(control.url, "sts", credentials).get_caller_identity()["Account"] == demo.PROD_ACCOUNT
    # GetSessionToken is moto's, untouched: AWS's example key pair, which is the demo's own key.
    token = boto3.client("sts", endpoint_url=control.url, region_name=demo.REGION).get_session_token()["Credentials"]
    assert token["AccessKeyId"] == demo.ACCESS_KEY
    assert control.ok("GET", "credentials")["issued"] >= 1


def test_the_backend_clock_does_not_expire_credentials(control: Control) -> None:
    control.ok("POST", "seed", raw=b"settings: {sts_duration_seconds: 600}\n")
    credentials = _assume(control.url)["Credentials"]
    control.ok("POST", "clock", {"advance_seconds": 7 * 24 * 3600})
    chime = _client(control.url, "chime-sdk-voice", credentials)
    assert chime.list_voice_connectors()["VoiceConnectors"]


def test_the_setting_is_reset_and_checked(control: Control) -> None:
    control.ok("POST", "seed", {"settings": {"sts_duration_seconds": 30}})
    assert control.ok("GET", "credentials")["sts_duration_seconds"] == 30
    control.ok("POST", "seed", {"settings": {"sts_duration_seconds": None}})
    assert control.ok("GET", "credentials")["sts_duration_seconds"] is None
    control.ok("POST", "seed", {"settings": {"sts_duration_seconds": 30, "deletion_queue_status": "ReleaseInProgress"}})
    control.ok("POST", "reset")
    assert control.ok("GET", "credentials")["sts_duration_seconds"] is None
    for bad in (0, 43201, "60", 2.5):
        status, payload = control.call("POST", "seed", {"settings": {"sts_duration_seconds": bad}})
        assert status == 400 and "sts_duration_seconds" in payload["error"], payload
    assert control.ok("GET", "credentials")["sts_duration_seconds"] is None
