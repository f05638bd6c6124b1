# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helpers: control API client, SigV4-signed raw requests, model-based output checks.

The output checker is written independently of the backend's validator on purpose.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.model import Shape

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "tools" / "chime_local" / "server.py"
DEMO_SEED = REPO / "tools" / "chime_local" / "seeds" / "demo.yml"
MODEL = botocore.session.get_session().get_service_model("chime-sdk-voice")
DEMO_CONNECTOR = "abcdef1ghij2klmno3pqr4"
EMPTY_CONNECTOR = "zyxwvu9tsrq8ponml7kjih"
EXAMPLE_SESSION = "123a4bc5-67d8-901e-2f3g-h4ghjk56789l"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
NO_VALIDATION = Config(retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False)


class ServerProcess:
    """``server.py`` in a subprocess; ``url`` once it wrote its --url-file."""

    def __init__(self, tmp: Path, *args: str, cwd: Path | None = None) -> None:
        self.url_file = tmp / "url"
        self.log = tmp / "server.log"
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(SERVER), "--port", "0", "--url-file", str(self.url_file), *args],
            stdout=subprocess.PIPE,
            stderr=self.log.open("w"),
            cwd=str(cwd or tmp),
            text=True,
        )
        deadline = time.monotonic() + 30
        while not self.url_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {self.log.read_text()}")
            time.sleep(0.02)
        self.url = self.url_file.read_text().strip()
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline().strip()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


class Control:
    """The endpoint's control API (``/_chime_local/...``)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, resource: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(f"{self.url}/_chime_local/{resource}", data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def ok(self, method: str, resource: str, body: Any = None, raw: bytes | None = None) -> Any:
        status, payload = self.call(method, resource, body, raw)
        assert status == 200, payload
        return payload


def signed_request(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """Send a SigV4-signed (service ``chime``) request; return status, headers, parsed JSON (or None)."""
    data = json.dumps(body).encode() if body is not None else b""
    request = AWSRequest(method=method, url=f"{url}{path}", data=data, headers=dict(headers or {}))
    if body is not None:
        request.headers["Content-Type"] = "application/json"
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret"), "chime", region).add_auth(request)
    prepared = request.prepare()
    http_request = urllib.request.Request(
        prepared.url, data=data or None, method=method, headers=dict(prepared.headers)
    )
    try:
        with urllib.request.urlopen(http_request, timeout=30) as reply:
            status, reply_headers, text = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as err:
        status, reply_headers, text = err.code, dict(err.headers), err.read()
    return status, {k.lower(): v for k, v in reply_headers.items()}, json.loads(text) if text else None


def output_problems(operation: str, payload: Any) -> list[str]:
    """Everything in a raw JSON response that the model's output shape does not allow."""
    problems: list[str] = []
    shape = MODEL.operation_model(operation).output_shape
    if shape is None:
        if payload not in (None, {}):
            problems.append(f"{operation} has no output shape but returned {payload!r}")
        return problems
    _check(shape, payload, operation, problems)
    return problems


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {value!r}")
            return
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
            else:
                _check(shape.members[key], item, f"{path}.{key}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {value!r}")
            return
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string, got {value!r}")
            return
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in {shape.enum}")
        pattern = shape.metadata.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            problems.append(f"{path}: {value!r} does not match {pattern}")
        if not shape.metadata.get("min", 0) <= len(value) <= shape.metadata.get("max", len(value)):
            problems.append(f"{path}: length {len(value)} outside the model's bounds")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected an integer, got {value!r}")
        elif value < shape.metadata.get("min", value):
            problems.append(f"{path}: {value} below the model's minimum")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean, got {value!r}")
    elif kind == "timestamp":
        if not isinstance(value, str) or not ISO_MS.match(value):
            problems.append(f"{path}: {value!r} is not ISO 8601 with milliseconds and Z")
    else:
        problems.append(f"{path}: unexpected shape type {kind}")
