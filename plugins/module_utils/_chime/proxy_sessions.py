# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proxy sessions: Get, List, Create, Update and DeleteProxySession, each request through the retry layer.

Helpers follow amazon.aws: the error handler outside, the retry layer inside. Results are what the service sent;
normalize_proxy_session gives the modules' snake_case form.
"""

from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

try:
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from .concurrency import DEFAULT_MAX_CONCURRENCY
from .concurrency import run_concurrently
from .errors import ChimeErrorHandler
from .errors import call_about
from .normalize import snake_case_keys
from .paging import PAGE_SIZE
from .paging import every_page
from .retries import chime_retry
from .writes import call_write


@ChimeErrorHandler.list_error_handler("get proxy session", None)
@chime_retry
def _get_proxy_session(client: Any, voice_connector_id: str, proxy_session_id: str) -> Optional[Dict[str, Any]]:
    return client.get_proxy_session(VoiceConnectorId=voice_connector_id, ProxySessionId=proxy_session_id)[
        "ProxySession"
    ]


def get_proxy_session(client: Any, voice_connector_id: str, proxy_session_id: str) -> Optional[Dict[str, Any]]:
    """One proxy session as the service sends it; None when the session or the connector does not exist."""
    return call_about(
        f"{proxy_session_id} of voice connector {voice_connector_id}",
        _get_proxy_session,
        client,
        voice_connector_id,
        proxy_session_id,
    )


def get_proxy_sessions(
    client: Any,
    voice_connector_id: str,
    proxy_session_ids: Iterable[str],
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
) -> List[Dict[str, Any]]:
    """Many proxy sessions, at most max_concurrency requests at once.

    The result follows the order of the ids, each id once, with ids that do not exist left out.
    The first failure stops the work still queued and is raised: no partial result.
    """
    ids = list(dict.fromkeys(proxy_session_ids))
    found = run_concurrently(lambda i: get_proxy_session(client, voice_connector_id, i), ids, max_concurrency)
    return [session for session in found if session is not None]


@chime_retry
def _request_proxy_sessions_page(client: Any, **params: Any) -> Dict[str, Any]:
    return client.list_proxy_sessions(**params)


@ChimeErrorHandler.common_error_handler("list proxy sessions")
def _list_proxy_sessions(client: Any, voice_connector_id: str, status: Optional[str]) -> List[Dict[str, Any]]:
    def request_page(**params: Any) -> Dict[str, Any]:
        try:
            return _request_proxy_sessions_page(client, **params)
        except is_boto3_error_code("NotFoundException"):
            if "NextToken" in params:
                raise  # the connector vanished during the listing: what was listed is not the whole
            return {}  # the connector does not exist: nothing to list

    params: Dict[str, Any] = {"VoiceConnectorId": voice_connector_id, "MaxResults": PAGE_SIZE}
    if status:
        params["Status"] = status
    return every_page(request_page, params, "ProxySessions", "proxy sessions")


def list_proxy_sessions(client: Any, voice_connector_id: str, status: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every proxy session of a connector (optionally of one status), page by page in the service's order.

    A connector that does not exist is an empty list. Any page that still fails after its retries, and a NextToken
    the service repeats, fail the whole listing: a partial list is never returned.
    """
    return call_about(
        f"of voice connector {voice_connector_id}", _list_proxy_sessions, client, voice_connector_id, status
    )


def normalize_proxy_session(session: Dict[str, Any]) -> Dict[str, Any]:
    """A ProxySession with snake_case keys, values as AWS sends them (status stays "Open")."""
    return snake_case_keys(session)


def may_have_been_carried_out(error: BaseException) -> bool:
    """Whether a failed create may still have created the session: the request got no answer (the connection
    dropped or timed out) or a server fault (5xx). A throttle (429) or a refusal (4xx) means it was not."""
    if isinstance(error, botocore.exceptions.ClientError):
        return (error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0) >= 500
    return isinstance(error, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError))


@ChimeErrorHandler.common_error_handler("create proxy session")
def _create_proxy_session(
    client: Any,
    voice_connector_id: str,
    members: Dict[str, Any],
    existing: Callable[[], Optional[Dict[str, Any]]],
) -> Dict[str, Any]:
    unanswered = False

    @chime_retry
    def attempt() -> Dict[str, Any]:
        nonlocal unanswered
        if unanswered:
            found = existing()
            if found is not None:
                return found
        try:
            return client.create_proxy_session(VoiceConnectorId=voice_connector_id, **members)["ProxySession"]
        except Exception as error:
            unanswered = unanswered or may_have_been_carried_out(error)
            raise

    return attempt()


def create_proxy_session(
    client: Any,
    voice_connector_id: str,
    members: Dict[str, Any],
    existing: Callable[[], Optional[Dict[str, Any]]],
) -> Dict[str, Any]:
    """A new session from CreateProxySession's members (ParticipantPhoneNumbers, Capabilities, Name, ...), created
    once.

    Throttled requests are retried as every request is. After a create that got no answer or a server fault, AWS
    may have created the session all the same: before sending it again, existing() looks for it (by name and
    participants), and the session it finds is the one returned, so that a retry never leaves a second session.
    """
    return call_write(
        f"{members.get('Name')!r} on voice connector {voice_connector_id}",
        "chime:CreateProxySession",
        _create_proxy_session,
        client,
        voice_connector_id,
        members,
        existing,
    )


@ChimeErrorHandler.common_error_handler("update proxy session")
@chime_retry
def _update_proxy_session(
    client: Any, voice_connector_id: str, proxy_session_id: str, members: Dict[str, Any]
) -> Dict[str, Any]:
    return client.update_proxy_session(VoiceConnectorId=voice_connector_id, ProxySessionId=proxy_session_id, **members)[
        "ProxySession"
    ]


def update_proxy_session(
    client: Any, voice_connector_id: str, proxy_session_id: str, members: Dict[str, Any]
) -> Dict[str, Any]:
    """The session after UpdateProxySession with these members (Capabilities, which the model requires, and
    ExpiryMinutes)."""
    return call_write(
        f"{proxy_session_id} of voice connector {voice_connector_id}",
        "chime:UpdateProxySession",
        _update_proxy_session,
        client,
        voice_connector_id,
        proxy_session_id,
        members,
    )


@ChimeErrorHandler.deletion_error_handler("delete proxy session")
@chime_retry
def _delete_proxy_session(client: Any, voice_connector_id: str, proxy_session_id: str) -> bool:
    client.delete_proxy_session(VoiceConnectorId=voice_connector_id, ProxySessionId=proxy_session_id)
    return True


def delete_proxy_session(client: Any, voice_connector_id: str, proxy_session_id: str) -> bool:
    """Delete one session: True when deleted, False when it (or its connector) did not exist."""
    return call_write(
        f"{proxy_session_id} of voice connector {voice_connector_id}",
        "chime:DeleteProxySession",
        _delete_proxy_session,
        client,
        voice_connector_id,
        proxy_session_id,
    )
