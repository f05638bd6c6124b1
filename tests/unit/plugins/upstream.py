# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules' results carry that comes from amazon.aws, not from this collection.

amazon.aws 10 (the `ansible` 13 package) imports to_native and to_text from ansible.module_utils._text, which
ansible-core 2.20 deprecates: every module that uses AnsibleAWSModule gets that deprecation in its result there
(amazon.aws#2862; amazon.aws 11, which ansible-core 2.21 gets, no longer imports it). The tests check that this
collection adds no deprecation of its own; these are the only ones they set aside, by their exact message.
"""

import copy

import pytest

UPSTREAM_DEPRECATIONS = (
    "Importing 'to_native' from 'ansible.module_utils._text' is deprecated.",
    "Importing 'to_text' from 'ansible.module_utils._text' is deprecated.",
)


def _upstream(deprecation):
    message = deprecation.get("event", {}).get("msg") if "event" in deprecation else deprecation.get("msg")
    return message in UPSTREAM_DEPRECATIONS


def own_deprecations(result):
    """The deprecations of a module result, less amazon.aws's import of ansible.module_utils._text."""
    return [d for d in result.get("deprecations", []) if not _upstream(d)]


def without_upstream_deprecations(result):
    """A copy of the result without amazon.aws's deprecations (and without the key when none is left)."""
    result = copy.deepcopy(result)
    own = own_deprecations(result)
    if own:
        result["deprecations"] = own
    else:
        result.pop("deprecations", None)
    return result


# What the installed botocore's model says that the floor of requirements.txt (botocore 1.34.0) does not: the tests
# that assert these facts of the pinned model are skipped there, with the reason, and run everywhere else. The
# modules follow whichever model is installed (the contract): on 1.34.0 a VoiceConnectorId is any non-blank string
# of up to 128 characters, and the end of support comes from the collection's own notice.
def _model_facts():
    import botocore.session

    model = botocore.session.get_session().get_service_model("chime-sdk-voice")
    member = model.operation_model("GetProxySession").input_shape.members["VoiceConnectorId"]
    return member.metadata.get("pattern"), model.operation_model("GetProxySession").deprecated


_CONNECTOR_ID_PATTERN, _PROXY_DEPRECATED = _model_facts()
needs_connector_id_pattern = pytest.mark.skipif(
    _CONNECTOR_ID_PATTERN == ".*\\S.*",
    reason="this botocore's model (the floor, 1.34.0) has no VoiceConnectorId pattern beyond non-blank",
)
needs_deprecation_flags = pytest.mark.skipif(
    not _PROXY_DEPRECATED, reason="this botocore's model (the floor, 1.34.0) predates AWS's end-of-support flags"
)
