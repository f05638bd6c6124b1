# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Phone numbers: listed by voice connector, associated and disassociated, deleted and restored.

Each request goes through the retry layer; writes name the IAM action when AWS refuses them (writes.call_write).
The batch operations answer per number (PhoneNumberErrors): the helpers return those errors, and the modules fail
on any of them, naming each number with its code.
"""

import datetime
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Set
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from .errors import AnsibleChimeError
from .errors import ChimeErrorHandler
from .errors import call_about
from .normalize import snake_case_keys
from .paging import PAGE_SIZE
from .paging import every_page
from .retries import chime_retry
from .session_filters import parse_iso8601
from .writes import call_write


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


# --- releasing numbers: associate, disassociate, delete into the 7-day deletion queue, restore ------------------

# DeletePhoneNumber's documentation: a deleted number stays in the deletion queue for 7 days, then leaves the
# account for good; RestorePhoneNumber brings it back until then.
DELETION_QUEUE_DAYS = 7
# BatchDeletePhoneNumber takes a list of ids; the model sets no maximum, AWS's quotas page none either. The module
# sends at most this many a request, so that one answer's PhoneNumberErrors stays readable.
BATCH_DELETE_SIZE = 100


class PhoneNumberErrors(AnsibleChimeError):
    """The service answered, but refused some numbers (PhoneNumberErrors): each is named with its code.

    result is the module's result so far (what did change); the failed task carries it, with refused.
    """

    def __init__(self, message: str, errors: List[Dict[str, Any]], result: Dict[str, Any]) -> None:
        refused = "; ".join(f"{e.get('PhoneNumberId')} ({e.get('ErrorCode')}: {e.get('ErrorMessage')})" for e in errors)
        super().__init__(message=f"{message}: {refused}")
        self.errors = errors
        self.kwargs = {**result, "refused": snake_case_keys(errors)}


def e164(number: str) -> str:
    """The model's E164PhoneNumber pattern allows a number without its "+": compare numbers in one form."""
    return number if number.startswith("+") else f"+{number}"


def number_of_id(phone_number_id: str) -> str:
    """The E.164 number a PhoneNumberId the service sent stands for.

    The model says only "the phone number ID". The modules send a number's E.164 form as its id, as AWS's CLI examples
    do, but those examples show the id coming back percent-encoded ("%2B12065550100"): answers are decoded first.
    """
    return e164(unquote(phone_number_id))


def refused_numbers(errors: List[Dict[str, Any]], sent: Iterable[str]) -> Set[str]:
    """Which of the numbers sent a batch answer's PhoneNumberErrors refused (E.164).

    Every number sent when an entry names no number: which one it meant cannot be told, so none is taken as done.
    """
    if any(not e.get("PhoneNumberId") for e in errors):
        return set(sent)
    return {number_of_id(e["PhoneNumberId"]) for e in errors}


def queued(number: Optional[Dict[str, Any]]) -> bool:
    """Whether a number (as the service sends it) is in the deletion queue: it carries a DeletionTimestamp.

    Its Status does not decide. The model's PhoneNumberStatus has both DeleteInProgress and ReleaseInProgress, and
    AWS documents neither as the status of a queued number, nor what either means without a DeletionTimestamp (the
    model's "deleted phone number timestamp"): a number whose status reads so without one is not taken as queued.
    """
    return bool(number and number.get("DeletionTimestamp"))


@ChimeErrorHandler.common_error_handler("associate phone numbers")
@chime_retry
def _associate(client: Any, voice_connector_id: str, numbers: List[str], force: bool) -> List[Dict[str, Any]]:
    answer = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=voice_connector_id, E164PhoneNumbers=numbers, ForceAssociate=force
    )
    return answer.get("PhoneNumberErrors") or []


def associate_phone_numbers(
    client: Any, voice_connector_id: str, numbers: List[str], force: bool = False
) -> List[Dict[str, Any]]:
    """AssociatePhoneNumbersWithVoiceConnector; the PhoneNumberErrors of the numbers it refused ([] for none)."""
    return call_write(
        f"with voice connector {voice_connector_id}",
        "chime:AssociatePhoneNumbersWithVoiceConnector",
        _associate,
        client,
        voice_connector_id,
        numbers,
        force,
    )


@ChimeErrorHandler.common_error_handler("disassociate phone numbers")
@chime_retry
def _disassociate(client: Any, voice_connector_id: str, numbers: List[str]) -> List[Dict[str, Any]]:
    answer = client.disassociate_phone_numbers_from_voice_connector(
        VoiceConnectorId=voice_connector_id, E164PhoneNumbers=numbers
    )
    return answer.get("PhoneNumberErrors") or []


