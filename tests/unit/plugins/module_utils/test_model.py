# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end of support is shown whatever botocore is installed: the model's notice, or the collection's own."""

import copy

import botocore.model
import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import model as chime_model
from ansible_collections.telephony.chime.tests.unit.plugins.upstream import needs_deprecation_flags


def without_deprecation_flags(model):
    """The model as botocore 1.34.0 ships it: the same operations, none flagged deprecated."""
    raw = copy.deepcopy(model._raw)
    for operation in raw["operations"].values():
        operation.pop("deprecated", None)
        operation.pop("deprecatedMessage", None)
    model._raw = raw
    model.service_model = botocore.model.ServiceModel(raw, service_name=chime_model.SERVICE_NAME)
    return model


@needs_deprecation_flags
def test_the_installed_model_flags_every_proxy_operation_with_aws_notice():
    model = chime_model.ChimeModel()
    for operation in chime_model.PROXY_OPERATIONS:
        notice = model.deprecation(operation)
        assert notice.startswith("End of support notice: On April 7, 2026"), operation
        assert notice != chime_model.END_OF_SUPPORT_NOTICE, "botocore 1.44's own message, not the fallback"


def test_a_model_without_the_flags_still_says_the_end_of_support():
    model = without_deprecation_flags(chime_model.ChimeModel())
    assert not model.service_model.operation_model("GetProxySession").deprecated
    for operation in chime_model.PROXY_OPERATIONS:
        assert model.deprecation(operation) == chime_model.END_OF_SUPPORT_NOTICE


@pytest.mark.parametrize("operation", ["ListVoiceConnectors", "GetVoiceConnector", "ListPhoneNumbers"])
def test_operations_that_are_not_deprecated_have_no_notice_with_or_without_flags(operation):
    assert chime_model.ChimeModel().deprecation(operation) is None
    assert without_deprecation_flags(chime_model.ChimeModel()).deprecation(operation) is None


@needs_deprecation_flags
def test_the_proxy_operations_are_those_of_the_model():
    model = chime_model.ChimeModel()
    flagged = {
        name
        for name in model.service_model.operation_names
        if model.service_model.operation_model(name).deprecated and "Proxy" in name
    }
    assert flagged == chime_model.PROXY_OPERATIONS
