# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_proxy_drain end to end in-process: options in, the result and the report file out.

The module's own client has a Stubber behind it that plays a small region with state (connectors, their proxy
configuration, sessions and numbers, which the writes change) and records every request in the order it arrives;
requests and answers are checked against AWS's model.
"""

import copy
import datetime
import hashlib
import json
import os
import stat
import tempfile
import threading
import time

import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import plan as plan_module
from ansible_collections.telephony.chime.plugins.module_utils._chime import reports as reports_module
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_drain
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import account_state
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import CREDENTIALS
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import warned_operations

OWN = "123456789012"
OTHER = "222222222222"
# The first 9 characters of an access key tell the account: the module's own, or a role's in OTHER.
ACCOUNT_OF_KEY = {"AKIAIOSFO": OWN, "ASIA2222E": OTHER, "ASIA1234E": OWN}
KEY_OF_ACCOUNT = {OTHER: "ASIA2222EXAMPLE0001", OWN: "ASIA1234EXAMPLE0001"}
BIG = "drainbig0000000000001"
SMALL = "drainsmall00000000001"
PLAIN = "drainplain00000000001"
MISSING = "drainmissing000000001"
WRITES = {
    "PutVoiceConnectorProxy",
    "DeleteProxySession",
    "DeleteVoiceConnectorProxy",
    "DisassociatePhoneNumbersFromVoiceConnector",
    "DeletePhoneNumber",
    "BatchDeletePhoneNumber",
}
REAL_SLEEP = time.sleep


def proxy(disabled=False):
    return {
        "DefaultSessionExpiryMinutes": 60,
        "Disabled": disabled,
        "FallBackPhoneNumber": "+19135550111",
        "PhoneNumberCountries": ["US"],
    }


def number(e164, vc_id, *others):
    associations = [{"Name": "VoiceConnectorId", "Value": vc_id}] if vc_id else []
    return {
        "PhoneNumberId": e164,
        "E164PhoneNumber": e164,
        "Status": "Assigned" if vc_id else "Unassigned",
        "Associations": associations + [{"Name": n, "Value": v} for n, v in others],
    }


class Unit:
    """One account and region's connectors (proxy configuration, sessions) and numbers."""

    def __init__(self, connectors, numbers):
        self.connectors, self.numbers = connectors, numbers


