# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon Chime SDK Voice proxy sessions: model rules, client, API calls and normalisation.

The module file only parses options and reports; everything that talks to botocore lives here.
Helpers follow amazon.aws: an error handler outside, AWSRetry.jittered_backoff inside.
"""

import datetime
import functools
import re
from concurrent.futures import FIRST_EXCEPTION
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

try:
    import boto3
    import botocore
    import botocore.config
    import botocore.session
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

SERVICE_NAME = "chime-sdk-voice"
COLLECTION = "telephony.chime"

# ListProxySessions has no boto3 paginator; the model allows 1 to 100 results a page.
LIST_PAGE_SIZE = 100

# Chime answers throttling with ThrottledClientException (HTTP 429) and transient faults with
# ServiceUnavailableException (503) and ServiceFailureException (500). AWSRetry's default list
# matches none of them. botocore's own retries are switched off for this client (see
# chime_client) so that this is the only retry layer and its bound is the one documented:
# at most RETRY_ATTEMPTS attempts per request, sleeping a uniform random time in
# [0, min(RETRY_MAX_DELAY, RETRY_DELAY * 2**n)] between them, which sums to at most
# 0.25 + 0.5 + 1 + 2 + 4 + 5 * 4 = 27.75 seconds of back-off per request.
RETRY_CODES = ["ThrottledClientException", "ServiceUnavailableException", "ServiceFailureException"]
RETRY_ATTEMPTS = 10
RETRY_DELAY = 0.25
RETRY_MAX_DELAY = 5.0


def chime_retry(func: Callable[..., Any]) -> Callable[..., Any]:
    """AWSRetry.jittered_backoff with the settings above, with back-off state of its own for every call.

    AWSRetry.jittered_backoff keeps one BackoffIterator per decorated function, and each retry loop resets and
    doubles that one delay. The threads of get_proxy_sessions share the decorated function, so they would
    lengthen each other's back-off (up to 9 x 5 = 45 seconds for a request instead of 27.75) or cut it short.
    A fresh decorator per call costs microseconds and keeps each request's back-off its own.
    """

    @functools.wraps(func)
    def retrying(*args: Any, **kwargs: Any) -> Any:
        backoff = AWSRetry.jittered_backoff(
            retries=RETRY_ATTEMPTS,
            delay=RETRY_DELAY,
            max_delay=RETRY_MAX_DELAY,
            catch_extra_error_codes=RETRY_CODES,
        )
        return backoff(func)(*args, **kwargs)

    return retrying


# Which member of which operation's input each module option is sent as.
OPTION_MEMBERS = {
    "voice_connector_id": ("GetProxySession", "VoiceConnectorId"),
    "proxy_session_id": ("GetProxySession", "ProxySessionId"),
    "proxy_session_ids": ("GetProxySession", "ProxySessionId"),
    "status": ("ListProxySessions", "Status"),
}

MAX_CONCURRENCY_RANGE = (1, 100)


class AnsibleChimeError(AnsibleAWSError):
    pass


class ChimeErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleChimeError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


class ChimeModel:
    """The chime-sdk-voice service model as the installed botocore ships it.

    One botocore session loads the JSON once: the rules, the deprecation notices and the client
    all come from it, so nothing is read twice and nothing is copied by hand.
    """

    def __init__(self, botocore_session: Optional["botocore.session.Session"] = None) -> None:
        self.session = botocore_session or botocore.session.Session()
        self.service_model = self.session.get_service_model(SERVICE_NAME)
        self._raw = self.session.get_component("data_loader").load_service_model(SERVICE_NAME, "service-2")

    def member_shape(self, operation: str, member: str):
        return self.service_model.operation_model(operation).input_shape.members[member]

    def enum(self, operation: str, member: str) -> List[str]:
        return list(self.member_shape(operation, member).enum)

    def deprecation(self, operation: str) -> Optional[str]:
        """The model's deprecation notice for an operation, or None when the model has no such flag."""
        if not self.service_model.operation_model(operation).deprecated:
            return None
        message = self._raw["operations"][operation].get("deprecatedMessage")
        return message or f"AWS marks the {operation} operation as deprecated."


