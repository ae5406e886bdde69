"""The emulated Cognito authorizer over HTTP: what passes, and what never reaches the Lambda."""

from __future__ import annotations

import base64
import time

import jwt
import pytest

from cognito_api_construct.local import LocalApi

from .helpers import call, mint, sign_in

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/{pool}"


def _other_pool_tokens(api: LocalApi) -> dict[str, str]:
    references = api.references
    assert references is not None
    pool = references.refs["OtherPool9C8D7E6F"]
    client = references.refs["OtherPoolClient1F2E3D4C"]
    return sign_in(api, pool, client, f"mallory-{time.time_ns()}")


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    return ".".join([header, payload, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")])


def _unsigned(claims: dict[str, object]) -> str:
    return jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]


BAD_TOKENS = {
    "no token": lambda api, tokens: None,
    "empty": lambda api, tokens: "",
    "malformed": lambda api, tokens: "not-a-jwt",
    "tampered signature": lambda api, tokens: _tampered(tokens["id"]),
    "expired": lambda api, tokens: mint(
        {
            **jwt.decode(tokens["id"], options={"verify_signature": False}),
            "iat": int(time.time()) - 7200,
        },
        expires_in=-3600,
    ),
    "wrong pool": lambda api, tokens: _other_pool_tokens(api)["id"],
    "access token on a route without scopes": lambda api, tokens: tokens["access"],
    "alg none": lambda api, tokens: _unsigned(
        jwt.decode(tokens["id"], options={"verify_signature": False})
    ),
    "id token for another client": lambda api, tokens: mint(
        {
            "iss": ISSUER.format(pool=api.user_pool_id),
            "aud": "someoneelsesclient",
            "token_use": "id",
            "cognito:username": "alice",
        }
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_unacceptable_token_is_401_and_lambda_never_runs(
    tiny_api: LocalApi, tokens: dict[str, str], invocations, case: str
) -> None:
    # given a token API Gateway's Cognito authorizer would refuse
    token = BAD_TOKENS[case](tiny_api, tokens)
    headers = {} if token is None else {"X-Token": token}

    # when a protected route is called with it
    reply = call("GET", f"{tiny_api.url}v1/reports/42", headers=headers)

    # then 401 Unauthorized (with the template's 4XX CORS headers), and no invocation
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert invocations() == 0


def test_expired_token_minted_like_a_valid_one_would_pass_if_fresh(
    tiny_api: LocalApi, tokens: dict[str, str]
) -> None:
    # given a token minted with moto's key and the same claims, but not expired
    claims = jwt.decode(tokens["id"], options={"verify_signature": False})
    fresh = mint(claims)

    # when it is used
    reply = call("GET", f"{tiny_api.url}v1/reports/42", headers={"X-Token": fresh})

    # then it passes: the expired case above failed on exp alone
    assert reply.status == 200


def test_valid_id_token_passes_claims_as_strings(
    tiny_api: LocalApi, tokens: dict[str, str], invocations
) -> None:
    # given a signed-in user's id token in the authorizer's header (X-Token)
    # when a nested protected route is called
    reply = call("GET", f"{tiny_api.url}v1/reports/42", headers={"X-Token": tokens["id"]})

    # then the Lambda ran once and saw the claims as API Gateway passes them
    assert reply.status == 200
    event = reply.json()["event"]
    assert event["pathParameters"] == {"id": "42"}
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["cognito:username"] == "alice"
    assert claims["token_use"] == "id"
    assert claims["aud"] == tiny_api.client_id
    assert all(isinstance(value, str) for value in claims.values())
    assert claims["exp"].endswith(" UTC " + time.strftime("%Y", time.gmtime()))
    assert invocations() == 1


def test_bearer_prefix_is_accepted(tiny_api: LocalApi, tokens: dict[str, str]) -> None:
    # given the id token sent as "Bearer <token>"
    # when a protected route is called
    reply = call(
        "GET", f"{tiny_api.url}v1/reports/1", headers={"X-Token": f"Bearer {tokens['id']}"}
    )

    # then it passes
    assert reply.status == 200


def test_scoped_route_accepts_access_token_with_scope(
    tiny_api: LocalApi, tokens: dict[str, str]
) -> None:
    # given a method with AuthorizationScopes and an access token granting one
    # when it is called
    reply = call("GET", f"{tiny_api.url}scoped", headers={"X-Token": tokens["access"]})

    # then it passes with the access token's claims
    assert reply.status == 200
    claims = reply.json()["event"]["requestContext"]["authorizer"]["claims"]
    assert claims["token_use"] == "access"


def test_scoped_route_refuses_id_token(tiny_api: LocalApi, tokens: dict[str, str]) -> None:
    # given a method with scopes
    # when it is called with an id token
    reply = call("GET", f"{tiny_api.url}scoped", headers={"X-Token": tokens["id"]})

    # then it is refused
    assert reply.status == 401