class Region(Stubber):
    """One region of one account, with state (the fake's own, or a unit of its own); records (operation, params) in
    arrival order, and each with its account and region in fake.sent_to."""

    def __init__(self, client, fake, unit=None, account=None):
        super().__init__(client)
        self.fake = fake
        self.unit = unit or fake
        self.account = account
        self.region = client.meta.region_name

    def answer(self, op, params):
        f = self.fake
        vc_id = params.get("VoiceConnectorId")
        with f.lock:
            f.arrived += 1
            if f.throttle_every and f.arrived % f.throttle_every == 0:
                return 429, {"Error": {"Code": "ThrottledClientException", "Message": "Rate exceeded"}}
        if (op, vc_id) in f.faults:
            return f.faults[(op, vc_id)]
        if (op, params.get("ProxySessionId")) in f.faults:
            return f.faults[(op, params["ProxySessionId"])]
        if op == "ListVoiceConnectors":
            return 200, {"VoiceConnectors": [{"VoiceConnectorId": i, "Name": i} for i in self.unit.connectors]}
        if op == "GetPhoneNumber":
            found = self.unit.numbers.get(params["PhoneNumberId"])
            return (200, {"PhoneNumber": found}) if found else f.not_found()
        if op == "ListPhoneNumbers":
            held = [
                n
                for n in self.unit.numbers.values()
                if {"Name": "VoiceConnectorId", "Value": params["FilterValue"]} in n["Associations"]
            ]
            return 200, {"PhoneNumbers": copy.deepcopy(held)}
        if op == "BatchDeletePhoneNumber" and f.refuse_without_id == "delete":
            return 200, {"PhoneNumberErrors": [{"ErrorCode": "ServiceFailure", "ErrorMessage": "try again"}]}
        if op == "BatchDeletePhoneNumber":
            errors = [self.queue(n) for n in params["PhoneNumberIds"]]
            return 200, {"PhoneNumberErrors": [e for e in errors if e]}
        if op == "DeletePhoneNumber":
            error = self.queue(params["PhoneNumberId"])
            return f.not_found() if error else (200, {})
        if vc_id not in self.unit.connectors:
            return f.not_found()
        vc = self.unit.connectors[vc_id]
        if op == "GetVoiceConnector":
            return 200, {"VoiceConnector": {"VoiceConnectorId": vc_id, "Name": vc_id}}
        if op == "GetVoiceConnectorProxy":
            return (200, {"Proxy": copy.deepcopy(vc["proxy"])}) if vc["proxy"] else f.not_found()
        if op == "PutVoiceConnectorProxy":
            vc["proxy"] = {k: v for k, v in params.items() if k not in ("VoiceConnectorId", "PhoneNumberPoolCountries")}
            vc["proxy"]["PhoneNumberCountries"] = params["PhoneNumberPoolCountries"]
            return 200, {"Proxy": copy.deepcopy(vc["proxy"])}
        if op == "DeleteVoiceConnectorProxy":
            if not vc["proxy"]:
                return f.not_found()
            vc["proxy"] = None
            return 200, {}
        if op == "ListProxySessions":
            start = int(params.get("NextToken", "0"))
            items = vc["sessions"][start : start + params["MaxResults"]]
            page = {"ProxySessions": copy.deepcopy(items)}
            if start + params["MaxResults"] < len(vc["sessions"]):
                page["NextToken"] = str(start + params["MaxResults"])
            return 200, page
        if op == "DeleteProxySession":
            with f.lock:
                ids = [s["ProxySessionId"] for s in vc["sessions"]]
                if params["ProxySessionId"] not in ids:
                    return f.not_found()
                del vc["sessions"][ids.index(params["ProxySessionId"])]
            return 200, {}
        if op == "DisassociatePhoneNumbersFromVoiceConnector":
            errors = []
            if f.refuse_without_id == "disassociate":
                return 200, {"PhoneNumberErrors": [{"ErrorCode": "ServiceFailure", "ErrorMessage": "try again"}]}
            for e164 in params["E164PhoneNumbers"]:
                if e164 in f.refuse:
                    errors.append({"PhoneNumberId": e164, "ErrorCode": "Conflict", "ErrorMessage": "in use"})
                    continue
                n = self.unit.numbers[e164]
                n["Associations"] = [a for a in n["Associations"] if a["Value"] != vc_id]
                n["Status"] = "Unassigned"
            return 200, {"PhoneNumberErrors": errors}
        raise AssertionError(f"the fake region does not know {op}")

    def queue(self, e164):
        found = self.unit.numbers.get(e164)
        if e164 in self.fake.refuse_delete:
            # AWS's CLI examples show ids coming back percent-encoded.
            named = e164.replace("+", "%2B") if self.fake.encode_ids else e164
            return {"PhoneNumberId": named, "ErrorCode": "Conflict", "ErrorMessage": "held"}
        if found is None:
            return {"PhoneNumberId": e164, "ErrorCode": "NotFound", "ErrorMessage": "not found"}
        found.update(Status="DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
        return None

    def _assert_expected_params(self, model, params, context, **kwargs):
        f = self.fake
        with f.lock:
            f.sent.append((model.name, dict(params)))
            f.sent_to.append((self.account, self.region, model.name, dict(params)))
            f.in_flight += 1
            f.max_in_flight = max(f.max_in_flight, f.in_flight)
        if f.gate and model.name == "DeleteProxySession":
            # Hold deletes until `gate` requests are in flight (or a timeout), so that the bound is reached whatever
            # the machine's load; a bound above the gate shows as more in flight than it.
            with f.arrivals:
                f.arrivals.notify_all()
                f.arrivals.wait_for(lambda: f.in_flight >= f.gate, timeout=2)
        REAL_SLEEP(f.hold)
        status, body = self.answer(model.name, params)
        with f.lock:
            f.in_flight -= 1
        if status == 200:
            self._validate_operation_response(model.name, body)
        else:
            body = {"ResponseMetadata": {"HTTPStatusCode": status}, **body}
        context["fake_answer"] = (AWSResponse(None, status, {}, None), copy.deepcopy(body))

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


class DrainSts(Stubber):
    """STS: the module's own account, and a role in OTHER (unless denied)."""

    def __init__(self, client, fake):
        super().__init__(client)
        self.fake = fake

    def _assert_expected_params(self, model, params, context, **kwargs):
        self.fake.sts_sent.append((model.name, dict(params)))
        if model.name == "GetCallerIdentity" and self.fake.deny_identity:
            context["fake_answer"] = (AWSResponse(None, 400, {}, None), {"Error": {"Code": "InvalidClientTokenId"}})
            return
        if model.name == "GetCallerIdentity":
            body = {"Account": OWN, "Arn": f"arn:aws:iam::{OWN}:user/drain", "UserId": "AIDAEXAMPLE"}
        elif params["RoleArn"] in self.fake.denied_roles:
            error = {"Code": "AccessDenied", "Message": "not authorized"}
            context["fake_answer"] = (AWSResponse(None, 403, {}, None), {"Error": error})
            return
        else:
            account = params["RoleArn"].split(":")[4]
            expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
            body = {
                "Credentials": {
                    "AccessKeyId": KEY_OF_ACCOUNT[account],
                    "SecretAccessKey": "secret",
                    "SessionToken": "token",
                    "Expiration": expires.isoformat(),
                },
                "AssumedRoleUser": {"AssumedRoleId": "AROA:d", "Arn": f"arn:aws:sts::{account}:assumed-role/r/d"},
            }
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


class DrainOrganization(Stubber):
    """The caller's organisation: its own account at the root, OTHER in one unit."""

    def __init__(self, client, fake):
        super().__init__(client)
        self.fake = fake

    def _assert_expected_params(self, model, params, context, **kwargs):
        self.fake.sts_sent.append((model.name, dict(params)))
        if model.name == "ListRoots":
            body = {"Roots": [{"Id": "r-ab12", "Name": "Root"}]}
        elif model.name == "ListOrganizationalUnitsForParent":
            units = [{"Id": "ou-ab12-11111111", "Name": "Telephony"}] if params["ParentId"] == "r-ab12" else []
            body = {"OrganizationalUnits": units}
        else:
            account = OWN if params["ParentId"] == "r-ab12" else OTHER
            body = {"Accounts": [{"Id": account, "Name": account, **account_state("ACTIVE")}]}
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


class Fake:
    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.lock = threading.Lock()
        self.arrivals = threading.Condition()
        self.sent = []
        self.in_flight = self.max_in_flight = 0
        self.gate = None
        self.hold = 0.0
        self.faults = {}
        self.refuse = set()
        self.refuse_delete = set()
        self.encode_ids = False
        self.refuse_without_id = False
        self.throttle_every = None  # every n-th request that arrives is throttled, with no effect
        self.arrived = 0
        self.clients = 0
        self.pool_sizes = []
        self.sent_to = []
        self.units = {}  # (account, region) -> Unit, for the drains across accounts and regions
        self.sts_sent = []
        self.denied_roles = set()
        self.deny_identity = False
        self.connectors = {
            BIG: {"proxy": proxy(), "sessions": [session(f"b-{n:03d}") for n in range(230)]},
            SMALL: {
                "proxy": proxy(),
                "sessions": [session("s-1"), session("s-2", status="InProgress"), session("s-3", status="Closed")],
            },
            PLAIN: {"proxy": None, "sessions": []},
        }
        self.numbers = {
            "+19135550100": number("+19135550100", SMALL),
            "+19135550199": number("+19135550199", SMALL),
            "+19135550150": number("+19135550150", BIG),
        }
        real = chime_proxy_drain.chime_client

        def chime_client(*args, **kwargs):
            client = real(*args, **kwargs)
            self.pool_sizes.append(client.meta.config.max_pool_connections)
            Region(client, self).activate()
            self.clients += 1
            return client

        monkeypatch.setattr(chime_proxy_drain, "chime_client", chime_client)
        real_account_client = chime_proxy_drain.account_chime_client

        def account_chime_client(session, region, endpoint_url, config, **kwargs):
            client = real_account_client(session, region, endpoint_url, config, **kwargs)
            account = ACCOUNT_OF_KEY[client._request_signer._credentials.access_key[:9]]
            Region(client, self, self.unit(account, region), account).activate()
            return client

        monkeypatch.setattr(chime_proxy_drain, "account_chime_client", account_chime_client)
        real_sts = chime_proxy_drain.sts_client

        def sts_client(session, region, config, **kwargs):
            client = real_sts(session, region, config, **kwargs)
            DrainSts(client, self).activate()
            return client

        monkeypatch.setattr(chime_proxy_drain, "sts_client", sts_client)
        real_organizations = chime_proxy_drain.organizations_client

        def organizations_client(session, region, config, **kwargs):
            client = real_organizations(session, region, config, **kwargs)
            DrainOrganization(client, self).activate()
            return client

        monkeypatch.setattr(chime_proxy_drain, "organizations_client", organizations_client)
        monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)

    def unit(self, account, region):
        """The state of an account and region: the fake's own for the module's account in us-east-1, else its own."""
        if (account, region) == (OWN, "us-east-1"):
            return self
        return self.units.setdefault((account, region), Unit({}, {}))

    def not_found(self):
        return 404, {"Error": {"Code": "NotFoundException", "Message": "not found"}}

    def ops(self, vc_id=None):
        return [op for op, params in self.sent if vc_id in (None, params.get("VoiceConnectorId"))]

    def count(self, op, vc_id=None):
        return self.ops(vc_id).count(op)

    def writes(self):
        return [op for op in self.ops() if op in WRITES]

    def __call__(self, check_mode=False, **args):
        self.sent.clear()
        self.sent_to.clear()
        self.sts_sent.clear()
        warnings._global_warnings.clear()
        with patch_module_args({**CREDENTIALS, **args, "_ansible_check_mode": check_mode}):
            with pytest.raises(SystemExit):
                chime_proxy_drain.main()
        return json.loads(self.capsys.readouterr().out)


@pytest.fixture
def run(monkeypatch, capsys):
    return Fake(monkeypatch, capsys)


def by_id(result):
    return {r["voice_connector_id"]: r for r in result["voice_connectors"]}


def test_one_connector_in_the_documented_order_with_one_request_per_session(run):
    result = run(voice_connector_ids=[SMALL])
    assert not result.get("failed"), result
    ops = run.ops()
    assert ops[:3] == ["GetVoiceConnectorProxy", "PutVoiceConnectorProxy", "ListProxySessions"]
    assert ops[3:5] == ["DeleteProxySession", "DeleteProxySession"]
    assert ops[5:] == ["DeleteVoiceConnectorProxy"]
    put = next(p for op, p in run.sent if op == "PutVoiceConnectorProxy")
    # Put replaces the whole configuration: the connector's own, disabled.
    assert put == {
        "VoiceConnectorId": SMALL,
        "DefaultSessionExpiryMinutes": 60,
        "PhoneNumberPoolCountries": ["US"],
        "FallBackPhoneNumber": "+19135550111",
        "Disabled": True,
    }
    deleted = sorted(p["ProxySessionId"] for op, p in run.sent if op == "DeleteProxySession")
    assert deleted == ["s-1", "s-2"]
    report = result["voice_connectors"][0]
    assert report == {
        "voice_connector_id": SMALL,
        "rehearsal": False,
        "changed": True,
        "new_sessions_stopped": "yes",
        "sessions_not_closed": 2,
        "sessions_closed_left": 1,
        "sessions_deleted": 2,
        "sessions_to_delete": 0,
        "sessions_already_gone": 0,
        "sessions_not_deleted": 0,
        "proxy_configuration": "removed",
        "numbers_to_release": [],
        "numbers_disassociated": [],
        "numbers_released": [],
        "numbers_leave_account": {},
        "failed": None,
    }
    assert result["changed"] is True and result["region"] == "us-east-1" and result["files"] == {}
    assert [s["ProxySessionId"] for s in run.connectors[SMALL]["sessions"]] == ["s-3"]
    assert run.connectors[SMALL]["proxy"] is None


