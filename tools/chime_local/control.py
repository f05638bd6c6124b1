# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API under ``/_chime_local/``: a small WSGI app of its own.

Not subject to IAM, faults or stats.  Every answer is JSON; a bad request body is a 400
``{"error": ...}``, an unknown resource a 404.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Callable
from typing import Iterable

import yaml

from . import backend_api
from .faults import FaultConfig
from .faults import FaultConfigError
from .faults import FaultInjector
from .middleware import StartResponse
from .middleware import Stats
from .middleware import read_body
from .middleware import status_line

PREFIX = "/_chime_local/"
Handler = Callable[[bytes], tuple[int, Any]]


def json_reply(start_response: StartResponse, status: int, payload: Any) -> list[bytes]:
    body = json.dumps(payload, indent=2, default=str).encode()
    start_response(status_line(status), [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _json_body(body: bytes) -> Any:
    return json.loads(body or b"{}")


class ControlApp:
    """Health, faults, stats, data reset and seeding, the clock, and the IAM bootstrap admin."""

    def __init__(
        self,
        injector: FaultInjector,
        stats: Stats,
        startup_seeds: list[dict[str, Any]],
        iam_admin: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self.injector = injector
        self.stats = stats
        self.startup_seeds = startup_seeds
        self.iam_admin = iam_admin
        self.routes: dict[tuple[str, str], Handler] = {
            ("GET", "health"): lambda _body: (200, {"status": "ok"}),
            ("GET", "faults"): lambda _body: (200, self.injector.snapshot()),
            ("PUT", "faults"): self._put_faults,
            ("DELETE", "faults"): self._delete_faults,
            ("GET", "stats"): lambda _body: (200, self.stats.snapshot()),
            ("DELETE", "stats"): self._delete_stats,
            ("POST", "reset"): self._reset,
            ("POST", "seed"): self._seed,
            ("GET", "clock"): lambda _body: (200, backend_api.clock_state()),
            ("POST", "clock"): self._advance_clock,
            ("DELETE", "clock"): lambda _body: (200, backend_api.reset_clock()),
            ("GET", "iam/admin"): self._iam_admin,
        }

    def reset_data(self) -> None:
        """Back to the startup seed data (seeds posted later are dropped)."""
        backend_api.reset_to(self.startup_seeds)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        resource = environ.get("PATH_INFO", "")[len(PREFIX) :].strip("/")
        body = read_body(environ)
        handler = self.routes.get((method, resource))
        if handler is None:
            return json_reply(start_response, 404, {"error": f"no control endpoint {method} {PREFIX}{resource}"})
        try:
            status, payload = handler(body)
        except (ValueError, FaultConfigError, yaml.YAMLError, KeyError, TypeError) as err:
            return json_reply(start_response, 400, {"error": str(err)})
        return json_reply(start_response, status, payload)

    def _put_faults(self, body: bytes) -> tuple[int, Any]:
        self.injector.configure(FaultConfig.from_dict(_json_body(body)))
        return 200, self.injector.snapshot()

    def _delete_faults(self, _body: bytes) -> tuple[int, Any]:
        self.injector.clear()
        return 200, self.injector.snapshot()

    def _delete_stats(self, _body: bytes) -> tuple[int, Any]:
        self.stats.reset()
        return 200, self.stats.snapshot()

    def _reset(self, _body: bytes) -> tuple[int, Any]:
        self.reset_data()
        return 200, {"status": "reset"}

    def _seed(self, body: bytes) -> tuple[int, Any]:
        seed, faults = backend_api.split_seed_text(body)
        config = FaultConfig.from_dict(faults) if faults is not None else None
        applied = backend_api.add_seed(seed)
        if config is not None:
            self.injector.configure(config)
        return 200, {**backend_api.seed_counts(seed), "applied_to_backends": applied}

    @staticmethod
    def _advance_clock(body: bytes) -> tuple[int, Any]:
        request = _json_body(body)
        seconds = request.get("advance_seconds") if isinstance(request, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < 10**10:
            raise ValueError('expected {"advance_seconds": N} with 0 <= N < 1e10')
        return 200, backend_api.advance_clock(float(seconds))

    def _iam_admin(self, _body: bytes) -> tuple[int, Any]:
        if self.iam_admin is None:
            return 404, {"error": "IAM enforcement is off (--enforce-iam)"}
        return 200, self.iam_admin()
