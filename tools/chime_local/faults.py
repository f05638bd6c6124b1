# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault and latency rehearsal rules for the local Chime SDK Voice endpoint.

A fault configuration (JSON/YAML mapping)::

    seed: 42              # seeds the RNG used by `share` (optional)
    latency_ms: 20        # added to every Chime request (optional)
    rules:                # evaluated in order for each Chime request
      - action: throttle  # 429 ThrottledClientException
        share: 0.25       # probability 0..1 (default 1)
        count: 3          # fire at most N times, then the rule is spent (default: unlimited)
        operations: [GetProxySession]   # default: every operation
      - action: fail      # 500 ServiceFailureException or 503 ServiceUnavailableException
        status: 503
      - action: drop      # close the connection without any response
      - action: bad_gateway    # 502 with an HTML page and no x-amzn-ErrorType, as a gateway sends it
      - action: repeat_token   # a List* answer carries the request's own NextToken again
      - action: delay     # extra latency for matching requests
        latency_ms: 100
      - action: drop
        later_pages: true # only requests that carry a NextToken: page 2 and later of a listing

    rate_limit: 5         # a token bucket per (account, region): 5 requests a second, burst 5 (optional);
                          # or another shape, {rate: 0.5, burst: 10} (burst >= 1)

The rate limit decides first, when the request arrives: a request that finds less than
one token in its caller's bucket is answered 429 ThrottledClientException (counted as
``RateLimited``), takes no token, and no rule fires for it; only ``latency_ms`` applies
to it.  An admitted request takes a token, then the rules apply.  The first
throttle/fail/drop/bad_gateway rule that fires decides the answer; every delay rule that
fires adds its latency.  A repeat_token rule only matches requests that carry a
NextToken, and only fires when no other rule decided the answer.  This module only
decides; middleware.py acts on the decision.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable

# action -> HTTP status -> (error shape name, ErrorCode enum value, message)
ERRORS: dict[str, dict[int, tuple[str, str, str]]] = {
    "throttle": {429: ("ThrottledClientException", "Throttled", "Rate exceeded (injected by chime_local).")},
    "fail": {
        500: ("ServiceFailureException", "ServiceFailure", "Service failure (injected by chime_local)."),
        503: ("ServiceUnavailableException", "ServiceUnavailable", "Service unavailable (injected by chime_local)."),
    },
}
DEFAULT_STATUS = {"throttle": 429, "fail": 503}
BAD_GATEWAY_STATUS = 502
# The names the stats use for the injected faults that are not a model error.
DROPPED = "ConnectionDropped"
BAD_GATEWAY = "BadGateway"
REPEATED_TOKEN = "RepeatedNextToken"
RATE_LIMITED = "RateLimited"
# The decision of the rate limit (not a rule action): the throttle's 429, with a message of its own.
RATE_LIMIT = "rate_limit"
RATE_LIMIT_STATUS = 429
RATE_LIMIT_MESSAGE = "Rate exceeded (rate limit of chime_local)."
# Refills are float arithmetic: 1/3 s at 3 tokens a second must still make a whole token.
TOKEN_TOLERANCE = 1e-9
ANSWERING_ACTIONS = ("throttle", "fail", "drop", "bad_gateway")
ACTIONS = ANSWERING_ACTIONS + ("repeat_token", "delay")


Clock = Callable[[], float]
# Whose bucket a request takes its token from: (account id, region).
Caller = tuple[str, str]


class FaultConfigError(ValueError):
    """The fault configuration is invalid."""


def _finite_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


@dataclass(frozen=True)
class RateLimit:
    """A token bucket's shape: ``rate`` tokens a second, at most ``burst`` tokens (a full bucket at the start)."""

    rate: float
    burst: float

    @classmethod
    def from_value(cls, value: Any) -> RateLimit | None:
        """``rate_limit`` of a fault config: None, a rate R (burst R, at least 1) or ``{rate: R, burst: B}``."""
        if value is None:
            return None
        if isinstance(value, dict):
            unknown = set(value) - {"rate", "burst"}
            if unknown:
                raise FaultConfigError(f"unknown rate_limit keys: {sorted(unknown)} (expected rate and burst)")
            if "rate" not in value:
                raise FaultConfigError("rate_limit needs a rate: {rate: R, burst: B}")
            rate = value["rate"]
            burst = value.get("burst")
        else:
            rate, burst = value, None
        if not _finite_number(rate) or rate <= 0:
            raise FaultConfigError(
                f"rate_limit must be a rate in requests a second > 0, {{rate: R, burst: B}} or null, got {rate!r}"
            )
        if burst is None:
            # A bucket that cannot hold one token would refuse every request: a rate below 1 gets a burst of 1.
            burst = max(float(rate), 1.0)
        elif not _finite_number(burst) or burst < 1:
            raise FaultConfigError(f"rate_limit burst must be a number >= 1 (tokens), got {burst!r}")
        return cls(rate=float(rate), burst=float(burst))

    def to_dict(self) -> dict[str, float]:
        return {"rate": self.rate, "burst": self.burst}


