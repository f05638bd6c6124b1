# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write helpers (_chime/writes.py, the writes of voice_connector_proxy.py and proxy_sessions.py) through a
real chime-sdk-voice client and botocore's Stubber."""

import botocore.exceptions
import pytest
from ansible.module_utils.common import warnings
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import proxy_sessions
from ansible_collections.telephony.chime.plugins.module_utils._chime import retries
from ansible_collections.telephony.chime.plugins.module_utils._chime import voice_connector_proxy
from ansible_collections.telephony.chime.plugins.module_utils._chime import writes
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import DeprecationNotices
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SESSION
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule

VC = {"VoiceConnectorId": VOICE_CONNECTOR_ID}
IDS = {**VC, "ProxySessionId": EXAMPLE_ID}


@pytest.fixture
def model():
    return ChimeModel()


@pytest.fixture
def client(model):
    return chime_client(FakeModule(), model)


@pytest.fixture
def stubber(client):
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def test_every_write_operation_declares_the_codes_a_refused_write_names(model):
    """The words for refused writes are only for codes that AWS's model declares for these operations."""
    for operation in [
        "PutVoiceConnectorProxy",
        "DeleteVoiceConnectorProxy",
        "CreateProxySession",
        "UpdateProxySession",
        "DeleteProxySession",
    ]:
        declared = {shape.name for shape in model.service_model.operation_model(operation).error_shapes}
        assert {"ForbiddenException", "BadRequestException"} <= declared, operation
    put = {shape.name for shape in model.service_model.operation_model("PutVoiceConnectorProxy").error_shapes}
    assert "AccessDeniedException" in put


def test_put_sends_the_members_and_returns_the_proxy(client, stubber):
    members = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": True}
    answer = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberCountries": ["US"], "Disabled": True}
    stubber.add_response("put_voice_connector_proxy", {"Proxy": answer}, {**VC, **members})
    assert voice_connector_proxy.put_voice_connector_proxy(client, VOICE_CONNECTOR_ID, members) == answer


def test_delete_of_a_configuration_says_whether_there_was_one(client, stubber):
    stubber.add_response("delete_voice_connector_proxy", {}, VC)
    stubber.add_client_error(
        "delete_voice_connector_proxy", "NotFoundException", http_status_code=404, expected_params=VC
    )
    assert voice_connector_proxy.delete_voice_connector_proxy(client, VOICE_CONNECTOR_ID) is True
    assert voice_connector_proxy.delete_voice_connector_proxy(client, VOICE_CONNECTOR_ID) is False


def test_session_writes_send_their_members(client, stubber):
    create = {"Name": "x", "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"], "Capabilities": ["Voice"]}
    stubber.add_response("create_proxy_session", {"ProxySession": EXAMPLE_SESSION}, {**VC, **create})
    stubber.add_response("update_proxy_session", {"ProxySession": EXAMPLE_SESSION}, {**IDS, "Capabilities": ["SMS"]})
    stubber.add_response("delete_proxy_session", {}, IDS)
    stubber.add_client_error("delete_proxy_session", "NotFoundException", http_status_code=404, expected_params=IDS)
    assert proxy_sessions.create_proxy_session(client, VOICE_CONNECTOR_ID, create) == EXAMPLE_SESSION
    assert proxy_sessions.update_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID, {"Capabilities": ["SMS"]})
    assert proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) is True
    assert proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID) is False


@pytest.mark.parametrize(
    "code, status, words",
    [
        ("ForbiddenException", 403, "the principal lacks the IAM action chime:DeleteProxySession"),
        ("BadRequestException", 400, "the request does not suit the resource as it is now"),
    ],
)
def test_a_refused_write_says_so_and_names_the_session(client, stubber, code, status, words):
    stubber.add_client_error("delete_proxy_session", code, http_status_code=status, expected_params=IDS)
    with pytest.raises(AnsibleChimeError) as failure:
        proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    message = failure.value.message
    assert message.startswith(f"Failed to delete proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID} (")
    assert writes.END_OF_SUPPORT in message
    assert words in message
    assert failure.value.exception.response["Error"]["Code"] == code


def test_other_failures_keep_the_common_cause(client, stubber):
    stubber.add_client_error(
        "delete_proxy_session", "UnauthorizedClientException", http_status_code=401, expected_params=IDS
    )
    with pytest.raises(AnsibleChimeError) as failure:
        proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert "the credentials were not accepted" in failure.value.message
    assert "2026-04-07" not in failure.value.message


def test_a_notice_is_shown_once_per_operation(model):
    warnings._global_warnings.clear()
    notices = DeprecationNotices(model)
    for operation in ["DeleteProxySession", "GetProxySession", "DeleteProxySession", "DeleteProxySession"]:
        notices.show(operation)
    shown = [str(w) for w in warnings.get_warning_messages()]
    warnings._global_warnings.clear()
    assert len(shown) == 2
    assert shown[0].startswith("DeleteProxySession (chime-sdk-voice): ")
    assert model.deprecation("DeleteProxySession") in shown[0]
    assert shown[1].startswith("GetProxySession (chime-sdk-voice): ")


def test_a_write_that_never_reached_the_service_is_not_called_refused(client, monkeypatch):
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda seconds: None)
    attempts = []

    def unreachable(request, **kwargs):
        attempts.append(request.url)
        raise botocore.exceptions.EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register("before-send.chime-sdk-voice", unreachable)
    with pytest.raises(AnsibleChimeError) as failure:
        proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID)
    assert len(attempts) == retries.CONNECTION_ATTEMPTS
    assert "the endpoint could not be reached after every retry" in failure.value.message
    assert "2026-04-07" not in failure.value.message
