# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A drain plan is refused before any request when it cannot be read, is of another version, carries no usable
made time, is dated in the future, or does not lay out its accounts as a plan does; each refusal says why."""

import datetime
import json

import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import plan as plan_module
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError

DAY = 86400


def made(delta=datetime.timedelta(0)):
    return (plan_module.now_utc() + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(**changes):
    body = {
        "kind": plan_module.KIND,
        "version": plan_module.VERSION,
        "made": made(),
        "release_numbers": False,
        "accounts": {"123456789012": {"regions": {"us-east-1": {"voice_connectors": [{"voice_connector_id": "a"}]}}}},
    }
    body.update(changes)
    return body


def write(tmp_path, body, digest=True):
    path = tmp_path / "drain_plan.json"
    signed = dict(body, digest=plan_module.digest_of(body)) if digest else body
    path.write_text(json.dumps(signed), encoding="utf-8")
    return str(path)


def refusal(path):
    with pytest.raises(AnsibleChimeError) as refused:
        plan_module.read_plan(path, None, DAY, False)
    assert refused.value.message.startswith(f"The plan {path} is refused, nothing was sent to AWS: ")
    return refused.value.message


def test_a_plan_that_cannot_be_read_is_refused(tmp_path):
    assert "it cannot be read" in refusal(str(tmp_path))  # a directory: open() fails


def test_a_plan_of_another_version_is_refused(tmp_path):
    message = refusal(write(tmp_path, document(version=2)))
    assert f"it is a plan of version 2; this drain reads version {plan_module.VERSION}" in message


@pytest.mark.parametrize("when", ["yesterday", None, 5])
def test_a_plan_without_a_usable_made_time_is_refused(tmp_path, when):
    assert "is not an ISO 8601 UTC time" in refusal(write(tmp_path, document(made=when)))


def test_a_plan_dated_in_the_future_is_refused(tmp_path):
    message = refusal(write(tmp_path, document(made=made(datetime.timedelta(hours=1)))))
    assert "in the future of this machine's clock" in message


def test_a_plan_a_few_seconds_ahead_of_this_clock_is_read(tmp_path):
    read = plan_module.read_plan(write(tmp_path, document(made=made(datetime.timedelta(seconds=30)))), None, DAY, False)
    assert read.connectors("123456789012", "us-east-1")[0].voice_connector_id == "a"


@pytest.mark.parametrize(
    "accounts",
    [
        {"123456789012": {"regions": {"us-east-1": {}}}},
        {"123456789012": {"regions": ["us-east-1"]}},
        {"123456789012": None},
    ],
)
def test_a_plan_whose_accounts_are_not_laid_out_as_a_plan_s_is_refused(tmp_path, accounts):
    assert "its accounts are not laid out as a plan's" in refusal(write(tmp_path, document(accounts=accounts)))
