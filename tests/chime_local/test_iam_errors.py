# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM denials answer with the error the model declares for each operation (issue 8).

In-process, with moto's documented switch for IAM enforcement
(``set_initial_no_auth_action_count``): the IAM set-up requests are not checked, every
Chime request after them is.  Every operation of the model is called, built or not:
authorization comes first.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import Shape
from chime_helpers import MODEL
from chime_helpers import NO_VALIDATION

# The brief names these; the rule below must agree with them.
NAMED = {
    "GetProxySession": "ForbiddenException",
    "ListProxySessions": "ForbiddenException",
    "CreateProxySession": "ForbiddenException",
    "UpdateProxySession": "ForbiddenException",
    "DeleteProxySession": "ForbiddenException",
    "GetVoiceConnectorProxy": "ForbiddenException",
    "DeleteVoiceConnectorProxy": "ForbiddenException",
    "PutVoiceConnectorProxy": "AccessDeniedException",
    "ListVoiceConnectors": "ForbiddenException",
    "GetVoiceConnector": "ForbiddenException",
    "ListPhoneNumbers": "ForbiddenException",
}


def declared_denial(operation: str) -> str:
    """AccessDeniedException where the operation declares it, ForbiddenException otherwise (declared by all)."""
    declared = [shape.name for shape in MODEL.operation_model(operation).error_shapes]
    assert "AccessDeniedException" in declared or "ForbiddenException" in declared, (operation, declared)
    return "AccessDeniedException" if "AccessDeniedException" in declared else "ForbiddenException"


def _dummy(shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {name: _dummy(shape.members[name]) for name in shape.required_members}
    if kind == "list":
        return [_dummy(shape.member)]
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return 1
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x"
    return "x1"


def _call(client: Any, operation: str) -> tuple[str, int, str]:
    input_shape = MODEL.operation_model(operation).input_shape
    params = _dummy(input_shape) if input_shape is not None else {}
    try:
        getattr(client, xform_name(operation))(**params)
    except ClientError as err:
        response = err.response
        return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]
    return "", 200, ""


def _client(key: dict[str, str]) -> Any:
    return boto3.client(
        "chime-sdk-voice",
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=NO_VALIDATION,
    )


def test_denials_per_operation_and_credential_errors(mock_chime: Any) -> None:
    from moto.core import set_initial_no_auth_action_count  # pylint: disable=import-outside-toplevel

    assert mock_chime is not None  # the backend is registered and mock_aws() is on

    @set_initial_no_auth_action_count(3)
    def run() -> tuple[dict[str, tuple[str, int, str]], list[tuple[str, int, str]]]:
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="nobody")
        key = iam.create_access_key(UserName="nobody")["AccessKey"]
        iam.put_user_policy(
            UserName="nobody",
            PolicyName="list-connectors",
            PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
            '"Action": "chime:ListVoiceConnectors", "Resource": "*"}]}',
        )
        client = _client(key)
        denied = {operation: _call(client, operation) for operation in MODEL.operation_names}
        others = [
            _call(client, "ListVoiceConnectors"),  # allowed by the policy
            _call(_client({"AccessKeyId": "AKIAUNKNOWNUNKNOWN00", "SecretAccessKey": "x"}), "ListProxySessions"),
            _call(_client({**key, "SecretAccessKey": "wrong"}), "ListProxySessions"),
        ]
        return denied, others

    denied, (allowed, unknown_key, bad_signature) = run()
    for operation, expected in NAMED.items():
        assert declared_denial(operation) == expected, operation
    for operation, (code, status, message) in denied.items():
        if operation == "ListVoiceConnectors":
            continue
        assert (code, status) == (declared_denial(operation), 403), (operation, code, status, message)
        assert f"is not authorized to perform: chime:{operation}" in message
    assert allowed == ("", 200, "")
    assert unknown_key[:2] == ("UnrecognizedClientException", 403)
    assert bad_signature[:2] == ("InvalidSignatureException", 403)


MALFORMED_AUTHORIZATION = [
    "",
    "garbage",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=",
    "AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=",
    "AWS AKIAIOSFODNN7EXAMPLE:signature-v2",
    "AWS4 /",
]


def test_malformed_authorization_headers_are_403s_not_crashes(mock_chime: Any) -> None:
    """moto's IAM check indexes into the header unchecked (IndexError before): each is a JSON 403."""
    from chime_local.chimesdkvoice.responses import ChimeSDKVoiceResponse  # pylint: disable=import-outside-toplevel
    from moto.core import set_initial_no_auth_action_count  # pylint: disable=import-outside-toplevel
    from moto.core.request import Request  # pylint: disable=import-outside-toplevel

    assert mock_chime is not None

    def answer(headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        request = Request.from_values(
            method="GET", base_url="http://localhost", path="/voice-connectors", headers=headers
        )
        status, reply_headers, body = ChimeSDKVoiceResponse.dispatch(request)
        return int(status), reply_headers, body

    enforced = set_initial_no_auth_action_count(0)(
        lambda: [answer({"Authorization": a}) for a in MALFORMED_AUTHORIZATION]
    )
    for header, (status, headers, body) in zip(MALFORMED_AUTHORIZATION, enforced()):
        assert (status, headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException"), (header, body)
        assert "malformed" in body
    unsigned = set_initial_no_auth_action_count(0)(lambda: answer({}))()
    assert (unsigned[0], unsigned[1]["x-amzn-ErrorType"]) == (403, "ForbiddenException")
    # Without enforcement the header is not read for IAM, and the region falls back to moto's default.
    for header in MALFORMED_AUTHORIZATION:
        assert answer({"Authorization": header})[0] == 200
