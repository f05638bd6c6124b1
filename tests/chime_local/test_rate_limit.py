# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rate limit: a token bucket per account and region, answered as AWS does (429 ThrottledClientException).

The unit tests drive the buckets with a fake clock. On the server the buckets refill
with the wall clock, so those tests use a rate of one token in 1,000 s: what they count
does not depend on how fast the machine runs them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_helpers import raw_request
from chime_helpers import signed_request
from chime_local import demo
from chime_local.faults import RATE_LIMIT
from chime_local.faults import RATE_LIMIT_MESSAGE
from chime_local.faults import RATE_LIMITED
from chime_local.faults import FaultConfig
from chime_local.faults import FaultConfigError
from chime_local.faults import FaultInjector
from chime_local.launcher import DEMO_SEED
from chime_local.launcher import Endpoint
from chime_local.launcher import EndpointError

OWN = (demo.OWN_ACCOUNT, demo.REGION)
SLOW = 0.001  # tokens a second: a refill of one token takes 1,000 s, far longer than any test
PARTNER_CONNECTOR = "partnerproxyconnector1"  # seeds/demo.yml: in demo.SECOND_ACCOUNT only
SESSION = {"VoiceConnectorId": DEMO_CONNECTOR, "ProxySessionId": EXAMPLE_SESSION}


