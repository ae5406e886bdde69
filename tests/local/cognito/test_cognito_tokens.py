"""Tokens: the claims a deployed pool puts in them, their lifetimes, refresh, access checks.

Claims as the developer guide lists them for the ID token
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html)
and the access token
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .support import (
    PASSWORD,
    Clock,
    Pool,
    call,
    claims,
    confirm,
    confirmed_user,
    refusal,
    sign_up,
    tokens_of,
)

USER_SCOPE = "aws.cognito.signin.user.admin"


def _refresh(pool: Pool, refresh_token: str) -> dict[str, object]:
    return call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def test_the_id_token_has_the_documented_claims(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """The ID token: sub, email, email_verified (a boolean), cognito:username, aud, ...

    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html:
    the example payload has sub, email_verified, iss, cognito:username, origin_jti, aud,
    event_id, token_use "id", auth_time, exp, iat, jti and email; ``origin_jti`` and
    ``jti`` come with token revocation
    (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
    """
    # given alice, confirmed
    pool = make_pool()
    sub = sign_up(pool, "alice")["UserSub"]
    confirm(pool, "alice")

    # when her id token is read
    token = claims(tokens_of(pool, "alice")["IdToken"])

    # then it carries the documented claims
    assert {k: token[k] for k in ("sub", "email", "email_verified", "cognito:username")} == {
        "sub": sub,
        "email": "alice@example.com",
        "email_verified": True,
        "cognito:username": "alice",
    }
    assert token["aud"] == pool.client_id
    assert token["token_use"] == "id"
    assert token["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool.id}"
    assert token["iat"] == token["auth_time"] == int(clock.now)
    assert token["exp"] == token["iat"] + 3600
    assert all(_is_uuid(token[k]) for k in ("jti", "origin_jti", "event_id"))
    assert "client_id" not in token
    assert "scope" not in token


def test_the_access_token_has_the_documented_claims(make_pool: Callable[..., Pool]) -> None:
    """The access token: client_id, scope, username, token_use "access", no aud.

    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html:
    the example has sub, iss, version 2, client_id, origin_jti, event_id, token_use
    "access", scope "aws.cognito.signin.user.admin", auth_time, exp, iat, jti, username;
    sign-in through the user pools API gives the one scope aws.cognito.signin.user.admin.
    """
    # given alice's tokens
    pool = make_pool()
    confirmed_user(pool, "alice")
    tokens = tokens_of(pool, "alice")

    # when her access token is read
    access = claims(tokens["AccessToken"])
    identity = claims(tokens["IdToken"])

    # then it is an access token for the client, sharing the sign-in's ids with the id token
    assert access["client_id"] == pool.client_id
    assert (access["token_use"], access["scope"], access["username"]) == (
        "access",
        USER_SCOPE,
        "alice",
    )
    assert access["version"] == 2
    assert access["sub"] == identity["sub"]
    assert "aud" not in access
    assert "email" not in access
    assert access["origin_jti"] == identity["origin_jti"]
    assert access["event_id"] == identity["event_id"]
    assert access["jti"] != identity["jti"]
    assert (tokens["TokenType"], tokens["ExpiresIn"]) == ("Bearer", 3600)


def test_groups_are_claims_of_both_tokens_by_precedence(make_pool: Callable[..., Pool]) -> None:
    """A user's groups are ``cognito:groups`` in both tokens, by precedence.

    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
    and ...using-the-access-token.html list cognito:groups; group precedence orders them
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html:
    "Zero is the highest precedence value").
    """
    # given alice in two groups
    pool = make_pool()
    confirmed_user(pool, "alice")
    for name, precedence in (("readers", 5), ("admins", 1)):
        pool.admin.create_group(GroupName=name, UserPoolId=pool.id, Precedence=precedence)
        pool.admin.admin_add_user_to_group(UserPoolId=pool.id, Username="alice", GroupName=name)

    # when she signs in
    tokens = tokens_of(pool, "alice")

    # then both tokens list her groups, most important first
    assert claims(tokens["IdToken"])["cognito:groups"] == ["admins", "readers"]
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["admins", "readers"]


def test_attributes_the_client_cannot_read_are_left_out(make_pool: Callable[..., Pool]) -> None:
    """ReadAttributes limits the id token and GetUser; without it every attribute shows.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    ReadAttributes is "The list of user attributes that you want your app client to have
    read access to"; custom attributes appear as "custom:x" strings
    (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
    Whether custom attributes are readable when ReadAttributes is unset is ambiguous in
    the docs; the front shows them (research notes, section 8.1).
    """
    # given a pool with a custom attribute, a client reading only the email, one reading all
    schema = [{"Name": "tier", "AttributeDataType": "String", "Mutable": True}]
    pool = make_pool(
        pool={"Schema": schema}, client={"ReadAttributes": ["email", "email_verified"]}
    )
    everything = pool.admin.create_user_pool_client(
        UserPoolId=pool.id, ClientName="all", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    sign_up(
        pool, "alice",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"},
                        {"Name": "name", "Value": "Alice"},
                        {"Name": "custom:tier", "Value": "gold"}],
    )  # fmt: skip
    confirm(pool, "alice")

    # when alice signs in with each client
    limited = tokens_of(pool, "alice")
    full = call(
        "InitiateAuth", ClientId=everything, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]  # fmt: skip

    # then the limited client sees only the email, the other all of it
    limited_claims = claims(limited["IdToken"])
    assert "name" not in limited_claims
    assert "custom:tier" not in limited_claims
    assert limited_claims["email"] == "alice@example.com"
    assert claims(full["IdToken"])["custom:tier"] == "gold"
    assert claims(full["IdToken"])["name"] == "Alice"
    shown = {
        a["Name"] for a in call("GetUser", AccessToken=limited["AccessToken"])["UserAttributes"]
    }
    assert shown == {"sub", "email", "email_verified"}


def test_token_lifetimes_are_the_clients(make_pool: Callable[..., Pool]) -> None:
    """Access and ID token lifetimes are the client's, in its TokenValidityUnits.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html:
    "A time unit for the value that you set in the AccessTokenValidity parameter";
    AuthenticationResult.ExpiresIn is the access token's lifetime in seconds
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html).
    """
    # given a client with 5-minute access tokens and 2-hour id tokens
    pool = make_pool(
        client={
            "AccessTokenValidity": 5,
            "IdTokenValidity": 2,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "hours"},
        }
    )
    confirmed_user(pool, "alice")

    # when alice signs in
    tokens = tokens_of(pool, "alice")

    # then the tokens live as the client says
    access, identity = claims(tokens["AccessToken"]), claims(tokens["IdToken"])
    assert access["exp"] - access["iat"] == 300
    assert identity["exp"] - identity["iat"] == 7200
    assert tokens["ExpiresIn"] == 300


def test_an_expired_access_token_is_refused(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """After its lifetime an access token no longer calls the user API.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
    lists NotAuthorizedException; the message "Access Token has expired" is observed
    (research notes, section 8.4).
    """
    # given alice's access token, an hour and a second later
    pool = make_pool()
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]
    assert call("GetUser", AccessToken=token)["Username"] == "alice"
    clock.advance(3601)

    # when she calls GetUser with it
    refused = refusal("GetUser", AccessToken=token)

    # then it has expired
    assert refused == ("NotAuthorizedException", "Access Token has expired")


def test_a_token_that_is_not_an_access_token_is_invalid(make_pool: Callable[..., Pool]) -> None:
    """A malformed token, an id token or a refresh token is "Invalid Access Token".

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html:
    GetUser takes "A valid access token"; NotAuthorizedException otherwise (message
    observed, research notes section 8.4). "Access Token has been revoked" is for a
    revoked access token only
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html).
    """
    # given alice's tokens
    pool = make_pool()
    confirmed_user(pool, "alice")
    tokens = tokens_of(pool, "alice")

    # when GetUser gets something that is not her access token
    refused = [
        refusal("GetUser", AccessToken=token)
        for token in ("not.a-token.at-all", tokens["IdToken"], tokens["RefreshToken"])
    ]

    # then each is invalid
    assert refused == [("NotAuthorizedException", "Invalid Access Token")] * 3


def test_a_deleted_users_token_finds_no_user(make_pool: Callable[..., Pool]) -> None:
    """Tokens of a deleted user are UserNotFoundException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    "A deleted user profile can no longer be used to sign in"; calls with the deleted
    user's token answer "User does not exist." (observed, research notes section 10).
    """
    # given alice's access token, and alice deleted by an admin
    pool = make_pool()
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]
    pool.admin.admin_delete_user(UserPoolId=pool.id, Username="alice")

    # when the token is used
    refused = refusal("GetUser", AccessToken=token)

    # then there is no such user
    assert refused == ("UserNotFoundException", "User does not exist.")


def test_refresh_gives_new_id_and_access_tokens_of_the_same_sign_in(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """REFRESH_TOKEN_AUTH: new id and access tokens, no refresh token, the original auth_time.

    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html:
    refresh returns new ID and access tokens; auth_time is the time of the original
    authentication, also in refreshed tokens
    (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
    """
    # given alice's tokens, ten minutes old
    pool = make_pool()
    confirmed_user(pool, "alice")
    tokens = tokens_of(pool, "alice")
    signed_in_at = int(clock.now)
    clock.advance(600)

    # when she refreshes
    result = _refresh(pool, tokens["RefreshToken"])["AuthenticationResult"]
    assert isinstance(result, dict)

    # then new tokens of the same sign-in
    refreshed = claims(result["AccessToken"])
    assert "RefreshToken" not in result
    assert refreshed["auth_time"] == signed_in_at
    assert refreshed["iat"] == signed_in_at + 600
    assert refreshed["origin_jti"] == claims(tokens["AccessToken"])["origin_jti"]
    assert refreshed["jti"] != claims(tokens["AccessToken"])["jti"]
    assert call("GetUser", AccessToken=result["AccessToken"])["Username"] == "alice"


def test_a_refresh_token_lives_the_clients_refresh_validity(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """A refresh token older than RefreshTokenValidity no longer refreshes.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    RefreshTokenValidity, 60 minutes to 10 years, default 30 days.
    """
    # given a client whose refresh tokens last a day, and two users' tokens
    pool = make_pool(
        client={"RefreshTokenValidity": 1, "TokenValidityUnits": {"RefreshToken": "days"}}
    )
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    alice, bob = tokens_of(pool, "alice"), tokens_of(pool, "bob")

    # when alice refreshes just before a day and bob just after
    clock.advance(86400 - 1)
    in_time = _refresh(pool, alice["RefreshToken"])
    clock.advance(2)
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": bob["RefreshToken"]},
    )  # fmt: skip

    # then only alice gets tokens
    assert "AuthenticationResult" in in_time
    assert refused == ("NotAuthorizedException", "Refresh Token has expired")