def test_every_page_is_listed_before_any_delete(run):
    result = run(voice_connector_ids=[BIG])
    ops = run.ops(BIG)
    assert ops.count("ListProxySessions") == 3  # 230 sessions, 100 a page
    assert ops.count("DeleteProxySession") == 230
    last_page = max(i for i, op in enumerate(ops) if op == "ListProxySessions")
    first_delete = ops.index("DeleteProxySession")
    assert last_page < first_delete
    assert len(ops) == 230 + 3 + 3  # deletes, pages, Get + Put + Delete of the proxy configuration
    assert by_id(result)[BIG]["sessions_deleted"] == 230


def test_check_mode_reads_only_and_says_what_would_be_done(run, tmp_path):
    dest = str(tmp_path / "report")
    result = run(check_mode=True, voice_connector_ids=[SMALL, PLAIN], release_numbers=True, dest=dest)
    assert not result.get("failed"), result
    assert run.writes() == []
    small, plain = by_id(result)[SMALL], by_id(result)[PLAIN]
    assert small["rehearsal"] is True and small["changed"] is True
    assert small["new_sessions_stopped"] == "would be"
    assert small["sessions_to_delete"] == 2 and small["sessions_deleted"] == 0 and small["sessions_not_deleted"] == 0
    assert small["proxy_configuration"] == "would be removed"
    assert small["numbers_to_release"] == ["+19135550100", "+19135550199"]
    assert plain["new_sessions_stopped"] == "no proxy configuration" and plain["proxy_configuration"] == "none"
    assert plain["changed"] is False
    assert result["summary"]["sessions_to_delete"] == 2 and result["summary"]["numbers_to_release"] == 2
    assert result["changed"] is True
    # The one file a rehearsal writes: its plan (issue 28); the account's id for it, with STS. The result is shaped
    # as a drain of one region's is, with or without the plan.
    assert result["files"] == {"drain_plan_json": os.path.join(dest, "drain_plan.json")}
    assert os.listdir(dest) == ["drain_plan.json"] and [op for op, _p in run.sts_sent] == ["GetCallerIdentity"]
    assert result["region"] == "us-east-1" and "accounts" not in result and "account_id" not in small
    with open(result["files"]["drain_plan_json"], encoding="utf-8") as f:
        plan = json.load(f)
    planned = plan["accounts"][OWN]["regions"]["us-east-1"]["voice_connectors"]
    assert plan["accounts"][OWN]["account"] == "the module's own credentials"
    assert [c["voice_connector_id"] for c in planned] == [SMALL, PLAIN]
    assert planned[1]["proxy"] == {} and planned[1]["sessions_not_closed"] == 0  # nothing to drain, as named


def test_a_rehearsal_whose_account_cannot_be_told_fails_before_any_chime_request(run, tmp_path):
    run.deny_identity = True
    result = run(check_mode=True, voice_connector_ids=[SMALL], dest=str(tmp_path / "plan"))
    assert result["failed"] is True and run.sent == []
    assert "Could not tell the account of the module's own credentials" in result["msg"], result["msg"]
    assert not os.path.exists(tmp_path / "plan" / "drain_plan.json")


def test_a_rerun_finds_nothing_to_do_and_sends_no_write(run):
    run(voice_connector_ids=[SMALL, BIG])
    result = run(voice_connector_ids=[SMALL, BIG])
    assert not result.get("failed"), result
    assert run.writes() == []
    assert result["changed"] is False
    assert {r["proxy_configuration"] for r in result["voice_connectors"]} == {"none"}
    assert {r["new_sessions_stopped"] for r in result["voice_connectors"]} == {"no proxy configuration"}
    # GetVoiceConnectorProxy says NotFound for both "no configuration" and "no connector": one read tells them apart.
    assert run.count("GetVoiceConnector") == 2


def test_a_connector_already_disabled_is_not_written_again(run):
    run.connectors[SMALL]["proxy"] = proxy(disabled=True)
    result = run(voice_connector_ids=[SMALL])
    assert run.count("PutVoiceConnectorProxy") == 0
    assert by_id(result)[SMALL]["new_sessions_stopped"] == "already"
    assert by_id(result)[SMALL]["proxy_configuration"] == "removed"


def test_a_session_gone_before_its_delete_is_already_gone_not_a_failure(run):
    run.faults[("DeleteProxySession", SMALL)] = run.not_found()
    result = run(voice_connector_ids=[SMALL])
    assert not result.get("failed"), result
    report = by_id(result)[SMALL]
    assert report["sessions_already_gone"] == 2 and report["sessions_deleted"] == 0
    assert report["proxy_configuration"] == "removed"


