# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_voice_connector_info end to end in-process: options in, JSON out, a real client behind botocore's Stubber."""

import json
import time

import pytest
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import model as chime_model
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.retries import SERVER_ATTEMPTS
from ansible_collections.telephony.chime.plugins.modules import chime_voice_connector_info
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import PoolStubber
from ansible_collections.telephony.chime.tests.unit.plugins.upstream import own_deprecations

REAL_SLEEP = time.sleep
CREDENTIALS = {
    "region": "us-east-1",
    "access_key": "AKIAIOSFODNN7EXAMPLE",
    "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}
VC_A = "abcdef1ghij2klmno3pqr4"
VC_B = "bcdefg2hijk3lmnop4qrs5"
VC_C = "cdefgh3ijkl4mnopq5rst6"


class Run:
    """Runs main() with module args; the client is the module's own, its transport botocore's Stubber."""

    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.clients = []
        self.queue = []
        self.pool = False
        real = chime_client

        def stubbed_client(module, model, max_concurrency):
            client = real(module, model, max_concurrency)
            stub = PoolStubber(client) if self.pool else Stubber(client)
            for method, args in self.queue:
                getattr(stub, method)(*args[:-1], **args[-1])
            stub.activate()
            self.clients.append((client, stub))
            return client

        monkeypatch.setattr(chime_voice_connector_info, "chime_client", stubbed_client)
        monkeypatch.setattr(
            "ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda seconds: None
        )

    def response(self, operation, body, params):
        self.queue.append(("add_response", (operation, body, {"expected_params": params})))

    def error(self, operation, code, status, params):
        kwargs = {"service_error_code": code, "http_status_code": status, "expected_params": params}
        self.queue.append(("add_client_error", (operation, kwargs)))

    def __call__(self, **args):
        with patch_module_args({**CREDENTIALS, **args}):
            with pytest.raises(SystemExit):
                chime_voice_connector_info.main()
        out = self.capsys.readouterr().out
        for _client, stub in self.clients:
            stub.assert_no_pending_responses()
        return json.loads(out)


@pytest.fixture
def run(monkeypatch, capsys):
    return Run(monkeypatch, capsys)


@pytest.fixture(autouse=True)
def warnings_of_this_task(monkeypatch):
    """ansible-core keeps warnings in a process-wide dict (one task per process); each test starts empty.
    The list records every warn call of the deprecation notices, which the dict would deduplicate."""
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    calls = []
    real = chime_model.warn

    def recording(message, *args, **kwargs):
        calls.append(message)
        return real(message, *args, **kwargs)

    monkeypatch.setattr(chime_model, "warn", recording)  # DeprecationNotices warns through it
    return calls


def connector(voice_connector_id, name="Demo"):
    return {
        "VoiceConnectorId": voice_connector_id,
        "AwsRegion": "us-east-1",
        "Name": name,
        "OutboundHostName": f"{voice_connector_id}.voiceconnector.chime.aws",
        "RequireEncryption": True,
        "CreatedTimestamp": "2020-04-15T16:00:00.000Z",
    }


PROXY = {
    "DefaultSessionExpiryMinutes": 60,
    "Disabled": False,
    "FallBackPhoneNumber": "+19135550100",
    "PhoneNumberCountries": ["US"],
}
PROXY_SNAKE = {
    "default_session_expiry_minutes": 60,
    "disabled": False,
    "fall_back_phone_number": "+19135550100",
    "phone_number_countries": ["US"],
}


def number(e164, voice_connector_id):
    return {
        "PhoneNumberId": e164,
        "E164PhoneNumber": e164,
        "Country": "US",
        "Type": "Local",
        "ProductType": "VoiceConnector",
        "Status": "Assigned",
        "Associations": [{"Name": "VoiceConnectorId", "Value": voice_connector_id}],
    }


def numbers_params(voice_connector_id, token=None):
    params = {"FilterName": "VoiceConnectorId", "FilterValue": voice_connector_id, "MaxResults": 100}
    if token:
        params["NextToken"] = token
    return params


def proxy_params(voice_connector_id):
    return {"VoiceConnectorId": voice_connector_id}


LIST = {"MaxResults": 100}


def test_every_connector_of_the_region_with_its_proxy_configuration(run):
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(VC_A)], "NextToken": "t"}, LIST)
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(VC_B, "Plain")]}, {**LIST, "NextToken": "t"})
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_A))
    run.error("get_voice_connector_proxy", "NotFoundException", 404, proxy_params(VC_B))
    result = run(max_concurrency=1)
    assert result["changed"] is False
    assert [vc["voice_connector_id"] for vc in result["voice_connectors"]] == [VC_A, VC_B]
    first, second = result["voice_connectors"]
    assert first["name"] == "Demo" and first["require_encryption"] is True
    assert first["outbound_host_name"] == f"{VC_A}.voiceconnector.chime.aws"
    assert first["proxy"] == PROXY_SNAKE
    assert second["proxy"] == {}
    assert "phone_numbers" not in first


def test_the_deprecation_notice_of_get_voice_connector_proxy_once_per_task(run, warnings_of_this_task):
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(VC_A), connector(VC_B)]}, LIST)
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_A))
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_B))
    result = run(max_concurrency=1)
    notice = ChimeModel().deprecation("GetVoiceConnectorProxy")
    assert notice and "2026" in notice
    warnings = [str(w) for w in result.get("warnings", [])]
    assert len([w for w in warnings if notice in w and "GetVoiceConnectorProxy" in w]) == 1, warnings
    assert len(warnings) == 1, "ListVoiceConnectors is not deprecated"
    assert len(warnings_of_this_task) == 1, warnings_of_this_task
    assert own_deprecations(result) == []


