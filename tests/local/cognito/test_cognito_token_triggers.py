"""The pre token generation trigger: its sources, events, and what its answers change.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
V1 (the legacy ``PreTokenGeneration`` key, or ``LambdaVersion`` V1_0) customises the ID
token; V2 (``PreTokenGenerationConfig`` V2_0) the ID and access tokens and the access
token's scopes; some claims can be neither added, overridden nor suppressed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .support import (
    Clock,
    Lambdas,
    Pool,
    admin_user,
    call,
    claims,
    confirmed_user,
    mfa_setup,
    new_password,
    refusal,
    sign_in,
    tokens_of,
)


def _v1(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(triggers=["PreTokenGeneration"])


def _v2(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(triggers=["PreTokenGeneration"], pre_token_version="V2_0")


def test_sign_in_invokes_it_with_the_v1_event(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """TokenGeneration_Authentication, with the user's attributes, groups and no metadata.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    TokenGeneration_Authentication is the source at the end of a user authentication;
    the V1 request has userAttributes, groupConfiguration and clientMetadata. InitiateAuth's
    ClientMetadata does not reach it
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#CognitoUserPools-InitiateAuth-request-ClientMetadata).
    """
    # given a V1 trigger (the legacy key) and alice in a group
    pool = _v1(make_pool)
    confirmed_user(pool, "alice")
    pool.admin.create_group(GroupName="admins", UserPoolId=pool.id)
    pool.admin.admin_add_user_to_group(UserPoolId=pool.id, Username="alice", GroupName="admins")

    # when she signs in, with metadata
    sign_in(pool, "alice", ClientMetadata={"k": "v"})

    # then the trigger got the V1 event of her sign-in
    (event,) = lambdas.of("TokenGeneration_Authentication")
    assert (event["version"], event["userName"]) == ("1", "alice")
    assert event["callerContext"]["clientId"] == pool.client_id
    request = event["request"]
    assert request["userAttributes"]["email"] == "alice@example.com"
    assert request["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert request["groupConfiguration"]["groupsToOverride"] == ["admins"]
    assert request["clientMetadata"] == {}
    assert "scopes" not in request
    assert event["response"] == {"claimsOverrideDetails": None}


def test_a_new_password_answer_is_the_new_password_source(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """Tokens after NEW_PASSWORD_REQUIRED come from TokenGeneration_NewPasswordChallenge.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    "TokenGeneration_NewPasswordChallenge: Called after a user is created by an
    administrator. This flow is invoked when the user has to change a temporary password."
    """
    # given an admin-created user and a V1 trigger
    pool = _v1(make_pool)
    admin_user(pool, "alice")

    # when she sets her password
    answer = new_password(pool, "alice")

    # then the token event names the new-password challenge
    assert "AuthenticationResult" in answer
    assert lambdas.sources() == ["TokenGeneration_NewPasswordChallenge"]


def test_after_mfa_set_up_the_source_is_authentication(
    make_pool: Callable[..., Pool], lambdas: Lambdas, clock: Clock
) -> None:
    """With MFA after the new password, tokens come at the last challenge: Authentication.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    TokenGeneration_Authentication is the source at the end of a user authentication.
    Observed (research notes, section 6.2): when MFA follows NEW_PASSWORD_REQUIRED the
    token-generation trigger fires after the final challenge with that source (the docs
    are silent on the combination).
    """
    # given an admin-created user in a pool requiring MFA
    pool = make_pool(mfa="ON", triggers=["PreTokenGeneration"])
    admin_user(pool, "alice")

    # when she sets her password, then sets up TOTP
    _, answer = mfa_setup(pool, new_password(pool, "alice"), "alice", clock)

    # then one token event, at the end
    assert "AuthenticationResult" in answer
    assert [s for s in lambdas.sources() if s.startswith("TokenGeneration")] == [
        "TokenGeneration_Authentication"
    ]


def test_refresh_is_the_refresh_source_and_runs_no_authentication_triggers(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """REFRESH_TOKEN_AUTH invokes TokenGeneration_RefreshTokens only.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    TokenGeneration_RefreshTokens is the source "when a user tries to refresh the
    identity and access tokens". Pre and post authentication are not invoked on refresh
    (observed).
    """
    # given alice's tokens, with every sign-in trigger configured
    pool = make_pool(triggers=["PreTokenGeneration", "PreAuthentication", "PostAuthentication"])
    confirmed_user(pool, "alice")
    refresh_token = tokens_of(pool, "alice")["RefreshToken"]
    before = len(lambdas.events)

    # when she refreshes
    call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip

    # then only the refresh token event
    assert lambdas.sources()[before:] == ["TokenGeneration_RefreshTokens"]


def test_v1_adds_and_suppresses_id_token_claims(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """V1 claimsOverrideDetails change the ID token only; suppression wins over addition.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    claimsToAddOrOverride and claimsToSuppress, a suppressed claim staying out even when
    also added; version one customises the ID token only.
    """
    # given a V1 trigger adding tier and dept, suppressing email and dept
    pool = _v1(make_pool)
    confirmed_user(pool, "alice")
    lambdas.respond("PreTokenGeneration", {"claimsOverrideDetails": {
        "claimsToAddOrOverride": {"tier": "gold", "dept": "x"},
        "claimsToSuppress": ["email", "dept"],
    }})  # fmt: skip

    # when alice signs in
    tokens = tokens_of(pool, "alice")

    # then her id token has tier and no email or dept; her access token is unchanged
    identity, access = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert identity["tier"] == "gold"
    assert "email" not in identity
    assert "dept" not in identity
    assert identity["email_verified"] is True
    assert "tier" not in access


def test_v1_claim_values_must_be_strings(make_pool: Callable[..., Pool], lambdas: Lambdas) -> None:
    """A V1 claim that is not a string is an invalid Lambda response.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    in version one claimsToAddOrOverride is a map of strings; an unusable answer is
    InvalidLambdaResponseException
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    """
    # given a V1 trigger adding a number
    pool = _v1(make_pool)
    confirmed_user(pool, "alice")
    lambdas.respond(
        "PreTokenGeneration", {"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}}
    )

    # when alice signs in
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!long"},
    )  # fmt: skip

    # then no tokens
    assert refused[0] == "InvalidLambdaResponseException"


RESERVED = ["sub", "cognito:username", "aud", "iss", "token_use", "exp", "iat", "auth_time",
            "jti", "origin_jti", "event_id"]  # fmt: skip


@pytest.mark.parametrize("version", ["V1_0", "V2_0"])
def test_reserved_claims_cannot_be_changed(
    make_pool: Callable[..., Pool], lambdas: Lambdas, version: str
) -> None:
    """sub, cognito:username, aud, iss, token_use, exp... keep their values.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
    lists the claims that cannot be added, overridden or suppressed (acr, amr, aud,
    auth_time, cognito:username, exp, iat, iss, jti, origin_jti, sub, token_use...). The
    docs do not say whether Cognito ignores or refuses such a response; the front ignores
    the change.
    """
    # given a trigger overriding and suppressing the reserved claims
    pool = make_pool(triggers=["PreTokenGeneration"], pre_token_version=version)
    confirmed_user(pool, "alice")
    changes = {"claimsToAddOrOverride": {name: "forged" for name in RESERVED},
               "claimsToSuppress": list(RESERVED)}  # fmt: skip
    details: dict[str, Any] = (
        {"claimsOverrideDetails": changes}
        if version == "V1_0"
        else {"claimsAndScopeOverrideDetails": {"idTokenGeneration": changes,
                                                "accessTokenGeneration": changes}}
    )  # fmt: skip
    lambdas.respond("PreTokenGeneration", details)

    # when alice signs in
    tokens = tokens_of(pool, "alice")

    # then every reserved claim is Cognito's
    identity = claims(tokens["IdToken"])
    assert identity["cognito:username"] == "alice"
    assert identity["aud"] == pool.client_id
    assert identity["token_use"] == "id"
    assert all(identity[name] != "forged" for name in RESERVED)
    access = claims(tokens["AccessToken"])
    assert (access["token_use"], access["username"], access["client_id"]) == (
        "access",
        "alice",
        pool.client_id,
    )
    assert "aud" not in access
    assert call("GetUser", AccessToken=tokens["AccessToken"])["Username"] == "alice"


def test_v2_changes_both_tokens_and_the_scopes(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """V2: the event has scopes; id and access claims change; scopes are added and removed.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    claimsAndScopeOverrideDetails with idTokenGeneration and accessTokenGeneration
    (claimsToAddOrOverride, claimsToSuppress, scopesToAdd, scopesToSuppress); version two
    values may be strings, numbers, booleans, arrays or objects.
    """
    # given a V2 trigger
    pool = _v2(make_pool)
    confirmed_user(pool, "alice")
    lambdas.respond("PreTokenGeneration", {"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"},
                              "claimsToSuppress": ["email"]},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["a", "b"], "level": 3},
                                  "scopesToAdd": ["api/read"]},
    }})  # fmt: skip

    # when alice signs in
    tokens = tokens_of(pool, "alice")

    # then the V2 event had the scopes, and both tokens changed
    (event,) = lambdas.of("TokenGeneration_Authentication")
    assert event["version"] == "2"
    assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    identity, access = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert identity["tier"] == "gold"
    assert "email" not in identity
    assert (access["roles"], access["level"]) == (["a", "b"], 3)
    assert access["scope"] == "aws.cognito.signin.user.admin api/read"


def test_v2_suppressing_the_user_scope_closes_the_user_api(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """An access token without aws.cognito.signin.user.admin cannot call GetUser.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    scopesToSuppress may remove aws.cognito.signin.user.admin; user API calls with that
    token then fail ("Access Token does not have required scopes", observed).
    """
    # given a V2 trigger suppressing the user scope
    pool = _v2(make_pool)
    confirmed_user(pool, "alice")
    lambdas.respond("PreTokenGeneration", {"claimsAndScopeOverrideDetails": {
        "accessTokenGeneration": {"scopesToSuppress": ["aws.cognito.signin.user.admin"]},
    }})  # fmt: skip

    # when alice uses her access token
    refused = refusal("GetUser", AccessToken=tokens_of(pool, "alice")["AccessToken"])

    # then it lacks the scope
    assert refused == ("NotAuthorizedException", "Access Token does not have required scopes")


def test_group_override_replaces_the_groups_claim(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """groupOverrideDetails.groupsToOverride replaces cognito:groups in both tokens.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html:
    groupOverrideDetails overrides cognito:groups, cognito:roles and
    cognito:preferred_role.
    """
    # given alice in admins, and a trigger putting her in auditors instead
    pool = _v1(make_pool)
    confirmed_user(pool, "alice")
    pool.admin.create_group(GroupName="admins", UserPoolId=pool.id)
    pool.admin.admin_add_user_to_group(UserPoolId=pool.id, Username="alice", GroupName="admins")
    lambdas.respond("PreTokenGeneration", {"claimsOverrideDetails": {
        "groupOverrideDetails": {"groupsToOverride": ["auditors"]}}})  # fmt: skip

    # when she signs in
    tokens = tokens_of(pool, "alice")

    # then both tokens list auditors
    assert claims(tokens["IdToken"])["cognito:groups"] == ["auditors"]
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["auditors"]


@pytest.mark.parametrize(
    "details",
    [
        {"claimsAndScopeOverrideDetails": "garbage"},
        {"claimsAndScopeOverrideDetails": {"idTokenGeneration": ["x"]}},
        {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "api/read"}}},
    ],
    ids=["details-not-an-object", "id-generation-not-an-object", "scopes-not-a-list"],
)
def test_v2_garbage_is_an_invalid_lambda_response(
    make_pool: Callable[..., Pool], lambdas: Lambdas, details: dict[str, Any]
) -> None:
    """An answer of the wrong shape is InvalidLambdaResponseException, and no tokens.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    InvalidLambdaResponseException, "thrown when Amazon Cognito encounters an invalid
    Lambda response"; scopesToAdd is a list of scopes
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
    """
    # given a V2 trigger answering garbage
    pool = _v2(make_pool)
    confirmed_user(pool, "alice")
    lambdas.respond("PreTokenGeneration", details)

    # when alice signs in
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!long"},
    )  # fmt: skip

    # then it is refused as an invalid Lambda response
    assert refused[0] == "InvalidLambdaResponseException"
