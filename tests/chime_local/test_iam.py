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


# ------------------------------------------------------------------ Organizations and STS (the organisation)
def _service(url: str, service: str, principal: dict[str, str]) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=demo.REGION,
        aws_access_key_id=principal["AccessKeyId"],
        aws_secret_access_key=principal["SecretAccessKey"],
        aws_session_token=principal.get("SessionToken"),
        config=NO_RETRY,
    )


def _discover(org: Any) -> dict[str, str]:
    """Every account of the organisation and its path, with the six operations the collection uses."""
    root = org.list_roots()["Roots"][0]["Id"]
    paths: dict[str, str] = {}
    parents = [(root, "Root")]
    while parents:
        parent, path = parents.pop()
        for page in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
            paths.update({account["Id"]: path for account in page["Accounts"]})
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            parents += [(unit["Id"], f"{path}/{unit['Name']}") for unit in page["OrganizationalUnits"]]
    for account, path in paths.items():
        parent = org.list_parents(ChildId=account)["Parents"][0]
        if parent["Type"] == "ORGANIZATIONAL_UNIT":
            unit = org.describe_organizational_unit(OrganizationalUnitId=parent["Id"])["OrganizationalUnit"]
            assert path.endswith(f"/{unit['Name']}")
    assert {a["Id"] for page in org.get_paginator("list_accounts").paginate() for a in page["Accounts"]} == set(paths)
    return paths


def test_the_organisations_statement_allows_discovery(iam_server: str) -> None:
    principal = iam.create_principal(iam_server, "org-discovery", iam.organizations_policy())
    paths = _discover(_service(iam_server, "organizations", principal))
    assert paths == {
        demo.MANAGEMENT_ACCOUNT: "Root",
        demo.SECOND_ACCOUNT: "Root/Telephony",
        demo.PROD_ACCOUNT: "Root/Telephony/Prod",
        demo.SUSPENDED_ACCOUNT: "Root/Sandbox",
    }


@pytest.mark.parametrize("missing", iam.ORGANIZATIONS_DISCOVERY)
def test_each_discovery_operation_is_needed(iam_server: str, missing: str) -> None:
    allowed = [op for op in iam.ORGANIZATIONS_DISCOVERY if op != missing]
    principal = iam.create_principal(iam_server, f"org-without-{missing}", iam.organizations_policy(*allowed))
    response = _denied(lambda: _discover(_service(iam_server, "organizations", principal)))
    # Organizations' JSON protocol error, as AWS answers it (moto's own answer is XML botocore cannot read).
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDeniedException", 400)
    assert f"user/org-without-{missing} is not authorized to perform: organizations:{missing}" in (
        response["Error"]["Message"]
    )


def test_organizations_credential_errors_are_json(iam_server: str) -> None:
    principal = iam.create_principal(iam_server, "org-keys", iam.organizations_policy())
    unknown = {"AccessKeyId": "AKIAUNKNOWNUNKNOWN00", "SecretAccessKey": "x"}
    for keys, code in (
        (unknown, "UnrecognizedClientException"),
        ({**principal, "SecretAccessKey": "wrong"}, "InvalidSignatureException"),
    ):
        response = _denied(lambda keys=keys: _service(iam_server, "organizations", keys).list_roots())
        assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (code, 400)


def test_member_roles_are_assumed_through_sts_assume_role(iam_server: str) -> None:
    policy = iam.combined_policy(iam.organizations_policy(), iam.service_policy("sts", "AssumeRole"))
    principal = iam.create_principal(iam_server, "org-auditor", policy)
    sts = _service(iam_server, "sts", principal)
    audit = sts.assume_role(RoleArn=f"arn:aws:iam::{demo.PROD_ACCOUNT}:role/ChimeAudit", RoleSessionName="audit")
    reader = _service(iam_server, "chime-sdk-voice", audit["Credentials"])
    connectors = {c["VoiceConnectorId"] for c in reader.list_voice_connectors()["VoiceConnectors"]}
    assert demo.PROD_CONNECTOR in connectors and demo.SUSPENDED_CONNECTOR not in connectors
    response = _denied(
        lambda: reader.delete_proxy_session(VoiceConnectorId=DEMO_CONNECTOR, ProxySessionId=EXAMPLE_SESSION)
    )
    assert response["Error"]["Code"] == "ForbiddenException"
    assert "assumed-role/ChimeAudit/audit is not authorized to perform: chime:DeleteProxySession" in (
        response["Error"]["Message"]
    )
    admin_role = f"arn:aws:iam::{demo.SECOND_ACCOUNT}:role/{demo.MEMBER_ROLE}"
    member = _service(iam_server, "sts", sts.assume_role(RoleArn=admin_role, RoleSessionName="admin")["Credentials"])
    assert member.get_caller_identity()["Account"] == demo.SECOND_ACCOUNT
    # AWS refuses a role that does not exist; moto would hand out keys its IAM check then cannot place.
    response = _denied(
        lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{demo.PROD_ACCOUNT}:role/Missing", RoleSessionName="missing")
    )
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403)
    # Without sts:AssumeRole, no role at all.
    discoverer = iam.create_principal(iam_server, "org-no-assume", iam.organizations_policy())
    response = _denied(
        lambda: _service(iam_server, "sts", discoverer).assume_role(RoleArn=admin_role, RoleSessionName="none")
    )
    assert response["Error"]["Code"] == "AccessDenied" and "sts:AssumeRole" in response["Error"]["Message"]
    assert _service(iam_server, "sts", discoverer).get_caller_identity()["Account"] == demo.MANAGEMENT_ACCOUNT
