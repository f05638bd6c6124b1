# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS's CamelCase members as the snake_case keys Ansible users expect."""

import datetime
import re
from typing import Any
from typing import Dict

_SNAKE_CASE: Dict[str, str] = {}


def snake_case(name: str) -> str:
    """ProxySessionId -> proxy_session_id; remembered, since a large listing converts the same few names."""
    key = _SNAKE_CASE.get(name)
    if key is None:
        key = _SNAKE_CASE[name] = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return key


def snake_case_keys(value: Any) -> Any:
    """A response value with every dict key in snake_case, datetimes as ISO 8601, every other value as sent.

    Members the service left out stay out; empty values (an empty list, an empty string) stay as they are.
    """
    if isinstance(value, dict):
        return {snake_case(k): snake_case_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_case_keys(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value
