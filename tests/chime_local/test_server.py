# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command: start, banner, --url-file, flags, keep-alive, concurrency, routing, the caller, clean stop."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_helpers import raw_request
from chime_helpers import signed_request
from chime_local import demo
from chime_local.launcher import Endpoint
from chime_local.launcher import EndpointError
from chime_local.server import EndpointApp
from chime_local.server import chime_caller


def _client(url: str, config: Config = NO_RETRY) -> Any:
    return boto3.client("chime-sdk-voice", endpoint_url=url, region_name=demo.REGION, config=config)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_start_flags_and_clean_stop(tmp_path: Path, sig: int) -> None:
    seed = tmp_path / "seed.yml"
    seed.write_text(
        "voice_connectors:\n"
        "  - VoiceConnectorId: flagsflagsflagsflags01\n"
        "    Proxy: {DefaultSessionExpiryMinutes: 5, PhoneNumberPoolCountries: [US]}\n"
        "faults:\n"
        "  rules: [{action: fail, status: 500, count: 1, operations: [GetVoiceConnector]}]\n",
        encoding="utf-8",
    )
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    flags = ["--latency-ms", "50", "--throttle-share", "1", "--fault-seed", "3", "--advance-clock", "600"]
    endpoint = Endpoint(seeds=[seed], extra_args=flags, workdir=tmp_path, cwd=cwd)
    endpoint.start()
    try:
        assert endpoint.banner == f"Chime SDK Voice endpoint: {endpoint.url}"
        assert endpoint.url.startswith("http://127.0.0.1:")
        assert endpoint.url_file.read_text() == f"{endpoint.url}\n"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".endpoint.url.")], "written atomically"
        control = Control(endpoint.url)
        faults = control.ok("GET", "faults")
        assert faults["latency_ms"] == 50 and faults["seed"] == 3
        assert [(r["action"], r.get("status")) for r in faults["rules"]] == [("fail", 500), ("throttle", 429)]
        assert control.ok("GET", "clock")["offset_seconds"] == 600
        client = _client(endpoint.url)
        errors = []
        for _attempt in range(2):
            try:
                client.get_voice_connector(VoiceConnectorId="flagsflagsflagsflags01")
            except client.exceptions.ClientError as err:
                errors.append(err.response["Error"]["Code"])
        assert errors == ["ServiceFailureException", "ThrottledClientException"]
        # The demo data is not loaded when --seed is given.
        control.ok("DELETE", "faults")
        connectors = client.list_voice_connectors()["VoiceConnectors"]
        assert [c["VoiceConnectorId"] for c in connectors] == ["flagsflagsflagsflags01"]
    finally:
        assert endpoint.stop(sig) == 0, endpoint.log()


def test_bad_seed_file_fails_to_start(tmp_path: Path) -> None:
    seed = tmp_path / "bad.yml"
    seed.write_text("connectors: []\n", encoding="utf-8")
    with pytest.raises(EndpointError, match="unknown seed keys"):
        Endpoint(seeds=[seed], workdir=tmp_path).start()


def test_sequential_requests_reuse_one_connection(control: Control) -> None:
    client = _client(control.url)
    client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)  # connects
    before = control.ok("GET", "stats")["connections_opened"]
    for _attempt in range(50):
        client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    stats = control.ok("GET", "stats")
    assert stats["operations"]["GetProxySession"]["total"] == 51
    # The only new connection is the control call's own (urllib opens one per call).
    assert stats["connections_opened"] - before == 1


