# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented options of every module, checked the way a user meets them (issue 12).

Every module under plugins/modules is found and its DOCUMENTATION read (with the collection's own doc fragments).
For each documented option, the module's main() runs with a real client behind a fake chime-sdk-voice service that
answers every request from a small fixed account (one voice connector with a proxy configuration, a phone number and
two proxy sessions) and records what it receives. What a user can observe is checked against the documentation:

- ``required: true``: a task without the option fails naming it, before any request;
- ``choices``: each documented choice is accepted; any other value fails naming the option and listing the choices;
- ``type`` int, bool, list (with ``elements``) and dict: a value of the wrong kind fails naming the option; a value
  Ansible converts ("45", "yes", "a,b", list items given as numbers, "k=v" pairs) gives the same requests and the
  same result as the native value;
- ``default``: leaving the option out gives the same requests, result and warnings as setting it to the documented
  default, and another value gives something else (so the task really observes the option);
- suboptions marked ``required``; the rules stated in the descriptions ("Mutually exclusive with O(...)",
  "Required by O(...)", "only with V(option=value)").

TASKS below holds, for every module and every documented option, a task that uses the option: a new module or option
without one fails test_every_documented_option_has_a_task.
"""

import copy
import datetime
import importlib
import json
import os
import pkgutil
import re
import tempfile
import threading

import pytest
import yaml
from ansible.module_utils.common import warnings
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins import modules as modules_package
from ansible_collections.telephony.chime.plugins.module_utils._chime import plan
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import account_state
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import CREDENTIALS

COLLECTION = "ansible_collections.telephony.chime"
# The invocation in the result: ansible-core 2.19 always adds it, 2.21 when the controller asks (as it does to show it).
INJECT_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}
MODULE_NAMES = sorted(m.name for m in pkgutil.iter_modules(modules_package.__path__))

# --- the fake account --------------------------------------------------------------------------------------------

CONNECTOR = {
    "VoiceConnectorId": VOICE_CONNECTOR_ID,
    "Name": "Support line",
    "AwsRegion": "us-east-1",
    "RequireEncryption": True,
}
PROXY = {
    "DefaultSessionExpiryMinutes": 60,
    "Disabled": False,
    "FallBackPhoneNumber": "+19135550100",
    "PhoneNumberCountries": ["US"],
}
PHONE_NUMBER = {"PhoneNumberId": "+19135550199", "E164PhoneNumber": "+19135550199", "Country": "US"}
# A number in the deletion queue, for chime_phone_number's restore.
QUEUED_NUMBER = {
    "PhoneNumberId": "+19135550198",
    "E164PhoneNumber": "+19135550198",
    "Status": "DeleteInProgress",
    "DeletionTimestamp": "2026-12-01T10:00:00.000Z",
}
# A second session whose id is all digits, so that a list of ids can be given as numbers.
SESSIONS = {
    EXAMPLE_ID: session(EXAMPLE_ID),
    "4242": session("4242", status="InProgress", Name="Courier pickup 42", CreatedTimestamp="2026-05-01T10:00:00Z"),
}
NOT_FOUND = object()


def answer(operation, params):
    """The fake service's answer to a request: a response body, or NOT_FOUND."""
    connector = params.get("VoiceConnectorId")
    if operation == "ListVoiceConnectors":
        return {"VoiceConnectors": [CONNECTOR]}
    if connector is not None and connector != VOICE_CONNECTOR_ID:
        return NOT_FOUND
    if operation == "GetVoiceConnector":
        return {"VoiceConnector": CONNECTOR}
    if operation == "GetVoiceConnectorProxy":
        return {"Proxy": PROXY}
    if operation == "PutVoiceConnectorProxy":
        proxy = {k: v for k, v in params.items() if k not in ("VoiceConnectorId", "PhoneNumberPoolCountries")}
        return {"Proxy": {**proxy, "PhoneNumberCountries": params["PhoneNumberPoolCountries"]}}
    if operation in ("DeleteVoiceConnectorProxy", "DeleteProxySession"):
        return {} if operation == "DeleteVoiceConnectorProxy" or params["ProxySessionId"] in SESSIONS else NOT_FOUND
    if operation == "ListPhoneNumbers":
        return {"PhoneNumbers": [PHONE_NUMBER]}
    if operation in ("AssociatePhoneNumbersWithVoiceConnector", "DisassociatePhoneNumbersFromVoiceConnector"):
        return {"PhoneNumberErrors": []}
    if operation == "GetPhoneNumber":
        found = {n["PhoneNumberId"]: n for n in (PHONE_NUMBER, QUEUED_NUMBER)}.get(params["PhoneNumberId"])
        return {"PhoneNumber": found} if found else NOT_FOUND
    if operation == "DeletePhoneNumber":
        return {}
    if operation == "BatchDeletePhoneNumber":
        return {"PhoneNumberErrors": []}
    if operation == "RestorePhoneNumber":
        restored = {k: v for k, v in QUEUED_NUMBER.items() if k != "DeletionTimestamp"}
        return {"PhoneNumber": {**restored, "Status": "Unassigned"}}
    if operation == "ListProxySessions":
        status = params.get("Status")
        return {"ProxySessions": [s for s in SESSIONS.values() if status in (None, s["Status"])]}
    if operation == "GetProxySession":
        found = SESSIONS.get(params["ProxySessionId"])
        return {"ProxySession": found} if found else NOT_FOUND
    if operation == "UpdateProxySession":
        found = SESSIONS.get(params["ProxySessionId"])
        members = {k: v for k, v in params.items() if k in ("Capabilities", "ExpiryMinutes")}
        return {"ProxySession": {**found, **members}} if found else NOT_FOUND
    if operation == "CreateProxySession":
        members = {k: v for k, v in params.items() if k != "ParticipantPhoneNumbers"}
        participants = [
            {"PhoneNumber": n, "ProxyPhoneNumber": "+19135550199"} for n in params["ParticipantPhoneNumbers"]
        ]
        return {"ProxySession": {**members, "ProxySessionId": "new-1", "Status": "Open", "Participants": participants}}
    raise AssertionError(f"the fake service does not know {operation}")


class FakeService(Stubber):
    """Answers every request of the client from the fake account (answers checked against the model); records them."""

    def __init__(self, client):
        super().__init__(client)
        self.lock = threading.Lock()
        self.sent = []

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.lock:
            self.sent.append((model.name, copy.deepcopy(dict(params))))
        body = answer(model.name, params)
        if body is NOT_FOUND:
            error = {"Code": "NotFoundException", "Message": "not found"}
            context["fake_answer"] = (
                AWSResponse(None, 404, {}, None),
                {"ResponseMetadata": {"HTTPStatusCode": 404}, "Error": error},
            )
        else:
            self._validate_operation_response(model.name, body)
            context["fake_answer"] = (AWSResponse(None, 200, {}, None), copy.deepcopy(body))

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake_answer")


def in_an_hour():
    """An AssumeRole answer's Expiration: botocore refreshes credentials that are already expired."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()


class FakeSts(FakeService):
    """STS for the modules that reach accounts: the caller's own account, and any role's credentials."""

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.lock:
            self.sent.append((model.name, copy.deepcopy(dict(params))))
        if model.name == "GetCallerIdentity":
            body = {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/audit", "UserId": "AIDAEXAMPLE"}
        else:
            account = params["RoleArn"].split(":")[4]
            body = {
                "Credentials": {
                    "AccessKeyId": "ASIAEXAMPLE0000001",
                    "SecretAccessKey": "secret",
                    "SessionToken": "token",
                    "Expiration": in_an_hour(),
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROAEXAMPLE:a",
                    "Arn": f"arn:aws:sts::{account}:assumed-role/r/a",
                },
            }
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)


ORG_ROOT = "r-ab12"
ORG_UNIT = "ou-ab12-telephon"
ORG_ACCOUNTS = {
    ORG_ROOT: [("123456789012", "Management", "ACTIVE")],
    ORG_UNIT: [("222222222222", "Partner", "ACTIVE"), ("444444444444", "Closed", "SUSPENDED")],
}


class FakeOrganizations(FakeService):
    """AWS Organizations for the modules that discover accounts: a root holding the caller's account, and one unit."""

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.lock:
            self.sent.append((model.name, copy.deepcopy(dict(params))))
        if model.name == "ListRoots":
            body = {
                "Roots": [
                    {"Id": ORG_ROOT, "Name": "Root", "Arn": f"arn:aws:organizations::123456789012:root/o-1/{ORG_ROOT}"}
                ]
            }
        elif model.name == "ListOrganizationalUnitsForParent":
            units = [{"Id": ORG_UNIT, "Name": "Telephony"}] if params["ParentId"] == ORG_ROOT else []
            body = {"OrganizationalUnits": units}
        else:
            body = {
                "Accounts": [
                    {
                        "Id": i,
                        "Name": n,
                        **account_state(st),
                        "Arn": f"arn:aws:organizations::123456789012:account/o-1/{i}",
                    }
                    for i, n, st in ORG_ACCOUNTS.get(params["ParentId"], [])
                ]
            }
        self._validate_operation_response(model.name, body)
        context["fake_answer"] = (AWSResponse(None, 200, {}, None), body)


class Task:
    """Runs one module's main() with options, its clients behind a FakeService (and FakeSts, where it has one)."""

    def __init__(self, name, monkeypatch, capsys):
        self.module = importlib.import_module(f"{COLLECTION}.plugins.modules.{name}")
        self.capsys = capsys
        self.services = []
        self.invocation = None
        real = self.module.chime_client

        def fake_client(*args, **kwargs):
            client = real(*args, **kwargs)
            service = FakeService(client)
            service.activate()
            self.services.append(service)
            return client

        monkeypatch.setattr(self.module, "chime_client", fake_client)
        if hasattr(self.module, "account_chime_client"):  # the drain's clients of accounts and regions
            real_account = self.module.account_chime_client

            def fake_account_client(*args, **kwargs):
                client = real_account(*args, **kwargs)
                service = FakeService(client)
                service.activate()
                self.services.append(service)
                return client

            monkeypatch.setattr(self.module, "account_chime_client", fake_account_client)
        if hasattr(self.module, "sts_client"):
            real_sts = self.module.sts_client

            def fake_sts(*args, **kwargs):
                client = real_sts(*args, **kwargs)
                service = FakeSts(client)
                service.activate()
                self.services.append(service)
                return client

            monkeypatch.setattr(self.module, "sts_client", fake_sts)
        if hasattr(self.module, "organizations_client"):
            real_organizations = self.module.organizations_client

            def fake_organizations(*args, **kwargs):
                client = real_organizations(*args, **kwargs)
                service = FakeOrganizations(client)
                service.activate()
                self.services.append(service)
                return client

            monkeypatch.setattr(self.module, "organizations_client", fake_organizations)
        monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)

    def __call__(self, options, check_mode=False):
        """The requests the service received (in any order: pools run concurrently) and the task's result."""
        self.services.clear()
        warnings._global_warnings.clear()
        args = {**CREDENTIALS, **options, "_ansible_check_mode": check_mode, **INJECT_INVOCATION}
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                self.module.main()
        result = json.loads(self.capsys.readouterr().out)
        self.invocation = result.pop("invocation", None)
        sent = sorted((json.dumps(r, sort_keys=True) for s in self.services for r in s.sent))
        return sent, result


