# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data and stand-ins shared by the unit tests: the AWS example, a fake module, a pool-aware Stubber.

Every request a test expects and every canned response is validated by botocore against AWS's
chime-sdk-voice model, so a test cannot pass on a call or a response shape AWS would refuse.
"""

import copy
import threading
import time

import botocore.session
from botocore.exceptions import StubAssertionError
from botocore.stub import Stubber

VOICE_CONNECTOR_ID = "abcdef1ghij2klmno3pqr4"
EXAMPLE_ID = "123a4bc5-67d8-901e-2f3g-h4ghjk56789l"

# The output of the AWS CLI page's example, `aws chime get-proxy-session`, as documented.
EXAMPLE_SESSION = {
    "VoiceConnectorId": VOICE_CONNECTOR_ID,
    "ProxySessionId": EXAMPLE_ID,
    "Status": "Open",
    "ExpiryMinutes": 60,
    "Capabilities": ["SMS", "Voice"],
    "CreatedTimestamp": "2020-04-15T16:10:10.288Z",
    "UpdatedTimestamp": "2020-04-15T16:10:10.288Z",
    "Participants": [
        {"PhoneNumber": "+12065550100", "ProxyPhoneNumber": "+19135550199"},
        {"PhoneNumber": "+14015550101", "ProxyPhoneNumber": "+19135550199"},
    ],
}

EXAMPLE_SNAKE = {
    "voice_connector_id": VOICE_CONNECTOR_ID,
    "proxy_session_id": EXAMPLE_ID,
    "status": "Open",
    "expiry_minutes": 60,
    "capabilities": ["SMS", "Voice"],
    "created_timestamp": "2020-04-15T16:10:10.288Z",
    "updated_timestamp": "2020-04-15T16:10:10.288Z",
    "participants": [
        {"phone_number": "+12065550100", "proxy_phone_number": "+19135550199"},
        {"phone_number": "+14015550101", "proxy_phone_number": "+19135550199"},
    ],
}


def session(proxy_session_id, status="Open", **extra):
    """A ProxySession like the example, with another id and status."""
    item = copy.deepcopy(EXAMPLE_SESSION)
    item.update(ProxySessionId=proxy_session_id, Status=status, **extra)
    return item


class FakeModule:
    """What chime_client reads of an AnsibleAWSModule: its params, and fail_json for connection errors."""

    _name = "telephony.chime.chime_proxy_session_info"

    def __init__(self, **params):
        self.params = {
            "region": "us-east-1",
            "access_key": "AKIAIOSFODNN7EXAMPLE",
            "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "session_token": None,
            "profile": None,
            "endpoint_url": None,
            "validate_certs": True,
            "aws_ca_bundle": None,
            "aws_config": None,
            "max_requests_per_second": None,
            "throttle_timeout": 300.0,
        }
        self.params.update(params)

    def fail_json(self, **kwargs):
        raise AssertionError(f"fail_json called: {kwargs}")


class PoolStubber(Stubber):
    """A Stubber for calls made from a thread pool: a response is matched by its expected parameters,
    not by its place in the queue, and the most calls in flight at once is recorded."""

    def __init__(self, client, hold=0.01):
        super().__init__(client)
        self._lock = threading.Lock()
        self._hold = hold
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls = []

    def _assert_expected_params(self, model, params, context, **kwargs):
        """Choose the queued response whose expected parameters are this call's (API) parameters."""
        with self._lock:
            self.calls.append(params.get("ProxySessionId"))
            for index, queued in enumerate(self._queue):
                if queued["operation_name"] == model.name and queued["expected_params"] == params:
                    del self._queue[index]
                    context["pool_stubber_response"] = queued["response"]
                    return
        raise StubAssertionError(operation_name=model.name, reason=f"no response queued for {params}")

    def _get_response_handler(self, model, params, context, **kwargs):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(self._hold)
        with self._lock:
            self.in_flight -= 1
        return context.pop("pool_stubber_response")


class FakeClock:
    """The pace's clock in unit tests: sleeping moves its time on at once, so no test waits for a pace (thread-safe).

    slept lists every sleep asked for, in order.
    """

    def __init__(self, start=1000.0):
        self._lock = threading.Lock()
        self.time = start
        self.slept = []

    def now(self):
        with self._lock:
            return self.time

    def sleep(self, seconds):
        with self._lock:
            self.slept.append(seconds)
            self.time += max(seconds, 0.0)

    def advance(self, seconds):
        with self._lock:
            self.time += seconds


def _organizations_account_members():
    return botocore.session.get_session().get_service_model("organizations").shape_for("Account").members


# Whether the installed botocore's Organizations model gives an account's State (AccountState); the floor's (1.34)
# gives only Status, and the Stubber refuses an answer the model does not allow.
ACCOUNT_HAS_STATE = "State" in _organizations_account_members()


def account_state(state):
    """An account's state as the installed botocore's Organizations answers it: State, or Status where the model has
    no State yet (the modules read either)."""
    return {"State": state} if ACCOUNT_HAS_STATE else {"Status": state}
