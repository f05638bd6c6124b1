# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault and stats middleware on its own, around stand-in backends: crashes, drops, answers, the rate limit."""

from __future__ import annotations

import errno
import io
import json
from typing import Any
from typing import Callable
from typing import Iterable

import pytest
from chime_helpers import DEMO_CONNECTOR
from chime_local import middleware as middleware_module
from chime_local.faults import RATE_LIMIT_MESSAGE
from chime_local.faults import FaultConfig
from chime_local.faults import FaultInjector
from chime_local.middleware import ConnectionDropped
from chime_local.middleware import FaultsAndStats
from chime_local.middleware import Stats

LIST_PATH = f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions"


def _environ(path: str = LIST_PATH, query: str = "", body: bytes = b"") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }


class Recorder:
    def __init__(self) -> None:
        self.status = ""
        self.headers: dict[str, str] = {}

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status, self.headers = status, {k.lower(): v for k, v in headers}


def _backend(status: str, payload: Any) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", "backend")])
        return [json.dumps(payload).encode()]

    return app


def _crashing_backend(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise RecursionError("maximum recursion depth exceeded")


def _run(app: Callable[..., Iterable[bytes]], rules: list[dict[str, Any]] | None = None, **environ: Any) -> Any:
    stats = Stats(connections=lambda: 7)
    middleware = FaultsAndStats(app, FaultInjector(FaultConfig.from_dict({"rules": rules or []})), stats)
    recorder = Recorder()
    body = b"".join(middleware(_environ(**environ), recorder))
    return recorder, body, stats.snapshot()


def test_an_exception_is_a_counted_crash_with_a_json_500(capsys: pytest.CaptureFixture[str]) -> None:
    recorder, body, stats = _run(_crashing_backend)
    assert recorder.status == "500 Internal Server Error"
    assert recorder.headers["x-amzn-errortype"] == "ServiceFailureException" and recorder.headers["x-amzn-requestid"]
    assert "RecursionError" in json.loads(body)["Message"]
    assert stats["crashes"] == 1 and stats["crashes_by_operation"] == {"ListProxySessions": 1}
    assert stats["injected"] == {} and stats["outcomes"] == {"crash": 1}
    assert "RecursionError" in capsys.readouterr().err, "the traceback goes to the server's log"


def test_a_500_from_the_backend_is_a_crash_and_passes_through() -> None:
    recorder, body, stats = _run(_backend("500 Internal Server Error", {"Message": "boom"}))
    assert recorder.status.startswith("500") and json.loads(body) == {"Message": "boom"}
    assert stats["crashes"] == 1 and stats["injected"] == {}


def test_an_injected_500_is_not_a_crash() -> None:
    recorder, _body, stats = _run(_backend("200 OK", {}), [{"action": "fail", "status": 500}])
    assert recorder.status.startswith("500")
    assert stats["crashes"] == 0 and stats["injected"] == {"ServiceFailureException": 1}


def test_client_errors_and_successes_are_not_crashes() -> None:
    _recorder, _body, stats = _run(_backend("404 Not Found", {}))
    assert stats["crashes"] == 0 and stats["outcomes"] == {"HTTP404": 1}
    _recorder, _body, stats = _run(_backend("200 OK", {"ProxySessions": []}))
    assert stats["crashes"] == 0 and stats["outcomes"] == {"ok": 1} and stats["connections_opened"] == 0


def test_drop_raises_a_connection_reset_before_the_backend_runs() -> None:
    calls: list[str] = []

    def backend(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        calls.append(environ["PATH_INFO"])
        return _backend("200 OK", {})(environ, start_response)

    stats = Stats()
    middleware = FaultsAndStats(backend, FaultInjector(FaultConfig.from_dict({"rules": [{"action": "drop"}]})), stats)
    with pytest.raises(ConnectionResetError) as excinfo:
        middleware(_environ(), Recorder())
    # cheroot closes the connection silently only for a socket error whose first argument is a known errno.
    assert excinfo.value.errno == errno.ECONNRESET
    assert issubclass(ConnectionDropped, ConnectionResetError)
    assert calls == [] and stats.snapshot()["injected"] == {"ConnectionDropped": 1}


def test_repeat_token_only_rewrites_successful_json_answers() -> None:
    rules = [{"action": "repeat_token"}]
    _recorder, body, _stats = _run(
        _backend("200 OK", {"NextToken": "next", "ProxySessions": []}), rules, query="next-token=mine"
    )
    assert json.loads(body) == {"NextToken": "mine", "ProxySessions": []}
    recorder, body, _stats = _run(_backend("400 Bad Request", {"Message": "bad token"}), rules, query="next-token=mine")
    assert recorder.status.startswith("400") and json.loads(body) == {"Message": "bad token"}
    _recorder, body, stats = _run(_backend("200 OK", {"NextToken": "next"}), rules)
    assert json.loads(body) == {"NextToken": "next"} and stats["injected"] == {}
    recorder, _body, stats = _run(_backend("400 Bad Request", {}), rules, query="next-token=mine")
    assert stats["injected"] == {}, "a rule that changed nothing is not counted as injected"


def test_the_rate_limit_answers_before_the_backend_after_the_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    sleeps: list[float] = []
    monkeypatch.setattr(middleware_module.time, "sleep", sleeps.append)

    def backend(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        calls.append(environ["PATH_INFO"])
        return _backend("200 OK", {"ProxySessions": []})(environ, start_response)

    config = {"latency_ms": 20, "rate_limit": {"rate": 1, "burst": 1}, "rules": [{"action": "delay", "latency_ms": 30}]}
    stats = Stats()
    middleware = FaultsAndStats(
        backend,
        FaultInjector(FaultConfig.from_dict(config), clock=lambda: 0.0),
        stats,
        caller_of=lambda environ: ("123456789012", "eu-west-1"),
    )
    first, second = Recorder(), Recorder()
    b"".join(middleware(_environ(), first))
    body = b"".join(middleware(_environ(), second))
    assert first.status == "200 OK" and calls == [LIST_PATH], "the refused request never reached the backend"
    assert second.status == "429 Too Many Requests"
    assert second.headers["x-amzn-errortype"] == "ThrottledClientException" and second.headers["x-amzn-requestid"]
    assert json.loads(body) == {"Code": "Throttled", "Message": RATE_LIMIT_MESSAGE}
    assert sleeps == [pytest.approx(0.05), pytest.approx(0.02)], "the throttled answer waits the config's latency"
    snapshot = stats.snapshot()
    assert snapshot["outcomes"] == {"ok": 1, "ThrottledClientException": 1}
    assert snapshot["injected"] == {"RateLimited": 1}
    assert snapshot["account_regions"] == {"123456789012/eu-west-1": {"total": 2, "throttled": 1}}


def test_requests_without_a_caller_are_not_counted_per_account() -> None:
    _recorder, _body, stats = _run(_backend("200 OK", {}))
    assert stats["total"] == 1 and stats["account_regions"] == {}


def test_a_failing_account_lookup_leaves_the_request_unlimited(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(environ: dict[str, Any]) -> tuple[str, str]:
        raise KeyError("no such account")

    stats = Stats()
    injector = FaultInjector(FaultConfig.from_dict({"rate_limit": {"rate": 1, "burst": 1}}), clock=lambda: 0.0)
    middleware = FaultsAndStats(_backend("200 OK", {}), injector, stats, caller_of=broken)
    recorders = [Recorder() for _attempt in range(3)]
    for recorder in recorders:
        b"".join(middleware(_environ(), recorder))
    assert [r.status for r in recorders] == ["200 OK"] * 3
    assert stats.snapshot()["account_regions"] == {} and stats.snapshot()["crashes"] == 0
    assert "no such account" in capsys.readouterr().err


def test_max_in_flight_per_account_and_region_and_across_a_reset() -> None:
    east, west = ("123456789012", "us-east-1"), ("123456789012", "us-west-2")
    stats = Stats()
    stats.begin(east)
    stats.begin(east)
    stats.begin(west)
    stats.begin()  # no caller: counted in all only
    assert stats.snapshot()["max_in_flight_by_account_region"] == {
        "123456789012/us-east-1": 2,
        "123456789012/us-west-2": 1,
    }
    stats.end("GetProxySession", "ok", caller=east)
    stats.end("GetProxySession", "ok", caller=west)
    stats.reset()
    # One request of east is still in progress: it is the new maximum until more come.
    assert stats.snapshot()["max_in_flight_by_account_region"] == {"123456789012/us-east-1": 1}
    assert stats.snapshot()["max_in_flight"] == 2
    stats.begin(east)
    stats.end("GetProxySession", "ok", caller=east)
    stats.end("GetProxySession", "ok", caller=east)
    stats.end("GetProxySession", "ok")
    snapshot = stats.snapshot()
    assert snapshot["max_in_flight_by_account_region"] == {"123456789012/us-east-1": 2}
    assert snapshot["in_flight"] == 0
    stats.reset()
    assert stats.snapshot()["max_in_flight_by_account_region"] == {} and stats.snapshot()["max_in_flight"] == 0
