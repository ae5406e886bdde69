"""challenge_responses arrives as an object or as that object JSON-encoded in a string."""

from __future__ import annotations

import json

import pytest
from runtime.errors import BadRequestError
from runtime.routes import challenge_responses
from runtime.schemas import CHALLENGE_RESPONSE_VALUE_MAX


@pytest.mark.parametrize("encode", [False, True], ids=["object", "json-string"])
def test_both_forms_give_the_same_dictionary(encode):
    # given
    responses = {"USERNAME": "ana", "NEW_PASSWORD": "N3w-Passw0rd!"}

    # when
    result = challenge_responses(json.dumps(responses) if encode else responses)

    # then
    assert result == responses


@pytest.mark.parametrize("value", ["", "nope", "[]", '"USERNAME"', "null", "{"])
def test_string_that_is_not_an_encoded_object_is_refused(value):
    # when / then
    with pytest.raises(BadRequestError, match="field 'challenge_responses' must be a JSON object"):
        challenge_responses(value)


@pytest.mark.parametrize("encode", [False, True], ids=["object", "json-string"])
def test_username_is_required(encode):
    # given
    responses = {"NEW_PASSWORD": "x"}

    # when / then
    with pytest.raises(
        BadRequestError, match=r"^field 'challenge_responses\.USERNAME' is required$"
    ):
        challenge_responses(json.dumps(responses) if encode else responses)


@pytest.mark.parametrize("encode", [False, True], ids=["object", "json-string"])
def test_values_must_be_strings(encode):
    # given
    responses = {"USERNAME": "ana", "ANSWER": 123456}

    # when / then
    with pytest.raises(BadRequestError, match=r"'challenge_responses\.ANSWER' must be a string"):
        challenge_responses(json.dumps(responses) if encode else responses)


def test_decoded_string_is_held_to_the_object_limits():
    # given: the value limit applies once the string is decoded too
    responses = {"USERNAME": "ana", "ANSWER": "x" * (CHALLENGE_RESPONSE_VALUE_MAX + 1)}

    # when / then
    with pytest.raises(BadRequestError, match="ANSWER' must be at most"):
        challenge_responses(json.dumps(responses))


def test_decoded_string_is_held_to_max_properties():
    # given
    responses = {"USERNAME": "ana", **{f"K{i}": "v" for i in range(32)}}

    # when / then
    with pytest.raises(BadRequestError, match="at most 32 properties"):
        challenge_responses(json.dumps(responses))
