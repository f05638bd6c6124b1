# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault and latency rehearsal: every rule action, share, count, per-operation, latency, stats, crashes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionClosedError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import MODEL
from chime_helpers import Control
from chime_helpers import signed_request
from chime_local import demo
from chime_local.faults import FaultConfig
from chime_local.faults import FaultConfigError
from chime_local.faults import FaultInjector
from chime_local.middleware import NEXT_TOKEN_PARAMETER


def _get(client: Any) -> str:
    """GetProxySession on the example; returns "ok" or the error code."""
    try:
        client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    except ClientError as err:
        return str(err.response["Error"]["Code"])
    return "ok"


def _list(client: Any) -> str:
    try:
        client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)
    except ClientError as err:
        return str(err.response["Error"]["Code"])
    return "ok"


# ------------------------------------------------------------------ unit level
def test_count_rules_fire_exactly_n_times_in_order() -> None:
    injector = FaultInjector(
        FaultConfig.from_dict(
            {"rules": [{"action": "throttle", "count": 2}, {"action": "fail", "status": 500, "count": 1}]}
        )
    )
    outcomes = [injector.decide("GetProxySession").error_type for _attempt in range(5)]
    assert outcomes == ["ThrottledClientException"] * 2 + ["ServiceFailureException", None, None]
    assert [r["remaining"] for r in injector.snapshot()["rules"]] == [0, 0]


def test_later_pages_rules_leave_first_pages_alone() -> None:
    injector = FaultInjector(FaultConfig.from_dict({"rules": [{"action": "drop", "count": 1, "later_pages": True}]}))
    first_pages = [injector.decide("ListProxySessions", has_next_token=False).action for _attempt in range(3)]
    later = [injector.decide("ListProxySessions", has_next_token=True).action for _attempt in range(2)]
    assert first_pages == [None, None, None]
    assert later == ["drop", None]
    assert injector.snapshot()["rules"][0]["later_pages"] is True


def test_share_is_seeded_and_roughly_right() -> None:
    config = {"seed": 42, "rules": [{"action": "fail", "share": 0.3}]}
    runs = []
    for _attempt in range(2):
        injector = FaultInjector(FaultConfig.from_dict(config))
        runs.append([injector.decide("ListProxySessions").status for _attempt in range(2000)])
    assert runs[0] == runs[1]
    assert 500 < runs[0].count(503) < 700
    never = FaultInjector(FaultConfig.from_dict({"rules": [{"action": "throttle", "share": 0}]}))
    assert all(never.decide("X").status is None for _attempt in range(100))


def test_operations_filter_and_delay_rules() -> None:
    injector = FaultInjector(
        FaultConfig.from_dict(
            {
                "latency_ms": 5,
                "rules": [
                    {"action": "delay", "latency_ms": 20, "operations": ["ListProxySessions"]},
                    {"action": "throttle", "operations": "GetProxySession"},
                ],
            }
        )
    )
    listing = injector.decide("ListProxySessions")
    assert listing.status is None and listing.latency_s == pytest.approx(0.025)
    getting = injector.decide("GetProxySession")
    assert getting.status == 429 and getting.latency_s == pytest.approx(0.005)


def test_injected_errors_match_the_model() -> None:
    injector = FaultInjector(
        FaultConfig.from_dict(
            {
                "rules": [
                    {"action": "throttle", "count": 1},
                    {"action": "fail", "status": 500, "count": 1},
                    {"action": "fail", "count": 1},
                ]
            }
        )
    )
    for _attempt in range(3):
        decision = injector.decide("GetProxySession")
        assert MODEL.shape_for(decision.error_type).metadata["error"]["httpStatusCode"] == decision.status
        assert decision.error_code in MODEL.shape_for("ErrorCode").enum


@pytest.mark.parametrize(
    "config",
    [
        {"rules": [{"action": "explode"}]},
        {"rules": [{"action": "throttle", "share": 1.5}]},
        {"rules": [{"action": "throttle", "count": -1}]},
        {"rules": [{"action": "fail", "status": 502}]},
        {"rules": [{"action": "bad_gateway", "status": 500}]},
        {"rules": [{"action": "drop", "latency_ms": 5}]},
        {"rules": [{"action": "throttle", "operations": [1]}]},
        {"rules": [{"action": "delay"}]},
        {"rules": [{"action": "throttle", "typo": 1}]},
        {"latency": 5},
        {"latency_ms": -1},
        {"rules": [{"action": "drop", "later_pages": "yes"}]},
        {"rate_limit": 0},
        {"rate_limit": {"rate": 2, "burst": 0.5}},
        {"rate_limit": "10/s"},
    ],
)
def test_invalid_configs_are_refused(config: dict[str, Any]) -> None:
    with pytest.raises(FaultConfigError):
        FaultConfig.from_dict(config)


