"""A small JSON Schema validator for exactly the draft-4 subset that contract.py uses.

Supported keywords: ``type`` (a name or a list of names), ``required``, ``properties``,
``additionalProperties`` (a boolean or a schema), ``minLength``, ``maxLength``,
``pattern`` and ``maxProperties``. Anything else in a schema is ignored, as draft-4
ignores unknown keywords, so the gateway and this validator agree on what they share.

Messages name the field (``field 'username' is required``) and never repeat a value:
the value may be a password.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

#: Field names come from the caller: keep messages short whatever they send.
_NAME_MAX = 64

_TYPE_CHECKS: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # JSON has no booleans among its numbers; Python's bool is an int, so exclude it.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def loads_json(text: str, **options: Any) -> Any:
    r"""``json.loads`` for a caller's text: ValueError for anything that is not JSON text.

    Beyond json's own errors: brackets nested deeper than the parser's recursion allows,
    and a string or key with a lone surrogate escape (``"\ud800"`` in the JSON text),
    which json accepts but which is no Unicode text: no UTF-8 request to Cognito can
    carry it (RFC 8259 §8.2). ``options`` go to ``json.loads``; what its
    ``object_pairs_hook`` raises passes through.
    """
    try:
        value = json.loads(text, **options)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if "\\u" not in text:
        # The callers' text is decoded UTF-8 or a string of a checked body, so holds no
        # surrogate itself: only a \u escape can make one. Most bodies have none.
        return value
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += item
            pending += item.values()
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a string holds a lone surrogate") from None
    return value


class SchemaValidationError(ValueError):
    """A value does not match its schema; the message names the field.

    Args:
        message: What is wrong, naming the field and never its value.
    """


def validate(instance: Any, schema: dict[str, Any], field: str = "") -> None:
    """Check a decoded JSON value against a schema, stopping at the first problem.

    Args:
        instance: The value decoded from JSON.
        schema: A draft-4 schema using only the supported keywords.
        field: The dotted path of ``instance`` in the request body; empty for the body
            itself.

    Raises:
        SchemaValidationError: With a message naming the field, e.g.
            ``field 'username' is required``.

    Example:
        ``validate({"username": "ana"}, {"type": "object", "required": ["password"]})``
        raises ``SchemaValidationError("field 'password' is required")``.
    """
    _check_type(instance, schema, field)
    if isinstance(instance, str):
        _check_string(instance, schema, field)
    elif isinstance(instance, dict):
        _check_object(instance, schema, field)


def describe(field: str) -> str:
    """Name a field for a message: ``field 'a.b'``, or ``the request body`` at the root.

    Args:
        field: A dotted path; empty for the body itself.

    Returns:
        The words to start a message with.
    """
    if not field:
        return "the request body"
    if len(field) > _NAME_MAX:
        field = field[: _NAME_MAX - 3] + "..."
    return f"field '{field}'"


def _check_type(instance: Any, schema: dict[str, Any], field: str) -> None:
    expected = schema.get("type")
    if expected is None:
        return
    names = [expected] if isinstance(expected, str) else list(expected)
    if any(_TYPE_CHECKS[name](instance) for name in names):
        return
    wanted = " or ".join(_article(name) for name in names)
    raise SchemaValidationError(f"{describe(field)} must be {wanted}")


def _check_string(value: str, schema: dict[str, Any], field: str) -> None:
    # Lengths count code points, as JSON Schema and Python both do.
    minimum = schema.get("minLength")
    if minimum is not None and len(value) < minimum:
        unit = "character" if minimum == 1 else "characters"
        raise SchemaValidationError(f"{describe(field)} must be at least {minimum} {unit} long")
    maximum = schema.get("maxLength")
    if maximum is not None and len(value) > maximum:
        raise SchemaValidationError(f"{describe(field)} must be at most {maximum} characters long")
    pattern = schema.get("pattern")
    if pattern is not None and not _compiled(pattern).search(value):
        raise SchemaValidationError(f"{describe(field)} has an invalid format")


def _check_object(value: dict[str, Any], schema: dict[str, Any], field: str) -> None:
    most = schema.get("maxProperties")
    if most is not None and len(value) > most:
        raise SchemaValidationError(f"{describe(field)} must have at most {most} properties")
    for name in schema.get("required", ()):
        if name not in value:
            raise SchemaValidationError(f"{describe(_join(field, name))} is required")
    properties: dict[str, Any] = schema.get("properties", {})
    additional = schema.get("additionalProperties", True)
    for name, item in value.items():
        path = _join(field, name)
        if name in properties:
            validate(item, properties[name], path)
        elif additional is False:
            raise SchemaValidationError(f"{describe(path)} is not allowed")
        elif isinstance(additional, dict):
            validate(item, additional, path)


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _article(type_name: str) -> str:
    if type_name == "null":
        return "null"
    return f"an {type_name}" if type_name[0] in "aeiou" else f"a {type_name}"


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> re.Pattern[str]:
    # Draft-4 patterns are unanchored ECMA 262 regexes; ours are anchored explicitly and
    # use only syntax Python shares.
    return re.compile(pattern)
