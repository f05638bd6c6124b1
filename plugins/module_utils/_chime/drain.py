# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The drain of a region's voice connectors in one process: proxy sessions deleted, proxy configuration removed,
numbers released.

Each connector goes through AWS's documented order, one step after the other:

1. stop new sessions: PutVoiceConnectorProxy with the connector's own configuration and Disabled;
2. list its sessions, every page, before any is deleted (NextToken is opaque: deleting while listing could move
   sessions between pages that are not read yet);
3. delete those that are not Closed, one DeleteProxySession each; NotFoundException means already gone;
4. remove the proxy configuration (DeleteVoiceConnectorProxy);
5. when asked, take its numbers off it (DisassociatePhoneNumbersFromVoiceConnector) and put them in the 7-day
   deletion queue (DeletePhoneNumber, BatchDeletePhoneNumber), then read each once for the day it leaves the account.

A connector stops at the first step that fails (a session that cannot be deleted keeps its proxy configuration),
and never stops the others. Connectors are drained at the same time; every request of the region, whichever
connector it is for, shares one bound of max_concurrency in flight, since AWS's rate limits are per account and
region. In check mode only the reads are sent (steps 1, 2 and 5's listing), and the report says what would be done.
"""

import threading
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from .concurrency import MAX_OPEN_REGIONS
from .concurrency import WorkingBound
from .concurrency import run_concurrently
from .errors import AnsibleChimeError
from .errors import reason_of
from .normalize import snake_case_keys
from .phone_numbers import BATCH_DELETE_SIZE
from .phone_numbers import delete_phone_numbers
from .phone_numbers import disassociate_phone_numbers
from .phone_numbers import e164
from .phone_numbers import get_phone_number
from .phone_numbers import leaves_account
from .phone_numbers import list_voice_connector_phone_numbers
from .phone_numbers import refused_numbers
from .proxy_sessions import delete_proxy_session
from .proxy_sessions import list_proxy_sessions
from .voice_connector_proxy import delete_voice_connector_proxy
from .voice_connector_proxy import disabling_members
from .voice_connector_proxy import get_voice_connector_proxy
from .voice_connector_proxy import put_voice_connector_proxy
from .voice_connectors import get_voice_connector
from .voice_connectors import list_voice_connectors

CLOSED = "Closed"


class RegionGate:
    """A client whose requests, from every thread, are at most `limit` in flight at once.

    Each API method takes a slot for one request and gives it back with the answer, so that the retry layer's
    back-off waits outside the bound. Everything else (meta, exceptions) is the client's own. `operations` lists the
    operations sent, each once, in the order first sent.
    """

    def __init__(self, client: Any, limit: int) -> None:
        self._client = client
        self._slots = threading.BoundedSemaphore(limit)
        self._sent: Dict[str, None] = {}
        self._lock = threading.Lock()

    @property
    def operations(self) -> List[str]:
        with self._lock:
            return list(self._sent)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        operation = self._client.meta.method_to_api_mapping.get(name)
        if operation is None:  # not an API operation (meta, exceptions, get_paginator, ...)
            return attribute

        def gated(**kwargs: Any) -> Any:  # botocore's API methods take keyword arguments only
            with self._lock:
                self._sent.setdefault(operation)
            with self._slots:
                return attribute(**kwargs)

        return gated


@dataclass
class ConnectorDrain:
    """What was found and done on one connector; report() gives the module's form.

    planned_numbers: with a plan, the only numbers the drain may release (None: no plan, every number it holds).
    """

    voice_connector_id: str
    rehearsal: bool
    account_id: Optional[str] = None
    region: Optional[str] = None
    planned_numbers: Optional[List[str]] = None
    numbers_not_in_plan: List[str] = field(default_factory=list)
    proxy: Optional[Dict[str, Any]] = None
    proxy_known: bool = False
    stopping: bool = False  # the disabling Put was sent
    stopped_new_sessions: Optional[bool] = None  # None: step 1 not done
    listed: bool = False
    not_closed: List[str] = field(default_factory=list)
    closed_left: int = 0
    deleted: int = 0
    already_gone: int = 0
    proxy_removed: Optional[bool] = None  # None: step 4 not reached
    numbers_to_release: List[str] = field(default_factory=list)
    disassociated: List[str] = field(default_factory=list)
    released: List[str] = field(default_factory=list)
    leave_account: Dict[str, str] = field(default_factory=dict)
    failed: Optional[str] = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail(self, reason: str) -> None:
        with self.lock:
            self.failed = self.failed or reason

    @property
    def sessions_left(self) -> int:
        """Sessions not Closed that are still there (in check mode, that would be: none)."""
        return 0 if self.rehearsal else len(self.not_closed) - self.deleted - self.already_gone

    @property
    def writes_planned(self) -> int:
        """In a rehearsal, the requests the real run sends for what it found, beyond the reads the rehearsal sent too:
        the disable, one delete a session, the removal, and the numbers' disassociation, deletion and reads."""
        numbers = len(self.numbers_to_release)
        deletes = 1 if numbers == 1 else -(-numbers // BATCH_DELETE_SIZE)
        release = 1 + deletes + numbers if numbers else 0
        return int(bool(self.stopped_new_sessions)) + len(self.not_closed) + int(bool(self.proxy_removed)) + release

    @property
    def changed(self) -> bool:
        return bool(
            self.stopped_new_sessions
            or self.deleted
            or (self.rehearsal and self.not_closed and self.failed is None)
            or self.proxy_removed
            or self.disassociated
            or self.released
            or (self.rehearsal and self.numbers_to_release)
        )

    def report(self) -> Dict[str, Any]:
        if self.stopped_new_sessions is None:
            stopped = "failed" if self.stopping else "not reached"
        elif self.proxy is None:
            stopped = "no proxy configuration"
        elif not self.stopped_new_sessions:
            stopped = "already"
        else:
            stopped = "would be" if self.rehearsal else "yes"
        if self.proxy_removed is None:
            configuration = "none" if self.proxy_known and self.proxy is None else "kept"
        elif not self.proxy_removed:
            configuration = "none"
        else:
            configuration = "would be removed" if self.rehearsal else "removed"
        to_delete = len(self.not_closed) if self.rehearsal and self.listed else 0
        where = {"account_id": self.account_id, "region": self.region} if self.account_id else {}
        return {
            **where,
            "voice_connector_id": self.voice_connector_id,
            "rehearsal": self.rehearsal,
            "changed": self.changed,
            "new_sessions_stopped": stopped,
            "sessions_not_closed": len(self.not_closed),
            "sessions_closed_left": self.closed_left,
            "sessions_deleted": self.deleted,
            "sessions_to_delete": to_delete,
            "sessions_already_gone": self.already_gone,
            "sessions_not_deleted": self.sessions_left,
            "proxy_configuration": configuration,
            "numbers_to_release": self.numbers_to_release if self.rehearsal else [],
            "numbers_disassociated": self.disassociated,
            "numbers_released": self.released,
            "numbers_leave_account": self.leave_account,
            **({"numbers_not_in_plan": self.numbers_not_in_plan} if self.planned_numbers is not None else {}),
            "failed": self.failed,
        }

    def plan_entry(self) -> Dict[str, Any]:
        """What a plan says of the connector: its proxy configuration, its sessions, and the numbers to release."""
        return {
            "voice_connector_id": self.voice_connector_id,
            "proxy": snake_case_keys(self.proxy or {}),
            "sessions_not_closed": len(self.not_closed),
            "sessions_closed": self.closed_left,
            "numbers_to_release": self.numbers_to_release,
        }


def diff_of(drain: ConnectorDrain, release_numbers: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The connector before and after the drain (in check mode, as it would be after), for --diff: its proxy
    configuration ({} where there is none), how many sessions are not Closed, and with release_numbers its numbers."""
    proxy = snake_case_keys(drain.proxy or {})
    if drain.proxy_removed is not None:  # removed, would be, or already gone
        proxy_after: Dict[str, Any] = {}
    elif drain.stopped_new_sessions:
        proxy_after = {**proxy, "disabled": True}
    else:
        proxy_after = proxy
    before = {"proxy_configuration": proxy, "sessions_not_closed": len(drain.not_closed)}
    after = {"proxy_configuration": proxy_after, "sessions_not_closed": drain.sessions_left}
    if release_numbers:
        # A rehearsal that failed never got as far as listing the numbers: numbers_to_release is empty then.
        taken = drain.numbers_to_release if drain.rehearsal else drain.disassociated
        before["phone_numbers"] = drain.numbers_to_release
        after["phone_numbers"] = [n for n in drain.numbers_to_release if n not in taken]
    return before, after


def other_associations(number: Dict[str, Any], voice_connector_id: str) -> List[str]:
    """What else a number is associated with than the connector being drained ("SipRuleId abc", ...)."""
    return [
        f"{a.get('Name')} {a.get('Value')}"
        for a in number.get("Associations") or []
        if not (a.get("Name") == "VoiceConnectorId" and a.get("Value") == voice_connector_id)
    ]


class RegionDrain:
    """Drains connectors of one region through one gated client; the deletes of every connector share one pool."""

    def __init__(self, client: Any, max_concurrency: int, check_mode: bool, release_numbers: bool) -> None:
        self.client = RegionGate(client, max_concurrency)
        self.max_concurrency = max_concurrency
        self.check_mode = check_mode
        self.release_numbers = release_numbers
        self.deleters: Any = None  # the pool of deleters, while drain() runs

    def connectors_with_proxy(self) -> List[ConnectorDrain]:
        """Every connector of the region that has a proxy configuration, in the service's order."""
        ids = [vc["VoiceConnectorId"] for vc in list_voice_connectors(self.client)]
        proxies = run_concurrently(
            lambda vc_id: get_voice_connector_proxy(self.client, vc_id), ids, self.max_concurrency
        )
        return [
            ConnectorDrain(vc_id, self.check_mode, proxy=proxy, proxy_known=True)
            for vc_id, proxy in zip(ids, proxies)
            if proxy is not None
        ]

    def drain(self, drains: List[ConnectorDrain]) -> List[ConnectorDrain]:
        """Drain each connector (at most max_concurrency at once); each one's report says what was done."""
        with ThreadPoolExecutor(max_workers=self.max_concurrency) as deleters:
            self.deleters = deleters
            run_concurrently(self.drain_one, drains, self.max_concurrency)
        return drains

    def drain_one(self, drain: ConnectorDrain) -> None:
        try:
            for step in (self.stop_new_sessions, self.list_sessions, self.delete_sessions, self.remove_proxy):
                step(drain)
                if drain.failed:
                    return
            if self.release_numbers:
                self.release(drain)
        except AnsibleChimeError as e:
            drain.fail(reason_of(e))

    # 1. ------------------------------------------------------------------------------------------------------------
    def stop_new_sessions(self, drain: ConnectorDrain) -> None:
        vc_id = drain.voice_connector_id
        if not drain.proxy_known:
            drain.proxy = get_voice_connector_proxy(self.client, vc_id)
            drain.proxy_known = True
            # No proxy configuration, or no connector: GetVoiceConnectorProxy answers NotFound for both.
            if drain.proxy is None and get_voice_connector(self.client, vc_id) is None:
                drain.fail(f"Voice connector {vc_id} does not exist in region {self.client.meta.region_name}")
                return
        enabled = drain.proxy is not None and not drain.proxy.get("Disabled")
        if enabled and not self.check_mode:
            drain.stopping = True
            put_voice_connector_proxy(self.client, vc_id, disabling_members(drain.proxy))
        drain.stopped_new_sessions = enabled

    # 2. ------------------------------------------------------------------------------------------------------------
    def list_sessions(self, drain: ConnectorDrain) -> None:
        sessions = list_proxy_sessions(self.client, drain.voice_connector_id)
        drain.not_closed = [s["ProxySessionId"] for s in sessions if s.get("Status") != CLOSED]
        drain.closed_left = len(sessions) - len(drain.not_closed)
        drain.listed = True

    # 3. ------------------------------------------------------------------------------------------------------------
    def delete_sessions(self, drain: ConnectorDrain) -> None:
        if self.check_mode or not drain.not_closed:
            return
        futures: List[Future] = [self.deleters.submit(self.delete_session, drain, i) for i in drain.not_closed]
        for future in futures:
            future.result()
        if drain.failed:
            drain.failed = (
                f"{drain.failed}; {len(drain.not_closed) - drain.deleted - drain.already_gone} session(s) not"
                " deleted, the proxy configuration is kept"
            )

    def delete_session(self, drain: ConnectorDrain, proxy_session_id: str) -> None:
        """One DeleteProxySession, unless the connector has already failed (then the session is not tried)."""
        if drain.failed:
            return
        try:
            deleted = delete_proxy_session(self.client, drain.voice_connector_id, proxy_session_id)
        except AnsibleChimeError as e:
            drain.fail(reason_of(e))
            return
        with drain.lock:
            if deleted:
                drain.deleted += 1
            else:
                drain.already_gone += 1

    # 4. ------------------------------------------------------------------------------------------------------------
    def remove_proxy(self, drain: ConnectorDrain) -> None:
        if drain.proxy is None:
            return  # nothing to remove: the report says "none"
        if self.check_mode:
            drain.proxy_removed = True
        else:
            drain.proxy_removed = delete_voice_connector_proxy(self.client, drain.voice_connector_id)

    # 5. ------------------------------------------------------------------------------------------------------------
    def release(self, drain: ConnectorDrain) -> None:
        vc_id = drain.voice_connector_id
        numbers = list_voice_connector_phone_numbers(self.client, vc_id)
        if drain.planned_numbers is not None:
            numbers_in_plan = [n for n in numbers if e164(n["E164PhoneNumber"]) in drain.planned_numbers]
        else:
            numbers_in_plan = numbers
        elsewhere = [
            f"{n['E164PhoneNumber']} ({', '.join(other_associations(n, vc_id))})"
            for n in numbers_in_plan
            if other_associations(n, vc_id)
        ]
        if elsewhere:
            drain.fail(
                f"Phone numbers of {vc_id} are also associated elsewhere, so none was released: {'; '.join(elsewhere)}"
            )
            return
        held = sorted(e164(n["E164PhoneNumber"]) for n in numbers)
        if drain.planned_numbers is not None:  # a plan: only its numbers; one the connector gained since is kept
            drain.numbers_not_in_plan = [n for n in held if n not in drain.planned_numbers]
            held = [n for n in held if n in drain.planned_numbers]
        drain.numbers_to_release = held
        if self.check_mode or not held:
            return
        refused = disassociate_phone_numbers(self.client, vc_id, held)
        not_taken_off = refused_numbers(refused, held)
        drain.disassociated = [n for n in held if n not in not_taken_off]
        if drain.disassociated:
            # Numbers taken off the connector are released even when others were refused: a rerun would no longer
            # find them on the connector.
            queued = delete_phone_numbers(self.client, drain.disassociated)
            not_queued = refused_numbers(queued, drain.disassociated)
            drain.released = [n for n in drain.disassociated if n not in not_queued]
            refused = refused + queued
            found = run_concurrently(lambda n: get_phone_number(self.client, n), drain.released, self.max_concurrency)
            drain.leave_account = {
                n: leaves_account(f["DeletionTimestamp"])
                for n, f in zip(drain.released, found)
                if f is not None and f.get("DeletionTimestamp")
            }
        if refused:
            drain.fail(
                f"The service refused numbers of {vc_id}: "
                + "; ".join(
                    f"{e.get('PhoneNumberId')} ({e.get('ErrorCode')}: {e.get('ErrorMessage')})" for e in refused
                )
            )


def summarize(drains: List[ConnectorDrain]) -> Dict[str, Any]:
    """The drain's totals over every connector."""
    reports = [d.report() for d in drains]

    def total(key: str) -> int:
        return sum(r[key] if isinstance(r[key], int) else len(r[key]) for r in reports)

    return {
        "voice_connectors": len(reports),
        "voice_connectors_failed": sum(1 for r in reports if r["failed"]),
        "sessions_deleted": total("sessions_deleted"),
        "sessions_to_delete": total("sessions_to_delete"),
        "sessions_not_deleted": total("sessions_not_deleted"),
        "proxy_configurations_removed": sum(1 for r in reports if r["proxy_configuration"] == "removed"),
        "numbers_released": total("numbers_released"),
        "numbers_to_release": total("numbers_to_release"),
    }


def drain_region(
    client: Any,
    voice_connector_ids: Optional[List[str]],
    max_concurrency: int,
    check_mode: bool,
    release_numbers: bool,
) -> Tuple[List[ConnectorDrain], List[str]]:
    """Drain the connectors given (None: every connector of the region with a proxy configuration), in order; the
    connectors' drains, and the operations sent (each once, in the order first sent)."""
    region = RegionDrain(client, max_concurrency, check_mode, release_numbers)
    if voice_connector_ids is None:
        drains = region.connectors_with_proxy()
    else:
        drains = [ConnectorDrain(vc_id, check_mode) for vc_id in dict.fromkeys(voice_connector_ids)]
    return region.drain(drains), region.client.operations


# --- every account and region ---------------------------------------------------------------------------------------


@dataclass
class UnitDrain:
    """One account and region of a drain: its connectors' drains, the operations sent, the connectors a plan left
    alone, or why it could not be drained at all (failed)."""

    account: Any
    region: str
    drains: List[ConnectorDrain] = field(default_factory=list)
    operations: List[str] = field(default_factory=list)
    left_alone: List[str] = field(default_factory=list)
    failed: Optional[str] = None


def drain_units(
    reacher: Any,
    units: List[Tuple[Any, str]],
    endpoint_url_for: Callable[[str], Optional[str]],
    voice_connector_ids: Optional[List[str]],
    plan: Any,
    max_concurrency: int,
    max_regions: int,
    check_mode: bool,
    release_numbers: bool,
) -> List[UnitDrain]:
    """Drain every account and region given (account, region) at the same time within the audit's budget (audit.py):
    each with its own client and pace, each as drain_region drains a region. With a plan, only the connectors it lists
    (the region's other connectors are listed once, to report them left alone) and only its numbers. A unit that fails
    never stops the others."""

    def drain_unit(unit: Tuple[Any, str], weigh: Callable[[int], None]) -> UnitDrain:
        account, region = unit
        done = UnitDrain(account, region)
        try:
            client = reacher.chime_client(account, region, endpoint_url_for(region))
            region_drain = RegionDrain(client, max_concurrency, check_mode, release_numbers)
            if plan is not None:
                planned = plan.connectors(account.account_id, region)
                drains = [ConnectorDrain(p.voice_connector_id, check_mode, planned_numbers=p.numbers) for p in planned]
                listed = [vc["VoiceConnectorId"] for vc in list_voice_connectors(region_drain.client)]
                done.left_alone = [vc_id for vc_id in listed if vc_id not in {d.voice_connector_id for d in drains}]
            elif voice_connector_ids is None:
                drains = region_drain.connectors_with_proxy()
            else:
                drains = [ConnectorDrain(vc_id, check_mode) for vc_id in dict.fromkeys(voice_connector_ids)]
            for drain in drains:
                drain.account_id, drain.region = account.account_id, region
            # A rehearsal reads at most one request a connector at a time; a drain's deletes, of every connector,
            # share the region's max_concurrency, which one connector of many sessions fills.
            weigh(min(max_concurrency, len(drains)) if check_mode or not drains else max_concurrency)
            done.drains = region_drain.drain(drains)
            done.operations = list(region_drain.client.operations)
        except AnsibleChimeError as e:
            done.failed = reason_of(e)
        finally:
            reacher.release(account, region)
        return done

    reacher.expect_units(units)
    bound = WorkingBound(
        max_regions * max_concurrency, max_concurrency, MAX_OPEN_REGIONS, lambda unit: reacher.holding_back(*unit)
    )
    reacher.on_limited = bound.notify
    return bound.run(drain_unit, units)
