"""The draft-4 subset validator, keyword by keyword, and against the contract's schemas."""

from __future__ import annotations

import pytest
from runtime.contract import FLOWS, request_schemas
from runtime.validation import SchemaValidationError, describe, validate


def rejects(instance, schema) -> str:
    with pytest.raises(SchemaValidationError) as raised:
        validate(instance, schema)
    return str(raised.value)


@pytest.mark.parametrize(
    ("type_name", "good", "bad"),
    [
        ("string", "x", 1),
        ("object", {}, []),
        ("array", [], {}),
        ("integer", 3, True),
        ("integer", 3, 3.5),
        ("number", 3.5, "3.5"),
        ("number", 3, False),
        ("boolean", False, 0),
        ("null", None, 0),
    ],
)
def test_type(type_name, good, bad):
    # given
    schema = {"type": type_name}

    # when / then
    validate(good, schema)
    assert "must be" in rejects(bad, schema)


def test_type_list_accepts_any_listed_type():
    # given
    schema = {"type": ["object", "string"]}

    # when / then
    validate({}, schema)
    validate("{}", schema)
    assert rejects(7, schema) == "the request body must be an object or a string"


def test_required_names_the_missing_field():
    # given
    schema = {"type": "object", "required": ["username", "password"]}

    # when / then
    validate({"username": "a", "password": "b"}, schema)
    assert rejects({"username": "a"}, schema) == "field 'password' is required"


@pytest.mark.parametrize(("length", "ok"), [(2, False), (3, True), (5, True), (6, False)])
def test_min_and_max_length_boundaries(length, ok):
    # given
    schema = {"type": "string", "minLength": 3, "maxLength": 5}
    value = "x" * length

    # when / then
    if ok:
        validate(value, schema)
    else:
        assert "characters long" in rejects(value, schema)


def test_length_counts_characters_not_bytes():
    # given: four characters, twelve UTF-8 bytes
    schema = {"type": "string", "maxLength": 4}

    # when / then
    validate("ñáéü", schema)


def test_length_keywords_ignore_non_strings():
    # given
    schema = {"type": ["object", "string"], "maxLength": 2}

    # when / then
    validate({"abc": "defg"}, schema)
    assert "at most 2" in rejects("abc", schema)


def test_pattern_is_searched_not_matched():
    # given: draft-4 patterns are unanchored
    schema = {"type": "string", "pattern": "b"}

    # when / then
    validate("abc", schema)
    assert rejects("xyz", schema) == "the request body has an invalid format"


def test_additional_properties_false_names_the_extra_field():
    # given
    schema = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}

    # when / then
    validate({"a": 1}, schema)
    assert rejects({"a": 1, "b": 2}, schema) == "field 'b' is not allowed"


def test_additional_properties_schema_applies_to_unlisted_fields_with_a_dotted_name():
    # given
    schema = {
        "type": "object",
        "properties": {"inner": {"type": "object", "additionalProperties": {"type": "string"}}},
    }

    # when / then
    validate({"inner": {"X": "y"}}, schema)
    assert rejects({"inner": {"X": 1}}, schema) == "field 'inner.X' must be a string"


def test_additional_properties_default_allows_anything():
    # when / then
    validate({"anything": [1, {"x": None}]}, {"type": "object", "properties": {}})


@pytest.mark.parametrize(("count", "ok"), [(2, True), (3, False)])
def test_max_properties_boundary(count, ok):
    # given
    schema = {"type": "object", "maxProperties": 2}
    value = {str(i): i for i in range(count)}

    # when / then
    if ok:
        validate(value, schema)
    else:
        assert rejects(value, schema) == "the request body must have at most 2 properties"


def test_messages_never_contain_the_value():
    # given
    secret = "Sup3r-Secret pass"
    schema = request_schemas("ADMIN_CREATE")["auth"]

    # when
    messages = [
        rejects({"username": secret, "password": "x"}, schema),  # pattern: whitespace
        rejects({"username": "ana", "password": secret * 20}, schema),  # too long
    ]

    # then
    assert all(secret not in message for message in messages)


def test_long_field_names_are_shortened_in_messages():
    # when
    message = describe("k" * 500)

    # then
    assert len(message) < 80
    assert message.endswith("...'")


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("signup", {"username": "ana", "email": "ana@example.com", "temporary_password": "p"}),
        ("auth", {"username": "ana", "password": "p"}),
        ("login", {"username": "ana", "password": "p"}),
        (
            "challenge",
            {
                "challenge_name": "NEW_PASSWORD_REQUIRED",
                "session": "s" * 20,
                "challenge_responses": {"USERNAME": "ana", "NEW_PASSWORD": "p"},
            },
        ),
        (
            "challenge",
            {"challenge_name": "SMS_MFA", "session": "s" * 20, "challenge_responses": "{}"},
        ),
    ],
)
def test_contract_schemas_accept_valid_bodies(route, body):
    # when / then
    validate(body, request_schemas("ADMIN_CREATE")[route])


def test_every_contract_keyword_is_supported():
    # given: the keywords this validator implements (plus annotations it may ignore)
    supported = {
        "type", "required", "properties", "additionalProperties", "minLength", "maxLength",
        "pattern", "maxProperties", "$schema", "title",
    }  # fmt: skip
    used: set[str] = set()

    def collect(schema):
        used.update(schema)
        for child in schema.get("properties", {}).values():
            collect(child)
        if isinstance(schema.get("additionalProperties"), dict):
            collect(schema["additionalProperties"])

    # when
    for flow in sorted(FLOWS):
        for schema in request_schemas(flow).values():
            collect(schema)

    # then: a keyword added to the contract must be implemented here first
    assert used <= supported, used - supported
