"""What the handler refuses before Cognito is called: routes, query strings, bodies."""

from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber
from runtime.contract import MAX_BODY_BYTES


@pytest.fixture
def no_cognito_calls(cognito):
    """Fail the test if the handler calls Cognito at all (a Stubber with nothing queued)."""
    stub = Stubber(cognito.module._cognito)
    with stub:
        yield
    stub.assert_no_pending_responses()


def good_auth_body() -> dict[str, str]:
    return {"username": "ana", "password": "Secret-Passw0rd!"}


@pytest.mark.parametrize("route", ["/auth", "/login", "/signup", "/challenge"])
def test_query_string_is_refused_before_anything_else(invoke, make_event, no_cognito_calls, route):
    # given: credentials in the URL, and a body that would otherwise be refused too
    event = make_event(route, "not json", content_type="text/plain", query={"password": "x"})

    # when
    reply = invoke(event)

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CredentialsInQueryString"
    assert "JSON body" in reply.body["message"]


def test_empty_query_value_counts_as_query_string(invoke, make_event, no_cognito_calls):
    # given: "/auth?password" arrives as a parameter with an empty value
    event = make_event("/auth", good_auth_body(), query={"password": ""})

    # when
    reply = invoke(event)

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CredentialsInQueryString"


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonp",
     "application/json; charset=latin-1"],
)  # fmt: skip
def test_body_not_declared_as_json_is_415(invoke, make_event, no_cognito_calls, content_type):
    # when
    reply = invoke(make_event("/auth", good_auth_body(), content_type=content_type))

    # then
    assert reply.status == 415
    assert reply.body["error"] == "UnsupportedMediaType"


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/json; charset=UTF-8"]
)
def test_json_content_type_variants_are_accepted(
    invoke, make_event, passwords, signed_up, content_type
):
    # given
    temporary, _ = passwords

    # when
    reply = invoke(
        make_event(
            "/auth", {"username": signed_up, "password": temporary}, content_type=content_type
        )
    )

    # then
    assert reply.status == 200


def test_content_type_header_name_is_case_insensitive(invoke, make_event, passwords, signed_up):
    # given
    temporary, _ = passwords
    event = make_event("/auth", {"username": signed_up, "password": temporary}, content_type=None)
    event["headers"]["Content-Type"] = "application/json"
    event["multiValueHeaders"]["Content-Type"] = ["application/json"]

    # when
    reply = invoke(event)

    # then
    assert reply.status == 200


def test_base64_body_is_decoded(invoke, make_event, passwords, signed_up):
    # given
    temporary, _ = passwords
    event = make_event("/auth", {"username": signed_up, "password": temporary}, base64_body=True)

    # when
    reply = invoke(event)

    # then
    assert reply.status == 200
    assert reply.body["challenge_name"] == "NEW_PASSWORD_REQUIRED"


@pytest.mark.parametrize(
    ("body", "message_part"),
    [("not base64!", "base64"), ("//79", "UTF-8")],  # "//79" decodes to bytes ff fe fd
    ids=["invalid-base64", "invalid-utf8"],
)
def test_undecodable_base64_body_is_400(invoke, make_event, no_cognito_calls, body, message_part):
    # given
    event = make_event("/auth", body)
    event["isBase64Encoded"] = True

    # when
    reply = invoke(event)

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert message_part in reply.body["message"]


