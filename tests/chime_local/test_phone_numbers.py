# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ListPhoneNumbers and GetPhoneNumber over seeded numbers (issue 10's include_phone_numbers)."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import Control
from chime_helpers import output_problems
from chime_helpers import signed_request


def _numbers(client: Any, **kwargs: Any) -> list[str]:
    numbers: list[str] = []
    while True:
        page = client.list_phone_numbers(**kwargs)
        numbers += [n["E164PhoneNumber"] for n in page["PhoneNumbers"]]
        if "NextToken" not in page:
            return numbers
        kwargs["NextToken"] = page["NextToken"]


def test_numbers_of_a_connector(make_client: Any) -> None:
    east = make_client(region_name="us-east-1")
    assert _numbers(east, FilterName="VoiceConnectorId", FilterValue="eastproxyconnector0001") == [
        "+13125550150",
        "+13125550151",
    ]
    assert _numbers(east, FilterName="VoiceConnectorId", FilterValue=DEMO_CONNECTOR) == ["+19135550100", "+19135550199"]
    assert _numbers(east, FilterName="VoiceConnectorId", FilterValue="westproxyconnector0001") == []  # other region
    west = make_client(region_name="us-west-2")
    assert _numbers(west, FilterName="VoiceConnectorId", FilterValue="westproxyconnector0001") == [
        "+12065550180",
        "+12065550181",
    ]
    assert _numbers(west, FilterName="VoiceConnectorId", FilterValue="westplainconnector0003") == []


def test_every_number_of_the_region_and_the_status_filter(make_client: Any) -> None:
    east = make_client(region_name="us-east-1")
    everything = _numbers(east, MaxResults=2)
    assert sorted(everything) == sorted(
        ["+19135550100", "+19135550199", "+13125550150", "+13125550151", "+16175550170", "+12065550188"]
    )
    assert _numbers(east, Status="Unassigned") == ["+12065550188"]
    assert len(_numbers(east, Status="Assigned")) == 5
    assert len(_numbers(east, ProductType="VoiceConnector")) == 6
    assert _numbers(east, ProductType="SipMediaApplicationDialIn") == []


def test_the_wire_format_follows_the_model(endpoint: str) -> None:
    status, _headers, payload = signed_request(
        endpoint, "GET", f"/phone-numbers?filter-name=VoiceConnectorId&filter-value={DEMO_CONNECTOR}"
    )
    assert status == 200 and not output_problems("ListPhoneNumbers", payload), payload
    first = payload["PhoneNumbers"][0]
    assert first["PhoneNumberId"] == first["E164PhoneNumber"] == "+19135550100"
    assert first["Type"] == "Local" and first["ProductType"] == "VoiceConnector" and first["Status"] == "Assigned"
    assert first["Capabilities"]["InboundCall"] is True and first["Capabilities"]["InboundMMS"] is False
    assert first["Associations"] == [
        {"Value": DEMO_CONNECTOR, "Name": "VoiceConnectorId", "AssociatedTimestamp": "2020-04-15T16:01:00.000Z"}
    ]
    status, _headers, payload = signed_request(endpoint, "GET", "/phone-numbers/%2B19135550199")
    assert status == 200 and not output_problems("GetPhoneNumber", payload), payload
    assert payload["PhoneNumber"]["E164PhoneNumber"] == "+19135550199"


