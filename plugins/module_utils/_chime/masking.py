# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Phone numbers masked for reports that get shared: AWS's model marks them as sensitive."""

from typing import Any
from typing import FrozenSet

# The snake_case keys whose values are phone numbers in the modules' results. phone_number_id is masked too, in
# whatever form the service sends it: the modules send a number's E.164 form as its id.
PHONE_NUMBER_KEYS: FrozenSet[str] = frozenset(
    {"phone_number", "proxy_phone_number", "e164_phone_number", "fall_back_phone_number", "phone_number_id"}
)
KEPT_DIGITS = 4


def mask_phone_number(number: Any) -> Any:
    """'+12065550100' -> '+*******0100': the '+' and the last four digits kept, every other digit a '*'."""
    if not isinstance(number, str):
        return number
    to_hide = max(sum(c.isdigit() for c in number) - KEPT_DIGITS, 0)
    masked = []
    for char in number:
        if to_hide and char.isdigit():
            masked.append("*")
            to_hide -= 1
        else:
            masked.append(char)
    return "".join(masked)


def mask_phone_numbers(value: Any, keys: FrozenSet[str] = PHONE_NUMBER_KEYS) -> Any:
    """A copy of a result with every phone number (by key, at any depth) masked; the input is left as it is."""
    if isinstance(value, dict):
        return {k: mask_phone_number(v) if k in keys else mask_phone_numbers(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_phone_numbers(v, keys) for v in value]
    return value
