# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a kept AnsiballZ module file (ANSIBLE_KEEP_REMOTE_FILES) under cProfile, every thread included.

cProfile profiles only the thread that enables it, and the modules do their requests in pool threads. Here the main
thread is profiled on the wall clock (its cumulative times are the task's phases: discovery, reaching the accounts,
the audit, the files), and every other thread on its own CPU clock (time.thread_time: what each costs in CPU,
not its waits on the network or the GIL); the threads' profiles are merged into one.

Usage: python profile_module.py [--no-profile] ANSIBALLZ_FILE OUT_PREFIX
Writes OUT_PREFIX.main.prof and OUT_PREFIX.threads.prof (pstats), and OUT_PREFIX.json: {"wall": s, "cpu": s,
"threads": n} (cpu: user and system time of every thread of the process). --no-profile runs the module the same way
without the profiler and writes only OUT_PREFIX.json, with the garbage collector's seconds and collections by
generation (gc.callbacks) added. The module's own output (its JSON result) goes to stdout as
usual.
"""

import argparse
import cProfile
import gc
import json
import pstats
import runpy
import sys
import threading
import time
from typing import Any
from typing import Dict
from typing import List


def main(module_file: str, prefix: str, profile: bool = True) -> int:
    sys.argv = [module_file]  # as Ansible runs it: with one argument, AnsiballZ would take it for a debug command
    if not profile:
        return run_plain(module_file, prefix)
    profiles: List[cProfile.Profile] = []
    lock = threading.Lock()
    original_run = threading.Thread.run

    def profiled_run(self: threading.Thread) -> Any:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()
        try:
            return original_run(self)
        finally:
            profile.disable()

    threading.Thread.run = profiled_run  # type: ignore[method-assign]
    main_profile = cProfile.Profile(time.perf_counter)
    started, cpu = time.perf_counter(), time.process_time()
    code = 0
    main_profile.enable()
    try:
        runpy.run_path(module_file, run_name="__main__")
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0
    finally:
        main_profile.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        threading.Thread.run = original_run  # type: ignore[method-assign]
        main_profile.dump_stats(f"{prefix}.main.prof")
        with lock:
            done = list(profiles)
        stats = None
        for profile in done:
            profile.create_stats()
            if not profile.stats:  # a thread that ran nothing profiled
                continue
            if stats is None:
                stats = pstats.Stats(profile)
            else:
                stats.add(profile)
        if stats is not None:
            stats.dump_stats(f"{prefix}.threads.prof")
        with open(f"{prefix}.json", "w", encoding="utf-8") as f:
            json.dump({"wall": wall, "cpu": cpu, "threads": len(done)}, f)
    return code


class GcClock:
    """The seconds the cyclic garbage collector takes (gc.callbacks), and its collections by generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self.started = 0.0

    def __call__(self, phase: str, info: Dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self.started
            self.collections[info["generation"]] += 1


def run_plain(module_file: str, prefix: str) -> int:
    """The module without the profiler: wall, CPU (every thread) and the garbage collector's time."""
    clock = GcClock()
    gc.callbacks.append(clock)
    started, cpu = time.perf_counter(), time.process_time()
    code = 0
    try:
        runpy.run_path(module_file, run_name="__main__")
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0
    finally:
        figures = {
            "wall": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "threads": 0,
            "gc_seconds": clock.seconds,
            "gc_collections": clock.collections,
        }
        gc.callbacks.remove(clock)
        with open(f"{prefix}.json", "w", encoding="utf-8") as f:
            json.dump(figures, f)
    return code


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-profile", action="store_true", help="run the module without the profiler")
    parser.add_argument("module_file")
    parser.add_argument("prefix")
    args = parser.parse_args()
    sys.exit(main(args.module_file, args.prefix, not args.no_profile))
