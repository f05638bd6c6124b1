# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One pace per account and region: the rate at which a task sends requests there, learnt from AWS's answers.

AWS's rate limits are per account and region, and the quota is shared with the customer's own systems. Every
chime-sdk-voice client of the collection carries the Pace of its account and region (attach), and the modules make
one client per account and region, so every request sent there (every thread, connector, page and write) waits its
turn at one pace. The pace works like the adaptive retry mode of AWS's SDKs (cut the rate at once on a throttled
answer, grow it back gradually with the answers that get through), measured rather than guessed:

- Slow start. Until the first throttled answer the rate starts at START_RATE requests a second and doubles with
  every SLOW_START_DOUBLING answers that get through; beyond UNPACED it stops pacing, so a service that never says
  "slow down" costs a fraction of a second.
- A throttled answer cuts the rate at once, unless its request was sent before the last cut (its answer says
  nothing the cut did not already act on). The rate is cut to BETA times what the service let through:
  - at the first throttle, the answers that got through since the first request, over the time since plus
    BURST_SECONDS (the first burst counted as one second of the rate, as a token bucket of that size gives);
  - later, the answers that got through since the last cut over the time since: a quota's refill, when the requests
    asked for more throughout; never below BETA times the rate that was throttled;
  - when nothing (first throttle) or fewer than MIN_SAMPLES answers (later) got through, there is nothing to
    measure and the rate was far too high: BETA_FAST times it.
- Between cuts the rate grows with the answers that get through, a cubic in their count: concave up to what the
  service let through over PLATEAU answers (most of them close under it), then convex beyond it; after RESTART
  times PLATEAU answers without a throttle it doubles again as in the slow start, to find a quota that was raised,
  a share the live system no longer uses, or one that the first measure undercounted (a burst much smaller than a
  second of the rate).
- A throttled request is sent again when its turn comes. Only when nothing at all has got through for `patience`
  seconds do the requests still waiting there fail (NoProgressError, naming the account, region, operation and
  how long). Any other answer is progress, an error that is AWS's final word (NotFound) included; server faults
  (5xx) and connection errors are retries.py's, bounded as before, and neither cut the rate nor count as progress.
- A ceiling (the modules' max_requests_per_second) caps the rate from the first request on.

botocore's own adaptive mode (botocore/retries/adaptive.py, bucket.py, throttling.py) is the reference design, not
a part used here: its throttling detector does not know Chime's ThrottledClientException (so against Chime it never
slows down, and behaves as the plain boto3 script of tests/perf/bench_throttled.py does), its token bucket waits on
a condition in real time (no fake clock can drive it), it cuts on every throttled answer (ten requests in flight
cut ten times for one event), and its cubic grows in seconds with a fixed scale, which at one request a second
probes past the quota every few requests. Taught Chime's code, its design gave 5-46 % of the requests throttled and
1.5-3.3x the floor in a simulation against a token bucket made while designing this one (against 1-4 % and
1.00-1.09x); tests/perf/bench_throttled.py measures this pace against the local endpoint's rate limit.
"""

import threading
import time
from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import BotoCoreError
except ImportError:  # Modules are responsible for handling this; the class below still needs a base.
    BotoCoreError = Exception

from .retries import is_throttle
from .retries import note_paced_answer

START_RATE = 20.0
SLOW_START_DOUBLING = 10
UNPACED = 1000.0
BURST_SECONDS = 1.0
BETA = 0.9
BETA_FAST = 0.5
MIN_SAMPLES = 5
PLATEAU = 40
RESTART = 3
# The lowest rate, as botocore's adaptive mode has it: a service that throttles a share of the requests whatever their
# rate (not what a quota does) would otherwise drive the pace down for ever; here it bottoms out at one request every
# two seconds.
MIN_RATE = 0.5
# How long nothing at all may get through in an account and region before the requests still waiting there fail.
# AWS's quotas refill continuously: a pace at its lowest (MIN_RATE) still sends a request every 2 seconds, and an
# account whose quota the live system leaves any share of gets answers within seconds. Five minutes of nothing but
# "throttled" means the quota is taken by something else, or AWS refuses the account: the run says so rather than
# wait for ever, and rides out a live system's peak shorter than that.
DEFAULT_PATIENCE = 300.0
PATIENCE_LIMITS = (1.0, 86400.0)
CEILING_LIMITS = (MIN_RATE, 10000.0)
SERVER_FAULT = 500
# Where a request's ticket travels from provide-client-params to after-call (botocore's request context).
TICKET = "telephony_chime_pace"
PACE_ATTRIBUTE = "_telephony_chime_pace"


class Clock:
    """The pace's clock: monotonic seconds and a sleep. Tests give a Pace a fake one."""

    @staticmethod
    def now() -> float:
        return time.monotonic()

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(seconds)


