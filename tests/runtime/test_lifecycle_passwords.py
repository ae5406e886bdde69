"""Passwords: /password/forgot, /password/confirm and /password/change.

Against the emulator's Cognito, whose reset codes are real (read from its outbox). Rows
it cannot produce (throttling, a trigger's refusal) use botocore's Stubber against the
real service model.
"""

from __future__ import annotations

import uuid

import pytest

FORGOT_BODY = {
    "message": "If the account exists and has a verified email address or phone number, "
    "a code to reset its password has been sent there."
}
NEWER_PASSWORD = "An0ther-Passw0rd!"


def reset_code(cognito, emulated_cognito, username: str) -> str:
    """Send the user a reset code (to a verified email) and read it from the outbox."""
    email = f"{username}@example.com"
    cognito.admin.admin_update_user_attributes(
        UserPoolId=cognito.pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin.forgot_password(
        ClientId=cognito.client_id, Username=username, SecretHash=cognito.secret_hash(username)
    )
    return emulated_cognito.codes(email)[-1]


# /password/forgot --------------------------------------------------------------------
def test_forgot_password_answers_the_same_for_a_real_and_an_unknown_user(
    invoke, make_event, confirmed_user
):
    # given
    name, _ = confirmed_user
    unknown = f"nobody-{uuid.uuid4().hex[:8]}"

    # when
    real = invoke(make_event("/password/forgot", {"username": name}))
    missing = invoke(make_event("/password/forgot", {"username": unknown}))

    # then: same status, same bytes, and no delivery details (moto invents some for
    # unknown users that differ from real ones)
    assert real.status == missing.status == 202
    assert real.raw_body == missing.raw_body
    assert real.body == FORGOT_BODY


@pytest.mark.parametrize(
    "code",
    [
        "UserNotFoundException",
        "InvalidParameterException",  # no verified email or phone number
        "NotAuthorizedException",
        "UserNotConfirmedException",
        "LimitExceededException",  # this user asked too often
        "CodeDeliveryFailureException",
    ],
)
def test_forgot_password_hides_what_cognito_says_about_the_user(
    invoke, make_event, stubbed, cognito, code
):
    # given (Stubber: moto raises none of these for ForgotPassword)
    stubbed.add_client_error(
        "forgot_password",
        service_error_code=code,
        service_message="about this user",
        http_status_code=400,
        expected_params={
            "ClientId": cognito.client_id,
            "Username": "ana",
            "SecretHash": cognito.secret_hash("ana"),
        },
    )

    # when
    reply = invoke(make_event("/password/forgot", {"username": "ana"}))

    # then
    assert reply.status == 202
    assert reply.body == FORGOT_BODY


def test_forgot_password_still_reports_account_wide_throttling(invoke, make_event, stubbed):
    # given Cognito's account quota is exhausted: that says nothing about the user
    stubbed.add_client_error(
        "forgot_password", service_error_code="TooManyRequestsException", http_status_code=400
    )

    # when
    reply = invoke(make_event("/password/forgot", {"username": "ana"}))

    # then
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "1"


# /password/confirm -------------------------------------------------------------------
def test_confirm_forgot_password_sets_the_new_password(
    invoke, make_event, confirmed_user, cognito, emulated_cognito
):
    # given a user with a reset code
    name, old_password = confirmed_user
    code = reset_code(cognito, emulated_cognito, name)

    # when
    reply = invoke(
        make_event(
            "/password/confirm", {"username": name, "code": code, "new_password": NEWER_PASSWORD}
        )
    )

    # then the new password signs in, the old one does not
    assert reply.status == 200
    assert reply.body == {}
    new = invoke(make_event("/auth", {"username": name, "password": NEWER_PASSWORD}))
    old = invoke(make_event("/auth", {"username": name, "password": old_password}))
    assert "access_token" in new.body
    assert old.status == 401


def test_confirm_forgot_password_with_a_stale_code_is_400(
    invoke, make_event, confirmed_user, cognito, emulated_cognito
):
    # given a user whose newest code is not the one sent
    name, _ = confirmed_user
    stale = reset_code(cognito, emulated_cognito, name)
    reset_code(cognito, emulated_cognito, name)

    # when
    reply = invoke(
        make_event(
            "/password/confirm", {"username": name, "code": stale, "new_password": NEWER_PASSWORD}
        )
    )

    # then a superseded code is answered as expired
    assert reply.status == 400
    assert reply.body["error"] == "ExpiredCode"


@pytest.mark.parametrize(
    ("cognito_code", "status", "error"),
    [
        ("CodeMismatchException", 400, "CodeMismatch"),
        ("ExpiredCodeException", 400, "ExpiredCode"),
        ("InvalidPasswordException", 400, "InvalidPassword"),
        ("PasswordHistoryPolicyViolationException", 400, "InvalidPassword"),
        ("UserNotFoundException", 400, "CodeMismatch"),
        ("TooManyFailedAttemptsException", 429, "TooManyRequests"),
    ],
)
def test_confirm_forgot_password_errors(
    invoke, make_event, stubbed, cognito, cognito_code, status, error
):
    # given (Stubber: moto accepts any code and any password here)
    stubbed.add_client_error(
        "confirm_forgot_password",
        service_error_code=cognito_code,
        service_message="detail-7f3a",
        http_status_code=400,
        expected_params={
            "ClientId": cognito.client_id,
            "Username": "ana",
            "ConfirmationCode": "123456",
            "Password": NEWER_PASSWORD,
            "SecretHash": cognito.secret_hash("ana"),
        },
    )

    # when
    reply = invoke(
        make_event(
            "/password/confirm",
            {"username": "ana", "code": "123456", "new_password": NEWER_PASSWORD},
        )
    )

    # then
    assert reply.status == status
    assert reply.body["error"] == error
    assert "detail-7f3a" not in reply.raw_body


def test_confirm_forgot_password_for_an_unknown_user_looks_like_a_wrong_code(invoke, make_event):
    # given / when (Cognito under PreventUserExistenceErrors answers CodeMismatchException,
    # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html)
    reply = invoke(
        make_event(
            "/password/confirm",
            {"username": f"nobody-{uuid.uuid4().hex[:8]}", "code": "1", "new_password": "x"},
        )
    )

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CodeMismatch"


@pytest.mark.parametrize("missing", ["username", "code", "new_password"])
def test_confirm_forgot_password_requires_every_field(invoke, make_event, missing):
    # given
    body = {"username": "ana", "code": "123456", "new_password": NEWER_PASSWORD}
    del body[missing]

    # when
    reply = invoke(make_event("/password/confirm", body))

    # then
    assert reply.status == 400
    assert reply.body["message"] == f"field '{missing}' is required"


# /password/change --------------------------------------------------------------------
def test_change_password_with_the_access_token(invoke, make_event, signed_in, with_token):
    # given
    name, password, tokens = signed_in

    # when
    reply = invoke(
        make_event(
            "/password/change",
            {"old_password": password, "new_password": NEWER_PASSWORD},
            extra_headers=with_token(tokens["access_token"]),
        )
    )

    # then
    assert reply.status == 200
    assert reply.body == {}
    again = invoke(make_event("/auth", {"username": name, "password": NEWER_PASSWORD}))
    assert "access_token" in again.body


def test_change_password_with_a_wrong_old_password_is_401(
    invoke, make_event, signed_in, with_token
):
    # given
    _, _, tokens = signed_in

    # when
    reply = invoke(
        make_event(
            "/password/change",
            {"old_password": "Wrong-Passw0rd!", "new_password": NEWER_PASSWORD},
            extra_headers=with_token(tokens["access_token"]),
        )
    )

    # then
    assert reply.status == 401
    assert reply.body == {"error": "NotAuthorized", "message": "Incorrect username or password."}


def test_change_password_to_a_weak_one_is_400(invoke, make_event, signed_in, with_token):
    # given
    _, password, tokens = signed_in

    # when
    reply = invoke(
        make_event(
            "/password/change",
            {"old_password": password, "new_password": "weak"},
            extra_headers=with_token(tokens["access_token"]),
        )
    )

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidPassword"


def test_change_password_without_a_token_is_401(invoke, make_event):
    # given / when
    reply = invoke(
        make_event("/password/change", {"old_password": "a", "new_password": NEWER_PASSWORD})
    )

    # then
    assert reply.status == 401
    assert reply.body["error"] == "MissingToken"


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Access Token has been revoked", "InvalidToken"),
        ("Invalid Access Token", "InvalidToken"),
        ("Access Token has expired", "InvalidToken"),
        ("Incorrect username or password.", "NotAuthorized"),
    ],
)
def test_change_password_tells_a_refused_token_from_a_wrong_password(
    invoke, make_event, stubbed, with_token, message, error
):
    # given the real service's messages (moto's are the token or the username itself)
    stubbed.add_client_error(
        "change_password",
        service_error_code="NotAuthorizedException",
        service_message=message,
        http_status_code=400,
        expected_params={
            "AccessToken": "the-access-token",
            "PreviousPassword": "Old-Passw0rd!xx",
            "ProposedPassword": NEWER_PASSWORD,
        },
    )

    # when
    reply = invoke(
        make_event(
            "/password/change",
            {"old_password": "Old-Passw0rd!xx", "new_password": NEWER_PASSWORD},
            extra_headers=with_token("the-access-token"),
        )
    )

    # then
    assert reply.status == 401
    assert reply.body["error"] == error
