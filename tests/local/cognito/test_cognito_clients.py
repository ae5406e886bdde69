"""App clients: SECRET_HASH when the client has a secret; revoking and signing out tokens.

SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id))
(https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash);
its error messages are Cognito's observed ones (research notes, section 9). Revocation:
https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .support import (
    PASSWORD,
    Pool,
    call,
    codes,
    confirmed_user,
    email_of,
    refusal,
    secret_hash,
    sign_in,
    sign_up,
    tokens_of,
)


def _missing(pool: Pool) -> tuple[str, str]:
    return (
        "NotAuthorizedException",
        f"Client {pool.client_id} is configured for secret but secret was not received",
    )


def _wrong(pool: Pool) -> tuple[str, str]:
    return ("NotAuthorizedException", f"Unable to verify secret hash for client {pool.client_id}")


def test_sign_in_needs_the_secret_hash_of_a_client_with_a_secret(
    make_pool: Callable[..., Pool],
) -> None:
    """InitiateAuth without SECRET_HASH, or with one of another user, is NotAuthorizedException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    "Add a SECRET_HASH parameter if your app client has a client secret"; the hash
    is of the username and client id
    (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    # given a client with a secret, and alice
    pool = make_pool(secret=True)
    confirmed_user(pool, "alice")
    assert pool.client_secret is not None
    bobs = secret_hash(pool.client_secret, "bob", pool.client_id)

    # when alice signs in without a hash, with bob's, and with hers
    def attempt(**extra: str) -> tuple[str, str]:
        return refusal(
            "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, **extra},
        )  # fmt: skip

    without, with_bobs = attempt(), attempt(SECRET_HASH=bobs)
    answer = sign_in(pool, "alice")

    # then only her own hash signs her in
    assert without == _missing(pool)
    assert with_bobs == _wrong(pool)
    assert "AuthenticationResult" in answer


@pytest.mark.parametrize(
    "action", ["SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
               "ConfirmForgotPassword"],
)  # fmt: skip
def test_the_public_account_calls_need_the_secret_hash(
    make_pool: Callable[..., Pool], action: str
) -> None:
    """SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword.

    Each has a SecretHash parameter; ForgotPassword: "If your app client has a client
    secret and you don't provide a SECRET_HASH parameter, this API returns
    NotAuthorizedException."
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html).
    """
    # given a client with a secret
    pool = make_pool(secret=True)
    body: dict[str, Any] = {
        "ClientId": pool.client_id, "Username": "alice", "Password": PASSWORD,
        "ConfirmationCode": "123456",
        "UserAttributes": [{"Name": "email", "Value": email_of("alice")}],
    }  # fmt: skip
    parameters = {k: v for k, v in body.items() if action == "SignUp" or k != "UserAttributes"}

    # when the call comes without the hash, and with a wrong one
    without = refusal(action, **parameters)
    wrong = refusal(action, **parameters, SecretHash="d3JvbmcgaGFzaA==")

    # then both are refused before anything happens
    assert without == _missing(pool)
    assert wrong == _wrong(pool)
    assert codes(email_of("alice")) == []


def test_every_challenge_answer_needs_the_secret_hash(make_pool: Callable[..., Pool]) -> None:
    """RespondToAuthChallenge without SECRET_HASH is refused, and does not spend the session.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    "You must provide a SECRET_HASH parameter in all challenge responses to an app client
    that has a client secret."
    """
    # given an admin-created user at NEW_PASSWORD_REQUIRED, through a client with a secret
    pool = make_pool(secret=True)
    call(
        "AdminCreateUser", UserPoolId=pool.id, Username="alice",
        TemporaryPassword="Temp-Passw0rd!x", MessageAction="SUPPRESS",
    )  # fmt: skip
    session = sign_in(pool, "alice", "Temp-Passw0rd!x")["Session"]

    # when she answers without the hash, then with it
    refused = refusal(
        "RespondToAuthChallenge", ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session,
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": "N3w-Passw0rd!long"},
    )  # fmt: skip
    answer = call(
        "RespondToAuthChallenge", ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session,
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": "N3w-Passw0rd!long",
                            **pool.hash("alice")},
    )  # fmt: skip

    # then the first is refused and the second signs her in
    assert refused == _missing(pool)
    assert "AuthenticationResult" in answer


def test_refresh_needs_the_secret_hash_of_the_user(make_pool: Callable[..., Pool]) -> None:
    """REFRESH_TOKEN_AUTH with a secret client needs SECRET_HASH of the token's user.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    REFRESH_TOKEN_AUTH takes REFRESH_TOKEN and SECRET_HASH; the hash of the user's
    username is what Cognito accepts (https://github.com/boto/boto3/issues/2736).
    """
    # given alice's refresh token from a client with a secret
    pool = make_pool(secret=True)
    confirmed_user(pool, "alice")
    refresh_token = tokens_of(pool, "alice")["RefreshToken"]

    # when she refreshes without the hash, then with it
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip
    answer = call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token, **pool.hash("alice")},
    )  # fmt: skip

    # then only the second refreshes
    assert refused == _missing(pool)
    assert "IdToken" in answer["AuthenticationResult"]


