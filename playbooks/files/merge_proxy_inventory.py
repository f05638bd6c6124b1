# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Merge the proxy inventories of several accounts into one, as one task over all of them writes it.

Usage: python merge_proxy_inventory.py [--found N] [--left-out JSON] OUTPUT_DIR ACCOUNT_ID...

The playbook proxy_inventory_per_account.yml runs telephony.chime.chime_proxy_inventory once per account of its
inventory, each into OUTPUT_DIR/ACCOUNT_ID/ (proxy_inventory.json, proxy_sessions.csv, proxy_numbers.csv, and
account.json, what the inventory says of the account), then this script on the controller. It writes into
OUTPUT_DIR the three files of chime_proxy_inventory's organization option, in the order of the accounts given:

- proxy_inventory.json: accounts -> account ID -> name, email, ou_path, state, regions (as each account's file
  has them); skipped (each account's, and an entry for each account given whose files are not all there); summary
  (each account's summed: the totals, by status, by region, by account); phone_numbers_masked (true when every
  account's is); organization (accounts_found: --found, or the accounts given and left out; accounts_in_scope: the
  accounts given; accounts_reached: those whose file lists them; accounts_left_out: --left-out, the inventory's
  chime_accounts_left_out);
- proxy_sessions.csv and proxy_numbers.csv: the header once, then each account's rows.

Each file is written to a temporary file in OUTPUT_DIR and moved into place, mode 0600, only when its content
changed. It prints one JSON object: changed, files, summary, skipped, organization, phone_numbers_masked. Python's
json and csv modules only, so that it runs with the Python that runs Ansible (ansible_playbook_python).
"""

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile

JSON_FILE = "proxy_inventory.json"
SESSIONS_FILE = "proxy_sessions.csv"
NUMBERS_FILE = "proxy_numbers.csv"
ACCOUNT_FILE = "account.json"
FILES = (JSON_FILE, SESSIONS_FILE, NUMBERS_FILE)
DETAILS = ("name", "email", "ou_path", "state")
ACCOUNT_ID = re.compile(r"\d{12}")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def added(total, more):
    """Two summaries added up: numbers summed, dicts summed key by key (in the order first seen)."""
    for key, value in more.items():
        if isinstance(value, dict):
            total[key] = added(dict(total.get(key) or {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


def items(values, indent):
    """A JSON array, one item a line, as chime_proxy_inventory writes it."""
    if not values:
        return "[]"
    return "[" + ",".join("\n" + indent + json.dumps(v) for v in values) + "\n" + indent[:-2] + "]"


def write_account(out, account_id, details, regions):
    about = "".join(f"{json.dumps(k)}: {json.dumps(details[k])}, " for k in DETAILS if k in details)
    out.write(f"\n  {json.dumps(account_id)}: " + "{" + about + '"regions": {')
    for index, (region, part) in enumerate(regions.items()):
        out.write(("," if index else "") + f"\n    {json.dumps(region)}: " + "{")
        out.write('\n      "voice_connectors": ' + items(part.get("voice_connectors", []), " " * 8))
        out.write(',\n      "proxy_sessions": ' + items(part.get("proxy_sessions", []), " " * 8))
        out.write(f',\n      "summary": {json.dumps(part.get("summary", {}))}\n    ' + "}")
    out.write("\n  }}" if regions else "}}")


def csv_rows(path, header):
    """The rows of one account's CSV file, its header checked against the first account's."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return header, []
    if header is not None and rows[0] != header:
        raise SystemExit(f"{path}: its columns {rows[0]} are not the other accounts' {header}")
    return rows[0], rows[1:]


def place(output_dir, name, text):
    """Write a file through a temporary one beside it, mode 0600, moved into place only when it changed."""
    path = os.path.join(output_dir, name)
    new = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if os.path.isfile(path):
        with open(path, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() == new:
                os.chmod(path, 0o600)
                return path, False
    fd, staged = tempfile.mkstemp(dir=output_dir, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(staged, 0o600)
        os.replace(staged, path)
    finally:
        if os.path.exists(staged):
            os.remove(staged)
    return path, True


def merge(output_dir, account_ids, left_out, found):
    json_out = io.StringIO()
    sessions = {"header": None, "rows": []}
    numbers = {"header": None, "rows": []}
    skipped, summary, masked, reached = [], {}, [], 0
    json_out.write('{"accounts": {')
    written = 0
    for account_id in account_ids:
        directory = os.path.join(output_dir, account_id)
        missing = [name for name in FILES if not os.path.isfile(os.path.join(directory, name))]
        if missing:
            reason = f"no {', '.join(missing)} in {directory}: the account's audit did not write its files"
            skipped.append(
                {"account_id": account_id, "account": "the inventory's host", "region": None, "reason": reason}
            )
            continue
        part = read_json(os.path.join(directory, JSON_FILE))
        details_path = os.path.join(directory, ACCOUNT_FILE)
        details = read_json(details_path) if os.path.isfile(details_path) else {}
        for listed_id, account in part.get("accounts", {}).items():
            json_out.write("," if written else "")
            write_account(json_out, listed_id, details if listed_id == account_id else {}, account.get("regions", {}))
            written += 1
            reached += listed_id == account_id
        skipped.extend(part.get("skipped", []))
        summary = added(summary, part.get("summary", {}))
        masked.append(bool(part.get("phone_numbers_masked")))
        for name, into in ((SESSIONS_FILE, sessions), (NUMBERS_FILE, numbers)):
            into["header"], rows = csv_rows(os.path.join(directory, name), into["header"])
            into["rows"].extend(rows)
    json_out.write("\n}" if written else "}")
    organization = {
        "accounts_found": found if found is not None else len(account_ids) + len(left_out),
        "accounts_in_scope": len(account_ids),
        "accounts_reached": reached,
        "accounts_left_out": left_out,
    }
    tail = {"skipped": skipped, "summary": summary, "phone_numbers_masked": all(masked), "organization": organization}
    for key, value in tail.items():
        json_out.write(f",\n{json.dumps(key)}: {json.dumps(value)}")
    json_out.write("\n}\n")
    texts = {JSON_FILE: json_out.getvalue()}
    for name, into in ((SESSIONS_FILE, sessions), (NUMBERS_FILE, numbers)):
        out = io.StringIO()
        writer = csv.writer(out)
        if into["header"] is not None:
            writer.writerow(into["header"])
        writer.writerows(into["rows"])
        texts[name] = out.getvalue()
    changed, files = False, {}
    for name, text in texts.items():
        files[name.replace(".", "_")], file_changed = place(output_dir, name, text)
        changed = changed or file_changed
    return {"changed": changed, "files": files, **tail}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir")
    parser.add_argument("account_ids", nargs="*", metavar="ACCOUNT_ID")
    parser.add_argument("--found", type=int, help="how many accounts the inventory found, left out included")
    parser.add_argument("--left-out", default="[]", help="JSON: the inventory's chime_accounts_left_out")
    args = parser.parse_intermixed_args(argv)
    bad = [a for a in args.account_ids if not ACCOUNT_ID.fullmatch(a)]
    if bad:
        parser.error(f"account IDs are 12 digits, got {bad}")
    if not os.path.isdir(args.output_dir):
        parser.error(f"{args.output_dir} is not a directory")
    account_ids = list(dict.fromkeys(args.account_ids))
    print(json.dumps(merge(args.output_dir, account_ids, json.loads(args.left_out), args.found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