def test_get_unknown_number(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_phone_number(PhoneNumberId="+19999999999")
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


@pytest.mark.parametrize("kwargs", [{"FilterName": "VoiceConnectorId"}, {"FilterValue": DEMO_CONNECTOR}])
def test_filter_name_and_value_go_together(client: Any, kwargs: dict[str, str]) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_phone_numbers(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_filter_by_sip_rule_and_seeded_members(control: Control, client: Any) -> None:
    control.ok(
        "POST",
        "seed",
        {
            "phone_numbers": [
                {
                    "E164PhoneNumber": "+14155550123",
                    "PhoneNumberId": "pn-1",
                    "Type": "TollFree",
                    "ProductType": "SipMediaApplicationDialIn",
                    "Associations": [{"Name": "SipRuleId", "Value": "rule-1"}],
                    "CallingName": "Dispatch",
                }
            ]
        },
    )
    page = client.list_phone_numbers(FilterName="SipRuleId", FilterValue="rule-1")["PhoneNumbers"]
    assert [(n["PhoneNumberId"], n["Type"], n["CallingName"]) for n in page] == [("pn-1", "TollFree", "Dispatch")]


@pytest.mark.parametrize(
    "seed, message",
    [
        ({"phone_numbers": [{"PhoneNumberId": "x"}]}, "E164PhoneNumber"),
        ({"phone_numbers": [{"E164PhoneNumber": "+1", "Status": "Lost"}]}, "Status"),
        ({"phone_numbers": [{"E164PhoneNumber": "+1", "Associations": [{"Name": "Connector", "Value": "x"}]}]}, "Name"),
        ({"phone_numbers": [{"E164PhoneNumber": "+1", "CreatedTimestamp": "yesterday"}]}, "CreatedTimestamp"),
        ({"voice_connectors": [{"VoiceConnectorId": "x", "PhoneNumbers": [{"Type": "Local"}]}]}, "E164PhoneNumber"),
    ],
)
def test_bad_phone_number_seeds_are_refused(control: Control, seed: dict[str, Any], message: str) -> None:
    status, payload = control.call("POST", "seed", seed)
    assert status == 400 and message in payload["error"], payload


# --- releasing numbers (issue 17): associate, disassociate, delete into the 7-day queue, restore -----------------

EAST_PROXY = "eastproxyconnector0001"
EAST_PLAIN = "eastplainconnector0002"
FREE_NUMBER = "+12065550188"  # seeds/demo.yml: in us-east-1, not associated


def _number(client: Any, number: str) -> dict[str, Any]:
    return client.get_phone_number(PhoneNumberId=number)["PhoneNumber"]


def test_associate_and_disassociate_answer_per_number(make_client: Any) -> None:
    east = make_client(region_name="us-east-1")
    answer = east.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=EAST_PLAIN, E164PhoneNumbers=[FREE_NUMBER, "+15555550100", "13125550150"]
    )
    assert answer["PhoneNumberErrors"] == [
        {
            "PhoneNumberId": "+15555550100",
            "ErrorCode": "NotFound",
            "ErrorMessage": "Phone number +15555550100 not found.",
        },
        {
            "PhoneNumberId": "13125550150",
            "ErrorCode": "Conflict",
            "ErrorMessage": f"Phone number 13125550150 is associated with voice connector {EAST_PROXY}.",
        },
    ]
    number = _number(east, FREE_NUMBER)
    assert number["Status"] == "Assigned" and number["ProductType"] == "VoiceConnector"
    assert [(a["Name"], a["Value"]) for a in number["Associations"]] == [("VoiceConnectorId", EAST_PLAIN)]
    assert FREE_NUMBER in _numbers(east, FilterName="VoiceConnectorId", FilterValue=EAST_PLAIN)
    forced = east.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=EAST_PLAIN, E164PhoneNumbers=["+13125550150"], ForceAssociate=True
    )
    assert forced["PhoneNumberErrors"] == []
    assert _numbers(east, FilterName="VoiceConnectorId", FilterValue=EAST_PROXY) == ["+13125550151"]
    gone = east.disassociate_phone_numbers_from_voice_connector(
        VoiceConnectorId=EAST_PLAIN, E164PhoneNumbers=[FREE_NUMBER, "+13125550151"]
    )
    assert gone["PhoneNumberErrors"] == [
        {
            "PhoneNumberId": "+13125550151",
            "ErrorCode": "BadRequest",
            "ErrorMessage": f"Phone number +13125550151 is not associated with voice connector {EAST_PLAIN}.",
        }
    ]
    assert _number(east, FREE_NUMBER)["Status"] == "Unassigned" and _number(east, FREE_NUMBER)["Associations"] == []


