# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module end to end in-process: options in, JSON out, a real client behind botocore's Stubber."""

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
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_session_info
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SNAKE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import PoolStubber
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.upstream import own_deprecations
from ansible_collections.telephony.chime.tests.unit.plugins.upstream import without_upstream_deprecations

# Run replaces time.sleep (the retry layer's back-off) for the whole process; the pool tests need it back.
REAL_SLEEP = time.sleep
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDENTIALS = {"region": "us-east-1", "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": SECRET}


class Run:
    """Runs main() with module args; the client is the module's own, its transport botocore's Stubber."""

    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.clients = []
        self.queue = []
        self.pool = False  # True: responses matched by their parameters (PoolStubber), for concurrent calls
        real = chime_client

        def stubbed_client(module, model, max_concurrency):
            client = real(module, model, max_concurrency)
            stub = PoolStubber(client) if self.pool else Stubber(client)
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
    assert own_deprecations(result) == []


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
    for _attempt in range(SERVER_ATTEMPTS):
        run.error("list_proxy_sessions", "ServiceUnavailableException", 503, LIST)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to list proxy sessions of voice connector {VOICE_CONNECTOR_ID}")
    assert result["error"]["code"] == "ServiceUnavailableException"
    assert "proxy_sessions" not in result


@pytest.mark.parametrize(
    "args, named",
    [
        ({"voice_connector_id": "   "}, "voice_connector_id (GetProxySession VoiceConnectorId) must match"),
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
    assert "Traceback" not in json.dumps(without_upstream_deprecations(result))


@pytest.mark.parametrize(
    "args, named",
    [
        ({"status": "open"}, "status"),
        ({"proxy_session_id": "a", "proxy_session_ids": ["b"]}, "mutually exclusive"),
        ({"proxy_session_id": "a", "status": "Open"}, "mutually exclusive"),
        ({"capability": "voice"}, "capability"),
    ],
)
def test_ansible_refuses_bad_combinations_before_any_request(run, args, named):
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


# --- the whole region: every connector, filters, summary, masking --------------------------------------------------

OTHER_ID = "bcdefg2hijk3lmnop4qrs5"
THIRD_ID = "cdefgh3ijkl4mnopq5rst6"


def connector(voice_connector_id):
    return {"VoiceConnectorId": voice_connector_id, "Name": f"vc {voice_connector_id[:4]}", "AwsRegion": "us-east-1"}


def listing(voice_connector_id, token=None, status=None):
    params = {"VoiceConnectorId": voice_connector_id, "MaxResults": 100}
    if status:
        params["Status"] = status
    if token:
        params["NextToken"] = token
    return params


def on(voice_connector_id, proxy_session_id, status="Open", **extra):
    return session(proxy_session_id, status, VoiceConnectorId=voice_connector_id, **extra)


def test_without_a_connector_every_connector_of_the_region_in_the_service_order(run, warnings_of_this_task):
    run.response(
        "list_voice_connectors",
        {"VoiceConnectors": [connector(OTHER_ID), connector(VOICE_CONNECTOR_ID)], "NextToken": "t1"},
        {"MaxResults": 100},
    )
    run.response(
        "list_voice_connectors", {"VoiceConnectors": [connector(THIRD_ID)]}, {"MaxResults": 100, "NextToken": "t1"}
    )
    run.response("list_proxy_sessions", {"ProxySessions": [on(OTHER_ID, "o1")], "NextToken": "p2"}, listing(OTHER_ID))
    run.response(
        "list_proxy_sessions", {"ProxySessions": [on(OTHER_ID, "o2", "Closed")]}, listing(OTHER_ID, token="p2")
    )
    run.response("list_proxy_sessions", {"ProxySessions": []}, listing(VOICE_CONNECTOR_ID))
    run.response("list_proxy_sessions", {"ProxySessions": [on(THIRD_ID, "t1", "InProgress")]}, listing(THIRD_ID))
    _out, result = run(max_concurrency=1)
    assert [(s["voice_connector_id"], s["proxy_session_id"]) for s in result["proxy_sessions"]] == [
        (OTHER_ID, "o1"),
        (OTHER_ID, "o2"),
        (THIRD_ID, "t1"),
    ]
    assert result["summary"] == {
        "total": 3,
        "by_status": {"Open": 1, "InProgress": 1, "Closed": 1},
        "by_voice_connector": {OTHER_ID: 2, VOICE_CONNECTOR_ID: 0, THIRD_ID: 1},
        "voice_connectors_scanned": 3,
    }
    warnings = [str(w) for w in result.get("warnings", [])]
    assert len([w for w in warnings if "ListProxySessions (chime-sdk-voice)" in w]) == 1, warnings
    assert not [w for w in warnings if "ListVoiceConnectors" in w], "ListVoiceConnectors is not deprecated"
    assert warnings_of_this_task == [
        f"ListProxySessions (chime-sdk-voice): {ChimeModel().deprecation('ListProxySessions')}"
    ]


def test_the_region_with_status_sends_it_for_every_connector(run):
    run.response(
        "list_voice_connectors", {"VoiceConnectors": [connector(OTHER_ID), connector(THIRD_ID)]}, {"MaxResults": 100}
    )
    run.response("list_proxy_sessions", {"ProxySessions": [on(OTHER_ID, "o1")]}, listing(OTHER_ID, status="Open"))
    run.response("list_proxy_sessions", {"ProxySessions": [on(THIRD_ID, "t1")]}, listing(THIRD_ID, status="Open"))
    _out, result = run(status="Open", max_concurrency=1)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["o1", "t1"]
    assert result["summary"]["by_status"] == {"Open": 2, "InProgress": 0, "Closed": 0}


def test_the_region_concurrently_keeps_connector_order_pages_once_and_the_bound(run, monkeypatch):
    monkeypatch.setattr(time, "sleep", REAL_SLEEP)  # PoolStubber holds each call a little, to overlap them
    run.pool = True
    ids = [f"{n:02d}" + "a" * 19 for n in range(8)]
    run.response("list_voice_connectors", {"VoiceConnectors": [connector(i) for i in ids]}, {"MaxResults": 100})
    for i in ids:
        run.response("list_proxy_sessions", {"ProxySessions": [on(i, f"{i}-1")], "NextToken": f"{i}-next"}, listing(i))
        run.response("list_proxy_sessions", {"ProxySessions": [on(i, f"{i}-2")]}, listing(i, token=f"{i}-next"))
    _out, result = run(max_concurrency=3)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == [f"{i}-{n}" for i in ids for n in (1, 2)]
    _client, stub = run.clients[0]
    assert len(stub.calls) == 1 + 2 * len(ids), "every page requested once"
    assert 1 < stub.max_in_flight <= 3
    assert result["summary"]["voice_connectors_scanned"] == 8


def test_a_connector_deleted_after_the_listing_is_skipped(run):
    run.response(
        "list_voice_connectors", {"VoiceConnectors": [connector(OTHER_ID), connector(THIRD_ID)]}, {"MaxResults": 100}
    )
    run.error("list_proxy_sessions", "NotFoundException", 404, listing(OTHER_ID))
    run.response("list_proxy_sessions", {"ProxySessions": [on(THIRD_ID, "t1")]}, listing(THIRD_ID))
    _out, result = run(max_concurrency=1)
    assert "failed" not in result
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["t1"]


def test_one_connector_failing_fails_the_whole_task(run):
    run.response(
        "list_voice_connectors", {"VoiceConnectors": [connector(OTHER_ID), connector(THIRD_ID)]}, {"MaxResults": 100}
    )
    run.response("list_proxy_sessions", {"ProxySessions": [on(OTHER_ID, "o1")]}, listing(OTHER_ID))
    run.error("list_proxy_sessions", "ForbiddenException", 403, listing(THIRD_ID))
    _out, result = run(max_concurrency=1)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to list proxy sessions of voice connector {THIRD_ID}")
    assert "access denied" in result["msg"]
    assert "proxy_sessions" not in result and "summary" not in result


def test_the_connector_listing_failing_fails_the_task(run):
    run.error("list_voice_connectors", "UnauthorizedClientException", 401, {"MaxResults": 100})
    _out, result = run()
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to list voice connectors in region us-east-1")
    assert "proxy_sessions" not in result


@pytest.mark.parametrize("option", ["proxy_session_id", "proxy_session_ids"])
def test_ids_without_a_connector_fail_before_any_request(run, option):
    _out, result = run(**{option: EXAMPLE_ID if option == "proxy_session_id" else [EXAMPLE_ID]})
    assert result["failed"] is True
    assert option in result["msg"] and "voice_connector_id" in result["msg"]
    assert run.clients == []


FILTERED = [
    on(VOICE_CONNECTOR_ID, "a", CreatedTimestamp="2026-03-01T00:00:00.000Z", Capabilities=["Voice"]),
    on(
        VOICE_CONNECTOR_ID,
        "b",
        "Closed",
        CreatedTimestamp="2026-03-15T12:00:00.000Z",
        Participants=[
            {"PhoneNumber": "+12065550111", "ProxyPhoneNumber": "+19135550100"},
            {"PhoneNumber": "+14015550101", "ProxyPhoneNumber": "+19135550100"},
        ],
    ),
    on(VOICE_CONNECTOR_ID, "c", CreatedTimestamp="2026-04-01T00:00:00.000Z", Capabilities=["SMS"]),
]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, ["a", "b", "c"]),
        ({"participant_phone_number": "+14015550101"}, ["a", "b", "c"]),
        ({"participant_phone_number": "+12065550111"}, ["b"]),
        ({"participant_phone_number": "12065550111"}, ["b"]),
        ({"participant_phone_number": "+19135550199"}, []),
        ({"proxy_phone_number": "+19135550199"}, ["a", "c"]),
        ({"capability": "SMS"}, ["b", "c"]),
        ({"capability": "Voice"}, ["a", "b"]),
        ({"created_after": "2026-03-01"}, ["a", "b", "c"]),
        ({"created_after": "2026-03-01T00:00:00.001"}, ["b", "c"]),
        ({"created_before": "2026-04-01"}, ["a", "b"]),
        ({"created_after": "2026-03-15T13:00:00+02:00", "created_before": "2026-03-15T15:00+02:00"}, ["b"]),
        ({"capability": "SMS", "created_before": "2026-04-01", "proxy_phone_number": "+19135550100"}, ["b"]),
        ({"capability": "SMS", "participant_phone_number": "+12065550100"}, ["c"]),
        # b was created at 2026-03-15T12:00:00Z exactly: each zone form below names that instant (after: at or after).
        ({"created_after": "2026-03-15T12:00:00z"}, ["b", "c"]),
        ({"created_after": "2026-03-15T17:30+05:30"}, ["b", "c"]),
        ({"created_after": "2026-03-15T17:31+05:30"}, ["c"]),
        ({"created_after": "2026-03-15T10:00-02"}, ["b", "c"]),
        ({"created_before": "2026-03-15T14:00:00+0200"}, ["a"]),
        ({"created_before": "2026-03-15T14:00:00.000001+02"}, ["a", "b"]),
        # Fractions finer than a microsecond are cut to microseconds.
        ({"created_after": "2026-03-15T12:00:00.0000009Z"}, ["b", "c"]),
        ({"created_after": "2026-03-15T12:00:00,0000019Z"}, ["c"]),
    ],
)
def test_filters_combine_with_and_on_what_the_service_sent(run, filters, expected):
    run.response("list_proxy_sessions", {"ProxySessions": FILTERED}, LIST)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, **filters)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == expected
    assert result["summary"]["total"] == len(expected)
    assert result["summary"]["by_voice_connector"] == {VOICE_CONNECTOR_ID: len(expected)}
    assert sum(result["summary"]["by_status"].values()) == len(expected)


