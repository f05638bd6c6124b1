# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command: start, banner, --url-file, flags, keep-alive with TCP_NODELAY, concurrency, clean stop."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_helpers import ServerProcess


def _client(url: str, **kwargs: Any) -> Any:
    return boto3.client("chime-sdk-voice", endpoint_url=url, region_name="us-east-1", config=NO_RETRY, **kwargs)


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
    proc = ServerProcess(
        tmp_path, "--seed", str(seed), "--latency-ms", "50", "--throttle-share", "1", "--fault-seed", "3", cwd=cwd
    )
    try:
        assert proc.banner == f"Chime SDK Voice endpoint: {proc.url}"
        assert proc.url.startswith("http://127.0.0.1:") and proc.url_file.read_text() == f"{proc.url}\n"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".url.")], "the URL file is written atomically"
        faults = Control(proc.url).ok("GET", "faults")
        assert faults["latency_ms"] == 50 and faults["seed"] == 3
        assert [(r["action"], r.get("status")) for r in faults["rules"]] == [("fail", 500), ("throttle", 429)]
        client = _client(proc.url)
        errors = []
        for _attempt in range(2):
            try:
                client.get_voice_connector(VoiceConnectorId="flagsflagsflagsflags01")
            except client.exceptions.ClientError as err:
                errors.append(err.response["Error"]["Code"])
        assert errors == ["ServiceFailureException", "ThrottledClientException"]
        # The demo data is not loaded when --seed is given.
        Control(proc.url).ok("DELETE", "faults")
        assert [c["VoiceConnectorId"] for c in client.list_voice_connectors()["VoiceConnectors"]] == [
            "flagsflagsflagsflags01"
        ]
    finally:
        assert proc.stop(sig) == 0


def test_bad_seed_file_fails_to_start(tmp_path: Path) -> None:
    seed = tmp_path / "bad.yml"
    seed.write_text("connectors: []\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="unknown seed keys"):
        ServerProcess(tmp_path, "--seed", str(seed))


def test_keep_alive_with_tcp_nodelay(control: Control) -> None:
    client = _client(control.url)
    client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)  # connect
    before = control.ok("GET", "stats")["connections_opened"]
    started = time.monotonic()
    for _attempt in range(50):
        client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    elapsed = time.monotonic() - started
    # Nagle + delayed ACK would cost ~40 ms per request (>= 2 s for 50); new connections would show here.
    assert elapsed < 1.0, f"50 keep-alive requests took {elapsed:.2f} s"
    assert control.ok("GET", "stats")["connections_opened"] - before == 1  # only this control call's connection


def test_many_concurrent_connections(control: Control) -> None:
    control.ok("PUT", "faults", {"latency_ms": 100})
    clients = [_client(control.url) for _attempt in range(24)]
    results: list[str] = []

    def work(client: Any) -> None:
        for _attempt in range(2):
            session = client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
            results.append(session["ProxySession"]["Status"])

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["Open"] * 48
    assert time.monotonic() - started < 2.4  # 48 x 100 ms serialised would be 4.8 s
    assert control.ok("GET", "stats")["max_in_flight"] >= 12
