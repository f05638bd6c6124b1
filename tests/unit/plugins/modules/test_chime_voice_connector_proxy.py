# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chime_voice_connector_proxy end to end in-process: a real client behind botocore's Stubber.

The Stubber refuses any request that was not queued, with its exact parameters: a test that queues only the read
proves that no write request is sent.
"""

import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.modules import chime_voice_connector_proxy
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import ModuleRun
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import warned_operations

VC = {"VoiceConnectorId": VOICE_CONNECTOR_ID}
# The demo connector's configuration, as GetVoiceConnectorProxy answers it (PhoneNumberCountries).
CURRENT = {
    "DefaultSessionExpiryMinutes": 60,
    "Disabled": False,
    "FallBackPhoneNumber": "+19135550100",
    "PhoneNumberCountries": ["US"],
}
# The same configuration as PutVoiceConnectorProxy takes it (PhoneNumberPoolCountries).
CURRENT_PUT = {
    **VC,
    "DefaultSessionExpiryMinutes": 60,
    "Disabled": False,
    "FallBackPhoneNumber": "+19135550100",
    "PhoneNumberPoolCountries": ["US"],
}
CURRENT_SNAKE = {
    "default_session_expiry_minutes": 60,
    "disabled": False,
    "fall_back_phone_number": "+19135550100",
    "phone_number_countries": ["US"],
}


@pytest.fixture
def run(monkeypatch, capsys):
    return ModuleRun(chime_voice_connector_proxy, monkeypatch, capsys)


def test_disabling_sends_the_whole_configuration_with_disabled_true(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    run.response(
        "put_voice_connector_proxy", {"Proxy": {**CURRENT, "Disabled": True}}, {**CURRENT_PUT, "Disabled": True}
    )
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, disabled=True, _ansible_diff=True)
    assert result["changed"] is True
    assert result["proxy"] == {**CURRENT_SNAKE, "disabled": True}
    assert result["diff"] == {"before": CURRENT_SNAKE, "after": {**CURRENT_SNAKE, "disabled": True}}
    assert warned_operations(result) == ["GetVoiceConnectorProxy", "PutVoiceConnectorProxy"]


def test_nothing_to_change_sends_no_write(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        default_session_expiry_minutes=60,
        phone_number_pool_countries=["US"],
        fall_back_phone_number="+19135550100",
        disabled=False,
    )
    assert result["changed"] is False
    assert result["proxy"] == CURRENT_SNAKE
    assert "diff" not in result
    assert warned_operations(result) == ["GetVoiceConnectorProxy"]


@pytest.mark.parametrize("options", [{"disabled": False}, {}, {"default_session_expiry_minutes": 60}])
def test_disabled_missing_from_the_answer_is_false(run, options):
    """Whether or not disabled is given, a missing Disabled is AWS's default: no write, the answer returned as sent."""
    current = {k: v for k, v in CURRENT.items() if k != "Disabled"}
    run.response("get_voice_connector_proxy", {"Proxy": current}, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, **options)
    assert result["changed"] is False
    assert result["proxy"] == {k: v for k, v in CURRENT_SNAKE.items() if k != "disabled"}


def test_an_empty_fall_back_number_in_the_answer_is_none(run):
    run.response("get_voice_connector_proxy", {"Proxy": {**CURRENT, "FallBackPhoneNumber": ""}}, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, fall_back_phone_number="", disabled=False)
    assert result["changed"] is False
    assert result["proxy"] == {**CURRENT_SNAKE, "fall_back_phone_number": ""}


@pytest.mark.parametrize("options", [{"disabled": True}, {}])
def test_a_disabled_connector_asked_to_stay_disabled_is_no_change(run, options):
    run.response("get_voice_connector_proxy", {"Proxy": {**CURRENT, "Disabled": True}}, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, **options)
    assert result["changed"] is False
    assert result["proxy"] == {**CURRENT_SNAKE, "disabled": True}


def test_disabling_a_connector_without_a_fall_back_number_sends_the_write(run):
    """A member the connector lacks and the task leaves out does not end the comparison: Disabled still counts."""
    current = {k: v for k, v in CURRENT.items() if k != "FallBackPhoneNumber"}
    put = {k: v for k, v in CURRENT_PUT.items() if k != "FallBackPhoneNumber"}
    run.response("get_voice_connector_proxy", {"Proxy": current}, VC)
    run.response("put_voice_connector_proxy", {"Proxy": {**current, "Disabled": True}}, {**put, "Disabled": True})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, disabled=True)
    assert result["changed"] is True
    expected = {k: v for k, v in CURRENT_SNAKE.items() if k != "fall_back_phone_number"}
    assert result["proxy"] == {**expected, "disabled": True}


