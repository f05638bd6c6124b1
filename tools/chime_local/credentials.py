# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: the expiry of those the endpoint's STS issues, shortened on request, and the refusal of
every request signed with one that has expired.

moto's STS answers AssumeRole (and AssumeRoleWithWebIdentity, AssumeRoleWithSAML) with a fresh key and an
``Expiration`` DurationSeconds ahead, but serves that key for ever.  ``StsCredentials`` wraps moto's app for
requests signed for ``sts``: it reads the key and the expiry of each such answer into ``IssuedCredentials``,
writing first, when the ``sts_duration_seconds`` setting is on, an ``Expiration`` that many seconds after the
answer, whatever DurationSeconds asked.  The server asks ``IssuedCredentials.expired`` about the key of every
signed request before any backend sees it, and answers an expired one as AWS does (``expired_token_answer``).

Expiry is on the wall clock (``time.time``, injectable for tests), not on the Chime backend's adjustable clock:
botocore decides when to refresh credentials from the ``Expiration`` it was given and its own wall clock, so a
server clock moved forward (to expire proxy sessions, or to empty the deletion queue) would refuse credentials the
client has no reason to refresh.

GetSessionToken and GetFederationToken are left alone: moto answers them with AWS's documented example key pair,
which is also the demo's own long-term key (demo.py), so an expiry enforced on it would lock the demo out.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Callable
from typing import Iterable
from urllib.parse import parse_qs
from uuid import uuid4

import botocore.exceptions
import botocore.session

from .middleware import Answer
from .middleware import StartResponse
from .middleware import WSGIApp
from .middleware import call_app
from .middleware import json_error
from .middleware import read_body
from .middleware import status_line

SETTING = "sts_duration_seconds"
# STS's own bounds for DurationSeconds are 900 to 43200; the setting goes below them (that is its point), not above.
MAX_DURATION_SECONDS = 43_200
ISSUING_ACTIONS = ("AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")
EXPIRED_MESSAGE = "The security token included in the request is expired"
# Codes and statuses of the refusal, by the protocol of the service the request is signed for (see the README).
REST_JSON_TYPE = "ExpiredTokenException"
JSON_TYPE = "ExpiredTokenException"
QUERY_CODE = "ExpiredToken"
STATUS_BY_PROTOCOL = {"rest-json": 403, "json": 400, "query": 403, "ec2": 403, "rest-xml": 400}
SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
Clock = Callable[[], float]
RoleExists = Callable[[str], bool]


def check_duration(value: Any, where: str = f"settings.{SETTING}") -> int | None:
    """The setting's value: None (off) or a whole number of seconds from 1 to 43200; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DURATION_SECONDS:
        raise ValueError(f"{where}: {value!r} must be null or a whole number of seconds from 1 to 43200")
    return value


def parse_expiration(text: str) -> float | None:
    """Epoch seconds of an STS ``Expiration`` (ISO 8601, ``Z``); None when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def format_expiration(epoch: float) -> str:
    """An ``Expiration`` as moto writes it: ISO 8601 UTC with microseconds and ``Z``."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class IssuedCredentials:
    """The expiry of every temporary key the endpoint's STS issued, and the ``sts_duration_seconds`` setting."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        self._duration: int | None = None

    @property
    def duration_seconds(self) -> int | None:
        with self._lock:
            return self._duration

    def set_duration(self, seconds: int | None) -> None:
        value = check_duration(seconds)
        with self._lock:
            self._duration = value

    def issue(self, access_key: str, expiration: float) -> float:
        """Record a key STS issued with ``expiration`` (epoch seconds); the expiry it gets (the setting's, if on)."""
        with self._lock:
            expires = expiration if self._duration is None else self._clock() + self._duration
            self._expiry[access_key] = expires
            return expires

    def expired(self, access_key: str | None) -> bool:
        """True when ``access_key`` is a key STS issued here whose expiry has passed on the wall clock."""
        if not access_key:
            return False
        with self._lock:
            expires = self._expiry.get(access_key)
        return expires is not None and self._clock() >= expires

    def snapshot(self) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            return {
                SETTING: self._duration,
                "issued": len(self._expiry),
                "expired": sum(1 for expires in self._expiry.values() if now >= expires),
            }


