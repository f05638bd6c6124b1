# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the server, the control API and the middleware use from the chimesdkvoice package.

One file, so that the server side depends on a handful of named functions of the
service package (routing, seeding, clock) and on nothing else in it.
"""

from __future__ import annotations

from typing import Any

from .chimesdkvoice import clock
from .chimesdkvoice import responses
from .chimesdkvoice import seeding


def operation_for(method: str, path: str) -> str:
    """The model operation name of a Chime request (``path`` with its query), or "Unknown"."""
    return responses.operation_for(method, path) or "Unknown"


def is_service_path(path: str) -> bool:
    """True when ``path`` is under one of the model's chime-sdk-voice request URIs."""
    return bool(responses.is_service_path(path))


def split_seed_text(text: str | bytes) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A seed document's data (checked by the service package) and its optional ``faults`` section."""
    data = dict(seeding.load_seed_text(text))
    faults = data.pop("faults", None)
    if faults is not None and not isinstance(faults, dict):
        raise ValueError("the faults section of a seed document must be a mapping")
    return data, faults


def check_seed(seed: dict[str, Any]) -> None:
    """ValueError naming the place when ``seed`` is not seed data the service package can load."""
    seeding.check_seed(seed)


def seed_counts(seed: dict[str, Any]) -> dict[str, int]:
    return dict(seeding.seed_counts(seed))


def reset_to(seeds: list[dict[str, Any]]) -> None:
    """Only these seeds registered; backends rebuilt (and seeded) lazily on their next request."""
    seeding.clear_seeds()
    for seed in seeds:
        seeding.register_seed(seed)
    seeding.reset_backends()


def add_seed(seed: dict[str, Any]) -> int:
    """Register ``seed`` for backends built later and apply it to those that exist; their number."""
    return int(seeding.apply_seed(seed))


def clock_state() -> dict[str, Any]:
    return {"offset_seconds": clock.offset(), "now": clock.now().isoformat()}


def advance_clock(seconds: float) -> dict[str, Any]:
    clock.advance(seconds)
    return clock_state()


def reset_clock() -> dict[str, Any]:
    clock.reset()
    return clock_state()