class TokenBuckets:
    """One token bucket per caller (account, region), all of one shape, each full when first used.

    Not locked: ``FaultInjector`` calls ``take`` under its own lock.  ``clock`` is a
    ``time.monotonic``-like callable (seconds); tests pass a fake one.
    """

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[Caller, tuple[float, float]] = {}  # caller -> (tokens, when they were counted)

    def take(self, caller: Caller) -> bool:
        """Take one token from ``caller``'s bucket; False (and nothing taken) when it holds less than one."""
        counts = self._buckets.get(caller)
        now = self._clock()
        tokens, counted = counts if counts is not None else (self.limit.burst, now)
        if now > counted:
            tokens = min(self.limit.burst, tokens + (now - counted) * self.limit.rate)
            counted = now
        admitted = tokens >= 1.0 - TOKEN_TOLERANCE
        if admitted:
            tokens = max(tokens - 1.0, 0.0)
        self._buckets[caller] = (tokens, counted)
        return admitted


@dataclass
class FaultRule:
    action: str
    share: float = 1.0
    count: int | None = None
    operations: frozenset[str] | None = None
    status: int | None = None
    latency_ms: float = 0.0
    later_pages: bool = False
    fired: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultConfigError(f"a rule must be a mapping, got {data!r}")
        unknown = set(data) - {"action", "share", "count", "operations", "status", "latency_ms", "later_pages"}
        if unknown:
            raise FaultConfigError(f"unknown rule keys: {sorted(unknown)}")
        action = data.get("action")
        if action not in ACTIONS:
            raise FaultConfigError(f"rule action must be one of {list(ACTIONS)}, got {action!r}")
        share = float(data.get("share", 1.0))
        if not 0.0 <= share <= 1.0:
            raise FaultConfigError(f"share must be between 0 and 1, got {share}")
        count = data.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            raise FaultConfigError(f"count must be a non-negative integer, got {count!r}")
        operations = data.get("operations")
        if isinstance(operations, str):
            operations = [operations]
        if operations is not None and not (
            isinstance(operations, list) and all(isinstance(op, str) for op in operations)
        ):
            raise FaultConfigError(f"operations must be a list of operation names, got {operations!r}")
        status = data.get("status")
        if action in ERRORS:
            status = int(status or DEFAULT_STATUS[action])
            if status not in ERRORS[action]:
                raise FaultConfigError(f"status for {action} must be one of {sorted(ERRORS[action])}, got {status}")
        elif status is not None:
            raise FaultConfigError("status only applies to throttle and fail rules")
        latency_ms = float(data.get("latency_ms", 0.0))
        if latency_ms < 0 or (action == "delay" and latency_ms == 0):
            raise FaultConfigError("a delay rule needs a positive latency_ms")
        if latency_ms and action != "delay":
            raise FaultConfigError("latency_ms in a rule only applies to delay rules")
        later_pages = data.get("later_pages", False)
        if not isinstance(later_pages, bool):
            raise FaultConfigError(f"later_pages must be true or false, got {later_pages!r}")
        return cls(
            action=action,
            share=share,
            count=count,
            operations=frozenset(operations) if operations else None,
            status=status,
            latency_ms=latency_ms,
            later_pages=later_pages,
        )

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"action": self.action, "share": self.share}
        if self.count is not None:
            result["count"] = self.count
            result["remaining"] = max(self.count - self.fired, 0)
        if self.operations:
            result["operations"] = sorted(self.operations)
        if self.status is not None:
            result["status"] = self.status
        if self.action == "delay":
            result["latency_ms"] = self.latency_ms
        if self.later_pages:
            result["later_pages"] = True
        result["fired"] = self.fired
        return result

    def applies_to(self, operation: str, has_next_token: bool) -> bool:
        if self.operations is not None and operation not in self.operations:
            return False
        if (self.action == "repeat_token" or self.later_pages) and not has_next_token:
            return False
        return self.count is None or self.fired < self.count


