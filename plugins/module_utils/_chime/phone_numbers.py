# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Phone numbers: ListPhoneNumbers filtered by voice connector, each request through the retry layer."""

from typing import Any
from typing import Dict
from typing import List

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from .errors import ChimeErrorHandler
from .errors import call_about
from .paging import PAGE_SIZE
from .paging import every_page
from .retries import chime_retry


@chime_retry
def _request_phone_numbers_page(client: Any, **params: Any) -> Dict[str, Any]:
    return client.list_phone_numbers(**params)


@ChimeErrorHandler.common_error_handler("list phone numbers")
def _list_voice_connector_phone_numbers(client: Any, voice_connector_id: str) -> List[Dict[str, Any]]:
    def request_page(**params: Any) -> Dict[str, Any]:
        try:
            return _request_phone_numbers_page(client, **params)
        except is_boto3_error_code("NotFoundException"):
            if "NextToken" in params:
                raise  # the connector vanished during the listing: what was listed is not the whole
            return {}  # the connector does not exist (any more): nothing to list

    params = {"FilterName": "VoiceConnectorId", "FilterValue": voice_connector_id, "MaxResults": PAGE_SIZE}
    return every_page(request_page, params, "PhoneNumbers", "phone numbers")


def list_voice_connector_phone_numbers(client: Any, voice_connector_id: str) -> List[Dict[str, Any]]:
    """Every phone number ListPhoneNumbers gives for FilterName=VoiceConnectorId, page by page.

    A connector that does not exist is an empty list; any other failure fails the whole listing.
    """
    return call_about(
        f"of voice connector {voice_connector_id}", _list_voice_connector_phone_numbers, client, voice_connector_id
    )
