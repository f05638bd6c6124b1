# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pace of an account and region (module_utils/_chime/pace.py), on a fake clock: no test sleeps or times.

The pace is driven directly (send, then answered) where the rule is about numbers, and through a real chime-sdk-voice
client behind botocore's Stubber where it is about requests: that every request of a client, from every thread,
waits at its one pace, and that AWS's throttled answers drive it.
"""

import gc
import threading

import pytest
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import accounts
from ansible_collections.telephony.chime.plugins.module_utils._chime import concurrency
from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import pace
from ansible_collections.telephony.chime.plugins.module_utils._chime import proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import pace_result
from ansible_collections.telephony.chime.plugins.module_utils._chime.concurrency import WorkingBound
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeClock
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import PoolStubber

THROTTLED = "ThrottledClientException"
GET = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": EXAMPLE_ID}


@pytest.fixture
def clock():
    return FakeClock()


def through(paced, count=1):
    """count requests sent and answered, each getting through."""
    for _n in range(count):
        paced.answered(paced.send("GetProxySession"))


def throttle(paced):
    paced.answered(paced.send("GetProxySession"), throttled=THROTTLED)


# --- the rate ------------------------------------------------------------------------------------------------------


def test_slow_start_doubles_every_ten_answers_then_stops_pacing(clock):
    paced = pace.Pace("region us-east-1", clock=clock)
    assert paced.rate == pace.START_RATE
    through(paced, pace.SLOW_START_DOUBLING)
    assert paced.rate == pytest.approx(2 * pace.START_RATE)
    # 20 * 2**(n/10) reaches 1000 after 57 answers: no pace any more, and no request waits.
    through(paced, 47)
    assert paced.rate is None
    before = len(clock.slept)
    through(paced, 100)
    assert len(clock.slept) == before
    assert paced.figures() == {"requests": 157, "throttled": 0, "rate": None}


def test_requests_are_sent_one_turn_apart_at_the_rate(clock):
    paced = pace.Pace(clock=clock)
    tickets = [paced.send("GetProxySession") for _n in range(4)]
    spacing = 1 / pace.START_RATE
    assert [t.sent_at - tickets[0].sent_at for t in tickets] == pytest.approx([0, spacing, 2 * spacing, 3 * spacing])


def test_the_first_throttle_cuts_to_what_got_through_counting_the_burst_as_one_second(clock):
    paced = pace.Pace(clock=clock)
    first = clock.now()
    through(paced, 10)  # their turns take about half a second at 20 a second, then a little faster
    throttle(paced)
    measured = 10 / (clock.now() - first + pace.BURST_SECONDS)
    assert measured < pace.START_RATE
    assert paced.rate == pytest.approx(pace.BETA * measured)
    assert paced.limited


def test_a_throttle_with_nothing_through_halves_the_rate(clock):
    paced = pace.Pace(clock=clock)
    throttle(paced)
    assert paced.rate == pace.START_RATE * pace.BETA_FAST
    throttle(paced)
    assert paced.rate == pace.START_RATE * pace.BETA_FAST**2


def test_throttles_of_requests_sent_before_the_cut_do_not_cut_again(clock):
    paced = pace.Pace(clock=clock)
    in_flight = [paced.send("GetProxySession") for _n in range(3)]
    clock.advance(0.02)
    for ticket in in_flight:
        paced.answered(ticket, throttled=THROTTLED)
    assert paced.rate == pace.START_RATE * pace.BETA_FAST, "one cut for one event"
    assert paced.figures()["throttled"] == 3
    throttle(paced)  # sent after the cut: it says the cut rate is still too high
    assert paced.rate == pace.START_RATE * pace.BETA_FAST**2


def test_a_later_throttle_cuts_to_the_refill_measured_since_the_last_cut(clock):
    paced = pace.Pace(clock=clock)
    throttle(paced)  # 20 -> 10 a second
    cut_at = clock.now()
    for _n in range(8):  # 8 answers get through in 2 seconds: the quota refills 4 a second
        ticket = paced.send("GetProxySession")
        clock.advance(0.25 - (clock.now() - ticket.sent_at))
        paced.answered(ticket)
    current = paced.rate
    clock.advance(cut_at + 2.0 - clock.now())
    paced.answered(paced.send("GetProxySession"), throttled=THROTTLED)
    allowed = 8 / (clock.now() - cut_at)
    assert paced.rate == pytest.approx(pace.BETA * max(allowed, pace.BETA * current))


def test_a_later_throttle_never_cuts_below_beta_times_the_rate_throttled(clock):
    """The measure undercounts when the requests asked for less than the quota (a burst much smaller than a second
    of the rate): the cut is no deeper than BETA of the rate that was throttled."""
    paced = pace.Pace(clock=clock)
    throttle(paced)
    cut_at = clock.now()
    through(paced, pace.MIN_SAMPLES)
    clock.advance(100.0)  # 5 answers in 100 s: a measure of 0.05 a second
    current = paced.rate
    throttle(paced)
    assert 5 / (clock.now() - cut_at) < pace.BETA * current
    assert paced.rate == pytest.approx(pace.BETA * pace.BETA * current)


def test_the_rate_grows_back_to_the_measure_then_beyond_then_doubles(clock):
    paced = pace.Pace(clock=clock)
    through(paced, 20)
    throttle(paced)
    measured, cut_to = paced._measured, paced.rate
    rates = []
    for _n in range(pace.RESTART * pace.PLATEAU + 10):
        through(paced)
        rates.append(paced.rate)
    assert all(a <= b for a, b in zip(rates, rates[1:])), "it only grows while nothing is throttled"
    assert cut_to < rates[0] < measured
    assert rates[pace.PLATEAU - 1] == pytest.approx(measured), "back to the measure after PLATEAU answers"
    assert rates[2 * pace.PLATEAU - 1] == pytest.approx(measured + (measured - cut_to)), "then convex beyond it"
    restart = pace.RESTART * pace.PLATEAU
    assert rates[restart + 9] == pytest.approx(rates[restart - 1] * 2), "then doubling every ten answers"


def test_the_rate_reported_is_what_aws_let_through_not_a_probe_above_it(clock):
    paced = pace.Pace(clock=clock)
    through(paced, 20)
    throttle(paced)
    measured = paced._measured
    through(paced, 2 * pace.PLATEAU)  # probing beyond the measure by now
    assert paced.rate > measured
    assert paced.figures()["rate"] == round(measured, 2)


def test_a_pace_never_goes_below_its_lowest_rate(clock):
    paced = pace.Pace(clock=clock)
    for _n in range(20):
        throttle(paced)
    assert paced.rate == pace.MIN_RATE


# --- the ceiling ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ceiling", [0.5, 5.0, 50.0])
def test_the_ceiling_holds_from_the_first_request_on(clock, ceiling):
    paced = pace.Pace(ceiling=ceiling, clock=clock)
    tickets = []
    for _n in range(200):
        tickets.append(paced.send("GetProxySession"))
        paced.answered(tickets[-1])
        assert paced.rate <= ceiling
    gaps = [b.sent_at - a.sent_at for a, b in zip(tickets, tickets[1:])]
    assert min(gaps) >= 1 / ceiling - 1e-9
    assert paced.figures() == {"requests": 200, "throttled": 0, "rate": ceiling}
    assert paced.holding_back and not paced.limited


def test_the_ceiling_holds_after_a_throttle_too(clock):
    paced = pace.Pace(ceiling=2.0, clock=clock)
    through(paced, 30)
    throttle(paced)
    through(paced, 300)
    assert paced.rate <= 2.0


# --- nothing through for the patience ------------------------------------------------------------------------------


def test_nothing_through_for_the_patience_fails_the_request_naming_where_what_and_how_long(clock):
    paced = pace.Pace("account 123456789012, region us-east-1", patience=30.0, clock=clock)
    through(paced, 3)
    started = clock.now()
    with pytest.raises(pace.NoProgressError) as failure:
        while True:
            throttle(paced)
    assert clock.now() == pytest.approx(started + 30.0)
    assert str(failure.value) == (
        "GetProxySession in account 123456789012, region us-east-1: nothing got through there for 30 seconds, every"
        " answer was 'ThrottledClientException' (throttled), so the requests still waiting there failed"
        " (throttle_timeout: 30 seconds)"
    )


def test_an_answer_that_gets_through_resets_the_patience(clock):
    paced = pace.Pace(patience=60.0, clock=clock)
    started = clock.now()
    throttled = 0
    for _round in range(3):  # 25 s of throttles (and a turn of at most 10 s) three times, an answer through between
        start = clock.now()
        while clock.now() - start < 25.0:
            throttle(paced)
            throttled += 1
        through(paced)
    assert clock.now() - started > 60.0
    assert paced.figures()["throttled"] == throttled


def test_every_request_still_waiting_fails_and_a_later_one_at_once(clock):
    """Threads waiting their turn when the patience runs out fail too, each naming its own operation."""
    paced = pace.Pace(patience=10.0, clock=clock)
    throttle(paced)
    failures = {}
    waiting = threading.Barrier(4, timeout=10)

    def wait(operation):
        waiting.wait()
        try:
            while True:
                paced.answered(paced.send(operation), throttled=THROTTLED)
        except pace.NoProgressError as e:
            failures[operation] = str(e)

    threads = [threading.Thread(target=wait, args=(f"Operation{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    waiting.wait()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(failures) == ["Operation0", "Operation1", "Operation2"]
    assert all(message.startswith(operation) for operation, message in failures.items())
    with pytest.raises(pace.NoProgressError):
        paced.send("ListProxySessions")


def test_a_server_fault_is_no_progress(clock):
    paced = pace.Pace(patience=5.0, clock=clock)
    throttle(paced)
    with pytest.raises(pace.NoProgressError):
        while True:
            paced.answered(paced.send("GetProxySession"), fault=True)


# --- on_limited ----------------------------------------------------------------------------------------------------


def test_on_limited_is_called_once_when_aws_first_throttles_outside_the_lock(clock):
    calls = []

    def on_limited():
        free = paced._lock.acquire(blocking=False)
        if free:
            paced._lock.release()
        calls.append(free)

    paced = pace.Pace(clock=clock, on_limited=on_limited)
    through(paced, 5)
    assert calls == [] and not paced.holding_back
    throttle(paced)
    throttle(paced)
    assert calls == [True], "once, and the pace's lock was free"
    assert paced.holding_back


# --- through a client ----------------------------------------------------------------------------------------------


@pytest.fixture
def model():
    return ChimeModel()


def test_every_request_of_a_client_from_every_thread_waits_at_its_one_pace(model, pace_clock):
    client = chime_client(FakeModule(), model)
    stubber = PoolStubber(client, hold=0.001)
    ids = [f"s-{n:02d}" for n in range(40)]
    for proxy_session_id in ids:
        stubber.add_response(
            "get_proxy_session",
            {"ProxySession": {**EXAMPLE_SESSION, "ProxySessionId": proxy_session_id}},
            {**GET, "ProxySessionId": proxy_session_id},
        )
    stubber.activate()
    found = proxy_sessions.get_proxy_sessions(client, VOICE_CONNECTOR_ID, ids, max_concurrency=8)
    assert len(found) == 40
    assert pace_result(client) == {"pace": [{"region": "us-east-1", "requests": 40, "throttled": 0, "rate": None}]}


def test_a_throttled_answer_through_the_stubber_drives_the_pace(model, pace_clock):
    client = chime_client(FakeModule(max_requests_per_second=8.0), model)
    with Stubber(client) as stubber:
        stubber.add_client_error("get_proxy_session", THROTTLED, "Rate exceeded", 429, expected_params=GET)
        stubber.add_response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
        assert proxy_sessions.get_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) == EXAMPLE_SESSION
    figures = pace.pace_of(client).figures()
    assert figures["requests"] == 2 and figures["throttled"] == 1
    assert figures["rate"] < 8.0, "cut below the ceiling"


def test_each_account_and_region_has_one_client_and_pace_and_no_other_shares_it(model):
    keys = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "secret"}
    reacher = accounts.AccountReacher(model.session, keys, "us-east-1", 10)
    own = accounts.Account(accounts.AccountSpec(), "111111111111", reacher._session(None), {})
    other = accounts.Account(accounts.AccountSpec(), "222222222222", reacher._session(None), {})
    made = []

    def make(unit):
        made.append(reacher.chime_client(*unit, None))

    units = [(own, "us-east-1")] * 4 + [(own, "us-west-2")] * 4 + [(other, "us-east-1")] * 4
    threads = [threading.Thread(target=make, args=(unit,)) for unit in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(made) == 12 and len({id(c) for c in made}) == 3
    paces = {id(pace.pace_of(c)) for c in made}
    assert len(paces) == 3
    assert sorted(reacher.paces) == [
        ("111111111111", "us-east-1"),
        ("111111111111", "us-west-2"),
        ("222222222222", "us-east-1"),
    ]
    assert pace.pace_of(reacher.chime_client(own, "us-west-2", None)).where == "account 111111111111, region us-west-2"


# --- the bound on accounts and regions at once ---------------------------------------------------------------------


def concurrency_of(bound, items, weight=None):
    """Run items through the bound, each holding a moment (and first weighing itself, when weight is given); the
    most that ran at once."""
    lock = threading.Lock()
    running = [0, 0]

    def call(item, weigh):
        if weight is not None:
            weigh(weight)
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1
        return item

    assert bound.run(call, items) == list(items)
    return running[1]


def test_working_bound_starts_the_next_item_when_one_waits_on_its_quota():
    """A budget of one item's weight: an item that says it waits (its pace holds it back) no longer counts, so all
    three run at once; max_open still bounds them."""
    waiting = set()
    bound = WorkingBound(10, 10, 3, lambda item: item in waiting)
    together = threading.Barrier(3, timeout=10)

    def call(item, weigh):
        waiting.add(item)
        bound.notify()
        together.wait()  # times out (BrokenBarrierError) unless all three run at the same time
        return item * 10

    assert bound.run(call, [1, 2, 3]) == [10, 20, 30]


def test_working_bound_holds_its_budget_among_items_that_do_not_wait():
    assert concurrency_of(WorkingBound(20, 10, 50, lambda item: False), range(8)) == 2


def test_items_that_weigh_less_let_more_run_at_once():
    """Budget 20, each item 10 until it says it can have 2 requests in flight: up to 10 at once."""
    most = concurrency_of(WorkingBound(20, 10, 50, lambda item: False), range(30), weight=2)
    assert 2 < most <= 10


def test_working_bound_holds_max_open_even_when_all_wait():
    assert concurrency_of(WorkingBound(10, 10, 2, lambda item: True), range(6), weight=1) == 2


def test_working_bound_raises_what_a_call_did_not_return():
    bound = WorkingBound(20, 10, 2, lambda item: False)

    def call(item, weigh):
        if item == 3:
            raise RuntimeError("a bug")
        return item

    with pytest.raises(RuntimeError, match="a bug"):
        bound.run(call, range(5))


def test_the_failure_names_its_cause_and_carries_the_throttled_code():
    failure = pace.NoProgressError(message="GetProxySession in region x: nothing got through", code="SomethingNew")
    assert errors.failure_cause(failure) == "the service throttled every request for longer than throttle_timeout"
    assert failure.response == {
        "Error": {"Code": "SomethingNew", "Message": "GetProxySession in region x: nothing got through"}
    }


def test_the_collector_is_spared_what_is_loaded_and_runs_less_often():
    """What is loaded is frozen out of the collector's walks, and the youngest generation is collected every 50,000
    allocations rather than Python's 700; the older generations keep their thresholds (conftest restores all)."""
    before = gc.get_threshold()
    concurrency.spare_the_collector()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (concurrency.YOUNG_THRESHOLD, *before[1:])
