# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A forwarder that counts and delays the requests the local endpoint neither counts nor delays: STS, Organizations.

The endpoint's stats and latency cover requests signed for chime only (tools/chime_local/README.md, "Control API").
Pointed at by AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ORGANIZATIONS, this forwarder, in the benchmark's process,
sleeps the same latency as the endpoint adds to Chime's requests, forwards each request to the endpoint unchanged
(its Host header too, which the signature covers), and counts it by service (the SigV4 credential scope's) and
operation (Organizations: the X-Amz-Target header; STS: the Action of the query), with its status, the first and
last moment (time.monotonic) it was seen, and the most requests of a service in flight at once.
"""

import http.client
import http.server
import threading
import time
import urllib.parse
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"})


@dataclass
class Counted:
    """The requests of one service and operation."""

    total: int = 0
    statuses: Dict[int, int] = field(default_factory=dict)
    first: float = 0.0
    last: float = 0.0


def service_of(authorization: str) -> str:
    """The service of a SigV4 Authorization header (Credential=AKID/DATE/REGION/SERVICE/aws4_request)."""
    for part in authorization.replace(",", " ").split():
        if part.startswith("Credential="):
            scope = part[len("Credential=") :].split("/")
            if len(scope) >= 5:
                return scope[3]
    return "unsigned"


def operation_of(headers: Any, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    action = urllib.parse.parse_qs(body.decode("utf-8", errors="replace")).get("Action")
    return action[0] if action else "?"


class AwsCounter:
    """The forwarder: start() it, point the SDKs at .url, read counts() and reset() between runs."""

    def __init__(self, upstream: str, latency_ms: float) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.latency = latency_ms / 1000
        self.lock = threading.Lock()
        self.counted: Dict[Tuple[str, str], Counted] = {}
        self.in_flight: Dict[str, int] = {}
        self.max_in_flight: Dict[str, int] = {}
        self.local = threading.local()
        counter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The answer's headers and body are two writes: without TCP_NODELAY the body waits for the client's
            # delayed ACK of the headers (40 ms), as the endpoint avoids too (tools/chime_local/README.md).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # pylint: disable=invalid-name
                counter.forward(self)

            def do_GET(self) -> None:  # pylint: disable=invalid-name
                counter.forward(self)

            def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread: Optional[threading.Thread] = None

    def start(self) -> "AwsCounter":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.counted.clear()
            self.max_in_flight.clear()

    def counts(self) -> Dict[str, Dict[str, Any]]:
        """{service: {operation: {"total", "statuses", "first", "last"}, "_max_in_flight": n}}."""
        out: Dict[str, Dict[str, Any]] = {}
        with self.lock:
            for (service, operation), c in sorted(self.counted.items()):
                out.setdefault(service, {})[operation] = {
                    "total": c.total,
                    "statuses": dict(c.statuses),
                    "first": c.first,
                    "last": c.last,
                }
            for service, most in self.max_in_flight.items():
                out.setdefault(service, {})["_max_in_flight"] = most
        return out

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(*self.upstream, timeout=120)
            self.local.conn = conn
        return conn

    def forward(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        service = service_of(handler.headers.get("Authorization", ""))
        operation = operation_of(handler.headers, body)
        now = time.monotonic()
        with self.lock:
            self.in_flight[service] = self.in_flight.get(service, 0) + 1
            self.max_in_flight[service] = max(self.max_in_flight.get(service, 0), self.in_flight[service])
        try:
            time.sleep(self.latency)
            status, headers, answer = self._send(handler, body)
        finally:
            with self.lock:
                self.in_flight[service] -= 1
        with self.lock:
            c = self.counted.setdefault((service, operation), Counted(first=now))
            c.total += 1
            c.statuses[status] = c.statuses.get(status, 0) + 1
            c.last = time.monotonic()
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    def _send(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> Tuple[int, Any, bytes]:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(handler.command, handler.path, body=body, headers=headers)
                reply = conn.getresponse()
                return reply.status, reply.getheaders(), reply.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
