# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the processes that tests/perf/bench.py measures, from a process that stays small.

Linux carries a process's peak RSS across exec: a child spawned by a large parent reports at least the
parent's peak. bench.py grows (it reads results and serves the start-up recorder), so it hands each
command to this process, started before it grew, which only ever imports the standard library.

Protocol: one JSON request a line on stdin ({"cmd", "env", "cwd", "timeout", "out", "err"}), one JSON reply a
line on stdout ({"wall", "rss_kb", "rc", "spawned", "utime", "stime"}); "spawned" is time.monotonic() just before the
spawn; "utime" and "stime" the user and system CPU seconds of the process and of the descendants it waited for (wait4).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time


def spawn(request: dict) -> dict:
    with open(request["out"], "wb") as out, open(request["err"], "wb") as err:
        spawned = time.monotonic()
        start = time.perf_counter()
        # pylint: disable-next=consider-using-with
        proc = subprocess.Popen(
            request["cmd"], env=request["env"], cwd=request["cwd"], stdout=out, stderr=err, start_new_session=True
        )
        timer = threading.Timer(request["timeout"], lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    return {
        "wall": wall,
        "rss_kb": usage.ru_maxrss,
        "rc": os.waitstatus_to_exitcode(status),
        "spawned": spawned,
        "utime": usage.ru_utime,
        "stime": usage.ru_stime,
    }


def main() -> int:
    for line in sys.stdin:
        print(json.dumps(spawn(json.loads(line))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
