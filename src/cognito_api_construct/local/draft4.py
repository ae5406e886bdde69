r"""API Gateway models (JSON Schema draft 4) as OpenAPI 3.0 schema objects.

It owns one translation: an ``AWS::ApiGateway::Model`` schema into the schema dialect
of OpenAPI 3.0, which is a subset of draft 4 with a few differences: no ``type``
arrays (a list of types becomes ``oneOf``, each branch keeping the keywords of its
type; ``null`` becomes ``nullable``), no ``$schema``/``id``, no empty ``required``.
Keywords OpenAPI 3.0 has no word for (``patternProperties``, ``dependencies``...)
are kept as ``x-draft4-<keyword>`` extensions, so the document stays valid and a
reader still sees them; the emulator enforces the original model either way.

Patterns are regular expressions of three dialects at once: API Gateway's validator
(Java), the auth Lambda's and the emulator's (Python) and OpenAPI's (ECMA 262). They
disagree on ``\s``: Python's also matches U+001C-U+001F and U+0085, ECMA's does not
(and matches U+FEFF, which Python's does not). A body that passed the gateway is
validated again by the Lambda, in Python, so ``\s``/``\S`` are spelled out as
Python's class: the document then says what the API as a whole accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["python_whitespace", "to_openapi_schema"]

#: Keywords that constrain only one JSON type; the rest apply to every branch.
_NUMBER_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
_KEYWORDS_OF_TYPE: Mapping[str, frozenset[str]] = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "object": frozenset(
        {"properties", "required", "additionalProperties", "minProperties", "maxProperties"}
    ),
    "array": frozenset({"items", "minItems", "maxItems", "uniqueItems"}),
    "number": _NUMBER_KEYWORDS,
    "integer": _NUMBER_KEYWORDS,
}
_TYPED_KEYWORDS = frozenset(key for keys in _KEYWORDS_OF_TYPE.values() for key in keys)
_COMMON = frozenset(
    {"title", "description", "default", "enum", "allOf", "anyOf", "oneOf", "not", "type"}
)
_DROPPED = frozenset({"$schema", "id"})


def to_openapi_schema(schema: Any) -> Any:
    """Translate a draft-4 schema (a model's ``Schema``) into an OpenAPI 3.0 schema object.

    Args:
        schema: the draft-4 schema; non-dictionaries (``true``) are returned as is.

    Returns:
        A new dictionary; ``schema`` is not modified.

    Example:
        >>> to_openapi_schema({"type": ["object", "string"], "maxLength": 3})
        {'oneOf': [{'type': 'object'}, {'type': 'string', 'maxLength': 3}]}
    """
    if not isinstance(schema, Mapping):
        return schema
    types = schema.get("type")
    if isinstance(types, list):
        return _split_types([str(kind) for kind in types], schema)
    return _convert_keywords(schema)


def _split_types(types: list[str], schema: Mapping[str, Any]) -> dict[str, Any]:
    nullable = "null" in types
    kinds = [kind for kind in dict.fromkeys(types) if kind != "null"]
    shared = {
        key: value
        for key, value in schema.items()
        if key not in _TYPED_KEYWORDS and key != "type" and key not in _DROPPED
    }
    if len(kinds) == 1:
        converted = _convert_keywords({**schema, "type": kinds[0]})
        if nullable:
            converted["nullable"] = True
        return converted
    branches = []
    for kind in kinds:
        own = {
            key: value for key, value in schema.items() if key in _KEYWORDS_OF_TYPE.get(kind, ())
        }
        branches.append(_convert_keywords({"type": kind, **own}))
    # An integer is also a number: the branches overlap, so anyOf; otherwise oneOf.
    combinator = "anyOf" if {"integer", "number"} <= set(kinds) else "oneOf"
    converted = _convert_keywords(shared)
    converted[combinator] = branches
    if nullable:
        converted["nullable"] = True
    return converted


def _convert_keywords(schema: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key == "properties" and isinstance(value, Mapping):
            converted[key] = {name: to_openapi_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, Mapping):
            converted[key] = to_openapi_schema(value)
        elif key == "items" and isinstance(value, list):
            # Tuple validation has no OpenAPI 3.0 form: any of the positions' schemas.
            converted[key] = {"anyOf": [to_openapi_schema(sub) for sub in value]}
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            converted[key] = [to_openapi_schema(sub) for sub in value]
        elif key == "pattern" and isinstance(value, str):
            converted[key] = python_whitespace(value)
        elif key == "required":
            if value:
                converted[key] = list(value)
        elif key in _COMMON or key in _TYPED_KEYWORDS or key.startswith("x-"):
            converted[key] = value
        else:
            converted[f"x-draft4-{key}"] = value
    return converted


#: Python's ``\s`` (``str.isspace``) as the members of a character class, in escapes
#: that Java, Python and ECMA 262 all read the same way.
_PYTHON_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def python_whitespace(pattern: str) -> str:
    r"""Spell out ``\s`` and ``\S`` of ``pattern`` as Python reads them.

    Example:
        >>> python_whitespace(r"^[^@\s]+$") == "^[^@" + _PYTHON_SPACE + "]+$"
        True
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped == "s":
                out.append(_PYTHON_SPACE if in_class else f"[{_PYTHON_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_PYTHON_SPACE}]")
            else:  # \S inside a class has no spelled-out form: kept as written
                out.append(char + escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)
