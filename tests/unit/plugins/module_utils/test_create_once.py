# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CreateProxySession is never sent twice for one session: after an answer that may hide a created session (no
answer at all, or a server fault), the session is looked for before the create is sent again.

The answers come from below botocore's parser (tests/unit/plugins/module_utils/test_retries.py's Wire), so the
connection errors and the gateway's HTML page are what botocore itself raises and parses.
"""

import botocore.exceptions
import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule
from ansible_collections.telephony.chime.tests.unit.plugins.module_utils.test_retries import URL
from ansible_collections.telephony.chime.tests.unit.plugins.module_utils.test_retries import Wire


@pytest.fixture
def client():
    return chime_client(FakeModule(), ChimeModel())


@pytest.fixture
def wire(client):
    wire = Wire(client)
    yield wire
    assert wire.script == [], "every scripted answer was used"


@pytest.fixture
def sleeps(monkeypatch):
    recorded = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", recorded.append)
    return recorded


CREATE = {"Name": "x", "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"], "Capabilities": ["Voice"]}
FOUND = {**EXAMPLE_SESSION, "ProxySessionId": "created-before-the-fault"}


class Lookup:
    """The module's look-up by name and participants: answers in turn, and counts how often it was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.answers.pop(0)


def create(client, lookup):
    return proxy_sessions.create_proxy_session(client, VOICE_CONNECTOR_ID, CREATE, lookup)


UNANSWERED = {
    "502 gateway HTML page": lambda w: w.html(502),
    "ServiceFailureException 500": lambda w: w.json(500, {"Message": "x"}, "ServiceFailureException"),
    "ServiceUnavailableException 503": lambda w: w.json(503, {"Message": "x"}, "ServiceUnavailableException"),
    "closed before a response": lambda w: w.error(botocore.exceptions.ConnectionClosedError(endpoint_url=URL)),
    "read timeout": lambda w: w.error(botocore.exceptions.ReadTimeoutError(endpoint_url=URL)),
}


@pytest.mark.parametrize("answer", UNANSWERED, ids=list(UNANSWERED))
def test_after_an_unanswered_create_the_session_found_is_returned_and_no_second_create_is_sent(
    client, wire, sleeps, answer
):
    UNANSWERED[answer](wire)
    lookup = Lookup(FOUND)
    assert create(client, lookup) == FOUND
    assert len(wire.requests) == 1, "one CreateProxySession, never a second"
    assert lookup.calls == 1


@pytest.mark.parametrize("answer", UNANSWERED, ids=list(UNANSWERED))
def test_after_an_unanswered_create_that_created_nothing_the_create_is_sent_again(client, wire, sleeps, answer):
    UNANSWERED[answer](wire)
    wire.json(201, {"ProxySession": EXAMPLE_SESSION})
    lookup = Lookup(None)
    assert create(client, lookup) == EXAMPLE_SESSION
    assert len(wire.requests) == 2
    assert lookup.calls == 1


def test_a_throttled_create_was_not_carried_out_and_is_sent_again_without_a_lookup(client, wire, sleeps):
    wire.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException")
    wire.json(201, {"ProxySession": EXAMPLE_SESSION})
    lookup = Lookup()
    assert create(client, lookup) == EXAMPLE_SESSION
    assert len(wire.requests) == 2
    assert lookup.calls == 0


def test_after_a_fault_every_later_attempt_looks_first_even_after_a_throttle(client, wire, sleeps):
    wire.html(502)
    wire.json(429, {"Message": "Rate exceeded"}, "ThrottledClientException")
    wire.json(201, {"ProxySession": EXAMPLE_SESSION})
    lookup = Lookup(None, None)
    assert create(client, lookup) == EXAMPLE_SESSION
    assert len(wire.requests) == 3
    assert lookup.calls == 2


@pytest.mark.parametrize("code, status", [("BadRequestException", 400), ("ForbiddenException", 403)])
def test_a_refused_create_fails_at_once_without_a_lookup(client, wire, sleeps, code, status):
    wire.json(status, {"Message": "no"}, code)
    lookup = Lookup()
    with pytest.raises(errors.AnsibleChimeError) as failure:
        create(client, lookup)
    assert len(wire.requests) == 1
    assert lookup.calls == 0
    assert failure.value.message.startswith(
        f"Failed to create proxy session 'x' on voice connector {VOICE_CONNECTOR_ID}"
    )
