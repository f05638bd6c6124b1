# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The proxy inventory's files: proxy_inventory.json, proxy_sessions.csv and proxy_numbers.csv.

Each account and region's part goes to a scratch directory as soon as the region is gathered (regions finish in
any order), so that memory holds the regions in flight, not the whole organisation. At the end the three files are
written in the order of the accounts and regions asked for, each into a temporary file beside its destination, and
moved into place (AnsibleModule.atomic_move) only when its content differs from the file already there: a rerun
over unchanged data changes nothing. A file is never half-written.

proxy_inventory.json is one JSON document with one connector or session per line (compact JSON, Python's C encoder:
readable with any JSON parser, and line by line with grep).
"""

import hashlib
import json
import os
import shutil
import tempfile
import threading
from functools import partial
from typing import IO
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from .errors import AnsibleChimeError
from .inventory import NUMBER_COLUMNS
from .inventory import SESSION_COLUMNS
from .inventory import RegionReport
from .inventory import csv_text

JSON_FILE = "proxy_inventory.json"
SESSIONS_FILE = "proxy_sessions.csv"
NUMBERS_FILE = "proxy_numbers.csv"
FILES = (JSON_FILE, SESSIONS_FILE, NUMBERS_FILE)
# The default mode of the files: they hold phone numbers (masked or not) and account ids.
DEFAULT_MODE = "0600"
CHUNK = 1 << 20


class Scratch:
    """Each gathered region's text, on disk under a scratch directory, until the files are assembled.

    A region's four pieces (its connectors and sessions as JSON arrays, its session and number CSV rows) are written
    as the files will hold them, one scratch file each, and later copied in as they are: nothing is parsed twice.
    """

    PIECES = ("voice_connectors", "proxy_sessions", "sessions_csv", "numbers_csv")

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.parts: Dict[Tuple[str, str], Tuple[Dict[str, Any], Dict[str, str]]] = {}
        self.lock = threading.Lock()

    def add(self, report: RegionReport) -> None:
        """Spill a region's text to disk and keep only its summary (thread-safe: files of its own)."""
        texts = {
            "voice_connectors": json_array(report.voice_connectors, " " * 8),
            "proxy_sessions": json_array(report.sessions_json, " " * 8),
            "sessions_csv": "".join(report.sessions_csv),
            "numbers_csv": "".join(report.numbers_csv),
        }
        paths = {}
        try:
            for piece in self.PIECES:
                fd, paths[piece] = tempfile.mkstemp(dir=self.directory, suffix=f".{piece}")
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    out.write(texts[piece])
        except OSError as e:
            raise AnsibleChimeError(message=f"Could not write the gathered data to {self.directory}: {e}") from e
        with self.lock:
            self.parts[(report.account_id, report.region)] = (report.summary, paths)

    def copy(self, key: Tuple[str, str], piece: str, out: IO[str]) -> None:
        with open(self.parts[key][1][piece], encoding="utf-8", newline="") as part:
            shutil.copyfileobj(part, out, CHUNK)


def json_array(lines: List[str], indent: str) -> str:
    """A JSON array of already-encoded items, one a line."""
    if not lines:
        return "[]"
    return "[" + ",".join("\n" + indent + line for line in lines) + "\n" + indent[:-2] + "]"


