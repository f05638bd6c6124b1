# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A drain task of chime_proxy_drain: one region of the module's own account (as the drain always did), or every
account and region of its accounts or organization option, its regions, or its plan; the result, the report and the
plan of each.

Across accounts and regions, every account is reached first (a role assumed, with credentials botocore refreshes),
then every account and region is drained at the same time within the audit's budget (drain.drain_units), each with
its own client and pace. With a plan, only the accounts and regions it lists are drained (the others are reported
left alone, an account the options do not reach is skipped), and only its connectors and numbers.
"""

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info

from .accounts import AccountReacher
from .accounts import reach_all
from .client import chime_client
from .client import pace_result
from .client import pace_settings
from .concurrency import MAX_OPEN_REGIONS
from .drain import ConnectorDrain
from .drain import UnitDrain
from .drain import diff_of
from .drain import drain_region
from .drain import drain_units
from .drain import summarize
from .errors import AnsibleChimeError
from .organizations import organization_summary
from .organizations import specs_from_options
from .plan import plan_body


@dataclass
class Drained:
    """What a drain task did: its connectors' drains by account and region, and what it could not do."""

    units: List[UnitDrain] = field(default_factory=list)
    one_region: Optional[str] = None  # the region of a drain of the module's own account and one region
    pace: List[Dict[str, Any]] = field(default_factory=list)
    skipped: List[Dict[str, Any]] = field(default_factory=list)
    left_alone: List[Dict[str, Any]] = field(default_factory=list)
    accounts: List[Dict[str, Any]] = field(default_factory=list)
    organization: Optional[Dict[str, Any]] = None
    repeated: List[str] = field(default_factory=list)

    @property
    def drains(self) -> List[ConnectorDrain]:
        return [d for unit in self.units for d in unit.drains]

    @property
    def operations(self) -> List[str]:
        return list(dict.fromkeys(op for unit in self.units for op in unit.operations))

    @property
    def count(self) -> str:
        units = f" in {len(self.units)} account(s) and region(s)" if self.one_region is None else ""
        return f"{len(self.drains)} voice connector(s){units}"

    @property
    def changed_or_failed(self) -> bool:
        return any(d.report()["changed"] or d.failed for d in self.drains) or bool(self.skipped)

    def failure_message(self) -> Optional[str]:
        """Why the task fails: each connector that failed, then each account or region that could not be drained
        at all; None when nothing failed."""
        failed = [d for d in self.drains if d.failed]
        parts = []
        if failed:
            parts.append(f"{len(failed)} of {self.count} failed: " + "; ".join(self.failures()[: len(failed)]))
        if self.skipped:
            parts.append(
                f"{len(self.skipped)} account(s) or region(s) could not be drained: "
                + "; ".join(self.failures()[len(failed) :])
            )
        return ". ".join(parts) or None

    def failures(self) -> List[str]:
        """Each connector that failed, and each account or region that could not be drained at all."""
        prefix = "" if self.one_region is not None else "{account_id} {region} "
        failed = [
            prefix.format(account_id=d.account_id, region=d.region) + f"{d.voice_connector_id}: {d.failed}"
            for d in self.drains
            if d.failed
        ]
        return failed + [
            f"{s['account_id'] or s['account']} {s['region'] or '(every region)'}: {s['reason']}" for s in self.skipped
        ]

    def result(self, check_mode: bool, release_numbers: bool, ceiling: Optional[float], diff: bool) -> Dict[str, Any]:
        reports = [d.report() for d in self.drains]
        result: Dict[str, Any] = {
            "changed": any(r["changed"] for r in reports),
            "voice_connectors": reports,
            "summary": summarize(self.drains),
            "files": {},
            "pace": self.pace,
        }
        if self.one_region is not None:
            result["region"] = self.one_region
        else:
            result["summary"]["account_regions"] = len(self.units)
            result.update(accounts=self.accounts, skipped_regions=self.skipped, left_alone=self.left_alone)
            if self.organization is not None:
                result["organization"] = self.organization
        if check_mode:
            # The real run sends the same reads as the rehearsal, and the writes for what it found; the accounts and
            # regions go at the same time, so with a ceiling the busiest one says how long it takes at least.
            answered = {(p.get("account_id"), p["region"]): p["requests"] - p["throttled"] for p in self.pace}
            per_unit = [
                answered.get((unit.account.account_id, unit.region), 0) + sum(d.writes_planned for d in unit.drains)
                for unit in self.units
            ]
            result["rehearsal"] = {
                "requests": sum(per_unit),
                "seconds_at_least": round(max(per_unit, default=0) / ceiling, 1) if ceiling else None,
            }
        if diff:
            shown = {self._key(d): diff_of(d, release_numbers) for d in self.drains}
            result["diff"] = {
                "before": {k: v[0] for k, v in shown.items()},
                "after": {k: v[1] for k, v in shown.items()},
            }
        return result

    def _key(self, drain: ConnectorDrain) -> str:
        if self.one_region is not None:
            return drain.voice_connector_id
        return f"{drain.account_id}/{drain.region}/{drain.voice_connector_id}"

    def document(self, check_mode: bool, result: Dict[str, Any], release_numbers: bool) -> Dict[str, Any]:
        """In check mode the plan of what the rehearsal found (a connector that failed in it is not planned);
        otherwise the report of the drain."""
        if check_mode:
            units = [
                {
                    "account_id": unit.account.account_id,
                    "account": unit.account.spec.label,
                    "region": unit.region,
                    "voice_connectors": [d.plan_entry() for d in unit.drains if not d.failed],
                }
                for unit in self.units
                if unit.failed is None
            ]
            not_planned = [
                {
                    "account_id": d.account_id,
                    "region": d.region,
                    "voice_connector_id": d.voice_connector_id,
                    "why": d.failed,
                }
                for d in self.drains
                if d.failed
            ] + [
                {"account_id": s["account_id"], "account": s["account"], "region": s["region"], "why": s["reason"]}
                for s in self.skipped
            ]
            return plan_body(units, release_numbers, not_planned=not_planned)
        report = {"rehearsal": False, "voice_connectors": result["voice_connectors"], "summary": result["summary"]}
        if self.one_region is not None:
            report = {"region": self.one_region, **report}
        for key in ("pace", "plan", "skipped_regions", "left_alone", "organization"):
            if key in result:
                report[key] = result[key]
        return report


