# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the chime-sdk-voice service.

Errors are sent the way AWS's rest-json Chime SDK Voice endpoint sends them: the
error shape name in the ``x-amzn-ErrorType`` header (botocore reads the code from
there) and a JSON body ``{"Code": "NotFound", "Message": "..."}`` whose ``Code`` is
the model's ``ErrorCode`` enum value.  HTTP status codes come from the botocore
model's error shapes, not from a hand-written table.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import botocore.session
from botocore.model import ServiceModel
from moto.core.exceptions import JsonRESTError

SERVICE_NAME = "chime-sdk-voice"


@functools.cache
def service_model() -> ServiceModel:
    """Return botocore's model of the service (the contract this backend follows)."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


def error_status(error_type: str, default: int = 400) -> int:
    """Return the HTTP status the model assigns to an error shape."""
    try:
        shape = service_model().shape_for(error_type)
    except Exception:  # pylint: disable=broad-exception-caught  # botocore raises NoShapeFoundError
        return default
    return int(shape.metadata.get("error", {}).get("httpStatusCode", default))


class ChimeSDKVoiceClientError(JsonRESTError):
    """Base error: ``error_type`` is the model's error shape name."""

    error_type_name = "BadRequestException"
    error_code = "BadRequest"
    default_status = 400

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(self.error_type_name, message, **kwargs)
        self.code = error_status(self.error_type_name, self.default_status)
        self.description = json.dumps({"Code": self.error_code, "Message": message})


class BadRequestException(ChimeSDKVoiceClientError):
    error_type_name = "BadRequestException"
    error_code = "BadRequest"
    default_status = 400


class NotFoundException(ChimeSDKVoiceClientError):
    error_type_name = "NotFoundException"
    error_code = "NotFound"
    default_status = 404


class ForbiddenException(ChimeSDKVoiceClientError):
    error_type_name = "ForbiddenException"
    error_code = "Forbidden"
    default_status = 403


class AccessDeniedException(ChimeSDKVoiceClientError):
    error_type_name = "AccessDeniedException"
    error_code = "AccessDenied"
    default_status = 403


class UnauthorizedClientException(ChimeSDKVoiceClientError):
    error_type_name = "UnauthorizedClientException"
    error_code = "Unauthorized"
    default_status = 401


class ThrottledClientException(ChimeSDKVoiceClientError):
    error_type_name = "ThrottledClientException"
    error_code = "Throttled"
    default_status = 429


class ServiceFailureException(ChimeSDKVoiceClientError):
    error_type_name = "ServiceFailureException"
    error_code = "ServiceFailure"
    default_status = 500


class ServiceUnavailableException(ChimeSDKVoiceClientError):
    error_type_name = "ServiceUnavailableException"
    error_code = "ServiceUnavailable"
    default_status = 503


class ConflictException(ChimeSDKVoiceClientError):
    error_type_name = "ConflictException"
    error_code = "Conflict"
    default_status = 409


class UnrecognizedClientException(ChimeSDKVoiceClientError):
    """Unknown access key (AWS's common error for every JSON service; not in the model)."""

    error_type_name = "UnrecognizedClientException"
    error_code = "Unauthorized"
    default_status = 403


class InvalidSignatureException(ChimeSDKVoiceClientError):
    """Bad SigV4 signature (AWS's common error; not in the model)."""

    error_type_name = "InvalidSignatureException"
    error_code = "Forbidden"
    default_status = 403


class UnknownOperationException(ChimeSDKVoiceClientError):
    """No operation of the model matches the method and path."""

    error_type_name = "UnknownOperationException"
    error_code = "NotFound"
    default_status = 404


class NotImplementedOperationException(ChimeSDKVoiceClientError):
    """The operation exists in the model but this backend does not implement it."""

    error_type_name = "NotImplementedException"
    error_code = "NotImplemented"
    default_status = 501
