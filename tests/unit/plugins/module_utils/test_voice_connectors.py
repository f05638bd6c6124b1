# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""voice_connectors, phone_numbers, masking and session_filters of module_utils/_chime.

Requests go through a real chime-sdk-voice client and botocore's Stubber, which validates them against AWS's model.
"""

import copy
import datetime

import pytest
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import client as chime_client_module
from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import masking
from ansible_collections.telephony.chime.plugins.module_utils._chime import model as chime_model
from ansible_collections.telephony.chime.plugins.module_utils._chime import phone_numbers
from ansible_collections.telephony.chime.plugins.module_utils._chime import session_filters
from ansible_collections.telephony.chime.plugins.module_utils._chime import voice_connectors
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import EXAMPLE_SNAKE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeModule

UTC = datetime.timezone.utc


@pytest.fixture
def client():
    return chime_client_module.chime_client(FakeModule(), chime_model.ChimeModel())


@pytest.fixture
def stubber(client):
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)


def vc(voice_connector_id):
    return {"VoiceConnectorId": voice_connector_id, "Name": voice_connector_id[:4]}


def test_every_page_of_voice_connectors_100_a_page(client, stubber):
    ids = [f"{n:03d}" + "c" * 19 for n in range(150)]
    stubber.add_response(
        "list_voice_connectors", {"VoiceConnectors": [vc(i) for i in ids[:100]], "NextToken": "t"}, {"MaxResults": 100}
    )
    stubber.add_response(
        "list_voice_connectors", {"VoiceConnectors": [vc(i) for i in ids[100:]]}, {"MaxResults": 100, "NextToken": "t"}
    )
    assert [c["VoiceConnectorId"] for c in voice_connectors.list_voice_connectors(client)] == ids


def test_a_repeated_token_fails_the_connector_listing(client, stubber):
    stubber.add_response("list_voice_connectors", {"VoiceConnectors": [], "NextToken": "t"}, {"MaxResults": 100})
    stubber.add_response(
        "list_voice_connectors", {"VoiceConnectors": [], "NextToken": "t"}, {"MaxResults": 100, "NextToken": "t"}
    )
    with pytest.raises(errors.AnsibleChimeError) as failure:
        voice_connectors.list_voice_connectors(client)
    assert "NextToken it had already sent" in failure.value.message


def test_the_connector_listing_is_retried_then_named_when_it_fails(client, stubber):
    stubber.add_client_error("list_voice_connectors", "ServiceUnavailableException", http_status_code=503)
    stubber.add_response("list_voice_connectors", {"VoiceConnectors": [vc(VOICE_CONNECTOR_ID)]}, {"MaxResults": 100})
    assert len(voice_connectors.list_voice_connectors(client)) == 1
    stubber.add_client_error("list_voice_connectors", "ForbiddenException", http_status_code=403)
    with pytest.raises(errors.AnsibleChimeError) as failure:
        voice_connectors.list_voice_connectors(client)
    assert failure.value.message.startswith("Failed to list voice connectors in region us-east-1 (access denied")


def test_get_voice_connector_not_found_is_none(client, stubber):
    stubber.add_client_error("get_voice_connector", "NotFoundException", http_status_code=404)
    assert voice_connectors.get_voice_connector(client, VOICE_CONNECTOR_ID) is None


def test_a_failed_get_voice_connector_names_the_connector(client, stubber):
    stubber.add_client_error(
        "get_voice_connector",
        "ForbiddenException",
        http_status_code=403,
        expected_params={"VoiceConnectorId": VOICE_CONNECTOR_ID},
    )
    with pytest.raises(errors.AnsibleChimeError) as failure:
        voice_connectors.get_voice_connector(client, VOICE_CONNECTOR_ID)
    assert failure.value.message.startswith(f"Failed to get voice connector {VOICE_CONNECTOR_ID} (access denied")


def test_get_voice_connectors_keeps_order_each_once_missing_left_out(client, stubber):
    a, b = "a" * 22, "b" * 22
    stubber.add_response("get_voice_connector", {"VoiceConnector": vc(b)}, {"VoiceConnectorId": b})
    stubber.add_client_error("get_voice_connector", "NotFoundException", http_status_code=404)
    stubber.add_response("get_voice_connector", {"VoiceConnector": vc(a)}, {"VoiceConnectorId": a})
    found = voice_connectors.get_voice_connectors(client, [b, "z" * 22, a, b], max_concurrency=1)
    assert [c["VoiceConnectorId"] for c in found] == [b, a]


def numbers_params(token=None):
    params = {"FilterName": "VoiceConnectorId", "FilterValue": VOICE_CONNECTOR_ID, "MaxResults": 100}
    if token:
        params["NextToken"] = token
    return params


def test_phone_numbers_every_page(client, stubber):
    stubber.add_response(
        "list_phone_numbers",
        {"PhoneNumbers": [{"E164PhoneNumber": "+19135550199"}], "NextToken": "n"},
        numbers_params(),
    )
    stubber.add_response(
        "list_phone_numbers", {"PhoneNumbers": [{"E164PhoneNumber": "+19135550198"}]}, numbers_params("n")
    )
    found = phone_numbers.list_voice_connector_phone_numbers(client, VOICE_CONNECTOR_ID)
    assert [n["E164PhoneNumber"] for n in found] == ["+19135550199", "+19135550198"]


def test_phone_numbers_of_a_missing_connector_are_none_but_vanishing_midway_fails(client, stubber):
    stubber.add_client_error(
        "list_phone_numbers", "NotFoundException", http_status_code=404, expected_params=numbers_params()
    )
    assert phone_numbers.list_voice_connector_phone_numbers(client, VOICE_CONNECTOR_ID) == []
    stubber.add_response("list_phone_numbers", {"PhoneNumbers": [], "NextToken": "n"}, numbers_params())
    stubber.add_client_error(
        "list_phone_numbers", "NotFoundException", http_status_code=404, expected_params=numbers_params("n")
    )
    with pytest.raises(errors.AnsibleChimeError) as failure:
        phone_numbers.list_voice_connector_phone_numbers(client, VOICE_CONNECTOR_ID)
    assert f"phone numbers of voice connector {VOICE_CONNECTOR_ID}" in failure.value.message


# --- masking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, masked",
    [
        ("+12065550100", "+*******0100"),
        ("+442071234567", "+********4567"),
        ("12065550100", "*******0100"),
        ("+1234", "+1234"),
        ("+12", "+12"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_keeps_the_plus_and_the_last_four_digits(number, masked):
    assert masking.mask_phone_number(number) == masked


def test_mask_every_number_at_any_depth_and_leave_the_input_alone():
    original = {"proxy_sessions": [copy.deepcopy(EXAMPLE_SNAKE)], "proxy": {"fall_back_phone_number": "+19135550100"}}
    before = copy.deepcopy(original)
    masked = masking.mask_phone_numbers(original)
    assert original == before
    assert masked["proxy_sessions"][0]["participants"][1] == {
        "phone_number": "+*******0101",
        "proxy_phone_number": "+*******0199",
    }
    assert masked["proxy"]["fall_back_phone_number"] == "+*******0100"
    assert masked["proxy_sessions"][0]["proxy_session_id"] == EXAMPLE_SNAKE["proxy_session_id"]


def test_mask_only_the_keys_asked_for_at_any_depth():
    value = {"a": [{"x": "+12065550100", "phone_number": "+12065550101"}], "b": {"x": "+14015550102"}}
    assert masking.mask_phone_numbers(value, frozenset({"x"})) == {
        "a": [{"x": "+*******0100", "phone_number": "+12065550101"}],
        "b": {"x": "+*******0102"},
    }


# --- filters and summary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-04-07", datetime.datetime(2026, 4, 7, tzinfo=UTC)),
        ("2026-04-07T10:30", datetime.datetime(2026, 4, 7, 10, 30, tzinfo=UTC)),
        ("2026-04-07T10:30:05.288Z", datetime.datetime(2026, 4, 7, 10, 30, 5, 288000, tzinfo=UTC)),
        ("2026-04-07 12:30:05+02:00", datetime.datetime(2026, 4, 7, 10, 30, 5, tzinfo=UTC)),
        ("2026-04-07T05:30:05-0500", datetime.datetime(2026, 4, 7, 10, 30, 5, tzinfo=UTC)),
        (1775557805, datetime.datetime(2026, 4, 7, 10, 30, 5, tzinfo=UTC)),
    ],
)
def test_iso8601_dates_and_date_times_without_a_zone_are_utc(value, expected):
    assert session_filters.parse_iso8601(value) == expected


@pytest.mark.parametrize(
    "value", ["April 7", "2026-4-7", "2026-04-07T25:00", "2026-02-30", "20260407", "2026-04-07T10"]
)
def test_not_iso8601_is_refused(value):
    with pytest.raises(ValueError):
        session_filters.parse_iso8601(value)


def test_timestamp_violations_name_the_option():
    errors_found = session_filters.timestamp_violations(
        {"created_after": "soon", "created_before": "2026-04-01"}, ("created_after", "created_before")
    )
    assert len(errors_found) == 1 and errors_found[0].startswith("created_after must be an ISO 8601 date")


def test_summary_keeps_every_status_and_connector_and_counts_unknown_statuses():
    summary = session_filters.summarize(
        {"a": [{"status": "Open"}, {"status": "Expired"}], "b": []}, ["Open", "InProgress", "Closed"]
    )
    assert summary == {
        "total": 2,
        "by_status": {"Open": 1, "InProgress": 0, "Closed": 0, "Expired": 1},
        "by_voice_connector": {"a": 2, "b": 0},
        "voice_connectors_scanned": 2,
    }


def test_a_date_filter_leaves_out_sessions_without_a_creation_time():
    keep = session_filters.SessionFilter(created_before="2030-01-01")
    assert keep.apply([{"proxy_session_id": "x"}, {"created_timestamp": "2020-01-01T00:00:00Z"}]) == [
        {"created_timestamp": "2020-01-01T00:00:00Z"}
    ]
    assert not session_filters.SessionFilter().active
