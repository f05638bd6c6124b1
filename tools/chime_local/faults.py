# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault and latency rehearsal for the local Chime SDK Voice endpoint.

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
      - action: delay     # extra latency for matching requests
        latency_ms: 100

The first throttle/fail rule that fires decides the error; every delay rule that fires
adds its latency.  The sleep happens in the request's own thread, so concurrent requests
are delayed concurrently.  ``Stats`` counts requests per operation and outcome and the
maximum number of Chime requests in flight at once.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timezone
from typing import Any

# action -> HTTP status -> (error shape name, ErrorCode enum value, message)
ERRORS: dict[str, dict[int, tuple[str, str, str]]] = {
    "throttle": {429: ("ThrottledClientException", "Throttled", "Rate exceeded (injected by chime_local).")},
    "fail": {
        500: ("ServiceFailureException", "ServiceFailure", "Service failure (injected by chime_local)."),
        503: ("ServiceUnavailableException", "ServiceUnavailable", "Service unavailable (injected by chime_local)."),
    },
}
DEFAULT_STATUS = {"throttle": 429, "fail": 503}
ACTIONS = ("throttle", "fail", "delay")


class FaultConfigError(ValueError):
    """The fault configuration is invalid."""


@dataclass
class FaultRule:
    action: str
    share: float = 1.0
    count: int | None = None
    operations: frozenset[str] | None = None
    status: int | None = None
    latency_ms: float = 0.0
    fired: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultConfigError(f"a rule must be a mapping, got {data!r}")
        unknown = set(data) - {"action", "share", "count", "operations", "status", "latency_ms"}
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
        return cls(
            action=action,
            share=share,
            count=count,
            operations=frozenset(operations) if operations else None,
            status=status,
            latency_ms=latency_ms,
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
        result["fired"] = self.fired
        return result

    def applies_to(self, operation: str) -> bool:
        if self.operations is not None and operation not in self.operations:
            return False
        return self.count is None or self.fired < self.count


@dataclass
class FaultConfig:
    seed: int | None = None
    latency_ms: float = 0.0
    rules: list[FaultRule] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FaultConfig:
        data = data or {}
        if not isinstance(data, dict):
            raise FaultConfigError("the fault configuration must be a mapping")
        unknown = set(data) - {"seed", "latency_ms", "rules"}
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
        )

    @classmethod
    def from_flags(
        cls,
        latency_ms: float = 0.0,
        throttle_share: float = 0.0,
        fail_share: float = 0.0,
        fail_status: int = 503,
        seed: int | None = None,
    ) -> FaultConfig:
        rules: list[dict[str, Any]] = []
        if throttle_share:
            rules.append({"action": "throttle", "share": throttle_share})
        if fail_share:
            rules.append({"action": "fail", "share": fail_share, "status": fail_status})
        return cls.from_dict({"seed": seed, "latency_ms": latency_ms, "rules": rules})

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "latency_ms": self.latency_ms, "rules": [r.to_dict() for r in self.rules]}


@dataclass
class Decision:
    latency_s: float = 0.0
    status: int | None = None
    error_type: str | None = None
    error_code: str | None = None
    message: str | None = None

    def error_body(self) -> bytes:
        return json.dumps({"Code": self.error_code, "Message": self.message}).encode()


class FaultInjector:
    """Decides, per Chime request, the injected latency and error (thread-safe)."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)

    def clear(self) -> None:
        self.configure(FaultConfig())

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._config.to_dict()

    def _fires(self, rule: FaultRule) -> bool:
        return rule.share >= 1.0 or (rule.share > 0.0 and self._rng.random() < rule.share)

    def decide(self, operation: str) -> Decision:
        decision = Decision()
        with self._lock:
            latency_ms = self._config.latency_ms
            for rule in self._config.rules:
                if not rule.applies_to(operation):
                    continue
                if rule.action == "delay":
                    if self._fires(rule):
                        rule.fired += 1
                        latency_ms += rule.latency_ms
                elif decision.status is None and self._fires(rule):
                    rule.fired += 1
                    status = int(rule.status or DEFAULT_STATUS[rule.action])
                    error_type, error_code, message = ERRORS[rule.action][status]
                    decision.status = status
                    decision.error_type = error_type
                    decision.error_code = error_code
                    decision.message = message
        decision.latency_s = latency_ms / 1000.0
        return decision


class Stats:
    """Request counts per operation and outcome, and the maximum concurrency seen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._reset_locked()

    def _reset_locked(self) -> None:
        self._since = datetime.now(timezone.utc)
        self._total = 0
        self._by_operation: dict[str, Counter[str]] = {}
        self._by_outcome: Counter[str] = Counter()
        self._injected: Counter[str] = Counter()
        self._max_in_flight = self._in_flight
        self._connections = 0

    def reset(self) -> None:
        with self._lock:
            self._reset_locked()

    def connection_opened(self) -> None:
        with self._lock:
            self._connections += 1

    def begin(self) -> float:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        return time.monotonic()

    def end(self, operation: str, outcome: str, injected: str | None = None) -> None:
        with self._lock:
            self._in_flight -= 1
            self._total += 1
            self._by_operation.setdefault(operation, Counter())[outcome] += 1
            self._by_outcome[outcome] += 1
            if injected:
                self._injected[injected] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "since": self._since.isoformat(),
                "total": self._total,
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
                "connections_opened": self._connections,
                "operations": {
                    name: {"total": sum(outcomes.values()), "outcomes": dict(outcomes)}
                    for name, outcomes in sorted(self._by_operation.items())
                },
                "outcomes": dict(self._by_outcome),
                "injected": dict(self._injected),
            }
