"""The password policy on every new password, and the calls that change passwords.

Each operation that sets a password lists InvalidPasswordException
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html,
API_AdminCreateUser.html, API_AdminSetUserPassword.html, API_ChangePassword.html,
API_ConfirmForgotPassword.html, API_RespondToAuthChallenge.html under
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/). Its
message is Cognito's observed one: "Password did not conform with policy: <reason>" on
SignUp, "Password does not conform to policy: <reason>" elsewhere (research notes,
section 5); moto's is "...does not confirm to the configured password policy".
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .support import (
    NEW_PASSWORD,
    PASSWORD,
    TEMPORARY_PASSWORD,
    Clock,
    Pool,
    admin_user,
    call,
    codes,
    confirmed_user,
    email_of,
    refusal,
    respond,
    respond_refusal,
    sign_in,
    tokens_of,
)

#: 11 characters: one short of the construct-like policy's 12.
SHORT = "Sh0rt!passw"
NOT_LONG_ENOUGH = "Password not long enough"


def _signed_up(pool: Pool) -> tuple[str, str]:
    code, message = refusal(
        "SignUp", ClientId=pool.client_id, Username="alice", Password=SHORT,
        UserAttributes=[{"Name": "email", "Value": email_of("alice")}],
    )  # fmt: skip
    assert pool.admin.list_users(UserPoolId=pool.id)["Users"] == []
    return code, message


def _reset(pool: Pool) -> tuple[str, str]:
    confirmed_user(pool, "alice")
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    code = codes(email_of("alice"))[-1]
    refused = refusal(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username="alice",
        ConfirmationCode=code, Password=SHORT,
    )  # fmt: skip
    # the code still resets the password to one the policy accepts
    call(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username="alice",
        ConfirmationCode=code, Password=NEW_PASSWORD,
    )  # fmt: skip
    assert "AuthenticationResult" in sign_in(pool, "alice", NEW_PASSWORD)
    return refused


def _changed(pool: Pool) -> tuple[str, str]:
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]
    refused = refusal(
        "ChangePassword", AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=SHORT
    )
    assert "AuthenticationResult" in sign_in(pool, "alice", PASSWORD)
    return refused


def _new_password_challenge(pool: Pool) -> tuple[str, str]:
    admin_user(pool, "alice")
    session = sign_in(pool, "alice", TEMPORARY_PASSWORD)["Session"]
    refused = respond_refusal(pool, "NEW_PASSWORD_REQUIRED", session, "alice", NEW_PASSWORD=SHORT)
    # the session is not spent by a refused password
    answer = respond(pool, "NEW_PASSWORD_REQUIRED", session, "alice", NEW_PASSWORD=NEW_PASSWORD)
    assert "AuthenticationResult" in answer
    return refused


def _admin_created(pool: Pool) -> tuple[str, str]:
    refused = refusal(
        "AdminCreateUser", UserPoolId=pool.id, Username="alice", TemporaryPassword=SHORT,
        MessageAction="SUPPRESS",
    )  # fmt: skip
    assert pool.admin.list_users(UserPoolId=pool.id)["Users"] == []
    return refused


def _admin_set(pool: Pool) -> tuple[str, str]:
    confirmed_user(pool, "alice")
    refused = refusal(
        "AdminSetUserPassword", UserPoolId=pool.id, Username="alice", Password=SHORT,
        Permanent=True,
    )  # fmt: skip
    assert "AuthenticationResult" in sign_in(pool, "alice", PASSWORD)
    return refused


@pytest.mark.parametrize(
    ("operation", "wording"),
    [
        (_signed_up, "Password did not conform with policy"),
        (_reset, "Password does not conform to policy"),
        (_changed, "Password does not conform to policy"),
        (_new_password_challenge, "Password does not conform to policy"),
        (_admin_created, "Password does not conform to policy"),
        (_admin_set, "Password does not conform to policy"),
    ],
    ids=[
        "SignUp",
        "ConfirmForgotPassword",
        "ChangePassword",
        "NEW_PASSWORD_REQUIRED",
        "AdminCreateUser",
        "AdminSetUserPassword",
    ],
)
def test_every_new_password_meets_the_policy(
    make_pool: Callable[..., Pool],
    operation: Callable[[Pool], tuple[str, str]],
    wording: str,
) -> None:
    """Each call that sets a password refuses one the policy does not allow, changing nothing.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html:
    the temporary password "must conform to the password policy"; SignUp's "must comply
    with the password requirements"; ChangePassword, ConfirmForgotPassword,
    AdminSetUserPassword and RespondToAuthChallenge list InvalidPasswordException.
    """
    # given the construct-like policy (12 characters)
    pool = make_pool()

    # when the operation is given an 11-character password
    refused = operation(pool)

    # then InvalidPasswordException with Cognito's wording
    assert refused == ("InvalidPasswordException", f"{wording}: {NOT_LONG_ENOUGH}")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("NO-LOWERCASE-0", "Password must have lowercase characters"),
        ("no-uppercase-0", "Password must have uppercase characters"),
        ("No-Numbers-Here", "Password must have numeric characters"),
        ("NoSymbolsHere0", "Password must have symbol characters"),
        ("PASSWORD-0-\u00e9\u00e9", "Password must have lowercase characters"),
        ("password-0-\u00c9\u00c9", "Password must have uppercase characters"),
        ("Password-\u0663\u0663\u0663", "Password must have numeric characters"),
    ],
)
def test_the_reason_names_the_rule_broken(
    make_pool: Callable[..., Pool], password: str, reason: str
) -> None:
    """The message names the character class missing, counted in Basic Latin.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html:
    a password must contain a "Number", a "Special character from the following set",
    an "Uppercase Basic Latin letter" and a "Lowercase Basic Latin letter" ("é" and the
    Arabic-Indic "٣" are none of them). Reasons as Cognito words them (observed).
    """
    # given the construct-like policy
    pool = make_pool()
    confirmed_user(pool, "alice")

    # when the password is set
    refused = refusal(
        "AdminSetUserPassword", UserPoolId=pool.id, Username="alice", Password=password,
        Permanent=True,
    )  # fmt: skip

    # then the reason is the missing class
    assert refused == ("InvalidPasswordException", f"Password does not conform to policy: {reason}")


#: The special characters of the developer guide's list, and the space.
SYMBOLS = [*"^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-", " "]


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_each_listed_special_character_counts_as_a_symbol(
    make_pool: Callable[..., Pool], symbol: str
) -> None:
    """Every character of Cognito's list, and the space, is a symbol.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html:
    "Special character from the following set. The space character is also treated as a
    special character."
    """
    # given the construct-like policy
    pool = make_pool()

    # when alice signs up with that symbol as the only one
    answer = call(
        "SignUp", ClientId=pool.client_id, Username="alice", Password=f"Passw0rd{symbol}long",
        UserAttributes=[{"Name": "email", "Value": email_of("alice")}],
    )  # fmt: skip

    # then the password is accepted
    assert answer["UserConfirmed"] is False


def test_change_password_needs_the_previous_one(make_pool: Callable[..., Pool]) -> None:
    """ChangePassword with a wrong previous password is NotAuthorizedException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChangePassword.html:
    PreviousPassword is "The user's previous password"; NotAuthorizedException is
    "thrown when a user isn't authorized".
    """
    # given a signed-in user
    pool = make_pool()
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]

    # when she changes her password giving a wrong previous one, then the right one
    refused = refusal(
        "ChangePassword", AccessToken=token, PreviousPassword="Wr0ng-Passw0rd!",
        ProposedPassword=NEW_PASSWORD,
    )  # fmt: skip
    call(
        "ChangePassword",
        AccessToken=token,
        PreviousPassword=PASSWORD,
        ProposedPassword=NEW_PASSWORD,
    )

    # then only the second changes it
    assert refused == ("NotAuthorizedException", "Incorrect username or password.")
    assert "AuthenticationResult" in sign_in(pool, "alice", NEW_PASSWORD)


def test_a_temporary_admin_password_must_be_changed(make_pool: Callable[..., Pool]) -> None:
    """AdminSetUserPassword without Permanent puts the user back to NEW_PASSWORD_REQUIRED.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html:
    "If the password is temporary, the user's Status becomes FORCE_CHANGE_PASSWORD. When
    the user next tries to sign in, the InitiateAuth or AdminInitiateAuth response
    includes the NEW_PASSWORD_REQUIRED challenge."
    """
    # given a confirmed user given a temporary password
    pool = make_pool()
    confirmed_user(pool, "alice")
    call("AdminSetUserPassword", UserPoolId=pool.id, Username="alice", Password=TEMPORARY_PASSWORD)

    # when she signs in with it
    answer = sign_in(pool, "alice", TEMPORARY_PASSWORD)

    # then she must choose a new one
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_a_temporary_password_never_used_expires(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """An admin-created user's temporary password stops working after its validity days.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html:
    TemporaryPasswordValidityDays, "If the user doesn't sign in during this time, an
    administrator must reset their password. Defaults to 7."
    """
    # given an admin-created user, 7 days and a second later
    pool = make_pool()
    admin_user(pool, "alice")
    clock.advance(7 * 86400 + 1)

    # when she signs in with the temporary password
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": TEMPORARY_PASSWORD},
    )  # fmt: skip

    # then it has expired
    assert refused == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )
