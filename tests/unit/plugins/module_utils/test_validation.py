# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""validation: options checked against the chime-sdk-voice model's rules, at and just beyond each bound.

The members and their bounds are the installed model's (read here, not copied), so each case is exactly at the
model's limit: the value on the limit passes, the one beyond it is refused with the message a user reads.
"""

import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import errors
from ansible_collections.telephony.chime.plugins.module_utils._chime import validation
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel

MODEL = ChimeModel()
# An integer member with a min only, one with a min and a max, and a list with a min and a max item count.
EXPIRY = ("CreateProxySession", "ExpiryMinutes")
PAGE = ("ListProxySessions", "MaxResults")
NUMBERS = ("CreateProxySession", "ParticipantPhoneNumbers")


def rules(operation, member):
    return MODEL.member_shape(operation, member).metadata


def violations(option, member, value):
    return validation.option_violations(MODEL, {option: value}, {option: member})


def test_the_bounds_are_the_models():
    assert rules(*EXPIRY) == {"min": 1}
    assert rules(*PAGE) == {"min": 1, "max": 100}
    assert rules(*NUMBERS)["min"] == rules(*NUMBERS)["max"] == 2


def test_an_integer_on_its_minimum_passes_and_one_below_is_refused():
    low = rules(*EXPIRY)["min"]
    assert violations("expiry_minutes", EXPIRY, low) == []
    assert violations("expiry_minutes", EXPIRY, low - 1) == [
        f"expiry_minutes (CreateProxySession ExpiryMinutes) must be at least {low}, got {low - 1}"
    ]


def test_an_integer_without_a_maximum_takes_any_size():
    assert violations("expiry_minutes", EXPIRY, 10**9) == []


def test_an_integer_on_its_maximum_passes_and_one_above_is_refused():
    high = rules(*PAGE)["max"]
    assert violations("page_size", PAGE, high) == []
    assert violations("page_size", PAGE, high + 1) == [
        f"page_size (ListProxySessions MaxResults) must be at most {high}, got {high + 1}"
    ]


def test_an_integer_between_its_bounds_passes():
    assert violations("page_size", PAGE, 50) == []
    assert violations("page_size", PAGE, 0) == ["page_size (ListProxySessions MaxResults) must be at least 1, got 0"]


def test_a_list_of_the_allowed_length_passes_and_others_are_refused_with_their_count():
    two = ["+12065550100", "+14015550101"]
    assert violations("participant_phone_numbers", NUMBERS, two) == []
    assert violations("participant_phone_numbers", NUMBERS, two[:1]) == [
        "participant_phone_numbers (CreateProxySession ParticipantPhoneNumbers) must have at least 2 items, got 1"
    ]
    assert violations("participant_phone_numbers", NUMBERS, two + ["+12065550102"]) == [
        "participant_phone_numbers (CreateProxySession ParticipantPhoneNumbers) must have at most 2 items, got 3"
    ]


def test_each_item_of_a_list_is_checked_against_the_item_shape_and_named_by_its_place():
    pattern = MODEL.member_shape(*NUMBERS).member.metadata["pattern"]
    assert violations("participant_phone_numbers", NUMBERS, ["+12065550100", "x"]) == [
        f"participant_phone_numbers[1] (CreateProxySession ParticipantPhoneNumbers) must match the pattern {pattern},"
        " got 'x'"
    ]


def test_a_module_limit_is_inclusive_at_both_ends():
    assert validation.range_violations("max_concurrency", 1, 1, 100) == []
    assert validation.range_violations("max_concurrency", 100, 1, 100) == []
    assert validation.range_violations("max_concurrency", None, 1, 100) == []
    assert validation.range_violations("max_concurrency", 0, 1, 100) == [
        "max_concurrency must be between 1 and 100, got 0"
    ]


def test_every_violation_is_reported_at_once():
    with pytest.raises(errors.AnsibleChimeError) as failure:
        validation.raise_for_violations(["a must be x", "b must be y"])
    assert failure.value.message == "Invalid options, nothing was sent to AWS: a must be x; b must be y"
