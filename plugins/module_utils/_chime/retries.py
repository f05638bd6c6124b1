# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry layer of every request the modules send.

botocore's own retries are off for the modules' client (client.py), so this is the only layer and its bounds are
the documented ones. It retries what the standard retry mode of every AWS SDK retries, plus Chime's own codes:

- throttling and server faults: Chime's ThrottledClientException (429), ServiceUnavailableException (503) and
  ServiceFailureException (500); the standard mode's throttling and transient error codes; any answer with HTTP
  status 429, 500, 502, 503 or 504, whatever its body (a gateway's HTML page included). At most THROTTLE_ATTEMPTS
  attempts, sleeping a uniform random time in [0, min(THROTTLE_MAX_DELAY, THROTTLE_DELAY * 2**n)] between them:
  0.25 + 0.5 + 1 + 2 + 4 + 5 * 4 = 27.75 seconds of back-off at most per request.
- connection errors (refused, reset, closed before a response, timed out, TLS): CONNECTION_ATTEMPTS quick attempts
  (at most 0.1 + 0.2 = 0.3 seconds of back-off), as the standard mode gives them, so that a wrong endpoint_url or a
  region without the service fails within seconds.

Everything else fails at once, after one request: 400, 401 and 403 above all, which retrying cannot fix.
Each call gets back-off state of its own: amazon.aws's AWSRetry.jittered_backoff keeps one iterator per decorated
function, which the pool's threads would share and so lengthen or cut short each other's back-off.
"""

import functools
from typing import Any
from typing import Callable
from typing import NamedTuple
from typing import Optional

try:
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.cloud import CloudRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Chime's own codes, which amazon.aws's AWSRetry does not know.
CHIME_RETRY_CODES = frozenset({"ThrottledClientException", "ServiceUnavailableException", "ServiceFailureException"})
# The standard retry mode's throttling codes and transient codes (botocore.retries.standard).
STANDARD_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
STANDARD_TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
RETRY_CODES = CHIME_RETRY_CODES | STANDARD_THROTTLING_CODES | STANDARD_TRANSIENT_CODES
# 429 is throttling, 500/502/503/504 transient, whatever the body says.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

THROTTLE_ATTEMPTS = 10
THROTTLE_DELAY = 0.25
THROTTLE_MAX_DELAY = 5.0
CONNECTION_ATTEMPTS = 3
CONNECTION_DELAY = 0.1
CONNECTION_MAX_DELAY = 1.0


class Answer(NamedTuple):
    """What a failed request got back from the service: its error code and HTTP status."""

    code: Optional[str]
    status: Optional[int]


class ServiceRetry(AWSRetry):
    """Retries answers that say "throttled" or "try again", by code or by HTTP status."""

    @staticmethod
    def status_code_from_exception(error: "botocore.exceptions.ClientError") -> Answer:
        return Answer(
            error.response.get("Error", {}).get("Code"),
            error.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
        )

    @staticmethod
    def found(response_code: Answer, catch_extra_error_codes: Any = None) -> bool:
        return response_code.code in RETRY_CODES or response_code.status in RETRY_STATUSES


def _connection_errors() -> Any:
    try:
        return (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)
    except NameError:  # botocore is missing: modules report that themselves
        return type(None)


class ConnectionRetry(CloudRetry):
    """Retries requests that got no answer at all: the connection failed, or no complete response came back."""

    base_class = _connection_errors()

    @staticmethod
    def status_code_from_exception(error: Exception) -> str:
        return type(error).__name__

    @staticmethod
    def found(response_code: str, catch_extra_error_codes: Any = None) -> bool:
        return True


def chime_retry(func: Callable[..., Any]) -> Callable[..., Any]:
    """Send a request through the retry layer, with back-off state of its own for every call."""

    @functools.wraps(func)
    def retrying(*args: Any, **kwargs: Any) -> Any:
        connection = ConnectionRetry.jittered_backoff(
            retries=CONNECTION_ATTEMPTS, delay=CONNECTION_DELAY, max_delay=CONNECTION_MAX_DELAY
        )
        service = ServiceRetry.jittered_backoff(
            retries=THROTTLE_ATTEMPTS, delay=THROTTLE_DELAY, max_delay=THROTTLE_MAX_DELAY
        )
        return service(connection(func))(*args, **kwargs)

    return retrying