@pytest.fixture
def task_of(monkeypatch, capsys):
    return lambda name: Task(name, monkeypatch, capsys)


# --- the documentation -------------------------------------------------------------------------------------------


def documented_options(name):
    """The options of a module's DOCUMENTATION, with those of the collection's own doc fragments."""
    module = importlib.import_module(f"{COLLECTION}.plugins.modules.{name}")
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get("extends_documentation_fragment", []):
        if fragment.startswith("telephony.chime."):
            # telephony.chime.NAME (its DOCUMENTATION) or telephony.chime.NAME.PART (its PART, upper-cased).
            name, _dot, part = fragment[len("telephony.chime.") :].partition(".")
            source = importlib.import_module(f"{COLLECTION}.plugins.doc_fragments.{name}")
            text = getattr(source.ModuleDocFragment, part.upper() or "DOCUMENTATION")
            options.update(yaml.safe_load(text)["options"])
    options.update(doc["options"])
    return options


def description(spec):
    text = spec.get("description", "")
    return " ".join(text) if isinstance(text, list) else text


def cases(check):
    """(module, option) for every documented option for which check(spec) holds."""
    return [
        pytest.param(name, option, id=f"{name}.{option}")
        for name in MODULE_NAMES
        for option, spec in documented_options(name).items()
        if check(spec)
    ]


