# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each failure class against the local endpoint: retried or not, how many requests, how long.

Runs the collection's own helpers (the retry layer with its real sleeps, a real client) against the endpoint's
fault rules, counts the requests the endpoint saw, and prints a table (docs/docsite/rst/failures.rst states the
bounds this measures). `make failure-classes` runs it; about a minute, most of it the persistent cases' back-off and
the 4 seconds of throttle_timeout that persistent throttling waits for.
Exits non-zero when a class does not behave as documented (request counts only: times are printed, never checked).
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path
from typing import Any
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import iam  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import launcher  # noqa: E402  # pylint: disable=wrong-import-position


class ConnectionOptions:
    """What amazon.aws's get_aws_connection_info reads of a module."""

    _name = "failure_classes"

    def __init__(self, endpoint_url: str, access_key: str = demo.ACCESS_KEY, secret_key: str = demo.SECRET_KEY):
        self.params = {
            "region": demo.REGION,
            "access_key": access_key,
            "secret_key": secret_key,
            "session_token": None,
            "profile": None,
            "endpoint_url": endpoint_url,
            "validate_certs": True,
            "aws_ca_bundle": None,
            "aws_config": None,
            "max_requests_per_second": None,
            # Throttled for good fails when nothing has got through for this long (the modules' default is 300).
            "throttle_timeout": 4.0,
        }

    def fail_json(self, **kwargs: Any) -> None:
        raise SystemExit(f"fail_json: {kwargs}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", required=True, help="the folder that holds ansible_collections/")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.tree)
    # pylint: disable=import-outside-toplevel
    from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
    from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
    from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
    from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import get_proxy_session
    from ansible_collections.telephony.chime.plugins.module_utils._chime.proxy_sessions import list_proxy_sessions

    model = ChimeModel()
    rows: list[tuple[str, str, int, int, float, str]] = []
    problems: list[str] = []

    def measure(
        name: str, endpoint: launcher.Endpoint | None, client: Any, call: Callable[[Any], Any], expected: int
    ) -> None:
        requests_expected = expected
        if endpoint is not None:
            endpoint.control("DELETE", "stats")
        started = time.monotonic()
        try:
            found = call(client)
            outcome = "succeeded" if found else "succeeded, empty result"
        except AnsibleChimeError as error:
            cause = error.message.partition(" (")[2].rstrip(")") or error.message
            code = (getattr(error.exception, "response", None) or {}).get("Error", {}).get("Code")
            outcome = f"failed at once: {code}" if requests_expected == 1 else f"failed: {cause[:70]}"
            if requests_expected == 1 and code is None:
                outcome = f"failed: {cause[:70]}"
        elapsed = time.monotonic() - started
        requests = -1
        if endpoint is not None:
            _status, stats = endpoint.control("GET", "stats")
            requests = stats["total"]
        rows.append((name, outcome, requests, expected, elapsed, ""))
        if endpoint is not None and requests != expected:
            problems.append(f"{name}: {requests} requests, expected {expected}")

    def get(client: Any) -> Any:
        return get_proxy_session(client, demo.DEMO_CONNECTOR, demo.EXAMPLE_SESSION)

    def listing(client: Any) -> Any:
        return list_proxy_sessions(client, demo.DEMO_CONNECTOR)

    seed = {"generate": [{"voice_connector_id": demo.DEMO_CONNECTOR, "count": 250, "id_prefix": "fc-"}]}
    with launcher.Endpoint() as endpoint:
        client = chime_client(ConnectionOptions(endpoint.url), model)
        endpoint.control("POST", "seed", seed)
        cases: list[tuple[str, list[dict[str, Any]], Callable[[Any], Any], int]] = [
            ("throttled once (429)", [{"action": "throttle", "count": 1}], get, 2),
            ("503 once", [{"action": "fail", "status": 503, "count": 1}], get, 2),
            ("500 once", [{"action": "fail", "status": 500, "count": 1}], get, 2),
            ("gateway HTML 502 once", [{"action": "bad_gateway", "count": 1}], get, 2),
            ("connection dropped once", [{"action": "drop", "count": 1}], get, 2),
            (
                "listing of 3 pages, page 2 dropped and 502",
                [
                    {"action": "drop", "count": 1, "later_pages": True},
                    {"action": "bad_gateway", "count": 1, "later_pages": True},
                ],
                listing,
                5,
            ),
            # The pace halves its rate with each throttled answer: requests at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s; the
            # next turn (5.1 s) is past the 4 s throttle_timeout.
            ("throttled for good", [{"action": "throttle"}], get, 6),
            ("503 for good", [{"action": "fail", "status": 503}], get, 10),
            ("gateway HTML 502 for good", [{"action": "bad_gateway"}], get, 10),
            ("connection dropped for good", [{"action": "drop"}], get, 3),
            ("NextToken repeated on page 2", [{"action": "repeat_token", "count": 1}], listing, 2),
        ]
        for name, rules, call, expected in cases:
            endpoint.control("PUT", "faults", {"rules": rules})
            # A client (and its pace) per case, as each task of a module has: a pace that nothing got through for
            # fails every later request at once, which is right within a task, not across them.
            client = chime_client(ConnectionOptions(endpoint.url), model)
            measure(name, endpoint, client, call, expected)
        endpoint.control("DELETE", "faults")
        client = chime_client(ConnectionOptions(endpoint.url), model)
        measure(
            "400 BadRequestException (an id of 129 characters)",
            endpoint,
            client,
            lambda c: get_proxy_session(c, demo.DEMO_CONNECTOR, "x" * 129),
            1,
        )
        measure(
            "404 NotFoundException",
            endpoint,
            client,
            lambda c: get_proxy_session(c, demo.DEMO_CONNECTOR, "no-such-session"),
            1,
        )
    with launcher.Endpoint(extra_args=["--enforce-iam"]) as endpoint:
        nobody = iam.create_principal(endpoint.url, "nobody", None)
        denied = chime_client(ConnectionOptions(endpoint.url, nobody["AccessKeyId"], nobody["SecretAccessKey"]), model)
        measure("403 ForbiddenException (IAM denial)", endpoint, denied, get, 1)
        unknown = chime_client(ConnectionOptions(endpoint.url, "AKIAUNKNOWNKEY000000", "x" * 40), model)
        measure("403 with a key IAM does not know", endpoint, unknown, get, 1)
    refused = chime_client(ConnectionOptions(f"http://127.0.0.1:{free_port()}"), model)
    measure("connection refused (nothing listens)", None, refused, get, 3)

    print(f"{'failure class':58} {'requests':>8} {'seconds':>8}  outcome")
    for name, outcome, requests, _expected, elapsed, _note in rows:
        shown = "n/a" if requests < 0 else str(requests)
        print(f"{name:58} {shown:>8} {elapsed:8.2f}  {outcome}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
