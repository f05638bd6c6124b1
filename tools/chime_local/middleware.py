# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WSGI middleware around the chime-sdk-voice backend: injected faults and stats.

``FaultsAndStats`` wraps the WSGI app that serves Chime requests.  For each request it
finds the caller (account, region) with the function the server gives it, asks the
``FaultInjector`` (faults.py) what to do (the rate limit of the caller's bucket first,
then the rules), sleeps the injected latency in the request's own thread, then answers
with the rate limit's 429, the injected fault or the backend's answer, and counts the
outcome in ``Stats``, per operation and per account and region.

A crash is an answer of the backend that no fault asked for: an exception, or a 500.
Both are counted apart from the injected faults (``crashes``); an exception is answered
with a JSON ``ServiceFailureException`` and its traceback goes to stderr.

``drop`` raises ``ConnectionDropped`` (a ``ConnectionResetError`` with errno ECONNRESET)
out of the WSGI app before anything is sent: the WSGI server (cheroot) treats it like a
reset connection and closes the socket without writing a response.
"""

from __future__ import annotations

import errno
import http.client
import io
import json
import sys
import threading
import time
import traceback
from collections import Counter
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Callable
from typing import Iterable
from urllib.parse import parse_qs
from uuid import uuid4

from . import backend_api
from .faults import RATE_LIMITED
from .faults import Caller
from .faults import FaultInjector

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]
CallerOf = Callable[[dict[str, Any]], Caller | None]
CRASH = "crash"
# Where every chime-sdk-voice List* operation's NextToken travels (botocore's model: querystring "next-token").
NEXT_TOKEN_PARAMETER = "next-token"
BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


class ConnectionDropped(ConnectionResetError):
    """Raised out of the WSGI app so that the server closes the connection without an answer."""


def status_line(status: int) -> str:
    return f"{status} {http.client.responses.get(status, '')}".rstrip()


def json_error(status: int, error_type: str, message: str, code: str | None = None) -> Answer:
    """A rest-json error answer as AWS sends it: x-amzn-ErrorType, x-amzn-RequestId, {"Message": ...}."""
    payload = {"Code": code, "Message": message} if code else {"Message": message}
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("x-amzn-ErrorType", error_type),
        ("x-amzn-RequestId", str(uuid4())),
    ]
    return status_line(status), headers, body


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the whole request body up front and put it back as a fresh stream.

    A keep-alive connection must not keep unread bytes, and the backend may read it again.
    """
    stream = environ.get("wsgi.input")
    body = b""
    if stream is not None:
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = stream.read(int(length))
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = stream.read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def call_app(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """Run a WSGI app to completion; its status, headers (with Content-Length) and body."""
    captured: dict[str, Any] = {"written": []}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, list(headers)
        return captured["written"].append

    result = app(environ, capture)
    try:
        body = b"".join(captured["written"]) + b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    return captured["status"], headers, body


class Stats:
    """Request counts per operation and outcome, per account and region, crashes, the maximum concurrency seen (in
    all, and per account and region), and the requests of any service refused for an expired key.

    ``connections`` is a callable giving the number of TCP connections the server has
    accepted so far (the server provides it); the snapshot shows those since the reset.
    """

    def __init__(self, connections: Callable[[], int] | None = None) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        # Per account and region, like _in_flight not reset: a request in progress across a reset ends after it.
        self._in_flight_by_caller: Counter[str] = Counter()
        self._connections = connections or (lambda: 0)
        self._reset_locked()

    def _reset_locked(self) -> None:
        self._since = datetime.now(timezone.utc)
        self._total = 0
        self._by_operation: dict[str, Counter[str]] = {}
        self._by_outcome: Counter[str] = Counter()
        self._injected: Counter[str] = Counter()
        self._crashes: Counter[str] = Counter()
        self._by_caller: dict[str, Counter[str]] = {}
        self._expired: Counter[str] = Counter()
        self._max_in_flight = self._in_flight
        self._max_by_caller = {key: n for key, n in self._in_flight_by_caller.items() if n}
        self._connections_at_reset = self._connections()

    def reset(self) -> None:
        with self._lock:
            self._reset_locked()

    def begin(self, caller: Caller | None = None) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            if caller is not None:
                key = f"{caller[0]}/{caller[1]}"
                self._in_flight_by_caller[key] += 1
                self._max_by_caller[key] = max(self._max_by_caller.get(key, 0), self._in_flight_by_caller[key])

    def end(
        self,
        operation: str,
        outcome: str,
        injected: str | None = None,
        crashed: bool = False,
        caller: Caller | None = None,
    ) -> None:
        with self._lock:
            self._in_flight -= 1
            self._total += 1
            self._by_operation.setdefault(operation, Counter())[outcome] += 1
            self._by_outcome[outcome] += 1
            if injected:
                self._injected[injected] += 1
            if crashed:
                self._crashes[operation] += 1
            if caller is not None:
                key = f"{caller[0]}/{caller[1]}"
                self._in_flight_by_caller[key] -= 1
                if self._in_flight_by_caller[key] <= 0:
                    del self._in_flight_by_caller[key]
                counts = self._by_caller.setdefault(key, Counter(total=0, throttled=0))
                counts["total"] += 1
                if injected == RATE_LIMITED:
                    counts["throttled"] += 1

    def expired_token(self, service: str, operation: str | None = None, code: str = "ExpiredTokenException") -> None:
        """A request refused for an expired key, by the service it was signed for; a Chime request (``operation``
        given) is also counted as a request of that operation with the outcome ``code``."""
        with self._lock:
            self._expired[service] += 1
            if operation is not None:
                self._total += 1
                self._by_operation.setdefault(operation, Counter())[code] += 1
                self._by_outcome[code] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "since": self._since.isoformat(),
                "total": self._total,
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
                "connections_opened": self._connections() - self._connections_at_reset,
                "operations": {
                    name: {"total": sum(outcomes.values()), "outcomes": dict(outcomes)}
                    for name, outcomes in sorted(self._by_operation.items())
                },
                "outcomes": dict(self._by_outcome),
                "injected": dict(self._injected),
                "crashes": sum(self._crashes.values()),
                "crashes_by_operation": dict(self._crashes),
                "account_regions": {name: dict(counts) for name, counts in sorted(self._by_caller.items())},
                "max_in_flight_by_account_region": dict(sorted(self._max_by_caller.items())),
                "expired_tokens": sum(self._expired.values()),
                "expired_tokens_by_service": dict(sorted(self._expired.items())),
            }


