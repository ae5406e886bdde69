"""The signed-in user's own account: GET, PATCH and DELETE /me, POST /me/verify.

Against the emulator's Cognito (its front answers GetUser, UpdateUserAttributes,
VerifyUserAttribute and DeleteUser as Cognito does, codes in the outbox), with the pool
set up like the construct's: email auto-verified, and a new email kept unused until
verified (``AttributesRequireVerificationBeforeUpdate``).
"""

from __future__ import annotations

from typing import Any

import pytest

NEW_EMAIL = "renamed@example.org"


@pytest.fixture
def keep_original(cognito) -> None:
    """The construct's pool settings on the test pool: email verified by code, kept until."""
    cognito.admin.update_user_pool(
        UserPoolId=cognito.pool_id,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )


def _event(make_event, with_token, method: str, token: str, body: Any = None) -> dict[str, Any]:
    event = make_event(
        "/me", body, method=method, content_type="application/json" if body is not None else None
    )
    event["headers"].update(with_token(token))
    event["multiValueHeaders"].update({k: [v] for k, v in with_token(token).items()})
    return event


def test_get_me_answers_the_user_and_their_mfa(invoke, make_event, with_token, signed_in) -> None:
    """GetUser with the access token
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html).
    """
    name, _, tokens = signed_in
    reply = invoke(_event(make_event, with_token, "GET", tokens["access_token"]))
    assert reply.status == 200
    assert reply.body["username"] == name
    assert reply.body["attributes"]["email"] == f"{name}@example.com"
    assert "sub" in reply.body["attributes"]
    assert reply.body["mfa"] == {"preferred": None, "enabled": []}


def test_a_new_email_takes_effect_once_verified_with_its_code(
    invoke, make_event, with_token, signed_in, keep_original, emulated_cognito
) -> None:
    """UpdateUserAttributes sends a code to a new email; with
    AttributesRequireVerificationBeforeUpdate the old value stays until VerifyUserAttribute
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html).
    """
    name, _, tokens = signed_in
    access = tokens["access_token"]
    new_email = f"{name}.{NEW_EMAIL}"

    # when the user changes their email
    updated = invoke(
        _event(make_event, with_token, "PATCH", access, {"attributes": {"email": new_email}})
    )

    # then a code went to the new address, and the old one is still theirs
    assert (updated.status, updated.body) == (200, {"verification_required": ["email"]})
    (code,) = emulated_cognito.codes(new_email)
    before = invoke(_event(make_event, with_token, "GET", access))
    assert before.body["attributes"]["email"] == f"{name}@example.com"

    # when they verify it: a wrong code first
    wrong = invoke(
        make_event("/me/verify", {"attribute": "email", "code": "000000" if code != "000000"
                                  else "111111"}, extra_headers=with_token(access))
    )  # fmt: skip
    right = invoke(
        make_event(
            "/me/verify", {"attribute": "email", "code": code}, extra_headers=with_token(access)
        )
    )

    # then only the right code switches the address, verified
    assert (wrong.status, wrong.body["error"]) == (400, "CodeMismatch")
    assert (right.status, right.body) == (200, {})
    after = invoke(_event(make_event, with_token, "GET", access))
    assert after.body["attributes"]["email"] == new_email
    assert after.body["attributes"]["email_verified"] == "true"


def test_a_user_cannot_set_their_own_verified_flag(
    invoke, make_event, with_token, signed_in, cognito
) -> None:
    """The construct's client leaves ``email_verified`` out of its write attributes;
    Cognito refuses to write it ("A client attempted to write unauthorized attribute"),
    answered 400 ``InvalidParameter``.
    """
    cognito.admin.update_user_pool_client(
        UserPoolId=cognito.pool_id,
        ClientId=cognito.client_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        WriteAttributes=["email", "given_name"],
    )
    _, _, tokens = signed_in
    reply = invoke(
        _event(
            make_event,
            with_token,
            "PATCH",
            tokens["access_token"],
            {"attributes": {"email_verified": "true"}},
        )
    )
    assert (reply.status, reply.body["error"]) == (400, "InvalidParameter")


def test_delete_me_ends_the_account(invoke, make_event, with_token, signed_in) -> None:
    """DeleteUser: the user is gone, their tokens and password stop working at Cognito
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html).
    """
    name, password, tokens = signed_in
    deleted = invoke(_event(make_event, with_token, "DELETE", tokens["access_token"]))
    assert (deleted.status, deleted.raw_body) == (204, "")
    again = invoke(make_event("/auth", {"username": name, "password": password}))
    assert (again.status, again.body["error"]) == (401, "NotAuthorized")
    me = invoke(_event(make_event, with_token, "GET", tokens["access_token"]))
    assert (me.status, me.body["error"]) == (401, "InvalidToken")
    refreshed = invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]}))
    assert (refreshed.status, refreshed.body["error"]) == (401, "InvalidRefreshToken")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_me_needs_the_access_token(invoke, make_event, method) -> None:
    reply = invoke(make_event("/me", None, method=method, content_type=None))
    assert (reply.status, reply.body["error"]) == (401, "MissingToken")


@pytest.mark.parametrize(
    "body",
    [{}, {"attributes": "x"}, {"attributes": {"email": 1}}, {"attributes": {}, "extra": 1}],
)
def test_patch_me_takes_an_object_of_strings(invoke, make_event, with_token, body) -> None:
    reply = invoke(_event(make_event, with_token, "PATCH", "t.o.k", body))
    assert (reply.status, reply.body["error"]) == (400, "InvalidRequestBody")


@pytest.mark.parametrize("attribute", ["given_name", "email_verified", ""])
def test_only_email_and_phone_are_verified(invoke, make_event, with_token, attribute) -> None:
    reply = invoke(
        make_event(
            "/me/verify", {"attribute": attribute, "code": "123456"},
            extra_headers=with_token("t.o.k"),
        )
    )  # fmt: skip
    assert (reply.status, reply.body["error"]) == (400, "InvalidRequestBody")