def test_a_connector_that_does_not_exist_fails_and_the_others_are_drained(run, tmp_path):
    dest = str(tmp_path / "report")
    result = run(voice_connector_ids=[MISSING, SMALL], dest=dest)
    assert result["failed"] is True
    assert result["msg"].startswith(f"1 of 2 voice connector(s) failed: {MISSING}: Voice connector {MISSING} does not")
    missing, small = by_id(result)[MISSING], by_id(result)[SMALL]
    assert missing["new_sessions_stopped"] == "not reached" and missing["proxy_configuration"] == "none"
    assert small["proxy_configuration"] == "removed" and small["failed"] is None
    assert result["summary"]["voice_connectors_failed"] == 1
    with open(os.path.join(dest, "drain_report.json"), encoding="utf-8") as f:
        written = json.load(f)
    assert written == {
        "region": "us-east-1",
        "rehearsal": False,
        "voice_connectors": result["voice_connectors"],
        "summary": result["summary"],
        "pace": result["pace"],
    }
    assert result["files"] == {"drain_report_json": os.path.join(dest, "drain_report.json")}
    assert stat.S_IMODE(os.stat(os.path.join(dest, "drain_report.json")).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o700


def test_a_session_that_cannot_be_deleted_keeps_the_proxy_configuration(run):
    run.faults[("DeleteProxySession", BIG)] = (
        403,
        {"Error": {"Code": "ForbiddenException", "Message": "not allowed"}},
    )
    result = run(voice_connector_ids=[BIG, SMALL], max_concurrency=1)
    assert result["failed"] is True
    big = by_id(result)[BIG]
    # One worker: the first refused delete stops the sessions queued behind it, which are never sent.
    assert run.count("DeleteProxySession", BIG) == 1
    assert run.count("DeleteVoiceConnectorProxy", BIG) == 0
    assert big["proxy_configuration"] == "kept" and big["sessions_not_deleted"] == 230
    assert "ForbiddenException" in big["failed"] and "chime:DeleteProxySession" in big["failed"]
    assert "230 session(s) not deleted, the proxy configuration is kept" in big["failed"]
    assert run.connectors[BIG]["proxy"]["Disabled"] is True
    assert by_id(result)[SMALL]["proxy_configuration"] == "removed"
    assert f"{BIG}: Failed to delete proxy session" in result["msg"]


SMALL_PROXY = {
    "default_session_expiry_minutes": 60,
    "disabled": False,
    "fall_back_phone_number": "+19135550111",
    "phone_number_countries": ["US"],
}


@pytest.mark.parametrize("check_mode", [False, True])
def test_diff_shows_each_connector_before_and_after(run, check_mode):
    result = run(check_mode=check_mode, _ansible_diff=True, voice_connector_ids=[SMALL, PLAIN], release_numbers=True)
    assert result["diff"] == {
        "before": {
            SMALL: {
                "proxy_configuration": SMALL_PROXY,
                "sessions_not_closed": 2,
                "phone_numbers": ["+19135550100", "+19135550199"],
            },
            PLAIN: {"proxy_configuration": {}, "sessions_not_closed": 0, "phone_numbers": []},
        },
        "after": {
            SMALL: {"proxy_configuration": {}, "sessions_not_closed": 0, "phone_numbers": []},
            PLAIN: {"proxy_configuration": {}, "sessions_not_closed": 0, "phone_numbers": []},
        },
    }
    assert (run.writes() == []) is check_mode


def test_diff_of_a_connector_that_failed_shows_what_is_left(run):
    run.faults[("DeleteProxySession", "s-2")] = (403, {"Error": {"Code": "ForbiddenException", "Message": "no"}})
    run.connectors[SMALL]["proxy"] = proxy(disabled=True)
    result = run(_ansible_diff=True, voice_connector_ids=[SMALL], max_concurrency=1)
    assert result["failed"] is True
    assert result["diff"] == {
        "before": {SMALL: {"proxy_configuration": {**SMALL_PROXY, "disabled": True}, "sessions_not_closed": 2}},
        "after": {SMALL: {"proxy_configuration": {**SMALL_PROXY, "disabled": True}, "sessions_not_closed": 1}},
    }


@pytest.mark.parametrize("check_mode", [False, True])
def test_diff_of_a_connector_being_stopped_says_it_is_disabled_after(run, check_mode):
    run.faults[("ListProxySessions", SMALL)] = (403, {"Error": {"Code": "ForbiddenException", "Message": "no"}})
    result = run(check_mode=check_mode, _ansible_diff=True, voice_connector_ids=[SMALL])
    assert result["diff"]["after"][SMALL] == {
        "proxy_configuration": {**SMALL_PROXY, "disabled": True},
        "sessions_not_closed": 0,
    }
    assert "diff" not in run(voice_connector_ids=[SMALL])


def test_diff_counts_sessions_already_gone_as_gone(run):
    run.faults[("DeleteProxySession", SMALL)] = run.not_found()
    result = run(_ansible_diff=True, voice_connector_ids=[SMALL])
    assert by_id(result)[SMALL]["sessions_already_gone"] == 2
    assert result["diff"]["before"][SMALL]["sessions_not_closed"] == 2
    assert result["diff"]["after"][SMALL]["sessions_not_closed"] == 0


def test_diff_of_numbers_refused_keeps_them_after(run):
    run.refuse = {"+19135550199"}
    result = run(_ansible_diff=True, voice_connector_ids=[SMALL], release_numbers=True)
    assert result["diff"]["after"][SMALL]["phone_numbers"] == ["+19135550199"]


def test_a_deletion_refusal_that_names_no_number_releases_none(run):
    run.refuse_without_id = "delete"
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    small = by_id(result)[SMALL]
    assert small["numbers_disassociated"] == ["+19135550100", "+19135550199"] and small["numbers_released"] == []
    assert small["failed"] == f"The service refused numbers of {SMALL}: None (ServiceFailure: try again)"


def test_a_configuration_gone_before_its_removal_is_none(run):
    run.faults[("DeleteVoiceConnectorProxy", SMALL)] = run.not_found()
    result = run(voice_connector_ids=[SMALL])
    assert not result.get("failed"), result
    assert by_id(result)[SMALL]["proxy_configuration"] == "none"


def test_sessions_deleted_before_a_refused_one_are_counted(run):
    run.faults[("DeleteProxySession", "b-005")] = (403, {"Error": {"Code": "ForbiddenException", "Message": "no"}})
    result = run(voice_connector_ids=[BIG], max_concurrency=1)
    big = by_id(result)[BIG]
    assert (big["sessions_deleted"], big["sessions_not_deleted"]) == (5, 225)
    assert big["failed"].endswith("; 225 session(s) not deleted, the proxy configuration is kept")


def test_sessions_gone_and_refused_are_counted_apart(run):
    run.faults[("DeleteProxySession", "s-1")] = run.not_found()
    run.faults[("DeleteProxySession", "s-2")] = (403, {"Error": {"Code": "ForbiddenException", "Message": "no"}})
    result = run(voice_connector_ids=[SMALL], max_concurrency=1)
    small = by_id(result)[SMALL]
    assert (small["sessions_deleted"], small["sessions_already_gone"], small["sessions_not_deleted"]) == (0, 1, 1)
    assert small["failed"].endswith("; 1 session(s) not deleted, the proxy configuration is kept")
    assert result["summary"]["sessions_not_deleted"] == 1


def test_two_failed_connectors_are_both_named(run):
    result = run(voice_connector_ids=[MISSING, "drainmissing000000002"])
    assert result["msg"] == (
        f"2 of 2 voice connector(s) failed: {MISSING}: Voice connector {MISSING} does not exist in region us-east-1;"
        " drainmissing000000002: Voice connector drainmissing000000002 does not exist in region us-east-1"
    )


def test_the_connection_pool_holds_max_concurrency_connections(run):
    run(voice_connector_ids=[SMALL], max_concurrency=20)
    assert run.pool_sizes == [20]


def test_a_report_dest_with_a_home_directory(run, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run(voice_connector_ids=[SMALL], dest="~/drain")
    path = str(tmp_path / "drain" / "drain_report.json")
    assert result["files"] == {"drain_report_json": path}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # Indented JSON, a line per member, ending with a newline.
    assert text.startswith('{\n  "region": "us-east-1",\n  "rehearsal": false,\n') and text.endswith("}\n")


def test_a_delete_that_still_fails_after_its_retries_fails_the_connector(run):
    run.faults[("DeleteProxySession", SMALL)] = (503, {"Error": {"Code": "ServiceUnavailableException", "Message": ""}})
    result = run(voice_connector_ids=[SMALL], max_concurrency=1)
    assert result["failed"] is True
    assert run.count("DeleteProxySession") == 10  # one session, the retry layer's 10 attempts; the other not sent
    assert "still failed after every retry" in by_id(result)[SMALL]["failed"]


def test_every_connector_with_a_proxy_configuration(run):
    result = run(all_voice_connectors=True, voice_connector_ids=[])
    assert [r["voice_connector_id"] for r in result["voice_connectors"]] == [BIG, SMALL]
    assert run.count("ListVoiceConnectors") == 1
    assert run.count("GetVoiceConnectorProxy") == 3  # once each, not again for the drain
    assert run.count("GetVoiceConnector") == 0
    assert result["summary"] == {
        "voice_connectors": 2,
        "voice_connectors_failed": 0,
        "sessions_deleted": 232,
        "sessions_to_delete": 0,
        "sessions_not_deleted": 0,
        "proxy_configurations_removed": 2,
        "numbers_released": 0,
        "numbers_to_release": 0,
    }


def test_every_connector_rehearsed(run):
    result = run(check_mode=True, all_voice_connectors=True)
    assert [r["rehearsal"] for r in result["voice_connectors"]] == [True, True]
    assert [r["sessions_to_delete"] for r in result["voice_connectors"]] == [230, 2]
    assert run.writes() == []


def test_numbers_released_after_the_proxy_configuration_is_gone(run):
    result = run(voice_connector_ids=[SMALL, BIG], release_numbers=True)
    assert not result.get("failed"), result
    small_ops = run.ops(SMALL)
    assert small_ops.index("DeleteVoiceConnectorProxy") < small_ops.index("DisassociatePhoneNumbersFromVoiceConnector")
    small, big = by_id(result)[SMALL], by_id(result)[BIG]
    assert small["numbers_disassociated"] == small["numbers_released"] == ["+19135550100", "+19135550199"]
    assert small["numbers_leave_account"] == {
        "+19135550100": "2026-12-10T10:00:00.000Z",
        "+19135550199": "2026-12-10T10:00:00.000Z",
    }
    assert big["numbers_released"] == ["+19135550150"]
    # Two numbers: one BatchDeletePhoneNumber; one number: DeletePhoneNumber.
    assert run.count("BatchDeletePhoneNumber") == 1 and run.count("DeletePhoneNumber") == 1
    assert {n["Status"] for n in run.numbers.values()} == {"DeleteInProgress"}
    assert result["summary"]["numbers_released"] == 3
    assert small["numbers_to_release"] == []  # only a rehearsal lists them there


def test_a_number_refused_by_the_deletion_queue_is_not_released(run):
    run.refuse_delete.update({"+19135550100", "+19135550199"})
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    small = by_id(result)[SMALL]
    assert small["numbers_disassociated"] == ["+19135550100", "+19135550199"]
    assert small["numbers_released"] == [] and small["numbers_leave_account"] == {}
    assert small["failed"] == (
        f"The service refused numbers of {SMALL}: +19135550100 (Conflict: held); +19135550199 (Conflict: held)"
    )


def test_a_refusal_that_names_no_number_still_fails_the_connector(run):
    run.refuse_without_id = "disassociate"
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    small = by_id(result)[SMALL]
    assert small["failed"] == f"The service refused numbers of {SMALL}: None (ServiceFailure: try again)"
    # Which number it meant cannot be told: none counts as taken off, none is queued.
    assert small["numbers_disassociated"] == [] and small["numbers_released"] == []
    assert not {"DeletePhoneNumber", "BatchDeletePhoneNumber"} & set(run.ops())


def test_a_refused_number_fails_the_connector_naming_it(run):
    run.refuse.add("+19135550199")
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    assert result["failed"] is True
    small = by_id(result)[SMALL]
    assert small["numbers_released"] == ["+19135550100"]
    assert "+19135550199 (Conflict: in use)" in small["failed"]
    assert run.numbers["+19135550199"]["Status"] == "Assigned"


def test_a_refused_disable_stops_the_connector_before_its_sessions(run):
    run.faults[("PutVoiceConnectorProxy", SMALL)] = (
        403,
        {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}},
    )
    result = run(voice_connector_ids=[SMALL, BIG])
    assert result["failed"] is True
    small = by_id(result)[SMALL]
    assert "chime:PutVoiceConnectorProxy" in small["failed"] and "AccessDeniedException" in small["failed"]
    assert small["proxy_configuration"] == "kept" and small["sessions_deleted"] == 0
    assert small["new_sessions_stopped"] == "failed" and small["changed"] is False
    assert run.ops(SMALL) == ["GetVoiceConnectorProxy", "PutVoiceConnectorProxy"]
    assert by_id(result)[BIG]["proxy_configuration"] == "removed"


def test_every_number_refused_releases_none(run):
    run.refuse.update({"+19135550100", "+19135550199"})
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    assert result["failed"] is True
    small = by_id(result)[SMALL]
    assert small["numbers_disassociated"] == [] and small["numbers_released"] == []
    assert not {"DeletePhoneNumber", "BatchDeletePhoneNumber", "GetPhoneNumber"} & set(run.ops())


def test_a_number_associated_elsewhere_stops_the_release_before_any_number_write(run):
    run.numbers["+19135550199"]["Associations"] += [
        {"Name": "SipRuleId", "Value": "rule-1"},
        # Another kind of association with the connector's own id is still elsewhere.
        {"Name": "VoiceConnectorGroupId", "Value": SMALL},
    ]
    run.numbers["+19135550100"]["Associations"].append({"Name": "SipRuleId", "Value": "rule-2"})
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    assert result["failed"] is True
    assert by_id(result)[SMALL]["failed"] == (
        f"Phone numbers of {SMALL} are also associated elsewhere, so none was released: +19135550100 (SipRuleId"
        f" rule-2); +19135550199 (SipRuleId rule-1, VoiceConnectorGroupId {SMALL})"
    )
    assert not {"DisassociatePhoneNumbersFromVoiceConnector", "DeletePhoneNumber", "BatchDeletePhoneNumber"} & set(
        run.ops()
    )


def test_requests_in_flight_are_bounded_across_connectors(run):
    for n in range(6):
        run.connectors[f"drainmany{n:012d}"] = {"proxy": proxy(), "sessions": [session(f"m{n}-{i}") for i in range(8)]}
    run.gate = 3
    result = run(all_voice_connectors=True, max_concurrency=3)
    assert not result.get("failed"), result
    assert run.max_in_flight == 3
    assert run.count("DeleteProxySession") == 230 + 2 + 6 * 8


def test_ten_in_flight_by_default(run):
    run.gate = 10
    run(voice_connector_ids=[BIG])
    assert run.max_in_flight == 10


def read_report(dest):
    with open(os.path.join(dest, "drain_report.json"), encoding="utf-8") as f:
        return json.load(f)


def test_a_rerun_that_finds_nothing_to_do_keeps_the_record_of_the_drain(run, tmp_path):
    dest = str(tmp_path / "report")
    first = run(voice_connector_ids=[SMALL], dest=dest)
    assert first["changed"] is True and "backup_file" not in first
    record = read_report(dest)
    assert record["summary"]["sessions_deleted"] == 2
    second = run(voice_connector_ids=[SMALL], dest=dest)
    assert second["changed"] is False and run.writes() == []
    assert second["files"] == {"drain_report_json": os.path.join(dest, "drain_report.json")}
    assert read_report(dest) == record and sorted(os.listdir(dest)) == ["drain_report.json"]
    # mode, owner and group still apply to the report there, without rewriting it
    third = run(voice_connector_ids=[SMALL], dest=dest, mode="0640")
    assert third["changed"] is True and run.writes() == []
    assert stat.S_IMODE(os.stat(os.path.join(dest, "drain_report.json")).st_mode) == 0o640
    assert read_report(dest) == record
    fourth = run(voice_connector_ids=[SMALL], dest=dest, mode="0640")
    assert fourth["changed"] is False


def test_a_rerun_gives_a_report_left_as_it_was_the_default_mode(run, tmp_path):
    dest = str(tmp_path / "report")
    run(voice_connector_ids=[SMALL], dest=dest)
    os.chmod(os.path.join(dest, "drain_report.json"), 0o644)
    again = run(voice_connector_ids=[SMALL], dest=dest)
    assert again["changed"] is True and run.writes() == []
    assert stat.S_IMODE(os.stat(os.path.join(dest, "drain_report.json")).st_mode) == 0o600


def test_the_report_is_staged_beside_it(run, tmp_path, monkeypatch):
    """Staged in dest, so that moving it into place is a rename on one file system, never a copy half-done."""
    real_mkstemp = tempfile.mkstemp
    staged_in = []

    def spy(*args, **kwargs):
        staged_in.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr("ansible_collections.telephony.chime.plugins.module_utils._chime.reports.tempfile.mkstemp", spy)
    dest = str(tmp_path / "report")
    run(voice_connector_ids=[SMALL], dest=dest)
    assert staged_in == [dest] and os.listdir(dest) == ["drain_report.json"]


def test_a_report_replaced_by_another_drain_is_kept_beside_it(run, tmp_path):
    dest = str(tmp_path / "report")
    run(voice_connector_ids=[SMALL], dest=dest)
    first = read_report(dest)
    second = run(voice_connector_ids=[BIG], dest=dest)
    kept = second["backup_file"]
    assert os.path.dirname(kept) == dest and os.path.basename(kept).startswith("drain_report.json.")
    assert kept.endswith("~")
    with open(kept, encoding="utf-8") as f:
        assert json.load(f) == first
    assert read_report(dest)["voice_connectors"] == second["voice_connectors"]
    assert sorted(os.listdir(dest)) == sorted(["drain_report.json", os.path.basename(kept)])
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600


def test_the_first_drain_into_dest_writes_a_report_even_when_there_was_nothing_to_do(run, tmp_path):
    dest = tmp_path / "report"
    dest.mkdir()
    run.connectors[PLAIN]["sessions"] = []
    result = run(voice_connector_ids=[PLAIN], dest=str(dest))
    assert result["changed"] is True and run.writes() == []
    assert read_report(str(dest))["voice_connectors"] == result["voice_connectors"]


def test_a_failed_rerun_replaces_the_report_and_keeps_the_one_before(run, tmp_path):
    dest = str(tmp_path / "report")
    run(voice_connector_ids=[SMALL], dest=dest)
    failed = run(voice_connector_ids=[MISSING], dest=dest)
    assert failed["failed"] is True and failed["backup_file"]
    assert read_report(dest)["voice_connectors"][0]["failed"].startswith(f"Voice connector {MISSING} does not")
    again = run(voice_connector_ids=[MISSING], dest=dest)
    assert again["failed"] is True and again["changed"] is False and "backup_file" not in again


def test_a_report_that_cannot_be_written_fails_with_everything_the_drain_did(run, tmp_path, monkeypatch):
    dest = str(tmp_path / "report")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        "ansible_collections.telephony.chime.plugins.module_utils._chime.reports.tempfile.mkstemp", full_disk
    )
    result = run(voice_connector_ids=[SMALL], dest=dest)
    assert result["failed"] is True
    assert result["msg"] == (
        "The drain was done as this result says, but its report was not written: Could not write"
        f" {dest}/drain_report.json: [Errno 28] No space left on device"
    )
    assert result["changed"] is True and result["summary"]["sessions_deleted"] == 2
    assert by_id(result)[SMALL]["proxy_configuration"] == "removed"
    assert os.listdir(dest) == []


