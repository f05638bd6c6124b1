# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_proxy_inventory end to end in-process: options in, JSON and files out.

Every client is the module's own (one STS client per account reached, one chime-sdk-voice client per account and
region), with a Stubber behind it that answers from a small organisation and records what it receives; the answers
are checked against AWS's models. The files are read as a user reads them, with the csv and json modules.
"""

import copy
import csv
import datetime
import json
import os
import re
import stat
import tempfile
import threading
import time

import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import accounts
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_inventory
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import account_state
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import CREDENTIALS

OWN = "123456789012"
SECOND = "222222222222"
THIRD = "333333333333"
ROLE_2 = f"arn:aws:iam::{SECOND}:role/ChimeAudit"
ROLE_3 = f"arn:aws:iam::{THIRD}:role/ChimeAudit"
SUSPENDED = "444444444444"
# The access key each account's credentials start with: the fake service tells accounts apart by its first 9
# characters (a role's refreshed credentials end in another number).
KEYS = {
    "AKIAIOSFODNN7EXAMPLE": OWN,
    "ASIA2222EXAMPLE0001": SECOND,
    "ASIA3333EXAMPLE0001": THIRD,
    "ASIA4444EXAMPLE0001": SUSPENDED,
}


def account_of(key):
    return next(account for known, account in KEYS.items() if known[:9] == key[:9])


# The organisation: the caller's (management) account at the root, SECOND and THIRD in Telephony, a suspended one in
# Sandbox.
ORG_ROOT, TELEPHONY, SANDBOX = "r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"
ORG_TREE = {
    ORG_ROOT: ("Root", [TELEPHONY, SANDBOX], [(OWN, "Management", "ACTIVE")]),
    TELEPHONY: ("Telephony", [], [(SECOND, "Partner", "ACTIVE"), (THIRD, "Prod", "ACTIVE")]),
    SANDBOX: ("Sandbox", [], [(SUSPENDED, "Closed", "SUSPENDED")]),
}
# The retry layer's back-off is switched off by replacing time.sleep for the whole process; the fake service holds
# requests with the real one, so that requests overlap.
REAL_SLEEP = time.sleep


def connector(vc_id, name):
    return {"VoiceConnectorId": vc_id, "Name": name, "AwsRegion": "us-east-1", "RequireEncryption": True}


def org():
    """account -> region -> connector id -> (connector, proxy, numbers, sessions)."""
    east = {
        "eastproxyconnector0001": (
            connector("eastproxyconnector0001", "East, proxy"),
            {"DefaultSessionExpiryMinutes": 60, "Disabled": False, "PhoneNumberCountries": ["US"]},
            [{"PhoneNumberId": "+19135550199", "E164PhoneNumber": "+19135550199", "Status": "Assigned"}],
            [
                session("s-1"),
                session("s-2", status="Closed", Name='Pickup "north", 2'),
                session("s-3", status="InProgress"),
            ],
        ),
        "eastplainconnector0002": (connector("eastplainconnector0002", "East plain"), None, [], []),
    }
    west = {
        "westproxyconnector0001": (
            connector("westproxyconnector0001", "West"),
            {"DefaultSessionExpiryMinutes": 30, "Disabled": True, "PhoneNumberCountries": ["US"]},
            [],
            [session(f"w-{n}") for n in range(250)],  # three pages of ListProxySessions
        )
    }
    partner = copy.deepcopy(east["eastproxyconnector0001"])
    partner[0]["VoiceConnectorId"] = "partnerproxyconnector1"
    return {
        OWN: {"us-east-1": east, "us-west-2": west},
        SECOND: {"us-east-1": {"partnerproxyconnector1": partner}},
        THIRD: {},
    }


class FakeChime(Stubber):
    """One account and region of the organisation; records requests and the most in flight at once."""

    def __init__(self, client, account, region, fake):
        super().__init__(client)
        self.account, self.region, self.fake = account, region, fake
        self.sent = []
        self.in_flight = 0
        self.max_in_flight = 0

    def answer(self, operation, params):
        data = self.fake.data.get(self.account, {}).get(self.region, {})
        fault = self.fake.faults.get((self.account, self.region, operation))
        if fault:
            return fault
        if operation == "ListVoiceConnectors":
            return 200, {"VoiceConnectors": [item[0] for item in data.values()]}
        vc, proxy, numbers, sessions = data[params.get("VoiceConnectorId") or params.get("FilterValue")]
        if operation == "GetVoiceConnectorProxy":
            if proxy is None:
                return 404, {"Error": {"Code": "NotFoundException", "Message": "no proxy"}}
            return 200, {"Proxy": proxy}
        if operation == "ListPhoneNumbers":
            return 200, {"PhoneNumbers": numbers}
        if operation == "ListProxySessions":
            start = int(params.get("NextToken", "0"))
            page = {"ProxySessions": sessions[start : start + params["MaxResults"]]}
            if start + params["MaxResults"] < len(sessions):
                page["NextToken"] = str(start + params["MaxResults"])
            if self.fake.repeat_token and "NextToken" in params:
                page["NextToken"] = params["NextToken"]
            return 200, page
        raise AssertionError(f"the fake service does not know {operation}")

    def _assert_expected_params(self, model, params, context, **kwargs):
        key = (self.account, self.region)
        # The keys the request will be signed with (reading them may make botocore assume the role again, which asks
        # the fake STS: outside the lock).
        signing = self.client._request_signer._credentials.access_key
        with self.fake.lock:
            self.fake.signed_with.append((self.account, signing))
        with self.fake.lock:
            if key in self.fake.throttle_first:  # the quota is spent: AWS answers at once, before any gate
                self.fake.throttle_first.discard(key)
                self.fake.throttled.append(key)
                error = {"Code": "ThrottledClientException", "Message": "Rate exceeded"}
                answer = {"ResponseMetadata": {"HTTPStatusCode": 429}, "Error": error}
                context["fake_answer"] = (AWSResponse(None, 429, {}, None), answer)
                return
            self.sent.append((model.name, dict(params)))
            self.fake.now += self.fake.tick
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.fake.spans.setdefault(key, [time.monotonic(), None])
        # Gates, so that the bounds are reached whatever the machine's load: a region's first request waits until
        # region_gate regions have sent theirs, a connector's first request until connector_gate connectors of the
        # region have (or all of them, when fewer). A bound lower than a gate makes the wait time out, and the count
        # falls short of it.
        if model.name == "ListVoiceConnectors" and self.fake.region_gate:
            self.fake.wait_for("regions", self.fake.region_gate)
        if model.name == "GetVoiceConnectorProxy" and self.fake.unit_gate:
            self.fake.wait_for("units", self.fake.unit_gate)
        if model.name == "GetVoiceConnectorProxy" and self.fake.connector_gate:
            connectors = len(self.fake.data.get(self.account, {}).get(self.region, {}))
            self.fake.wait_for(key, min(self.fake.connector_gate, connectors))
        REAL_SLEEP(self.fake.hold)
        status, body = self.answer(model.name, params)
        with self.fake.lock:
            self.in_flight -= 1
            self.fake.spans[key][1] = time.monotonic()
        if status == 200:
            self._validate_operation_response(model.name, body)
        else:
            body = {"ResponseMetadata": {"HTTPStatusCode": status}, **body}
        context["fake_answer"] = (AWSResponse(None, status, {}, None), copy.deepcopy(body))

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


def in_an_hour():
    """An AssumeRole answer's Expiration: botocore refreshes credentials that are already expired."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()


