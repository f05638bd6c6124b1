# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_voice_connector_phone_numbers and chime_phone_number end to end in-process, a real client behind the Stubber.

The Stubber refuses any request that was not queued with its exact parameters: a test that queues only the reads
proves that no write request is sent.
"""

import botocore.session
import pytest

from ansible_collections.telephony.chime.plugins.modules import chime_phone_number
from ansible_collections.telephony.chime.plugins.modules import chime_voice_connector_phone_numbers
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import ModuleRun

VC = {"VoiceConnectorId": VOICE_CONNECTOR_ID}
CONNECTOR = {"VoiceConnector": {"VoiceConnectorId": VOICE_CONNECTOR_ID, "Name": "Support line"}}
LIST = {"FilterName": "VoiceConnectorId", "FilterValue": VOICE_CONNECTOR_ID, "MaxResults": 100}
A = "+19135550100"
B = "+19135550199"
C = "+19135550142"


def number(e164, status="Assigned", **members):
    return {"PhoneNumberId": e164, "E164PhoneNumber": e164, "Status": status, **members}


def associated(e164):
    return number(e164, Associations=[{"Name": "VoiceConnectorId", "Value": VOICE_CONNECTOR_ID}])


@pytest.fixture
def numbers(monkeypatch, capsys):
    return ModuleRun(chime_voice_connector_phone_numbers, monkeypatch, capsys)


@pytest.fixture
def release(monkeypatch, capsys):
    return ModuleRun(chime_phone_number, monkeypatch, capsys)


def reads(run, held):
    run.response("get_voice_connector", CONNECTOR, VC)
    run.response("list_phone_numbers", {"PhoneNumbers": [number(n) for n in held]}, LIST)


# --- chime_voice_connector_phone_numbers -------------------------------------------------------------------------


def test_associates_only_the_numbers_the_connector_lacks(numbers):
    reads(numbers, [A])
    numbers.response(
        "associate_phone_numbers_with_voice_connector",
        {"PhoneNumberErrors": []},
        {**VC, "E164PhoneNumbers": [B], "ForceAssociate": False},
    )
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[A, B.lstrip("+"), B], _ansible_diff=True)
    assert result["changed"] is True
    assert result["associated"] == [B] and result["disassociated"] == []
    assert result["phone_numbers"] == [A, B]
    assert result["diff"] == {"before": {"phone_numbers": [A]}, "after": {"phone_numbers": [A, B]}}


def test_nothing_to_change_sends_no_write(numbers):
    reads(numbers, [A, B])
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[B])
    assert result["changed"] is False and result["phone_numbers"] == [A, B]


def test_purge_disassociates_every_number_not_listed(numbers):
    reads(numbers, [A, B, C])
    numbers.response(
        "disassociate_phone_numbers_from_voice_connector", {"PhoneNumberErrors": []}, {**VC, "E164PhoneNumbers": [C, B]}
    )
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[A], purge=True)
    assert result["disassociated"] == [C, B]
    assert result["phone_numbers"] == [A]


def test_absent_disassociates_only_the_numbers_held(numbers):
    reads(numbers, [A, B])
    numbers.response(
        "disassociate_phone_numbers_from_voice_connector", {"PhoneNumberErrors": []}, {**VC, "E164PhoneNumbers": [B]}
    )
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[B, C], state="absent")
    assert result["changed"] is True and result["disassociated"] == [B] and result["phone_numbers"] == [A]


def test_check_mode_says_what_would_change_and_sends_no_write(numbers):
    reads(numbers, [A])
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[B], purge=True, _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["associated"] == [B] and result["disassociated"] == [A] and result["phone_numbers"] == [B]


def test_a_refused_number_fails_the_task_naming_it_and_the_others_are_reported(numbers):
    reads(numbers, [])
    numbers.response(
        "associate_phone_numbers_with_voice_connector",
        {"PhoneNumberErrors": [{"PhoneNumberId": C, "ErrorCode": "Conflict", "ErrorMessage": "held elsewhere"}]},
        {**VC, "E164PhoneNumbers": [C, B], "ForceAssociate": True},
    )
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[B, C], force_associate=True)
    assert result["failed"] is True
    assert result["msg"] == (
        f"The service refused numbers of voice connector {VOICE_CONNECTOR_ID}: {C} (Conflict: held elsewhere)"
    )
    assert result["associated"] == [B] and result["changed"] is True
    assert result["refused"] == [{"phone_number_id": C, "error_code": "Conflict", "error_message": "held elsewhere"}]


def test_a_connector_that_does_not_exist_fails_before_any_write(numbers):
    numbers.error("get_voice_connector", "NotFoundException", 404, VC)
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[A])
    assert result["failed"] is True and result["msg"].startswith(f"Voice connector {VOICE_CONNECTOR_ID} does not exist")


@pytest.mark.parametrize(
    "args, words",
    [
        ({"phone_numbers": ["12-34"]}, ["phone_numbers[0] (AssociatePhoneNumbersWithVoiceConnector E164PhoneNumbers)"]),
        ({"phone_numbers": [A], "purge": True, "state": "absent"}, ["purge is only for state=present"]),
        (
            {"voice_connector_id": "   "},
            ["voice_connector_id (AssociatePhoneNumbersWithVoiceConnector"],
        ),  # blank: every model refuses it
    ],
)
def test_bad_input_fails_before_any_request(numbers, args, words):
    result = numbers(**{"voice_connector_id": VOICE_CONNECTOR_ID, **args})
    assert result["failed"] is True and numbers.clients == []
    for word in words:
        assert word in result["msg"]


# --- chime_phone_number ------------------------------------------------------------------------------------------


def test_one_number_goes_into_the_deletion_queue_with_the_day_it_leaves(release):
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    release.response("delete_phone_number", {}, {"PhoneNumberId": B})
    queued = number(B, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="absent", _ansible_diff=True)
    assert result["changed"] is True and result["deleted"] == [B]
    (shown,) = result["phone_numbers"]
    assert shown["status"] == "DeleteInProgress" and shown["queued"] is True
    assert shown["deletion_timestamp"] == "2026-12-03T10:00:00.000Z"
    assert shown["leaves_account"] == "2026-12-10T10:00:00.000Z"
    assert result["diff"] == {
        "before": {B: {"status": "Unassigned", "queued": False}},
        "after": {B: {"status": "DeleteInProgress", "queued": True}},
    }


def test_several_numbers_go_in_one_batch_and_a_refused_one_fails_the_task(release):
    for n in (A, B, C):
        release.response("get_phone_number", {"PhoneNumber": number(n, "Unassigned")}, {"PhoneNumberId": n})
    release.response(
        "batch_delete_phone_number",
        {"PhoneNumberErrors": [{"PhoneNumberId": C, "ErrorCode": "Conflict", "ErrorMessage": "in use"}]},
        {"PhoneNumberIds": [A, B, C]},
    )
    for n, status in ((A, "DeleteInProgress"), (B, "DeleteInProgress"), (C, "Unassigned")):
        release.response("get_phone_number", {"PhoneNumber": number(n, status)}, {"PhoneNumberId": n})
    result = release(phone_numbers=[A, B, C], state="absent", max_concurrency=1)
    assert result["failed"] is True
    assert result["msg"] == f"The service refused to delete numbers: {C} (Conflict: in use)"
    assert result["deleted"] == [A, B]
    assert [s["status"] for s in result["phone_numbers"]] == ["DeleteInProgress", "DeleteInProgress", "Unassigned"]


def test_an_associated_number_is_refused_before_any_write(release):
    release.response("get_phone_number", {"PhoneNumber": associated(A)}, {"PhoneNumberId": A})
    result = release(phone_numbers=[A], state="absent")
    assert result["failed"] is True
    assert result["msg"] == (
        "Phone numbers still associated, disassociate them first; nothing was deleted: "
        f"{A} (VoiceConnectorId {VOICE_CONNECTOR_ID})"
    )


def test_queued_and_gone_numbers_need_no_delete(release):
    queued = number(A, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": A})
    release.error("get_phone_number", "NotFoundException", 404, {"PhoneNumberId": B})
    result = release(phone_numbers=[A, B], state="absent", max_concurrency=1)
    assert result["changed"] is False and result["deleted"] == []
    assert result["phone_numbers"][1] == {"phone_number_id": B, "status": None, "queued": False}


def test_check_mode_shows_the_number_queued_and_leaves_the_status_to_the_service(release):
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="absent", _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True and result["deleted"] == [B]
    (shown,) = result["phone_numbers"]
    assert shown["queued"] is True and shown["status"] is None and "leaves_account" not in shown
    assert result["diff"] == {
        "before": {B: {"status": "Unassigned", "queued": False}},
        "after": {B: {"status": None, "queued": True}},
    }


def test_restore_brings_queued_numbers_back(release):
    queued = number(B, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.response("restore_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="present")
    assert result["changed"] is True and result["restored"] == [B]
    assert result["phone_numbers"][0]["status"] == "Unassigned" and "leaves_account" not in result["phone_numbers"][0]


def test_check_mode_restore_shows_the_number_back(release):
    queued = number(B, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], _ansible_check_mode=True)
    assert result["changed"] is True and result["restored"] == [B]
    (shown,) = result["phone_numbers"]
    assert shown["queued"] is False and shown["status"] is None
    assert "deletion_timestamp" not in shown and "leaves_account" not in shown


def test_a_restore_whose_answer_was_lost_is_not_a_failure(release):
    queued = number(B, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.error("restore_phone_number", "BadRequestException", 400, {"PhoneNumberId": B}, "not in the deletion queue")
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["changed"] is True and result["restored"] == [B]


def test_a_restore_refused_for_another_reason_fails(release):
    queued = number(B, "DeleteInProgress", DeletionTimestamp="2026-12-03T10:00:00.000Z")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.error("restore_phone_number", "BadRequestException", 400, {"PhoneNumberId": B}, "limit")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["failed"] is True and "Failed to restore phone number" in result["msg"]


def test_restoring_a_number_that_left_the_account_fails(release):
    release.error("get_phone_number", "NotFoundException", 404, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["failed"] is True and result["msg"].endswith(f"nothing was restored: {B}")


def test_not_queued_numbers_are_left_as_they_are(release):
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["changed"] is False and result["restored"] == []


def test_a_single_delete_of_a_number_gone_meanwhile_is_refused_as_not_found(release):
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    release.error("delete_phone_number", "NotFoundException", 404, {"PhoneNumberId": B})
    release.error("get_phone_number", "NotFoundException", 404, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="absent")
    assert result["failed"] is True and result["refused"][0]["error_code"] == "NotFound"


# --- the deletion queue is told by DeletionTimestamp, never by the status -----------------------------------------
#
# The model's PhoneNumberStatus has DeleteInProgress and ReleaseInProgress, and AWS does not say which a queued number
# reads. Every status value the model allows is tried with a DeletionTimestamp (queued), and the two "in progress"
# ones without it (not queued). Each test queues exactly the requests it allows: the Stubber refuses any other.

STATUSES = botocore.session.get_session().get_service_model("chime-sdk-voice").shape_for("PhoneNumberStatus").enum
DELETED_AT = "2026-12-03T10:00:00.000Z"


@pytest.mark.parametrize("status", STATUSES)
def test_deleting_a_queued_number_again_sends_no_write_whatever_its_status(release, status):
    queued = number(B, status, DeletionTimestamp=DELETED_AT)
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="absent", _ansible_diff=True)
    assert result["changed"] is False and result["deleted"] == []
    (shown,) = result["phone_numbers"]
    assert shown["status"] == status and shown["queued"] is True
    assert shown["leaves_account"] == "2026-12-10T10:00:00.000Z"
    assert result["diff"]["before"] == result["diff"]["after"] == {B: {"status": status, "queued": True}}


@pytest.mark.parametrize("status", STATUSES)
def test_a_queued_number_is_restored_whatever_its_status(release, status):
    queued = number(B, status, DeletionTimestamp=DELETED_AT)
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.response("restore_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="present")
    assert result["changed"] is True and result["restored"] == [B]
    assert result["phone_numbers"][0]["queued"] is False


def test_a_queued_number_reading_release_in_progress_among_others_is_left_out_of_the_batch(release):
    release.response("get_phone_number", {"PhoneNumber": number(A, "Unassigned")}, {"PhoneNumberId": A})
    queued = number(B, "ReleaseInProgress", DeletionTimestamp=DELETED_AT)
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.response("get_phone_number", {"PhoneNumber": number(C, "Unassigned")}, {"PhoneNumberId": C})
    release.response("batch_delete_phone_number", {"PhoneNumberErrors": []}, {"PhoneNumberIds": [A, C]})
    for n in (A, B, C):
        release.response(
            "get_phone_number",
            {"PhoneNumber": number(n, "ReleaseInProgress", DeletionTimestamp=DELETED_AT)},
            {"PhoneNumberId": n},
        )
    result = release(phone_numbers=[A, B, C], state="absent", max_concurrency=1)
    assert result["changed"] is True and result["deleted"] == [A, C]
    assert [s["queued"] for s in result["phone_numbers"]] == [True, True, True]


def test_a_queued_number_with_a_leftover_association_is_not_refused_since_nothing_is_sent(release):
    queued = number(B, "ReleaseInProgress", DeletionTimestamp=DELETED_AT, Associations=associated(B)["Associations"])
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="absent")
    assert result["changed"] is False and "failed" not in result


@pytest.mark.parametrize("status", ["DeleteInProgress", "ReleaseInProgress"])
def test_a_number_whose_status_says_deletion_without_a_deletion_timestamp_is_not_queued(release, status):
    # state=present: not queued, so no restore is sent (only the read is queued).
    release.response("get_phone_number", {"PhoneNumber": number(B, status)}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B], state="present")
    assert result["changed"] is False and result["restored"] == []
    assert result["phone_numbers"][0]["queued"] is False and "leaves_account" not in result["phone_numbers"][0]


@pytest.mark.parametrize("status", ["DeleteInProgress", "ReleaseInProgress"])
def test_state_absent_sends_the_delete_for_a_number_whose_status_alone_says_deletion(release, status):
    release.response("get_phone_number", {"PhoneNumber": number(B, status)}, {"PhoneNumberId": B})
    release.response("delete_phone_number", {}, {"PhoneNumberId": B})
    release.response(
        "get_phone_number", {"PhoneNumber": number(B, status, DeletionTimestamp=DELETED_AT)}, {"PhoneNumberId": B}
    )
    result = release(phone_numbers=[B], state="absent")
    assert result["changed"] is True and result["deleted"] == [B]


def test_a_restore_whose_answer_was_lost_is_told_done_by_the_missing_deletion_timestamp(release):
    # The re-read still says ReleaseInProgress, but without a DeletionTimestamp: the number is back in the account.
    queued = number(B, "ReleaseInProgress", DeletionTimestamp=DELETED_AT)
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.error("restore_phone_number", "BadRequestException", 400, {"PhoneNumberId": B}, "not in the deletion queue")
    release.response("get_phone_number", {"PhoneNumber": number(B, "ReleaseInProgress")}, {"PhoneNumberId": B})
    release.response("get_phone_number", {"PhoneNumber": number(B, "ReleaseInProgress")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["changed"] is True and result["restored"] == [B]


def test_a_restore_refused_while_the_number_still_carries_a_deletion_timestamp_fails(release):
    queued = number(B, "Unassigned", DeletionTimestamp=DELETED_AT)
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    release.error("restore_phone_number", "BadRequestException", 400, {"PhoneNumberId": B}, "limit")
    release.response("get_phone_number", {"PhoneNumber": queued}, {"PhoneNumberId": B})
    result = release(phone_numbers=[B])
    assert result["failed"] is True and "Failed to restore phone number" in result["msg"]


# --- ids and numbers in the forms the model allows -----------------------------------------------------------------


def test_a_refused_number_whose_id_comes_back_percent_encoded_is_not_reported_deleted(release):
    for n in (A, B):
        release.response("get_phone_number", {"PhoneNumber": number(n, "Unassigned")}, {"PhoneNumberId": n})
    refused = {"PhoneNumberId": "%2B" + B.lstrip("+"), "ErrorCode": "Conflict", "ErrorMessage": "in use"}
    release.response("batch_delete_phone_number", {"PhoneNumberErrors": [refused]}, {"PhoneNumberIds": [A, B]})
    release.response(
        "get_phone_number",
        {"PhoneNumber": number(A, "DeleteInProgress", DeletionTimestamp=DELETED_AT)},
        {"PhoneNumberId": A},
    )
    release.response("get_phone_number", {"PhoneNumber": number(B, "Unassigned")}, {"PhoneNumberId": B})
    result = release(phone_numbers=[A, B], state="absent", max_concurrency=1)
    assert result["failed"] is True and result["deleted"] == [A]


def test_a_refusal_that_names_no_number_leaves_every_number_of_the_batch_unreported(release):
    for n in (A, B):
        release.response("get_phone_number", {"PhoneNumber": number(n, "Unassigned")}, {"PhoneNumberId": n})
    refused = {"ErrorCode": "ServiceFailure", "ErrorMessage": "try again"}
    release.response("batch_delete_phone_number", {"PhoneNumberErrors": [refused]}, {"PhoneNumberIds": [A, B]})
    for n in (A, B):
        release.response("get_phone_number", {"PhoneNumber": number(n, "Unassigned")}, {"PhoneNumberId": n})
    result = release(phone_numbers=[A, B], state="absent", max_concurrency=1)
    assert result["failed"] is True and result["deleted"] == [] and result["changed"] is False


def test_the_diff_is_keyed_by_the_number_given_whatever_form_the_id_comes_back_in(release):
    encoded = {**number(B, "Unassigned"), "PhoneNumberId": "%2B" + B.lstrip("+")}
    release.response("get_phone_number", {"PhoneNumber": encoded}, {"PhoneNumberId": B})
    release.response("delete_phone_number", {}, {"PhoneNumberId": B})
    release.response(
        "get_phone_number",
        {"PhoneNumber": {**encoded, "Status": "ReleaseInProgress", "DeletionTimestamp": DELETED_AT}},
        {"PhoneNumberId": B},
    )
    result = release(phone_numbers=[B], state="absent", _ansible_diff=True)
    assert result["diff"] == {
        "before": {B: {"status": "Unassigned", "queued": False}},
        "after": {B: {"status": "ReleaseInProgress", "queued": True}},
    }


def test_numbers_held_are_compared_in_one_form_whatever_form_the_service_lists_them_in(numbers):
    numbers.response("get_voice_connector", CONNECTOR, VC)
    listed = [{**number(n), "E164PhoneNumber": n.lstrip("+")} for n in (A, B)]
    numbers.response("list_phone_numbers", {"PhoneNumbers": listed}, LIST)
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[A, B], purge=True)
    assert result["changed"] is False and result["phone_numbers"] == [A, B]


def test_a_refused_association_whose_id_comes_back_percent_encoded_is_not_reported_done(numbers):
    reads(numbers, [])
    refused = {"PhoneNumberId": "%2B" + C.lstrip("+"), "ErrorCode": "Conflict", "ErrorMessage": "held elsewhere"}
    numbers.response(
        "associate_phone_numbers_with_voice_connector",
        {"PhoneNumberErrors": [refused]},
        {**VC, "E164PhoneNumbers": [C, B], "ForceAssociate": False},
    )
    result = numbers(voice_connector_id=VOICE_CONNECTOR_ID, phone_numbers=[B, C])
    assert result["failed"] is True and result["associated"] == [B] and result["phone_numbers"] == [B]
