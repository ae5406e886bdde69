"""Request validation worded as API Gateway's validator words it."""

from __future__ import annotations

import json

import pytest

from cognito_api_construct.local.validation import (
    RequestInvalidError,
    missing_parameters,
    validate_body,
)

SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
        "password": {"type": "string"},
        "tags": {"type": "object", "maxProperties": 1},
    },
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"username": "bob"}, '[object has missing required properties (["password"])]'),
        ({}, '[object has missing required properties (["password","username"])]'),
        (
            {"username": 7, "password": "p"},
            "[instance type (integer) does not match any allowed primitive type "
            '(allowed: ["string"])]',
        ),
        (
            {"username": "bob", "password": "p", "x": 1},
            '[object instance has properties which are not allowed by the schema: ["x"]]',
        ),
        (
            {"username": "toolong", "password": "p"},
            '[string "toolong" is too long (length: 7, maximum allowed: 5)]',
        ),
        (
            {"username": "", "password": "p"},
            '[string "" is too short (length: 0, required minimum: 1), '
            'ECMA 262 regex "^[a-z]+$" does not match input string ""]',
        ),
        (
            {"username": "a", "password": "p", "tags": {"a": "1", "b": "2"}},
            "[object has too many properties (found 2, maximum allowed: 1)]",
        ),
    ],
)
def test_violations_are_worded_like_api_gateway(body: dict[str, object], message: str) -> None:
    # given a body violating the model
    # when it is validated
    # then the error string reads as $context.error.validationErrorString does
    with pytest.raises(RequestInvalidError) as raised:
        validate_body(json.dumps(body).encode(), SCHEMA)
    assert raised.value.validation_error == message


def test_valid_body_passes() -> None:
    validate_body(b'{"username": "bob", "password": "p"}', SCHEMA)


@pytest.mark.parametrize("body", [b"{oops", b"\xff\xfe"])
def test_malformed_json_is_invalid(body: bytes) -> None:
    with pytest.raises(RequestInvalidError, match="malformed JSON"):
        validate_body(body, SCHEMA)


def test_missing_required_parameters_are_named() -> None:
    # given required header and query parameters
    required = ["method.request.header.X-Token", "method.request.querystring.page"]

    # when only the header is sent (header names are case-insensitive)
    missing = missing_parameters(required, {"x-token": "t"}, {})

    # then the query parameter is reported
    assert missing == ["page"]