class FakeSts(Stubber):
    def __init__(self, client, fake, credentials):
        super().__init__(client)
        self.fake, self.credentials = fake, credentials

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.fake.lock:
            self.fake.sts_sent.append((model.name, dict(params)))
        if model.name == "GetCallerIdentity":
            account = account_of(self.credentials)
            body = {"Account": account, "Arn": f"arn:aws:iam::{account}:user/audit", "UserId": "AIDAEXAMPLE"}
        else:
            denied = self.fake.denied_roles.get(params["RoleArn"])
            if denied:
                error = {"Code": "AccessDenied", "Message": denied}
                context["fake_answer"] = (AWSResponse(None, 403, {}, None), {"Error": error})
                return
            account = params["RoleArn"].split(":")[4]
            with self.fake.lock:
                self.fake.issued[account] = self.fake.issued.get(account, 0) + 1
                serial = self.fake.issued[account]
            key = next(k for k, v in KEYS.items() if v == account)[:-4] + f"{serial:04d}"
            body = {
                "Credentials": {
                    "AccessKeyId": key,
                    "SecretAccessKey": "secret",
                    "SessionToken": f"token-{account}" + (f"-{serial}" if serial > 1 else ""),
                    "Expiration": self.fake.expiration(),
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROAEXAMPLE:audit",
                    "Arn": f"arn:aws:sts::{account}:assumed-role/ChimeAudit/{params['RoleSessionName']}",
                },
            }
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


class FakeOrganizations(Stubber):
    """AWS Organizations of the caller: ORG_TREE, one page per listing."""

    def __init__(self, client, fake):
        super().__init__(client)
        self.fake = fake

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.fake.lock:
            self.fake.organizations_sent.append((model.name, dict(params)))
        if model.name in self.fake.organizations_refused:
            error = {
                "Code": "AccessDeniedException",
                "Message": f"not authorized to perform organizations:{model.name}",
            }
            context["fake_answer"] = (AWSResponse(None, 400, {}, None), {"Error": error})
            return
        if model.name == "ListRoots":
            body = {"Roots": [{"Id": ORG_ROOT, "Name": "Root"}]}
        elif model.name == "ListOrganizationalUnitsForParent":
            body = {"OrganizationalUnits": [{"Id": u, "Name": ORG_TREE[u][0]} for u in ORG_TREE[params["ParentId"]][1]]}
        elif model.name == "DescribeOrganizationalUnit":
            unit = params["OrganizationalUnitId"]
            body = {"OrganizationalUnit": {"Id": unit, "Name": ORG_TREE[unit][0]}}
        elif model.name == "ListParents":
            parent = next(p for p, (_n, units, _a) in ORG_TREE.items() if params["ChildId"] in units)
            body = {"Parents": [{"Id": parent, "Type": "ROOT"}]}
        else:
            accounts = ORG_TREE[params["ParentId"]][2]
            body = {
                "Accounts": [
                    {
                        "Id": i,
                        "Name": n,
                        "Email": f"{n.lower()}@example.com",
                        **account_state(state),
                        "Arn": f"arn:aws:organizations::{OWN}:account/o-1/{i}",
                    }
                    for i, n, state in accounts
                ]
            }
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