def _refresh_refusal(pool: Pool, refresh_token: str) -> tuple[str, str]:
    return refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip


def test_revoke_token_ends_the_refresh_token_and_its_access_tokens(
    make_pool: Callable[..., Pool],
) -> None:
    """RevokeToken: the refresh token no longer refreshes; its access tokens stop working.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html:
    "Revokes all of the access tokens generated by, and at the same time as, the
    specified refresh token. After a token is revoked, you can't use the revoked token to
    access Amazon Cognito user APIs".
    """
    # given two sign-ins of alice
    pool = make_pool()
    confirmed_user(pool, "alice")
    revoked, kept = tokens_of(pool, "alice"), tokens_of(pool, "alice")

    # when the first refresh token is revoked
    assert call("RevokeToken", ClientId=pool.client_id, Token=revoked["RefreshToken"]) == {}

    # then its refresh and access tokens are refused, the other sign-in's still work
    assert _refresh_refusal(pool, revoked["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )
    assert refusal("GetUser", AccessToken=revoked["AccessToken"]) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )
    assert call("GetUser", AccessToken=kept["AccessToken"])["Username"] == "alice"
    assert "AuthenticationResult" in call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": kept["RefreshToken"]},
    )  # fmt: skip


def test_revoke_token_takes_only_refresh_tokens_and_the_secret(
    make_pool: Callable[..., Pool],
) -> None:
    """RevokeToken refuses an access token, and a secret client's call without the secret.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html:
    UnsupportedTokenTypeException for a token it cannot revoke; UnauthorizedException
    for a wrong client secret (ClientSecret: "The client secret of the requested app
    client, if the client has a secret").
    """
    # given alice's tokens from a client with a secret
    pool = make_pool(secret=True)
    confirmed_user(pool, "alice")
    tokens = tokens_of(pool, "alice")

    # when an access token is revoked, and the refresh token without the secret
    wrong_type = refusal(
        "RevokeToken", ClientId=pool.client_id, Token=tokens["AccessToken"],
        ClientSecret=pool.client_secret,
    )  # fmt: skip
    no_secret = refusal("RevokeToken", ClientId=pool.client_id, Token=tokens["RefreshToken"])

    # then both are refused and the refresh token still works
    assert wrong_type[0] == "UnsupportedTokenTypeException"
    assert no_secret[0] == "UnauthorizedException"
    assert "AuthenticationResult" in call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], **pool.hash("alice")},
    )  # fmt: skip


def test_global_sign_out_ends_every_token_of_the_user(make_pool: Callable[..., Pool]) -> None:
    """GlobalSignOut: the user's access tokens answer "Access Token has been revoked".

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html:
    "Amazon Cognito returns an Access Token has been revoked error when your app attempts
    to authorize a user pools API request with a revoked access token"; refresh tokens
    are refused after it ("Refresh Token has been revoked", observed).
    """
    # given two sign-ins of alice, and bob's
    pool = make_pool()
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    first, second = tokens_of(pool, "alice"), tokens_of(pool, "alice")
    bob = tokens_of(pool, "bob")

    # when alice signs out everywhere
    assert call("GlobalSignOut", AccessToken=first["AccessToken"]) == {}

    # then none of her tokens works, and bob's do
    for tokens in (first, second):
        assert refusal("GetUser", AccessToken=tokens["AccessToken"]) == (
            "NotAuthorizedException",
            "Access Token has been revoked",
        )
        assert _refresh_refusal(pool, tokens["RefreshToken"]) == (
            "NotAuthorizedException",
            "Refresh Token has been revoked",
        )
    assert call("GetUser", AccessToken=bob["AccessToken"])["Username"] == "bob"
    assert "AuthenticationResult" in sign_in(pool, "alice")


def test_an_admin_sign_out_ends_the_users_tokens(make_pool: Callable[..., Pool]) -> None:
    """AdminUserGlobalSignOut (moto's) ends the tokens the front issued.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html:
    "Invalidates the identity, access, and refresh tokens that Amazon Cognito issued to a
    user."
    """
    # given alice's tokens
    pool = make_pool()
    sign_up(pool, "Alice")
    call(
        "ConfirmSignUp", ClientId=pool.client_id, Username="Alice",
        ConfirmationCode=codes(email_of("Alice"))[-1],
    )  # fmt: skip
    tokens = tokens_of(pool, "alice")

    # when an admin signs her out
    pool.admin.admin_user_global_sign_out(UserPoolId=pool.id, Username="Alice")

    # then her access token is revoked
    assert refusal("GetUser", AccessToken=tokens["AccessToken"]) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )
