# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the inventory's files as a user does, with the json and csv modules, and print what the target checks.

Usage: python read_reports.py DIRECTORY
"""

import csv
import json
import os
import re
import stat
import sys

directory = sys.argv[1]


def read(name):
    with open(os.path.join(directory, name), encoding="utf-8") as f:
        return f.read()


with open(os.path.join(directory, "proxy_inventory.json"), encoding="utf-8") as f:
    inventory = json.load(f)
with open(os.path.join(directory, "proxy_sessions.csv"), newline="", encoding="utf-8") as f:
    sessions = list(csv.DictReader(f))
with open(os.path.join(directory, "proxy_numbers.csv"), newline="", encoding="utf-8") as f:
    numbers = list(csv.DictReader(f))
text = "".join(read(n) for n in sorted(os.listdir(directory)))
print(
    json.dumps(
        {
            "inventory": inventory,
            "sessions": sessions,
            "session_columns": list(sessions[0]) if sessions else [],
            "numbers": numbers,
            "number_columns": list(numbers[0]) if numbers else [],
            "unmasked_numbers": sorted(set(re.findall(r"\+1\d{10}", text))),
            "files": sorted(os.listdir(directory)),
            "modes": {n: oct(stat.S_IMODE(os.stat(os.path.join(directory, n)).st_mode)) for n in os.listdir(directory)},
        }
    )
)