def disassociate_phone_numbers(client: Any, voice_connector_id: str, numbers: List[str]) -> List[Dict[str, Any]]:
    """DisassociatePhoneNumbersFromVoiceConnector; the PhoneNumberErrors of the numbers it refused ([] for none)."""
    return call_write(
        f"from voice connector {voice_connector_id}",
        "chime:DisassociatePhoneNumbersFromVoiceConnector",
        _disassociate,
        client,
        voice_connector_id,
        numbers,
    )


@ChimeErrorHandler.list_error_handler("get phone number", None)
@chime_retry
def _get_phone_number(client: Any, phone_number_id: str) -> Optional[Dict[str, Any]]:
    return client.get_phone_number(PhoneNumberId=phone_number_id)["PhoneNumber"]


def get_phone_number(client: Any, phone_number_id: str) -> Optional[Dict[str, Any]]:
    """One phone number as the service sends it; None when the account does not have it (any more)."""
    return call_about(phone_number_id, _get_phone_number, client, phone_number_id)


@ChimeErrorHandler.deletion_error_handler("delete phone number")
@chime_retry
def _delete_phone_number(client: Any, phone_number_id: str) -> bool:
    client.delete_phone_number(PhoneNumberId=phone_number_id)
    return True


@ChimeErrorHandler.common_error_handler("delete phone numbers")
@chime_retry
def _batch_delete(client: Any, phone_number_ids: List[str]) -> List[Dict[str, Any]]:
    return client.batch_delete_phone_number(PhoneNumberIds=phone_number_ids).get("PhoneNumberErrors") or []


def delete_phone_numbers(client: Any, phone_number_ids: List[str]) -> List[Dict[str, Any]]:
    """Put numbers in the deletion queue: DeletePhoneNumber for one, BatchDeletePhoneNumber (100 a request) for more.

    The PhoneNumberErrors of the numbers refused; a single number the account does not have comes back as one.
    """
    if len(phone_number_ids) == 1:
        (phone_number_id,) = phone_number_ids
        found = call_write(phone_number_id, "chime:DeletePhoneNumber", _delete_phone_number, client, phone_number_id)
        if found:
            return []
        return [{"PhoneNumberId": phone_number_id, "ErrorCode": "NotFound", "ErrorMessage": "not found"}]
    errors: List[Dict[str, Any]] = []
    for start in range(0, len(phone_number_ids), BATCH_DELETE_SIZE):
        chunk = phone_number_ids[start : start + BATCH_DELETE_SIZE]
        errors += call_write(f"({len(chunk)} numbers)", "chime:BatchDeletePhoneNumber", _batch_delete, client, chunk)
    return errors


@chime_retry
def _restore_request(client: Any, phone_number_id: str) -> Dict[str, Any]:
    return client.restore_phone_number(PhoneNumberId=phone_number_id)["PhoneNumber"]


@ChimeErrorHandler.common_error_handler("restore phone number")
def _restore(client: Any, phone_number_id: str) -> Dict[str, Any]:
    try:
        return _restore_request(client, phone_number_id)
    except is_boto3_error_code("BadRequestException"):
        # A restore whose answer was lost, sent again, is refused as "not in the deletion queue": when the number
        # is back in the account, that was the first request's doing.
        found = _get_phone_number(client, phone_number_id)
        if found is not None and not queued(found):
            return found
        raise


def restore_phone_number(client: Any, phone_number_id: str) -> Dict[str, Any]:
    """RestorePhoneNumber: a queued number back in the account; the number as the service answers."""
    return call_write(phone_number_id, "chime:RestorePhoneNumber", _restore, client, phone_number_id)


def leaves_account(deletion_timestamp: str) -> str:
    """When a number queued at deletion_timestamp (ISO 8601, as the service sends it) leaves the account for good."""
    leaves = parse_iso8601(deletion_timestamp) + datetime.timedelta(days=DELETION_QUEUE_DAYS)
    return leaves.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def shown_number(phone_number_id: str, number: Optional[Dict[str, Any]], would: Optional[str] = None) -> Dict[str, Any]:
    """A number in the modules' form: snake_case, queued (see queued()), and leaves_account while it is queued; status
    null when the account does not have it.

    would ("absent" or "present", in check mode) shows the number as the write would leave it: queued or not, with
    status null, since which status follows is the service's to choose (AWS documents none), and no deletion_timestamp
    before the delete has set one.
    """
    if number is None:
        return {"phone_number_id": phone_number_id, "status": None, "queued": False}
    shown = snake_case_keys(number)
    shown["queued"] = queued(number)
    if would is not None:
        shown["status"] = None
        shown["queued"] = would == "absent"
        if would == "present":
            shown.pop("deletion_timestamp", None)
    if shown["queued"] and shown.get("deletion_timestamp"):
        shown["leaves_account"] = leaves_account(shown["deletion_timestamp"])
    return shown