# --- a task for every documented option ------------------------------------------------------------------------

VC = {"voice_connector_id": VOICE_CONNECTOR_ID}
NUMBERS = ["+12065550150", "+14015550151"]
CREATE = {**VC, "name": "Courier pickup 43", "participant_phone_numbers": NUMBERS, "capabilities": ["Voice", "SMS"]}
UPDATE = {**VC, "proxy_session_id": EXAMPLE_ID, "capabilities": ["Voice"]}
MANY_IDS = ["4242", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"]
# Voice connector ids of digits only (the model allows 21 or 22 letters and digits): they can be given as numbers.
OTHER_CONNECTOR = "123456789012345678901"
MANY_CONNECTORS = [f"{n:021d}" for n in range(1, 12)]

EAST = {"regions": ["us-east-1"]}
ROLE = "arn:aws:iam::222222222222:role/ChimeAudit"
INVENTORY_DEST = os.path.join(tempfile.gettempdir(), f"chime-module-interfaces-{os.getpid()}")
DRAIN_DEST = os.path.join(tempfile.gettempdir(), f"chime-module-interfaces-drain-{os.getpid()}")
DRAIN = {"voice_connector_ids": [VOICE_CONNECTOR_ID]}


def drain_plan():
    """A plan of the fake account's connector, as a rehearsal writes it, and its digest."""
    body = plan.plan_body(
        [
            {
                "account_id": "123456789012",
                "account": "the module's own credentials",
                "region": "us-east-1",
                "voice_connectors": [
                    {
                        "voice_connector_id": VOICE_CONNECTOR_ID,
                        "proxy": {},
                        "sessions_not_closed": 2,
                        "sessions_closed": 0,
                        "numbers_to_release": [],
                    }
                ],
            }
        ],
        release_numbers=False,
    )
    text, digest = plan.plan_text(body)
    path = os.path.join(tempfile.gettempdir(), f"chime-module-interfaces-plan-{os.getpid()}.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return {"plan": path, "plan_digest": digest}


PLANNED = drain_plan()

NEW_NUMBERS = ["19135550100", "19135550101"]  # digits only, so that they can be given as numbers

TASKS = {
    "chime_voice_connector_phone_numbers": {
        "voice_connector_id": {**VC, "phone_numbers": ["+19135550100"]},
        "phone_numbers": {**VC, "phone_numbers": NEW_NUMBERS},
        "state": {**VC, "phone_numbers": ["+19135550199"], "state": "absent"},
        "purge": {**VC, "phone_numbers": ["+19135550100"], "purge": True},
        "force_associate": {**VC, "phone_numbers": ["+19135550100"], "force_associate": True},
    },
    "chime_phone_number": {
        "phone_numbers": {"phone_numbers": ["19135550198", "19135550199"]},
        "state": {"phone_numbers": ["+19135550199"], "state": "absent"},
        "max_concurrency": {
            "phone_numbers": [f"+1913555{n:04d}" for n in range(12)],
            "state": "absent",
            "max_concurrency": 4,
        },
    },
    "chime_proxy_drain": {
        "voice_connector_ids": DRAIN,
        # Its default (false) needs voice_connector_ids, which true excludes: the other value shows as a refusal.
        "all_voice_connectors": {**DRAIN, "all_voice_connectors": False},
        "release_numbers": {**DRAIN, "release_numbers": True},
        "dest": {**DRAIN, "dest": DRAIN_DEST},
        "max_concurrency": {**DRAIN, "max_concurrency": 4},
        "regions": {**DRAIN, "regions": ["us-east-1"]},
        "accounts": {"all_voice_connectors": True, "accounts": [{"role_arn": ROLE, "external_id": "drain-1"}]},
        "organization": {**PLANNED, "organization": {"member_role_name": "ChimeDrain"}},
        "plan": PLANNED,
        "plan_digest": PLANNED,
        "plan_max_age": {**PLANNED, "plan_max_age": 3600},
        "max_regions": {"all_voice_connectors": True, "regions": ["us-east-1", "us-west-2"], "max_regions": 2},
    },
    "chime_proxy_inventory": {
        "regions": {"regions": ["us-east-1", "us-west-2"]},
        "accounts": {**EAST, "accounts": [{"role_arn": ROLE, "external_id": "audit-1"}]},
        "dest": {**EAST, "dest": INVENTORY_DEST},
        "mask_phone_numbers": {**EAST, "return_sessions": True, "mask_phone_numbers": False},
        "return_sessions": {**EAST, "return_sessions": True},
        "max_regions": {"regions": ["us-east-1", "us-west-2", "eu-west-1"], "max_regions": 2},
        "allow_partial": {**EAST, "allow_partial": True},
        "region_endpoint_urls": {**EAST, "region_endpoint_urls": {"us-east-1": "http://127.0.0.1:1"}},
        "max_concurrency": {**EAST, "max_concurrency": 4},
        "organization": {**EAST, "organization": {"member_role_name": "ChimeAudit", "include_suspended": False}},
    },
    "chime_proxy_session": {
        "voice_connector_id": CREATE,
        "state": {**UPDATE, "state": "present"},
        "proxy_session_id": {**VC, "proxy_session_id": EXAMPLE_ID, "expiry_minutes": 30},
        "proxy_session_ids": {**VC, "state": "absent", "proxy_session_ids": ["4242", "7"]},
        "name": CREATE,
        # Without the "+" (E.164 allows it), so that the numbers can be given as numbers.
        "participant_phone_numbers": {**CREATE, "participant_phone_numbers": ["12065550150", "14015550151"]},
        "capabilities": CREATE,
        "expiry_minutes": {**CREATE, "expiry_minutes": 45},
        "number_selection_behavior": {**CREATE, "number_selection_behavior": "PreferSticky"},
        "geo_match_level": {**CREATE, "geo_match_level": "AreaCode"},
        "geo_match_params": {**CREATE, "geo_match_params": {"country": "US", "area_code": "206"}},
        "max_concurrency": {**VC, "state": "absent", "proxy_session_ids": MANY_IDS, "max_concurrency": 4},
    },
    "chime_proxy_session_info": {
        "voice_connector_id": VC,
        "proxy_session_id": {**VC, "proxy_session_id": EXAMPLE_ID},
        "proxy_session_ids": {**VC, "proxy_session_ids": ["4242", "7"]},
        "status": {**VC, "status": "Open"},
        "participant_phone_number": {**VC, "participant_phone_number": "+12065550100"},
        "proxy_phone_number": {"proxy_phone_number": "+19135550199"},
        "capability": {**VC, "capability": "Voice"},
        "created_after": {**VC, "created_after": "2026-04-07"},
        "created_before": {**VC, "created_before": "2026-04-07"},
        "mask_phone_numbers": {**VC, "mask_phone_numbers": True},
        "max_concurrency": {**VC, "proxy_session_ids": MANY_IDS, "max_concurrency": 4},
    },
    "chime_voice_connector_info": {
        "voice_connector_ids": {"voice_connector_ids": [VOICE_CONNECTOR_ID, OTHER_CONNECTOR]},
        "include_proxy": {"include_proxy": True},
        "include_phone_numbers": {"include_phone_numbers": True},
        "mask_phone_numbers": {"include_phone_numbers": True, "mask_phone_numbers": True},
        "max_concurrency": {"voice_connector_ids": [VOICE_CONNECTOR_ID] + MANY_CONNECTORS, "max_concurrency": 4},
    },
    "chime_voice_connector_proxy": {
        "voice_connector_id": VC,
        "state": {**VC, "state": "present", "disabled": True},
        "default_session_expiry_minutes": {**VC, "default_session_expiry_minutes": 30},
        "phone_number_pool_countries": {**VC, "phone_number_pool_countries": ["US", "CA"]},
        "fall_back_phone_number": {**VC, "fall_back_phone_number": "+19135550111"},
        "disabled": {**VC, "disabled": True},
    },
}
# Every module's requests wait at a pace (doc_fragments/pace.py): a task for each of its options, on the module's
# simplest task. A ceiling shows in the result's pace rate.
PACE_TASKS = {
    "chime_voice_connector_phone_numbers": {**VC, "phone_numbers": ["+19135550100"]},
    "chime_phone_number": {"phone_numbers": ["+19135550199"], "state": "absent"},
    "chime_proxy_drain": DRAIN,
    "chime_proxy_inventory": EAST,
    "chime_proxy_session": CREATE,
    "chime_proxy_session_info": VC,
    "chime_voice_connector_info": {"include_proxy": True},
    "chime_voice_connector_proxy": VC,
}
for _name, _base in PACE_TASKS.items():
    TASKS[_name]["max_requests_per_second"] = {**_base, "max_requests_per_second": 5.0}
    TASKS[_name]["throttle_timeout"] = {**_base, "throttle_timeout": 30.0}

# A value other than the documented default, for options whose task does not already set one.
OTHER_VALUES = {
    ("chime_proxy_drain", "all_voice_connectors"): True,
    ("chime_proxy_session", "state"): "absent",
    ("chime_proxy_session_info", "mask_phone_numbers"): True,
    ("chime_voice_connector_info", "include_proxy"): False,
    ("chime_voice_connector_info", "include_phone_numbers"): True,
    ("chime_voice_connector_info", "mask_phone_numbers"): True,
    ("chime_voice_connector_proxy", "state"): "absent",
}
# Defaults whose effect these requests and results cannot show, with where it is shown instead.
DEFAULT_NOT_SEEN_HERE = {
    # The number of requests in flight at once: test_chime_proxy_session_info_options counts them with a gate
    # (test_max_concurrency_defaults_to_ten_requests_in_flight); leaving it out must still equal 10 here.
    "max_concurrency",
    # chime_proxy_inventory: how many accounts and regions are gathered at once, which endpoint a region's requests
    # go to, and whether a skipped region fails the task: test_chime_proxy_inventory counts the regions in flight,
    # records each client's endpoint and skips regions (test_requests_in_flight_are_bounded_...,
    # test_region_endpoint_urls_route_one_region, test_an_unreachable_account_is_skipped_...).
    "max_regions",
    "region_endpoint_urls",
    "allow_partial",
    # chime_proxy_drain: the oldest plan applied; this plan is new. test_chime_proxy_drain refuses an aged one
    # (test_a_plan_that_is_not_the_one_reviewed_is_refused_before_any_request).
    "plan_max_age",
    # How long nothing may get through before the requests still waiting fail: this service never throttles.
    # test_pace (test_nothing_through_for_the_patience_fails_...) and the module tests with a throttling Stubber
    # (test_throttle_timeout_...) show it.
    "throttle_timeout",
}
WRONG_KIND = {"int": "many", "float": "fast", "bool": "perhaps", "list": {"not": "a list"}, "dict": "not a dict"}
CONVERTED = ("int", "float", "bool", "list", "dict")


def task_for(name, option):
    return copy.deepcopy(TASKS[name][option])


def converted(spec, value):
    """The value as a user may write it for Ansible to convert: strings for scalars, "a,b" for lists, k=v pairs."""
    kind = spec["type"]
    if kind in ("int", "float"):
        return [str(value)]
    if kind == "bool":
        return ["yes" if value else "no"]
    if kind == "dict":
        return [", ".join(f"{k}={v}" for k, v in value.items())]
    if kind == "list" and spec.get("elements") == "dict":
        return []  # a list of dicts has no string form
    if kind == "list":
        forms = [",".join(value)]
        if spec.get("elements") == "str" and any(item.isdigit() for item in value):
            forms.append([int(item) if item.isdigit() else item for item in value])
        return forms
    return []


def same_outcome(observed):
    """Requests and result, without the notices Ansible adds about converting a value."""
    sent, result = observed
    result = dict(result)
    result["warnings"] = [w for w in result.get("warnings", []) if "converted" not in str(w)]
    return sent, result


def assert_refused_before_any_request(task, observed, *words):
    sent, result = observed
    assert result.get("failed") is True, result
    for word in words:
        assert word in result["msg"], (word, result["msg"])
    assert sent == [] and task.services == [], "no client is built, no request sent"


# --- the tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_documented_option_has_a_task(name):
    assert sorted(TASKS.get(name, {})) == sorted(documented_options(name))


@pytest.mark.parametrize("name, option", cases(lambda s: True))
def test_the_task_of_each_option_succeeds(task_of, name, option):
    task = task_of(name)
    sent, result = task(task_for(name, option))
    assert not result.get("failed"), result
    assert sent, "the task sends requests"


@pytest.mark.parametrize("name, option", cases(lambda s: s.get("required")))
def test_a_required_option_left_out_fails_naming_it(task_of, name, option):
    task = task_of(name)
    options = task_for(name, option)
    del options[option]
    observed = task(options)
    assert_refused_before_any_request(task, observed, f"missing required arguments: {option}")


@pytest.mark.parametrize("name, option", cases(lambda s: s.get("choices")))
def test_each_documented_choice_is_accepted(task_of, name, option):
    task = task_of(name)
    spec = documented_options(name)[option]
    for choice in spec["choices"]:
        value = [choice] if spec["type"] == "list" else choice
        sent, result = task({**task_for(name, option), option: value})
        assert not result.get("failed"), (choice, result)
        assert sent, "the task sends requests"


@pytest.mark.parametrize("name, option", cases(lambda s: s.get("choices")))
def test_a_value_outside_the_choices_fails_listing_them(task_of, name, option):
    task = task_of(name)
    spec = documented_options(name)[option]
    value = ["Bogus"] if spec["type"] == "list" else "Bogus"
    observed = task({**task_for(name, option), option: value})
    listed = ", ".join(spec["choices"])
    assert_refused_before_any_request(task, observed, f"value of {option} must be one ", listed, "Bogus")
    if spec.get("elements") == "str":
        # A null item (an empty YAML list entry) is a string too, the empty one, before the choices are checked.
        sent, result = task({**task_for(name, option), option: [None]})
        assert result["failed"] is True and sent == []
        assert result["msg"].endswith("Got no match for: "), result["msg"]


@pytest.mark.parametrize("name, option", cases(lambda s: s["type"] in WRONG_KIND))
def test_a_value_of_the_wrong_kind_fails_naming_the_option(task_of, name, option):
    task = task_of(name)
    spec = documented_options(name)[option]
    observed = task({**task_for(name, option), option: WRONG_KIND[spec["type"]]})
    if spec["type"] == "dict":
        # Ansible's message for a dict is the parser's, the first of its errors: it does not name the option.
        assert_refused_before_any_request(task, observed, "dictionary requested, could not parse JSON or key=value")
    else:
        assert_refused_before_any_request(
            task, observed, f"argument '{option}' is of type", f"unable to convert to {spec['type']}"
        )


@pytest.mark.parametrize("name, option", cases(lambda s: s["type"] in CONVERTED))
def test_a_value_ansible_converts_has_the_effect_of_the_native_one(task_of, name, option):
    task = task_of(name)
    spec = documented_options(name)[option]
    options = task_for(name, option)
    natives = [True, False] if spec["type"] == "bool" else [options[option]]
    for native in natives:
        expected = same_outcome(task({**options, option: native}))
        # The task's own value succeeds; the other bool may be refused by a rule (then its forms are refused alike).
        assert native != options[option] or not expected[1].get("failed"), expected
        for form in converted(spec, native):
            assert same_outcome(task({**options, option: form})) == expected, form
    if spec.get("elements") == "str":
        # An item given as a number is its string, whether the task then succeeds or the value is refused.
        assert task({**options, option: options[option] + [5]}) == task({**options, option: options[option] + ["5"]})


@pytest.mark.parametrize("name, option", cases(lambda s: "default" in s))
def test_the_documented_default_takes_effect(task_of, name, option):
    task = task_of(name)
    spec = documented_options(name)[option]
    options = task_for(name, option)
    omitted = {k: v for k, v in options.items() if k != option}
    explicit = task({**omitted, option: spec["default"]})
    assert not explicit[1].get("failed"), explicit
    assert task(omitted) == explicit
    if option not in DEFAULT_NOT_SEEN_HERE:
        other = OTHER_VALUES.get((name, option), options[option])
        assert other != spec["default"]
        assert task({**omitted, option: other}) != explicit, "the task shows the option's effect"


@pytest.mark.parametrize("name, option", cases(lambda s: "default" in s))
def test_the_result_shows_the_documented_default(task_of, name, option):
    """The invocation in the result (what -v prints and register keeps) holds the documented default of an option
    left out, also where the code only tests its truth (a None would show as null)."""
    task = task_of(name)
    spec = documented_options(name)[option]
    _sent, result = task({k: v for k, v in task_for(name, option).items() if k != option})
    assert not result.get("failed"), result
    assert task.invocation["module_args"][option] == spec["default"]


def required_suboptions(spec):
    return [sub for sub, sub_spec in (spec.get("suboptions") or {}).items() if sub_spec.get("required")]


@pytest.mark.parametrize("name, option", cases(required_suboptions))
def test_a_required_suboption_left_out_fails_naming_it(task_of, name, option):
    task = task_of(name)
    for sub in required_suboptions(documented_options(name)[option]):
        options = task_for(name, option)
        del options[option][sub]
        observed = task(options)
        assert_refused_before_any_request(task, observed, f"missing required arguments: {sub} found in {option}")


def stated_rules(pattern):
    """(module, option, the options the rule names) for every description that states the rule."""
    found = []
    for name in MODULE_NAMES:
        for option, spec in documented_options(name).items():
            match = re.search(pattern, description(spec))
            if match:
                found.append(
                    pytest.param(name, option, re.findall(r"O\((\w+)\)", match.group(1)), id=f"{name}.{option}")
                )
    return found


@pytest.mark.parametrize("name, option, others", stated_rules(r"Mutually exclusive with (.*?)(?:, which|\.(?:\s|$))"))
def test_documented_mutually_exclusive_options_fail_together(task_of, name, option, others):
    task = task_of(name)
    assert others
    for other in others:
        options = {**task_for(name, option), other: task_for(name, other)[other]}
        observed = task(options)
        assert_refused_before_any_request(task, observed, "parameters are mutually exclusive: ", option, other)


@pytest.mark.parametrize("name, option, others", stated_rules(r"Required by (.*?)\.(?:\s|$)"))
def test_an_option_required_by_others_is_named_when_left_out(task_of, name, option, others):
    task = task_of(name)
    assert others
    for other in others:
        options = {k: v for k, v in task_for(name, other).items() if k != option}
        observed = task(options)
        assert_refused_before_any_request(task, observed, f"missing parameter(s) required by '{other}': {option}")


@pytest.mark.parametrize("name, option, others", stated_rules(r"only with (V\(\w+=\w+\))"))
def test_an_option_only_for_one_value_of_another_fails_with_the_other_value(task_of, name, option, others):
    task = task_of(name)
    condition, value = re.search(r"only with V\((\w+)=(\w+)\)", description(documented_options(name)[option])).groups()
    choices = documented_options(name)[condition]["choices"]
    for other in [c for c in choices if c != value]:
        observed = task({**task_for(name, option), condition: other})
        assert_refused_before_any_request(task, observed, option, f"only for {condition}={value}")


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_module_runs_in_check_mode_without_writing(task_of, name):
    task = task_of(name)
    for option in TASKS[name]:
        sent, result = task(task_for(name, option), check_mode=True)
        assert not result.get("failed") and not result.get("skipped"), result
        # AssumeRole only obtains credentials to read with.
        written = [r for r in sent if not re.match(r'\["(Get|List|AssumeRole)', r)]
        assert written == [], "check mode sends no write"