def test_a_creation_time_that_is_not_iso8601_is_left_out_by_the_date_filters(run):
    sessions = FILTERED + [on(VOICE_CONNECTOR_ID, "d", CreatedTimestamp="Wed, 15 Apr 2026 16:10:10 GMT")]
    run.response("list_proxy_sessions", {"ProxySessions": sessions}, LIST)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, created_after="2026-01-01")
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a", "b", "c"]
    run.queue.clear()
    run.clients.clear()
    run.response("list_proxy_sessions", {"ProxySessions": sessions}, LIST)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a", "b", "c", "d"]


def test_a_filtered_out_single_session_is_an_empty_dict(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, capability="Voice")
    assert result["proxy_session"] == EXAMPLE_SNAKE
    run.queue.clear()
    run.clients.clear()
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, created_after="2021-01-01")
    assert result["proxy_session"] == {} and result["proxy_sessions"] == []
    assert result["summary"] == {
        "total": 0,
        "by_status": {"Open": 0, "InProgress": 0, "Closed": 0},
        "by_voice_connector": {VOICE_CONNECTOR_ID: 0},
        "voice_connectors_scanned": 1,
    }


@pytest.mark.parametrize(
    "args, named",
    [
        (
            {"participant_phone_number": "2065550100x"},
            "participant_phone_number (CreateProxySession ParticipantPhoneNumbers) must match the pattern",
        ),
        (
            {"participant_phone_number": "+0206"},
            "participant_phone_number (CreateProxySession ParticipantPhoneNumbers) must match",
        ),
        (
            {"proxy_phone_number": "+1 206 555 0100"},
            "proxy_phone_number (AssociatePhoneNumbersWithVoiceConnector E164PhoneNumbers) must match",
        ),
        ({"created_after": "yesterday"}, "created_after must be an ISO 8601 date"),
        ({"created_before": "2026-13-01"}, "created_before is not a valid date or time"),
        (
            {"created_after": "2026-04-02", "created_before": "2026-04-01"},
            "created_after must be earlier than created_before",
        ),
    ],
)
def test_bad_filters_fail_before_any_request(run, args, named):
    _out, result = run(**args)
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert named in result["msg"]
    assert run.clients == []