class Fake:
    """The organisation behind every client the module builds."""

    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.data = org()
        self.faults = {}
        self.denied_roles = {}
        self.repeat_token = False
        self.throttle_first = set()  # (account, region) whose first request AWS throttles
        self.throttled = []
        self.hold = 0.0
        self.lock = threading.Lock()
        self.chime = []
        self.sts_sent = []
        self.chime_credentials = []
        self.region_gate = None
        self.connector_gate = None
        self.unit_gate = None
        self.arrived = {}
        self.arrivals = threading.Condition()
        self.spans = {}
        self.organizations_sent = []
        self.organizations_refused = set()
        self.issued = {}
        # The time botocore's refreshable credentials read; each chime request moves it on by `tick`.
        self.now = datetime.datetime.now(datetime.timezone.utc)
        self.tick = datetime.timedelta(0)
        self.lifetime = datetime.timedelta(hours=1)
        self.signed_with = []
        monkeypatch.setattr(accounts, "refresh_clock", lambda: self.now)
        real_chime, real_sts = chime_proxy_inventory.chime_client, chime_proxy_inventory.sts_client
        real_organizations = chime_proxy_inventory.organizations_client

        def organizations_client(session, region, config, **kwargs):
            client = real_organizations(session, region, config, **kwargs)
            FakeOrganizations(client, self).activate()
            return client

        monkeypatch.setattr(chime_proxy_inventory, "organizations_client", organizations_client)

        def chime_client(session, region, endpoint_url, config, **credentials):
            client = real_chime(session, region, endpoint_url, config, **credentials)
            # What the client signs with: given keys, or a role's refreshable credentials through its session.
            signing = client._request_signer._credentials.get_frozen_credentials()
            key = signing.access_key
            with self.lock:
                self.chime_credentials.append((account_of(key), region, signing.token, endpoint_url))
            stub = FakeChime(client, account_of(key), region, self)
            stub.activate()
            self.chime.append(stub)
            return client

        def sts_client(session, region, config, **kwargs):
            client = real_sts(session, region, config, **kwargs)
            stub = FakeSts(client, self, client._request_signer._credentials.access_key)
            stub.activate()
            return client

        monkeypatch.setattr(chime_proxy_inventory, "chime_client", chime_client)
        monkeypatch.setattr(chime_proxy_inventory, "sts_client", sts_client)
        monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)

    def expiration(self):
        return (self.now + self.lifetime).isoformat()

    def wait_for(self, name, count):
        with self.arrivals:
            self.arrived[name] = self.arrived.get(name, 0) + 1
            self.arrivals.notify_all()
            self.arrivals.wait_for(lambda: self.arrived[name] >= count, timeout=10)

    @property
    def max_regions_in_flight(self):
        """The most accounts and regions at once, from each one's first request to its last answer."""
        events = sorted(
            [(start, 1) for start, _end in self.spans.values()] + [(end, -1) for _s, end in self.spans.values()]
        )
        most = current = 0
        for _when, step in events:
            current += step
            most = max(most, current)
        return most

    def sent(self, account=None, region=None):
        return [r for s in self.chime for r in s.sent if account in (None, s.account) and region in (None, s.region)]

    def __call__(self, check_mode=False, **args):
        warnings._global_warnings.clear()
        with patch_module_args({**CREDENTIALS, **args, "_ansible_check_mode": check_mode}):
            with pytest.raises(SystemExit):
                chime_proxy_inventory.main()
        return json.loads(self.capsys.readouterr().out)


@pytest.fixture
def run(monkeypatch, capsys):
    return Fake(monkeypatch, capsys)


@pytest.fixture
def dest(tmp_path):
    return str(tmp_path / "audit")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


TWO_REGIONS = ["us-east-1", "us-west-2"]


def test_one_account_two_regions_written_to_three_files(run, dest):
    result = run(regions=TWO_REGIONS, dest=dest)
    assert result["changed"] is True and not result.get("failed"), result
    files = result["files"]
    assert files == {
        n.replace(".", "_"): os.path.join(dest, n)
        for n in ("proxy_inventory.json", "proxy_sessions.csv", "proxy_numbers.csv")
    }
    for path in files.values():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o700

    inventory = read_json(files["proxy_inventory_json"])
    assert list(inventory) == ["accounts", "skipped", "summary", "phone_numbers_masked"]
    regions = inventory["accounts"][OWN]["regions"]
    assert list(regions) == TWO_REGIONS
    east = regions["us-east-1"]
    assert [vc["voice_connector_id"] for vc in east["voice_connectors"]] == [
        "eastproxyconnector0001",
        "eastplainconnector0002",
    ]
    assert east["voice_connectors"][0]["proxy"]["default_session_expiry_minutes"] == 60
    assert east["voice_connectors"][1]["proxy"] == {} and east["voice_connectors"][1]["phone_numbers"] == []
    assert [s["proxy_session_id"] for s in east["proxy_sessions"]] == ["s-1", "s-2", "s-3"]
    assert east["summary"] == {
        "total": 3,
        "by_status": {"Open": 1, "InProgress": 1, "Closed": 1},
        "voice_connectors_scanned": 2,
        "voice_connectors_with_proxy": 1,
        "phone_numbers": 1,
    }
    assert len(regions["us-west-2"]["proxy_sessions"]) == 250
    assert inventory["skipped"] == [] and inventory["phone_numbers_masked"] is True
    assert inventory["summary"] == result["summary"]
    assert result["summary"] == {
        "total": 253,
        "by_status": {"Open": 251, "InProgress": 1, "Closed": 1},
        "by_account": {OWN: 253},
        "by_region": {"us-east-1": 3, "us-west-2": 250},
        "voice_connectors_scanned": 3,
        "voice_connectors_with_proxy": 2,
        "phone_numbers": 1,
        "accounts_scanned": 1,
        "regions_scanned": 2,
    }
    assert result["skipped_regions"] == [] and "proxy_sessions" not in result
    assert result["accounts"] == [{"account_id": OWN, "account": "the module's own credentials"}]

    rows = read_csv(files["proxy_sessions_csv"])
    assert len(rows) == 253
    assert list(rows[0]) == chime_proxy_inventory_columns("sessions")
    assert rows[1] == {
        "account_id": OWN,
        "region": "us-east-1",
        "voice_connector_id": "abcdef1ghij2klmno3pqr4",
        "voice_connector_name": "East, proxy",
        "proxy_session_id": "s-2",
        "name": 'Pickup "north", 2',
        "status": "Closed",
        "capabilities": "SMS;Voice",
        "expiry_minutes": "60",
        "created_timestamp": "2020-04-15T16:10:10.288Z",
        "updated_timestamp": "2020-04-15T16:10:10.288Z",
        "ended_timestamp": "",
        "participant_1": "+*******0100",
        "participant_2": "+*******0101",
        "proxy_phone_number": "+*******0199",
    }
    numbers = read_csv(files["proxy_numbers_csv"])
    assert numbers == [
        {
            "account_id": OWN,
            "region": "us-east-1",
            "voice_connector_id": "eastproxyconnector0001",
            "e164_phone_number": "+*******0199",
            "status": "Assigned",
            "product_type": "",
            "proxy_sessions_using": "3",
            "active_proxy_sessions_using": "2",
        }
    ]
    for path in files.values():
        with open(path, encoding="utf-8") as f:
            assert not re.search(r"\+1\d{10}", f.read()), path