def test_a_pool_of_ten_opens_at_most_ten_connections(control: Control) -> None:
    client = _client(control.url, Config(retries={"total_max_attempts": 1}, max_pool_connections=10))
    control.ok("PUT", "faults", {"rules": [{"action": "delay", "latency_ms": 20}]})
    before = control.ok("GET", "stats")["connections_opened"]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _attempt in range(10):
                client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
        except Exception as err:  # pylint: disable=broad-exception-caught  # reported in the main thread
            errors.append(err)

    threads = [threading.Thread(target=work) for _thread in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stats = control.ok("GET", "stats")
    assert stats["operations"]["GetProxySession"]["total"] == 100
    assert 2 <= stats["connections_opened"] - before <= 10 + 1  # the pool's, plus the control call's


def test_many_concurrent_connections_are_served_at_once(control: Control) -> None:
    control.ok("PUT", "faults", {"latency_ms": 200})
    clients = [_client(control.url) for _client_number in range(24)]
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def work(client: Any) -> None:
        barrier.wait()
        try:
            session = client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
            results.append(session["ProxySession"]["Status"])
        except Exception as err:  # pylint: disable=broad-exception-caught  # reported in the main thread
            results.append(repr(err))

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["Open"] * 24
    assert control.ok("GET", "stats")["max_in_flight"] >= 12


def test_unsigned_requests_to_chime_paths_get_a_json_403(control: Control) -> None:
    for method, path in [
        ("GET", f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions"),
        ("GET", "/phone-numbers"),
        ("POST", "/sip-media-applications"),
        ("DELETE", f"/voice-connectors/{DEMO_CONNECTOR}/programmable-numbers/proxy"),
    ]:
        status, headers, body = raw_request(control.url, method, path, b'{"x": 1}' if method == "POST" else b"")
        assert (status, headers["x-amzn-errortype"]) == (403, "ForbiddenException"), (method, path, body)
        assert headers["content-type"] == "application/json" and headers["x-amzn-requestid"]
        assert "signed" in json.loads(body)["Message"]
    stats = control.ok("GET", "stats")
    assert stats["total"] == 0, "unsigned requests never reach the backend"
    # The data is untouched: the unsigned DELETE did not remove the proxy configuration.
    proxy = _client(control.url).get_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)
    assert proxy["Proxy"]["DefaultSessionExpiryMinutes"] == 60


def test_other_moto_services_share_the_port(control: Control) -> None:
    sts = boto3.client("sts", endpoint_url=control.url, region_name=demo.REGION)
    assert sts.get_caller_identity()["Account"] == "123456789012"
    assert control.ok("GET", "stats")["total"] == 0, "only Chime requests are counted"


@pytest.mark.parametrize(
    "method, path, status, error_type",
    [
        ("GET", "/sip-rules", 501, "NotImplementedException"),
        ("GET", "/sip-media-applications", 501, "NotImplementedException"),
        ("GET", "/no-such-resource", 404, "UnknownOperationException"),
    ],
)
def test_requests_signed_for_chime_get_a_json_answer_on_any_path(
    control: Control, method: str, path: str, status: int, error_type: str
) -> None:
    got_status, headers, payload = signed_request(control.url, method, path)
    assert (got_status, headers.get("x-amzn-errortype", "").split(":")[0]) == (status, error_type)
    assert isinstance(payload, dict) and payload["Message"]
    stats = control.ok("GET", "stats")
    assert stats["total"] == 1 and stats["crashes"] == 0


def _account_of(access_key: str | None, account_header: str | None) -> str:
    """A stand-in for moto_shim.account_id that shows what it was given."""
    return f"key={access_key} header={account_header}"


def _authorization(scope: str) -> str:
    return f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host;x-amz-date, Signature=0123abcd"


@pytest.mark.parametrize(
    "environ, caller",
    [
        (
            {"HTTP_AUTHORIZATION": _authorization("AKIAIOSFODNN7EXAMPLE/20260407/eu-west-1/chime/aws4_request")},
            ("key=AKIAIOSFODNN7EXAMPLE header=None", "eu-west-1"),
        ),
        (
            {
                "HTTP_AUTHORIZATION": _authorization("ASIAQWERTYUIOPASDFGH/20260407/us-west-2/chime/aws4_request"),
                "HTTP_X_MOTO_ACCOUNT_ID": "444455556666",
            },
            ("key=ASIAQWERTYUIOPASDFGH header=444455556666", "us-west-2"),
        ),
        # A presigned URL: the region is its scope's; moto does not read its key (the account is moto's default).
        (
            {"QUERY_STRING": "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260407%2Fap-south-1%2Fchime%2Faws4_request"},
            ("key=None header=None", "ap-south-1"),
        ),
        ({"HTTP_AUTHORIZATION": _authorization("AKIAIOSFODNN7EXAMPLE/20260407/us-east-1/sts/aws4_request")}, None),
        ({"HTTP_AUTHORIZATION": _authorization("AKIAIOSFODNN7EXAMPLE/us-east-1/chime")}, None),
        ({"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Signature=0"}, None),
        ({}, None),
    ],
)
def test_the_caller_is_the_account_moto_serves_and_the_scopes_region(
    environ: dict[str, str], caller: tuple[str, str] | None
) -> None:
    assert chime_caller(environ, _account_of) == caller


def test_signed_requests_carry_the_account_moto_would_find() -> None:
    """moto's own search for a key's account walks every account's IAM backend: the server sets moto's documented
    x-moto-account-id header from its remembered lookup, so that moto skips it."""
    seen: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(dict(environ))
        start_response("200 OK", [])
        return [b""]

    looked_up: list[tuple[str | None, str | None]] = []

    def account_of(key: str | None, header: str | None) -> str:
        looked_up.append((key, header))
        return "210987654321"

    endpoint = EndpointApp(control=app, chime=app, moto=app, services={"sts": app}, account_of=account_of)
    signed = "AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/us-east-1/{}/aws4_request, Signature=x"
    for service, extra in (("chime", {}), ("sts", {}), ("iam", {}), ("chime", {"HTTP_X_MOTO_ACCOUNT_ID": "1"})):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_AUTHORIZATION": signed.format(service), **extra}
        list(endpoint(environ, lambda *args: None))
    list(endpoint({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *args: None))  # unsigned: not touched
    assert [e.get("HTTP_X_MOTO_ACCOUNT_ID") for e in seen] == ["210987654321"] * 3 + ["1", None]
    assert looked_up == [("ASIAKEY", None)] * 3


def test_a_failed_account_lookup_leaves_the_request_to_moto(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(dict(environ))
        start_response("200 OK", [])
        return [b""]

    def broken(key: str | None, header: str | None) -> str:
        raise RuntimeError("moto moved")

    endpoint = EndpointApp(control=app, chime=app, moto=app, account_of=broken)
    auth = "AWS4-HMAC-SHA256 Credential=AKIAKEY/20260101/us-east-1/iam/aws4_request, Signature=x"
    list(endpoint({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_AUTHORIZATION": auth}, lambda *args: None))
    assert len(seen) == 1 and "HTTP_X_MOTO_ACCOUNT_ID" not in seen[0]
    assert "moto moved" in capsys.readouterr().err
