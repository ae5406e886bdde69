"""Choice-based sign-in: InitiateAuth USER_AUTH, SELECT_CHALLENGE, email and SMS codes.

Cognito's flow
(https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html):
InitiateAuth ``USER_AUTH`` with ``USERNAME`` and, optionally, ``PREFERRED_CHALLENGE``;
without one, ``SELECT_CHALLENGE`` and ``AvailableChallenges``
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html);
the answers of
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html.
Passkeys are in ``test_cognito_passkeys.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cognito_api_construct.local.cognito import messages

from .support import (
    PASSWORD,
    Clock,
    Lambdas,
    Pool,
    admin_user,
    call,
    choice_pool,
    claims,
    confirmed_user,
    email_of,
    refusal,
    respond,
    respond_refusal,
    sign_up,
    totp_now,
    totp_with_token,
    user_auth,
    user_auth_refusal,
    with_phone,
)

MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")
PASSWORDS = ["PASSWORD", "PASSWORD_SRP"]


def _tokens(pool: Pool, username: str) -> dict[str, Any]:
    answer = user_auth(pool, username, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


def _sign_in_codes(to: str) -> list[dict[str, Any]]:
    return [m for m in messages.sent(to) if m["trigger_source"] == "CustomMessage_Authentication"]


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


# The flow, the client, the factors offered


def test_user_auth_needs_the_client_to_allow_it(make_pool: Callable[..., Pool]) -> None:
    """A client without ALLOW_USER_AUTH cannot start choice-based sign-in.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    ALLOW_USER_AUTH "Enable selection-based sign-in with USER_AUTH".
    """
    # given a client allowing USER_PASSWORD_AUTH only
    pool = choice_pool(make_pool, client={"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})
    confirmed_user(pool, "alice")

    # when alice starts USER_AUTH
    refused = user_auth_refusal(pool, "alice")

    # then it is refused
    assert refused == ("InvalidParameterException", "USER_AUTH flow not enabled for this client")


def test_without_a_preference_the_user_selects(make_pool: Callable[..., Pool]) -> None:
    """No PREFERRED_CHALLENGE: SELECT_CHALLENGE with the factors the user can use.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    "If you don't provide a value for PREFERRED_CHALLENGE, Amazon Cognito responds with
    the AvailableChallenges parameter that specifies the available sign-in methods";
    PASSWORD and PASSWORD_SRP for a password, EMAIL_OTP for a verified email (the factors
    a user can use, observed: research notes, section 11.2).
    """
    # given alice, with a password and a verified email, in a pool allowing every factor
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she starts choice-based sign-in
    answer = user_auth(pool, "alice")

    # then she may choose her password or an email code
    assert answer["ChallengeName"] == "SELECT_CHALLENGE"
    assert answer["AvailableChallenges"] == [*PASSWORDS, "EMAIL_OTP"]
    assert answer["ChallengeParameters"] == {}
    assert answer["Session"]


def test_the_factors_offered_are_the_pools_and_the_users(make_pool: Callable[..., Pool]) -> None:
    """Offered: what AllowedFirstAuthFactors allows and the user has, verified.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html
    (AllowedFirstAuthFactors); a code goes to a verified email or phone number
    (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html;
    observed: research notes, section 11.2).
    """
    # given a pool allowing every factor and one allowing passwords and SMS codes;
    # alice with a verified phone, bob whose email an admin left unverified
    everything = choice_pool(make_pool)
    no_email = choice_pool(make_pool, ("PASSWORD", "SMS_OTP"))
    for pool in (everything, no_email):
        confirmed_user(pool, "alice")
        with_phone(pool, "alice")
    admin_user(everything, "bob")
    everything.admin.admin_update_user_attributes(
        UserPoolId=everything.id, Username="bob",
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )  # fmt: skip
    everything.admin.admin_set_user_password(
        UserPoolId=everything.id, Username="bob", Password=PASSWORD, Permanent=True
    )

    # when each starts choice-based sign-in
    offered = {
        "alice": user_auth(everything, "alice")["AvailableChallenges"],
        "alice without email": user_auth(no_email, "alice")["AvailableChallenges"],
        "bob": user_auth(everything, "bob")["AvailableChallenges"],
    }

    # then each is offered what the pool allows and they have
    assert offered == {
        "alice": [*PASSWORDS, "EMAIL_OTP", "SMS_OTP"],
        "alice without email": [*PASSWORDS, "SMS_OTP"],
        "bob": PASSWORDS,
    }


def test_a_user_with_mfa_is_offered_only_the_password(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """MFA and passwordless sign-in do not combine: a user with MFA signs in with a password.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html#user-pool-settings-mfa-prerequisites;
    "Amazon Cognito does not support enabling both MFA and passwordless sign-in ... If a
    user has MFA configured, passwordless sign-in options will not be available"
    (https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/). The
    password is followed by the MFA challenge.
    """
    # given alice with TOTP, bob without, in a pool with optional MFA
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    secret = totp_with_token(pool, _tokens(pool, "alice")["AccessToken"], clock)

    # when both start choice-based sign-in, and alice signs in with her password
    alice, bob = user_auth(pool, "alice"), user_auth(pool, "bob")
    answer = respond(
        pool, "SELECT_CHALLENGE", alice["Session"], "alice", ANSWER="PASSWORD", PASSWORD=PASSWORD
    )

    # then alice is offered her password only, and asked for her code after it
    assert alice["AvailableChallenges"] == PASSWORDS
    assert bob["AvailableChallenges"] == [*PASSWORDS, "EMAIL_OTP"]
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = respond(
        pool, "SOFTWARE_TOKEN_MFA", answer["Session"], "alice",
        SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock),
    )  # fmt: skip
    assert "AuthenticationResult" in done


def test_required_mfa_leaves_only_the_password(make_pool: Callable[..., Pool]) -> None:
    """In a pool whose MFA is required, nobody is offered a passwordless factor.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html#user-pool-settings-mfa-prerequisites
    (passwordless sign-in and required MFA exclude each other; research notes, 11.1).
    """
    # given alice in a pool requiring MFA
    pool = choice_pool(make_pool, mfa="ON")
    confirmed_user(pool, "alice")

    # when she starts choice-based sign-in
    answer = user_auth(pool, "alice")

    # then only her password is offered
    assert answer["AvailableChallenges"] == PASSWORDS


def test_an_unknown_preference_is_refused(make_pool: Callable[..., Pool]) -> None:
    """PREFERRED_CHALLENGE names one of the choice-based challenges.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    "Available challenges are PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, and WEB_AUTHN."
    """
    # given alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she prefers SOFTWARE_TOKEN_MFA
    refused = user_auth_refusal(pool, "alice", PREFERRED_CHALLENGE="SOFTWARE_TOKEN_MFA")

    # then it is refused
    assert refused[0] == "InvalidParameterException"


def test_a_preference_the_user_cannot_use_falls_back_to_selection(
    make_pool: Callable[..., Pool],
) -> None:
    """Preferring a factor the user lacks answers SELECT_CHALLENGE.

    Undocumented; observed (research notes, section 11.2: "If the preferred challenge
    isn't available for the user, Cognito falls back to SELECT_CHALLENGE").
    """
    # given alice without a phone number
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she prefers SMS_OTP
    answer = user_auth(pool, "alice", PREFERRED_CHALLENGE="SMS_OTP")

    # then she is asked to choose, and no SMS is sent
    assert answer["ChallengeName"] == "SELECT_CHALLENGE"
    assert answer["AvailableChallenges"] == [*PASSWORDS, "EMAIL_OTP"]
    assert messages.sent() == [m for m in messages.sent() if m["channel"] == "EMAIL"]


def test_a_disabled_user_is_refused(make_pool: Callable[..., Pool]) -> None:
    """A disabled user cannot start choice-based sign-in.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDisableUser.html:
    "Users can't sign in to a deactivated user account"; "User is disabled." observed.
    """
    # given alice, disabled
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    pool.admin.admin_disable_user(UserPoolId=pool.id, Username="alice")

    # when she starts choice-based sign-in
    refused = user_auth_refusal(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")

    # then it is refused, no code sent
    assert refused == ("NotAuthorizedException", "User is disabled.")
    assert _sign_in_codes(email_of("alice")) == []


# Passwords


def test_preferring_the_password_with_it_signs_in(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PREFERRED_CHALLENGE PASSWORD with PASSWORD signs in at once; a wrong one is refused.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html:
    a preferred challenge goes straight to it; PASSWORD "Respond with USER_PASSWORD_AUTH
    parameters: USERNAME (required), PASSWORD (required)"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    """
    # given alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she prefers her password and gives it, and then a wrong one
    answer = user_auth(pool, "alice", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    wrong = user_auth_refusal(pool, "alice", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wr0ng!pass")

    # then she has tokens, and the wrong password is refused
    assert claims(answer["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"
    assert wrong == ("NotAuthorizedException", "Incorrect username or password.")


def test_preferring_the_password_without_it_asks_for_it(make_pool: Callable[..., Pool]) -> None:
    """PREFERRED_CHALLENGE PASSWORD alone answers the PASSWORD challenge.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    PASSWORD, "Respond with the user's password as PASSWORD".
    """
    # given alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she prefers her password without giving it, then answers with it
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="PASSWORD")
    answer = respond(pool, "PASSWORD", challenge["Session"], "alice", PASSWORD=PASSWORD)

    # then the PASSWORD challenge, then tokens
    assert challenge["ChallengeName"] == "PASSWORD"
    assert "AuthenticationResult" in answer


def test_selecting_the_password_signs_in(make_pool: Callable[..., Pool]) -> None:
    """SELECT_CHALLENGE answered PASSWORD with the password signs in.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    "Complete authentication in the SELECT_CHALLENGE response for PASSWORD ...
    {"ANSWER": "PASSWORD", "USERNAME": "[username]", "PASSWORD": "[password]"}".
    """
    # given alice asked to choose
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    selection = user_auth(pool, "alice")

    # when she answers with her password
    answer = respond(
        pool, "SELECT_CHALLENGE", selection["Session"], "alice",
        ANSWER="PASSWORD", PASSWORD=PASSWORD,
    )  # fmt: skip

    # then she has tokens
    assert "AuthenticationResult" in answer


def test_an_answer_not_offered_is_refused_and_keeps_the_session(
    make_pool: Callable[..., Pool],
) -> None:
    """ANSWER must be one of AvailableChallenges; a wrong one does not use the session up.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    SELECT_CHALLENGE, "It must be one of the challenge types in the AvailableChallenges
    response parameter".
    """
    # given alice asked to choose, without a phone
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    selection = user_auth(pool, "alice")

    # when she answers SMS_OTP, then EMAIL_OTP
    refused = respond_refusal(
        pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="SMS_OTP"
    )
    answer = respond(pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="EMAIL_OTP")

    # then SMS_OTP is refused and EMAIL_OTP still works
    assert refused[0] == "InvalidParameterException"
    assert answer["ChallengeName"] == "EMAIL_OTP"


def test_password_srp_is_offered_but_not_emulated(make_pool: Callable[..., Pool]) -> None:
    """PASSWORD_SRP is offered as Cognito offers it; the emulator does not do SRP.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
    (PASSWORD_SRP with SRP_A); SRP is a documented gap of the emulator (docs/cognito.md).
    """
    # given alice asked to choose
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    selection = user_auth(pool, "alice")

    # when she answers PASSWORD_SRP
    refused = respond_refusal(
        pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="PASSWORD_SRP", SRP_A="ab"
    )

    # then the emulator says it does not do SRP
    assert refused[0] == "InvalidParameterException"
    assert "not supported by the emulator" in refused[1]


def test_the_secret_hash_is_required(make_pool: Callable[..., Pool]) -> None:
    """A client with a secret needs SECRET_HASH in USER_AUTH and in its answers.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    "Add a SECRET_HASH parameter if your app client has a client secret"
    (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    # given alice and a client with a secret
    pool = choice_pool(make_pool, secret=True)
    confirmed_user(pool, "alice")

    # when she starts USER_AUTH without the hash, then with it and answers without it
    without = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )  # fmt: skip
    selection = user_auth(pool, "alice")
    answer_without = refusal(
        "RespondToAuthChallenge", ClientId=pool.client_id, ChallengeName="SELECT_CHALLENGE",
        Session=selection["Session"],
        ChallengeResponses={"USERNAME": "alice", "ANSWER": "EMAIL_OTP"},
    )  # fmt: skip

    # then both are refused; with the hash she goes on
    expected = f"Client {pool.client_id} is configured for secret but secret was not received"
    assert without == answer_without == ("NotAuthorizedException", expected)
    answer = respond(pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="EMAIL_OTP")
    assert answer["ChallengeName"] == "EMAIL_OTP"


# Email and SMS codes


def test_an_email_code_of_eight_digits_signs_in(make_pool: Callable[..., Pool]) -> None:
    """EMAIL_OTP: an 8-digit code to the verified email, where it went masked; it signs in.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
    (PREFERRED_CHALLENGE EMAIL_OTP sends a code); the code is "fixed at an 8 digit PIN"
    (https://github.com/aws-amplify/amplify-js/issues/14428, confirmed by its
    maintainers); CODE_DELIVERY_DELIVERY_MEDIUM and CODE_DELIVERY_DESTINATION as for
    SMS_MFA (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-sms-text-message.html);
    the answer EMAIL_OTP_CODE
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    # given alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when she prefers an email code
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")

    # then an 8-digit code is sent to her email, which the answer shows masked
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "a***@e***",
    }
    [message] = _sign_in_codes(email_of("alice"))
    assert re.fullmatch(r"\d{8}", message["code"])
    assert message["channel"] == "EMAIL"
    assert message["code"] in message["body"]
    answer = respond(
        pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=message["code"]
    )
    assert claims(answer["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"


def test_selecting_an_email_code_sends_it(make_pool: Callable[..., Pool]) -> None:
    """SELECT_CHALLENGE answered EMAIL_OTP sends the code for the next answer.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    "For SMS_OTP and EMAIL_OTP, respond with the username and answer. Your user pool will
    send a code for the user to submit in the next challenge response."
    """
    # given alice asked to choose
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    selection = user_auth(pool, "alice")

    # when she chooses an email code and answers it
    challenge = respond(pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="EMAIL_OTP")
    [message] = _sign_in_codes(email_of("alice"))
    answer = respond(
        pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=message["code"]
    )

    # then she has tokens
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert "AuthenticationResult" in answer


def test_an_sms_code_signs_in(make_pool: Callable[..., Pool]) -> None:
    """SMS_OTP: an 8-digit code by SMS to the verified phone; SMS_OTP_CODE signs in.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
    (SMS_OTP, "Respond with the code that your user pool delivered in an SMS message, as
    SMS_OTP_CODE"); 8 digits (https://github.com/aws-amplify/amplify-js/issues/14428).
    """
    # given alice with a verified phone
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    with_phone(pool, "alice", "+15555550123")

    # when she prefers an SMS code and answers it
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="SMS_OTP")
    [message] = _sign_in_codes("+15555550123")
    answer = respond(pool, "SMS_OTP", challenge["Session"], "alice", SMS_OTP_CODE=message["code"])

    # then the code went by SMS, masked in the answer, and she has tokens
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******0123",
    }
    assert message["channel"] == "SMS"
    assert re.fullmatch(r"\d{8}", message["code"])
    assert "AuthenticationResult" in answer


def test_a_wrong_code_keeps_the_session(make_pool: Callable[..., Pool]) -> None:
    """A wrong code is CodeMismatchException; the session still takes the right one.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
    lists CodeMismatchException; in real-AWS EMAIL_OTP tests six wrong codes in a row
    each got it and the session still worked (research notes, section 1).
    """
    # given alice at the EMAIL_OTP challenge
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = _sign_in_codes(email_of("alice"))[0]["code"]

    # when a wrong code is answered twice, then the right one
    wrong = [
        respond_refusal(
            pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=_other(code)
        )
        for _ in range(2)
    ]
    answer = respond(pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=code)

    # then mismatches, then tokens
    assert wrong == [MISMATCH, MISMATCH]
    assert "AuthenticationResult" in answer


def test_a_code_answers_only_its_own_session(make_pool: Callable[..., Pool]) -> None:
    """A code sent for one sign-in does not complete another.

    The code "is valid for the session" (research notes, section 11.2; the session's
    lifetime: https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-session-duration),
    so it is bound to the challenge that sent it.
    """
    # given two EMAIL_OTP sign-ins of alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    first = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    second = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    first_code, second_code = (m["code"] for m in _sign_in_codes(email_of("alice")))

    # when the first code answers the second session
    crossed = respond_refusal(
        pool, "EMAIL_OTP", second["Session"], "alice", EMAIL_OTP_CODE=first_code
    )

    # then it is a mismatch; each session takes its own code
    assert crossed == MISMATCH
    for session, code in ((first, first_code), (second, second_code)):
        answer = respond(pool, "EMAIL_OTP", session["Session"], "alice", EMAIL_OTP_CODE=code)
        assert "AuthenticationResult" in answer


def test_the_code_expires_with_the_session(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """An email code answered after the session's 3 minutes is refused.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-session-duration:
    "By default, your users have three minutes to complete each challenge before the
    session string expires"; observed message "Invalid session for the user, session is
    expired." (https://github.com/aws-amplify/amplify-js/issues/14330).
    """
    # given alice's email code
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = _sign_in_codes(email_of("alice"))[0]["code"]

    # when she answers it 3 minutes and a second later
    clock.advance(181)
    late = respond_refusal(pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=code)

    # then the session has expired
    assert late == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_a_code_signs_in_once(make_pool: Callable[..., Pool]) -> None:
    """The session of a code that signed in cannot sign in again.

    Observed: "Invalid session for the user, session can only be used once."
    (https://github.com/aws-amplify/amplify-js/issues/14330).
    """
    # given alice, signed in with an email code
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    challenge = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = _sign_in_codes(email_of("alice"))[0]["code"]
    respond(pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=code)

    # when the same answer is sent again
    replay = respond_refusal(pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=code)

    # then it is refused
    assert replay == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_the_sign_in_email_uses_the_pools_template(make_pool: Callable[..., Pool]) -> None:
    """The code's email is EmailMfaConfiguration's message and subject.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailMfaConfigType.html:
    "The template for the email message that your user pool sends to users with a code
    for MFA and sign-in with an email OTP"; set with SetUserPoolMfaConfig.
    """
    # given a pool whose sign-in email has its own template
    pool = choice_pool(make_pool)
    call(
        "SetUserPoolMfaConfig", UserPoolId=pool.id,
        EmailMfaConfiguration={"Message": "Sign in with {####} now", "Subject": "Sign-in code"},
    )  # fmt: skip
    confirmed_user(pool, "alice")

    # when alice prefers an email code
    user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")

    # then the email is the template's
    [message] = _sign_in_codes(email_of("alice"))
    assert message["subject"] == "Sign-in code"
    assert message["body"] == f"Sign in with {message['code']} now"


# Triggers


def test_pre_authentication_runs_once_a_factor_is_chosen(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PreAuthentication before the code is sent; PostAuthentication before the tokens.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html
    ("invoked when a user attempts to sign in"; userNotFound, validationData) and
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html.
    Which step of choice-based sign-in runs it is undocumented: the emulator runs it once
    the factor is chosen, so a refusal sends no code.
    """
    # given both triggers, and alice asked to choose
    pool = choice_pool(make_pool, triggers=["PreAuthentication", "PostAuthentication"])
    confirmed_user(pool, "alice")
    selection = call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "alice"}, ClientMetadata={"k": "v"},
    )  # fmt: skip
    before = lambdas.sources()

    # when she chooses an email code and answers it
    challenge = respond(pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="EMAIL_OTP")
    code = _sign_in_codes(email_of("alice"))[0]["code"]
    respond(pool, "EMAIL_OTP", challenge["Session"], "alice", EMAIL_OTP_CODE=code)

    # then pre authentication ran at the choice, with InitiateAuth's metadata, post at the end
    assert before == []
    assert lambdas.sources() == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
    ]
    pre = lambdas.of("PreAuthentication_Authentication")[0]
    assert pre["request"]["validationData"] == {"k": "v"}
    assert pre["request"]["userNotFound"] is False


def test_a_refusing_pre_authentication_sends_no_code(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """A PreAuthentication refusal is the answer; no code is sent.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html:
    the trigger can "accept or deny the authentication request".
    """
    # given a PreAuthentication trigger that refuses
    pool = choice_pool(make_pool, triggers=["PreAuthentication"])
    confirmed_user(pool, "alice")
    lambdas.outcome("PreAuthentication", {"error": "raised", "message": "Not now"})

    # when alice prefers an email code
    refused = user_auth_refusal(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")

    # then it is the trigger's refusal, and no code went out
    assert refused == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Not now.",
    )
    assert _sign_in_codes(email_of("alice")) == []


# Users who do not exist


def test_an_unknown_user_gets_a_simulated_email_challenge(make_pool: Callable[..., Pool]) -> None:
    """With PreventUserExistenceErrors, an unknown user's EMAIL_OTP looks like a real one.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html:
    for choice-based sign-in Cognito answers a user who does not exist with a simulated
    challenge; any code then fails as a wrong one (research notes, 3.1 and 11.2).
    """
    # given a pool hiding which users exist, and alice
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")

    # when ghost prefers an email code and answers one
    ghost = user_auth(pool, "ghost", PREFERRED_CHALLENGE="EMAIL_OTP")
    alice = user_auth(pool, "alice", PREFERRED_CHALLENGE="EMAIL_OTP")
    wrong = respond_refusal(pool, "EMAIL_OTP", ghost["Session"], "ghost", EMAIL_OTP_CODE="12345678")

    # then the same shape as alice's, nothing sent, and a mismatch
    assert ghost["ChallengeName"] == alice["ChallengeName"] == "EMAIL_OTP"
    assert set(ghost["ChallengeParameters"]) == set(alice["ChallengeParameters"])
    assert re.fullmatch(
        r".\*\*\*@.\*\*\*", ghost["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    )
    assert [m["to"] for m in _sign_in_codes(email_of("alice"))] == [email_of("alice")]
    assert len(messages.sent()) == 2  # alice's sign-up code and her sign-in code
    assert wrong == MISMATCH


def test_an_unknown_user_may_select_but_not_sign_in(make_pool: Callable[..., Pool]) -> None:
    """An unknown user is asked to choose; a chosen code or password then fails.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    (a simulated challenge; a password answers "incorrect username or password").
    """
    # given a pool hiding which users exist
    pool = choice_pool(make_pool)

    # when ghost starts without a preference, chooses an email code, and, again, a password
    selection = user_auth(pool, "ghost")
    code = respond(pool, "SELECT_CHALLENGE", selection["Session"], "ghost", ANSWER="EMAIL_OTP")
    wrong_code = respond_refusal(
        pool, "EMAIL_OTP", code["Session"], "ghost", EMAIL_OTP_CODE="00000000"
    )
    again = user_auth(pool, "ghost")
    password = respond_refusal(
        pool, "SELECT_CHALLENGE", again["Session"], "ghost", ANSWER="PASSWORD", PASSWORD=PASSWORD
    )

    # then SELECT_CHALLENGE, an EMAIL_OTP challenge, and both answers fail
    assert selection["ChallengeName"] == "SELECT_CHALLENGE"
    assert selection["AvailableChallenges"] == [*PASSWORDS, "EMAIL_OTP", "SMS_OTP"]
    assert code["ChallengeName"] == "EMAIL_OTP"
    assert wrong_code == MISMATCH
    assert password == ("NotAuthorizedException", "Incorrect username or password.")


def test_an_unknown_user_is_not_found_without_prevention(make_pool: Callable[..., Pool]) -> None:
    """With PreventUserExistenceErrors LEGACY, an unknown user is UserNotFoundException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "When set to LEGACY, those APIs return a UserNotFoundException exception".
    """
    # given a pool that does not hide which users exist
    pool = choice_pool(make_pool, prevent=False)

    # when ghost starts choice-based sign-in
    refused = user_auth_refusal(pool, "ghost", PREFERRED_CHALLENGE="EMAIL_OTP")

    # then ghost is not found
    assert refused == ("UserNotFoundException", "User does not exist.")


def test_an_unconfirmed_user_is_offered_no_code(make_pool: Callable[..., Pool]) -> None:
    """A user who has not confirmed sign-up has no verified email: no EMAIL_OTP.

    https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html:
    an unconfirmed user "cannot sign in until the user account is confirmed"; confirming
    verifies the email. The password is refused as in USER_PASSWORD_AUTH.
    """
    # given carol, signed up but not confirmed
    pool = choice_pool(make_pool)
    sign_up(pool, "carol")

    # when she starts choice-based sign-in, and gives her password
    selection = user_auth(pool, "carol")
    refused = user_auth_refusal(pool, "carol", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)

    # then only the password is offered, and it is refused as unconfirmed
    assert selection["AvailableChallenges"] == PASSWORDS
    assert refused == ("UserNotConfirmedException", "User is not confirmed.")
