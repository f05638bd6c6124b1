# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handles incoming chime-sdk-voice requests, invokes methods, returns responses.

Everything protocol-related is read from botocore's model at runtime: the
operation routes (method + ``requestUri``), where each input member travels
(uri / querystring / header / body), the input constraints AWS enforces
(required members, string and list lengths, integer ranges, enums and patterns,
the patterns as full matches) and the success status codes (``responseCode``).
moto itself does not validate inputs; this backend refuses invalid ones with
``BadRequestException`` (400) and an AWS-style "N validation error(s) detected"
message naming each member.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from typing import Callable
from urllib.parse import parse_qs
from urllib.parse import unquote
from uuid import uuid4

from botocore.model import OperationModel
from botocore.model import Shape
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores
from werkzeug.exceptions import HTTPException

from .exceptions import SERVICE_NAME
from .exceptions import AccessDeniedException
from .exceptions import BadRequestException
from .exceptions import ChimeSDKVoiceClientError
from .exceptions import InvalidSignatureException
from .exceptions import NotImplementedOperationException
from .exceptions import UnknownOperationException
from .exceptions import UnrecognizedClientException
from .exceptions import service_model
from .models import ChimeSDKVoiceBackend
from .models import chimesdkvoice_backends

_LABEL = re.compile(r"\{([^}]+)\}")


class Route:
    """One operation's HTTP binding, compiled from the model's ``requestUri``."""

    def __init__(self, operation: OperationModel) -> None:
        self.name = operation.name
        self.method = operation.http["method"].upper()
        path, _sep, query = operation.http["requestUri"].partition("?")
        self.literal_query = {k: v[0] if v else "" for k, v in parse_qs(query, keep_blank_values=True).items()}
        pattern = ""
        position = 0
        for match in _LABEL.finditer(path):
            pattern += re.escape(path[position : match.start()])
            label = match.group(1)
            if label.endswith("+"):
                pattern += f"(?P<{label[:-1]}>.*)"
            else:
                pattern += f"(?P<{label}>[^/]*)"
            position = match.end()
        pattern += re.escape(path[position:])
        self.regex = re.compile(f"^{pattern}$")
        # More literal text (and literal query keys) wins over fewer.
        self.specificity = (len(_LABEL.sub("", path)), len(self.literal_query))

    def match(self, method: str, raw_path: str, query: dict[str, list[str]]) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.regex.match(raw_path)
        if found is None:
            return None
        for key, value in self.literal_query.items():
            if key not in query or (value and query[key][0] != value):
                return None
        return {k: unquote(v) for k, v in found.groupdict().items()}


@functools.cache
def routes() -> tuple[Route, ...]:
    model = service_model()
    compiled = [Route(model.operation_model(name)) for name in model.operation_names]
    return tuple(sorted(compiled, key=lambda r: r.specificity, reverse=True))


def match_operation(method: str, raw_path: str, query_string: str = "") -> tuple[str, dict[str, str]] | None:
    """Find the model operation for a request: ``(name, uri labels)`` or None."""
    query = parse_qs(query_string, keep_blank_values=True)
    for route in routes():
        labels = route.match(method.upper(), raw_path, query)
        if labels is not None:
            return route.name, labels
    return None


