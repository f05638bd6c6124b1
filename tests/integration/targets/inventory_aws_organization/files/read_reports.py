# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a proxy inventory's three files as a user does (json, csv) and print them with the CSV rows sorted, so that
two inventories of the same data written in another order compare equal.

Usage: python read_reports.py DIRECTORY
"""

import csv
import json
import os
import stat
import sys

directory = sys.argv[1]


def rows(name):
    with open(os.path.join(directory, name), newline="", encoding="utf-8") as f:
        found = list(csv.reader(f))
    return {"columns": found[0] if found else [], "rows": sorted(found[1:])}


with open(os.path.join(directory, "proxy_inventory.json"), encoding="utf-8") as f:
    inventory = json.load(f)
modes = {
    name: oct(stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode))
    for name in ("proxy_inventory.json", "proxy_sessions.csv", "proxy_numbers.csv")
}
print(
    json.dumps(
        {
            "inventory": inventory,
            "sessions": rows("proxy_sessions.csv"),
            "numbers": rows("proxy_numbers.csv"),
            "modes": modes,
        }
    )
)
