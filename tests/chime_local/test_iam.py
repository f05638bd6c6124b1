# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM enforcement (--enforce-iam): chime:<Operation> actions, allow and deny, the model's error codes."""

from __future__ import annotations

from typing import Any
from typing import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EXAMPLE_SESSION
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_helpers import raw_request
from chime_local import demo
from chime_local import iam
from chime_local.launcher import Endpoint


@pytest.fixture(scope="module")
def iam_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    endpoint = Endpoint(extra_args=["--enforce-iam"], workdir=tmp_path_factory.mktemp("iam"))
    endpoint.start()
    yield endpoint.url
    assert endpoint.stop() == 0, endpoint.log()


def _client(url: str, principal: dict[str, str]) -> Any:
    return boto3.client(
        "chime-sdk-voice",
        endpoint_url=url,
        region_name=demo.REGION,
        aws_access_key_id=principal["AccessKeyId"],
        aws_secret_access_key=principal["SecretAccessKey"],
        config=NO_RETRY,
    )


def _denied(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as excinfo:
        call()
    return excinfo.value.response


def test_allowed_principal_can_get_and_list_only(iam_server: str) -> None:
    reader = iam.create_principal(iam_server, "reader", iam.chime_policy("GetProxySession", "ListProxySessions"))
    client = _client(iam_server, reader)
    session = client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)["ProxySession"]
    assert session["ProxySessionId"] == EXAMPLE_SESSION
    assert client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR, Status="Open", MaxResults=1)["ProxySessions"]
    response = _denied(
        lambda: client.delete_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    )
    # The model declares ForbiddenException (403) for the proxy session operations.
    assert response["Error"]["Code"] == "ForbiddenException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "chime:DeleteProxySession" in response["Error"]["Message"]


def test_principal_without_policy_is_denied(iam_server: str) -> None:
    client = _client(iam_server, iam.create_principal(iam_server, "nobody", None))
    for call in (
        lambda: client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION),
        lambda: client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR),
    ):
        response = _denied(call)
        assert response["Error"]["Code"] == "ForbiddenException"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert "user/nobody is not authorized to perform: chime:" in response["Error"]["Message"]


def test_explicit_deny_wins(iam_server: str) -> None:
    policy = iam.chime_policy("GetProxySession", "ListProxySessions")
    policy["Statement"].append(iam.chime_policy("GetProxySession", effect="Deny")["Statement"][0])
    client = _client(iam_server, iam.create_principal(iam_server, "denied", policy))
    assert client.list_proxy_sessions(VoiceConnectorId=DEMO_CONNECTOR)["ProxySessions"]
    response = _denied(
        lambda: client.get_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    )
    assert response["Error"]["Code"] == "ForbiddenException"


def test_put_voice_connector_proxy_denial_is_access_denied(iam_server: str) -> None:
    client = _client(
        iam_server, iam.create_principal(iam_server, "proxy-reader", iam.chime_policy("GetVoiceConnectorProxy"))
    )
    assert client.get_voice_connector_proxy(VoiceConnectorId=DEMO_CONNECTOR)["Proxy"]
    response = _denied(
        lambda: client.put_voice_connector_proxy(
            VoiceConnectorId=DEMO_CONNECTOR, DefaultSessionExpiryMinutes=5, PhoneNumberPoolCountries=["US"]
        )
    )
    # The one operation whose model declares AccessDeniedException.
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDeniedException", 403)


def test_unsigned_requests_get_a_json_403_with_iam_enforced(iam_server: str) -> None:
    status, headers, body = raw_request(iam_server, "GET", f"/voice-connectors/{DEMO_CONNECTOR}/proxy-sessions")
    assert (status, headers["x-amzn-errortype"], headers["content-type"]) == (
        403,
        "ForbiddenException",
        "application/json",
    )
    assert b"signed" in body


def test_unknown_keys_and_the_admin(iam_server: str) -> None:
    stranger = {"AccessKeyId": demo.ACCESS_KEY, "SecretAccessKey": demo.SECRET_KEY}
    response = _denied(lambda: _client(iam_server, stranger).list_voice_connectors())
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "UnrecognizedClientException",
        403,
    )
    admin = iam.admin_credentials(iam_server)
    assert admin == iam.admin_credentials(iam_server)  # stable across calls
    assert _client(iam_server, admin).list_voice_connectors()["VoiceConnectors"]


def test_admin_endpoint_is_off_without_enforcement(control: Control) -> None:
    status, payload = control.call("GET", "iam/admin")
    assert status == 404 and "--enforce-iam" in payload["error"]


def test_a_path_with_an_encoded_plus_is_signed_as_sent(iam_server: str) -> None:
    """GetPhoneNumber's id is an E.164 number: botocore sends "/phone-numbers/%2B12065550188". The server must check
    the signature over the path as sent, not as decoded (it once answered InvalidSignatureException)."""
    principal = iam.create_principal(iam_server, "number-reader", iam.chime_policy("GetPhoneNumber"))
    client = _client(iam_server, principal)
    assert client.get_phone_number(PhoneNumberId="+12065550188")["PhoneNumber"]["E164PhoneNumber"] == "+12065550188"
    assert (
        _denied(lambda: client.delete_phone_number(PhoneNumberId="+12065550188"))["Error"]["Code"]
        == "ForbiddenException"
    )
