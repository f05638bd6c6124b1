# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Branch coverage of plugins/, per file, from the XML report that `ansible-test coverage xml --all` writes.

Usage: python hacking/coverage_gate.py COVERAGE.xml [--min-branch PERCENT] [--min-lines PERCENT] [--prefix plugins/]

Prints one row per file under the prefix (every file: `--all` adds those no test imported), with the lines not run
and the branches not taken (coverage.py's "line->line" notation, "exit" for leaving the function), then the totals.
Exits 1 when a total is below its minimum, or when the report has no file under the prefix.

The line figure the gate holds to leaves out the fallbacks for a missing botocore (an `except ImportError:` or
`except NameError:` handler and its body): botocore is installed wherever the tests run, so those lines never run,
and each new module_utils file would otherwise lower the figure by two lines without any test getting worse. They
are counted and printed beside the figure, and still shown as not run in their file's row.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field
from typing import List
from typing import Set

CONDITION = re.compile(r"\((\d+)/(\d+)\)")
FALLBACK_HANDLER = re.compile(r"^(\s*)except (ImportError|NameError)\b")


@dataclass
class FileCoverage:
    path: str
    statements: int = 0
    missed_lines: List[int] = field(default_factory=list)
    branches: int = 0
    branches_taken: int = 0
    missed_branches: List[str] = field(default_factory=list)
    fallback_lines: Set[int] = field(default_factory=set)

    @property
    def missed_beyond_fallbacks(self) -> List[int]:
        return [n for n in self.missed_lines if n not in self.fallback_lines]

    @property
    def branches_missed(self) -> int:
        return self.branches - self.branches_taken


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def ranges(numbers: List[int]) -> str:
    """1, 2, 3, 7 -> "1-3, 7", as coverage.py reports missing lines."""
    spans: List[List[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def fallback_lines(source: str) -> Set[int]:
    """The line numbers of `except ImportError:`/`except NameError:` handlers and of the bodies under them."""
    found: Set[int] = set()
    indent = None
    for number, text in enumerate(source.splitlines(), start=1):
        if indent is not None:
            if not text.strip() or len(text) - len(text.lstrip()) > indent:
                found.add(number)
                continue
            indent = None
        match = FALLBACK_HANDLER.match(text)
        if match:
            found.add(number)
            indent = len(match.group(1))
    return found


def read_report(path: str, prefix: str) -> List[FileCoverage]:
    files = []
    root = ET.parse(path).getroot()
    sources = [s.text for s in root.iter("source") if s.text]
    for cls in root.iter("class"):
        filename = cls.get("filename", "")
        if not filename.startswith(prefix):
            continue
        item = FileCoverage(filename)
        for base in sources:
            candidate = os.path.join(base, filename)
            if os.path.isfile(candidate):
                with open(candidate, encoding="utf-8") as handle:
                    item.fallback_lines = fallback_lines(handle.read())
                break
        for line in cls.iter("line"):
            number = int(line.get("number"))
            item.statements += 1
            if line.get("hits") == "0":
                item.missed_lines.append(number)
            if line.get("branch") == "true":
                taken, total = (int(n) for n in CONDITION.search(line.get("condition-coverage", "")).groups())
                item.branches += total
                item.branches_taken += taken
                for target in filter(None, (line.get("missing-branches") or "").split(",")):
                    item.missed_branches.append(f"{number}->{target}")
        files.append(item)
    return sorted(files, key=lambda f: f.path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--prefix", default="plugins/")
    parser.add_argument("--min-branch", type=float, default=0.0, help="least branch coverage, in percent")
    parser.add_argument("--min-lines", type=float, default=0.0, help="least line coverage, in percent")
    args = parser.parse_args()

    files = read_report(args.report, args.prefix)
    if not files:
        print(f"coverage gate: no file under {args.prefix} in {args.report}", file=sys.stderr)
        return 1

    width = max(len(f.path) for f in files)
    print(f"{'File':<{width}}  Stmts  Miss  Branch  BrMiss  Branch%  Not run / not taken")
    for f in files:
        missing = ", ".join(filter(None, [ranges(f.missed_lines), ", ".join(f.missed_branches)]))
        print(
            f"{f.path:<{width}}  {f.statements:>5}  {len(f.missed_lines):>4}  {f.branches:>6}  {f.branches_missed:>6}"
            f"  {percent(f.branches_taken, f.branches):>6.2f}%  {missing}"
        )
    statements = sum(f.statements for f in files)
    lines_run = statements - sum(len(f.missed_lines) for f in files)
    fallbacks = sum(len(set(f.missed_lines) & f.fallback_lines) for f in files)
    held_statements = statements - fallbacks
    held_run = held_statements - sum(len(f.missed_beyond_fallbacks) for f in files)
    held_percent = percent(held_run, held_statements)
    branches = sum(f.branches for f in files)
    taken = sum(f.branches_taken for f in files)
    branch_percent = percent(taken, branches)
    line_percent = percent(lines_run, statements)
    print(
        f"Branch coverage of {args.prefix}: {branch_percent:.2f}% ({taken}/{branches} branches taken); "
        f"lines {line_percent:.2f}% ({lines_run}/{statements}), {len(files)} files"
    )
    print(
        f"Lines beyond the {fallbacks} of the fallbacks for a missing botocore: {held_percent:.2f}% "
        f"({held_run}/{held_statements})"
    )

    failures = []
    # Compared at the precision printed, so that the figure written in the gate is the figure shown.
    if round(branch_percent, 2) < args.min_branch:
        failures.append(f"branch coverage {branch_percent:.2f}% is below the {args.min_branch:.2f}% reached before")
    if round(held_percent, 2) < args.min_lines:
        failures.append(
            f"line coverage beyond the botocore fallbacks, {held_percent:.2f}%, is below the {args.min_lines:.2f}%"
            " reached before"
        )
    for failure in failures:
        print(f"coverage gate: {failure}", file=sys.stderr)
    if not failures:
        print(f"coverage gate: passed (at least {args.min_branch:.2f}% of branches, {args.min_lines:.2f}% of lines)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