def chime_proxy_inventory_columns(kind):
    from ansible_collections.telephony.chime.plugins.module_utils._chime import inventory

    return inventory.SESSION_COLUMNS if kind == "sessions" else inventory.NUMBER_COLUMNS


def test_requests_one_listing_per_region_and_three_per_connector(run, dest):
    run(regions=TWO_REGIONS, dest=dest)
    east = sorted(op for op, _params in run.sent(OWN, "us-east-1"))
    assert east == sorted(
        ["ListVoiceConnectors"] + ["GetVoiceConnectorProxy", "ListPhoneNumbers", "ListProxySessions"] * 2
    )
    west = [(op, p.get("NextToken")) for op, p in run.sent(OWN, "us-west-2") if op == "ListProxySessions"]
    assert west == [("ListProxySessions", None), ("ListProxySessions", "100"), ("ListProxySessions", "200")]
    assert len(run.sent()) == 7 + 6
    assert [name for name, _params in run.sts_sent] == ["GetCallerIdentity"]


def test_a_rerun_over_the_same_data_changes_nothing(run, dest):
    run(regions=TWO_REGIONS, dest=dest)
    before = {n: os.stat(os.path.join(dest, n)).st_mtime_ns for n in os.listdir(dest)}
    again = run(regions=TWO_REGIONS, dest=dest)
    assert again["changed"] is False
    assert {n: os.stat(os.path.join(dest, n)).st_mtime_ns for n in os.listdir(dest)} == before
    assert sorted(os.listdir(dest)) == ["proxy_inventory.json", "proxy_numbers.csv", "proxy_sessions.csv"]


def test_new_data_or_another_mode_is_a_change(run, dest):
    run(regions=TWO_REGIONS, dest=dest)
    run.data[OWN]["us-east-1"]["eastproxyconnector0001"][3].append(session("s-4"))
    changed = run(regions=TWO_REGIONS, dest=dest)
    assert changed["changed"] is True and changed["summary"]["total"] == 254
    assert len(read_csv(os.path.join(dest, "proxy_sessions.csv"))) == 254
    # the inventory is a snapshot: the files are replaced, no copy of the old ones is kept
    assert sorted(os.listdir(dest)) == ["proxy_inventory.json", "proxy_numbers.csv", "proxy_sessions.csv"]
    mode = run(regions=TWO_REGIONS, dest=dest, mode="0640")
    assert mode["changed"] is True
    assert stat.S_IMODE(os.stat(os.path.join(dest, "proxy_numbers.csv")).st_mode) == 0o640


def test_numbers_kept_when_asked(run, dest):
    result = run(regions=["us-east-1"], dest=dest, mask_phone_numbers=False, return_sessions=True)
    assert result["phone_numbers_masked"] is False
    rows = read_csv(os.path.join(dest, "proxy_sessions.csv"))
    assert rows[0]["participant_1"] == "+12065550100" and rows[0]["proxy_phone_number"] == "+19135550199"
    inventory = read_json(os.path.join(dest, "proxy_inventory.json"))
    assert inventory["phone_numbers_masked"] is False
    vc = inventory["accounts"][OWN]["regions"]["us-east-1"]["voice_connectors"][0]
    assert vc["phone_numbers"][0]["e164_phone_number"] == "+19135550199"
    assert result["proxy_sessions"][0]["participants"][0]["phone_number"] == "+12065550100"


def test_sessions_in_the_result_only_when_asked(run):
    result = run(regions=TWO_REGIONS, return_sessions=True)
    assert result["files"] == {} and result["changed"] is False
    sessions = result["proxy_sessions"]
    assert len(sessions) == 253
    assert sessions[0]["account_id"] == OWN and sessions[0]["region"] == "us-east-1"
    assert sessions[0]["proxy_session_id"] == "s-1"
    assert sessions[0]["participants"][0]["phone_number"] == "+*******0100"