class FakeClock:
    """A ``time.monotonic`` stand-in that moves only when told."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _injector(rate_limit: Any, clock: FakeClock, **config: Any) -> FaultInjector:
    return FaultInjector(FaultConfig.from_dict({"rate_limit": rate_limit, **config}), clock=clock)


def _admitted(injector: FaultInjector, count: int = 1, caller: tuple[str, str] = OWN) -> list[bool]:
    return [injector.decide("GetProxySession", caller=caller).action != RATE_LIMIT for _attempt in range(count)]


def _get(client: Any, **ids: str) -> str:
    """GetProxySession (or GetVoiceConnector when only VoiceConnectorId is given); "ok" or the error code."""
    try:
        if "ProxySessionId" in ids:
            client.get_proxy_session(**ids)
        else:
            client.get_voice_connector(**ids)
    except ClientError as err:
        return str(err.response["Error"]["Code"])
    return "ok"


# ------------------------------------------------------------------ unit level
def test_a_full_bucket_admits_a_burst_of_r_then_refuses() -> None:
    injector = _injector(3, FakeClock())
    assert _admitted(injector, 5) == [True, True, True, False, False]
    refused = injector.decide("ListProxySessions", caller=OWN)
    assert (refused.status, refused.error_type, refused.error_code) == (429, "ThrottledClientException", "Throttled")
    assert refused.message == RATE_LIMIT_MESSAGE and refused.injected == RATE_LIMITED


def test_each_account_and_region_has_its_own_bucket() -> None:
    injector = _injector(2, FakeClock())
    assert _admitted(injector, 3) == [True, True, False]
    assert _admitted(injector, 3, caller=(demo.OWN_ACCOUNT, "us-west-2")) == [True, True, False]
    assert _admitted(injector, 3, caller=(demo.SECOND_ACCOUNT, demo.REGION)) == [True, True, False]
    assert _admitted(injector, 1) == [False], "the others took nothing from the first bucket"


def test_tokens_refill_at_the_rate_up_to_the_burst() -> None:
    clock = FakeClock()
    injector = _injector(2, clock)
    assert _admitted(injector, 3) == [True, True, False]
    clock.advance(0.5)
    assert _admitted(injector, 2) == [True, False]
    clock.advance(0.25)
    assert _admitted(injector) == [False], "half a token"
    clock.advance(0.25)
    assert _admitted(injector, 2) == [True, False]
    clock.advance(3600)
    assert _admitted(injector, 3) == [True, True, False], "an hour's refill is capped at the burst"


def test_a_third_of_a_second_at_three_a_second_is_a_whole_token() -> None:
    clock = FakeClock(100.0)  # from 100.0 on, each step of 1/3 s measures a little less than 1/3 s
    injector = _injector(3, clock)
    assert _admitted(injector, 4) == [True, True, True, False]
    for _step in range(6):
        clock.advance(1 / 3)
        assert _admitted(injector, 2) == [True, False]


def test_a_refused_request_takes_no_token() -> None:
    clock = FakeClock()
    injector = _injector({"rate": 1, "burst": 1}, clock)
    assert _admitted(injector) == [True]
    clock.advance(0.5)
    assert _admitted(injector) == [False]
    clock.advance(0.5)
    assert _admitted(injector) == [True], "the refused request left its half token in the bucket"


def test_a_fractional_rate() -> None:
    clock = FakeClock()
    injector = _injector(0.5, clock)
    assert injector.snapshot()["rate_limit"] == {"rate": 0.5, "burst": 1.0}
    assert _admitted(injector, 2) == [True, False]
    clock.advance(1)
    assert _admitted(injector) == [False]
    clock.advance(1)
    assert _admitted(injector, 2) == [True, False]
    clock.advance(10)
    assert _admitted(injector, 2) == [True, False], "one token at most"


def test_the_mapping_form_gives_the_bucket_another_shape() -> None:
    clock = FakeClock()
    deep = _injector({"rate": 1, "burst": 5}, clock)
    assert _admitted(deep, 6) == [True] * 5 + [False]
    clock.advance(2)
    assert _admitted(deep, 3) == [True, True, False]
    shallow = _injector({"rate": 10, "burst": 1}, clock)
    assert _admitted(shallow, 2) == [True, False]
    clock.advance(0.1)
    assert _admitted(shallow, 2) == [True, False]


def test_the_limit_decides_before_the_rules() -> None:
    clock = FakeClock()
    injector = _injector(
        {"rate": 1, "burst": 1},
        clock,
        latency_ms=10,
        rules=[{"action": "fail", "count": 2}, {"action": "delay", "latency_ms": 50}],
    )
    first = injector.decide("GetProxySession", caller=OWN)
    assert (first.error_type, first.latency_s) == ("ServiceUnavailableException", pytest.approx(0.06))
    refused = injector.decide("GetProxySession", caller=OWN)
    assert refused.injected == RATE_LIMITED
    assert refused.latency_s == pytest.approx(0.01), "the config's latency applies, no delay rule fires"
    assert [r["fired"] for r in injector.snapshot()["rules"]] == [1, 1]
    clock.advance(1)
    assert injector.decide("GetProxySession", caller=OWN).error_type == "ServiceUnavailableException"
    assert [r["fired"] for r in injector.snapshot()["rules"]] == [2, 2]


def test_replacing_the_config_starts_with_full_buckets() -> None:
    clock = FakeClock()
    config = FaultConfig.from_dict({"rate_limit": 1})
    injector = FaultInjector(config, clock=clock)
    assert _admitted(injector, 2) == [True, False]
    injector.configure(FaultConfig.from_dict({"rate_limit": 1}))
    assert _admitted(injector, 2) == [True, False]
    injector.clear()
    assert injector.snapshot()["rate_limit"] is None
    assert all(_admitted(injector, 20))


def test_requests_without_a_caller_are_not_limited() -> None:
    injector = _injector(1, FakeClock())
    assert [injector.decide("GetProxySession").action for _attempt in range(5)] == [None] * 5
    assert _admitted(injector, 2) == [True, False]


def test_a_clock_that_goes_back_refills_nothing() -> None:
    clock = FakeClock()
    injector = _injector(1, clock)
    assert _admitted(injector, 2) == [True, False]
    clock.advance(-10)
    assert _admitted(injector) == [False]
    clock.advance(10)
    assert _admitted(injector) == [False], "the time it went back is not counted twice"
    clock.advance(1)
    assert _admitted(injector, 2) == [True, False]


def test_many_threads_share_one_bucket_exactly() -> None:
    def yielding_clock() -> float:
        time.sleep(0)  # no wait: it hands the interpreter to another thread between reading and writing the bucket
        return 1000.0

    injector = FaultInjector(FaultConfig.from_dict({"rate_limit": {"rate": 1, "burst": 100}}), clock=yielding_clock)
    threads_count, per_thread = 16, 25
    barrier = threading.Barrier(threads_count)
    results: list[bool] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        mine = _admitted(injector, per_thread)
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work) for _thread in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == threads_count * per_thread
    assert results.count(True) == 100


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (5, {"rate": 5.0, "burst": 5.0}),
        (2.5, {"rate": 2.5, "burst": 2.5}),
        (0.5, {"rate": 0.5, "burst": 1.0}),
        ({"rate": 3}, {"rate": 3.0, "burst": 3.0}),
        ({"rate": 0.1, "burst": 20}, {"rate": 0.1, "burst": 20.0}),
        ({"rate": 100, "burst": 1}, {"rate": 100.0, "burst": 1.0}),
    ],
)
def test_accepted_rate_limits(value: Any, expected: dict[str, float] | None) -> None:
    assert FaultConfig.from_dict({"rate_limit": value}).to_dict()["rate_limit"] == expected


@pytest.mark.parametrize(
    "value, needle",
    [
        (0, "> 0"),
        (-1, "> 0"),
        ("5", "> 0"),
        (True, "> 0"),
        (float("nan"), "> 0"),
        (float("inf"), "> 0"),
        ([5], "> 0"),
        ({"rate": 0}, "> 0"),
        ({"rate": "1"}, "> 0"),
        ({"burst": 5}, "needs a rate"),
        ({"rate": 1, "burst": 0.5}, "burst must be a number >= 1"),
        ({"rate": 1, "burst": 0}, "burst must be a number >= 1"),
        ({"rate": 1, "burst": False}, "burst must be a number >= 1"),
        ({"rate": 1, "burst": "10"}, "burst must be a number >= 1"),
        ({"rate": 1, "bucket": 10}, "unknown rate_limit keys: ['bucket']"),
    ],
)
def test_invalid_rate_limits_are_refused(value: Any, needle: str) -> None:
    with pytest.raises(FaultConfigError, match="rate_limit") as excinfo:
        FaultConfig.from_dict({"rate_limit": value})
    assert needle in str(excinfo.value)


def test_the_flags_build_the_rate_limit_with_the_rest() -> None:
    config = FaultConfig.from_flags(latency_ms=5, throttle_share=0.5, seed=1, rate_limit=4).to_dict()
    assert config["rate_limit"] == {"rate": 4.0, "burst": 4.0} and config["latency_ms"] == 5
    assert [rule["action"] for rule in config["rules"]] == ["throttle"]
    assert FaultConfig.from_flags().to_dict()["rate_limit"] is None


# -------------------------------------------------------------- on the server
def test_botocore_reads_the_429_as_throttled_client_exception(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rate_limit": {"rate": SLOW, "burst": 2}})
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ok"]
    with pytest.raises(client.exceptions.ThrottledClientException) as excinfo:
        client.get_proxy_session(**SESSION)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["Error"]["Code"] == "ThrottledClientException"
    assert response["Error"]["Message"] == RATE_LIMIT_MESSAGE
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == "ThrottledClientException" and response["ResponseMetadata"]["RequestId"]
    assert headers["content-type"] == "application/json"
    status, headers, payload = signed_request(control.url, "GET", f"/voice-connectors/{DEMO_CONNECTOR}")
    assert status == 429 and payload == {"Code": "Throttled", "Message": RATE_LIMIT_MESSAGE}
    assert headers["x-amzn-errortype"] == "ThrottledClientException" and headers["x-amzn-requestid"]


def test_botocores_standard_retry_mode_does_not_retry_it(control: Control, make_client: Any) -> None:
    """As the README says: the model marks ThrottledClientException neither retryable nor throttling, and the
    standard mode's rule for other 429s leaves a modeled error to the model. A botocore that starts retrying it
    fails here (then update the README's Rate limit section)."""
    control.ok("PUT", "faults", {"rate_limit": {"rate": SLOW, "burst": 1}})
    client = make_client(Config(retries={"mode": "standard", "total_max_attempts": 3}))
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ThrottledClientException"]
    assert control.ok("GET", "stats")["total"] == 2, "one attempt only"


def test_buckets_per_region_and_per_account_on_the_server(control: Control, make_client: Any) -> None:
    control.ok("PUT", "faults", {"rate_limit": {"rate": SLOW, "burst": 2}})
    own = make_client()
    assert [_get(own, **SESSION) for _attempt in range(3)] == ["ok", "ok", "ThrottledClientException"]
    west = make_client(region_name="us-west-2")
    assert [_get(west, **SESSION) for _attempt in range(3)] == ["ok", "ok", "ThrottledClientException"]
    # The second account's keys, from the endpoint's STS (moto's): the backend serves them as that account,
    # which alone has the partner connector, and so does the rate limit.
    sts = boto3.client("sts", endpoint_url=control.url, region_name=demo.REGION)
    credentials = sts.assume_role(RoleArn=demo.SECOND_ACCOUNT_ROLE, RoleSessionName="rate-limit")["Credentials"]
    partner = make_client(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    partner_calls = [_get(partner, VoiceConnectorId=PARTNER_CONNECTOR) for _attempt in range(3)]
    assert partner_calls == ["ok", "ok", "ThrottledClientException"]
    # moto's documented header names the account too.
    statuses = [
        signed_request(
            control.url, "GET", f"/voice-connectors/{DEMO_CONNECTOR}", headers={"x-moto-account-id": "444455556666"}
        )[0]
        for _attempt in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert _get(own, **SESSION) == "ThrottledClientException", "the first bucket is still empty"
    stats = control.ok("GET", "stats")
    assert stats["account_regions"] == {
        f"{demo.OWN_ACCOUNT}/us-east-1": {"total": 4, "throttled": 2},
        f"{demo.OWN_ACCOUNT}/us-west-2": {"total": 3, "throttled": 1},
        f"{demo.SECOND_ACCOUNT}/us-east-1": {"total": 3, "throttled": 1},
        "444455556666/us-east-1": {"total": 3, "throttled": 1},
    }
    assert stats["total"] == 13, "STS's AssumeRole is not counted"


def test_get_faults_shows_the_rate_limit_and_bad_values_are_400(control: Control) -> None:
    assert control.ok("GET", "faults")["rate_limit"] is None
    assert control.ok("PUT", "faults", {"rate_limit": 2.5})["rate_limit"] == {"rate": 2.5, "burst": 2.5}
    assert control.ok("GET", "faults")["rate_limit"] == {"rate": 2.5, "burst": 2.5}
    shaped = control.ok("PUT", "faults", {"rate_limit": {"rate": 0.5, "burst": 4}, "latency_ms": 1})
    assert shaped["rate_limit"] == {"rate": 0.5, "burst": 4.0} and shaped["latency_ms"] == 1
    for bad, needle in [
        (0, "rate_limit must be a rate in requests a second > 0"),
        ({"rate": 1, "burst": 0.5}, "rate_limit burst must be a number >= 1"),
        ({"rate": 1, "size": 2}, "unknown rate_limit keys"),
        ("fast", "rate_limit must be a rate"),
    ]:
        status, payload = control.call("PUT", "faults", {"rate_limit": bad})
        assert status == 400 and needle in payload["error"], (bad, payload)
    assert control.ok("GET", "faults")["rate_limit"] == {"rate": 0.5, "burst": 4.0}, "a refused config changes nothing"
    assert control.ok("DELETE", "faults")["rate_limit"] is None


def test_replacing_faults_refills_the_buckets_and_a_data_reset_does_not(control: Control, client: Any) -> None:
    config = {"rate_limit": {"rate": SLOW, "burst": 1}}
    control.ok("PUT", "faults", config)
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ThrottledClientException"]
    control.ok("POST", "reset")
    assert _get(client, **SESSION) == "ThrottledClientException"
    control.ok("PUT", "faults", config)
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ThrottledClientException"]
    control.ok("DELETE", "faults")
    assert [_get(client, **SESSION) for _attempt in range(5)] == ["ok"] * 5


def test_a_seed_documents_faults_section_sets_the_rate_limit(control: Control, client: Any) -> None:
    answer = control.ok("POST", "seed", raw=f"faults:\n  rate_limit: {{rate: {SLOW}, burst: 1}}\n".encode())
    assert answer["voice_connectors"] == 0
    assert control.ok("GET", "faults")["rate_limit"] == {"rate": SLOW, "burst": 1.0}
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ThrottledClientException"]
    status, payload = control.call("POST", "seed", raw=b"faults:\n  rate_limit: -3\n")
    assert status == 400 and "rate_limit" in payload["error"]


def test_control_calls_unsigned_requests_and_other_services_are_not_limited(control: Control, client: Any) -> None:
    control.ok("PUT", "faults", {"rate_limit": {"rate": SLOW, "burst": 2}})
    assert _get(client, **SESSION) == "ok"
    sts = boto3.client("sts", endpoint_url=control.url, region_name=demo.REGION)
    for _attempt in range(5):
        assert control.ok("GET", "health") == {"status": "ok"}
        status, headers, _body = raw_request(control.url, "GET", f"/voice-connectors/{DEMO_CONNECTOR}")
        assert (status, headers["x-amzn-errortype"]) == (403, "ForbiddenException")
        assert sts.get_caller_identity()["Account"] == demo.OWN_ACCOUNT
    assert [_get(client, **SESSION), _get(client, **SESSION)] == ["ok", "ThrottledClientException"]
    stats = control.ok("GET", "stats")
    assert stats["total"] == 3
    assert stats["account_regions"] == {f"{demo.OWN_ACCOUNT}/us-east-1": {"total": 3, "throttled": 1}}


def test_stats_tell_the_limits_throttles_from_a_rules(control: Control, client: Any) -> None:
    control.ok(
        "PUT", "faults", {"rate_limit": {"rate": SLOW, "burst": 2}, "rules": [{"action": "throttle", "count": 1}]}
    )
    outcomes = [_get(client, **SESSION) for _attempt in range(4)]
    assert outcomes == ["ThrottledClientException", "ok", "ThrottledClientException", "ThrottledClientException"]
    assert control.ok("GET", "faults")["rules"][0]["fired"] == 1, "the refused requests fired no rule"
    stats = control.ok("GET", "stats")
    assert stats["outcomes"] == {"ThrottledClientException": 3, "ok": 1}
    assert stats["operations"]["GetProxySession"]["outcomes"] == {"ThrottledClientException": 3, "ok": 1}
    assert stats["injected"] == {"ThrottledClientException": 1, RATE_LIMITED: 2}
    assert stats["account_regions"] == {f"{demo.OWN_ACCOUNT}/us-east-1": {"total": 4, "throttled": 2}}
    assert stats["crashes"] == 0
    cleared = control.ok("DELETE", "stats")
    assert cleared["account_regions"] == {} and cleared["injected"] == {}


def test_the_rate_limit_flag(tmp_path: Path) -> None:
    seed = tmp_path / "faults.yml"
    seed.write_text(
        "faults:\n"
        "  rate_limit: 100\n"
        "  rules: [{action: fail, status: 500, count: 1, operations: [GetVoiceConnector]}]\n",
        encoding="utf-8",
    )
    flags = ["--rate-limit", str(SLOW), "--latency-ms", "5"]
    endpoint = Endpoint(seeds=[DEMO_SEED, seed], extra_args=flags, workdir=tmp_path)
    endpoint.start()
    try:
        own = Control(endpoint.url)
        faults = own.ok("GET", "faults")
        assert faults["rate_limit"] == {"rate": SLOW, "burst": 1.0}, "the flag wins over the seed file's"
        assert faults["latency_ms"] == 5 and [rule["action"] for rule in faults["rules"]] == ["fail"]
        client = boto3.client("chime-sdk-voice", endpoint_url=endpoint.url, region_name=demo.REGION, config=NO_RETRY)
        west = boto3.client("chime-sdk-voice", endpoint_url=endpoint.url, region_name="eu-west-1", config=NO_RETRY)
        # The flag's bucket (burst 1) admits the first request, where the seed file's rule fires; then it refuses.
        assert _get(client, VoiceConnectorId=DEMO_CONNECTOR) == "ServiceFailureException"
        assert _get(client, **SESSION) == "ThrottledClientException"
        assert _get(west, **SESSION) == "ok"
        stats = own.ok("GET", "stats")
        assert stats["injected"] == {"ServiceFailureException": 1, RATE_LIMITED: 1}
        assert stats["account_regions"] == {
            f"{demo.OWN_ACCOUNT}/us-east-1": {"total": 2, "throttled": 1},
            f"{demo.OWN_ACCOUNT}/eu-west-1": {"total": 1, "throttled": 0},
        }
    finally:
        assert endpoint.stop() == 0, endpoint.log()


@pytest.mark.parametrize("value", ["0", "-2", "inf", "fast"])
def test_a_bad_rate_limit_flag_stops_the_start(tmp_path: Path, value: str) -> None:
    with pytest.raises(EndpointError, match="--rate-limit: expected requests a second"):
        Endpoint(extra_args=["--rate-limit", value], workdir=tmp_path).start()
