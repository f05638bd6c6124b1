# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the chime-sdk-voice backend.

Each class's ``code`` is an error shape of the service model: moto's serializer finds the
shape, and with it the HTTP status (``BadRequestException`` is 400, ``ForbiddenException``
403, ...).  The last four are not in the model: AWS sends them as common errors (unknown
key, bad signature), or the model is silent (an operation this backend
does not implement, a path no operation has); their ``status`` is used instead.
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class ChimeSDKVoiceError(ServiceException):
    """Base class: ``code`` names the error shape, ``status`` is used only when the model has no such shape."""

    code = "BadRequestException"
    status = 400


class BadRequestException(ChimeSDKVoiceError):
    code = "BadRequestException"


class NotFoundException(ChimeSDKVoiceError):
    code = "NotFoundException"


class ConflictException(ChimeSDKVoiceError):
    code = "ConflictException"


class ForbiddenException(ChimeSDKVoiceError):
    code = "ForbiddenException"


class AccessDeniedException(ChimeSDKVoiceError):
    code = "AccessDeniedException"


class UnrecognizedClientException(ChimeSDKVoiceError):
    """Unknown access key id (AWS's common error for every service; not in the model)."""

    code = "UnrecognizedClientException"
    status = 403


class InvalidSignatureException(ChimeSDKVoiceError):
    """The SigV4 signature does not match (AWS's common error; not in the model)."""

    code = "InvalidSignatureException"
    status = 403


class NotImplementedException(ChimeSDKVoiceError):
    """An operation of the model that this backend does not implement (the model is silent: 501)."""

    code = "NotImplementedException"
    status = 501


class UnknownOperationException(ChimeSDKVoiceError):
    """No operation of the model has this method and path (the model is silent: 404)."""

    code = "UnknownOperationException"
    status = 404