# --------------------------------------------------------------------- validation
def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _render(value: Any) -> str:
    """Render a value the way AWS (Java) prints it in validation messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def _fail(errors: list[str], value: Any, path: str, constraint: str) -> None:
    shown = "null" if value is None else f"'{_render(value)}'"
    errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")


def _check_length(errors: list[str], shape: Shape, value: Any, path: str) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if minimum is not None and len(value) < minimum:
        _fail(errors, value, path, f"Member must have length greater than or equal to {minimum}")
    if maximum is not None and len(value) > maximum:
        _fail(errors, value, path, f"Member must have length less than or equal to {maximum}")


def validate_shape(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    """Check ``value`` against ``shape`` (recursively), appending AWS-style messages."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            _fail(errors, value, path, "Member must be a structure")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                _fail(errors, None, _join(path, name), "Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                validate_shape(member, value[name], _join(path, name), errors)
    elif kind == "list":
        if not isinstance(value, list):
            _fail(errors, value, path, "Member must be a list")
            return
        _check_length(errors, shape, value, path)
        for index, item in enumerate(value, start=1):
            validate_shape(shape.member, item, f"{path}.{index}.member", errors)
    elif kind == "map":
        if not isinstance(value, dict):
            _fail(errors, value, path, "Member must be a map")
            return
        _check_length(errors, shape, value, path)
        for key, item in value.items():
            validate_shape(shape.key, key, f"{path}.{key}.key", errors)
            validate_shape(shape.value, item, f"{path}.{key}.value", errors)
    elif kind == "string":
        if not isinstance(value, str):
            _fail(errors, value, path, "Member must be a string")
            return
        _check_length(errors, shape, value, path)
        if shape.enum and value not in shape.enum:
            _fail(errors, value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern is not None and _full_match(pattern, value) is None:
            _fail(errors, value, path, f"Member must satisfy regular expression pattern: {pattern}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(errors, value, path, "Member must be an integer")
            return
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        if minimum is not None and value < minimum:
            _fail(errors, value, path, f"Member must have value greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            _fail(errors, value, path, f"Member must have value less than or equal to {maximum}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(errors, value, path, "Member must be a boolean")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def _full_match(pattern: str, value: str) -> re.Match[str] | None:
    """AWS validates patterns as full matches (the Smithy text itself is unanchored)."""
    return _compiled(pattern).fullmatch(value)


def _join(path: str, name: str) -> str:
    return f"{path}.{_lower_first(name)}" if path else _lower_first(name)


def validate_input(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise BadRequestException listing every constraint the input violates."""
    if operation.input_shape is None:
        return
    errors: list[str] = []
    validate_shape(operation.input_shape, params, "", errors)
    if errors:
        plural = "s" if len(errors) > 1 else ""
        raise BadRequestException(f"{len(errors)} validation error{plural} detected: {'; '.join(errors)}")


def _coerce(shape: Shape, raw: str) -> Any:
    """Turn a querystring/header text into the member's type (left as text when it does not parse)."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if shape.type_name == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    return raw


# moto's IAM errors are XML "query" errors; a rest-json client needs them as JSON.
_IAM_ERRORS: dict[str, type[ChimeSDKVoiceClientError]] = {
    "AccessDenied": AccessDeniedException,
    "InvalidClientTokenId": UnrecognizedClientException,
    "SignatureDoesNotMatch": InvalidSignatureException,
}


class ChimeSDKVoiceResponse(BaseResponse):
    """Handler for Chime SDK Voice requests and responses."""

    def __init__(self) -> None:
        super().__init__(service_name=SERVICE_NAME)
        self._operation: tuple[str, dict[str, str]] | None = None

    @property
    def chimesdkvoice_backend(self) -> ChimeSDKVoiceBackend:
        """Return backend instance specific for this region."""
        return chimesdkvoice_backends[self.current_account][self.region]

    def setup_class(
        self, request: Any, full_url: str | None = None, headers: Any = None, use_raw_body: Any = None
    ) -> None:
        super().setup_class(request, full_url, headers, use_raw_body)
        # With an empty body moto fills ``data`` with the querystring or even the request
        # headers; its IAM signature check signs ``raw_body or data`` and would then see a
        # body the client never sent.  Inputs are parsed from the model, not from ``data``.
        self.data = {}

    # moto asks for the action name (IAM uses it as ``chime:<Action>``).
    def _get_action(self) -> str:
        if self._operation is None:
            query = self.parsed_url.query if hasattr(self, "parsed_url") else ""
            found = match_operation(self.method, self.raw_path, query)
            if found is None:
                raise UnknownOperationException(f"No Chime SDK Voice operation matches {self.method} {self.raw_path}.")
            self._operation = found
        return self._operation[0]

    def _authorize(self) -> None:
        try:
            self._authenticate_and_authorize_normal_action()
        except ChimeSDKVoiceClientError:
            raise
        except HTTPException as err:
            error_type = getattr(err, "error_type", "AccessDenied")
            error_class = _IAM_ERRORS.get(error_type, AccessDeniedException)
            raise error_class(getattr(err, "message", str(err))) from err

    def _parse_input(self, operation: OperationModel) -> dict[str, Any]:
        shape = operation.input_shape
        params: dict[str, Any] = {}
        if shape is None:
            return params
        labels = self._operation[1] if self._operation else {}
        query = parse_qs(self.parsed_url.query, keep_blank_values=True)
        body: Any = {}
        if self.body:
            try:
                body = json.loads(self.body)
            except ValueError as err:
                raise BadRequestException("The request body is not valid JSON.") from err
            if not isinstance(body, dict):
                raise BadRequestException("The request body must be a JSON object.")
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                if wire_name in labels:
                    params[name] = labels[wire_name]
            elif location == "querystring":
                if wire_name in query:
                    params[name] = _coerce(member, query[wire_name][0])
            elif location == "header":
                if wire_name in self.headers:
                    params[name] = _coerce(member, self.headers[wire_name])
            elif name in body:
                params[name] = body[name]
        return params

    def call_action(self) -> TYPE_RESPONSE:
        headers: dict[str, str] = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid4())}
        headers.update(self.response_headers)
        try:
            name = self._get_action()
            self._authorize()
            operation = service_model().operation_model(name)
            handler: Callable[[dict[str, Any]], dict[str, Any] | None] | None = getattr(
                self, f"_op_{camelcase_to_underscores(name)}", None
            )
            if handler is None:
                raise NotImplementedOperationException(f"{name} is not implemented by this Chime SDK Voice backend.")
            params = self._parse_input(operation)
            validate_input(operation, params)
            result = handler(params)
        except ChimeSDKVoiceClientError as err:
            headers.update(dict(err.get_headers()))
            return err.code, headers, err.get_body()
        status = int(operation.http.get("responseCode", 200))
        if result is None:
            headers.pop("Content-Type", None)
            return status, headers, ""
        return status, headers, json.dumps(result)

    # ----------------------------------------------------------------- handlers
    def _op_create_voice_connector(self, params: dict[str, Any]) -> dict[str, Any]:
        connector = self.chimesdkvoice_backend.create_voice_connector(
            name=params["Name"],
            require_encryption=params["RequireEncryption"],
            aws_region=params.get("AwsRegion"),
            integration_type=params.get("IntegrationType"),
            network_type=params.get("NetworkType"),
            tags=params.get("Tags"),
        )
        return {"VoiceConnector": connector.to_dict()}

    def _op_get_voice_connector(self, params: dict[str, Any]) -> dict[str, Any]:
        connector = self.chimesdkvoice_backend.get_voice_connector(params["VoiceConnectorId"])
        return {"VoiceConnector": connector.to_dict()}

    def _op_list_voice_connectors(self, params: dict[str, Any]) -> dict[str, Any]:
        connectors, token = self.chimesdkvoice_backend.list_voice_connectors(
            next_token=params.get("NextToken"), max_results=params.get("MaxResults")
        )
        result: dict[str, Any] = {"VoiceConnectors": [c.to_dict() for c in connectors]}
        if token:
            result["NextToken"] = token
        return result

    def _op_delete_voice_connector(self, params: dict[str, Any]) -> None:
        self.chimesdkvoice_backend.delete_voice_connector(params["VoiceConnectorId"])

    def _op_put_voice_connector_proxy(self, params: dict[str, Any]) -> dict[str, Any]:
        config = self.chimesdkvoice_backend.put_voice_connector_proxy(
            voice_connector_id=params["VoiceConnectorId"],
            default_session_expiry_minutes=params["DefaultSessionExpiryMinutes"],
            phone_number_pool_countries=params["PhoneNumberPoolCountries"],
            fall_back_phone_number=params.get("FallBackPhoneNumber"),
            disabled=params.get("Disabled"),
        )
        return {"Proxy": config.to_dict()}

    def _op_get_voice_connector_proxy(self, params: dict[str, Any]) -> dict[str, Any]:
        config = self.chimesdkvoice_backend.get_voice_connector_proxy(params["VoiceConnectorId"])
        return {"Proxy": config.to_dict()}

    def _op_delete_voice_connector_proxy(self, params: dict[str, Any]) -> None:
        self.chimesdkvoice_backend.delete_voice_connector_proxy(params["VoiceConnectorId"])

    def _op_create_proxy_session(self, params: dict[str, Any]) -> dict[str, Any]:
        session = self.chimesdkvoice_backend.create_proxy_session(
            voice_connector_id=params["VoiceConnectorId"],
            participant_phone_numbers=params["ParticipantPhoneNumbers"],
            capabilities=params["Capabilities"],
            name=params.get("Name"),
            expiry_minutes=params.get("ExpiryMinutes"),
            number_selection_behavior=params.get("NumberSelectionBehavior"),
            geo_match_level=params.get("GeoMatchLevel"),
            geo_match_params=params.get("GeoMatchParams"),
        )
        return {"ProxySession": session.to_dict()}

    def _op_get_proxy_session(self, params: dict[str, Any]) -> dict[str, Any]:
        session = self.chimesdkvoice_backend.get_proxy_session(params["VoiceConnectorId"], params["ProxySessionId"])
        return {"ProxySession": session.to_dict()}

    def _op_list_proxy_sessions(self, params: dict[str, Any]) -> dict[str, Any]:
        sessions, token = self.chimesdkvoice_backend.list_proxy_sessions(
            voice_connector_id=params["VoiceConnectorId"],
            status=params.get("Status"),
            next_token=params.get("NextToken"),
            max_results=params.get("MaxResults"),
        )
        result: dict[str, Any] = {"ProxySessions": [s.to_dict() for s in sessions]}
        if token:
            result["NextToken"] = token
        return result

    def _op_update_proxy_session(self, params: dict[str, Any]) -> dict[str, Any]:
        session = self.chimesdkvoice_backend.update_proxy_session(
            voice_connector_id=params["VoiceConnectorId"],
            proxy_session_id=params["ProxySessionId"],
            capabilities=params["Capabilities"],
            expiry_minutes=params.get("ExpiryMinutes"),
        )
        return {"ProxySession": session.to_dict()}

    def _op_delete_proxy_session(self, params: dict[str, Any]) -> None:
        self.chimesdkvoice_backend.delete_proxy_session(params["VoiceConnectorId"], params["ProxySessionId"])