# -------------------------------------------------------------- on the server
def test_count_then_recovery(control: Control, client: Any) -> None:
    control.ok(
        "PUT",
        "faults",
        {
            "rules": [
                {"action": "throttle", "count": 2},
                {"action": "fail", "status": 503, "count": 1},
                {"action": "fail", "status": 500, "count": 1},
            ]
        },
    )
    outcomes = [_get(client) for _attempt in range(5)]
    assert outcomes == ["ThrottledClientException"] * 2 + [
        "ServiceUnavailableException",
        "ServiceFailureException",
        "ok",
    ]
    assert [r["remaining"] for r in control.ok("GET", "faults")["rules"]] == [0, 0, 0]
    stats = control.ok("GET", "stats")
    assert stats["operations"]["GetProxySession"]["outcomes"] == {
        "ThrottledClientException": 2,
        "ServiceUnavailableException": 1,
        "ServiceFailureException": 1,
        "ok": 1,
    }
    assert stats["injected"] == {
        "ThrottledClientException": 2,
        "ServiceUnavailableException": 1,
        "ServiceFailureException": 1,
    }


def test_status_codes_on_the_wire(control: Control, client: Any) -> None:
    control.ok(
        "PUT", "faults", {"rules": [{"action": "throttle", "count": 1}, {"action": "fail", "status": 500, "count": 1}]}
    )
    codes = []
    for _attempt in range(2):
        with pytest.raises(ClientError) as excinfo:
            client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
        codes.append(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])
    assert codes == [429, 500]


def test_per_operation_faults(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "throttle", "operations": ["ListProxySessions"]}]})
    assert [_get(client), _list(client), _get(client), _list(client)] == [
        "ok",
        "ThrottledClientException",
        "ok",
        "ThrottledClientException",
    ]
    control.ok("DELETE", "faults")
    assert _list(client) == "ok"
    assert control.ok("GET", "faults")["rules"] == []


def test_share_on_the_server_is_reproducible(control: Control, client: Any) -> None:
    runs = []
    for _attempt in range(2):
        control.ok("PUT", "faults", {"seed": 7, "rules": [{"action": "throttle", "share": 0.5}]})
        runs.append([_get(client) for _attempt in range(40)])
    assert runs[0] == runs[1]
    assert 8 <= runs[0].count("ThrottledClientException") <= 32


def test_other_services_and_control_calls_are_not_faulted(control: Control, make_client: Any) -> None:
    import boto3  # pylint: disable=import-outside-toplevel

    control.ok("PUT", "faults", {"rules": [{"action": "fail"}]})
    sts = boto3.client("sts", endpoint_url=control.url, region_name="us-east-1")
    assert sts.get_caller_identity()["Account"] == "123456789012"
    assert _get(make_client()) == "ServiceUnavailableException"
    assert control.ok("GET", "stats")["total"] == 1


def _run_in_threads(work: Any, clients: list[Any]) -> list[str]:
    """Run ``work(client)`` in one thread per client; the outcomes, for assertions in the main thread."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(client: Any) -> None:
        try:
            result = work(client)
        except Exception as err:  # pylint: disable=broad-exception-caught  # reported in the main thread
            result = repr(err)
        with lock:
            outcomes.extend(result if isinstance(result, list) else [result])

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _all_at_once(control: Control, clients: list[Any]) -> dict[str, Any]:
    """A GetProxySession of every client, all sent at the same moment and each held 300 ms; the stats after them."""
    control.ok("PUT", "faults", {"latency_ms": 300})
    barrier = threading.Barrier(len(clients))

    def work(client: Any) -> str:
        barrier.wait()
        return _get(client)

    assert _run_in_threads(work, clients) == ["ok"] * len(clients)
    return control.ok("GET", "stats")


def test_latency_overlaps_and_max_in_flight_is_reported(control: Control, make_client: Any) -> None:
    stats = _all_at_once(control, [make_client() for _client_number in range(5)])
    # All five were in the server at once: the injected latency does not serialise requests.
    assert stats["max_in_flight"] == 5 and stats["in_flight"] == 0
    assert control.ok("DELETE", "stats")["max_in_flight"] == 0


def test_max_in_flight_proves_a_pool_bound(control: Control, make_client: Any) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "delay", "latency_ms": 30, "operations": ["GetProxySession"]}]})
    pool = 3
    outcomes = _run_in_threads(
        lambda client: [_get(client) for _attempt in range(4)], [make_client() for _c in range(pool)]
    )
    assert outcomes == ["ok"] * pool * 4
    stats = control.ok("GET", "stats")
    assert stats["operations"]["GetProxySession"]["total"] == pool * 4
    assert 2 <= stats["max_in_flight"] <= pool


def test_max_in_flight_per_account_and_region(control: Control, make_client: Any) -> None:
    """Three requests at once in one region and two in another: the most in flight of each, and of all five."""
    clients = [make_client() for _n in range(3)] + [make_client(region_name="us-west-2") for _n in range(2)]
    stats = _all_at_once(control, clients)
    assert stats["max_in_flight"] == 5
    assert stats["max_in_flight_by_account_region"] == {
        f"{demo.OWN_ACCOUNT}/us-east-1": 3,
        f"{demo.OWN_ACCOUNT}/us-west-2": 2,
    }
    assert control.ok("DELETE", "stats")["max_in_flight_by_account_region"] == {}


def test_max_in_flight_per_account_and_region_proves_each_pool_bound(control: Control, make_client: Any) -> None:
    """A pool of 2 per region, 4 requests a thread: each region's most in flight is its pool, whatever the total."""
    control.ok("PUT", "faults", {"latency_ms": 30})
    clients = [make_client(region_name=region) for region in ("us-east-1", "us-west-2", "eu-west-1") for _n in range(2)]
    outcomes = _run_in_threads(lambda client: [_get(client) for _attempt in range(4)], clients)
    assert outcomes == ["ok"] * 24
    stats = control.ok("GET", "stats")
    by_region = stats["max_in_flight_by_account_region"]
    assert set(by_region) == {f"{demo.OWN_ACCOUNT}/{r}" for r in ("us-east-1", "us-west-2", "eu-west-1")}
    assert all(1 <= n <= 2 for n in by_region.values()), by_region
    assert max(by_region.values()) <= stats["max_in_flight"] <= 6


