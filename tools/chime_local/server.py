# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local Amazon Chime SDK Voice endpoint: the chimesdkvoice backend and every moto service on one port.

Run ``python tools/chime_local/server.py --help`` (works from any directory).  The WSGI
server is cheroot (HTTP/1.1 keep-alive, TCP_NODELAY, a pool of worker threads).  The
app in front (``EndpointApp``) sends:

- ``/_chime_local/...`` to the control API (control.py);
- a signed request whose key is a temporary one the endpoint's STS issued and whose expiry has passed to an
  ``ExpiredTokenException`` (``ExpiredToken`` for the query protocol), whatever the service (credentials.py);
- requests to a chime-sdk-voice path (or to a ``voice-chime.*`` host) that are not
  signed to a 403 ``ForbiddenException``;
- requests signed for ``chime`` (SigV4 credential scope) through the fault and stats
  middleware (middleware.py) to moto's app for the chimesdkvoice backend; the middleware
  counts and rate-limits them per account (the one moto serves them as) and region (the
  credential scope's), ``chime_caller``;
- requests signed for ``sts`` to moto through ``StsCredentials`` (the expiry of the keys it issues, credentials.py),
  those signed for ``organizations`` through ``OrganizationsAnswers`` (its IAM refusals in JSON, organization.py);
- everything else to moto's dispatcher (IAM, ...).

IAM enforcement is moto's documented switch: the environment variable
``INITIAL_NO_AUTH_ACTION_COUNT=0``, set here before moto is first imported.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import Callable
from typing import Iterable
from urllib.parse import parse_qs

if __package__ in (None, ""):
    # Run as a script: make the chime_local package importable whatever the cwd.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "chime_local"  # pylint: disable=redefined-builtin

if TYPE_CHECKING:
    from .credentials import IssuedCredentials
    from .faults import FaultConfig
    from .middleware import StartResponse
    from .middleware import Stats
    from .middleware import WSGIApp

DEFAULT_SEED = Path(__file__).resolve().parent / "seeds" / "demo.yml"
CONTROL_PREFIX = "/_chime_local/"
SIGNING_NAME = "chime"
ENDPOINT_PREFIX = "voice-chime."
WORKER_THREADS = 128  # above the module's largest max_concurrency (100), plus control calls
LISTEN_BACKLOG = 128
IDLE_TIMEOUT_S = 300


def prepare_environment(enforce_iam: bool) -> None:
    """Set moto's documented switches; must run before moto is imported."""
    # Any region works (moto refuses unknown regions by default).
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
    if enforce_iam:
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"


def credential_scope(environ: dict[str, Any]) -> list[str] | None:
    """A request's SigV4 credential scope, ``[key, date, region, service, "aws4_request"]``; [] when malformed,
    None when unsigned."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].strip() if "Credential=" in auth else ""
    else:
        credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
        if not credential:
            return None
        scope = credential[0]
    parts = scope.split("/")
    return parts if len(parts) == 5 else []


def signing_service(environ: dict[str, Any]) -> str | None:
    """The SigV4 credential scope's service of a request, "" when malformed, None when unsigned."""
    scope = credential_scope(environ)
    if scope is None:
        return None
    return scope[3] if scope else ""


def chime_caller(
    environ: dict[str, Any], account_of: Callable[[str | None, str | None], str]
) -> tuple[str, str] | None:
    """(account, region) of a request signed for ``chime``: its rate limit bucket; None for any other request.

    The region is the credential scope's.  The account is the one moto serves the request as,
    ``account_of(access key, x-moto-account-id header)`` (moto_shim.account_id), with the key where
    moto reads it: the Authorization header's, else a SigV2 ``AWSAccessKeyId`` query parameter (a
    presigned URL's ``X-Amz-Credential`` key is not read: moto serves it as its default account).
    """
    scope = credential_scope(environ)
    if not scope or scope[3] != SIGNING_NAME:
        return None
    return account_of(moto_access_key(environ), environ.get("HTTP_X_MOTO_ACCOUNT_ID")), scope[2]


def moto_access_key(environ: dict[str, Any]) -> str | None:
    """The access key moto reads a request's account from: the Authorization header's, else a SigV2
    ``AWSAccessKeyId`` query parameter (a presigned URL's ``X-Amz-Credential`` is not read)."""
    if environ.get("HTTP_AUTHORIZATION"):
        scope = credential_scope(environ)
        return scope[0] if scope else None
    return parse_qs(environ.get("QUERY_STRING", "")).get("AWSAccessKeyId", [None])[0]


class EndpointApp:
    """Routes each request to the control API, the Chime backend (through faults and stats) or moto.

    ``services`` maps SigV4 signing names to the apps that serve them instead of ``moto`` (STS and Organizations,
    wrapped); with ``credentials``, a request signed with an expired key of theirs is refused before any of them,
    and counted in ``stats``.  With ``account_of`` (moto_shim.account_id, which remembers each key's account), a
    signed request without moto's documented ``x-moto-account-id`` header gets it, set to the account moto would
    find itself: moto then skips its own search, which walks the IAM backend of every account in every partition
    (milliseconds a request once hundreds of accounts have IAM data, as an organisation's member accounts do).
    """

    def __init__(
        self,
        control: WSGIApp,
        chime: WSGIApp,
        moto: WSGIApp,
        verbose: bool = False,
        services: dict[str, WSGIApp] | None = None,
        credentials: IssuedCredentials | None = None,
        stats: Stats | None = None,
        account_of: Callable[[str | None, str | None], str] | None = None,
    ) -> None:
        self.control = control
        self.chime = chime
        self.moto = moto
        self.verbose = verbose
        self.services = dict(services or {})
        self.credentials = credentials
        self.stats = stats
        self.account_of = account_of

    def is_chime_target(self, environ: dict[str, Any]) -> bool:
        from . import backend_api  # pylint: disable=import-outside-toplevel

        host = environ.get("HTTP_HOST", "")
        return host.startswith(ENDPOINT_PREFIX) or backend_api.is_service_path(environ.get("PATH_INFO", "/"))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # moto reads the path as the client sent it (before percent-decoding) from RAW_URI, which gunicorn and
        # werkzeug's server set; cheroot gives it as REQUEST_URI. Without it moto's IAM check signs the decoded path,
        # and a signed request for /phone-numbers/%2B12065550188 never matches (InvalidSignatureException).
        if "RAW_URI" not in environ and environ.get("REQUEST_URI"):
            environ["RAW_URI"] = environ["REQUEST_URI"]
        if self.verbose:
            print(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}", file=sys.stderr, flush=True)
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self.control(environ, start_response)
        service = signing_service(environ)
        if service and self.credentials is not None:
            from .credentials import request_access_key  # pylint: disable=import-outside-toplevel

            if self.credentials.expired(request_access_key(environ)):
                return self.expired(environ, service, start_response)
        if service and self.account_of is not None and "HTTP_X_MOTO_ACCOUNT_ID" not in environ:
            self.tell_moto_the_account(environ)
        if service == SIGNING_NAME:
            return self.chime(environ, start_response)
        if service is None and self.is_chime_target(environ):
            return self.unsigned(environ, start_response)
        if service == "" and self.is_chime_target(environ):
            return self.chime(environ, start_response)
        return self.services.get(service or "", self.moto)(environ, start_response)

    def tell_moto_the_account(self, environ: dict[str, Any]) -> None:
        """Set moto's x-moto-account-id header to the account of the request's key; left unset (moto then searches
        itself) if finding it fails, with the traceback on stderr."""
        try:
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_of(moto_access_key(environ), None)  # type: ignore[misc]
        except Exception:  # pylint: disable=broad-exception-caught  # the request goes on, as moto would take it
            print(f"chime_local: no account for the request:\n{traceback.format_exc()}", file=sys.stderr, flush=True)

    def expired(self, environ: dict[str, Any], service: str, start_response: StartResponse) -> Iterable[bytes]:
        """The answer AWS gives a request signed with an expired temporary key; it never reaches a backend."""
        from . import backend_api  # pylint: disable=import-outside-toplevel
        from .credentials import expired_token_answer  # pylint: disable=import-outside-toplevel
        from .middleware import read_body  # pylint: disable=import-outside-toplevel

        read_body(environ)
        (status, headers, body), code = expired_token_answer(service)
        if self.stats is not None:
            operation = None
            if service == SIGNING_NAME:
                query = environ.get("QUERY_STRING", "")
                path = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
                operation = backend_api.operation_for(environ.get("REQUEST_METHOD", "GET"), path)
            self.stats.expired_token(service, operation, code)
        start_response(status, headers)
        return [body]

    @staticmethod
    def unsigned(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        from .middleware import json_error  # pylint: disable=import-outside-toplevel
        from .middleware import read_body  # pylint: disable=import-outside-toplevel

        read_body(environ)
        message = "Missing Authentication Token: chime-sdk-voice requests must be signed (SigV4, service chime)."
        status, headers, body = json_error(403, "ForbiddenException", message, "Forbidden")
        start_response(status, headers)
        return [body]


class ChimeLocalServer:
    """The endpoint, startable in-process or from ``main`` (the command); moto must not be imported before
    ``prepare_environment`` ran when IAM is to be enforced."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seeds: list[dict[str, Any]] | None = None,
        faults: FaultConfig | None = None,
        enforce_iam: bool = False,
        verbose: bool = False,
    ) -> None:
        prepare_environment(enforce_iam)
        # pylint: disable=import-outside-toplevel
        from cheroot import wsgi
        from moto import settings

        from . import moto_shim
        from .control import ControlApp
        from .credentials import IssuedCredentials
        from .credentials import StsCredentials
        from .faults import FaultConfig
        from .faults import FaultInjector
        from .iam import bootstrap_admin
        from .middleware import FaultsAndStats
        from .middleware import Stats
        from .organization import OrganizationsAnswers

        # pylint: enable=import-outside-toplevel
        if enforce_iam and settings.INITIAL_NO_AUTH_ACTION_COUNT != 0:
            raise RuntimeError("--enforce-iam needs INITIAL_NO_AUTH_ACTION_COUNT=0 before moto is imported")
        moto_shim.register()
        self.httpd = wsgi.Server((host, port), None, numthreads=WORKER_THREADS, request_queue_size=LISTEN_BACKLOG)
        self.httpd.timeout = IDLE_TIMEOUT_S
        self.httpd.keep_alive_conn_limit = WORKER_THREADS * 2
        self.httpd.stats["Enabled"] = True  # cheroot's public stats: "Accepts" counts connections
        self.injector = FaultInjector(faults or FaultConfig())
        self.stats = Stats(connections=lambda: int(self.httpd.stats["Accepts"]))
        self.credentials = IssuedCredentials()
        if enforce_iam:
            bootstrap_admin()
        self.control = ControlApp(
            self.injector,
            self.stats,
            list(seeds or []),
            iam_admin=bootstrap_admin if enforce_iam else None,
            credentials=self.credentials,
        )
        self.control.reset_data()
        moto_app = moto_shim.moto_app()
        self.httpd.wsgi_app = EndpointApp(
            self.control,
            FaultsAndStats(
                moto_shim.chime_app(),
                self.injector,
                self.stats,
                caller_of=lambda environ: chime_caller(environ, moto_shim.account_id),
            ),
            moto_app,
            verbose=verbose,
            services={
                "sts": StsCredentials(
                    moto_app, self.credentials, role_exists=moto_shim.role_exists if enforce_iam else None
                ),
                "organizations": OrganizationsAnswers(moto_app),
            },
            credentials=self.credentials,
            stats=self.stats,
            account_of=moto_shim.account_id,
        )
        self.httpd.prepare()
        bound_host, bound_port = self.httpd.bind_addr[:2]
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        self.url = f"http://{shown}:{bound_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Serve in a background thread; the socket already listens, so the URL works at once."""
        self._thread = threading.Thread(target=self.httpd.serve, name="chime-local", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self.httpd.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)


def write_atomically(path: str, text: str) -> None:
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, target)


def positive_rate(text: str) -> float:
    """``--rate-limit``: requests a second, a finite number > 0."""
    try:
        rate = float(text)
    except ValueError:
        rate = float("nan")
    if not 0 < rate < float("inf"):
        raise argparse.ArgumentTypeError(f"expected requests a second, a number > 0, got {text!r}")
    return rate


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
        "--rate-limit",
        type=positive_rate,
        default=None,
        metavar="R",
        help="answer 429 ThrottledClientException beyond R Chime requests a second per account and region "
        "(a token bucket, burst R, at least 1)",
    )
    parser.add_argument(
        "--advance-clock", type=float, default=0.0, metavar="SECONDS", help="start with the clock moved forward"
    )
    parser.add_argument(
        "--enforce-iam", action="store_true", help="enforce IAM policies (admin keys: GET /_chime_local/iam/admin)"
    )
    parser.add_argument(
        "--url-file", default=None, help="write the endpoint URL to this file once it accepts connections"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def build_faults(args: argparse.Namespace, fault_sections: list[dict[str, Any]]) -> FaultConfig:
    """The seed files' last ``faults:`` section, with the flags' latency, RNG seed, rate limit and rules on top."""
    from .faults import FaultConfig  # pylint: disable=import-outside-toplevel

    config: dict[str, Any] = dict(fault_sections[-1]) if fault_sections else {}
    if args.latency_ms is not None:
        config["latency_ms"] = args.latency_ms
    if args.fault_seed is not None:
        config["seed"] = args.fault_seed
    if args.rate_limit is not None:
        config["rate_limit"] = args.rate_limit
    flag_rules = FaultConfig.from_flags(
        throttle_share=args.throttle_share, fail_share=args.fail_share, fail_status=args.fail_status
    ).to_dict()["rules"]
    for rule in flag_rules:
        rule.pop("fired", None)
    config["rules"] = list(config.get("rules") or []) + flag_rules
    return FaultConfig.from_dict(config)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    prepare_environment(args.enforce_iam)
    from . import backend_api  # pylint: disable=import-outside-toplevel

    seed_files = [] if args.no_seed else (args.seed or [str(DEFAULT_SEED)])
    loaded = [backend_api.split_seed_text(Path(f).read_text(encoding="utf-8")) for f in seed_files]
    server = ChimeLocalServer(
        host=args.host,
        port=args.port,
        seeds=[seed for seed, _faults in loaded],
        faults=build_faults(args, [faults for _seed, faults in loaded if faults is not None]),
        enforce_iam=args.enforce_iam,
        verbose=args.verbose,
    )
    if args.advance_clock:
        backend_api.advance_clock(args.advance_clock)
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
