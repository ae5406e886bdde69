"""AdminInitiateAuth and AdminRespondToAuthChallenge hold InitiateAuth's rules.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html:
``ADMIN_USER_PASSWORD_AUTH`` needs the app client's ``ALLOW_ADMIN_USER_PASSWORD_AUTH``;
"SECRET_HASH (required if the app client is configured with a client secret)"; the
answer is a challenge (MFA, NEW_PASSWORD_REQUIRED...) or the tokens, as for InitiateAuth;
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
answers the challenges as RespondToAuthChallenge does. moto answered these calls with
tokens whatever the client allowed, without SECRET_HASH or MFA.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .support import (
    NEW_PASSWORD,
    PASSWORD,
    TEMPORARY_PASSWORD,
    Clock,
    Lambdas,
    Pool,
    Refused,
    admin_user,
    call,
    confirmed_user,
    mfa_setup,
    refusal,
    tokens_of,
    totp_now,
    totp_with_token,
)

ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def _admin_pool(make_pool: Callable[..., Pool], **settings: Any) -> Pool:
    """A construct-like pool whose client also allows ADMIN_USER_PASSWORD_AUTH."""
    flows = ["ALLOW_USER_PASSWORD_AUTH", *ADMIN_FLOWS]
    return make_pool(client={"ExplicitAuthFlows": flows}, **settings)


def admin_sign_in(
    pool: Pool, username: str, password: str = PASSWORD, **parameters: str
) -> dict[str, Any]:
    """AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH (SECRET_HASH added when the client has one)."""
    return call(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **pool.hash(username),
                        **parameters},
    )  # fmt: skip


def admin_respond(
    pool: Pool, challenge: str, session: str, username: str, **responses: str
) -> dict[str, Any]:
    """AdminRespondToAuthChallenge with USERNAME (and SECRET_HASH) and ``responses``."""
    return call(
        "AdminRespondToAuthChallenge", UserPoolId=pool.id, ClientId=pool.client_id,
        ChallengeName=challenge, Session=session,
        ChallengeResponses={"USERNAME": username, **pool.hash(username), **responses},
    )  # fmt: skip


def test_the_admin_password_flow_needs_the_client_to_allow_it(
    make_pool: Callable[..., Pool],
) -> None:
    """A client without ALLOW_ADMIN_USER_PASSWORD_AUTH (the construct's) is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html:
    ADMIN_USER_PASSWORD_AUTH "Server-side username-password authentication ... To
    activate this setting, your app client must have ALLOW_ADMIN_USER_PASSWORD_AUTH";
    InvalidParameterException, "Auth flow not enabled for this client" (Cognito's
    observed message).
    """
    # given the construct's client (USER_PASSWORD_AUTH and refresh only), and alice
    pool = make_pool()
    confirmed_user(pool, "alice")

    # when she is signed in through the admin flow, right password and all
    with pytest.raises(Refused) as refused:
        admin_sign_in(pool, "alice")

    # then the flow is refused
    assert (refused.value.code, refused.value.message) == (
        "InvalidParameterException",
        "Auth flow not enabled for this client",
    )


def test_the_admin_password_flow_signs_in_where_the_client_allows_it(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """With ALLOW_ADMIN_USER_PASSWORD_AUTH, the right password gets tokens; a wrong one
    is NotAuthorizedException; the sign-in triggers run with their usual sources.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    ("Amazon Cognito invokes the Lambda functions that are specified for various
    triggers"); the sources are those of any sign-in
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#cognito-user-pools-lambda-trigger-syntax-shared).
    """
    # given a client allowing the admin flow, triggers, and alice
    pool = _admin_pool(
        make_pool, triggers=["PreAuthentication", "PostAuthentication", "PreTokenGeneration"]
    )
    confirmed_user(pool, "alice")
    lambdas.events.clear()

    # when she is signed in with a wrong password, then with hers
    wrong = refusal(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd!x"},
    )  # fmt: skip
    lambdas.events.clear()
    answer = admin_sign_in(pool, "ALICE")

    # then the wrong one is refused, hers gets tokens after the triggers
    assert wrong == ("NotAuthorizedException", "Incorrect username or password.")
    assert set(answer["AuthenticationResult"]) >= {"IdToken", "AccessToken", "RefreshToken"}
    assert lambdas.sources() == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    assert {e["callerContext"]["clientId"] for e in lambdas.events} == {pool.client_id}


def test_the_admin_password_flow_needs_the_secret_hash(make_pool: Callable[..., Pool]) -> None:
    """A client with a secret: no SECRET_HASH, or a wrong one, is NotAuthorizedException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html:
    for ADMIN_USER_PASSWORD_AUTH, "USERNAME (required), SECRET_HASH (required if the app
    client is configured with a client secret), PASSWORD (required)".
    """
    # given a client with a secret allowing the admin flow, and alice
    pool = _admin_pool(make_pool, secret=True)
    confirmed_user(pool, "alice")

    # when she is signed in without the hash, with a wrong one, and with hers
    def attempt(**extra: str) -> tuple[str, str]:
        return refusal(
            "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, **extra},
        )  # fmt: skip

    without, wrong = attempt(), attempt(SECRET_HASH="AAAA")
    answer = admin_sign_in(pool, "alice")

    # then only her own hash signs her in
    assert without == (
        "NotAuthorizedException",
        f"Client {pool.client_id} is configured for secret but secret was not received",
    )
    assert wrong == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {pool.client_id}",
    )
    assert "AuthenticationResult" in answer


def test_required_mfa_holds_for_the_admin_flow(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """MFA ON: a user without a factor gets MFA_SETUP, one with TOTP SOFTWARE_TOKEN_MFA,
    answered with AdminRespondToAuthChallenge; a wrong code is CodeMismatchException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    (ChallengeName: MFA_SETUP, SOFTWARE_TOKEN_MFA);
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
    (SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE", "USERNAME").
    """
    # given an MFA-required pool whose client allows the admin flow, and alice
    pool = _admin_pool(make_pool, mfa="ON")
    confirmed_user(pool, "alice")

    # when she is signed in through the admin flow: set-up first, then with her code
    setup = admin_sign_in(pool, "alice")
    secret, after_setup = mfa_setup(pool, setup, "alice", clock)
    challenge = admin_sign_in(pool, "alice")
    wrong = refusal(
        "AdminRespondToAuthChallenge", UserPoolId=pool.id, ClientId=pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "000000"},
    )  # fmt: skip
    right = admin_respond(
        pool, "SOFTWARE_TOKEN_MFA", challenge["Session"], "alice",
        SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock),
    )  # fmt: skip

    # then no tokens without the factor
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" in after_setup
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    assert wrong == ("CodeMismatchException", "Invalid code or auth state for the user.")
    assert "AccessToken" in right["AuthenticationResult"]


def test_a_totp_user_is_challenged_in_an_optional_mfa_pool(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """MFA OPTIONAL, a user with TOTP: the admin flow answers SOFTWARE_TOKEN_MFA, not tokens.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    (ChallengeName SOFTWARE_TOKEN_MFA: "the next challenge is to supply a
    SOFTWARE_TOKEN_MFA_CODE").
    """
    # given alice with TOTP set up, in an optional-MFA pool allowing the admin flow
    pool = _admin_pool(make_pool)
    confirmed_user(pool, "alice")
    totp_with_token(pool, tokens_of(pool, "alice")["AccessToken"], clock)

    # when she is signed in through the admin flow
    answer = admin_sign_in(pool, "alice")

    # then her second factor is asked for
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in answer


def test_a_new_user_answers_new_password_required_with_the_policy_held(
    make_pool: Callable[..., Pool],
) -> None:
    """An admin-created user gets NEW_PASSWORD_REQUIRED; a weak new password is refused,
    a strong one gets tokens; the session was issued for her only.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
    (NEW_PASSWORD_REQUIRED: "NEW_PASSWORD", "USERNAME"; InvalidPasswordException);
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html.
    """
    # given bob and alice, both new, in a pool allowing the admin flow
    pool = _admin_pool(make_pool)
    admin_user(pool, "alice")
    admin_user(pool, "bob")

    # when alice's session is answered for bob, then with a weak and a strong password
    challenge = admin_sign_in(pool, "alice", TEMPORARY_PASSWORD)
    session = challenge["Session"]

    def answer(username: str, password: str) -> tuple[str, str]:
        return refusal(
            "AdminRespondToAuthChallenge", UserPoolId=pool.id, ClientId=pool.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
            ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": password},
        )  # fmt: skip

    for_bob = answer("bob", NEW_PASSWORD)
    weak = answer("alice", "short")
    strong = admin_respond(
        pool, "NEW_PASSWORD_REQUIRED", session, "alice", NEW_PASSWORD=NEW_PASSWORD
    )

    # then only alice's strong password gets her tokens
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert for_bob == ("NotAuthorizedException", "Invalid session for the user.")
    assert weak[0] == "InvalidPasswordException"
    assert "AccessToken" in strong["AuthenticationResult"]


def test_wrong_passwords_lock_out_whichever_call_made_them(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """Five wrong passwords through AdminInitiateAuth lock InitiateAuth out too.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior
    ("After five failed sign-in attempts with a user's password"), of any sign-in;
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html.
    """
    # given alice, who typed a wrong password five times through the admin flow
    pool = _admin_pool(make_pool)
    confirmed_user(pool, "alice")
    for _ in range(5):
        refusal(
            "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd!x"},
        )  # fmt: skip

    # when she signs in with the right one, at once, through either call
    own = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    with pytest.raises(Refused) as admin:
        admin_sign_in(pool, "alice")

    # then both are locked out
    exceeded = ("NotAuthorizedException", "Password attempts exceeded")
    assert own == exceeded
    assert (admin.value.code, admin.value.message) == exceeded


def test_admin_refresh_follows_the_client(make_pool: Callable[..., Pool]) -> None:
    """REFRESH_TOKEN_AUTH through AdminInitiateAuth gets new tokens, as InitiateAuth's.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    (REFRESH_TOKEN_AUTH/REFRESH_TOKEN: "REFRESH_TOKEN (required), SECRET_HASH").
    """
    # given alice's refresh token
    pool = _admin_pool(make_pool)
    confirmed_user(pool, "alice")
    refresh_token = admin_sign_in(pool, "alice")["AuthenticationResult"]["RefreshToken"]

    # when it is used through the admin call, and a made-up one too
    answer = call(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip
    made_up = refusal(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "made-up"},
    )  # fmt: skip

    # then hers gets new tokens, the made-up one none
    assert "AccessToken" in answer["AuthenticationResult"]
    assert made_up[0] == "NotAuthorizedException"


@pytest.mark.parametrize("flow", ["USER_SRP_AUTH", "CUSTOM_AUTH", "USER_PASSWORD_AUTH"])
def test_flows_the_emulator_does_not_run_are_refused(
    make_pool: Callable[..., Pool], flow: str
) -> None:
    """SRP and custom authentication are not emulated; USER_PASSWORD_AUTH is not an admin flow.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    (AuthFlow: "USER_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH, CUSTOM_AUTH,
    ADMIN_USER_PASSWORD_AUTH"); InvalidParameterException, never tokens.
    """
    # given alice
    pool = _admin_pool(make_pool)
    confirmed_user(pool, "alice")

    # when such a flow is asked for
    code, _ = refusal(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=pool.client_id, AuthFlow=flow,
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, "SRP_A": "1234"},
    )  # fmt: skip

    # then it is refused
    assert code == "InvalidParameterException"


def test_the_client_must_be_the_pools(make_pool: Callable[..., Pool]) -> None:
    """A client of another pool is ResourceNotFoundException, for both admin calls.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
    (UserPoolId, ClientId "The app client ID"; ResourceNotFoundException).
    """
    # given two pools, alice in the first
    pool = _admin_pool(make_pool)
    other = _admin_pool(make_pool)
    confirmed_user(pool, "alice")

    # when the first pool is named with the other's client
    initiate = refusal(
        "AdminInitiateAuth", UserPoolId=pool.id, ClientId=other.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    respond = refusal(
        "AdminRespondToAuthChallenge", UserPoolId=pool.id, ClientId=other.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA", Session="s" * 40,
        ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "000000"},
    )  # fmt: skip

    # then both are refused
    expected = ("ResourceNotFoundException", f"User pool client {other.client_id} does not exist.")
    assert initiate == expected
    assert respond == expected
