"""Codes: sign-up confirmation and password reset codes, real, delivered, expiring.

Validity: a sign-up confirmation code 24 hours, a password reset code one hour
(https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html;
https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html:
"recovery code is valid for one hour"). Errors: CodeMismatchException "thrown if the
provided code doesn't match what the server was expecting", ExpiredCodeException
"thrown if a code has expired"
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html),
with Cognito's observed messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from cognito_api_construct.local.cognito import messages

from .support import (
    NEW_PASSWORD,
    PASSWORD,
    Clock,
    Pool,
    call,
    codes,
    confirmed_user,
    email_of,
    refusal,
    sign_in,
    sign_up,
)

MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def _confirm(pool: Pool, username: str, code: str) -> dict[str, object]:
    return call("ConfirmSignUp", ClientId=pool.client_id, Username=username, ConfirmationCode=code)


def _confirm_refusal(pool: Pool, username: str, code: str) -> tuple[str, str]:
    return refusal(
        "ConfirmSignUp", ClientId=pool.client_id, Username=username, ConfirmationCode=code
    )


def _reset(pool: Pool, username: str, code: str) -> dict[str, object]:
    return call(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username=username,
        ConfirmationCode=code, Password=NEW_PASSWORD,
    )  # fmt: skip


def _reset_refusal(pool: Pool, username: str, code: str) -> tuple[str, str]:
    return refusal(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username=username,
        ConfirmationCode=code, Password=NEW_PASSWORD,
    )  # fmt: skip


def _status(pool: Pool, username: str) -> str:
    return str(pool.admin.admin_get_user(UserPoolId=pool.id, Username=username)["UserStatus"])


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_sign_up_sends_a_random_six_digit_code(make_pool: Callable[..., Pool]) -> None:
    """SignUp sends a confirmation code to the auto-verified email and says where.

    https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html:
    with email in AutoVerifiedAttributes the user gets a confirmation code; the answer's
    CodeDeliveryDetails are Destination, DeliveryMedium, AttributeName
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CodeDeliveryDetailsType.html).
    Six digits and the "j***@g***" mask are observed (research notes, sections 3 and 7.3).
    """
    # given the construct-like pool (email auto-verified)
    pool = make_pool()

    # when five users sign up
    answers = [sign_up(pool, f"user{n}") for n in range(5)]

    # then each got one six-digit code by email, not all the same, in the default text
    sent = [codes(email_of(f"user{n}")) for n in range(5)]
    assert all(len(c) == 1 and re.fullmatch(r"[0-9]{6}", c[0]) for c in sent)
    assert len({c[0] for c in sent}) > 1
    message = messages.sent(email_of("user0"))[0]
    assert message["channel"] == "EMAIL"
    assert message["body"] == f"Your verification code is {sent[0][0]}. "
    assert answers[0]["CodeDeliveryDetails"] == {
        "Destination": "u***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_the_right_code_confirms_and_verifies_the_email(make_pool: Callable[..., Pool]) -> None:
    """ConfirmSignUp with the code confirms the user and verifies where the code went.

    https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html:
    confirming with the code sent to the email verifies the email.
    """
    # given alice, signed up
    pool = make_pool()
    sign_up(pool, "alice")

    # when she confirms with her code
    _confirm(pool, "alice", codes(email_of("alice"))[0])

    # then she is confirmed and her email verified
    user = pool.admin.admin_get_user(UserPoolId=pool.id, Username="alice")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (user["UserStatus"], attributes["email_verified"]) == ("CONFIRMED", "true")


def test_a_wrong_sign_up_code_is_a_mismatch(make_pool: Callable[..., Pool]) -> None:
    """A wrong confirmation code is CodeMismatchException, and the right one still works.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html:
    CodeMismatchException "thrown if the provided code doesn't match what the server was
    expecting".
    """
    # given alice, signed up
    pool = make_pool()
    sign_up(pool, "alice")
    code = codes(email_of("alice"))[0]

    # when she types a wrong code
    refused = _confirm_refusal(pool, "alice", _other(code))

    # then it is a mismatch, and she is still unconfirmed until the right code
    assert refused == MISMATCH
    assert _status(pool, "alice") == "UNCONFIRMED"
    _confirm(pool, "alice", code)
    assert _status(pool, "alice") == "CONFIRMED"


def test_a_resent_code_supersedes_the_last(make_pool: Callable[..., Pool]) -> None:
    """After ResendConfirmationCode the previous code no longer confirms.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html
    sends a new code; the docs are silent on the old one. The front answers it as
    expired (ExpiredCodeException, "thrown if a code has expired"); the research notes
    suggest CodeMismatchException is as plausible (section 3, open point 2).
    """
    # given alice, who asked for her code again
    pool = make_pool()
    sign_up(pool, "alice")
    resent = call("ResendConfirmationCode", ClientId=pool.client_id, Username="alice")
    first, second = codes(email_of("alice"))

    # when she types the first code
    refused = _confirm_refusal(pool, "alice", first)

    # then it has expired, and the second confirms
    assert first != second
    assert refused == EXPIRED
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    _confirm(pool, "alice", second)
    assert _status(pool, "alice") == "CONFIRMED"


def test_a_sign_up_code_lasts_24_hours(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """A confirmation code works for 24 hours, then ExpiredCodeException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html:
    the verification code is "valid for 24 hours".
    """
    # given two users who signed up now
    pool = make_pool()
    sign_up(pool, "alice")
    sign_up(pool, "bob")

    # when alice confirms after 23 h 59 min and bob after 24 h 1 min
    clock.advance(24 * 3600 - 60)
    _confirm(pool, "alice", codes(email_of("alice"))[0])
    clock.advance(120)
    refused = _confirm_refusal(pool, "bob", codes(email_of("bob"))[0])

    # then only alice is confirmed
    assert _status(pool, "alice") == "CONFIRMED"
    assert refused == EXPIRED
    assert _status(pool, "bob") == "UNCONFIRMED"


def test_a_confirmed_user_cannot_be_confirmed_again(make_pool: Callable[..., Pool]) -> None:
    """ConfirmSignUp of a confirmed user is NotAuthorizedException naming the status.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html
    lists NotAuthorizedException; the message "User cannot be confirmed. Current status
    is CONFIRMED" is observed (research notes, section 3).
    """
    # given alice, confirmed
    pool = make_pool()
    confirmed_user(pool, "alice")

    # when she confirms again with the same code
    refused = _confirm_refusal(pool, "alice", codes(email_of("alice"))[0])

    # then it is refused
    assert refused == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )


def test_forgot_password_sends_a_reset_code_to_the_verified_email(
    make_pool: Callable[..., Pool],
) -> None:
    """ForgotPassword sends a six-digit code to the verified email; it sets the password.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html:
    "Sends a password-reset confirmation code to the email address or phone number of
    the requested username ... determined by the user's available attributes and the
    AccountRecoverySetting" (verified_email, as the construct's EMAIL_ONLY).
    """
    # given alice, confirmed (her email verified)
    pool = make_pool()
    confirmed_user(pool, "alice")

    # when she forgets her password and resets it with the code
    answer = call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    code = codes(email_of("alice"))[-1]
    _reset(pool, "alice", code)

    # then the code was six digits by email, and the new password signs in
    assert re.fullmatch(r"[0-9]{6}", code)
    assert answer["CodeDeliveryDetails"]["Destination"] == "a***@e***"
    assert messages.sent(email_of("alice"))[-1]["trigger_source"] == "CustomMessage_ForgotPassword"
    assert "AuthenticationResult" in sign_in(pool, "alice", NEW_PASSWORD)


def test_forgot_password_needs_a_verified_address(make_pool: Callable[..., Pool]) -> None:
    """A user with no verified email or phone cannot get a reset code.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html:
    "If neither a verified phone number nor a verified email exists, Amazon Cognito
    responds with an InvalidParameterException error."
    """
    # given alice, signed up but not confirmed (her email unverified)
    pool = make_pool()
    sign_up(pool, "alice")

    # when she asks for a reset code
    refused = refusal("ForgotPassword", ClientId=pool.client_id, Username="alice")

    # then it is refused and nothing more is sent
    assert refused[0] == "InvalidParameterException"
    assert len(codes(email_of("alice"))) == 1


@pytest.mark.parametrize("case", ["wrong", "superseded", "used"])
def test_a_reset_code_works_once_and_only_the_last(
    make_pool: Callable[..., Pool], case: str
) -> None:
    """A wrong reset code is a mismatch; a replaced or used one has expired.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html:
    CodeMismatchException for a code that "doesn't match", ExpiredCodeException for one
    that "has expired". A new request replacing the old code is the front's choice (docs
    silent, research notes section 3).
    """
    # given alice, who asked for a reset code (twice, or used it)
    pool = make_pool()
    confirmed_user(pool, "alice")
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    code = codes(email_of("alice"))[-1]
    if case == "superseded":
        call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    if case == "used":
        _reset(pool, "alice", code)

    # when she types the code (a wrong one in the first case)
    refused = _reset_refusal(pool, "alice", _other(code) if case == "wrong" else code)

    # then it is refused as Cognito does
    assert refused == (MISMATCH if case == "wrong" else EXPIRED)


def test_a_reset_code_lasts_one_hour(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """A password reset code works for an hour, then ExpiredCodeException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html:
    the "recovery code is valid for one hour".
    """
    # given two users who asked for reset codes now
    pool = make_pool()
    for name in ("alice", "bob"):
        confirmed_user(pool, name)
        call("ForgotPassword", ClientId=pool.client_id, Username=name)

    # when alice resets after 59 minutes and bob after 61
    clock.advance(59 * 60)
    _reset(pool, "alice", codes(email_of("alice"))[-1])
    clock.advance(120)
    refused = _reset_refusal(pool, "bob", codes(email_of("bob"))[-1])

    # then only alice's password changed
    assert "AuthenticationResult" in sign_in(pool, "alice", NEW_PASSWORD)
    assert refused == EXPIRED
    assert "AuthenticationResult" in sign_in(pool, "bob", PASSWORD)
