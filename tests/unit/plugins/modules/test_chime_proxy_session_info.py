# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module end to end in-process: options in, JSON out, a real client behind botocore's Stubber."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.retries import THROTTLE_ATTEMPTS
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_session_info
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SNAKE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDENTIALS = {"region": "us-east-1", "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": SECRET}


class Run:
    """Runs main() with module args; the client is the module's own, its transport botocore's Stubber."""

    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.clients = []
        self.queue = []
        real = chime_client

        def stubbed_client(module, model, max_concurrency):
            client = real(module, model, max_concurrency)
            stub = Stubber(client)
            for method, args in self.queue:
                getattr(stub, method)(*args[:-1], **args[-1])
            stub.activate()
            self.clients.append((client, stub))
            return client

        monkeypatch.setattr(chime_proxy_session_info, "chime_client", stubbed_client)
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
                chime_proxy_session_info.main()
        out = self.capsys.readouterr().out
        for _client, stub in self.clients:
            stub.assert_no_pending_responses()
        return out, json.loads(out)


@pytest.fixture
def run(monkeypatch, capsys):
    return Run(monkeypatch, capsys)


GET = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": EXAMPLE_ID}
LIST = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100}


def test_one_session_as_the_aws_cli_example(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID)
    assert result["changed"] is False
    assert result["proxy_session"] == EXAMPLE_SNAKE
    assert result["proxy_sessions"] == [EXAMPLE_SNAKE]
    assert "ansible_facts" not in result
    assert "failed" not in result


def test_deprecation_notice_reaches_the_user_as_a_warning(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID)
    notice = ChimeModel().deprecation("GetProxySession")
    assert notice, "botocore pinned for the tests marks GetProxySession as deprecated"
    assert [w for w in result.get("warnings", []) if notice in str(w) and "GetProxySession" in str(w)]
    # amazon.aws's AnsibleAWSModule.warn would make ansible-core 2.19+ add a deprecation of its own.
    assert "deprecations" not in result, result.get("deprecations")


def test_a_session_that_does_not_exist_is_an_empty_result(run):
    run.error("get_proxy_session", "NotFoundException", 404, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID)
    assert result["proxy_session"] == {}
    assert result["proxy_sessions"] == []
    assert "failed" not in result


def test_listing_with_status_and_check_mode(run):
    run.response("list_proxy_sessions", {"ProxySessions": [session("a"), session("b")]}, {**LIST, "Status": "Open"})
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, status="Open", _ansible_check_mode=True)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a", "b"]
    assert "proxy_session" not in result
    assert any("ListProxySessions" in str(w) for w in result.get("warnings", []))


def test_many_ids_in_the_order_given(run):
    def params(proxy_session_id):
        return {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": proxy_session_id}

    run.response("get_proxy_session", {"ProxySession": session("c")}, params("c"))
    run.error("get_proxy_session", "NotFoundException", 404, params("b"))
    run.response("get_proxy_session", {"ProxySession": session("a")}, params("a"))
    # One worker keeps the Stubber's queue order; the pool itself is tested in module_utils.
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_ids=["c", "b", "a"], max_concurrency=1)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["c", "a"]


def test_a_failure_fails_the_task_with_a_clear_message(run):
    for _attempt in range(THROTTLE_ATTEMPTS):
        run.error("list_proxy_sessions", "ServiceUnavailableException", 503, LIST)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to list proxy sessions of voice connector {VOICE_CONNECTOR_ID}")
    assert result["error"]["code"] == "ServiceUnavailableException"
    assert "proxy_sessions" not in result


@pytest.mark.parametrize(
    "args, named",
    [
        ({"voice_connector_id": "Not-A-Connector"}, "voice_connector_id (GetProxySession VoiceConnectorId) must match"),
        ({"proxy_session_id": "x" * 129}, "proxy_session_id (GetProxySession ProxySessionId) must be at most 128"),
        ({"proxy_session_id": " "}, "proxy_session_id (GetProxySession ProxySessionId) must match the pattern"),
        ({"proxy_session_ids": ["ok", ""]}, "proxy_session_ids[1] (GetProxySession ProxySessionId) must be at least 1"),
        ({"max_concurrency": 0}, "max_concurrency must be between 1 and 100"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, named):
    _out, result = run(**{"voice_connector_id": VOICE_CONNECTOR_ID, **args})
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert named in result["msg"]
    assert run.clients == [], "no client may be created, so nothing can be sent"
    assert "Traceback" not in json.dumps(result)


@pytest.mark.parametrize(
    "args, named",
    [
        ({"status": "open"}, "status"),
        ({"proxy_session_id": "a", "proxy_session_ids": ["b"]}, "mutually exclusive"),
        ({"proxy_session_id": "a", "status": "Open"}, "mutually exclusive"),
        ({}, "voice_connector_id"),
    ],
)
def test_ansible_refuses_bad_combinations_before_any_request(run, args, named):
    if args == {}:
        _out, result = run()
    else:
        _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, **args)
    assert result["failed"] is True
    assert named in result["msg"]
    assert run.clients == []


def test_secrets_never_appear_in_the_output(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    out, _result = run(
        voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, session_token="TOKEN-VALUE-123"
    )
    assert SECRET not in out
    assert "TOKEN-VALUE-123" not in out
