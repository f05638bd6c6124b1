# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mutation score of a finished `mutmut run`, and the check that every surviving mutant is accounted for.

Usage (in the mutation workspace): python hacking/mutation_report.py MUTMUT EQUIVALENT_LIST [--show N]

A surviving mutant (survived, or "no tests": no unit test reaches it) must be listed in EQUIVALENT_LIST
("NAME: reason", one a line) as unable to change behaviour; otherwise a test must kill it. Prints the counts and the
score per file and in all, every unlisted survivor by name with the diff of the first N, and the listed names that
no longer survive. Exits 1 when a survivor is unlisted or a listed mutant is stale.
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict
from typing import List

RESULT = re.compile(r"^\s*(\S+): (.+?)\s*$")
# Statuses that mean the tests noticed the mutant (a hang they stopped counts as noticed).
DETECTED = {"killed", "timeout", "segfault"}


def results(mutmut: str) -> Dict[str, str]:
    out = subprocess.run([mutmut, "results", "--all", "true"], check=True, capture_output=True, text=True).stdout
    return {m.group(1): m.group(2) for m in map(RESULT.match, out.splitlines()) if m}


def source_file(name: str) -> str:
    """ansible_collections.telephony.chime.plugins.modules.m.x_main__mutmut_3 -> plugins/modules/m.py"""
    module = name.split(".x")[0] if ".x" in name else name.rsplit(".", 1)[0]
    parts = module.split(".")
    if parts[:3] == ["ansible_collections", "telephony", "chime"]:
        parts = parts[3:]
    return "/".join(parts) + ".py"


def equivalents(path: Path) -> Dict[str, str]:
    listed = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, reason = line.partition(": ")
        if not sep or not reason.strip():
            raise SystemExit(f"{path}:{number}: expected 'MUTANT_NAME: reason', got {line!r}")
        listed[name.strip()] = reason.strip()
    return listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutmut")
    parser.add_argument("equivalent_list", type=Path)
    parser.add_argument("--partial", action="store_true", help="only some mutants were run: stale names are no error")
    parser.add_argument("--show", type=int, default=10, help="diffs of at most this many unlisted survivors")
    args = parser.parse_args()
    mutmut, listed_path = args.mutmut, args.equivalent_list
    # Mutants a filtered run left alone (mutmut's "not checked") are neither killed nor survivors.
    status = {name: state for name, state in results(mutmut).items() if state != "not checked"}
    listed = equivalents(listed_path)
    counts = Counter(status.values())
    total = len(status)
    detected = sum(counts[s] for s in DETECTED)
    survivors = sorted(name for name, s in status.items() if s not in DETECTED)
    unlisted = [name for name in survivors if name not in listed]
    stale = [] if args.partial else sorted(name for name in listed if name not in survivors)
    equivalent = len(survivors) - len(unlisted)

    by_file: Dict[str, Counter] = {}
    for name, state in status.items():
        by_file.setdefault(source_file(name), Counter())[state] += 1
    width = max([len(f) for f in by_file] + [4])
    print(f"{'File':<{width}}  Mutants  Killed  Survived  No tests  Score")
    for path, c in sorted(by_file.items()):
        found = sum(c[s] for s in DETECTED)
        print(
            f"{path:<{width}}  {sum(c.values()):>7}  {found:>6}  {c['survived']:>8}  {c['no tests']:>8}"
            f"  {100.0 * found / sum(c.values()):5.1f}%"
        )
    print(f"mutants: {total}; " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))
    if not total:
        print("mutation: mutmut produced no mutant", file=sys.stderr)
        return 1
    print(f"Mutation score of plugins/: {100.0 * detected / total:.2f}% ({detected}/{total} mutants killed)")
    if total > equivalent:
        print(
            f"Without the {equivalent} mutants listed as equivalent in {listed_path.name}: "
            f"{100.0 * detected / (total - equivalent):.2f}% ({detected}/{total - equivalent})"
        )

    problems: List[str] = []
    for shown, name in enumerate(unlisted):
        if shown < args.show:
            diff = subprocess.run([mutmut, "show", name], capture_output=True, text=True, check=False).stdout
            print(f"\nSurvived, not listed ({status[name]}):\n{diff.rstrip()}")
        problems.append(f"{name}: {status[name]}, not killed by any test and not listed")
    for name in stale:
        problems.append(f"{name}: listed as equivalent but {status.get(name, 'no longer exists')}; remove or renumber")
    for problem in problems:
        print(f"mutation: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