@dataclass
class FaultConfig:
    seed: int | None = None
    latency_ms: float = 0.0
    rules: list[FaultRule] = field(default_factory=list)
    rate_limit: RateLimit | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FaultConfig:
        data = data or {}
        if not isinstance(data, dict):
            raise FaultConfigError("the fault configuration must be a mapping")
        unknown = set(data) - {"seed", "latency_ms", "rules", "rate_limit"}
        if unknown:
            raise FaultConfigError(f"unknown fault configuration keys: {sorted(unknown)}")
        latency_ms = float(data.get("latency_ms", 0.0) or 0.0)
        if latency_ms < 0:
            raise FaultConfigError("latency_ms must not be negative")
        rules = data.get("rules") or []
        if not isinstance(rules, list):
            raise FaultConfigError("rules must be a list")
        seed = data.get("seed")
        return cls(
            seed=int(seed) if seed is not None else None,
            latency_ms=latency_ms,
            rules=[FaultRule.from_dict(r) for r in rules],
            rate_limit=RateLimit.from_value(data.get("rate_limit")),
        )

    @classmethod
    def from_flags(
        cls,
        latency_ms: float = 0.0,
        throttle_share: float = 0.0,
        fail_share: float = 0.0,
        fail_status: int = 503,
        seed: int | None = None,
        rate_limit: float | None = None,
    ) -> FaultConfig:
        rules: list[dict[str, Any]] = []
        if throttle_share:
            rules.append({"action": "throttle", "share": throttle_share})
        if fail_share:
            rules.append({"action": "fail", "share": fail_share, "status": fail_status})
        return cls.from_dict({"seed": seed, "latency_ms": latency_ms, "rules": rules, "rate_limit": rate_limit})

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "latency_ms": self.latency_ms,
            "rate_limit": self.rate_limit.to_dict() if self.rate_limit else None,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass
class Decision:
    """What to do with one request: wait ``latency_s``, then the ``action`` (None: answer normally)."""

    latency_s: float = 0.0
    action: str | None = None
    status: int | None = None
    error_type: str | None = None
    error_code: str | None = None
    message: str | None = None

    @property
    def injected(self) -> str | None:
        """The name the stats count this injected fault under, or None."""
        if self.action in ERRORS:
            return self.error_type
        return {
            "drop": DROPPED,
            "bad_gateway": BAD_GATEWAY,
            "repeat_token": REPEATED_TOKEN,
            RATE_LIMIT: RATE_LIMITED,
        }.get(str(self.action))

    def error_body(self) -> bytes:
        return json.dumps({"Code": self.error_code, "Message": self.message}).encode()


class FaultInjector:
    """Decides, per Chime request, the rate limit, the injected latency and fault (thread-safe: one lock).

    ``clock`` (a ``time.monotonic``-like callable) times the rate limit's refills.
    """

    def __init__(self, config: FaultConfig | None = None, clock: Clock = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._config = FaultConfig()
        self._rng = random.Random()
        self._buckets: TokenBuckets | None = None
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        """Replace the config; the rate limit starts over with full buckets."""
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._buckets = TokenBuckets(config.rate_limit, self._clock) if config.rate_limit else None

    def clear(self) -> None:
        self.configure(FaultConfig())

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._config.to_dict()

    def _fires(self, rule: FaultRule) -> bool:
        return rule.share >= 1.0 or (rule.share > 0.0 and self._rng.random() < rule.share)

    def decide(self, operation: str, has_next_token: bool = False, caller: Caller | None = None) -> Decision:
        """What to do with a request; ``caller`` (account, region) is the rate limit's bucket (None: not limited)."""
        decision = Decision()
        with self._lock:
            latency_ms = self._config.latency_ms
            if self._buckets is not None and caller is not None and not self._buckets.take(caller):
                self._rate_limited(decision)
            else:
                latency_ms += self._apply_rules(decision, operation, has_next_token)
        decision.latency_s = latency_ms / 1000.0
        return decision

    def _apply_rules(self, decision: Decision, operation: str, has_next_token: bool) -> float:
        """Fire the rules (the lock held) into ``decision``; the latency their delay rules add, in ms."""
        latency_ms = 0.0
        for rule in self._config.rules:
            if not rule.applies_to(operation, has_next_token):
                continue
            if rule.action == "delay":
                if self._fires(rule):
                    rule.fired += 1
                    latency_ms += rule.latency_ms
            elif rule.action in ANSWERING_ACTIONS and decision.action is None and self._fires(rule):
                rule.fired += 1
                self._answer(decision, rule)
        if decision.action is None:
            for rule in self._config.rules:
                if rule.action == "repeat_token" and rule.applies_to(operation, has_next_token):
                    if self._fires(rule):
                        rule.fired += 1
                        decision.action = "repeat_token"
                        break
        return latency_ms

    @staticmethod
    def _rate_limited(decision: Decision) -> None:
        decision.action = RATE_LIMIT
        decision.status = RATE_LIMIT_STATUS
        decision.error_type, decision.error_code, _message = ERRORS["throttle"][RATE_LIMIT_STATUS]
        decision.message = RATE_LIMIT_MESSAGE

    @staticmethod
    def _answer(decision: Decision, rule: FaultRule) -> None:
        decision.action = rule.action
        if rule.action in ERRORS:
            status = int(rule.status or DEFAULT_STATUS[rule.action])
            decision.status = status
            decision.error_type, decision.error_code, decision.message = ERRORS[rule.action][status]
        elif rule.action == "bad_gateway":
            decision.status = BAD_GATEWAY_STATUS