def test_associate_with_a_connector_that_does_not_exist(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.associate_phone_numbers_with_voice_connector(
            VoiceConnectorId="nosuchconnector0000001", E164PhoneNumbers=[FREE_NUMBER]
        )
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as excinfo:
        client.disassociate_phone_numbers_from_voice_connector(
            VoiceConnectorId="nosuchconnector0000001", E164PhoneNumbers=[FREE_NUMBER]
        )
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


def test_a_deleted_number_waits_7_days_in_the_queue_then_leaves(control: Control, client: Any) -> None:
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    queued = _number(client, FREE_NUMBER)
    assert queued["Status"] == "DeleteInProgress" and "DeletionTimestamp" in queued
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)  # already queued: its 7 days do not start again
    assert _number(client, FREE_NUMBER)["DeletionTimestamp"] == queued["DeletionTimestamp"]
    refused = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=EAST_PLAIN, E164PhoneNumbers=[FREE_NUMBER]
    )
    assert refused["PhoneNumberErrors"][0]["ErrorCode"] == "Conflict"
    control.ok("POST", "clock", {"advance_seconds": 7 * 86400 - 60})
    assert _number(client, FREE_NUMBER)["Status"] == "DeleteInProgress"
    control.ok("POST", "clock", {"advance_seconds": 60})
    with pytest.raises(ClientError) as excinfo:
        _number(client, FREE_NUMBER)
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"
    assert FREE_NUMBER not in _numbers(client)


def test_restore_brings_a_queued_number_back(client: Any) -> None:
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    restored = client.restore_phone_number(PhoneNumberId=FREE_NUMBER)["PhoneNumber"]
    assert restored["Status"] == "Unassigned" and "DeletionTimestamp" not in restored
    with pytest.raises(ClientError) as excinfo:
        client.restore_phone_number(PhoneNumberId=FREE_NUMBER)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert "is not in the deletion queue" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:
        client.restore_phone_number(PhoneNumberId="+15555550100")
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


def test_an_associated_number_is_not_deleted(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_phone_number(PhoneNumberId="+13125550150")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert error["Message"] == (
        f"Phone number +13125550150 is associated with voice connector {EAST_PROXY}; disassociate it first."
    )
    answer = client.batch_delete_phone_number(PhoneNumberIds=["+13125550150", FREE_NUMBER, "+15555550100"])
    assert [(e["PhoneNumberId"], e["ErrorCode"]) for e in answer["PhoneNumberErrors"]] == [
        ("+13125550150", "PhoneNumberAssociationsExist"),
        ("+15555550100", "NotFound"),
    ]
    assert _number(client, FREE_NUMBER)["Status"] == "DeleteInProgress"
    assert _number(client, "+13125550150")["Status"] == "Assigned"


# --- the status a queued number reads: AWS does not say, a seed setting chooses ------------------------------------

RELEASE = {"settings": {"deletion_queue_status": "ReleaseInProgress"}}


def test_the_queue_status_setting_makes_queued_numbers_read_release_in_progress(control: Control, client: Any) -> None:
    control.ok("POST", "seed", RELEASE)
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    queued = _number(client, FREE_NUMBER)
    assert queued["Status"] == "ReleaseInProgress" and "DeletionTimestamp" in queued
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)  # queued: nothing changes, whatever the status reads
    assert _number(client, FREE_NUMBER) == queued
    assert _numbers(client, Status="ReleaseInProgress") == [FREE_NUMBER]
    assert _numbers(client, Status="DeleteInProgress") == []
    refused = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=EAST_PLAIN, E164PhoneNumbers=[FREE_NUMBER]
    )
    assert refused["PhoneNumberErrors"][0]["ErrorCode"] == "Conflict"
    restored = client.restore_phone_number(PhoneNumberId=FREE_NUMBER)["PhoneNumber"]
    assert restored["Status"] == "Unassigned" and "DeletionTimestamp" not in restored
    with pytest.raises(ClientError) as excinfo:
        client.restore_phone_number(PhoneNumberId=FREE_NUMBER)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_the_setting_holds_for_backends_made_later_and_batch_deletes_until_a_reset(
    control: Control, make_client: Any
) -> None:
    control.ok("POST", "seed", RELEASE)
    west = make_client(region_name="us-west-2")  # a backend first used after the seed
    west.disassociate_phone_numbers_from_voice_connector(
        VoiceConnectorId="westproxyconnector0001", E164PhoneNumbers=["+12065550180", "+12065550181"]
    )
    assert west.batch_delete_phone_number(PhoneNumberIds=["+12065550180", "+12065550181"])["PhoneNumberErrors"] == []
    assert {_number(west, n)["Status"] for n in ("+12065550180", "+12065550181")} == {"ReleaseInProgress"}
    control.ok("POST", "reset")  # back to the startup seeds: the setting goes with the seed that brought it
    east = make_client(region_name="us-east-1")
    east.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    assert _number(east, FREE_NUMBER)["Status"] == "DeleteInProgress"