def shape_violations(shape, value: Any) -> List[str]:
    """What a value breaks of a botocore string shape's constraints, in the model's own terms.

    Patterns are applied as a full match, as AWS validates them on the service side.
    """
    rules = shape.metadata
    problems = []
    if shape.enum and value not in shape.enum:
        problems.append(f"must be one of {', '.join(shape.enum)}")
    if "min" in rules and len(value) < rules["min"]:
        problems.append(f"must be at least {rules['min']} characters long")
    if "max" in rules and len(value) > rules["max"]:
        problems.append(f"must be at most {rules['max']} characters long")
    if "pattern" in rules and re.fullmatch(rules["pattern"], value) is None:
        problems.append(f"must match the pattern {rules['pattern']}")
    return problems


def validate_params(model: ChimeModel, params: Dict[str, Any]) -> List[str]:
    """Check every option against the chime-sdk-voice model, before anything is sent.

    Returns one message per broken rule, each naming the option, the value's position in a list,
    the AWS member and the rule; an empty list when everything holds.
    """
    errors = []
    for option, (operation, member) in OPTION_MEMBERS.items():
        value = params.get(option)
        if value is None:
            continue
        shape = model.member_shape(operation, member)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = option if index is None else f"{option}[{index}]"
            for problem in shape_violations(shape, item):
                errors.append(f"{where} ({operation} {member}) {problem}, got {item!r}")
    concurrency = params.get("max_concurrency")
    low, high = MAX_CONCURRENCY_RANGE
    if concurrency is not None and not low <= concurrency <= high:
        errors.append(f"max_concurrency must be between {low} and {high}, got {concurrency}")
    return errors


def check_params(model: ChimeModel, params: Dict[str, Any]) -> str:
    """Raise when an option breaks a rule; otherwise name the operation the options call for."""
    errors = validate_params(model, params)
    if errors:
        raise AnsibleChimeError(message=f"Invalid options, nothing was sent to AWS: {'; '.join(errors)}")
    if params.get("proxy_session_id") is None and params.get("proxy_session_ids") is None:
        return "ListProxySessions"
    return "GetProxySession"


def _identity(value):
    return value


def chime_client(module, model: ChimeModel, max_concurrency: int = 10):
    """A chime-sdk-voice client built from the module's amazon.aws connection options.

    Differs from AnsibleAWSModule.client in two ways, both for speed and honesty:
    timestamps stay the ISO 8601 strings the service sent (botocore would parse each one with
    dateutil, the main cost of a large listing), and botocore's own retries are off so that
    chime_retry is the single, bounded retry layer. The connection pool holds one connection
    per worker. A user's aws_config still wins over these defaults.
    """
    region, endpoint_url, connect_kwargs = get_aws_connection_info(module)
    profile = connect_kwargs.pop("profile_name", None)
    user_config = connect_kwargs.pop("aws_config", None)
    config = botocore.config.Config(
        user_agent_extra=f"APN/1.0 Ansible/{ANSIBLE_VERSION} {COLLECTION}",
        max_pool_connections=max(10, max_concurrency),
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    if user_config:
        config = config.merge(user_config)
    model.session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_identity)
    try:
        session = boto3.session.Session(botocore_session=model.session, profile_name=profile)
        return session.client(
            SERVICE_NAME, region_name=region, endpoint_url=endpoint_url, config=config, **connect_kwargs
        )
    except botocore.exceptions.NoRegionError as e:
        raise AnsibleChimeError(
            message="A region is required and none was found in the region option, "
            "the environment variables or the AWS configuration files"
        ) from e
    except (ValueError, botocore.exceptions.BotoCoreError) as e:
        raise AnsibleChimeError(message="Couldn't connect to AWS", exception=e) from e


@ChimeErrorHandler.list_error_handler("get proxy session", None)
@chime_retry
def _get_proxy_session(client, voice_connector_id: str, proxy_session_id: str) -> Optional[Dict[str, Any]]:
    return client.get_proxy_session(VoiceConnectorId=voice_connector_id, ProxySessionId=proxy_session_id)[
        "ProxySession"
    ]


def _naming(what: str, call: Callable[..., Any], *args: Any) -> Any:
    """Run an API helper; if it fails, say which session or connector the failure was about."""
    try:
        return call(*args)
    except AnsibleChimeError as e:
        raise AnsibleChimeError(message=f"{e.message} {what}", exception=e.exception) from e.exception


