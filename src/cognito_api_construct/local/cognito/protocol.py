"""The user pools API's wire protocol: a request's body read as Cognito's front end reads it.

Cognito speaks AWS JSON 1.1
(https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html): the operation is the
``X-Amz-Target`` header's ``AWSCognitoIdentityProviderService.<Operation>``, the body a
JSON object whose members have the types of the operation's input shape. Before any
operation runs (the front's own or moto's), the body is checked against the API's model
as botocore ships it (``cognito-idp``, the model the SDKs are generated from):

- an operation the API does not have: 400 ``UnknownOperationException``;
- a body that is not JSON (not UTF-8, nested too deep, ``NaN``) or not an object, or a
  member of the wrong type anywhere (a list where a map is expected, a number where a
  string is): 400 ``SerializationException``;
- a required member missing (or null): 400 ``InvalidParameterException`` with AWS's
  validation message (``1 validation error detected: Value null at 'clientId' failed to
  satisfy constraint: Member must not be null``).

A null member of a structure counts as absent (it is removed from the request the
operation sees); members the model does not know are ignored, as AWS ignores them, and a
document member (a passkey's ``Credential``) may be any JSON value. The
shapes' length, pattern and enum constraints are left to each operation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from .errors import CognitoError

__all__ = ["request_of"]

#: How deep a request may nest before it is refused (Cognito's shapes nest 4 deep).
MAX_DEPTH: Final = 32


@cache
def _model() -> ServiceModel:
    import botocore.session  # read once, on the first call

    return botocore.session.get_session().get_service_model("cognito-idp")


def _serialization(message: str) -> CognitoError:
    return CognitoError("SerializationException", message)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def request_of(action: str, body: bytes) -> dict[str, Any]:
    """The request of ``action`` in ``body``, checked against the API's model.

    Raises:
        CognitoError: UnknownOperationException, SerializationException or
            InvalidParameterException, as the module says.
    """
    model = _model()
    if action not in model.operation_names:
        raise CognitoError("UnknownOperationException", f"Unknown operation {action}")
    try:
        request = json.loads(body or b"{}", parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise _serialization("Malformed request body") from None
    if not isinstance(request, dict):
        raise _serialization("The request body is not an object")
    shape = model.operation_model(action).input_shape
    if shape is None:
        return {}
    missing: list[str] = []
    checked = _structure(shape, request, "", missing, 0)
    if missing:
        count = len(missing)
        errors = "; ".join(
            f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
            for path in missing
        )
        raise CognitoError.invalid_parameter(
            f"{count} validation error{'s' if count > 1 else ''} detected: {errors}"
        )
    return checked


def _structure(
    shape: StructureShape, value: Mapping[str, Any], path: str, missing: list[str], depth: int
) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name, member in value.items():
        if name not in shape.members:
            checked[name] = member  # unknown members are ignored, as AWS ignores them
        elif member is not None:
            checked[name] = _value(shape.members[name], member, _at(path, name), missing, depth)
    missing.extend(_at(path, name) for name in shape.required_members if name not in checked)
    return checked


def _at(path: str, name: str) -> str:
    lower = name[:1].lower() + name[1:]
    return f"{path}.{lower}" if path else lower


def _value(shape: Shape, value: Any, path: str, missing: list[str], depth: int) -> Any:
    """``value`` if it has ``shape``'s JSON type (structures with their nulls removed)."""
    if depth > MAX_DEPTH:
        raise _serialization("The request nests too deep")
    kind = shape.type_name
    if shape.metadata.get("document"):
        return value  # a document (a passkey's credential...): any JSON value
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise _wrong_type(path, "an object", value)
        return _structure(shape, value, path, missing, depth + 1)
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _wrong_type(path, "a map", value)
        return {
            key: _value(shape.value, item, f"{path}.{key}", missing, depth + 1)
            for key, item in value.items()
        }
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _wrong_type(path, "a list", value)
        return [
            _value(shape.member, item, f"{path}.{index}.member", missing, depth + 1)
            for index, item in enumerate(value, 1)
        ]
    if kind in ("string", "blob"):
        ok = isinstance(value, str)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:  # double, float, timestamp (epoch seconds)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok:
        raise _wrong_type(path, f"a {kind}", value)
    return value


def _wrong_type(path: str, expected: str, value: Any) -> CognitoError:
    found = {
        type(None): "null", bool: "a boolean", int: "a number", float: "a number",
        str: "a string", list: "a list", dict: "an object",
    }.get(type(value), "a value")  # fmt: skip
    return _serialization(f"Expected {expected} at '{path}', found {found}")
