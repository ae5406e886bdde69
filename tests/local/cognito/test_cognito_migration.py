"""The user migration trigger: unknown users created from the old system's answer.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html:
Cognito invokes it for a user it does not have, at a password sign-in
(UserMigration_Authentication) or a forgotten password (UserMigration_ForgotPassword),
and creates the user the function answers.
"""

from __future__ import annotations

from collections.abc import Callable

from .support import (
    PASSWORD,
    Lambdas,
    Pool,
    call,
    codes,
    email_of,
    refusal,
    shared_shape,
    sign_in,
)


def _password_refusal(pool: Pool, username: str, password: str = PASSWORD) -> tuple[str, str]:
    return refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )  # fmt: skip


def test_an_unknown_user_is_migrated_at_sign_in(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """UserMigration_Authentication creates the user it answers, with the typed password.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html:
    request password and validationData (InitiateAuth's ClientMetadata); response
    userAttributes and finalUserStatus; the migrated password is not checked against the
    policy.
    """
    # given a migration trigger that knows alice from the old system
    pool = make_pool(triggers=["UserMigration"])
    lambdas.respond("UserMigration", {
        "userAttributes": {"email": "alice@example.com", "email_verified": "true"},
        "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS",
    })  # fmt: skip

    # when alice signs in with her old (short) password, twice
    first = sign_in(pool, "alice", "oldpass", ClientMetadata={"k": "v"})
    second = sign_in(pool, "alice", "oldpass")

    # then she was migrated once and signed in both times
    (event,) = lambdas.of("UserMigration_Authentication")
    shared_shape(event, pool, "alice", pool.client_id)
    assert event["request"]["password"] == "oldpass"
    assert event["request"]["validationData"] == {"k": "v"}
    assert "AuthenticationResult" in first
    assert "AuthenticationResult" in second
    user = pool.admin.admin_get_user(UserPoolId=pool.id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"


def test_a_migrated_user_may_have_to_reset(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """finalUserStatus RESET_REQUIRED: the sign-in answers PasswordResetRequiredException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html:
    finalUserStatus RESET_REQUIRED makes the user reset the password before signing in
    (PasswordResetRequiredException, listed by
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    """
    # given a migration trigger requiring a reset
    pool = make_pool(triggers=["UserMigration"])
    lambdas.respond("UserMigration", {"userAttributes": {"email": "alice@example.com"},
                                      "finalUserStatus": "RESET_REQUIRED"})  # fmt: skip

    # when alice signs in
    refused = _password_refusal(pool, "alice", "oldpass")

    # then she must reset her password
    assert refused[0] == "PasswordResetRequiredException"


def test_an_unknown_user_is_migrated_at_forgot_password(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """UserMigration_ForgotPassword creates the user and sends the reset code.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html:
    UserMigration_ForgotPassword is the source of a forgotten password's migration;
    there is no password in its request; email_verified "true" makes the email usable.
    """
    # given a migration trigger that knows alice
    pool = make_pool(triggers=["UserMigration"])
    lambdas.respond("UserMigration", {
        "userAttributes": {"email": "alice@example.com", "email_verified": "true"}})  # fmt: skip

    # when alice asks for a reset code and uses it
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    call(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username="alice",
        ConfirmationCode=codes(email_of("alice"))[-1], Password="N3w-Passw0rd!long",
    )  # fmt: skip

    # then she was migrated without a password, and the new one signs in
    (event,) = lambdas.of("UserMigration_ForgotPassword")
    assert "password" not in event["request"]
    assert "AuthenticationResult" in sign_in(pool, "alice", "N3w-Passw0rd!long")


def test_a_migration_answer_without_attributes_is_invalid(make_pool: Callable[..., Pool]) -> None:
    """A migration function that answers no userAttributes is InvalidLambdaResponseException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html:
    userAttributes is required in the response.
    """
    # given a migration trigger that returns the event unchanged
    pool = make_pool(triggers=["UserMigration"])

    # when an unknown user signs in
    refused = _password_refusal(pool, "alice", "oldpass")

    # then the answer is invalid and nobody was created
    assert refused[0] == "InvalidLambdaResponseException"
    assert pool.admin.list_users(UserPoolId=pool.id)["Users"] == []
