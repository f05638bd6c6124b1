# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The organisation-wide proxy inventory: every account and region at once, each with its own client.

First every account is reached (a role assumed, or a profile's or the own credentials' caller identity), then every
account and region is gathered, each with at most max_concurrency requests in flight and its own pace (AWS's rate
limits are per account and region). The task's budget is max_regions x max_concurrency requests in flight: each
account and region counts for the requests it can have in flight, max_concurrency until its connectors are listed,
then one a connector up to max_concurrency. So max_regions regions of many connectors go at once, as max_regions was
chosen for (this machine's CPU, against a service that never throttles), and many more of one connector each, which
wait on the network, not the CPU. An account and region whose pace holds its requests back (AWS throttled it, or
max_requests_per_second caps it) waits on its own quota and counts for none, so the next one starts: at a rate limit,
every account and region goes at the same time. At most MAX_OPEN_REGIONS are open at once, for the threads and memory
each holds. An account or region that cannot be read is skipped with its reason and never
stops the others; the caller decides whether a partial inventory fails the task.
"""

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from .accounts import Account
from .accounts import AccountReacher
from .accounts import AccountSpec
from .accounts import reach_all
from .accounts import skipped_entry
from .concurrency import MAX_OPEN_REGIONS
from .concurrency import WorkingBound
from .errors import AnsibleChimeError
from .errors import reason_of
from .inventory import RegionReport
from .inventory import gather_region


@dataclass
class AuditResult:
    """What was read: the accounts reached (in the order asked for), the regions read of each, what was skipped."""

    accounts: List[Account] = field(default_factory=list)
    order: List[Tuple[str, List[str]]] = field(default_factory=list)
    summaries: Dict[Tuple[str, str], Dict[str, Any]] = field(default_factory=dict)
    skipped: List[Dict[str, Any]] = field(default_factory=list)
    repeated: List[str] = field(default_factory=list)
    sessions: Optional[List[Dict[str, Any]]] = None


def audit(
    reacher: AccountReacher,
    specs: List[AccountSpec],
    regions: List[str],
    endpoint_url_for: Callable[[str], Optional[str]],
    statuses: List[str],
    max_concurrency: int,
    max_regions: int,
    mask: bool,
    keep_sessions: bool,
    keep_report: Optional[Callable[[RegionReport], None]],
) -> AuditResult:
    """Gather every account and region; keep_report(report) takes each region's part as soon as it is read (None:
    no files, so the reports' text is not made)."""
    result = AuditResult(sessions=[] if keep_sessions else None)
    budget = max_regions * max_concurrency
    reached = reach_all(reacher, specs, min(budget, MAX_OPEN_REGIONS))
    result.accounts, result.skipped, result.repeated = reached.accounts, reached.skipped, reached.repeated

    def gather(unit: Tuple[Account, str], weigh: Callable[[int], None]) -> Any:
        account, region = unit
        try:
            client = reacher.chime_client(account, region, endpoint_url_for(region))
            report = gather_region(
                client,
                account.account_id,
                region,
                statuses,
                max_concurrency,
                mask,
                keep_sessions,
                keep_report is not None,
                on_connectors=lambda count: weigh(min(count, max_concurrency)),
            )
        except AnsibleChimeError as e:
            return e
        finally:
            reacher.release(account, region)
        if keep_report is not None:
            keep_report(report)
        return report.summary, report.sessions

    units = [(account, region) for account in result.accounts for region in regions]
    reacher.expect_units(units)
    bound = WorkingBound(budget, max_concurrency, MAX_OPEN_REGIONS, lambda unit: reacher.holding_back(*unit))
    reacher.on_limited = bound.notify
    outcomes = bound.run(gather, units)
    read: Dict[str, List[str]] = {account.account_id: [] for account in result.accounts}
    for (account, region), outcome in zip(units, outcomes):
        if isinstance(outcome, AnsibleChimeError):
            result.skipped.append(skipped_entry(account.spec, account.account_id, region, reason_of(outcome)))
            continue
        summary, sessions = outcome
        result.summaries[(account.account_id, region)] = summary
        read[account.account_id].append(region)
        if result.sessions is not None:
            result.sessions.extend(sessions or [])
    result.order = [(account.account_id, read[account.account_id]) for account in result.accounts]
    return result


def summarize(result: AuditResult, statuses: List[str]) -> Dict[str, Any]:
    """The inventory's totals: sessions by status, account and region; connectors, with proxy, and numbers."""
    by_status = {status: 0 for status in statuses}
    by_account: Dict[str, int] = {account_id: 0 for account_id, _regions in result.order}
    by_region: Dict[str, int] = {}
    totals = {"voice_connectors_scanned": 0, "voice_connectors_with_proxy": 0, "phone_numbers": 0}
    for (account_id, region), summary in result.summaries.items():
        for status, count in summary["by_status"].items():
            by_status[status] = by_status.get(status, 0) + count
        by_account[account_id] += summary["total"]
        by_region[region] = by_region.get(region, 0) + summary["total"]
        for key in totals:
            totals[key] += summary[key]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_account": by_account,
        "by_region": by_region,
        **totals,
        "accounts_scanned": len(result.order),
        "regions_scanned": len(result.summaries),
    }