def get_proxy_session(client, voice_connector_id: str, proxy_session_id: str) -> Optional[Dict[str, Any]]:
    """One proxy session as the service sends it; None when the session or the connector does not exist."""
    return _naming(
        f"{proxy_session_id} of voice connector {voice_connector_id}",
        _get_proxy_session,
        client,
        voice_connector_id,
        proxy_session_id,
    )


@chime_retry
def _list_proxy_sessions_page(client, **params) -> Dict[str, Any]:
    return client.list_proxy_sessions(**params)


@ChimeErrorHandler.common_error_handler("list proxy sessions")
def _list_proxy_sessions(client, voice_connector_id: str, status: Optional[str]) -> List[Dict[str, Any]]:
    """Page by page with NextToken, in the order the service lists them.

    A connector that does not exist (on the first page) is an empty list. Any page that still fails after its retries
    fails the whole listing: a partial list is never returned.
    """
    params = {"VoiceConnectorId": voice_connector_id, "MaxResults": LIST_PAGE_SIZE}
    if status:
        params["Status"] = status
    sessions = []
    while True:
        try:
            page = _list_proxy_sessions_page(client, **params)
        except is_boto3_error_code("NotFoundException"):
            if "NextToken" in params:
                raise
            return []
        sessions.extend(page.get("ProxySessions", []))
        token = page.get("NextToken")
        if not token:
            return sessions
        params["NextToken"] = token


def list_proxy_sessions(client, voice_connector_id: str, status: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every proxy session of a connector (optionally of one status); [] when the connector does not exist."""
    return _naming(f"of voice connector {voice_connector_id}", _list_proxy_sessions, client, voice_connector_id, status)


def get_proxy_sessions(
    client, voice_connector_id: str, proxy_session_ids: Iterable[str], max_concurrency: int = 10
) -> List[Dict[str, Any]]:
    """Many proxy sessions fetched by a bounded pool of threads sharing one (thread-safe) client.

    The result follows the order of the ids, each id once, with ids that do not exist left out.
    The first failure stops the work still queued and is raised: no partial result.
    """
    ids = list(dict.fromkeys(proxy_session_ids))
    if not ids:
        return []
    if max_concurrency == 1 or len(ids) == 1:
        found = [get_proxy_session(client, voice_connector_id, i) for i in ids]
        return [session for session in found if session is not None]
    with ThreadPoolExecutor(max_workers=min(max_concurrency, len(ids))) as pool:
        futures = [pool.submit(get_proxy_session, client, voice_connector_id, i) for i in ids]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future in done and future.exception() is not None:
                raise future.exception()
    return [session for session in (f.result() for f in futures) if session is not None]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


_SNAKE_CACHE: Dict[str, str] = {}


def _key(name: str) -> str:
    key = _SNAKE_CACHE.get(name)
    if key is None:
        key = _SNAKE_CACHE[name] = _snake(name)
    return key


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return {_key(k): _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def normalize_proxy_session(session: Dict[str, Any]) -> Dict[str, Any]:
    """A ProxySession as the service sent it, with snake_case keys and ISO 8601 timestamps.

    Values are kept as AWS sends them (status stays "Open"); members the service left out stay out.
    """
    return {_key(k): _value(v) for k, v in session.items()}


def describe_proxy_sessions(client, params: Dict[str, Any]) -> Dict[str, Any]:
    """The module's result for its options: proxy_sessions always, proxy_session for a single id."""
    voice_connector_id = params["voice_connector_id"]
    if params.get("proxy_session_id") is not None:
        session = get_proxy_session(client, voice_connector_id, params["proxy_session_id"])
        found = normalize_proxy_session(session) if session else {}
        return {"proxy_sessions": [found] if found else [], "proxy_session": found}
    if params.get("proxy_session_ids") is not None:
        sessions = get_proxy_sessions(
            client, voice_connector_id, params["proxy_session_ids"], params.get("max_concurrency") or 10
        )
    else:
        sessions = list_proxy_sessions(client, voice_connector_id, params.get("status"))
    return {"proxy_sessions": [normalize_proxy_session(s) for s in sessions]}