def request_access_key(environ: dict[str, Any]) -> str | None:
    """The access key a request is signed with: the SigV4 Authorization header's, or a presigned URL's."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:
        return auth.split("Credential=", 1)[1].split("/", 1)[0].strip() or None
    credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
    if not credential:
        return None
    return credential[0].split("/", 1)[0] or None


@functools.cache
def _session() -> Any:
    return botocore.session.get_session()


@functools.lru_cache(maxsize=64)
def service_protocol(signing_name: str) -> tuple[str, str | None, str]:
    """(protocol, XML namespace, JSON version) of the botocore model named like a SigV4 signing name; rest-json
    when there is none (chime-sdk-voice signs as ``chime``, whose botocore model is rest-json too)."""
    if not SERVICE_NAME.fullmatch(signing_name):
        return "rest-json", None, ""
    try:
        metadata = _session().get_service_model(signing_name).metadata
    except (botocore.exceptions.UnknownServiceError, botocore.exceptions.DataNotFoundError):
        return "rest-json", None, ""
    protocol = metadata.get("protocol", "rest-json")
    return (
        (protocol if protocol in STATUS_BY_PROTOCOL else "rest-json"),
        metadata.get("xmlNamespace"),
        str(metadata.get("jsonVersion", "1.0")),
    )


def expired_token_answer(signing_name: str) -> tuple[Answer, str]:
    """The answer to a request signed for ``signing_name`` with an expired key, and its error code."""
    protocol, namespace, json_version = service_protocol(signing_name)
    status = STATUS_BY_PROTOCOL[protocol]
    request_id = str(uuid4())
    if protocol == "rest-json":
        return json_error(status, REST_JSON_TYPE, EXPIRED_MESSAGE), REST_JSON_TYPE
    if protocol == "json":
        body = json.dumps({"__type": JSON_TYPE, "message": EXPIRED_MESSAGE}).encode()
        content_type = f"application/x-amz-json-{json_version}"
        code = JSON_TYPE
    elif protocol == "rest-xml":
        body = (
            f"<Error><Code>{QUERY_CODE}</Code><Message>{EXPIRED_MESSAGE}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        content_type, code = "text/xml", QUERY_CODE
    else:  # query, ec2
        xmlns = f' xmlns="{namespace}"' if namespace else ""
        body = (
            f"<ErrorResponse{xmlns}><Error><Type>Sender</Type><Code>{QUERY_CODE}</Code>"
            f"<Message>{EXPIRED_MESSAGE}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        content_type, code = "text/xml", QUERY_CODE
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("x-amzn-RequestId", request_id)]
    return (status_line(status), headers, body), code


def _query_error(status: int, code: str, message: str) -> Answer:
    request_id = str(uuid4())
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    headers = [("Content-Type", "text/xml"), ("Content-Length", str(len(body))), ("x-amzn-RequestId", request_id)]
    return status_line(status), headers, body


class StsCredentials:
    """moto's app for requests signed for ``sts``: the keys of AssumeRole* answers recorded, their expiry set.

    With ``role_exists`` (the server gives it with ``--enforce-iam``), assuming a role that does not exist is
    refused with 403 ``AccessDenied``, as AWS does; moto lets any role be assumed.
    """

    def __init__(self, app: WSGIApp, credentials: IssuedCredentials, role_exists: RoleExists | None = None) -> None:
        self.app = app
        self.credentials = credentials
        self.role_exists = role_exists

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        params = self._params(environ)
        action = params.get("Action", [""])[0]
        if action not in ISSUING_ACTIONS:
            return self.app(environ, start_response)
        status, headers, body = call_app(self.app, environ)
        if status.startswith("200"):
            role_arn = params.get("RoleArn", [""])[0]
            if action == "AssumeRole" and self.role_exists is not None and not self.role_exists(role_arn):
                status, headers, body = _query_error(
                    403, "AccessDenied", f"Not authorized to perform: sts:AssumeRole on resource: {role_arn}"
                )
            else:
                body = self._record(body)
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    @staticmethod
    def _params(environ: dict[str, Any]) -> dict[str, list[str]]:
        body = read_body(environ)
        params = parse_qs(environ.get("QUERY_STRING", ""))
        if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            for name, values in parse_qs(body.decode("utf-8", "replace")).items():
                params.setdefault(name, []).extend(values)
        return params

    def _record(self, body: bytes) -> bytes:
        """Record the answer's key and expiry; the answer with the expiry the key got."""
        text = body.decode("utf-8", "replace")
        key = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        expiration = re.search(r"<Expiration>([^<]+)</Expiration>", text)
        moment = parse_expiration(expiration.group(1)) if expiration else None
        if key is None or expiration is None or moment is None:
            return body
        expires = self.credentials.issue(key.group(1), moment)
        if expires == moment:
            return body
        start, end = expiration.span(1)
        return (text[:start] + format_expiration(expires) + text[end:]).encode()
