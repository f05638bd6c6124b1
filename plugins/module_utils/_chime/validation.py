# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Module options checked against the constraints of the chime-sdk-voice model, before any request is sent.

Each module passes its own map of option name to (operation, input member): the rules are the model's.
"""

import re
from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Tuple

from .errors import AnsibleChimeError
from .model import ChimeModel

OptionMembers = Mapping[str, Tuple[str, str]]


def shape_violations(shape: Any, value: Any) -> List[str]:
    """What a value breaks of a botocore shape's constraints, in the model's own terms.

    Strings: enum, length and pattern, the pattern applied as a full match as AWS validates on the service side.
    Integers: the model's min and max. Lists: their length, then each element against the member shape.
    """
    rules = shape.metadata
    problems = []
    if shape.type_name == "integer":
        if "min" in rules and value < rules["min"]:
            problems.append(f"must be at least {rules['min']}")
        if "max" in rules and value > rules["max"]:
            problems.append(f"must be at most {rules['max']}")
        return problems
    if shape.enum and value not in shape.enum:
        problems.append(f"must be one of {', '.join(shape.enum)}")
    if "min" in rules and len(value) < rules["min"]:
        problems.append(f"must be at least {rules['min']} characters long")
    if "max" in rules and len(value) > rules["max"]:
        problems.append(f"must be at most {rules['max']} characters long")
    if "pattern" in rules and re.fullmatch(rules["pattern"], value) is None:
        problems.append(f"must match the pattern {rules['pattern']}")
    return problems


def option_violations(model: ChimeModel, params: Dict[str, Any], option_members: OptionMembers) -> List[str]:
    """One message per broken rule, naming the option (and the item's place in a list), the AWS member and the rule."""
    errors = []
    for option, (operation, member) in option_members.items():
        value = params.get(option)
        if value is None:
            continue
        shape = model.member_shape(operation, member)
        if shape.type_name == "list":
            if isinstance(value, list):
                errors.extend(_list_length_violations(shape, option, operation, member, value))
            shape = shape.member
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = option if index is None else f"{option}[{index}]"
            for problem in shape_violations(shape, item):
                errors.append(f"{where} ({operation} {member}) {problem}, got {item!r}")
    return errors


def _list_length_violations(shape: Any, option: str, operation: str, member: str, value: List[Any]) -> List[str]:
    rules = shape.metadata
    problems = []
    if "min" in rules and len(value) < rules["min"]:
        problems.append(f"{option} ({operation} {member}) must have at least {rules['min']} items, got {len(value)}")
    if "max" in rules and len(value) > rules["max"]:
        problems.append(f"{option} ({operation} {member}) must have at most {rules['max']} items, got {len(value)}")
    return problems


def range_violations(option: str, value: Any, low: int, high: int) -> List[str]:
    """A module's own integer limit (one the model does not state), in the same words as the model's rules."""
    if value is None or low <= value <= high:
        return []
    return [f"{option} must be between {low} and {high}, got {value}"]


def raise_for_violations(errors: List[str]) -> None:
    """Fail the task with every broken rule at once; nothing has been sent yet."""
    if errors:
        raise AnsibleChimeError(message=f"Invalid options, nothing was sent to AWS: {'; '.join(errors)}")