def test_the_result_is_the_configuration_aws_answers_with(run):
    """After a write the module returns Put's answer, not what it sent (here AWS keeps 30 minutes, not 45)."""
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    answer = {**CURRENT, "DefaultSessionExpiryMinutes": 30}
    run.response("put_voice_connector_proxy", {"Proxy": answer}, {**CURRENT_PUT, "DefaultSessionExpiryMinutes": 45})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, default_session_expiry_minutes=45)
    assert result["changed"] is True
    assert result["proxy"] == {**CURRENT_SNAKE, "default_session_expiry_minutes": 30}


def test_an_answer_without_the_configuration_returns_what_was_sent(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    run.response("put_voice_connector_proxy", {}, {**CURRENT_PUT, "DefaultSessionExpiryMinutes": 45})
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, default_session_expiry_minutes=45)
    assert result["changed"] is True
    assert result["proxy"] == {**CURRENT_SNAKE, "default_session_expiry_minutes": 45}


def test_each_managed_member_that_differs_is_a_change(run):
    for option, value in [("default_session_expiry_minutes", 61), ("phone_number_pool_countries", ["CA"])]:
        run.queue.clear()
        run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
        result = run(voice_connector_id=VOICE_CONNECTOR_ID, _ansible_check_mode=True, **{option: value})
        assert result["changed"] is True, option


def test_check_mode_reports_the_change_and_sends_no_write(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        phone_number_pool_countries=["US", "CA"],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )
    assert result["changed"] is True
    assert result["proxy"] == {**CURRENT_SNAKE, "phone_number_countries": ["US", "CA"]}
    assert result["diff"]["before"] == CURRENT_SNAKE
    assert result["diff"]["after"] == result["proxy"]
    assert warned_operations(result) == ["GetVoiceConnectorProxy", "PutVoiceConnectorProxy"]


def test_an_empty_fall_back_number_removes_it(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    put = {k: v for k, v in CURRENT_PUT.items() if k != "FallBackPhoneNumber"}
    answer = {k: v for k, v in CURRENT.items() if k != "FallBackPhoneNumber"}
    run.response("put_voice_connector_proxy", {"Proxy": answer}, put)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, fall_back_phone_number="")
    assert result["changed"] is True
    assert "fall_back_phone_number" not in result["proxy"]


def test_creating_sends_what_was_given_and_the_model_requires(run):
    run.error("get_voice_connector_proxy", "NotFoundException", 404, VC)
    put = {**VC, "DefaultSessionExpiryMinutes": 30, "PhoneNumberPoolCountries": ["US", "CA"]}
    answer = {"DefaultSessionExpiryMinutes": 30, "Disabled": False, "PhoneNumberCountries": ["US", "CA"]}
    run.response("put_voice_connector_proxy", {"Proxy": answer}, put)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        default_session_expiry_minutes=30,
        phone_number_pool_countries=["US", "CA"],
        _ansible_diff=True,
    )
    assert result["changed"] is True
    assert result["proxy"] == {
        "default_session_expiry_minutes": 30,
        "disabled": False,
        "phone_number_countries": ["US", "CA"],
    }
    assert result["diff"]["before"] == {}


def test_creating_without_what_the_model_requires_fails_before_any_write(run):
    run.error("get_voice_connector_proxy", "NotFoundException", 404, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, disabled=True)
    assert result["failed"] is True
    assert f"Voice connector {VOICE_CONNECTOR_ID} has no proxy configuration" in result["msg"]
    assert "default_session_expiry_minutes and phone_number_pool_countries" in result["msg"]
    assert "Nothing was sent to AWS" in result["msg"]


def test_creating_in_check_mode_sends_no_write(run):
    run.error("get_voice_connector_proxy", "NotFoundException", 404, VC)
    result = run(
        voice_connector_id=VOICE_CONNECTOR_ID,
        default_session_expiry_minutes=30,
        phone_number_pool_countries=["US"],
        _ansible_check_mode=True,
    )
    assert result["changed"] is True
    assert result["proxy"] == {
        "default_session_expiry_minutes": 30,
        "disabled": False,
        "phone_number_countries": ["US"],
    }


