# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The proxy configuration of a voice connector: GetVoiceConnectorProxy (and the writes, Put and Delete).

Mind the names: GetVoiceConnectorProxy answers PhoneNumberCountries where PutVoiceConnectorProxy takes
PhoneNumberPoolCountries.
"""

from typing import Any
from typing import Dict
from typing import Optional

from .errors import ChimeErrorHandler
from .errors import call_about
from .retries import chime_retry
from .writes import call_write


@ChimeErrorHandler.list_error_handler("get the proxy configuration", None)
@chime_retry
def _get_voice_connector_proxy(client: Any, voice_connector_id: str) -> Optional[Dict[str, Any]]:
    return client.get_voice_connector_proxy(VoiceConnectorId=voice_connector_id).get("Proxy")


def get_voice_connector_proxy(client: Any, voice_connector_id: str) -> Optional[Dict[str, Any]]:
    """The connector's proxy configuration as the service sends it; None when it has none or does not exist."""
    return call_about(
        f"of voice connector {voice_connector_id}", _get_voice_connector_proxy, client, voice_connector_id
    )


# PutVoiceConnectorProxy's member for each member GetVoiceConnectorProxy answers with (Put replaces the whole).
PUT_MEMBER_OF = {
    "DefaultSessionExpiryMinutes": "DefaultSessionExpiryMinutes",
    "PhoneNumberCountries": "PhoneNumberPoolCountries",
    "FallBackPhoneNumber": "FallBackPhoneNumber",
    "Disabled": "Disabled",
}


def disabling_members(proxy: Dict[str, Any]) -> Dict[str, Any]:
    """PutVoiceConnectorProxy's members that keep a configuration (as Get answers it) as it is, but disabled."""
    members = {put: proxy[get] for get, put in PUT_MEMBER_OF.items() if proxy.get(get) not in (None, "")}
    members["Disabled"] = True
    return members


@ChimeErrorHandler.common_error_handler("put the proxy configuration")
@chime_retry
def _put_voice_connector_proxy(client: Any, voice_connector_id: str, members: Dict[str, Any]) -> Dict[str, Any]:
    return client.put_voice_connector_proxy(VoiceConnectorId=voice_connector_id, **members).get("Proxy") or {}


def put_voice_connector_proxy(client: Any, voice_connector_id: str, members: Dict[str, Any]) -> Dict[str, Any]:
    """Set the connector's whole proxy configuration (PutVoiceConnectorProxy's members); the Proxy AWS answers with."""
    return call_write(
        f"of voice connector {voice_connector_id}",
        "chime:PutVoiceConnectorProxy",
        _put_voice_connector_proxy,
        client,
        voice_connector_id,
        members,
    )


@ChimeErrorHandler.deletion_error_handler("delete the proxy configuration")
@chime_retry
def _delete_voice_connector_proxy(client: Any, voice_connector_id: str) -> bool:
    client.delete_voice_connector_proxy(VoiceConnectorId=voice_connector_id)
    return True


def delete_voice_connector_proxy(client: Any, voice_connector_id: str) -> bool:
    """Remove the connector's proxy configuration: True when removed, False when there was none (NotFound)."""
    return call_write(
        f"of voice connector {voice_connector_id}",
        "chime:DeleteVoiceConnectorProxy",
        _delete_voice_connector_proxy,
        client,
        voice_connector_id,
    )
