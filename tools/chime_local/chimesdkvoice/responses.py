# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handles incoming chime-sdk-voice requests, invokes methods, returns responses.

On moto's own machinery: routing by the model's ``requestUri`` (moto's ``RestRouter``),
input parsing with ``automated_parameter_parsing`` (moto's rest-json parser, made strict
about types so that the model's validation can report them), results and errors as
``ActionResult`` through moto's rest-json serializer.  Two things differ from moto's
defaults because AWS sends them differently: timestamps carry milliseconds
(``2020-04-15T16:10:10.288Z``), and an error body is ``{"Code", "Message"}`` (``Code`` being
the model's ErrorCode value) with the shape name in ``x-amzn-ErrorType``.

Every request that reaches this class gets a JSON answer: the operation's, or a 4xx error
the model declares for the operation (``BadRequestException`` when nothing closer),
``NotImplementedException`` (501) for model operations not built here, or
``UnknownOperationException`` (404) for a path no operation has.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from datetime import timezone
from typing import Any
from uuid import uuid4

from moto.core.common_types import TYPE_RESPONSE
from moto.core.errors import ErrorShape
from moto.core.exceptions import ServiceException
from moto.core.model import OperationModel
from moto.core.model import ServiceModel
from moto.core.parse import RestJSONParser
from moto.core.request import Request
from moto.core.responses import ActionContext
from moto.core.responses import ActionResult
from moto.core.responses import BaseResponse
from moto.core.responses import EmptyResult
from moto.core.routing import URI_LABEL_REGEX
from moto.core.routing import URI_LABEL_TO_RULE_VAR_TRANSLATION_TABLE
from moto.core.routing import ActionCandidate
from moto.core.routing import GreedyLabelConverter
from moto.core.routing import ProtocolRouter
from moto.core.routing import RequiredArg
from moto.core.routing import RestRouter
from moto.core.routing import SmithyRule
from moto.core.serialize import RestJSONSerializer
from moto.core.serialize import TimestampSerializer
from moto.core.utils import camelcase_to_underscores
from moto.core.utils import get_service_model
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.routing import Map

from .exceptions import AccessDeniedException
from .exceptions import BadRequestException
from .exceptions import ChimeSDKVoiceError
from .exceptions import ForbiddenException
from .exceptions import InvalidSignatureException
from .exceptions import NotImplementedException
from .exceptions import UnknownOperationException
from .exceptions import UnrecognizedClientException
from .models import ChimeSDKVoiceBackend
from .models import chimesdkvoice_backends
from .validation import validate_input

SERVICE_NAME = "chime-sdk-voice"
MAX_BODY_DEPTH = 64  # deeper JSON than any input shape of the model is refused before it is parsed


# --------------------------------------------------------------------- routing
def service_model() -> ServiceModel:
    return get_service_model(SERVICE_NAME)


class UriLabelConverter(BaseConverter):
    """One path segment, possibly empty: AWS answers an empty label with a validation error, not a 404."""

    NAME = "uri_label"
    regex = "[^/]*"


class LiteralQueryRule(SmithyRule):
    """moto's SmithyRule telling operations apart by the literal query of their requestUri only
    (``?operation=...``): a required query member that is missing is that operation's validation
    error, not an unknown operation."""

    @staticmethod
    def _initialize_candidates(operations: list[Any]) -> list[ActionCandidate]:
        return [
            ActionCandidate(
                operation, [RequiredArg(name, value) for name, value in operation.http_trait.query_args.items()]
            )
            for operation in operations
        ]


class ChimeSDKVoiceRouter(RestRouter):
    """moto's RestRouter and SmithyRule, with each label exactly one (possibly empty) path segment.

    moto makes the last label of every requestUri greedy, which would send
    ``GET /voice-connectors/{id}/anything`` to GetVoiceConnector; AWS's model has no greedy
    label in this service, so such a path is an unknown operation here.
    """

    def __init__(self, model: ServiceModel) -> None:  # pylint: disable=super-init-not-called
        ProtocolRouter.__init__(self, model)
        by_path: dict[tuple[str, str], list[Any]] = {}
        for name in model.operation_names:
            operation = model.operation_model(name)
            by_path.setdefault((operation.http_trait.path, operation.http_trait.method), []).append(operation)
        rules = [
            LiteralQueryRule(string=self._rule_string(path), operations=operations, methods=[method])
            for (path, method), operations in by_path.items()
        ]
        converters = {UriLabelConverter.NAME: UriLabelConverter, GreedyLabelConverter.NAME: GreedyLabelConverter}
        self._map = Map(rules=rules, strict_slashes=False, merge_slashes=False, converters=converters)

    @staticmethod
    def _rule_string(path: str) -> str:
        def variable(match: re.Match[str]) -> str:
            label = match.group(0)[1:-1]
            converter = GreedyLabelConverter.NAME if label.endswith("+") else UriLabelConverter.NAME
            return f"<{converter}:{label.rstrip('+').translate(URI_LABEL_TO_RULE_VAR_TRANSLATION_TABLE)}>"

        return URI_LABEL_REGEX.sub(variable, path)


@functools.cache
def _router() -> ChimeSDKVoiceRouter:
    return ChimeSDKVoiceRouter(service_model())


@functools.cache
def _first_segments() -> frozenset[str]:
    model = service_model()
    return frozenset(
        model.operation_model(name).http["requestUri"].split("?")[0].strip("/").split("/")[0]
        for name in model.operation_names
    )


def is_service_path(path: str) -> bool:
    """Whether a path belongs to chime-sdk-voice: under one of the first path segments of the model's requestUris."""
    segment = path.split("?", 1)[0].lstrip("/").split("/", 1)[0]
    return segment in _first_segments()


def _route(request: Request) -> tuple[str, dict[str, Any]] | None:
    try:
        operation, uri_params = _router().match(request)
    except NotFound:
        return None
    return str(operation.name), uri_params


def operation_for(method: str, path: str) -> str | None:
    """The model operation a request is (``path`` as sent, query included), "Unknown" for a
    chime-sdk-voice path no operation has, None for a path that is not chime-sdk-voice's."""
    if not is_service_path(path):
        return None
    raw_path, _sep, query = path.partition("?")
    request = Request.from_values(method=method.upper(), path=raw_path, query_string=query)
    request.environ["RAW_URI"] = path
    found = _route(request)
    return found[0] if found else "Unknown"


@functools.cache
def implemented_operations() -> frozenset[str]:
    """Model operations this backend answers (a method named after the operation)."""
    return frozenset(
        name
        for name in service_model().operation_names
        if camelcase_to_underscores(name) in vars(ChimeSDKVoiceResponse)
    )


def iam_denial_error(operation: str) -> type[ChimeSDKVoiceError]:
    """The error an IAM denial of ``operation`` gets: AccessDeniedException where the operation declares it,
    else ForbiddenException where it declares that (AWS's model declares one or both for every operation)."""
    declared = {shape.name for shape in service_model().operation_model(operation).error_shapes}
    if "AccessDeniedException" in declared or "ForbiddenException" not in declared:
        return AccessDeniedException
    return ForbiddenException


# --------------------------------------------------------------------- wire format
class MillisecondTimestamps(TimestampSerializer):
    """ISO 8601 in UTC with milliseconds and Z, as AWS sends (moto sends microseconds, or none)."""

    def serialize(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        """A datetime in ISO 8601 straight away; anything else (epoch numbers, strings) through moto's parsing."""
        timestamp_format = shape.serialization.get("timestampFormat", self.default_format)
        if isinstance(value, datetime) and timestamp_format.lower() == self.TIMESTAMP_FORMAT_ISO8601:
            serialized[key] = self._timestamp_iso8601(value)
        else:
            super().serialize(serialized, value, shape, key)

    def _timestamp_iso8601(self, value: datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)  # naive is UTC, as moto's parse_to_aware_datetime has it
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Scalar types whose JSON value is the Python value itself: moto's _serialize_type_string, _integer and _long
# return a str or an int unchanged, and a boolean goes through _default_serialize. The class must be exactly this
# one (True is an int too, and moto writes int(True) as 1), hence _exactly rather than isinstance.
_AS_IS = {"string": str, "integer": int, "long": int, "boolean": bool}


def _exactly(value: Any, cls: type | None) -> bool:
    return value.__class__ is cls


class ChimeSDKVoiceSerializer(RestJSONSerializer):
    """moto's rest-json serializer with AWS's timestamps and error body for this service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timestamp_serializer = MillisecondTimestamps(self.DEFAULT_TIMESTAMP_FORMAT)

    # Results are dicts keyed by the model's member names (the models' to_dict()), so a member's
    # value is a plain lookup and no key path is needed (this service has no response transformers).
    # moto's alias search and path bookkeeping made a page of 100 sessions 3 to 7 times slower.
    def get_value(self, value: Any, key: str, shape: Any) -> Any:
        return value.get(key) if isinstance(value, dict) else getattr(value, key, None)

    def _serialize(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        getattr(self, f"_serialize_type_{shape.type_name}", self._default_serialize)(serialized, value, shape, key)

    def _serialize_type_structure(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        """Nested structures (sessions, participants) member by member, without moto's per-member
        ``parent`` bookkeeping: a quarter of a page's time.  The top level keeps moto's own."""
        if not key or not isinstance(value, dict):
            super()._serialize_type_structure(serialized, value, shape, key)
            return
        wrapper: dict[str, Any] = {}
        for name, member in shape.members.items():
            member_value = value.get(name)
            if member_value is None:
                continue
            if _exactly(member_value, _AS_IS.get(member.type_name)) and not member.serialization:
                wrapper[name] = member_value  # what moto's serializer of that type writes, without its calls
            else:
                self._serialize(wrapper, member_value, member, name)
        self._default_serialize(serialized, wrapper, shape, key)

    def _serialize_type_list(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        """A list of plain strings (Capabilities, country codes) as it is; other lists item by item, as moto does."""
        plain = _AS_IS.get(shape.member.type_name)
        if plain is not None and not shape.serialization and all(_exactly(item, plain) for item in value):
            serialized[key] = list(value)
        else:
            super()._serialize_type_list(serialized, value, shape, key)

    def _serialize_error(self, resp: Any, error: Exception) -> Any:
        code = getattr(error, "code", "BadRequestException")
        try:
            shape = self.service_model.shape_for(code)
            status = int(shape.metadata["error"]["httpStatusCode"])
        except Exception:  # pylint: disable=broad-exception-caught  # not an error shape of the model
            shape = ErrorShape(code, {"type": "structure", "members": {}, "exception": True})
            status = int(getattr(error, "status", self.DEFAULT_ERROR_RESPONSE_CODE))
        body: dict[str, Any] = {}
        error_code = code.removesuffix("Exception")
        if error_code in self.service_model.shape_for("ErrorCode").enum:
            body["Code"] = error_code
        body["Message"] = getattr(error, "message", None) or str(error)
        resp["status_code"] = status
        resp["body"] = self._serialize_body(body)
        resp["headers"]["x-amzn-ErrorType"] = shape.name
        resp["headers"]["Content-Type"] = self.CONTENT_TYPE
        return resp


class ChimeSDKVoiceRequestParser(RestJSONParser):
    """moto's rest-json parser, strict about types: text that is not a number (or a boolean) and JSON
    values of the wrong kind are left as they came, so that validation names them."""

    def _parse_integer(self, shape: Any, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return value
        return value

    _parse_long = _parse_integer

    def _parse_boolean(self, shape: Any, value: Any) -> Any:
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value

    def _parse_string(self, shape: Any, value: Any) -> Any:
        return value

    def _parse_list(self, shape: Any, node: Any) -> Any:
        return super()._parse_list(shape, node) if isinstance(node, list) else node

    def _parse_map(self, shape: Any, value: Any) -> Any:
        return super()._parse_map(shape, value) if isinstance(value, dict) else value

    def _parse_structure(self, shape: Any, value: Any) -> Any:
        return super()._parse_structure(shape, value) if isinstance(value, dict) else value


def _json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (checked before json.loads recurses)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def check_body(body: bytes) -> None:
    """Refuse a request body that is not a JSON object in UTF-8 (BadRequestException, never a crash)."""
    if not body.strip():
        return
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequestException(f"The request body is not UTF-8 (byte {err.start}).") from None
    if _json_depth_exceeds(body, MAX_BODY_DEPTH):
        raise BadRequestException(f"The request body nests deeper than {MAX_BODY_DEPTH} levels.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequestException("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequestException("The request body must be a JSON object.")


# moto's IAM errors, by their code, and what a rest-json client gets instead.
_IAM_ERRORS: dict[str, type[ChimeSDKVoiceError]] = {
    "InvalidClientTokenId": UnrecognizedClientException,
    "SignatureDoesNotMatch": InvalidSignatureException,
    "AuthFailure": UnrecognizedClientException,
}


class ChimeSDKVoiceResponse(BaseResponse):
    """Handler for Chime SDK Voice requests and responses."""

    def __init__(self) -> None:
        super().__init__(service_name=SERVICE_NAME)
        self.automated_parameter_parsing = True
        self._route: tuple[str, dict[str, Any]] | None = None
        self._routed = False
        self._request_to_parse: Request | None = None

    @property
    def chimesdkvoice_backend(self) -> ChimeSDKVoiceBackend:
        return chimesdkvoice_backends[self.current_account][self.region]

    def setup_class(
        self, request: Any, full_url: str | None = None, headers: Any = None, use_raw_body: Any = None
    ) -> None:
        # The body stays bytes: it is checked (UTF-8, JSON, depth) before anything parses it.
        super().setup_class(request, full_url, headers, use_raw_body=True)
        # With an empty body moto fills ``data`` with the querystring or even the request headers;
        # its IAM signature check signs ``raw_body or data`` and would then see a body the client
        # never sent.  Inputs come from the parser, not from ``data``.
        self.data = {}

    def _dispatch(self, request: Request, full_url: str | None = None, headers: Any = None) -> TYPE_RESPONSE:
        try:
            self.setup_class(request, full_url, headers)
        except ChimeSDKVoiceError as err:
            return self.serialized(ActionResult(err))
        except (OSError, EOFError, ValueError) as err:  # a body moto cannot read (a broken gzip stream, ...)
            return self.serialized(ActionResult(BadRequestException(f"The request body cannot be read: {err}.")))
        return self.call_action()

    def get_region_from_url(self, request: Any, full_url: str) -> str:
        """moto's choice (host, then the signature's scope); its default when the Authorization header is malformed."""
        try:
            return super().get_region_from_url(request, full_url)
        except IndexError:
            return self.default_region

    def _get_action(self) -> str:
        """The model operation (moto asks for it: IAM checks ``chime:<Action>``); "" when no route matches."""
        if not self._routed and hasattr(self, "normalized_request"):
            self._route = _route(self.normalized_request)
            self._routed = True
            if self._route is not None:
                self.uri_match = self._route[1]
        return self._route[0] if self._route else ""

    def parse_parameters(self, request: Request) -> None:
        """Called by moto's setup_class; parsing waits until the caller is authorized (see call_action)."""
        self._request_to_parse = request

    def _parse(self, operation: OperationModel) -> dict[str, Any]:
        request = self._request_to_parse or self.normalized_request
        body = request.get_data()
        check_body(body)
        parser = ChimeSDKVoiceRequestParser(operation)
        return parser.parse(
            {
                "method": request.method,
                "values": request.args,
                "headers": request.headers,
                "body": body,
                "url_path": request.path,
                "url_params": self.uri_match,
            }
        )

    def _authorize(self, operation: str) -> None:
        try:
            self._authenticate_and_authorize_normal_action()
        except HTTPException as err:
            error_type = getattr(err, "error_type", "AccessDenied")
            error_class = _IAM_ERRORS.get(error_type) or iam_denial_error(operation)
            raise error_class(getattr(err, "message", None) or str(err)) from None
        except ChimeSDKVoiceError:
            raise
        except (
            ServiceException
        ) as err:  # IAM's NoSuchEntity: a key of STS's for a role that does not exist (or no more)
            raise iam_denial_error(operation)(f"Not authorized to perform: chime:{operation} ({err.message})") from None
        except KeyError as err:  # moto reads the Authorization header without checking it is there
            raise ForbiddenException(f"Missing Authentication Token: the request is not signed ({err}).") from None
        except (IndexError, ValueError, TypeError, AttributeError) as err:  # ... nor that it is well formed
            raise InvalidSignatureException(f"The Authorization header is malformed ({type(err).__name__}).") from None

    def call_action(self) -> TYPE_RESPONSE:
        result: ActionResult
        try:
            name = self._get_action()
            if not name:
                raise UnknownOperationException(f"No Chime SDK Voice operation matches {self.method} {self.raw_path}.")
            self._authorize(name)
            if name not in implemented_operations():
                raise NotImplementedException(f"{name} is not implemented by this Chime SDK Voice backend.")
            operation = service_model().operation_model(name)
            self.params = self._parse(operation)
            validate_input(operation, self.params)
            result = getattr(self, camelcase_to_underscores(name))()
        except ChimeSDKVoiceError as err:
            result = ActionResult(err)
        return self.serialized(result)

    def serialized(self, action_result: ActionResult) -> TYPE_RESPONSE:
        model = service_model()
        name = self._get_action()
        operation = model.operation_model(name) if name else OperationModel({}, model)
        context = ActionContext(model, operation, ChimeSDKVoiceSerializer, self)
        status, headers, body = action_result.execute_result(context)
        headers.update(getattr(self, "response_headers", {}))
        headers["x-amzn-RequestId"] = str(uuid4())
        if int(status) == 204:  # No Content: no body, whatever the serializer wrote
            body = ""
            headers.pop("Content-Type", None)
        return status, headers, body

    # ----------------------------------------------------------------- voice connectors
    def create_voice_connector(self) -> ActionResult:
        connector = self.chimesdkvoice_backend.create_voice_connector(
            name=self._get_param("Name"),
            require_encryption=self._get_param("RequireEncryption"),
            aws_region=self._get_param("AwsRegion"),
            integration_type=self._get_param("IntegrationType"),
            network_type=self._get_param("NetworkType"),
        )
        return ActionResult({"VoiceConnector": connector.to_dict()})

    def get_voice_connector(self) -> ActionResult:
        connector = self.chimesdkvoice_backend.get_voice_connector(self._get_param("VoiceConnectorId"))
        return ActionResult({"VoiceConnector": connector.to_dict()})

    def list_voice_connectors(self) -> ActionResult:
        connectors, token = self.chimesdkvoice_backend.list_voice_connectors(
            next_token=self._get_param("NextToken"), max_results=self._get_param("MaxResults")
        )
        return ActionResult({"VoiceConnectors": [c.to_dict() for c in connectors], "NextToken": token})

    def delete_voice_connector(self) -> ActionResult:
        self.chimesdkvoice_backend.delete_voice_connector(self._get_param("VoiceConnectorId"))
        return EmptyResult()

    # ----------------------------------------------------------------- proxy configuration
    def put_voice_connector_proxy(self) -> ActionResult:
        config = self.chimesdkvoice_backend.put_voice_connector_proxy(
            voice_connector_id=self._get_param("VoiceConnectorId"),
            default_session_expiry_minutes=self._get_param("DefaultSessionExpiryMinutes"),
            phone_number_pool_countries=self._get_param("PhoneNumberPoolCountries"),
            fall_back_phone_number=self._get_param("FallBackPhoneNumber"),
            disabled=self._get_param("Disabled"),
        )
        return ActionResult({"Proxy": config.to_dict()})

    def get_voice_connector_proxy(self) -> ActionResult:
        config = self.chimesdkvoice_backend.get_voice_connector_proxy(self._get_param("VoiceConnectorId"))
        return ActionResult({"Proxy": config.to_dict()})

    def delete_voice_connector_proxy(self) -> ActionResult:
        self.chimesdkvoice_backend.delete_voice_connector_proxy(self._get_param("VoiceConnectorId"))
        return EmptyResult()

    # ----------------------------------------------------------------- proxy sessions
    def create_proxy_session(self) -> ActionResult:
        session = self.chimesdkvoice_backend.create_proxy_session(
            voice_connector_id=self._get_param("VoiceConnectorId"),
            participant_phone_numbers=self._get_param("ParticipantPhoneNumbers"),
            capabilities=self._get_param("Capabilities"),
            name=self._get_param("Name"),
            expiry_minutes=self._get_param("ExpiryMinutes"),
            number_selection_behavior=self._get_param("NumberSelectionBehavior"),
            geo_match_level=self._get_param("GeoMatchLevel"),
            geo_match_params=self._get_param("GeoMatchParams"),
        )
        return ActionResult({"ProxySession": session.to_dict()})

    def get_proxy_session(self) -> ActionResult:
        session = self.chimesdkvoice_backend.get_proxy_session(
            self._get_param("VoiceConnectorId"), self._get_param("ProxySessionId")
        )
        return ActionResult({"ProxySession": session.to_dict()})

    def list_proxy_sessions(self) -> ActionResult:
        sessions, token = self.chimesdkvoice_backend.list_proxy_sessions(
            voice_connector_id=self._get_param("VoiceConnectorId"),
            status=self._get_param("Status"),
            next_token=self._get_param("NextToken"),
            max_results=self._get_param("MaxResults"),
        )
        return ActionResult({"ProxySessions": [s.to_dict() for s in sessions], "NextToken": token})

    def update_proxy_session(self) -> ActionResult:
        session = self.chimesdkvoice_backend.update_proxy_session(
            voice_connector_id=self._get_param("VoiceConnectorId"),
            proxy_session_id=self._get_param("ProxySessionId"),
            capabilities=self._get_param("Capabilities"),
            expiry_minutes=self._get_param("ExpiryMinutes"),
        )
        return ActionResult({"ProxySession": session.to_dict()})

    def delete_proxy_session(self) -> ActionResult:
        self.chimesdkvoice_backend.delete_proxy_session(
            self._get_param("VoiceConnectorId"), self._get_param("ProxySessionId")
        )
        return EmptyResult()

    # ----------------------------------------------------------------- phone numbers
    def get_phone_number(self) -> ActionResult:
        number = self.chimesdkvoice_backend.get_phone_number(self._get_param("PhoneNumberId"))
        return ActionResult({"PhoneNumber": number.to_dict()})

    def list_phone_numbers(self) -> ActionResult:
        numbers, token = self.chimesdkvoice_backend.list_phone_numbers(
            status=self._get_param("Status"),
            product_type=self._get_param("ProductType"),
            filter_name=self._get_param("FilterName"),
            filter_value=self._get_param("FilterValue"),
            next_token=self._get_param("NextToken"),
            max_results=self._get_param("MaxResults"),
        )
        return ActionResult({"PhoneNumbers": [n.to_dict() for n in numbers], "NextToken": token})

    def associate_phone_numbers_with_voice_connector(self) -> ActionResult:
        errors = self.chimesdkvoice_backend.associate_phone_numbers(
            self._get_param("VoiceConnectorId"),
            self._get_param("E164PhoneNumbers") or [],
            bool(self._get_param("ForceAssociate")),
        )
        return ActionResult({"PhoneNumberErrors": errors})

    def disassociate_phone_numbers_from_voice_connector(self) -> ActionResult:
        errors = self.chimesdkvoice_backend.disassociate_phone_numbers(
            self._get_param("VoiceConnectorId"), self._get_param("E164PhoneNumbers") or []
        )
        return ActionResult({"PhoneNumberErrors": errors})

    def delete_phone_number(self) -> ActionResult:
        self.chimesdkvoice_backend.delete_phone_number(self._get_param("PhoneNumberId"))
        return EmptyResult()

    def batch_delete_phone_number(self) -> ActionResult:
        errors = self.chimesdkvoice_backend.batch_delete_phone_numbers(self._get_param("PhoneNumberIds"))
        return ActionResult({"PhoneNumberErrors": errors})

    def restore_phone_number(self) -> ActionResult:
        number = self.chimesdkvoice_backend.restore_phone_number(self._get_param("PhoneNumberId"))
        return ActionResult({"PhoneNumber": number.to_dict()})
