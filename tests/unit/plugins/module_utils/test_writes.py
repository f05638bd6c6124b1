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


def nothing_yet():
    raise AssertionError("a create that was answered never looks for an earlier one")


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
    assert proxy_sessions.create_proxy_session(client, VOICE_CONNECTOR_ID, create, nothing_yet) == EXAMPLE_SESSION
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


PUT = {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"], "Disabled": True}
CREATE = {"Name": "x", "ParticipantPhoneNumbers": ["+12065550100", "+14015550101"], "Capabilities": ["Voice"]}
# Each write helper, the request it sends, and the words its failure starts with (the resource it names).
WRITES = {
    "put_voice_connector_proxy": (
        lambda client: voice_connector_proxy.put_voice_connector_proxy(client, VOICE_CONNECTOR_ID, PUT),
        {**VC, **PUT},
        f"Failed to put the proxy configuration of voice connector {VOICE_CONNECTOR_ID}",
        "chime:PutVoiceConnectorProxy",
    ),
    "delete_voice_connector_proxy": (
        lambda client: voice_connector_proxy.delete_voice_connector_proxy(client, VOICE_CONNECTOR_ID),
        VC,
        f"Failed to delete the proxy configuration of voice connector {VOICE_CONNECTOR_ID}",
        "chime:DeleteVoiceConnectorProxy",
    ),
    "create_proxy_session": (
        lambda client: proxy_sessions.create_proxy_session(client, VOICE_CONNECTOR_ID, CREATE, nothing_yet),
        {**VC, **CREATE},
        f"Failed to create proxy session 'x' on voice connector {VOICE_CONNECTOR_ID}",
        "chime:CreateProxySession",
    ),
    "update_proxy_session": (
        lambda client: proxy_sessions.update_proxy_session(
            client, VOICE_CONNECTOR_ID, EXAMPLE_ID, {"Capabilities": ["SMS"]}
        ),
        {**IDS, "Capabilities": ["SMS"]},
        f"Failed to update proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}",
        "chime:UpdateProxySession",
    ),
    "delete_proxy_session": (
        lambda client: proxy_sessions.delete_proxy_session(client, VOICE_CONNECTOR_ID, EXAMPLE_ID),
        IDS,
        f"Failed to delete proxy session {EXAMPLE_ID} of voice connector {VOICE_CONNECTOR_ID}",
        "chime:DeleteProxySession",
    ),
}


@pytest.mark.parametrize(
    "operation, code, status",
    [(operation, "ForbiddenException", 403) for operation in sorted(WRITES)]
    + [(operation, "BadRequestException", 400) for operation in sorted(WRITES)]
    + [("put_voice_connector_proxy", "AccessDeniedException", 403)],  # declared by Put only
)
def test_the_whole_message_of_a_refused_write(client, stubber, operation, code, status):
    """What a user reads: the resource, the end of support, and the IAM action of this very write (403)."""
    write, params, start, action = WRITES[operation]
    stubber.add_client_error(operation, code, http_status_code=status, expected_params=params)
    with pytest.raises(AnsibleChimeError) as failure:
        write(client)
    if status == 403:
        cause = f"the principal lacks the IAM action {action}"
    else:
        cause = "the request does not suit the resource as it is now"
    assert failure.value.message == f"{start} (AWS refused the write: {writes.END_OF_SUPPORT}, or {cause})"
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
