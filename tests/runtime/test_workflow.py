"""The original workflow end to end: signup -> auth -> NEW_PASSWORD_REQUIRED -> tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

TOKEN_FIELDS = {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}


def test_signup_creates_user_with_temporary_password(invoke, make_event, cognito, username):
    # given
    event = make_event(
        "/signup",
        {
            "username": username,
            "email": f"{username}@example.com",
            "temporary_password": "Temp-Passw0rd!x",
        },
    )

    # when
    reply = invoke(event)

    # then
    assert reply.status == 201
    assert reply.body == {"username": username, "user_status": "FORCE_CHANGE_PASSWORD"}
    user = cognito.admin.admin_get_user(UserPoolId=cognito.pool_id, Username=username)
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert attributes["email"] == f"{username}@example.com"
    # Nobody proved they own the address: it must not be marked verified.
    assert attributes.get("email_verified") != "true"


@pytest.mark.parametrize("route", ["/auth", "/login"])
def test_first_sign_in_asks_for_a_new_password(invoke, make_event, passwords, signed_up, route):
    # given
    temporary, _ = passwords

    # when
    reply = invoke(make_event(route, {"username": signed_up, "password": temporary}))

    # then
    assert reply.status == 200
    assert set(reply.body) == {"challenge_name", "session", "challenge_parameters"}
    assert reply.body["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    assert isinstance(reply.body["session"], str)
    assert reply.body["session"]
    assert isinstance(reply.body["challenge_parameters"], dict)


@pytest.mark.parametrize("encoding", ["object", "json_string"])
def test_new_password_challenge_returns_tokens(
    invoke, make_event, passwords, new_password_challenge, encoding
):
    # given
    _, new_password = passwords
    responses: dict[str, Any] = {
        "USERNAME": new_password_challenge["username"],
        "NEW_PASSWORD": new_password,
    }
    event = make_event(
        "/challenge",
        {
            "challenge_name": "NEW_PASSWORD_REQUIRED",
            "session": new_password_challenge["session"],
            "challenge_responses": responses if encoding == "object" else json.dumps(responses),
        },
    )

    # when
    reply = invoke(event)

    # then
    assert reply.status == 200
    assert set(reply.body) == TOKEN_FIELDS
    assert reply.body["token_type"] == "Bearer"
    assert isinstance(reply.body["expires_in"], int)
    assert reply.body["expires_in"] > 0
    for name in ("id_token", "access_token"):
        assert reply.body[name].count(".") == 2, f"{name} is not a JWT"
    assert reply.body["refresh_token"]


@pytest.mark.parametrize("route", ["/auth", "/login"])
def test_confirmed_user_signs_in_with_tokens(invoke, make_event, confirmed_user, route):
    # given
    name, password = confirmed_user

    # when
    reply = invoke(make_event(route, {"username": name, "password": password}))

    # then
    assert reply.status == 200
    assert set(reply.body) == TOKEN_FIELDS
    assert reply.body["token_type"] == "Bearer"


def test_issued_access_token_is_accepted_by_cognito(invoke, make_event, cognito, confirmed_user):
    # given
    name, password = confirmed_user
    tokens = invoke(make_event("/auth", {"username": name, "password": password})).body

    # when
    user = cognito.admin.get_user(AccessToken=tokens["access_token"])

    # then
    assert user["Username"] == name


def test_responses_are_json_and_not_cacheable(invoke, make_event, passwords, signed_up):
    # given
    temporary, _ = passwords

    # when
    reply = invoke(make_event("/auth", {"username": signed_up, "password": temporary}))

    # then
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in reply.headers