def write_json(
    out: IO[str],
    scratch: Scratch,
    order: List[Tuple[str, List[str]]],
    tail: Dict[str, Any],
    details: Optional[Dict[str, Dict[str, Any]]] = None,
) -> None:
    """proxy_inventory.json: accounts -> id -> regions -> region -> voice_connectors, proxy_sessions, summary; then
    the tail's keys (skipped, summary, phone_numbers_masked). order: each account id with its regions gathered;
    details: what the organisation says of each account (name, email, ou_path, state), before its regions."""
    out.write('{"accounts": {')
    for a_index, (account_id, regions) in enumerate(order):
        about = "".join(f"{json.dumps(k)}: {json.dumps(v)}, " for k, v in (details or {}).get(account_id, {}).items())
        out.write(("," if a_index else "") + f"\n  {json.dumps(account_id)}: " + "{" + about + '"regions": {')
        for r_index, region in enumerate(regions):
            key = (account_id, region)
            summary = scratch.parts[key][0]
            out.write(("," if r_index else "") + f"\n    {json.dumps(region)}: " + '{\n      "voice_connectors": ')
            scratch.copy(key, "voice_connectors", out)
            out.write(',\n      "proxy_sessions": ')
            scratch.copy(key, "proxy_sessions", out)
            out.write(f',\n      "summary": {json.dumps(summary)}\n    ' + "}")
        out.write("\n  }}" if regions else "}}")
    out.write("\n}" if order else "}")
    for key, value in tail.items():
        out.write(f",\n{json.dumps(key)}: {json.dumps(value)}")
    out.write("\n}\n")


def write_csv(out: IO[str], scratch: Scratch, order: List[Tuple[str, List[str]]], columns: List[str], key: str) -> None:
    out.write(csv_text([columns]))
    for account_id, regions in order:
        for region in regions:
            scratch.copy((account_id, region), key, out)