def test_a_report_whose_copy_cannot_be_kept_is_not_replaced(run, tmp_path, monkeypatch):
    dest = str(tmp_path / "report")
    run(voice_connector_ids=[SMALL], dest=dest)
    record = read_report(dest)

    def no_copy(self, path):
        raise Exception(f"Could not make backup of {path!r}") from OSError(13, "Permission denied")

    monkeypatch.setattr("ansible.module_utils.basic.AnsibleModule.backup_local", no_copy)
    result = run(voice_connector_ids=[BIG], dest=dest)
    assert result["failed"] is True and result["summary"]["sessions_deleted"] == 230
    assert result["msg"].endswith(
        f"its report was not written: Could not keep a copy of {dest}/drain_report.json before replacing it:"
        " [Errno 13] Permission denied"
    )
    assert read_report(dest) == record


@pytest.mark.parametrize(
    "args, words",
    [
        ({}, [": give voice_connector_ids (at least one) or all_voice_connectors=true"]),
        ({"voice_connector_ids": []}, [": give voice_connector_ids (at least one) or all_voice_connectors=true"]),
        (
            {"voice_connector_ids": [SMALL], "all_voice_connectors": True},
            [": voice_connector_ids and all_voice_connectors=true are mutually exclusive"],
        ),
        ({"voice_connector_ids": ["   "]}, ["voice_connector_ids[0] (DeleteVoiceConnectorProxy VoiceConnectorId)"]),
        ({"voice_connector_ids": [SMALL], "max_concurrency": 0}, ["max_concurrency must be between 1 and 100, got 0"]),
        (
            {"voice_connector_ids": ["all"]},
            # the pattern's own message comes first where the model's pattern refuses 'all' (not botocore 1.34's)
            ["for every connector with a proxy configuration, give all_voice_connectors=true, not the id 'all'"],
        ),
    ],
)
def test_bad_input_fails_before_any_request(run, args, words):
    result = run(**args)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert run.clients == 0 and run.sent == []