def test_two_accounts_through_roles(run, dest):
    result = run(
        regions=["us-east-1"],
        dest=dest,
        accounts=[{"role_arn": ROLE_2, "external_id": "audit-2026"}, {"role_arn": ROLE_3}],
    )
    assert not result.get("failed"), result
    assert sorted(run.sts_sent, key=lambda r: r[1]["RoleArn"]) == [
        ("AssumeRole", {"RoleArn": ROLE_2, "RoleSessionName": "telephony-chime-inventory", "ExternalId": "audit-2026"}),
        ("AssumeRole", {"RoleArn": ROLE_3, "RoleSessionName": "telephony-chime-inventory"}),
    ]
    # Each account's client signs with that account's role credentials.
    assert sorted(run.chime_credentials) == [
        (SECOND, "us-east-1", f"token-{SECOND}", None),
        (THIRD, "us-east-1", f"token-{THIRD}", None),
    ]
    assert result["summary"]["by_account"] == {SECOND: 3, THIRD: 0}
    assert [a["account_id"] for a in result["accounts"]] == [SECOND, THIRD]
    inventory = read_json(os.path.join(dest, "proxy_inventory.json"))
    assert list(inventory["accounts"]) == [SECOND, THIRD]
    assert inventory["accounts"][THIRD]["regions"]["us-east-1"]["voice_connectors"] == []
    rows = read_csv(os.path.join(dest, "proxy_sessions.csv"))
    assert {r["account_id"] for r in rows} == {SECOND}
    assert run.sent(OWN) == []


def test_an_unreachable_account_is_skipped_and_fails_the_task_after_the_files(run, dest):
    run.denied_roles[ROLE_3] = "not authorized to perform sts:AssumeRole"
    result = run(regions=["us-east-1"], dest=dest, accounts=[{"role_arn": ROLE_2}, {"role_arn": ROLE_3}])
    assert result["failed"] is True
    assert result["skipped_regions"] == [
        {
            "account_id": THIRD,
            "account": f"role {ROLE_3}",
            "region": None,
            "reason": f"Could not reach role {ROLE_3}: AccessDenied: not authorized to perform sts:AssumeRole",
        }
    ]
    assert "The inventory is incomplete, 1 skipped: 333333333333 (every region)" in result["msg"]
    inventory = read_json(os.path.join(dest, "proxy_inventory.json"))
    assert list(inventory["accounts"]) == [SECOND] and inventory["skipped"] == result["skipped_regions"]
    assert result["summary"]["by_account"] == {SECOND: 3}
    accepted = run(
        regions=["us-east-1"], dest=dest, accounts=[{"role_arn": ROLE_2}, {"role_arn": ROLE_3}], allow_partial=True
    )
    assert not accepted.get("failed") and accepted["skipped_regions"] == result["skipped_regions"]


