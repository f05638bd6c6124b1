# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helpers: the demo ids, control API client, SigV4-signed raw requests, model-based output checks.

The output checker is written independently of the backend's validator on purpose.
"""

from __future__ import annotations

import json
import re
import sys
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
if str(REPO / "tools") not in sys.path:
    sys.path.insert(0, str(REPO / "tools"))

from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position

MODEL = botocore.session.get_session().get_service_model("chime-sdk-voice")
DEMO_CONNECTOR = demo.DEMO_CONNECTOR
EMPTY_CONNECTOR = demo.EMPTY_CONNECTOR
EXAMPLE_SESSION = demo.EXAMPLE_SESSION
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
NO_VALIDATION = Config(retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False)


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
            with err:
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
    parse: bool = True,
) -> tuple[int, dict[str, str], Any]:
    """Send a SigV4-signed (service ``chime``) request; status, headers, parsed JSON (or None; bytes if not parse)."""
    data = json.dumps(body).encode() if body is not None else b""
    request = AWSRequest(method=method, url=f"{url}{path}", data=data, headers=dict(headers or {}))
    if body is not None:
        request.headers["Content-Type"] = "application/json"
    SigV4Auth(Credentials(demo.ACCESS_KEY, demo.SECRET_KEY), "chime", region).add_auth(request)
    prepared = request.prepare()
    http_request = urllib.request.Request(
        prepared.url, data=data or None, method=method, headers=dict(prepared.headers)
    )
    try:
        with urllib.request.urlopen(http_request, timeout=30) as reply:
            status, reply_headers, text = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as err:
        with err:
            status, reply_headers, text = err.code, dict(err.headers), err.read()
    lower = {k.lower(): v for k, v in reply_headers.items()}
    if not parse:
        return status, lower, text
    return status, lower, json.loads(text) if text else None


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


def raw_request(
    url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send a request as given (unsigned unless the headers sign it); status, lower-case headers, body."""
    request = urllib.request.Request(f"{url}{path}", data=body or None, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()