def test_dest_that_is_a_file_fails_before_any_request(run, tmp_path):
    path = tmp_path / "a-file"
    path.write_text("x")
    result = run(voice_connector_ids=[SMALL], dest=str(path))
    assert result["failed"] is True and f"dest must be a directory, {path} is not one" in result["msg"]
    assert run.clients == 0


def test_dest_that_cannot_be_made_fails_before_any_request(run, tmp_path):
    path = tmp_path / "a-file"
    path.write_text("x")
    result = run(voice_connector_ids=[SMALL], dest=str(path / "reports" / "us-east-1"))
    assert result["msg"] == (
        "Invalid options, nothing was sent to AWS: dest must be a directory or a path where one can be made,"
        f" {path} is not a directory"
    )
    assert run.clients == 0


def test_dest_that_cannot_be_written_fails_before_any_request(run, tmp_path, monkeypatch):
    # root may write anywhere, so the file system's answer is played by os.access for this one directory
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: not (p == str(tmp_path) and mode & os.W_OK) and real_access(p, mode)
    )
    result = run(voice_connector_ids=[SMALL], dest=str(tmp_path / "report"))
    assert result["msg"] == (
        f"Invalid options, nothing was sent to AWS: dest must be a directory this user can write in, {tmp_path} is"
        " not writable"
    )
    assert run.clients == 0


def test_a_report_path_that_is_not_a_file_fails_before_any_request(run, tmp_path):
    (tmp_path / "drain_report.json").mkdir()
    result = run(voice_connector_ids=[SMALL], dest=str(tmp_path))
    assert result["msg"] == (
        f"Invalid options, nothing was sent to AWS: dest must not hold a drain_report.json that is not a file,"
        f" {tmp_path}/drain_report.json is not one"
    )
    assert run.clients == 0


def test_dest_that_os_refuses_to_make_fails_before_any_request(run, tmp_path, monkeypatch):
    def refuse(path, mode):
        raise OSError(30, "Read-only file system", path)

    monkeypatch.setattr(os, "makedirs", refuse)
    result = run(voice_connector_ids=[SMALL], dest=str(tmp_path / "report"))
    assert result["msg"] == (
        f"Could not make dest {tmp_path}/report, nothing was sent to AWS: [Errno 30] Read-only file system:"
        f" '{tmp_path}/report'"
    )
    assert run.clients == 0


def test_the_end_of_support_is_said_for_each_operation_sent(run):
    drained = run(voice_connector_ids=[SMALL])
    assert warned_operations(drained) == [
        "GetVoiceConnectorProxy",
        "PutVoiceConnectorProxy",
        "ListProxySessions",
        "DeleteProxySession",
        "DeleteVoiceConnectorProxy",
    ]
    # Nothing left to do: only what was read is warned of.
    assert warned_operations(run(voice_connector_ids=[SMALL])) == ["GetVoiceConnectorProxy", "ListProxySessions"]
    assert warned_operations(run(check_mode=True, voice_connector_ids=[BIG])) == [
        "GetVoiceConnectorProxy",
        "ListProxySessions",
    ]


# --- the pace: throttled answers, and the rehearsal's count of the requests to come ---------------------------------


def test_a_drain_throttled_every_third_request_deletes_every_session(run):
    run.throttle_every = 3
    result = run(voice_connector_ids=[BIG, SMALL], release_numbers=True)
    assert not result.get("failed"), result
    assert result["summary"]["sessions_deleted"] == 232 and result["summary"]["sessions_not_deleted"] == 0
    assert run.connectors[BIG]["sessions"] == [] and run.connectors[BIG]["proxy"] is None
    (paced,) = result["pace"]
    assert paced["requests"] == len(run.sent) and paced["throttled"] == len(run.sent) // 3
    assert paced["rate"] is not None, "the rate the pace settled at"


def test_the_result_and_the_report_say_what_the_pace_did(run, tmp_path):
    result = run(voice_connector_ids=[SMALL], dest=str(tmp_path))
    assert result["pace"] == [{"region": "us-east-1", "requests": len(run.sent), "throttled": 0, "rate": None}]
    with open(tmp_path / "drain_report.json", encoding="utf-8") as f:
        assert json.load(f)["pace"] == result["pace"]
    assert "rehearsal" not in result


@pytest.mark.parametrize("release_numbers", [False, True])
def test_the_rehearsal_says_how_many_requests_the_drain_sends_and_how_long_at_the_ceiling(run, release_numbers):
    args = {"voice_connector_ids": [BIG, SMALL, PLAIN], "release_numbers": release_numbers}
    rehearsal = run(check_mode=True, max_requests_per_second=4.0, **args)
    planned = rehearsal["rehearsal"]
    assert not any(op in WRITES for op, _params in run.sent)
    drained = run(**args)
    assert not drained.get("failed"), drained
    assert planned == {"requests": len(run.sent), "seconds_at_least": round(len(run.sent) / 4.0, 1)}
    assert drained["pace"][0]["requests"] == len(run.sent)


def test_a_rehearsal_without_a_ceiling_gives_no_least_time(run):
    result = run(check_mode=True, voice_connector_ids=[SMALL])
    assert result["rehearsal"]["seconds_at_least"] is None and result["rehearsal"]["requests"] > len(run.sent)


@pytest.mark.parametrize(
    "args, words",
    [
        ({"max_requests_per_second": 0}, "max_requests_per_second must be between 0.5 and 10000.0, got 0.0"),
        ({"max_requests_per_second": 20000}, "max_requests_per_second must be between 0.5 and 10000.0, got 20000.0"),
        ({"throttle_timeout": 0.5}, "throttle_timeout must be between 1.0 and 86400.0, got 0.5"),
    ],
)
def test_pace_options_out_of_bounds_are_refused_before_any_request(run, args, words):
    result = run(voice_connector_ids=[SMALL], **args)
    assert result["failed"] is True and words in result["msg"], result["msg"]
    assert run.sent == [] and "pace" not in result


def test_a_number_refused_under_its_percent_encoded_id_is_not_reported_released(run):
    run.refuse_delete.add("+19135550100")
    run.encode_ids = True
    result = run(voice_connector_ids=[SMALL], release_numbers=True)
    small = by_id(result)[SMALL]
    assert small["numbers_released"] == ["+19135550199"]
    assert small["failed"] == f"The service refused numbers of {SMALL}: %2B19135550100 (Conflict: held)"


# --- across accounts and regions, from a reviewed plan (issue 28) ----------------------------------------------------

