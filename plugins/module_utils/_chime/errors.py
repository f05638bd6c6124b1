# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The error handler of the helpers (amazon.aws's AWSErrorHandler) and messages that name the cause and the resource."""

from typing import Any
from typing import Callable
from typing import Optional

try:
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .pace import NoProgressError
from .retries import SERVER_CODES
from .retries import SERVER_STATUSES
from .retries import is_throttle

# The codes AWS answers a request signed with credentials past their expiry (a 400 or 403, whatever the service).
EXPIRED_CODES = ("ExpiredToken", "ExpiredTokenException")


class AnsibleChimeError(AnsibleAWSError):
    """A failure of the helpers; cause, when set, says in a few words why (see failure_cause)."""

    cause: Optional[str] = None


class ChimeErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleChimeError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


def failure_cause(error: Optional[BaseException]) -> Optional[str]:
    """In a few words, why a request failed for good: what the user can do about it, or None when nothing is known.

    fail_json_aws adds the service's own code and message after these words.
    """
    if isinstance(error, botocore.exceptions.ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code")
        if is_throttle(code, status):
            return "the service still throttled after every retry"
        if code in SERVER_CODES or status in SERVER_STATUSES:
            return "the service still failed after every retry"
        if code in EXPIRED_CODES:
            return "the credentials expired: refresh them (a profile's SSO login, a role's session) and run again"
        if status == 401 or code == "UnauthorizedClientException":
            return "the credentials were not accepted"
        if status == 403:
            return "access denied: the principal lacks the IAM permission, or AWS no longer allows the operation"
        if status == 400:
            return "the service refused the request as invalid"
    if isinstance(error, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)):
        return "the endpoint could not be reached after every retry (check endpoint_url and region)"
    if isinstance(error, NoProgressError):
        return "the service throttled every request for longer than throttle_timeout"
    return None


def call_about(
    resource: str,
    call: Callable[..., Any],
    *args: Any,
    explain: Optional[Callable[[Optional[BaseException]], Optional[str]]] = None,
    **kwargs: Any,
) -> Any:
    """Run an API helper; when it fails, say which resource the failure was about and why, when that is known.

    explain(error), when given, is asked first for the cause of a failed request (None: the usual failure_cause).
    """
    try:
        return call(*args, **kwargs)
    except AnsibleChimeError as e:
        cause = e.cause or (explain and explain(e.exception)) or failure_cause(e.exception)
        message = f"{e.message} {resource}" + (f" ({cause})" if cause else "")
        raise AnsibleChimeError(message=message, exception=e.exception) from e.exception


def fail_with(module: Any, error: AnsibleChimeError, **extra: Any) -> None:
    """fail_json_aws_error, with the extra result keys a failure carries (what a write did before, the pace)."""
    if error.exception:
        module.fail_json_aws(error.exception, msg=error.message, **error.kwargs, **extra)
    module.fail_json(msg=error.message, **error.kwargs, **extra)


def reason_of(error: AnsibleChimeError) -> str:
    """Why something could not be read or done: the helpers' message, then AWS's own code and message."""
    response = getattr(error.exception, "response", None) or {}
    aws = response.get("Error", {})
    if aws.get("Code") and aws.get("Message") and aws["Message"] not in error.message:
        return f"{error.message}: {aws['Code']}: {aws['Message']}"
    return error.message