def test_a_profile_that_does_not_exist_is_skipped(run, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    result = run(
        regions=["us-east-1"], accounts=[{"profile": "no-such-profile"}, {"role_arn": ROLE_2}], allow_partial=True
    )
    assert result["skipped_regions"] == [
        {
            "account_id": None,
            "account": "profile no-such-profile",
            "region": None,
            "reason": "Could not reach profile no-such-profile: The config profile (no-such-profile) could not be found",
        }
    ]
    assert result["summary"]["by_account"] == {SECOND: 3}


def test_a_profile_per_account(run, monkeypatch, tmp_path):
    (tmp_path / "credentials").write_text(
        "[telephony-second]\naws_access_key_id = ASIA2222EXAMPLE0001\naws_secret_access_key = s\n", encoding="utf-8"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    result = run(regions=["us-east-1"], accounts=[{"profile": "telephony-second"}])
    assert result["accounts"] == [{"account_id": SECOND, "account": "profile telephony-second"}]
    assert result["summary"]["by_account"] == {SECOND: 3}
    assert [name for name, _params in run.sts_sent] == ["GetCallerIdentity"]


def test_the_same_account_twice_is_read_once_with_a_warning(run):
    result = run(
        regions=["us-east-1"], accounts=[{"role_arn": ROLE_2}, {"role_arn": ROLE_2.replace("ChimeAudit", "Other")}]
    )
    assert not result.get("failed") and result["skipped_regions"] == []
    assert len(run.sent(SECOND)) == 4
    assert "reaches account 222222222222, as role" in json.dumps(result["warnings"])


@pytest.mark.parametrize(
    "fault, reason",
    [
        ((503, {"Error": {"Code": "ServiceUnavailableException", "Message": "down"}}), "after every retry"),
        ((403, {"Error": {"Code": "ForbiddenException", "Message": "no"}}), "access denied"),
    ],
)
def test_a_region_that_cannot_be_read_is_skipped_whole(run, dest, fault, reason):
    run.faults[(OWN, "us-west-2", "ListProxySessions")] = fault
    result = run(regions=TWO_REGIONS, dest=dest)
    assert result["failed"] is True
    (skipped,) = result["skipped_regions"]
    assert (skipped["account_id"], skipped["region"]) == (OWN, "us-west-2")
    assert "Failed to list proxy sessions of voice connector westproxyconnector0001" in skipped["reason"]
    assert reason in skipped["reason"]
    assert f"{OWN} us-west-2: Failed to list proxy sessions" in result["msg"]
    inventory = read_json(os.path.join(dest, "proxy_inventory.json"))
    assert list(inventory["accounts"][OWN]["regions"]) == ["us-east-1"]
    assert {r["region"] for r in read_csv(os.path.join(dest, "proxy_sessions.csv"))} == {"us-east-1"}
    assert result["summary"]["regions_scanned"] == 1 and result["summary"]["by_region"] == {"us-east-1": 3}


def test_a_repeated_next_token_skips_the_region(run):
    run.repeat_token = True
    result = run(regions=TWO_REGIONS, allow_partial=True)
    assert not result.get("failed")
    (skipped,) = result["skipped_regions"]
    assert skipped["region"] == "us-west-2" and "NextToken it had already sent" in skipped["reason"]


def test_check_mode_gathers_and_writes_nothing(run, dest):
    result = run(check_mode=True, regions=TWO_REGIONS, dest=dest)
    assert result["changed"] is True and not os.path.exists(dest)
    assert result["files"]["proxy_sessions_csv"] == os.path.join(dest, "proxy_sessions.csv")
    assert result["summary"]["total"] == 253
    run(regions=TWO_REGIONS, dest=dest)
    assert run(check_mode=True, regions=TWO_REGIONS, dest=dest)["changed"] is False
    assert run(check_mode=True, regions=TWO_REGIONS, dest=dest, mode="0644")["changed"] is True
    assert stat.S_IMODE(os.stat(os.path.join(dest, "proxy_inventory.json")).st_mode) == 0o600


def test_every_region_of_the_model_by_default(run):
    result = run()
    regions = ChimeModel().enum("CreateVoiceConnector", "AwsRegion")
    assert sorted(region for _account, region, _token, _url in run.chime_credentials) == sorted(regions)
    assert result["summary"]["regions_scanned"] == len(regions)


def test_region_endpoint_urls_route_one_region(run):
    run(
        regions=TWO_REGIONS, endpoint_url="http://127.0.0.1:1", region_endpoint_urls={"us-west-2": "http://127.0.0.1:2"}
    )
    assert sorted((r, u) for _a, r, _t, u in run.chime_credentials) == [
        ("us-east-1", "http://127.0.0.1:1"),
        ("us-west-2", "http://127.0.0.1:2"),
    ]


def busy(run, regions, connectors, account=OWN):
    """Give each region of the account that many plain connectors (no proxy configuration, nothing else)."""
    for region in regions:
        for n in range(connectors):
            vc_id = f"busy{region.replace('-', '')}{n:05d}"[:22]
            run.data.setdefault(account, {}).setdefault(region, {})[vc_id] = (connector(vc_id, "x"), None, [], [])


ALL_REGIONS = ChimeModel().enum("CreateVoiceConnector", "AwsRegion")


def test_requests_in_flight_are_bounded_per_account_and_region_and_regions_at_once(run):
    """Regions of many connectors each count for max_concurrency requests: max_regions of them at once."""
    busy(run, ALL_REGIONS, 4)
    run.hold, run.region_gate, run.connector_gate = 0.01, 6, 3
    run(regions=ALL_REGIONS, max_concurrency=3, max_regions=6)
    assert max(s.max_in_flight for s in run.chime) == 3
    assert run.max_regions_in_flight == 6


def test_regions_of_one_connector_count_for_one_request_each(run):
    """Budget max_regions x max_concurrency = 2 x 3 = 6 requests in flight: a region counts for 3 until its connectors
    are listed, then for one connector 1, so three listed and one starting go at once (the gate holds each region's
    connector until four have arrived: with max_regions counting regions, it would time out with two)."""
    busy(run, ALL_REGIONS, 1)
    for region in ("us-east-1", "us-west-2"):
        run.data[OWN][region] = {k: v for k, v in run.data[OWN][region].items() if k.startswith("busy")}
    run.hold, run.connector_gate = 0.01, None
    run.region_gate = None
    run.unit_gate = 4
    result = run(regions=ALL_REGIONS, max_concurrency=3, max_regions=2)
    assert not result.get("failed"), result
    assert run.max_regions_in_flight == 4


@pytest.mark.parametrize(
    "args, words",
    [
        (
            {"regions": ["us-east-1", "mars-1"]},
            ["regions[1] (CreateVoiceConnector AwsRegion) must be one of", "'mars-1'"],
        ),
        ({"regions": []}, ["regions must name at least one region"]),
        ({"region_endpoint_urls": {"moon-2": "http://x"}}, ["regions[0] (CreateVoiceConnector AwsRegion)", "'moon-2'"]),
        ({"accounts": [{"role_arn": "arn:aws:iam::12:role/x"}]}, ["accounts[0].role_arn must be an IAM role's ARN"]),
        (
            {"accounts": [{"role_arn": "arn:aws:s3:::bucket-of-twenty"}]},
            ["accounts[0].role_arn must be an IAM role's ARN"],
        ),
        (
            {"accounts": [{"role_arn": ROLE_2, "external_id": "a"}]},
            ["accounts[0].external_id (AssumeRole ExternalId) must be at least 2"],
        ),
        (
            {"accounts": [{"role_arn": ROLE_2, "role_session_name": "a b"}]},
            ["accounts[0].role_session_name (AssumeRole RoleSessionName) must match"],
        ),
        (
            {"accounts": [{"role_arn": ROLE_2}, {"role_arn": ROLE_2}]},
            ["accounts[1] repeats accounts[0] (role " + ROLE_2],
        ),
        ({"accounts": [{"profile": "p"}, {"profile": "p"}]}, ["accounts[1] repeats accounts[0] (profile p)"]),
        (
            {"accounts": [{"external_id": "abc"}]},
            ["one of the following is required: role_arn, profile found in accounts"],
        ),
        ({"max_regions": 0}, ["max_regions must be between 1 and 100, got 0"]),
        ({"max_concurrency": 101}, ["max_concurrency must be between 1 and 100, got 101"]),
    ],
)
def test_bad_input_fails_before_any_request(run, args, words):
    result = run(**args)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert run.chime == [] and run.sts_sent == []


def test_dest_that_is_a_file_fails_before_any_request(run, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run(dest=str(tmp_path / "file"))
    assert result["failed"] is True and result["msg"].endswith(
        f"dest must be a directory, {tmp_path / 'file'} is not one"
    )
    assert run.chime == [] and run.sts_sent == []


def test_dest_under_a_file_fails_before_any_request(run, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run(dest=str(tmp_path / "file" / "audit"))
    assert result["msg"] == (
        "Invalid options, nothing was sent to AWS: dest must be a directory or a path where one can be made,"
        f" {tmp_path / 'file'} is not a directory"
    )
    assert run.chime == [] and run.sts_sent == []


@pytest.mark.parametrize("failing", ["spill", "file"])
def test_a_full_disk_fails_the_task_naming_the_file(run, dest, monkeypatch, failing):
    real_mkstemp = tempfile.mkstemp

    def full_disk(*args, **kwargs):
        if (failing == "spill") == ("prefix" not in kwargs):  # the spill's scratch files have no prefix
            raise OSError(28, "No space left on device")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(
        "ansible_collections.telephony.chime.plugins.module_utils._chime.reports.tempfile.mkstemp", full_disk
    )
    result = run(regions=["us-east-1"], dest=dest)
    assert result["failed"] is True
    if failing == "file":
        assert result["msg"] == f"Could not write {dest}/proxy_inventory.json: [Errno 28] No space left on device"
    else:
        assert result["msg"].startswith(f"Could not write the gathered data to {dest}/.proxy_inventory.")
        assert result["msg"].endswith(": [Errno 28] No space left on device")
    assert os.listdir(dest) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_files_are_staged_beside_them_and_in_check_mode_outside_dest(run, dest, monkeypatch, check_mode):
    real_mkstemp = tempfile.mkstemp
    staged_in = []

    def spy(*args, **kwargs):
        if "prefix" in kwargs:  # the files, not the spill's scratch pieces
            staged_in.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr("ansible_collections.telephony.chime.plugins.module_utils._chime.reports.tempfile.mkstemp", spy)
    run(regions=["us-east-1"], dest=dest, check_mode=check_mode)
    assert len(staged_in) == 3
    if check_mode:
        assert not any(d.startswith(dest) for d in staged_in) and not os.path.exists(dest)
    else:
        assert staged_in == [dest] * 3


def test_the_end_of_support_is_said(run):
    result = run(regions=["us-east-1"])
    said = json.dumps(result["warnings"])
    assert "ListProxySessions (chime-sdk-voice)" in said and "GetVoiceConnectorProxy (chime-sdk-voice)" in said


def test_four_accounts_and_regions_at_once_by_default(run):
    busy(run, ALL_REGIONS, 10)
    run.hold, run.region_gate = 0.01, 4
    run(regions=ALL_REGIONS)
    assert run.max_regions_in_flight == 4


# --- the pace --------------------------------------------------------------------------------------------------------


def test_accounts_and_regions_held_back_by_their_quota_do_not_count_against_max_regions(run):
    """max_regions 1, and AWS throttles each region's first request: each region then waits on its own quota, so the
    next starts, and all four are read at the same time (the gate holds each region's listing until four have
    arrived; with max_regions counting them, it would time out with one)."""
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
    run.throttle_first = {(OWN, r) for r in regions}
    run.hold, run.region_gate = 0.01, 4
    result = run(regions=regions, max_regions=1)
    assert not result.get("failed"), result
    assert run.max_regions_in_flight == 4
    assert sorted(run.throttled) == sorted((OWN, r) for r in regions)
    assert sorted((p["region"], p["throttled"]) for p in result["pace"]) == sorted((r, 1) for r in regions)


def test_without_throttles_max_regions_holds(run):
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
    busy(run, regions, 10)
    run.hold, run.region_gate = 0.01, 4
    run(regions=regions, max_regions=1)
    assert run.max_regions_in_flight == 1


def test_a_ceiling_lets_every_account_and_region_go_at_once(run):
    regions = ["us-east-1", "us-west-2", "eu-west-1"]
    run.hold, run.region_gate = 0.01, 3
    result = run(regions=regions, max_regions=1, max_requests_per_second=50)
    assert run.max_regions_in_flight == 3
    assert all(p["rate"] <= 50.0 for p in result["pace"]) and len(result["pace"]) == 3


def test_the_result_says_what_each_account_and_region_s_pace_did(run):
    own_role = f"arn:aws:iam::{OWN}:role/ChimeAudit"
    result = run(regions=TWO_REGIONS, accounts=[{"role_arn": ROLE_2}, {"role_arn": own_role}])
    by_unit = {(p["account_id"], p["region"]): p for p in result["pace"]}
    assert sorted(by_unit) == sorted([(SECOND, r) for r in TWO_REGIONS] + [(OWN, r) for r in TWO_REGIONS])
    for (account, region), figures in by_unit.items():
        assert figures == {
            "account_id": account,
            "region": region,
            "requests": len(run.sent(account, region)),
            "throttled": 0,
            "rate": None,
        }
    assert "rehearsal" not in result


def test_the_rehearsal_says_the_real_run_sends_the_same_reads_and_how_long_at_the_ceiling(run, dest):
    rehearsal = run(check_mode=True, regions=TWO_REGIONS, dest=dest, max_requests_per_second=2.0)
    sent = {region: len(run.sent(OWN, region)) for region in TWO_REGIONS}
    run.chime.clear()
    real = run(regions=TWO_REGIONS, dest=dest)
    assert rehearsal["rehearsal"] == {
        "requests": len(run.sent()),
        "seconds_at_least": round(max(sent.values()) / 2.0, 1),
    }
    assert sum(p["requests"] for p in real["pace"]) == len(run.sent())


def test_a_number_listed_without_its_plus_is_counted_with_the_sessions_that_use_it(run, dest):
    """The model's patterns let the "+" be left out: the number's listing and its sessions count as one number."""
    vc, proxy, numbers, sessions = run.data[OWN]["us-east-1"]["eastproxyconnector0001"]
    numbers[0].update(PhoneNumberId="19135550199", E164PhoneNumber="19135550199")
    result = run(regions=["us-east-1"], dest=dest, mask_phone_numbers=False)
    rows = read_csv(result["files"]["proxy_numbers_csv"])
    assert [(r["e164_phone_number"], r["proxy_sessions_using"], r["active_proxy_sessions_using"]) for r in rows] == [
        ("19135550199", "3", "2")
    ]


# --- the organisation (issue 27) -------------------------------------------------------------------------------------


def test_the_organisation_is_discovered_and_each_account_in_scope_audited(run, dest):
    result = run(regions=["us-east-1"], dest=dest, organization={"member_role_name": "ChimeAudit"})
    assert not result.get("failed"), result
    # The member role in each member account; the caller's own account with its own credentials.
    assert sorted(p["RoleArn"] for op, p in run.sts_sent if op == "AssumeRole") == [
        f"arn:aws:iam::{SECOND}:role/ChimeAudit",
        f"arn:aws:iam::{THIRD}:role/ChimeAudit",
    ]
    assert sorted(a for a, _r, _t, _u in run.chime_credentials) == [OWN, SECOND, THIRD]
    # The caller's account is asked once (to tell it in the organisation); the organisation gives every other id.
    assert [op for op, _p in run.sts_sent].count("GetCallerIdentity") == 1
    assert [(a["account_id"], a["ou_path"], a["state"]) for a in result["accounts"]] == [
        (OWN, "Root", "ACTIVE"),
        (SECOND, "Root/Telephony", "ACTIVE"),
        (THIRD, "Root/Telephony", "ACTIVE"),
    ]
    assert result["accounts"][1]["name"] == "Partner" and result["accounts"][1]["email"] == "partner@example.com"
    assert result["organization"] == {
        "accounts_found": 4,
        "accounts_in_scope": 3,
        "accounts_reached": 3,
        "accounts_left_out": [
            {
                "account_id": SUSPENDED,
                "name": "Closed",
                "email": "closed@example.com",
                "ou_path": "Root/Sandbox",
                "state": "SUSPENDED",
                "reason": "its state is SUSPENDED, not ACTIVE (include_suspended takes it in)",
            }
        ],
    }
    assert result["summary"]["by_account"] == {OWN: 3, SECOND: 3, THIRD: 0}
    inventory = read_json(os.path.join(dest, "proxy_inventory.json"))
    assert inventory["organization"] == result["organization"]
    assert inventory["accounts"][SECOND]["ou_path"] == "Root/Telephony"
    assert list(inventory["accounts"][SECOND]) == ["name", "email", "ou_path", "state", "regions"]
    assert {op for op, _p in run.organizations_sent} == {
        "ListRoots",
        "ListOrganizationalUnitsForParent",
        "ListAccountsForParent",
    }


def test_an_organisation_account_whose_role_cannot_be_assumed_is_skipped_and_fails_the_task(run, dest):
    run.denied_roles[f"arn:aws:iam::{THIRD}:role/ChimeAudit"] = "not authorized to perform sts:AssumeRole"
    result = run(regions=["us-east-1"], dest=dest, organization={"member_role_name": "ChimeAudit"})
    assert result["failed"] is True
    assert [(s["account_id"], s["region"]) for s in result["skipped_regions"]] == [(THIRD, None)]
    assert result["organization"]["accounts_reached"] == 2 and result["organization"]["accounts_in_scope"] == 3
    partial = run(regions=["us-east-1"], dest=dest, organization={"member_role_name": "ChimeAudit"}, allow_partial=True)
    assert not partial.get("failed")


def test_a_refused_discovery_fails_the_task_before_any_account_is_read(run, dest):
    run.organizations_refused.add("ListAccountsForParent")
    result = run(regions=["us-east-1"], dest=dest, organization={"member_role_name": "ChimeAudit"}, allow_partial=True)
    # Even with allow_partial: a partial list of accounts would read as complete.
    assert result["failed"] is True
    assert "AccessDeniedException" in result["msg"] and "ListAccountsForParent" in result["msg"], result["msg"]
    assert run.chime == [] and not os.path.exists(dest)


def test_an_organisation_scope_of_one_unit_with_suspended_accounts_taken_in(run):
    result = run(
        regions=["us-east-1"],
        organization={"member_role_name": "ChimeAudit", "organizational_units": [SANDBOX], "include_suspended": True},
        allow_partial=True,
    )
    assert [a["account_id"] for a in result["accounts"]] == [SUSPENDED]
    assert result["organization"]["accounts_found"] == 1 and result["organization"]["accounts_left_out"] == []


# --- credentials that outlive the hour -------------------------------------------------------------------------------


def test_role_credentials_that_expire_during_the_task_are_refreshed_by_botocore(run):
    """Credentials that last 20 minutes, and every chime request of the task moves the clock on by 4 minutes:
    botocore assumes the role again once fewer than 10 minutes are left, and the later requests sign with the new
    keys; nothing fails and every region is read."""
    run.lifetime = datetime.timedelta(minutes=20)
    run.tick = datetime.timedelta(minutes=4)
    result = run(regions=TWO_REGIONS, accounts=[{"role_arn": ROLE_2}], max_concurrency=1, max_regions=1)
    assert not result.get("failed"), result
    assert result["summary"]["regions_scanned"] == 2
    assume = [p for op, p in run.sts_sent if op == "AssumeRole"]
    assert len(assume) >= 3, "assumed again while the task ran"
    keys = [key for account, key in run.signed_with if account == SECOND]
    assert keys[0] == "ASIA2222EXAMPLE0001" and len(set(keys)) >= 3
    assert keys == sorted(keys), "each request signs with the newest credentials"


def test_credentials_that_do_not_expire_during_the_task_are_not_assumed_again(run):
    result = run(regions=TWO_REGIONS, accounts=[{"role_arn": ROLE_2}])
    assert not result.get("failed")
    assert [op for op, _p in run.sts_sent] == ["AssumeRole"]