@dataclass
class OwnLabel:
    label: str = "the module's own credentials"


@dataclass
class OwnAccount:
    """The module's own account in a drain of one region: its id is asked for only for a plan to write."""

    account_id: Optional[str] = None
    spec: OwnLabel = field(default_factory=OwnLabel)


def own_account_id(module: Any, model: Any, make_sts: Any) -> str:
    """The account of the module's own credentials (sts:GetCallerIdentity, from STS's endpoint, not endpoint_url's:
    AWS_ENDPOINT_URL_STS or the AWS configuration choose another)."""
    region, _endpoint_url, connect_kwargs = get_aws_connection_info(module)
    sts_region = region or model.session.get_config_variable("region")
    return AccountReacher(model.session, connect_kwargs, sts_region, 1, make_sts=make_sts).caller_account_id()


def drain_one_region(
    module: Any, model: Any, params: Dict[str, Any], make_client: Any = chime_client, account_id: Optional[str] = None
) -> Drained:
    """The drain of one region with the module's own credentials, as the module always drained (make_client: the
    module's client.chime_client, which tests put a Stubber behind); account_id, the account's for a plan."""
    client = make_client(module, model, params["max_concurrency"])
    drains, sent = drain_region(
        client,
        None if params["all_voice_connectors"] else params["voice_connector_ids"],
        params["max_concurrency"],
        module.check_mode,
        params["release_numbers"],
    )
    region = client.meta.region_name
    unit = UnitDrain(OwnAccount(account_id), region, drains, sent)
    return Drained(units=[unit], one_region=region, pace=pace_result(client).get("pace", []))


def drain_across(module: Any, model: Any, params: Dict[str, Any], plan: Any, makers: Dict[str, Any]) -> Drained:
    """The drain of every account and region the options and the plan name (see the module docstring); makers: the
    module's make_sts, make_chime and make_organizations (tests put a Stubber behind each)."""
    region, endpoint_url, connect_kwargs = get_aws_connection_info(module)
    regions = list(dict.fromkeys(params["regions"] or (plan.regions if plan is not None else [])))
    if not regions:
        regions = [region or model.session.get_config_variable("region")]
    if regions == [None]:
        raise AnsibleChimeError(
            message="A region is required and none was found in the regions or region option, the environment"
            " variables or the AWS configuration files"
        )
    reacher = AccountReacher(
        model.session,
        connect_kwargs,
        region or regions[0],
        params["max_concurrency"],
        pace_settings=pace_settings(params),
        **makers,
    )
    specs, discovered = specs_from_options(params, reacher)
    drained = Drained()
    if plan is not None:
        in_plan = set(plan.accounts)
        drained.left_alone += [
            {"account_id": s.known_account_id, "region": None, "why": "not in the plan"}
            for s in specs
            if s.known_account_id is not None and s.known_account_id not in in_plan
        ]
        specs = [s for s in specs if s.known_account_id is None or s.known_account_id in in_plan]
    budget = params["max_regions"] * params["max_concurrency"]
    reached = reach_all(reacher, specs, min(budget, MAX_OPEN_REGIONS))
    drained.skipped, drained.repeated = reached.skipped, reached.repeated
    drained.accounts = [
        {"account_id": a.account_id, "account": a.spec.label, **(a.spec.details or {})} for a in reached.accounts
    ]
    units = []
    for account in reached.accounts:
        for name in regions:
            if plan is None or plan.connectors(account.account_id, name) is not None:
                units.append((account, name))
            else:
                drained.left_alone.append({"account_id": account.account_id, "region": name, "why": "not in the plan"})
    if plan is not None:
        reached_ids = {a.account_id for a in reached.accounts}
        for account_id, name in plan.units:
            if account_id not in reached_ids and name in regions:
                drained.skipped.append(
                    {
                        "account_id": account_id,
                        "account": None,
                        "region": name,
                        "reason": "the plan lists it, and the accounts or organization given do not reach it",
                    }
                )
    urls = params.get("region_endpoint_urls") or {}
    drained.units = drain_units(
        reacher,
        units,
        lambda name: urls.get(name, endpoint_url),
        params["voice_connector_ids"] if not params["all_voice_connectors"] else None,
        plan,
        params["max_concurrency"],
        params["max_regions"],
        module.check_mode,
        params["release_numbers"],
    )
    for unit in drained.units:
        drained.left_alone += [
            {
                "account_id": unit.account.account_id,
                "region": unit.region,
                "voice_connector_id": vc_id,
                "why": "not in the plan",
            }
            for vc_id in unit.left_alone
        ]
        if unit.failed:
            drained.skipped.append(
                {
                    "account_id": unit.account.account_id,
                    "account": unit.account.spec.label,
                    "region": unit.region,
                    "reason": unit.failed,
                }
            )
    drained.pace = reacher.pace_figures()
    if discovered is not None:
        drained.organization = organization_summary(discovered, len(reached.accounts))
    return drained