OTHER_ROLE = f"arn:aws:iam::{OTHER}:role/ChimeDrain"
OWN_ROLE = f"arn:aws:iam::{OWN}:role/ChimeDrain"
FAR = "drainfar0000000000001"


def other_region(run):
    """OTHER's us-east-1: a connector with 5 open sessions and a number."""
    run.units[(OTHER, "us-east-1")] = Unit(
        {FAR: {"proxy": proxy(), "sessions": [session(f"f-{n}") for n in range(5)]}},
        {"+19135550170": number("+19135550170", FAR)},
    )
    return run.units[(OTHER, "us-east-1")]


def rehearse(run, tmp_path, **args):
    dest = str(tmp_path / "plan")
    result = run(check_mode=True, all_voice_connectors=True, release_numbers=True, dest=dest, **args)
    assert not result.get("failed"), result
    with open(os.path.join(dest, "drain_plan.json"), encoding="utf-8") as f:
        return result, json.load(f), os.path.join(dest, "drain_plan.json")


def test_a_rehearsal_across_accounts_writes_the_plan_of_every_connector_and_number(run, tmp_path):
    other_region(run)
    result, plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OWN_ROLE}, {"role_arn": OTHER_ROLE}])
    assert run.writes() == []
    assert result["plan"] == {"path": path, "digest": plan["digest"], "made": plan["made"]}
    assert plan["kind"] == "telephony.chime.drain_plan" and plan["release_numbers"] is True
    far = plan["accounts"][OTHER]["regions"]["us-east-1"]["voice_connectors"]
    assert far == [
        {
            "voice_connector_id": FAR,
            "proxy": {
                "default_session_expiry_minutes": 60,
                "disabled": False,
                "fall_back_phone_number": "+19135550111",
                "phone_number_countries": ["US"],
            },
            "sessions_not_closed": 5,
            "sessions_closed": 0,
            "numbers_to_release": ["+19135550170"],
        }
    ]
    own = plan["accounts"][OWN]["regions"]["us-east-1"]["voice_connectors"]
    assert [c["voice_connector_id"] for c in own] == [BIG, SMALL]
    assert plan["summary"]["voice_connectors"] == 3 and plan["summary"]["sessions_not_closed"] == 237
    # The drain's own role session name, so that CloudTrail tells it from an audit.
    assert {p["RoleSessionName"] for op, p in run.sts_sent if op == "AssumeRole"} == {"telephony-chime-drain"}
    assert {(r["account_id"], r["voice_connector_id"]) for r in result["voice_connectors"]} == {
        (OWN, BIG),
        (OWN, SMALL),
        (OTHER, FAR),
    }
    # The digest is of the plan's canonical content, the digest left out.
    body = {k: v for k, v in plan.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert plan["digest"] == "sha256:" + hashlib.sha256(canonical).hexdigest()
    # The reads again, then for BIG a disable, 230 deletes, the removal and its number's 3 requests (disassociate,
    # delete, read); for SMALL 1 + 2 + 1 and its 2 numbers' 4 (disassociate, one batch delete, two reads); FAR's 1 + 5
    # + 1 + 3.
    assert result["rehearsal"]["requests"] == len(run.sent) + (1 + 230 + 1 + 3) + (1 + 2 + 1 + 4) + (1 + 5 + 1 + 3)


def test_the_plan_is_applied_after_the_world_changed_and_touches_only_what_it_lists(run, tmp_path):
    far = other_region(run)
    _result, plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    # Between the rehearsal and the drain: a session and a number appear on the planned connector, and a new
    # connector with a proxy configuration appears in the region.
    far.connectors[FAR]["sessions"].append(session("f-late"))
    far.numbers["+19135550171"] = number("+19135550171", FAR)
    far.connectors["drainnew0000000000001"] = {"proxy": proxy(), "sessions": [session("n-1")]}
    result = run(
        accounts=[{"role_arn": OTHER_ROLE}],
        plan=path,
        plan_digest=plan["digest"],
        release_numbers=True,
        dest=str(tmp_path / "report"),
    )
    assert not result.get("failed"), result
    (report,) = result["voice_connectors"]
    assert report["sessions_deleted"] == 6, "the session that appeared since is deleted too"
    assert report["numbers_released"] == ["+19135550170"]
    assert report["numbers_not_in_plan"] == ["+19135550171"]
    assert far.numbers["+19135550171"]["Status"] == "Assigned", "a number not in the plan is never released"
    assert far.connectors["drainnew0000000000001"]["sessions"] == [session("n-1")], "a connector not in it, untouched"
    assert result["left_alone"] == [
        {
            "account_id": OTHER,
            "region": "us-east-1",
            "voice_connector_id": "drainnew0000000000001",
            "why": "not in the plan",
        }
    ]
    assert not [
        op for account, _r, op, _p in run.sent_to if op != "ListVoiceConnectors" and op in WRITES and account != OTHER
    ]
    with open(tmp_path / "report" / "drain_report.json", encoding="utf-8") as f:
        written = json.load(f)
    assert written["plan"] == {"path": path, "digest": plan["digest"], "made": plan["made"]}


def test_accounts_and_regions_the_plan_does_not_list_are_left_alone(run, tmp_path):
    other_region(run)
    _result, plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    result = run(
        accounts=[{"role_arn": OWN_ROLE}, {"role_arn": OTHER_ROLE}],
        regions=["us-east-1", "us-west-2"],
        plan=path,
        plan_digest=plan["digest"],
        release_numbers=True,
    )
    assert not result.get("failed"), result
    # An account the plan does not list is not reached at all (region None); a region it does not list, not read.
    assert {(r["account_id"], r["region"]) for r in result["left_alone"] if "voice_connector_id" not in r} == {
        (OWN, None),
        (OTHER, "us-west-2"),
    }
    assert [p["RoleArn"] for op, p in run.sts_sent if op == "AssumeRole"] == [OTHER_ROLE]
    assert {account for account, _region, _op, _p in run.sent_to} == {OTHER}, "no request to an account left alone"
    assert run.connectors[SMALL]["proxy"] is not None


def altered(path):
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    plan["accounts"][OTHER]["regions"]["us-east-1"]["voice_connectors"][0]["numbers_to_release"].append("+19135550199")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plan, f)


def aged(path):
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    plan["made"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)).isoformat()
    body = {k: v for k, v in plan.items() if k != "digest"}
    plan["digest"] = (
        "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    )
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plan, f)
    return plan["digest"]


@pytest.mark.parametrize(
    "spoil, args, words",
    [
        (altered, {}, "its content does not match its own digest"),
        (lambda path: None, {"plan_digest": "sha256:" + "0" * 64}, "not the plan_digest given"),
        (aged, {}, "hours ago"),
        (lambda path: open(path, "w", encoding="utf-8").write("[]"), {}, "it is not a drain plan"),
        (lambda path: open(path, "w", encoding="utf-8").write("{"), {}, "it is not JSON"),
        (lambda path: None, {"release_numbers": False}, "it was made with release_numbers=true"),
    ],
)
def test_a_plan_that_is_not_the_one_reviewed_is_refused_before_any_request(run, tmp_path, spoil, args, words):
    other_region(run)
    _result, plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    digest = spoil(path) or plan["digest"]
    options = {"accounts": [{"role_arn": OTHER_ROLE}], "plan": path, "plan_digest": digest, "release_numbers": True}
    result = run(**{**options, **args})
    assert result["failed"] is True
    assert result["msg"].startswith(f"The plan {path} is refused, nothing was sent to AWS: ") and words in result["msg"]
    assert run.sent == [] and run.sts_sent == []


def test_a_confirmed_drain_over_an_organization_needs_a_plan(run):
    result = run(all_voice_connectors=True, organization={"member_role_name": "ChimeDrain"})
    assert result["failed"] is True and "needs the plan its rehearsal wrote" in result["msg"]
    assert run.sent == [] and run.sts_sent == []