def test_without_the_proxy_no_proxy_request_and_no_notice(run):
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(VC_A)]}, LIST)
    result = run(include_proxy=False, _ansible_check_mode=True)
    assert result["voice_connectors"][0]["voice_connector_id"] == VC_A
    assert "proxy" not in result["voice_connectors"][0]
    assert not result.get("warnings")


def test_ids_in_the_order_given_missing_ones_left_out_with_numbers_every_page(run):
    run.response("get_voice_connector", {"VoiceConnector": connector(VC_C)}, {"VoiceConnectorId": VC_C})
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_C))
    run.response(
        "list_phone_numbers",
        {"PhoneNumbers": [number("+19135550199", VC_C)], "NextToken": "n2"},
        numbers_params(VC_C),
    )
    run.response("list_phone_numbers", {"PhoneNumbers": [number("+19135550198", VC_C)]}, numbers_params(VC_C, "n2"))
    run.error("get_voice_connector", "NotFoundException", 404, {"VoiceConnectorId": VC_B})
    run.response("get_voice_connector", {"VoiceConnector": connector(VC_A)}, {"VoiceConnectorId": VC_A})
    run.response("get_voice_connector_proxy", {}, proxy_params(VC_A))
    run.response("list_phone_numbers", {"PhoneNumbers": []}, numbers_params(VC_A))
    result = run(voice_connector_ids=[VC_C, VC_B, VC_A, VC_C], include_phone_numbers=True, max_concurrency=1)
    assert [vc["voice_connector_id"] for vc in result["voice_connectors"]] == [VC_C, VC_A]
    numbers = result["voice_connectors"][0]["phone_numbers"]
    assert [n["e164_phone_number"] for n in numbers] == ["+19135550199", "+19135550198"]
    assert numbers[0]["associations"] == [{"name": "VoiceConnectorId", "value": VC_C}]
    assert result["voice_connectors"][1]["proxy"] == {}
    assert result["voice_connectors"][1]["phone_numbers"] == []


def test_masked_numbers_in_proxy_and_phone_numbers(run):
    run.response("get_voice_connector", {"VoiceConnector": connector(VC_A)}, {"VoiceConnectorId": VC_A})
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_A))
    run.response("list_phone_numbers", {"PhoneNumbers": [number("+19135550199", VC_A)]}, numbers_params(VC_A))
    result = run(voice_connector_ids=[VC_A], include_phone_numbers=True, mask_phone_numbers=True)
    vc = result["voice_connectors"][0]
    assert vc["proxy"]["fall_back_phone_number"] == "+*******0100"
    assert vc["phone_numbers"][0]["e164_phone_number"] == "+*******0199"
    assert vc["phone_numbers"][0]["phone_number_id"] == "+*******0199"
    assert "913555" not in json.dumps(result["voice_connectors"])


def test_an_empty_id_list_sends_nothing(run):
    result = run(voice_connector_ids=[])
    assert result["changed"] is False
    assert result["voice_connectors"] == []
    assert run.clients == []


def test_concurrent_fetches_keep_the_order_and_the_bound(run, monkeypatch):
    monkeypatch.setattr(time, "sleep", REAL_SLEEP)  # PoolStubber holds each call a little, to overlap them
    run.pool = True
    ids = [f"{n:02d}" + "b" * 19 for n in range(12)]
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(i) for i in ids]}, LIST)
    for i in ids:
        run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(i))
    result = run(max_concurrency=4)
    assert [vc["voice_connector_id"] for vc in result["voice_connectors"]] == ids
    _client, stub = run.clients[0]
    assert len(stub.calls) == 1 + len(ids), "one listing page, one proxy request a connector"
    assert 1 < stub.max_in_flight <= 4


def test_a_failing_connector_fails_the_task(run):
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(VC_A), connector(VC_B)]}, LIST)
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_A))
    for _attempt in range(SERVER_ATTEMPTS):
        run.error("get_voice_connector_proxy", "ServiceUnavailableException", 503, proxy_params(VC_B))
    result = run(max_concurrency=1)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to get the proxy configuration of voice connector {VC_B}")
    assert "voice_connectors" not in result


def test_a_failing_number_listing_fails_the_task(run):
    run.response("get_voice_connector", {"VoiceConnector": connector(VC_A)}, {"VoiceConnectorId": VC_A})
    run.response("get_voice_connector_proxy", {"Proxy": PROXY}, proxy_params(VC_A))
    run.error("list_phone_numbers", "ForbiddenException", 403, numbers_params(VC_A))
    result = run(voice_connector_ids=[VC_A], include_phone_numbers=True)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to list phone numbers of voice connector {VC_A}")
    assert "access denied" in result["msg"]


@pytest.mark.parametrize(
    "args, named",
    [
        (
            {"voice_connector_ids": [VC_A, "   "]},
            "voice_connector_ids[1] (GetVoiceConnector VoiceConnectorId) must match",
        ),
        ({"max_concurrency": 101}, "max_concurrency must be between 1 and 100"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, named):
    result = run(**args)
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert named in result["msg"]
    assert run.clients == []


def test_operations_follow_the_options():
    def params(**overrides):
        return {"voice_connector_ids": None, "include_proxy": True, "include_phone_numbers": False, **overrides}

    assert chime_voice_connector_info.operations_for(params()) == ["ListVoiceConnectors", "GetVoiceConnectorProxy"]
    assert chime_voice_connector_info.operations_for(
        params(voice_connector_ids=[VC_A], include_proxy=False, include_phone_numbers=True)
    ) == ["GetVoiceConnector", "ListPhoneNumbers"]
