# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend's clock: the wall clock plus an offset that tests and the control API can move forward.

Every timestamp the backend makes and every expiry check reads ``now()``, so moving the
clock forward makes sessions expire without waiting.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime
from datetime import timedelta
from datetime import timezone

_lock = threading.Lock()
_offset_seconds = 0.0
# datetime cannot go past year 9999; an offset of a few thousand years is plenty for any test.
MAX_OFFSET_SECONDS = 100 * 365 * 24 * 3600.0


def now() -> datetime:
    """The backend's current time (UTC, aware)."""
    with _lock:
        offset = _offset_seconds
    return datetime.now(timezone.utc) + timedelta(seconds=offset)


def advance(seconds: float) -> float:
    """Move the clock forward by ``seconds`` (not backward: timestamps already handed out stay in the past).

    Returns the new total offset.  Raises ValueError for a negative, non-finite or absurd value.
    """
    value = float(seconds)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"the clock only moves forward by a finite number of seconds, not {seconds!r}")
    global _offset_seconds  # pylint: disable=global-statement
    with _lock:
        if _offset_seconds + value > MAX_OFFSET_SECONDS:
            raise ValueError(f"the clock's offset cannot exceed {MAX_OFFSET_SECONDS:.0f} seconds")
        _offset_seconds += value
        return _offset_seconds


def offset() -> float:
    """Seconds the clock is ahead of the wall clock."""
    with _lock:
        return _offset_seconds


def reset() -> None:
    """Back to the wall clock."""
    global _offset_seconds  # pylint: disable=global-statement
    with _lock:
        _offset_seconds = 0.0