def _sha1(path: str) -> Optional[str]:
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha1()
    with open(path, "rb") as existing:
        for chunk in iter(lambda: existing.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_reports(
    module: Any,
    dest: Optional[str],
    scratch: Scratch,
    order: List[Tuple[str, List[str]]],
    tail: Dict[str, Any],
    details: Optional[Dict[str, Dict[str, Any]]] = None,
) -> Tuple[Dict[str, str], bool]:
    """Write (in check mode: only compare) the three files; their paths by name (proxy_sessions_csv: a key Jinja's
    dot notation can reach), and whether any changed.

    A file is moved into place only when its content differs from the one there; then (and for an unchanged one)
    mode, owner and group are set as asked (add_file_common_args; mode 0600 by default).
    """
    paths = {name: os.path.join(dest, name) for name in FILES}
    staging = scratch.directory if module.check_mode else dest
    changed = False
    for name, path in paths.items():
        if name == JSON_FILE:
            fill = partial(write_json, scratch=scratch, order=order, tail=tail, details=details)
        else:
            columns, key = (
                (SESSION_COLUMNS, "sessions_csv") if name == SESSIONS_FILE else (NUMBER_COLUMNS, "numbers_csv")
            )
            fill = partial(write_csv, scratch=scratch, order=order, columns=columns, key=key)
        changed = staged_write(module, staging, path, fill, keep_previous=False)[0] or changed
    return {name.replace(".", "_"): path for name, path in paths.items()}, changed


def staged_write(
    module: Any, staging: str, path: str, fill: Callable[[IO[str]], None], keep_previous: bool
) -> Tuple[bool, Optional[str]]:
    """Write a file through a temporary one in staging (beside it; in check mode the module's tmpdir, only
    compared), moved into place when its content differs; whether anything changed, and with keep_previous the copy
    kept of the file it replaced (named as Ansible's backup option names it), if one was.

    A file that cannot be written is an AnsibleChimeError that names it.
    """
    staged = None
    try:
        fd, staged = tempfile.mkstemp(dir=staging, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            fill(out)
        return place(module, staged, path, keep_previous)
    except OSError as e:
        raise AnsibleChimeError(message=f"Could not write {path}: {e}") from e
    finally:
        if staged is not None and os.path.exists(staged):
            os.remove(staged)


def keep_copy(module: Any, path: str) -> str:
    """A copy of path beside it, as Ansible's backup option makes one (path.PID.YYYY-MM-DD@HH:MM:SS~); its name."""
    try:
        return module.backup_local(path)
    except Exception as e:  # pylint: disable=broad-exception-caught  # backup_local wraps its OSError in Exception
        raise AnsibleChimeError(
            message=f"Could not keep a copy of {path} before replacing it: {e.__cause__ or e}"
        ) from e


def place(module: Any, staged: str, path: str, keep_previous: bool) -> Tuple[bool, Optional[str]]:
    """Move a staged file to path when its content differs (in check mode: only compare), with keep_previous
    keeping a copy of the file it replaces, then set mode, owner and group as asked (add_file_common_args; mode 0600
    by default); whether anything changed, and the copy kept, if one was."""
    exists = os.path.exists(path)
    changed = _sha1(staged) != _sha1(path)
    kept = None
    if changed and not module.check_mode:
        if not exists:
            # atomic_move gives a new file the umask's mode before the mode below is set: a file of phone
            # numbers is never readable by others, not even for that moment.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        elif keep_previous:
            kept = keep_copy(module, path)
        module.atomic_move(staged, path)
        exists = True
    return (set_attributes(module, path, changed) if exists else changed), kept


def set_attributes(module: Any, path: str, changed: bool = False) -> bool:
    """Set a file's mode, owner and group as asked (add_file_common_args; mode 0600 by default); whether anything
    changed, this or what came before (changed)."""
    file_args = module.load_file_common_arguments(module.params, path=path)
    if file_args.get("mode") is None:
        file_args["mode"] = DEFAULT_MODE
    return module.set_fs_attributes_if_different(file_args, changed)


def write_record(module: Any, path: str, text: str, rewrite: bool) -> Tuple[bool, Optional[str]]:
    """Write a record such as the drain's report (staged_write, the one it replaces kept beside it) when rewrite or
    when there is none yet; otherwise leave the one there as it is, only mode, owner and group applied. Whether
    anything changed, and the copy kept, if one was."""
    if not rewrite and os.path.exists(path):
        return set_attributes(module, path), None
    staging = module.tmpdir if module.check_mode else os.path.dirname(path)
    return staged_write(module, staging, path, lambda out: out.write(text), keep_previous=True)


def write_plan(module: Any, path: str, text: str) -> Tuple[bool, Optional[str]]:
    """Write a drain plan, the one file a rehearsal (check mode) writes: through a temporary file beside it, mode
    0600, the plan it replaces kept beside it; whether it changed, and the copy kept, if one was."""
    staged = None
    try:
        fd, staged = tempfile.mkstemp(dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if _sha1(staged) == _sha1(path):
            return False, None
        kept = keep_copy(module, path) if os.path.exists(path) else None
        module.atomic_move(staged, path)
        os.chmod(path, 0o600)
        return True, kept
    except OSError as e:
        raise AnsibleChimeError(message=f"Could not write {path}: {e}") from e
    finally:
        if staged is not None and os.path.exists(staged):
            os.remove(staged)


def dest_violations(dest: Optional[str]) -> List[str]:
    """dest's rule: a directory that can be written, or a path where one can be made (its nearest existing parent
    is a directory that can be written)."""
    if dest is None:
        return []
    if os.path.exists(dest):
        if not os.path.isdir(dest):
            return [f"dest must be a directory, {dest} is not one"]
        where = dest
    else:
        where = os.path.dirname(os.path.abspath(dest))
        while not os.path.exists(where):
            where = os.path.dirname(where)
        if not os.path.isdir(where):
            return [f"dest must be a directory or a path where one can be made, {where} is not a directory"]
    if not os.access(where, os.W_OK | os.X_OK):
        return [f"dest must be a directory this user can write in, {where} is not writable"]
    return []


def ensure_dest(module: Any, dest: str, plan_too: bool = False) -> None:
    """Make dest (mode 0700) when it does not exist, except in check mode unless a plan is to be written there
    (plan_too). The files written into a new directory are what says that the task changed something."""
    if os.path.exists(dest) or (module.check_mode and not plan_too):
        return
    try:
        os.makedirs(dest, mode=0o700)
    except OSError as e:
        raise AnsibleChimeError(message=f"Could not make dest {dest}, nothing was sent to AWS: {e}") from e


def scratch_directory(module: Any, dest: Optional[str]) -> str:
    """Where the regions' parts wait: beside the files (same file system) or, in check mode, the module's tmpdir."""
    base = module.tmpdir if module.check_mode or dest is None else dest
    return tempfile.mkdtemp(dir=base, prefix=".proxy_inventory.")


def remove_scratch(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)
