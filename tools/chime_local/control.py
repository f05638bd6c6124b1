# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API under ``/_chime_local/``: a small WSGI app of its own.

Not subject to IAM, faults or stats.  Every answer is JSON; a bad request body is a 400
``{"error": ...}``, an unknown resource a 404.

A seed document's ``organization:`` section (organization.py) and its ``settings: {sts_duration_seconds}``
(credentials.py) are the endpoint's, not the Chime backend's: they are split off here, checked with the rest of
the document before anything is applied, and applied to moto's Organizations backend and to the STS wrapper.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Callable
from typing import Iterable

import yaml

from . import backend_api
from . import organization
from .credentials import SETTING
from .credentials import IssuedCredentials
from .credentials import check_duration
from .faults import FaultConfig
from .faults import FaultConfigError
from .faults import FaultInjector
from .middleware import StartResponse
from .middleware import Stats
from .middleware import read_body
from .middleware import status_line
from .organization import OrganizationPlan

PREFIX = "/_chime_local/"
Handler = Callable[[bytes], tuple[int, Any]]


class _Absent:
    """A seed document without the section (as opposed to one that sets it to null)."""


ABSENT = _Absent()


class SeedParts:
    """A checked seed document split into what the Chime backend, Organizations and STS each take."""

    def __init__(self, seed: dict[str, Any]) -> None:
        seed = dict(seed)
        section = seed.pop("organization", ABSENT)
        self.plan: OrganizationPlan | None | _Absent = (
            organization.parse(section) if section not in (ABSENT, None) else section  # type: ignore[assignment]
        )
        self.duration: int | None | _Absent = ABSENT
        settings = seed.get("settings")
        if isinstance(settings, dict) and SETTING in settings:
            settings = dict(settings)
            self.duration = check_duration(settings.pop(SETTING))
            seed["settings"] = settings
        self.chime = seed
        self.generated = self.plan.chime_seed if isinstance(self.plan, OrganizationPlan) else {}
        if self.generated:
            backend_api.check_seed(self.generated)

    def chime_seeds(self) -> list[dict[str, Any]]:
        return [self.chime] + ([self.generated] if self.generated else [])


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
        credentials: IssuedCredentials | None = None,
    ) -> None:
        self.injector = injector
        self.stats = stats
        self.credentials = credentials or IssuedCredentials()
        parts = [SeedParts(seed) for seed in startup_seeds]
        self.startup_seeds = [seed for part in parts for seed in part.chime_seeds()]
        # The last startup seed that has the section decides (a later file replaces an earlier one's).
        plans = [part.plan for part in parts if not isinstance(part.plan, _Absent)]
        self.startup_plan: OrganizationPlan | None = plans[-1] if plans else None
        durations = [part.duration for part in parts if not isinstance(part.duration, _Absent)]
        self.startup_duration: int | None = durations[-1] if durations else None
        self.organization: dict[str, Any] | None = None
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
            ("GET", "organization"): self._organization,
            ("GET", "credentials"): lambda _body: (200, self.credentials.snapshot()),
        }

    def reset_data(self) -> None:
        """Back to the startup seed data (seeds posted later are dropped), organisation and STS setting included."""
        backend_api.reset_to(self.startup_seeds)
        self.organization = organization.apply(self.startup_plan)
        self.credentials.set_duration(self.startup_duration)

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
        parts = SeedParts(seed)
        applied = sum(backend_api.add_seed(chime) for chime in parts.chime_seeds())
        reply: dict[str, Any] = {}
        if not isinstance(parts.plan, _Absent):
            self.organization = organization.apply(parts.plan)
            reply["organization"] = self.organization
        if not isinstance(parts.duration, _Absent):
            self.credentials.set_duration(parts.duration)
        if config is not None:
            self.injector.configure(config)
        counts = [backend_api.seed_counts(chime) for chime in parts.chime_seeds()]
        totals = {key: sum(count[key] for count in counts) for key in counts[0]}
        return 200, {**totals, "applied_to_backends": applied, **reply}

    def _organization(self, _body: bytes) -> tuple[int, Any]:
        if self.organization is None:
            return 404, {"error": "no organization: seed one (an organization: section)"}
        return 200, self.organization

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
