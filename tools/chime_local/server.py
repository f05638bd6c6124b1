# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local Amazon Chime SDK Voice endpoint: moto's server + the chimesdkvoice backend.

Run ``python tools/chime_local/server.py --help`` (works from any directory).  The
server is moto's own WSGI dispatcher (so every moto service, IAM included, is served
too) wrapped by ``ChimeLocalApp``, which adds fault/latency rehearsal and stats for
Chime requests and the control API under ``/_chime_local/``.  It speaks HTTP/1.1
keep-alive and sets TCP_NODELAY on every accepted socket.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from typing import Callable
from typing import Iterable
from urllib.parse import urlsplit

if __package__ in (None, ""):
    # Run as a script: make the chime_local package importable whatever the cwd.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "chime_local"  # pylint: disable=redefined-builtin

# Before moto is imported: any region works (moto refuses unknown regions by default).
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

import yaml  # noqa: E402  # pylint: disable=wrong-import-position

from .faults import FaultConfig  # noqa: E402  # pylint: disable=wrong-import-position
from .faults import FaultConfigError  # noqa: E402  # pylint: disable=wrong-import-position
from .faults import FaultInjector  # noqa: E402  # pylint: disable=wrong-import-position
from .faults import Stats  # noqa: E402  # pylint: disable=wrong-import-position

CONTROL_PREFIX = "/_chime_local/"
DEFAULT_SEED = Path(__file__).resolve().parent / "seeds" / "demo.yml"
SEED_KEYS = {"voice_connectors", "proxy_sessions", "generate", "faults"}
StartResponse = Callable[..., Any]


