# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bounded pool of workers that the modules share, and the limits of their max_concurrency option."""

import functools
import gc
import threading
from concurrent.futures import FIRST_EXCEPTION
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Set

# The most requests in flight at once, unless the user says otherwise (docs/performance.md measured the knee at 10).
# The option's documentation (doc_fragments/concurrency.py) states the same default and limits.
DEFAULT_MAX_CONCURRENCY = 10
MAX_CONCURRENCY_LIMITS = (1, 100)
# The most accounts and regions a task works on at once, those held back by their quota included (each holds up to
# max_concurrency threads, and what it has read until it is done).
MAX_OPEN_REGIONS = 64


def run_concurrently(call: Callable[[Any], Any], items: Iterable[Any], max_concurrency: int) -> List[Any]:
    """call(item) for every item, at most max_concurrency at once, one (thread-safe) client shared by all.

    The results follow the order of the items. The first failure cancels the work still queued and is raised:
    no partial result.
    """
    items = list(items)
    if max_concurrency == 1 or len(items) <= 1:
        return [call(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_concurrency, len(items))) as pool:
        futures = [pool.submit(call, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future in done and future.exception() is not None:
                raise future.exception()
    return [future.result() for future in futures]


class WorkingBound:
    """Runs items within a budget of requests in flight, at most max_open items at once.

    A running item counts for its weight, the requests it can have in flight: `initial` until it says (the weigh
    function call(item, weigh) is given), and none while it waits on something else than this machine (waiting(item)
    says so: an account and region held back by its own AWS quota). The next item starts while the running ones
    leave room for its initial weight, or when none runs. notify() must be called whenever waiting(item) may have
    changed.
    """

    def __init__(self, budget: int, initial: int, max_open: int, waiting: Callable[[Any], bool]) -> None:
        self.budget = budget
        self.initial = min(initial, budget)
        self.max_open = max_open
        self.waiting = waiting
        self._changed = threading.Condition()
        self._weights: Dict[int, int] = {}

    def notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _weigh(self, index: int, weight: int) -> None:
        with self._changed:
            self._weights[index] = max(1, weight)
            self._changed.notify_all()

    def run(self, call: Callable[[Any, Callable[[int], None]], Any], items: Iterable[Any]) -> List[Any]:
        """call(item, weigh) for every item, in the bounds; the results in the order of the items. call must not
        raise (it returns its failures), so that every item is run."""
        items = list(items)
        results: List[Any] = [None] * len(items)
        running: Set[int] = set()

        def load() -> int:
            return sum(self._weights[index] for index in running if not self.waiting(items[index]))

        def room() -> bool:
            return not running or (len(running) < self.max_open and load() + self.initial <= self.budget)

        def work(index: int) -> None:
            try:
                results[index] = call(items[index], functools.partial(self._weigh, index))
            finally:
                with self._changed:
                    running.discard(index)
                    self._changed.notify_all()

        with ThreadPoolExecutor(max_workers=max(1, min(self.max_open, len(items)))) as pool:
            futures = []
            for index in range(len(items)):
                with self._changed:
                    self._changed.wait_for(room)
                    running.add(index)
                    self._weights[index] = self.initial
                futures.append(pool.submit(work, index))
        for future in futures:
            future.result()  # a failure call did not return (a bug) is raised, not lost
        return results


# Allocations between two collections of the youngest generation (Python's default is 700): each client botocore makes
# allocates tens of thousands of objects, most of which live as long as the client.
YOUNG_THRESHOLD = 50_000


def spare_the_collector() -> None:
    """Leave what is loaded so far (Ansible, botocore, the service models) out of the garbage collector's walks.

    A task across hundreds of accounts makes millions of short-lived objects; each of Python's collections walks
    every object still tracked, and the models loaded at start are most of them. Profiled at 500 accounts, the
    collector took 9 of the module's 32 s of CPU. Frozen objects are never freed, which costs nothing in a module
    process that ends with the task.
    """
    gc.freeze()
    first, *older = gc.get_threshold()
    gc.set_threshold(max(first, YOUNG_THRESHOLD), *older)
