# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""retries.chime_retry under the thread pool: each request backs off on its own schedule.

AWSRetry.jittered_backoff keeps one back-off iterator per decorated function; shared by the pool's threads,
it let their back-offs lengthen (past the documented 27.75 seconds a request) or cut short each other's.
"""

import threading

import botocore.exceptions

from ansible_collections.telephony.chime.plugins.module_utils._chime import retries

THREADS = 4


def test_each_thread_backs_off_on_its_own_schedule(monkeypatch):
    recorded = {}
    # Every thread sleeps its n-th back-off at the same moment as the others, so that they interleave.
    barrier = threading.Barrier(THREADS, timeout=30)

    def sleep(seconds):
        recorded.setdefault(threading.current_thread().name, []).append(seconds)
        barrier.wait()

    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", sleep)
    # Full jitter's upper end, so that each sleep shows the delay it was drawn under.
    monkeypatch.setattr(
        "ansible_collections.amazon.aws.plugins.module_utils.cloud.random.uniform", lambda low, high: high
    )
    unavailable = botocore.exceptions.ClientError(
        {"Error": {"Code": "ServiceUnavailableException", "Message": "Try again"}}, "GetProxySession"
    )

    @retries.chime_retry
    def request():
        raise unavailable

    failures = []

    def worker():
        try:
            request()
        except botocore.exceptions.ClientError as e:
            failures.append(e)

    threads = [threading.Thread(target=worker, name=f"worker-{n}") for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    expected = [min(retries.SERVER_MAX_DELAY, retries.SERVER_DELAY * 2**n) for n in range(retries.SERVER_ATTEMPTS - 1)]
    assert sum(expected) == 27.75
    assert len(failures) == THREADS
    assert sorted(recorded) == [f"worker-{n}" for n in range(THREADS)]
    for name, sleeps in recorded.items():
        assert sleeps == expected, name