def load_seed_text(text: str | bytes) -> dict[str, Any]:
    """Parse a YAML (or JSON) seed document and check its top-level keys."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("a seed document must be a mapping")
    unknown = set(data) - SEED_KEYS
    if unknown:
        raise ValueError(f"unknown seed keys {sorted(unknown)}; expected {sorted(SEED_KEYS)}")
    for key in ("voice_connectors", "proxy_sessions", "generate"):
        if not isinstance(data.get(key) or [], list):
            raise ValueError(f"seed key {key} must be a list")
    for item in data.get("voice_connectors") or []:
        if not isinstance(item, dict) or "VoiceConnectorId" not in item:
            raise ValueError("every voice_connectors entry needs a VoiceConnectorId")
        for session in item.get("ProxySessions") or []:
            if not isinstance(session, dict) or "ProxySessionId" not in session:
                raise ValueError("every ProxySessions entry needs a ProxySessionId")
    for session in data.get("proxy_sessions") or []:
        if not isinstance(session, dict) or not {"ProxySessionId", "VoiceConnectorId"} <= set(session):
            raise ValueError("every proxy_sessions entry needs VoiceConnectorId and ProxySessionId")
    for spec in data.get("generate") or []:
        if not isinstance(spec, dict) or not {"voice_connector_id", "count"} <= set(spec):
            raise ValueError("every generate entry needs voice_connector_id and count")
    if data.get("faults") is not None:
        FaultConfig.from_dict(data["faults"])
    return data


def seed_counts(seed: dict[str, Any]) -> dict[str, int]:
    connectors = seed.get("voice_connectors") or []
    sessions = sum(len(c.get("ProxySessions") or []) for c in connectors)
    sessions += len(seed.get("proxy_sessions") or [])
    sessions += sum(int(g["count"]) for g in seed.get("generate") or [])
    return {"voice_connectors": len(connectors), "proxy_sessions": sessions}


def chime_operation(environ: dict[str, Any]) -> str | None:
    """The model operation name of a Chime SDK Voice request, or None for anything else."""
    from .chimesdkvoice.responses import match_operation  # pylint: disable=import-outside-toplevel

    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = ""
    if "Credential=" in auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        service = scope[3] if len(scope) > 3 else ""
    if service != "chime" and not environ.get("HTTP_HOST", "").startswith("voice-chime."):
        return None
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    if raw.startswith(("http://", "https://")):
        parts = urlsplit(raw)
        raw = parts.path + (f"?{parts.query}" if parts.query else "")
    path, _sep, query = raw.partition("?")
    found = match_operation(environ.get("REQUEST_METHOD", "GET"), path or "/", query)
    return found[0] if found else "Unknown"


def _drain_input(environ: dict[str, Any]) -> bytes:
    """Read the whole request body up front: a keep-alive connection must not keep unread bytes."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _json_reply(start_response: StartResponse, status: int, payload: Any) -> list[bytes]:
    body = json.dumps(payload, indent=2, default=str).encode()
    reason = http.client.responses.get(status, "")
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class ChimeLocalApp:
    """WSGI middleware: control API, fault injection and stats around moto's dispatcher."""

    def __init__(
        self,
        moto_app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
        startup_seeds: list[dict[str, Any]],
        startup_faults: FaultConfig,
        enforce_iam: bool = False,
    ) -> None:
        self.moto_app = moto_app
        self.startup_seeds = startup_seeds
        self.injector = FaultInjector(startup_faults)
        self.stats = Stats()
        self.enforce_iam = enforce_iam

    # ----------------------------------------------------------- data control
    def reset_data(self) -> None:
        """Back to the startup seed data (seeds loaded later through the API are dropped)."""
        from moto.core.base_backend import backend_lock  # pylint: disable=import-outside-toplevel

        from .chimesdkvoice import models  # pylint: disable=import-outside-toplevel

        models.clear_seeds()
        for seed in self.startup_seeds:
            models.register_seed(seed)
        with backend_lock:
            # Backends are rebuilt (and re-seeded) lazily on the next request.
            models.chimesdkvoice_backends.clear()

    def add_seed(self, seed: dict[str, Any]) -> dict[str, Any]:
        from .chimesdkvoice import models  # pylint: disable=import-outside-toplevel

        data = {k: v for k, v in seed.items() if k != "faults"}
        models.register_seed(data)
        applied = 0
        for _account, _region, backend in list(models.chimesdkvoice_backends.iter_backends()):
            backend.load_seed(data)
            applied += 1
        if seed.get("faults") is not None:
            self.injector.configure(FaultConfig.from_dict(seed["faults"]))
        return {**seed_counts(data), "applied_to_backends": applied}

    # ------------------------------------------------------------ control API
    def control(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        resource = environ.get("PATH_INFO", "")[len(CONTROL_PREFIX) :].strip("/")
        body = _drain_input(environ)
        try:
            if resource == "health" and method == "GET":
                return _json_reply(start_response, 200, {"status": "ok"})
            if resource == "faults":
                if method == "GET":
                    return _json_reply(start_response, 200, self.injector.snapshot())
                if method == "PUT":
                    self.injector.configure(FaultConfig.from_dict(json.loads(body or b"{}")))
                    return _json_reply(start_response, 200, self.injector.snapshot())
                if method == "DELETE":
                    self.injector.clear()
                    return _json_reply(start_response, 200, self.injector.snapshot())
            if resource == "stats":
                if method == "GET":
                    return _json_reply(start_response, 200, self.stats.snapshot())
                if method == "DELETE":
                    self.stats.reset()
                    return _json_reply(start_response, 200, self.stats.snapshot())
            if resource == "reset" and method == "POST":
                self.reset_data()
                return _json_reply(start_response, 200, {"status": "reset"})
            if resource == "seed" and method == "POST":
                return _json_reply(start_response, 200, self.add_seed(load_seed_text(body)))
            if resource == "iam/admin" and method == "GET":
                if not self.enforce_iam:
                    return _json_reply(start_response, 404, {"error": "IAM enforcement is off (--enforce-iam)"})
                from .iam import bootstrap_admin  # pylint: disable=import-outside-toplevel

                return _json_reply(start_response, 200, bootstrap_admin())
        except (ValueError, FaultConfigError, yaml.YAMLError, KeyError, TypeError) as err:
            return _json_reply(start_response, 400, {"error": str(err)})
        return _json_reply(start_response, 404, {"error": f"no control endpoint {method} {CONTROL_PREFIX}{resource}"})

    # ------------------------------------------------------------- dispatching
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self.control(environ, start_response)
        _drain_input(environ)
        operation = chime_operation(environ)
        if operation is None:
            return self.moto_app(environ, start_response)
        self.stats.begin()
        outcome = "ServiceFailureException"
        injected = None
        try:
            decision = self.injector.decide(operation)
            if decision.latency_s > 0:
                time.sleep(decision.latency_s)
            if decision.status is not None:
                outcome = injected = str(decision.error_type)
                body = decision.error_body()
                status_line = f"{decision.status} {http.client.responses.get(decision.status, '')}"
                headers = [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(body))),
                    ("x-amzn-ErrorType", str(decision.error_type)),
                ]
            else:
                status_line, headers, body = self._call_moto(environ)
                status = int(status_line.split(" ", 1)[0])
                error_type = next((v for k, v in headers if k.lower() == "x-amzn-errortype"), None)
                outcome = "ok" if status < 400 else (error_type or f"HTTP{status}")
        finally:
            self.stats.end(operation, outcome, injected)
        start_response(status_line, headers)
        return [body]

    def _call_moto(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, list(headers)
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.moto_app(environ, capture)
        try:
            body = b"".join(captured.get("written", [])) + b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        return captured["status"], headers, body


class _EmptyInput:
    """Stands in for the request stream during werkzeug's post-response drain."""

    @staticmethod
    def read(size: int = -1) -> bytes:  # pylint: disable=unused-argument
        return b""


class _AlwaysReadable:
    """Stands in for the socket during that drain: an always-readable pipe, so the
    drain's ``select`` returns at once and then reads nothing from ``_EmptyInput``."""

    def __init__(self) -> None:
        self._read_fd, write_fd = os.pipe()
        os.write(write_fd, b"x")

    def fileno(self) -> int:
        return self._read_fd


def make_handler(stats: Stats, verbose: bool = False) -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler  # pylint: disable=import-outside-toplevel

    always_readable = _AlwaysReadable()

    class ChimeLocalRequestHandler(MotoRequestHandler):  # type: ignore[misc,valid-type]
        """HTTP/1.1 keep-alive + TCP_NODELAY on top of werkzeug's dev server.

        werkzeug always closes connections: it adds ``Connection: close`` and, after each
        response, reads whatever is left on the socket (which would swallow the client's
        next keep-alive request).  Here ChimeLocalApp reads every request body exactly
        (Content-Length or chunked), so the header is dropped when the response is
        delimited (Content-Length, or 204/304) and the client did not ask to close, and
        werkzeug's drain is pointed at stand-ins that return nothing.  Without
        TCP_NODELAY, headers and body go out in two writes and every keep-alive request
        waits ~40 ms for the peer's delayed ACK (Nagle).
        """

        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        timeout = 300
        _status = 0
        _has_length = False
        _real_streams: tuple[Any, Any] | None = None

        def setup(self) -> None:
            super().setup()
            stats.connection_opened()

        def make_environ(self) -> dict[str, Any]:
            environ = super().make_environ()  # wsgi.input keeps the real stream
            self._real_streams = (self.rfile, self.connection)
            self.rfile, self.connection = _EmptyInput(), always_readable
            return environ

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            finally:
                if self._real_streams is not None:
                    self.rfile, self.connection = self._real_streams
                    self._real_streams = None

        def send_response(self, code: int, message: str | None = None) -> None:
            self._status = code
            self._has_length = False
            super().send_response(code, message)

        def send_header(self, keyword: str, value: str) -> None:
            name = keyword.lower()
            if name == "content-length":
                self._has_length = True
            if name == "connection" and value.lower() == "close" and not self.close_connection:
                if self._has_length or self._status in (204, 304):
                    return
            super().send_header(keyword, value)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if verbose:
                super().log_request(code, size)

    return ChimeLocalRequestHandler


class ChimeLocalServer:
    """The endpoint, startable in-process (tests) or from ``main`` (the command)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seeds: list[dict[str, Any]] | None = None,
        faults: FaultConfig | None = None,
        enforce_iam: bool = False,
        verbose: bool = False,
    ) -> None:
        from werkzeug.serving import make_server  # pylint: disable=import-outside-toplevel

        from . import moto_shim  # pylint: disable=import-outside-toplevel

        moto_shim.register()
        from moto import settings  # pylint: disable=import-outside-toplevel
        from moto.core.authorization import ActionAuthenticatorMixin  # pylint: disable=import-outside-toplevel
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication  # pylint: disable=import-outside-toplevel
        from moto.moto_server.werkzeug_app import create_backend_app  # pylint: disable=import-outside-toplevel

        if enforce_iam:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
            ActionAuthenticatorMixin.request_count = 0
        self.app = ChimeLocalApp(
            DomainDispatcherApplication(create_backend_app),
            startup_seeds=list(seeds or []),
            startup_faults=faults or FaultConfig(),
            enforce_iam=enforce_iam,
        )
        self.app.reset_data()
        if enforce_iam:
            from .iam import bootstrap_admin  # pylint: disable=import-outside-toplevel

            bootstrap_admin()
        self.httpd = make_server(
            host, port, self.app, threaded=True, request_handler=make_handler(self.app.stats, verbose)
        )
        self.httpd.daemon_threads = True
        bound_host, bound_port = self.httpd.server_address[:2]
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        self.url = f"http://{shown}:{bound_port}"
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> str:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="chime-local", daemon=True)
        self._thread.start()
        self._wait_ready(timeout)
        return self.url

    def _wait_ready(self, timeout: float) -> None:
        parts = urlsplit(self.url)
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
                conn.request("GET", f"{CONTROL_PREFIX}health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def write_atomically(path: str, text: str) -> None:
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, target)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Local Amazon Chime SDK Voice endpoint (moto + chimesdkvoice).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument(
        "--seed", action="append", default=None, help=f"seed YAML file, repeatable (default {DEFAULT_SEED.name})"
    )
    parser.add_argument("--no-seed", action="store_true", help="start without any seed data")
    parser.add_argument("--latency-ms", type=float, default=None, help="latency added to every Chime request")
    parser.add_argument(
        "--throttle-share", type=float, default=0.0, help="share (0..1) of Chime requests throttled (429)"
    )
    parser.add_argument("--fail-share", type=float, default=0.0, help="share (0..1) of Chime requests failed")
    parser.add_argument("--fail-status", type=int, default=503, choices=(500, 503), help="status of failed requests")
    parser.add_argument("--fault-seed", type=int, default=None, help="RNG seed for share-based faults")
    parser.add_argument(
        "--enforce-iam", action="store_true", help="enforce IAM policies (admin keys: GET /_chime_local/iam/admin)"
    )
    parser.add_argument(
        "--url-file", default=None, help="write the endpoint URL to this file once it accepts connections"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def build_faults(args: argparse.Namespace, seeds: list[dict[str, Any]]) -> FaultConfig:
    config: dict[str, Any] = {}
    for seed in seeds:
        if seed.get("faults") is not None:
            config = dict(seed["faults"])
    if args.latency_ms is not None:
        config["latency_ms"] = args.latency_ms
    if args.fault_seed is not None:
        config["seed"] = args.fault_seed
    flag_rules = FaultConfig.from_flags(
        throttle_share=args.throttle_share, fail_share=args.fail_share, fail_status=args.fail_status
    ).to_dict()["rules"]
    for rule in flag_rules:
        rule.pop("fired", None)
    config["rules"] = list(config.get("rules") or []) + flag_rules
    return FaultConfig.from_dict(config)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed_files = [] if args.no_seed else (args.seed or [str(DEFAULT_SEED)])
    seeds = [load_seed_text(Path(f).read_text(encoding="utf-8")) for f in seed_files]
    faults = build_faults(args, seeds)
    server = ChimeLocalServer(
        host=args.host,
        port=args.port,
        seeds=[{k: v for k, v in s.items() if k != "faults"} for s in seeds],
        faults=faults,
        enforce_iam=args.enforce_iam,
        verbose=args.verbose,
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:  # pylint: disable=unused-argument
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    url = server.start()
    if args.url_file:
        write_atomically(args.url_file, f"{url}\n")
    print(f"Chime SDK Voice endpoint: {url}", flush=True)
    while not stop.wait(0.2):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
