# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input validation from the service model, the way AWS reports it.

moto does not validate inputs.  AWS does: every constraint of the input shape (required
members, string and list lengths, integer ranges, enums, patterns as full matches), and a
failure is a 400 ``BadRequestException`` "N validation error(s) detected: ..." naming each
member.  Values the parser could not convert (text where an integer belongs, an object
where a list belongs) arrive here unchanged and fail their shape's type.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from botocore.model import OperationModel
from botocore.model import Shape

from .exceptions import BadRequestException

MAX_SHOWN = 256  # characters of a value shown in a message
MAX_DEPTH = 8  # nesting of a value shown in a message
INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _render(value: Any, depth: int = 0) -> str:
    """Render a value the way AWS (Java) prints it in validation messages, bounded in depth and length."""
    if depth > MAX_DEPTH:
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, depth + 1) for v in value[:20]) + (", ..." if len(value) > 20 else "") + "]"
    if isinstance(value, dict):
        items = list(value.items())[:20]
        return "{" + ", ".join(f"{k}={_render(v, depth + 1)}" for k, v in items) + "}"
    text = str(value) if not isinstance(value, int) or abs(value) < 10**100 else f"{str(value)[:20]}..."
    return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}..."


def _fail(errors: list[str], value: Any, path: str, constraint: str) -> None:
    shown = "null" if value is None else f"'{_render(value)}'"
    errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")


def _check_length(errors: list[str], shape: Shape, value: Any, path: str) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if minimum is not None and len(value) < minimum:
        _fail(errors, value, path, f"Member must have length greater than or equal to {minimum}")
    if maximum is not None and len(value) > maximum:
        _fail(errors, value, path, f"Member must have length less than or equal to {maximum}")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def _join(path: str, name: str) -> str:
    return f"{path}.{_lower_first(name)}" if path else _lower_first(name)


def validate_shape(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    """Check ``value`` against ``shape`` (recursively), appending AWS-style messages."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            _fail(errors, value, path, "Member must be a structure")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                _fail(errors, None, _join(path, name), "Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                validate_shape(member, value[name], _join(path, name), errors)
    elif kind == "list":
        if not isinstance(value, list):
            _fail(errors, value, path, "Member must be a list")
            return
        _check_length(errors, shape, value, path)
        for index, item in enumerate(value, start=1):
            validate_shape(shape.member, item, f"{path}.{index}.member", errors)
    elif kind == "map":
        if not isinstance(value, dict):
            _fail(errors, value, path, "Member must be a map")
            return
        _check_length(errors, shape, value, path)
        for key, item in value.items():
            validate_shape(shape.key, key, f"{path}.{key}.key", errors)
            validate_shape(shape.value, item, f"{path}.{key}.value", errors)
    elif kind == "string":
        if not isinstance(value, str):
            _fail(errors, value, path, "Member must be a string")
            return
        _check_length(errors, shape, value, path)
        if shape.enum and value not in shape.enum:
            _fail(errors, value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = shape.metadata.get("pattern")
        # AWS validates patterns as full matches (the Smithy text itself is unanchored).
        if pattern is not None and _compiled(pattern).fullmatch(value) is None:
            _fail(errors, value, path, f"Member must satisfy regular expression pattern: {pattern}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(errors, value, path, "Member must be an integer")
            return
        # Smithy's integer is 32-bit and long 64-bit: a bound where the model gives none.
        low, high = INTEGER_RANGES[kind]
        minimum = max(shape.metadata.get("min", low), low)
        maximum = min(shape.metadata.get("max", high), high)
        if minimum is not None and value < minimum:
            _fail(errors, value, path, f"Member must have value greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            _fail(errors, value, path, f"Member must have value less than or equal to {maximum}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(errors, value, path, "Member must be a boolean")


def validate_input(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise BadRequestException listing every constraint the input violates."""
    if operation.input_shape is None:
        return
    errors: list[str] = []
    validate_shape(operation.input_shape, params, "", errors)
    if errors:
        plural = "s" if len(errors) > 1 else ""
        raise BadRequestException(f"{len(errors)} validation error{plural} detected: {'; '.join(errors)}")