def test_numbers_already_queued_follow_the_setting_and_still_leave_after_7_days(control: Control, client: Any) -> None:
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    deleted_at = _number(client, FREE_NUMBER)["DeletionTimestamp"]
    control.ok("POST", "seed", RELEASE)
    moved = _number(client, FREE_NUMBER)
    assert moved["Status"] == "ReleaseInProgress" and moved["DeletionTimestamp"] == deleted_at
    control.ok("POST", "clock", {"advance_seconds": 7 * 86400})
    with pytest.raises(ClientError) as excinfo:
        _number(client, FREE_NUMBER)
    assert excinfo.value.response["Error"]["Code"] == "NotFoundException"


def test_any_status_of_the_model_may_be_chosen_and_the_queue_is_still_told_by_the_timestamp(
    control: Control, client: Any
) -> None:
    control.ok("POST", "seed", {"settings": {"deletion_queue_status": "Unassigned"}})
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    queued = _number(client, FREE_NUMBER)
    assert queued["Status"] == "Unassigned" and "DeletionTimestamp" in queued
    assert "DeletionTimestamp" not in client.restore_phone_number(PhoneNumberId=FREE_NUMBER)["PhoneNumber"]


def test_seeded_numbers_are_queued_by_their_deletion_timestamp_not_their_status(control: Control, client: Any) -> None:
    control.ok(
        "POST",
        "seed",
        {
            **RELEASE,
            "phone_numbers": [
                {"E164PhoneNumber": "+14155550124", "DeletionTimestamp": datetime.now(timezone.utc).isoformat()},
                {"E164PhoneNumber": "+14155550125", "Status": "DeleteInProgress"},
            ],
        },
    )
    seeded = _number(client, "+14155550124")
    assert seeded["Status"] == "ReleaseInProgress"  # no Status of its own: the queue's
    not_queued = "+14155550125"
    with pytest.raises(ClientError) as excinfo:  # its status says so, but it has no DeletionTimestamp
        client.restore_phone_number(PhoneNumberId=not_queued)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    client.delete_phone_number(PhoneNumberId=not_queued)
    assert _number(client, not_queued)["Status"] == "ReleaseInProgress"


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"deletion_queue_status": "Released"}, "settings.deletion_queue_status"),
        ({"deletion_queue_status": "releaseinprogress"}, "settings.deletion_queue_status"),
        ({"deletion_queue_status": None}, "settings.deletion_queue_status"),
        ({"queue_status": "ReleaseInProgress"}, "unknown settings"),
        (["ReleaseInProgress"], "settings must be a mapping"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    control: Control, client: Any, settings: Any, message: str
) -> None:
    status, payload = control.call("POST", "seed", {"settings": settings})
    assert status == 400 and message in payload["error"], payload
    client.delete_phone_number(PhoneNumberId=FREE_NUMBER)
    assert _number(client, FREE_NUMBER)["Status"] == "DeleteInProgress"