class FaultsAndStats:
    """Rate limit, injected latency and faults, crash handling and stats around the app that serves Chime requests.

    ``caller_of`` gives a request's (account, region), its rate limit bucket and stats
    line; without it (or when it gives None) the request is neither limited nor counted
    per account and region.
    """

    def __init__(self, app: WSGIApp, injector: FaultInjector, stats: Stats, caller_of: CallerOf | None = None) -> None:
        self.app = app
        self.injector = injector
        self.stats = stats
        self.caller_of = caller_of

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        read_body(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
        operation = backend_api.operation_for(method, path)
        next_token = parse_qs(query).get(NEXT_TOKEN_PARAMETER, [None])[0]
        caller = self._caller(environ)
        self.stats.begin(caller)
        outcome, crashed, injected = CRASH, False, None
        try:
            decision = self.injector.decide(operation, has_next_token=next_token is not None, caller=caller)
            injected = decision.injected
            if decision.latency_s > 0:
                time.sleep(decision.latency_s)
            if decision.action == "drop":
                outcome = str(injected)
                raise ConnectionDropped(errno.ECONNRESET, f"{operation}: connection dropped (injected by chime_local)")
            if decision.action == "bad_gateway":
                outcome = str(injected)
                answer = self._bad_gateway()
            elif decision.status is not None:
                outcome = str(decision.error_type)
                answer = json_error(decision.status, outcome, str(decision.message), decision.error_code)
            else:
                answer, crashed = self._call_backend(environ, operation)
                if decision.action == "repeat_token" and next_token is not None:
                    answer, repeated = self._repeat_token(answer, next_token)
                    injected = injected if repeated else None
                outcome = self._outcome(answer, crashed)
        finally:
            self.stats.end(operation, outcome, injected, crashed, caller)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _caller(self, environ: dict[str, Any]) -> Caller | None:
        """The request's (account, region); None, with the traceback on stderr, if finding it fails."""
        if self.caller_of is None:
            return None
        try:
            return self.caller_of(environ)
        except Exception:  # pylint: disable=broad-exception-caught  # the request goes on, unlimited
            print(f"chime_local: no account for the request:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            return None

    def _call_backend(self, environ: dict[str, Any], operation: str) -> tuple[Answer, bool]:
        try:
            answer = call_app(self.app, environ)
        except Exception as err:  # pylint: disable=broad-exception-caught
            print(f"chime_local: {operation} crashed:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            message = f"chime_local crashed on {operation}: {type(err).__name__}: {err}"
            return json_error(500, "ServiceFailureException", message, "ServiceFailure"), True
        return answer, answer[0].startswith("500")

    @staticmethod
    def _outcome(answer: Answer, crashed: bool) -> str:
        status, headers, _body = answer
        if crashed:
            return CRASH
        if int(status.split(" ", 1)[0]) < 400:
            return "ok"
        error_type = next((v for k, v in headers if k.lower() == "x-amzn-errortype"), None)
        return error_type.split(":", 1)[0] if error_type else f"HTTP{status.split(' ', 1)[0]}"

    @staticmethod
    def _bad_gateway() -> Answer:
        headers = [("Content-Type", "text/html"), ("Content-Length", str(len(BAD_GATEWAY_PAGE)))]
        return status_line(502), headers, BAD_GATEWAY_PAGE

    @staticmethod
    def _repeat_token(answer: Answer, next_token: str) -> tuple[Answer, bool]:
        """The request's own NextToken as the answer's NextToken (only on a successful JSON object answer)."""
        status, headers, body = answer
        if not status.startswith("2"):
            return answer, False
        try:
            payload = json.loads(body)
        except ValueError:
            return answer, False
        if not isinstance(payload, dict):
            return answer, False
        payload["NextToken"] = next_token
        body = json.dumps(payload).encode()
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        return (status, headers, body), True
