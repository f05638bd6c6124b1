# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bounded pool of workers that the modules share, and the limits of their max_concurrency option."""

from concurrent.futures import FIRST_EXCEPTION
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from typing import Any
from typing import Callable
from typing import Iterable
from typing import List

# The most requests in flight at once, unless the user says otherwise (docs/performance.md measured the knee at 10).
# The option's documentation (doc_fragments/concurrency.py) states the same default and limits.
DEFAULT_MAX_CONCURRENCY = 10
MAX_CONCURRENCY_LIMITS = (1, 100)


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
