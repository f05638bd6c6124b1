# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""NextToken loops for the operations that have no boto3 paginator, which never trust the service blindly."""

from typing import Any
from typing import Callable
from typing import Dict
from typing import List

from .errors import AnsibleChimeError

# ListProxySessions, ListVoiceConnectors and ListPhoneNumbers allow 1 to 100 results a page.
PAGE_SIZE = 100


class RepeatedTokenError(AnsibleChimeError):
    """The service sent a NextToken it had already sent in the same listing: following it would never end."""


def every_page(
    request_page: Callable[..., Dict[str, Any]], params: Dict[str, Any], items_key: str, what: str
) -> List[Any]:
    """Every item of every page, in the order the service lists them.

    request_page(**params) sends one request (through the retry layer); pages are followed by NextToken. A token
    seen before in this listing raises RepeatedTokenError, as botocore's own paginators refuse one: a partial list
    is never returned.
    """
    params = dict(params)
    items: List[Any] = []
    seen = set()
    while True:
        page = request_page(**params)
        items.extend(page.get(items_key, []))
        token = page.get("NextToken")
        if not token:
            return items
        if token in seen:
            error = RepeatedTokenError(message=f"Failed to list {what}")
            error.cause = (
                f"the service sent a NextToken it had already sent, after {len(seen) + 1} pages; following it would"
                " never end, so the listing stopped and nothing is reported"
            )
            raise error
        seen.add(token)
        params["NextToken"] = token