@pytest.mark.parametrize(
    "body", ["{", "{'username': 'ana'}", "", "   ", None, '{"username": "ana",}'],
    ids=["truncated", "single-quotes", "empty", "blank", "none", "trailing-comma"],
)  # fmt: skip
def test_malformed_json_is_400(invoke, make_event, no_cognito_calls, body):
    # when
    reply = invoke(make_event("/auth", body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"


@pytest.mark.parametrize("body", ["[]", '"ana"', "42", "null", "true"])
def test_body_that_is_not_an_object_is_400(invoke, make_event, no_cognito_calls, body):
    # when
    reply = invoke(make_event("/auth", body))

    # then
    assert reply.status == 400
    assert reply.body == {
        "error": "InvalidRequestBody",
        "message": "the request body must be an object",
    }


def test_duplicate_keys_are_400(invoke, make_event, no_cognito_calls):
    # when
    reply = invoke(make_event("/auth", '{"username": "ana", "password": "a", "password": "b"}'))

    # then
    assert reply.status == 400
    assert reply.body["message"] == "field 'password' appears more than once"


def challenge(**fields):
    body = {"challenge_name": "X", "session": "s" * 20, "challenge_responses": {"USERNAME": "a"}}
    return {**body, **fields}


SIGNUP = {"username": "ana", "email": "ana@example.com"}


@pytest.mark.parametrize(
    ("route", "body", "message"),
    [
        ("/auth", {"password": "x"}, "field 'username' is required"),
        ("/login", {"username": "ana"}, "field 'password' is required"),
        ("/auth", {"username": 7, "password": "x"}, "field 'username' must be a string"),
        ("/auth", {"username": "ana", "password": None}, "field 'password' must be a string"),
        ("/auth", {"username": "", "password": "x"},
         "field 'username' must be at least 1 character long"),
        ("/auth", {"username": "a" * 129, "password": "x"},
         "field 'username' must be at most 128 characters long"),
        ("/auth", {"username": "a b", "password": "x"}, "field 'username' has an invalid format"),
        ("/auth", {"username": "a", "password": "x", "extra": 1}, "field 'extra' is not allowed"),
        ("/signup", SIGNUP, "field 'temporary_password' is required"),
        ("/signup", {**SIGNUP, "email": "nope", "temporary_password": "x"},
         "field 'email' has an invalid format"),
        ("/challenge", {"challenge_name": "NEW_PASSWORD_REQUIRED", "session": "s" * 20},
         "field 'challenge_responses' is required"),
        ("/challenge", challenge(challenge_name="new"),
         "field 'challenge_name' has an invalid format"),
        ("/challenge", challenge(session="short"),
         "field 'session' must be at least 20 characters long"),
        ("/challenge", challenge(challenge_responses=[]),
         "field 'challenge_responses' must be an object or a string"),
        ("/challenge", challenge(challenge_responses={"NEW_PASSWORD": "p"}),
         "field 'challenge_responses.USERNAME' is required"),
        ("/challenge", challenge(challenge_responses='{"NEW_PASSWORD": "p"}'),
         "field 'challenge_responses.USERNAME' is required"),
        ("/challenge", challenge(challenge_responses={"USERNAME": 1}),
         "field 'challenge_responses.USERNAME' must be a string"),
        ("/challenge", challenge(challenge_responses='{"USERNAME": 1}'),
         "field 'challenge_responses.USERNAME' must be a string"),
    ],
)  # fmt: skip
def test_schema_violation_is_400_naming_the_field(
    invoke, make_event, no_cognito_calls, route, body, message
):
    # when
    reply = invoke(make_event(route, body))

    # then
    assert reply.status == 400
    assert reply.body == {"error": "InvalidRequestBody", "message": message}


@pytest.mark.parametrize("encoded", ["not json", "[1, 2]", '"text"', '{"USERNAME": "a"'])
def test_challenge_responses_string_must_encode_an_object(
    invoke, make_event, no_cognito_calls, encoded
):
    # given
    body = {"challenge_name": "X", "session": "s" * 20, "challenge_responses": encoded}

    # when
    reply = invoke(make_event("/challenge", body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert "challenge_responses" in reply.body["message"]


@pytest.mark.parametrize("base64_body", [False, True], ids=["plain", "base64"])
def test_oversize_body_is_400(invoke, make_event, no_cognito_calls, base64_body):
    # given: padding pushes the body one byte over the limit
    body = {"username": "ana", "password": ""}
    body["password"] = "p" * (MAX_BODY_BYTES + 1 - len(json.dumps(body)))
    assert len(json.dumps(body)) == MAX_BODY_BYTES + 1

    # when
    reply = invoke(make_event("/auth", body, base64_body=base64_body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert str(MAX_BODY_BYTES) in reply.body["message"]


def test_body_at_the_size_limit_reaches_validation(invoke, make_event, no_cognito_calls):
    # given: exactly the limit, so the size check passes and the schema speaks
    body = {"username": "ana", "password": ""}
    body["password"] = "p" * (MAX_BODY_BYTES - len(json.dumps(body)))
    assert len(json.dumps(body)) == MAX_BODY_BYTES

    # when
    reply = invoke(make_event("/auth", body))

    # then
    assert reply.status == 400
    assert reply.body["message"] == "field 'password' must be at most 256 characters long"


def test_deeply_nested_json_is_400_not_500(invoke, make_event, no_cognito_calls):
    # when
    reply = invoke(make_event("/auth", "[" * 5000 + "]" * 5000))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "ana", "password": "\\udfff"}',
        '{"username": "ana", "password": "x", "\\ud800": 1}',
    ],
    ids=["in a value", "a trailing low surrogate", "in a key"],
)
def test_a_lone_surrogate_escape_is_400_not_500(invoke, make_event, no_cognito_calls, body):
    """RFC 8259 §8.2: a string with a lone surrogate escape is not Unicode text. Python's
    json accepts it; no UTF-8 request to Cognito can carry it, so the body is refused."""
    # when
    reply = invoke(make_event("/auth", body))

    # then
    assert reply.status == 400
    assert reply.body == {
        "error": "InvalidRequestBody",
        "message": "the request body is not valid JSON",
    }


@pytest.mark.parametrize(
    "responses",
    ["[" * 8000, '{"USERNAME": "\\ud800", "NEW_PASSWORD": "x"}'],
    ids=["nested too deeply", "a lone surrogate"],
)
def test_challenge_responses_as_a_string_are_refused_like_a_body(
    invoke, make_event, no_cognito_calls, responses
):
    """``challenge_responses`` may be the object JSON-encoded in a string (up to 8,192
    characters): that inner JSON gets the body's checks, a 400 naming the field."""
    body = {
        "challenge_name": "NEW_PASSWORD_REQUIRED",
        "session": "s" * 20,
        "challenge_responses": responses,
    }

    # when
    reply = invoke(make_event("/challenge", body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert "challenge_responses" in reply.body["message"]


@pytest.mark.parametrize("route", ["/nowhere", "/auth/extra", "/", ""])
def test_unknown_route_is_404(invoke, make_event, no_cognito_calls, route):
    # when
    reply = invoke(make_event(route, good_auth_body()))

    # then
    assert reply.status == 404
    assert reply.body["error"] == "NotFound"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_wrong_method_is_405(invoke, make_event, no_cognito_calls, method):
    # when
    reply = invoke(make_event("/auth", good_auth_body(), method=method))

    # then
    assert reply.status == 405
    assert reply.body["error"] == "MethodNotAllowed"
    assert reply.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    ("event", "status"),
    [({}, 404), ({"resource": "/auth", "httpMethod": "POST", "headers": ["not", "a", "map"]}, 500)],
    ids=["empty", "headers-not-a-map"],
)
def test_malformed_event_still_gets_a_json_answer(invoke, no_cognito_calls, event, status):
    # when
    reply = invoke(event)

    # then
    assert reply.status == status
    assert set(reply.body) == {"error", "message"}