CLOCK = Clock()


class NoProgressError(BotoCoreError):
    """Nothing got through in an account and region for the pace's patience: the requests waiting there fail.

    Its response carries the throttled answer's code, as a ClientError's does, so that a failed task's result names
    the service's code (error.code) whatever layer raised it.
    """

    fmt = "{message}"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message=message)
        self.response = {"Error": {"Code": code, "Message": message}}


class Ticket:
    """One request on its way: when it was sent, and of which pace generation."""

    __slots__ = ("sent_at",)

    def __init__(self, sent_at: float) -> None:
        self.sent_at = sent_at


class Pace:
    """The pace of one account and region (where names it in messages; the client's region when not given); thread-safe.

    ceiling: at most this many requests a second, ever (None: only what AWS's answers say). patience: seconds of
    nothing but throttled answers before the requests still waiting fail. on_limited(), when given, is called once,
    when AWS first throttles a request here (outside the pace's lock).
    """

    def __init__(
        self,
        where: Optional[str] = None,
        ceiling: Optional[float] = None,
        patience: float = DEFAULT_PATIENCE,
        clock: Any = None,
        on_limited: Any = None,
    ) -> None:
        self.where = where
        self.ceiling = ceiling
        self.patience = patience
        self.clock = clock or CLOCK
        self.on_limited = on_limited
        self._lock = threading.Lock()
        self.rate: Optional[float] = self._capped(START_RATE)
        self.slow_start = True
        self.requests = 0
        self.throttled = 0
        self._started = False
        self._first = 0.0  # when the first request was sent
        self._next = 0.0
        self._generation = 0
        self._last_cut: Optional[float] = None
        self._got_through = 0  # answers that got through since the last cut (since the first request before it)
        self._measured = START_RATE  # what the service let through, as of the last cut
        self._cut_to = START_RATE
        self._settled = START_RATE
        self._progress = 0.0  # when the last answer got through (or the first request was sent)
        self._stuck_on: Optional[str] = None  # the error code of the first throttled answer since then

    # --- the rate ----------------------------------------------------------------------------------------------
    def _capped(self, rate: float) -> float:
        rate = max(rate, MIN_RATE)
        return min(rate, self.ceiling) if self.ceiling is not None else rate

    @property
    def limited(self) -> bool:
        """Whether AWS's answers have set the rate (the pace has been throttled at least once)."""
        return self._last_cut is not None

    @property
    def holding_back(self) -> bool:
        """Whether the pace, not the work, sets how fast requests go: AWS has throttled, or a ceiling is set."""
        return self.limited or self.ceiling is not None

    def _grow(self) -> None:
        """One more answer got through: the rate grows (slow start, the cubic between cuts, then doubling again)."""
        self._got_through += 1
        if self.slow_start or self._got_through > RESTART * PLATEAU:
            if self.rate is not None:
                rate = self.rate * 2 ** (1 / SLOW_START_DOUBLING)
                self.rate = (
                    None if rate >= UNPACED and not self.limited and self.ceiling is None else self._capped(rate)
                )
            return
        span = self._measured - self._cut_to
        step = (self._got_through - PLATEAU) / PLATEAU
        self.rate = self._capped(self._measured + span * step**3)

    def _cut(self, now: float) -> None:
        """A throttled answer to a request sent since the last cut: the rate is cut to what the service allows."""
        current = self.rate if self.rate is not None else UNPACED
        beta = BETA
        if self.slow_start and self._got_through:
            measured = min(current, self._got_through / (now - self._first + BURST_SECONDS))
        elif not self.slow_start and self._got_through >= MIN_SAMPLES:
            allowed = self._got_through / max(now - self._last_cut, 1e-6)
            measured = min(current, max(allowed, BETA * current))
        else:  # too few answers got through to measure anything: the rate was far too high
            measured, beta = current, BETA_FAST
        self.slow_start = False
        self._measured = measured
        self._cut_to = measured * beta
        # What the result reports: the measure when there was one, else the rate it was cut to.
        self._settled = self._cut_to if beta == BETA_FAST else measured
        self.rate = self._capped(self._cut_to)
        self._got_through = 0
        self._last_cut = now
        self._generation += 1
        self._next = now + 1 / self.rate

    # --- requests ----------------------------------------------------------------------------------------------
    def _deadline(self) -> Optional[float]:
        """When the requests waiting here fail for want of progress (None: something got through since the last
        throttled answer)."""
        return None if self._stuck_on is None else self._progress + self.patience

    def _no_progress(self, operation: str, now: float) -> NoProgressError:
        return NoProgressError(
            message=(
                f"{operation} in {self.where}: nothing got through there for {now - self._progress:.0f} seconds, every"
                f" answer was '{self._stuck_on}' (throttled), so the requests still waiting there failed"
                f" (throttle_timeout: {self.patience:g} seconds)"
            ),
            code=self._stuck_on or "",
        )

    def send(self, operation: str) -> Ticket:
        """Wait for this request's turn; its ticket. Raises NoProgressError when nothing got through for too long."""
        with self._lock:
            now = self.clock.now()
            if not self._started:
                self._started = True
                self._first = self._progress = now
            slot, generation = self._reserve(now)
        while True:
            with self._lock:
                now = self.clock.now()
                deadline = self._deadline()
                if deadline is not None and now >= deadline:
                    raise self._no_progress(operation, now)
                if generation != self._generation:  # the rate was cut while it waited: it queues again
                    slot, generation = self._reserve(now)
                if now >= slot:
                    self.requests += 1
                    return Ticket(now)
            self.clock.sleep((slot if deadline is None else min(slot, deadline)) - now)

    def _reserve(self, now: float) -> Tuple[float, int]:
        """The next free turn at the current rate (now when unpaced), and the generation it was given under."""
        if self.rate is None:
            return now, self._generation
        slot = max(now, self._next)
        self._next = slot + 1 / self.rate
        return slot, self._generation

    def answered(self, ticket: Ticket, throttled: Optional[str] = None, fault: bool = False) -> None:
        """The service answered a request: throttled (with this code); a server fault (neither: retries.py retries it, bounded); or
        anything else, which got through (an error that is AWS's final word, such as NotFound, included)."""
        first_limit = False
        with self._lock:
            now = self.clock.now()
            if throttled:
                self.throttled += 1
                if self._stuck_on is None:
                    self._stuck_on = throttled
                if self._last_cut is None or ticket.sent_at >= self._last_cut:
                    first_limit = not self.limited
                    self._cut(now)
            elif not fault:
                self._progress = now
                self._stuck_on = None
                self._grow()
        if first_limit and self.on_limited is not None:
            self.on_limited()

    def figures(self) -> Dict[str, Any]:
        """What the pace did: requests sent, answers throttled, and the rate it settled at: what the service let
        through before it last throttled (the rate at the end of the task may be a probe above it; when nothing got
        through to measure, the rate it was cut to); the ceiling when AWS never throttled; None when neither held the
        requests back (no limit was met)."""
        with self._lock:
            if self.limited:
                rate: Optional[float] = self._capped(self._settled)
            else:
                rate = self.ceiling
            return {
                "requests": self.requests,
                "throttled": self.throttled,
                "rate": None if rate is None else round(rate, 2),
            }

    # --- the client's events -----------------------------------------------------------------------------------
    def attach(self, client: Any) -> Any:
        """Every request of the client waits its turn here: from the first event of an API call (provide-client-params,
        before anything else looks at the request) to after-call (its answer)."""
        events = client.meta.events
        events.register_first("provide-client-params.*.*", self._before_call, unique_id=f"{TICKET}-before")
        events.register("after-call.*.*", self._after_call, unique_id=f"{TICKET}-after")
        setattr(client, PACE_ATTRIBUTE, self)
        return client

    def _before_call(self, model: Any, context: Dict[str, Any], **kwargs: Any) -> None:  # provide-client-params
        context[TICKET] = self.send(model.name)

    def _after_call(
        self, http_response: Any, parsed: Dict[str, Any], model: Any, context: Dict[str, Any], **kwargs: Any
    ) -> None:
        # botocore emits after-call only for a request whose provide-client-params went through: its ticket is there.
        ticket = context.pop(TICKET)
        status = http_response.status_code
        code = parsed.get("Error", {}).get("Code")
        if is_throttle(code, status):
            self.answered(ticket, throttled=code or f"HTTP {status}")
        else:
            self.answered(ticket, fault=status >= SERVER_FAULT)
        note_paced_answer()


def pace_of(client: Any) -> Optional[Pace]:
    """The pace a client's requests wait at (None for a client the collection did not make)."""
    return getattr(client, PACE_ATTRIBUTE, None)
