"""Request validation as API Gateway's request validator does it: body models and parameters.

It owns the check of a request body against the method's JSON-schema model (draft 4)
and of required request parameters, and the wording of the failure: API Gateway's
``$context.error.validationErrorString`` is a bracketed list of its validator's
messages (``[object has missing required properties (["password"])]``), which
gateway-response templates embed, quotes and all. It does not build responses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

__all__ = ["RequestInvalidError", "missing_parameters", "validate_body"]

_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


class RequestInvalidError(Exception):
    """The request fails validation; ``validation_error`` is API Gateway's string."""

    def __init__(self, validation_error: str) -> None:
        super().__init__(validation_error)
        self.validation_error = validation_error


def validate_body(body: bytes, schema: Mapping[str, Any]) -> None:
    """Check a JSON request body against a draft-4 model schema.

    Args:
        body: the raw request body; an empty one is validated as ``{}``, as API Gateway
            reads a request without a body (``POST /signout`` with nothing is ``{}``).
        schema: the model's ``Schema``.

    Raises:
        RequestInvalidError: malformed JSON or a schema violation.
    """
    try:
        instance = json.loads(body) if body.strip() else {}
        errors = sorted(Draft4Validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    except (ValueError, UnicodeDecodeError):
        raise RequestInvalidError("[Invalid request body: malformed JSON]") from None
    except RecursionError:
        # Thousands of nested brackets fit in the payload limit: a refusal, never a 500.
        raise RequestInvalidError("[Invalid request body: nested too deeply]") from None
    if errors:
        messages = list(dict.fromkeys(_message(error) for error in errors))
        raise RequestInvalidError("[" + ", ".join(messages) + "]")


def missing_parameters(
    required: Sequence[str], headers: Mapping[str, str], query: Mapping[str, Any]
) -> list[str]:
    """Names of the method's required request parameters absent from the request.

    Args:
        required: ``RequestParameters`` keys marked required, e.g.
            ``method.request.header.Auth``.
        headers: the request headers, keys lower-cased.
        query: the query string parameters.
    """
    missing = []
    for parameter in required:
        _, _, rest = parameter.partition("method.request.")
        location, _, name = rest.partition(".")
        absent = (location == "header" and not headers.get(name.lower())) or (
            location == "querystring" and name not in query
        )
        if absent:
            missing.append(name)
    return missing


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _names(values: Iterable[Any]) -> str:
    return _json(sorted(str(value) for value in values))


def _message(error: ValidationError) -> str:
    """One message in the wording of API Gateway's validator (json-schema-validator)."""
    # The stubs type these as possibly Unset; on a reported error they are always set.
    instance: Any = error.instance
    expected: Any = error.validator_value
    schema: Any = error.schema
    if error.validator == "required":
        missing = [name for name in expected if name not in instance]
        return f"object has missing required properties ({_names(missing)})"
    if error.validator == "type":
        allowed = expected if isinstance(expected, list) else [expected]
        actual = _TYPE_NAMES.get(type(instance), "object")
        return (
            f"instance type ({actual}) does not match any allowed primitive type "
            f"(allowed: {_names(allowed)})"
        )
    if error.validator == "additionalProperties":
        known = set(schema.get("properties", {}))
        extra = [name for name in instance if name not in known]
        return (
            f"object instance has properties which are not allowed by the schema: {_names(extra)}"
        )
    if error.validator == "minLength":
        return (
            f"string {_json(instance)} is too short (length: {len(instance)}, "
            f"required minimum: {expected})"
        )
    if error.validator == "maxLength":
        return (
            f"string {_json(instance)} is too long (length: {len(instance)}, "
            f"maximum allowed: {expected})"
        )
    if error.validator == "pattern":
        return f"ECMA 262 regex {_json(expected)} does not match input string {_json(instance)}"
    if error.validator == "maxProperties":
        return (
            f"object has too many properties (found {len(instance)}, maximum allowed: {expected})"
        )
    if error.validator == "enum":
        return (
            f"instance value ({_json(instance)}) not found in enum "
            f"(possible values: {_json(expected)})"
        )
    return str(error.message)