def test_absent_deletes_an_existing_configuration(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    run.response("delete_voice_connector_proxy", {}, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, state="absent", _ansible_diff=True)
    assert result["changed"] is True
    assert result["proxy"] == {}
    assert result["diff"] == {"before": CURRENT_SNAKE, "after": {}}
    assert warned_operations(result) == ["GetVoiceConnectorProxy", "DeleteVoiceConnectorProxy"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_without_a_configuration_sends_no_write(run, check_mode):
    run.error("get_voice_connector_proxy", "NotFoundException", 404, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, state="absent", _ansible_check_mode=check_mode)
    assert result["changed"] is False
    assert result["proxy"] == {}
    assert warned_operations(result) == ["GetVoiceConnectorProxy"]


def test_absent_in_check_mode_sends_no_write(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, state="absent", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["proxy"] == {}


def test_a_configuration_gone_before_the_delete_is_no_change(run):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    run.error("delete_voice_connector_proxy", "NotFoundException", 404, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, state="absent")
    assert result["changed"] is False


@pytest.mark.parametrize(
    "operation, code, status, options",
    [
        ("put_voice_connector_proxy", "ForbiddenException", 403, {"disabled": True}),
        ("put_voice_connector_proxy", "BadRequestException", 400, {"disabled": True}),
        ("put_voice_connector_proxy", "AccessDeniedException", 403, {"disabled": True}),
        ("delete_voice_connector_proxy", "ForbiddenException", 403, {"state": "absent"}),
        ("delete_voice_connector_proxy", "BadRequestException", 400, {"state": "absent"}),
    ],
)
def test_a_refused_write_names_the_end_of_support_and_the_connector(run, operation, code, status, options):
    run.response("get_voice_connector_proxy", {"Proxy": CURRENT}, VC)
    params = {**CURRENT_PUT, "Disabled": True} if operation.startswith("put") else VC
    run.error(operation, code, status, params, message="Service no longer supports this operation")
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, **options)
    assert result["failed"] is True
    verb = "put" if operation.startswith("put") else "delete"
    action = "chime:PutVoiceConnectorProxy" if verb == "put" else "chime:DeleteVoiceConnectorProxy"
    assert result["msg"].startswith(f"Failed to {verb} the proxy configuration of voice connector {VOICE_CONNECTOR_ID}")
    assert "AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07" in result["msg"]
    assert result["error"]["code"] == code
    if status == 403:
        assert f"or the principal lacks the IAM action {action})" in result["msg"]
    assert "Service no longer supports this operation" in result["msg"]


def test_a_failed_read_fails_without_a_write(run):
    run.error("get_voice_connector_proxy", "ForbiddenException", 403, VC)
    result = run(voice_connector_id=VOICE_CONNECTOR_ID, disabled=True)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to get the proxy configuration of voice connector {VOICE_CONNECTOR_ID}")
    assert "2026-04-07" not in result["msg"]


@pytest.mark.parametrize(
    "args, named",
    [
        ({"voice_connector_id": "   "}, "voice_connector_id (PutVoiceConnectorProxy VoiceConnectorId)"),
        ({"phone_number_pool_countries": ["us"]}, "phone_number_pool_countries[0] (PutVoiceConnectorProxy Country"),
        ({"phone_number_pool_countries": []}, "must have at least 1 items"),
        ({"phone_number_pool_countries": ["US"] * 101}, "must have at most 100 items"),
        ({"fall_back_phone_number": "12-34"}, "fall_back_phone_number (PutVoiceConnectorProxy FallBackPhoneNumber)"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, named):
    result = run(**{"voice_connector_id": VOICE_CONNECTOR_ID, **args})
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options, nothing was sent to AWS: ")
    assert named.replace(" Country", "") in result["msg"]
    assert run.clients == []


def test_every_put_member_is_an_option():
    """The module covers the whole of PutVoiceConnectorProxy's input, so nothing a user could set is dropped."""
    members = set(ChimeModel().service_model.operation_model("PutVoiceConnectorProxy").input_shape.members)
    covered = {put for put, _get in chime_voice_connector_proxy.PUT_MEMBERS.values()} | {"VoiceConnectorId"}
    assert covered == members
