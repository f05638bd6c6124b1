# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The chime-sdk-voice service model as the installed botocore ships it."""

from typing import Any
from typing import List
from typing import Optional
from typing import Set

try:
    import botocore.session
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible.module_utils.common.warnings import warn

SERVICE_NAME = "chime-sdk-voice"
# The operations of proxy sessions, whose support AWS ended on 2026-04-07. botocore's model marks them deprecated
# since AWS's notice; the older botocore that requirements.txt still accepts (1.34.0) has no such flag, and the
# collection then says the same thing in its own words, so that no botocore hides the end of support.
PROXY_OPERATIONS = frozenset(
    {
        "CreateProxySession",
        "DeleteProxySession",
        "DeleteVoiceConnectorProxy",
        "GetProxySession",
        "GetVoiceConnectorProxy",
        "ListProxySessions",
        "PutVoiceConnectorProxy",
        "UpdateProxySession",
    }
)
END_OF_SUPPORT_NOTICE = (
    "End of support notice: On April 7, 2026, AWS ended support for Amazon Chime SDK proxy sessions (the installed "
    "botocore's model predates AWS's notice)."
)


class ChimeModel:
    """One botocore session loads the model JSON once: rules, deprecation notices and the client all come from it."""

    def __init__(self, botocore_session: Optional["botocore.session.Session"] = None) -> None:
        self.session = botocore_session or botocore.session.Session()
        self.service_model = self.session.get_service_model(SERVICE_NAME)
        self._raw = self.session.get_component("data_loader").load_service_model(SERVICE_NAME, "service-2")

    def member_shape(self, operation: str, member: str) -> Any:
        return self.service_model.operation_model(operation).input_shape.members[member]

    def enum(self, operation: str, member: str) -> List[str]:
        return list(self.member_shape(operation, member).enum)

    def deprecation(self, operation: str) -> Optional[str]:
        """The model's deprecation notice for an operation; the end of support of a proxy operation whose model has
        no flag for it; None for the others."""
        if not self.service_model.operation_model(operation).deprecated:
            return END_OF_SUPPORT_NOTICE if operation in PROXY_OPERATIONS else None
        message = self._raw["operations"][operation].get("deprecatedMessage")
        return message or f"AWS marks the {operation} operation as deprecated."


class DeprecationNotices:
    """The model's deprecation notice of each operation a task sends (or would send in check mode), once each."""

    def __init__(self, model: ChimeModel) -> None:
        self.model = model
        self.shown: Set[str] = set()

    def show(self, operation: str) -> None:
        if operation in self.shown:
            return
        self.shown.add(operation)
        notice = self.model.deprecation(operation)
        if notice:
            # ansible-core's own warn, not AnsibleAWSModule.warn: amazon.aws 10 and 11 copy the latter
            # into exit_json(warnings=...), which ansible-core 2.19+ answers with a deprecation warning.
            warn(f"{operation} (chime-sdk-voice): {notice}")