@pytest.mark.parametrize(
    "after, before",
    [
        ("2026-04-01", "2026-04-01"),
        ("2026-04-01T02:00:00+02:00", "2026-04-01T00:00:00Z"),
        ("2026-04-01T00:00:01", "2026-04-01"),
    ],
)
def test_an_empty_or_reversed_date_window_fails_before_any_request(run, after, before):
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, created_after=after, created_before=before)
    assert result["failed"] is True
    assert result["msg"] == (
        "Invalid options, nothing was sent to AWS: created_after must be earlier than created_before"
    )
    assert run.clients == []


def test_masked_numbers_keep_the_plus_and_four_digits_and_filters_use_the_real_ones(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    out, result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        proxy_session_id=EXAMPLE_ID,
        participant_phone_number="+12065550100",
        mask_phone_numbers=True,
    )
    expected = [
        {"phone_number": "+*******0100", "proxy_phone_number": "+*******0199"},
        {"phone_number": "+*******0101", "proxy_phone_number": "+*******0199"},
    ]
    assert result["proxy_session"]["participants"] == expected
    assert result["proxy_sessions"][0]["participants"] == expected
    shown = json.dumps([result["proxy_session"], result["proxy_sessions"], result["summary"]])
    for number in ("2065550100", "4015550101", "9135550199"):
        assert number not in shown


def test_the_result_says_what_the_pace_did(run):
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID)
    assert result["pace"] == [{"region": "us-east-1", "requests": 1, "throttled": 0, "rate": None}]


def test_a_throttled_read_is_sent_again_and_counted(run):
    run.error("get_proxy_session", "ThrottledClientException", 429, GET)
    run.response("get_proxy_session", {"ProxySession": EXAMPLE_SESSION}, GET)
    _out, result = run(voice_connector_id=VOICE_CONNECTOR_ID, proxy_session_id=EXAMPLE_ID, max_requests_per_second=3)
    assert result["proxy_session"] == EXAMPLE_SNAKE
    (paced,) = result["pace"]
    assert (paced["requests"], paced["throttled"]) == (2, 1) and paced["rate"] < 3
