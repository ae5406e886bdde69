"""MFA: per-user TOTP secrets, RFC 6238 codes, and MFA required on every sign-in.

TOTP as Cognito does it: 6-digit codes of 30-second steps, HMAC-SHA1, accepted "within
30 seconds before or after"
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html).
The codes typed here come from ``tests/totp_codes.py``, an authenticator written apart
from the front.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from .support import (
    NEW_PASSWORD,
    Clock,
    Pool,
    admin_user,
    call,
    confirmed_user,
    mfa_setup,
    new_password,
    refusal,
    respond,
    respond_refusal,
    sign_in,
    tokens_of,
    totp_now,
    totp_with_token,
)

MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")


def _mfa_answer(pool: Pool, username: str, code: str) -> dict[str, object]:
    """Sign in with the password and answer SOFTWARE_TOKEN_MFA with ``code``."""
    challenge = sign_in(pool, username)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA", challenge
    return respond(
        pool, "SOFTWARE_TOKEN_MFA", challenge["Session"], username, SOFTWARE_TOKEN_MFA_CODE=code
    )


def _mfa_refusal(pool: Pool, username: str, code: str) -> tuple[str, str]:
    challenge = sign_in(pool, username)
    return respond_refusal(
        pool, "SOFTWARE_TOKEN_MFA", challenge["Session"], username, SOFTWARE_TOKEN_MFA_CODE=code
    )


def test_each_user_gets_a_secret_of_their_own(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """AssociateSoftwareToken gives each user a new secret; one user's codes fail another.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html:
    "Begins setup of time-based one-time password (TOTP) multi-factor authentication (MFA)
    for a user, with a unique private key".
    """
    # given two users setting up TOTP
    pool = make_pool()
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    alice_token = tokens_of(pool, "alice")["AccessToken"]
    bob_token = tokens_of(pool, "bob")["AccessToken"]

    # when each asks for a secret, and bob verifies with a code of alice's
    alice_secret = call("AssociateSoftwareToken", AccessToken=alice_token)["SecretCode"]
    bob_secret = call("AssociateSoftwareToken", AccessToken=bob_token)["SecretCode"]
    refused = refusal(
        "VerifySoftwareToken", AccessToken=bob_token, UserCode=totp_now(alice_secret, clock)
    )

    # then the secrets differ (160-bit base32) and alice's code is not bob's
    assert alice_secret != bob_secret
    assert len(alice_secret) == len(bob_secret) == 32
    assert refused == (
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )
    verified = call(
        "VerifySoftwareToken", AccessToken=bob_token, UserCode=totp_now(bob_secret, clock)
    )
    assert verified == {"Status": "SUCCESS"}


@pytest.mark.parametrize("steps", [-1, 1])
def test_a_code_one_step_away_is_accepted(
    make_pool: Callable[..., Pool], clock: Clock, steps: int
) -> None:
    """The code of the previous or next 30-second step signs in.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html:
    Cognito accepts a code "within 30 seconds before or after" (one step of RFC 6238).
    """
    # given a user with TOTP, well past the step that verified it
    pool = make_pool()
    confirmed_user(pool, "alice")
    secret = totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)
    clock.advance(300)

    # when the code of one step away is typed
    answer = _mfa_answer(pool, "alice", totp_now(secret, clock, steps))

    # then it signs in
    assert "AuthenticationResult" in answer


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_steps_away_is_refused(
    make_pool: Callable[..., Pool], clock: Clock, steps: int
) -> None:
    """A code 60 seconds old (or early) is a mismatch.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html:
    only codes "within 30 seconds before or after" are accepted.
    """
    # given a user with TOTP
    pool = make_pool()
    confirmed_user(pool, "alice")
    secret = totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)
    clock.advance(300)

    # when the code of two steps away is typed
    refused = _mfa_refusal(pool, "alice", totp_now(secret, clock, steps))

    # then it is refused
    assert refused == MISMATCH


def test_a_used_code_is_not_accepted_again(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """One TOTP code signs in once.

    RFC 6238, section 5.2 (https://datatracker.ietf.org/doc/html/rfc6238#section-5.2):
    "the verifier MUST NOT accept the second attempt of the same OTP after the successful
    validation has been issued for the first OTP"; Cognito's TOTP is RFC 6238
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html).
    """
    # given a user who signed in with this step's code
    pool = make_pool()
    confirmed_user(pool, "alice")
    secret = totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)
    code = totp_now(secret, clock)
    assert "AuthenticationResult" in _mfa_answer(pool, "alice", code)

    # when the same code is typed again in the same step, then the next step's
    replay = _mfa_refusal(pool, "alice", code)
    next_step = _mfa_answer(pool, "alice", totp_now(secret, clock, 1))

    # then only the new code works
    assert replay == MISMATCH
    assert "AuthenticationResult" in next_step


def test_a_new_authenticator_verifies_in_the_step_its_predecessor_signed_in(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """What is used up is a code, not a time step: a new secret's codes are new OTPs.

    RFC 6238, section 5.2 (https://datatracker.ietf.org/doc/html/rfc6238#section-5.2)
    forbids accepting "the same OTP" twice; AssociateSoftwareToken gives "a unique
    private key"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html),
    whose codes were never typed. So a user who signs in with a code and at once
    replaces their authenticator is not made to wait for the next step.
    """
    # given a user who signed in with this step's code of their authenticator
    pool = make_pool()
    confirmed_user(pool, "alice")
    old = totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)
    signed_in = _mfa_answer(pool, "alice", totp_now(old, clock))
    access_token = signed_in["AuthenticationResult"]["AccessToken"]  # type: ignore[index]

    # when they replace it in the same step
    new = str(call("AssociateSoftwareToken", AccessToken=access_token)["SecretCode"])
    verified = call("VerifySoftwareToken", AccessToken=access_token, UserCode=totp_now(new, clock))

    # then the new secret's code verifies, and is itself used up
    assert verified["Status"] == "SUCCESS"
    assert _mfa_refusal(pool, "alice", totp_now(new, clock)) == MISMATCH


def test_the_code_that_verified_the_authenticator_cannot_sign_in(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """VerifySoftwareToken uses its code up like a sign-in does.

    RFC 6238, section 5.2 (https://datatracker.ietf.org/doc/html/rfc6238#section-5.2):
    an OTP is accepted once; VerifySoftwareToken's UserCode is "A TOTP that the user
    generated in their configured authenticator app"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html),
    an OTP like any other.
    """
    # given a user who verified TOTP with this step's code (the clock left as it was)
    pool = make_pool()
    confirmed_user(pool, "alice")
    secret = totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)
    clock.advance(-30)

    # when that code is typed at sign-in
    refused = _mfa_refusal(pool, "alice", totp_now(secret, clock))

    # then it is refused
    assert refused == MISMATCH


def test_totp_cannot_be_turned_on_before_it_is_verified(make_pool: Callable[..., Pool]) -> None:
    """SetUserMFAPreference refuses TOTP the user has not registered.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html:
    "Users must register a TOTP authenticator before they set this as their preferred MFA
    method."
    """
    # given a user who asked for a secret but did not verify it
    pool = make_pool()
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]
    call("AssociateSoftwareToken", AccessToken=token)

    # when TOTP is turned on
    refused = refusal(
        "SetUserMFAPreference", AccessToken=token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )  # fmt: skip

    # then it is refused, and sign-in still needs no code
    assert refused[0] == "InvalidParameterException"
    assert "AuthenticationResult" in sign_in(pool, "alice")


def test_totp_needs_the_pool_to_allow_it(make_pool: Callable[..., Pool]) -> None:
    """A pool without software-token MFA refuses AssociateSoftwareToken.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html:
    SoftwareTokenMFANotFoundException, "thrown when the software token time-based
    one-time password (TOTP) multi-factor authentication (MFA) isn't activated for the
    user pool".
    """
    # given a pool with MFA off
    pool = make_pool(mfa="OFF")
    confirmed_user(pool, "alice")

    # when a user asks for a secret
    refused = refusal("AssociateSoftwareToken", AccessToken=tokens_of(pool, "alice")["AccessToken"])

    # then it is refused
    assert refused == (
        "SoftwareTokenMFANotFoundException",
        "Software Token MFA has not been enabled by the userPool.",
    )


def test_optional_mfa_signs_in_users_without_a_factor(make_pool: Callable[..., Pool]) -> None:
    """With MFA optional, a user with no factor gets tokens; one with TOTP is asked for it.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html:
    "If an MFA type is activated for a user, the user will be prompted for MFA during all
    sign-in attempts".
    """
    # given the construct's default pool (MFA optional) and a user without a factor
    pool = make_pool(mfa="OPTIONAL")
    confirmed_user(pool, "alice")

    # when she signs in
    answer = sign_in(pool, "alice")

    # then tokens, no challenge
    assert set(answer["AuthenticationResult"]) >= {"AccessToken", "IdToken", "RefreshToken"}


def test_required_mfa_asks_a_self_service_user_to_set_up_at_first_sign_in(
    make_pool: Callable[..., Pool],
) -> None:
    """MFA ON: a confirmed user with no factor is answered MFA_SETUP, never tokens.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    MFA_SETUP is "For users who are required to setup an MFA factor before they can sign
    in. The MFA types activated for the user pool will be listed in the challenge
    parameters MFAS_CAN_SETUP value" (a JSON array in a string, as Amplify parses it).
    The MFA page suggests a self-signed-up user may get tokens once
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html,
    ambiguous); the front asks every sign-in, the stricter reading.
    """
    # given a pool requiring MFA and a user who just confirmed her sign-up
    pool = make_pool(mfa="ON")
    confirmed_user(pool, "alice")

    # when she signs in
    answer = sign_in(pool, "alice")

    # then she must set up TOTP first
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" not in answer
    assert json.loads(answer["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]


def test_required_mfa_follows_the_new_password_of_an_admin_created_user(
    make_pool: Callable[..., Pool],
) -> None:
    """MFA ON: an admin-created user's NEW_PASSWORD_REQUIRED answer leads to MFA_SETUP.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html:
    admin-created users get MFA_SETUP after they set their password when MFA is required.
    """
    # given an admin-created user in a pool requiring MFA
    pool = make_pool(mfa="ON")
    admin_user(pool, "alice")

    # when she answers NEW_PASSWORD_REQUIRED
    answer = new_password(pool, "alice")

    # then MFA_SETUP, no tokens
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" not in answer


def test_a_user_who_abandons_set_up_is_asked_again(make_pool: Callable[..., Pool]) -> None:
    """Until a factor is registered, every sign-in is MFA_SETUP again.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html:
    until they register an authenticator, "subsequent sign-in attempts fail".
    """
    # given a user who got MFA_SETUP, asked for a secret and never verified it
    pool = make_pool(mfa="ON")
    admin_user(pool, "alice")
    first = new_password(pool, "alice")
    call("AssociateSoftwareToken", Session=first["Session"])

    # when she signs in again, twice
    again = [sign_in(pool, "alice", NEW_PASSWORD) for _ in range(2)]

    # then MFA_SETUP each time
    assert [a.get("ChallengeName") for a in again] == ["MFA_SETUP", "MFA_SETUP"]
    assert all("AuthenticationResult" not in a for a in again)


def test_after_set_up_each_sign_in_asks_for_the_code(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """MFA_SETUP completed with VerifySoftwareToken's session gives tokens; then TOTP.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    "use the session returned by VerifySoftwareToken as an input to RespondToAuthChallenge
    ... with challenge name MFA_SETUP to complete sign-in"; afterwards "the user will be
    prompted for MFA during all sign-in attempts"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html).
    """
    # given a user who set up TOTP during sign-in
    pool = make_pool(mfa="ON")
    confirmed_user(pool, "alice")
    secret, answer = mfa_setup(pool, sign_in(pool, "alice"), "alice", clock)
    assert "AuthenticationResult" in answer

    # when she signs in again
    challenge = sign_in(pool, "alice")

    # then SOFTWARE_TOKEN_MFA, which her authenticator's code answers
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"] == {"USER_ID_FOR_SRP": "alice"}
    tokens = respond(
        pool, "SOFTWARE_TOKEN_MFA", challenge["Session"], "alice",
        SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock),
    )["AuthenticationResult"]  # fmt: skip
    user = call("GetUser", AccessToken=tokens["AccessToken"])
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_a_wrong_code_at_set_up_keeps_the_session(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """VerifySoftwareToken with a wrong code fails and can be retried on the same session.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html:
    EnableSoftwareTokenMFAException, "thrown when there is a code mismatch and the service
    fails to configure the software token TOTP MFA".
    """
    # given a user at MFA_SETUP with a new secret
    pool = make_pool(mfa="ON")
    admin_user(pool, "alice")
    associated = call("AssociateSoftwareToken", Session=new_password(pool, "alice")["Session"])
    right = totp_now(associated["SecretCode"], clock)

    # when a wrong code is typed, then the right one
    wrong = refusal(
        "VerifySoftwareToken", Session=associated["Session"],
        UserCode=f"{(int(right) + 1) % 1_000_000:06d}",
    )  # fmt: skip
    verified = call("VerifySoftwareToken", Session=associated["Session"], UserCode=right)

    # then the first fails, the second succeeds with a new session for MFA_SETUP
    assert wrong == (
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )
    assert verified["Status"] == "SUCCESS"
    assert verified["Session"] != associated["Session"]
    answer = respond(pool, "MFA_SETUP", verified["Session"], "alice")
    assert "AuthenticationResult" in answer
