# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: real chime-sdk-voice clients behind botocore's Stubber.

Every request a test expects and every canned response is validated by botocore against AWS's
chime-sdk-voice model, so a test cannot pass on a call or a response shape AWS would refuse.
"""

import pytest
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils import chime
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule


@pytest.fixture
def model():
    return chime.ChimeModel()


@pytest.fixture
def client(model):
    """A chime-sdk-voice client built by the module's own chime_client."""
    return chime.chime_client(FakeModule(), model)


@pytest.fixture
def stubber(client):
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def sleeps(monkeypatch):
    """Record AWSRetry's back-off sleeps instead of sleeping."""
    recorded = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", recorded.append)
    return recorded
