# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry layer of every request the modules send.

botocore's own retries are off for the modules' client (client.py), so this is the only layer and its bounds are
the documented ones. It retries what the standard retry mode of every AWS SDK retries, plus Chime's own codes:

- throttled answers: Chime's ThrottledClientException (429), the standard mode's throttling codes, and any answer
  with HTTP status 429. A throttled request is not a failed one: it is sent again when the pace of its account and
  region (pace.py) gives it its turn, for as long as something there gets through; the pace fails the requests still
  waiting when nothing has for its patience (the modules' throttle_timeout). A client without a pace (one the
  collection did not make) gets the bounded back-off below instead.
- server faults: Chime's ServiceUnavailableException (503) and ServiceFailureException (500); the standard mode's
  transient error codes; any answer with HTTP status 500, 502, 503 or 504, whatever its body (a gateway's HTML page
  included). At most SERVER_ATTEMPTS attempts, sleeping a uniform random time in
  [0, min(SERVER_MAX_DELAY, SERVER_DELAY * 2**n)] between them: 0.25 + 0.5 + 1 + 2 + 4 + 5 * 4 = 27.75 seconds of
  back-off at most per request.
- connection errors (refused, reset, closed before a response, timed out, TLS): CONNECTION_ATTEMPTS quick attempts
  (at most 0.1 + 0.2 = 0.3 seconds of back-off), as the standard mode gives them, so that a wrong endpoint_url or a
  region without the service fails within seconds.

Everything else fails at once, after one request: 400, 401 and 403 above all, which retrying cannot fix.
Each call gets back-off state of its own: amazon.aws's AWSRetry.jittered_backoff keeps one iterator per decorated
function, which the pool's threads would share and so lengthen or cut short each other's back-off.
"""

import functools
import threading
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
CHIME_THROTTLING_CODES = frozenset({"ThrottledClientException"})
CHIME_SERVER_CODES = frozenset({"ServiceUnavailableException", "ServiceFailureException"})
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
THROTTLING_CODES = CHIME_THROTTLING_CODES | STANDARD_THROTTLING_CODES
SERVER_CODES = CHIME_SERVER_CODES | STANDARD_TRANSIENT_CODES
RETRY_CODES = THROTTLING_CODES | SERVER_CODES
# 429 is throttling, 500/502/503/504 a server fault, whatever the body says.
THROTTLING_STATUS = 429
SERVER_STATUSES = frozenset({500, 502, 503, 504})
RETRY_STATUSES = SERVER_STATUSES | {THROTTLING_STATUS}

SERVER_ATTEMPTS = 10
SERVER_DELAY = 0.25
SERVER_MAX_DELAY = 5.0
CONNECTION_ATTEMPTS = 3
CONNECTION_DELAY = 0.1
CONNECTION_MAX_DELAY = 1.0


def is_throttle(code: Optional[str], status: Optional[int]) -> bool:
    """Whether an answer says "slow down": a throttling code, or HTTP 429 whatever the code."""
    return code in THROTTLING_CODES or status == THROTTLING_STATUS


def answer_of(error: "botocore.exceptions.ClientError") -> "Answer":
    return Answer(
        error.response.get("Error", {}).get("Code"),
        error.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
    )


_ANSWERED = threading.local()


def note_paced_answer() -> None:
    """This thread's last answer went through a pace (pace.py calls it as each answer arrives)."""
    _ANSWERED.paced = True


class Answer(NamedTuple):
    """What a failed request got back from the service: its error code and HTTP status."""

    code: Optional[str]
    status: Optional[int]


class ServiceRetry(AWSRetry):
    """Retries answers that say "try again" (a server fault), by code or by HTTP status; not throttled ones."""

    @staticmethod
    def status_code_from_exception(error: "botocore.exceptions.ClientError") -> Answer:
        return answer_of(error)

    @staticmethod
    def found(response_code: Answer, catch_extra_error_codes: Any = None) -> bool:
        if is_throttle(*response_code):
            return False
        return response_code.code in SERVER_CODES or response_code.status in SERVER_STATUSES


class UnpacedThrottleRetry(AWSRetry):
    """The bounded back-off of throttled answers from a client without a pace."""

    @staticmethod
    def status_code_from_exception(error: "botocore.exceptions.ClientError") -> Answer:
        return answer_of(error)

    @staticmethod
    def found(response_code: Answer, catch_extra_error_codes: Any = None) -> bool:
        return is_throttle(*response_code) and not getattr(_ANSWERED, "paced", False)


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
    """Send a request through the retry layer, with back-off state of its own for every call.

    A throttled answer that came through a pace sends the request again at once: the pace makes it wait its turn,
    and fails it (pace.NoProgressError, which no layer here retries) when nothing gets through for its patience.
    """

    @functools.wraps(func)
    def retrying(*args: Any, **kwargs: Any) -> Any:
        connection = ConnectionRetry.jittered_backoff(
            retries=CONNECTION_ATTEMPTS, delay=CONNECTION_DELAY, max_delay=CONNECTION_MAX_DELAY
        )
        service = ServiceRetry.jittered_backoff(retries=SERVER_ATTEMPTS, delay=SERVER_DELAY, max_delay=SERVER_MAX_DELAY)
        unpaced = UnpacedThrottleRetry.jittered_backoff(
            retries=SERVER_ATTEMPTS, delay=SERVER_DELAY, max_delay=SERVER_MAX_DELAY
        )
        attempt = unpaced(service(connection(func)))
        while True:
            _ANSWERED.paced = False
            try:
                return attempt(*args, **kwargs)
            except botocore.exceptions.ClientError as e:
                if not (is_throttle(*answer_of(e)) and _ANSWERED.paced):
                    raise

    return retrying
