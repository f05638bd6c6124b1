# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Voice connectors: ListVoiceConnectors and GetVoiceConnector, each request through the retry layer.

Helpers follow amazon.aws: the error handler outside, the retry layer inside. Results are what the service sent.
"""

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

from .concurrency import DEFAULT_MAX_CONCURRENCY
from .concurrency import run_concurrently
from .errors import ChimeErrorHandler
from .errors import call_about
from .paging import PAGE_SIZE
from .paging import every_page
from .retries import chime_retry


def _region(client: Any) -> str:
    return getattr(getattr(client, "meta", None), "region_name", None) or "(no region)"


@chime_retry
def _request_voice_connectors_page(client: Any, **params: Any) -> Dict[str, Any]:
    return client.list_voice_connectors(**params)


@ChimeErrorHandler.common_error_handler("list voice connectors")
def _list_voice_connectors(client: Any) -> List[Dict[str, Any]]:
    def request_page(**params: Any) -> Dict[str, Any]:
        return _request_voice_connectors_page(client, **params)

    return every_page(request_page, {"MaxResults": PAGE_SIZE}, "VoiceConnectors", "voice connectors")


def list_voice_connectors(client: Any) -> List[Dict[str, Any]]:
    """Every voice connector of the client's region, page by page (100 a page) in the service's order.

    Any page that still fails after its retries, and a NextToken the service repeats, fail the whole listing.
    """
    return call_about(f"in region {_region(client)}", _list_voice_connectors, client)


@ChimeErrorHandler.list_error_handler("get voice connector", None)
@chime_retry
def _get_voice_connector(client: Any, voice_connector_id: str) -> Optional[Dict[str, Any]]:
    return client.get_voice_connector(VoiceConnectorId=voice_connector_id).get("VoiceConnector")


def get_voice_connector(client: Any, voice_connector_id: str) -> Optional[Dict[str, Any]]:
    """One voice connector as the service sends it; None when it does not exist."""
    return call_about(voice_connector_id, _get_voice_connector, client, voice_connector_id)


def get_voice_connectors(
    client: Any, voice_connector_ids: Iterable[str], max_concurrency: int = DEFAULT_MAX_CONCURRENCY
) -> List[Dict[str, Any]]:
    """Several voice connectors, at most max_concurrency requests at once.

    The result follows the order of the ids, each id once, with ids that do not exist left out.
    """
    ids = list(dict.fromkeys(voice_connector_ids))
    found = run_concurrently(lambda i: get_voice_connector(client, i), ids, max_concurrency)
    return [connector for connector in found if connector is not None]