def test_an_organization_rehearsed_then_drained_from_its_plan(run, tmp_path):
    other_region(run)
    _result, plan, path = rehearse(run, tmp_path, organization={"member_role_name": "ChimeDrain"})
    assert sorted(plan["accounts"]) == [OWN, OTHER]
    # The caller's own account with its own credentials; the member role in OTHER only.
    assert [p["RoleArn"] for op, p in run.sts_sent if op == "AssumeRole"] == [OTHER_ROLE]
    result = run(
        organization={"member_role_name": "ChimeDrain"}, plan=path, plan_digest=plan["digest"], release_numbers=True
    )
    assert not result.get("failed"), result
    assert result["summary"]["sessions_deleted"] == 237 and result["summary"]["account_regions"] == 2
    assert result["organization"]["accounts_in_scope"] == 2
    assert [op for op, _p in run.sts_sent].count("GetCallerIdentity") == 1, "the caller's account asked once"


def test_an_account_that_cannot_be_reached_never_stops_the_others(run, tmp_path):
    other_region(run)
    run.denied_roles.add(OTHER_ROLE)
    result = run(all_voice_connectors=True, accounts=[{"role_arn": OWN_ROLE}, {"role_arn": OTHER_ROLE}])
    assert result["failed"] is True
    assert result["summary"]["proxy_configurations_removed"] == 2, "the own account drained"
    assert result["skipped_regions"][0]["account_id"] == OTHER
    assert f"{OTHER} (every region): Could not reach role {OTHER_ROLE}: AccessDenied" in result["msg"]
    assert result["msg"].startswith("1 account(s) or region(s) could not be drained: "), result["msg"]


def test_a_rehearsal_that_cannot_reach_an_account_plans_the_others_and_names_it(run, tmp_path):
    other_region(run)
    run.denied_roles.add(OTHER_ROLE)
    dest = str(tmp_path / "plan")
    result = run(
        check_mode=True,
        all_voice_connectors=True,
        dest=dest,
        accounts=[{"role_arn": OWN_ROLE}, {"role_arn": OTHER_ROLE}],
    )
    assert result["failed"] is True and run.writes() == []
    with open(os.path.join(dest, "drain_plan.json"), encoding="utf-8") as f:
        plan = json.load(f)
    # The plan holds what was read, and names what it leaves out: a drain of it leaves that account alone.
    assert list(plan["accounts"]) == [OWN]
    assert plan["not_planned"] == [
        {
            "account_id": OTHER,
            "account": f"role {OTHER_ROLE}",
            "region": None,
            "why": result["skipped_regions"][0]["reason"],
        }
    ]
    assert plan["summary"]["not_planned"] == 1


def test_voice_connector_ids_name_connectors_of_one_account_and_region(run):
    result = run(voice_connector_ids=[SMALL], regions=["us-east-1", "us-west-2"])
    assert (
        result["failed"] is True and "voice_connector_ids names connectors of one account and region" in result["msg"]
    )
    assert run.sent == []


def test_requests_in_flight_across_accounts_and_regions_stay_within_the_budget(run):
    """max_regions x max_concurrency (2 x 3) in flight in all, though each region has a single connector: its deletes
    fill the region's max_concurrency, so a region draining counts for all of it, not for its one connector."""
    regions = ["us-east-1", "us-west-2", "eu-central-1", "eu-west-2"]
    for region in regions:
        vc_id = f"far{region.replace('-', '')}".ljust(22, "0")
        run.units[(OTHER, region)] = Unit(
            {vc_id: {"proxy": proxy(), "sessions": [session(f"{region}-{n}") for n in range(20)]}}, {}
        )
    run.gate = 6
    result = run(
        accounts=[{"role_arn": OTHER_ROLE}],
        regions=regions,
        all_voice_connectors=True,
        max_regions=2,
        max_concurrency=3,
    )
    assert not result.get("failed"), result
    assert result["summary"]["sessions_deleted"] == 4 * 20
    assert run.max_in_flight == 6


def test_an_account_and_region_whose_listing_fails_is_skipped_with_why_and_fails_the_task(run):
    other_region(run)
    run.faults[("ListVoiceConnectors", None)] = (403, {"Error": {"Code": "ForbiddenException", "Message": "no"}})
    result = run(accounts=[{"role_arn": OTHER_ROLE}], all_voice_connectors=True)
    assert result["failed"] is True
    [skipped] = result["skipped_regions"]
    assert (skipped["account_id"], skipped["region"]) == (OTHER, "us-east-1")
    assert skipped["reason"].startswith("Failed to list voice connectors in region us-east-1 (access denied")
    assert run.count("DeleteProxySession") == 0


def test_an_account_the_plan_lists_and_the_accounts_given_do_not_reach_is_named(run, tmp_path):
    other_region(run)
    _result, plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    result = run(accounts=[{"role_arn": OWN_ROLE}], plan=path, plan_digest=plan["digest"], release_numbers=True)
    assert result["failed"] is True
    assert {(s["account_id"], s["region"], s["reason"]) for s in result["skipped_regions"]} == {
        (OTHER, "us-east-1", "the plan lists it, and the accounts or organization given do not reach it")
    }
    assert run.sent_to == [], "no Chime request: the one account given is not in the plan"


def test_diff_across_accounts_names_each_connector_by_account_and_region(run):
    other_region(run)
    result = run(check_mode=True, _ansible_diff=True, accounts=[{"role_arn": OTHER_ROLE}], all_voice_connectors=True)
    assert not result.get("failed"), result
    assert list(result["diff"]["before"]) == [f"{OTHER}/us-east-1/{FAR}"]


def test_a_rehearsal_that_finds_the_same_plan_leaves_the_file_as_it_is(run, tmp_path, monkeypatch):
    made = datetime.datetime(2026, 12, 7, 1, 0, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(plan_module, "now_utc", lambda: made)
    other_region(run)
    first, _plan, path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    written = os.stat(path).st_mtime_ns
    second, _plan, _path = rehearse(run, tmp_path, accounts=[{"role_arn": OTHER_ROLE}])
    assert second["plan"]["digest"] == first["plan"]["digest"]
    assert "backup_file" not in second and os.stat(path).st_mtime_ns == written
    assert [p for p in os.listdir(os.path.dirname(path)) if p != "drain_plan.json"] == [], "no copy, no staged file"


def test_a_plan_that_cannot_be_written_fails_the_rehearsal_and_leaves_no_staged_file(run, tmp_path, monkeypatch):
    def unreadable(path):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(reports_module, "_sha1", unreadable)
    result = run(check_mode=True, all_voice_connectors=True, dest=str(tmp_path))
    assert result["failed"] is True
    assert f"Could not write {tmp_path / 'drain_plan.json'}: [Errno 5] Input/output error" in result["msg"]
    assert os.listdir(tmp_path) == []


def test_a_plan_decides_the_connectors_alone(run, tmp_path):
    _result, plan, path = rehearse(run, tmp_path)
    run.sent.clear()
    result = run(plan=path, plan_digest=plan["digest"], voice_connector_ids=[SMALL], release_numbers=True)
    assert result["failed"] is True
    assert (
        "plan decides the connectors: give neither voice_connector_ids nor all_voice_connectors=true" in result["msg"]
    )
    assert run.sent == []


def test_without_a_region_anywhere_the_drain_says_so_before_any_request(run, monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = run(region=None, voice_connector_ids=[SMALL])
    assert result["failed"] is True
    assert result["msg"].startswith("A region is required and none was found in the region option")
    across = run(region=None, accounts=[{"role_arn": OTHER_ROLE}], all_voice_connectors=True)
    assert across["failed"] is True
    assert across["msg"].startswith("A region is required and none was found in the regions or region option")
    assert run.sent == [] and run.sts_sent == []


def test_roles_are_assumed_with_credentials_from_the_environment(run, monkeypatch):
    other_region(run)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    result = run(access_key=None, secret_key=None, accounts=[{"role_arn": OTHER_ROLE}], all_voice_connectors=True)
    assert not result.get("failed"), result
    assert [p["RoleArn"] for op, p in run.sts_sent if op == "AssumeRole"] == [OTHER_ROLE]
    assert run.count("DeleteProxySession") == 5


def test_a_plan_that_is_not_a_file_is_refused_before_any_request(run, tmp_path):
    result = run(plan=str(tmp_path / "missing.json"), plan_digest="sha256:" + "0" * 64)
    assert result["failed"] is True
    assert result["msg"] == (
        f"The plan {tmp_path / 'missing.json'} is refused, nothing was sent to AWS: it cannot be read (No such file"
        " or directory)"
    )
    assert run.sent == [] and run.sts_sent == []
