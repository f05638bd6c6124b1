# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The drain plan: what a rehearsal found, written for review, and the only thing a confirmed drain may touch.

drain_plan.json holds, per account and region, each connector to drain with its proxy configuration, how many of its
sessions are not Closed and, with release_numbers, each number it would release; when the plan was made; and a digest
of all that (SHA-256 of the plan's canonical JSON, without the digest). A drain given a plan reads it before any
request and refuses it, naming why, when the file is not a plan, its content does not match its own digest or the
plan_digest the reviewer was given, it is older than plan_max_age (or dated in the future), or it was made with
another release_numbers than the drain's. Applied, the plan limits the drain: only its accounts, regions and
connectors, and only its numbers (a number a connector gained since is reported and kept). A connector's sessions are
all deleted, those that appeared since too: the connector is disabled first, so that no more appear.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from .errors import AnsibleChimeError

PLAN_FILE = "drain_plan.json"
KIND = "telephony.chime.drain_plan"
VERSION = 1
DEFAULT_MAX_AGE = 86400
MAX_AGE_LIMITS = (60, 90 * 86400)
# A plan made this far in the future of this machine's clock is refused (clocks a little apart are not).
CLOCK_SKEW = 300


def canonical(body: Dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("utf-8")


def digest_of(body: Dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass
class PlannedConnector:
    voice_connector_id: str
    numbers: Optional[List[str]]  # None: the plan releases no number


@dataclass
class Plan:
    """A plan read and verified: its digest, when it was made, and what it lets the drain touch."""

    path: str
    digest: str
    made: str
    release_numbers: bool
    units: Dict[Tuple[str, str], List[PlannedConnector]] = field(default_factory=dict)

    def connectors(self, account_id: str, region: str) -> Optional[List[PlannedConnector]]:
        return self.units.get((account_id, region))

    @property
    def accounts(self) -> List[str]:
        return list(dict.fromkeys(account_id for account_id, _region in self.units))

    @property
    def regions(self) -> List[str]:
        return list(dict.fromkeys(region for _account_id, region in self.units))


def plan_body(
    units: List[Dict[str, Any]],
    release_numbers: bool,
    made: Optional[datetime.datetime] = None,
    not_planned: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """The plan of a rehearsal: units are {account_id, account, region, voice_connectors: [...]} in the order drained;
    not_planned, what the rehearsal could not read (an account or region not reached, a connector that failed), each
    with why, so that the reviewer sees what the plan leaves out and a drain of it leaves alone."""
    accounts: Dict[str, Dict[str, Any]] = {}
    for unit in units:
        entry = accounts.setdefault(unit["account_id"], {"account": unit["account"], "regions": {}})
        entry["regions"][unit["region"]] = {"voice_connectors": unit["voice_connectors"]}
    return {
        "kind": KIND,
        "version": VERSION,
        "made": (made or now_utc()).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "release_numbers": release_numbers,
        "accounts": accounts,
        "not_planned": list(not_planned or []),
        "summary": {
            "accounts": len(accounts),
            "account_regions": len(units),
            "voice_connectors": sum(len(u["voice_connectors"]) for u in units),
            "sessions_not_closed": sum(c["sessions_not_closed"] for u in units for c in u["voice_connectors"]),
            "numbers_to_release": sum(
                len(c.get("numbers_to_release") or []) for u in units for c in u["voice_connectors"]
            ),
            "not_planned": len(not_planned or []),
        },
    }


def plan_text(body: Dict[str, Any]) -> Tuple[str, str]:
    """The plan file's text (the body with its digest, one connector a line) and the digest."""
    digest = digest_of(body)
    return json.dumps({**body, "digest": digest}, indent=2, sort_keys=False) + "\n", digest


def _refuse(path: str, why: str) -> AnsibleChimeError:
    return AnsibleChimeError(message=f"The plan {path} is refused, nothing was sent to AWS: {why}")


def read_plan(path: str, expected_digest: Optional[str], max_age: int, release_numbers: bool) -> Plan:
    """The plan at path, verified before any request (see the module docstring); AnsibleChimeError names why not."""
    try:
        with open(path, "rb") as f:
            document = json.loads(f.read().decode("utf-8"))
    except OSError as e:
        raise _refuse(path, f"it cannot be read ({e.strerror or e})") from e
    except ValueError as e:
        raise _refuse(path, f"it is not JSON ({e})") from e
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise _refuse(path, f'it is not a drain plan (no "kind": "{KIND}")')
    if document.get("version") != VERSION:
        raise _refuse(path, f"it is a plan of version {document.get('version')!r}; this drain reads version {VERSION}")
    stored = document.pop("digest", None)
    digest = digest_of(document)
    if stored != digest:
        raise _refuse(path, f"its content does not match its own digest ({stored}): it was changed after it was made")
    if expected_digest is not None and expected_digest != digest:
        raise _refuse(path, f"its digest is {digest}, not the plan_digest given ({expected_digest})")
    try:
        made = datetime.datetime.fromisoformat(str(document["made"]).replace("Z", "+00:00"))
        age = (now_utc() - made).total_seconds()
    except (KeyError, ValueError, TypeError) as e:
        raise _refuse(path, f"its made time {document.get('made')!r} is not an ISO 8601 UTC time") from e
    if age > max_age:
        raise _refuse(
            path, f"it was made {age / 3600:.1f} hours ago ({document['made']}), over plan_max_age ({max_age} s)"
        )
    if age < -CLOCK_SKEW:
        raise _refuse(path, f"it is dated {document['made']}, in the future of this machine's clock")
    if bool(document.get("release_numbers")) != release_numbers:
        raise _refuse(
            path,
            f"it was made with release_numbers={str(bool(document.get('release_numbers'))).lower()}, and this drain"
            f" has release_numbers={str(release_numbers).lower()}",
        )
    plan = Plan(path, digest, document["made"], release_numbers)
    try:
        for account_id, account in document["accounts"].items():
            for region, unit in account["regions"].items():
                plan.units[(account_id, region)] = [
                    PlannedConnector(
                        c["voice_connector_id"], list(c.get("numbers_to_release") or []) if release_numbers else None
                    )
                    for c in unit["voice_connectors"]
                ]
    except (KeyError, TypeError, AttributeError) as e:
        raise _refuse(path, f"its accounts are not laid out as a plan's ({e!r})") from e
    return plan
