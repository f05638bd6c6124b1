# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the modules that change things share: refused writes named as such, and how a failed write is reported.

AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07. A write it refuses with ForbiddenException or
BadRequestException may be refused for that reason, or for the usual ones (IAM, the resource's state): the failure
message says both, names the resource and the IAM action, and fail_json_aws adds AWS's own code and message.
"""

from typing import Any
from typing import Callable
from typing import Optional

try:
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

from .errors import call_about

END_OF_SUPPORT = "AWS ended support for Amazon Chime SDK proxy sessions on 2026-04-07 and may refuse changes since"
# The codes a refused write comes back with: ForbiddenException (403) and BadRequestException (400) are declared by
# every write operation of the model; AccessDeniedException (403) only by PutVoiceConnectorProxy.
REFUSED_WRITE_CAUSES = {
    "ForbiddenException": "the principal lacks the IAM action {action}",
    "AccessDeniedException": "the principal lacks the IAM action {action}",
    "BadRequestException": "the request does not suit the resource as it is now",
}


def refused_write_cause(error: Optional[BaseException], action: str) -> Optional[str]:
    """Why a write was refused, in words that name the end of support and the IAM action; None for other failures."""
    if not isinstance(error, botocore.exceptions.ClientError):
        return None
    code = error.response.get("Error", {}).get("Code")
    if code not in REFUSED_WRITE_CAUSES:
        return None
    return f"AWS refused the write: {END_OF_SUPPORT}, or {REFUSED_WRITE_CAUSES[code].format(action=action)}"


def call_write(resource: str, action: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a write helper; when it fails, name the resource and the cause (a refused write says so, see above)."""
    return call_about(resource, call, *args, explain=lambda error: refused_write_cause(error, action), **kwargs)