def test_bad_fault_config_over_http(control: Control) -> None:
    status, payload = control.call("PUT", "faults", {"rules": [{"action": "throttle", "share": 2}]})
    assert status == 400 and "share" in payload["error"]
    status, payload = control.call("PUT", "faults", raw=b"not json")
    assert status == 400


def test_seed_faults_section(control: Control, client: Any) -> None:
    control.ok(
        "POST", "seed", raw=b"faults:\n  rules:\n    - {action: throttle, count: 1, operations: [GetProxySession]}\n"
    )
    assert [_get(client), _get(client)] == ["ThrottledClientException", "ok"]


# ------------------------------------------------ the faults issue 8's tests need
def test_injected_errors_carry_the_rest_json_headers(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "fail", "status": 503, "count": 1}]})
    with pytest.raises(ClientError) as excinfo:
        client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    response = excinfo.value.response
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == "ServiceUnavailableException"
    assert headers["content-type"] == "application/json" and response["ResponseMetadata"]["RequestId"]
    assert "injected" in response["Error"]["Message"]


def test_drop_closes_the_connection_without_an_answer(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "drop", "count": 1, "operations": ["ListProxySessions"]}]})
    with pytest.raises(ConnectionClosedError, match="Connection was closed before we received a valid response"):
        client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)
    assert _list(client) == "ok", "the rule is spent; the client reconnects"
    stats = control.ok("GET", "stats")
    assert stats["injected"] == {"ConnectionDropped": 1}
    assert stats["operations"]["ListProxySessions"]["outcomes"] == {"ConnectionDropped": 1, "ok": 1}
    assert stats["crashes"] == 0


def test_bad_gateway_is_an_html_502_without_an_error_type(control: Control, endpoint: str) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "bad_gateway", "count": 1}]})
    status, headers, body = signed_request(
        endpoint, "GET", f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions", parse=False
    )
    assert status == 502
    assert headers["content-type"].startswith("text/html") and b"502 Bad Gateway" in body
    assert "x-amzn-errortype" not in headers and "x-amzn-requestid" not in headers
    assert control.ok("GET", "stats")["injected"] == {"BadGateway": 1}


def test_bad_gateway_reaches_botocore_as_a_502(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rules": [{"action": "bad_gateway", "count": 1}]})
    with pytest.raises(ClientError) as excinfo:
        client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
    assert _list(client) == "ok"


def test_repeat_token_sends_the_requests_own_token_back(control: Control, client: Any) -> None:
    first = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, MaxResults=1)
    token = first["NextToken"]
    control.ok("PUT", "faults", {"rules": [{"action": "repeat_token", "count": 1}]})
    # A first page (no token sent) is not touched, and does not spend the rule.
    assert client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, MaxResults=1)["NextToken"] == token
    second = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, MaxResults=1, NextToken=token)
    assert second["NextToken"] == token
    assert second["ProxySessions"] and second["ProxySessions"] != first["ProxySessions"], "the page itself is real"
    third = client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, MaxResults=1, NextToken=token)
    assert third.get("NextToken") != token, "the rule is spent"
    stats = control.ok("GET", "stats")
    assert stats["injected"] == {"RepeatedNextToken": 1}
    assert stats["operations"]["ListProxySessions"]["outcomes"] == {"ok": 4}


def test_answering_rules_win_over_repeat_token() -> None:
    injector = FaultInjector(
        FaultConfig.from_dict({"rules": [{"action": "repeat_token", "count": 1}, {"action": "drop", "count": 1}]})
    )
    first, second, third = (injector.decide("ListProxySessions", has_next_token=True) for _attempt in range(3))
    assert (first.action, second.action, third.action) == ("drop", "repeat_token", None)
    assert (first.injected, second.injected) == ("ConnectionDropped", "RepeatedNextToken")


def test_the_model_sends_every_next_token_as_the_parameter_the_middleware_reads() -> None:
    places = set()
    for name in MODEL.operation_names:
        shape = MODEL.operation_model(name).input_shape
        if shape is not None and "NextToken" in shape.members:
            serialization = shape.members["NextToken"].serialization
            places.add((serialization.get("location"), serialization.get("name")))
    assert places == {("querystring", NEXT_TOKEN_PARAMETER)}
