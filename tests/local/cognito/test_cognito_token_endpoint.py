"""The token endpoint's client credentials grant: ``POST /oauth2/token`` of a pool's domain.

Each rule follows the token endpoint page,
https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html (TOKEN_PAGE
below), and the access token's claims the access token page,
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html.
The endpoint is called in this process as the services' server calls it
(``token_endpoint.answer``), over moto's objects; pools are made like the construct's,
with a domain, a resource server ``api`` (``read``, ``write``) and a machine client.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest

from cognito_api_construct.local.authorizer import (
    CognitoAuthorizer,
    UnauthorizedError,
    UserPoolKeys,
)
from cognito_api_construct.local.cognito import token_endpoint

from .support import REGION, Clock, Pool, claims, confirmed_user, refusal, tokens_of

TOKEN_PAGE = "https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html"
FORM = "application/x-www-form-urlencoded"
MACHINE = {
    "AllowedOAuthFlows": ["client_credentials"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthScopes": ["api/read", "api/write"],
    "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
}
PUBLIC_KEYS = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-public.json.gz"


def _machine_pool(make_pool: Callable[..., Pool], *, domain: bool = True, **client: Any) -> Pool:
    """A pool with a domain and the resource server ``api``; its client a machine's."""
    pool = make_pool(secret=True, client={**MACHINE, **client})
    pool.admin.create_resource_server(
        UserPoolId=pool.id, Identifier="api", Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"},
                {"ScopeName": "write", "ScopeDescription": "Write"}],
    )  # fmt: skip
    if domain:
        pool.admin.create_user_pool_domain(UserPoolId=pool.id, Domain=f"d-{uuid.uuid4().hex[:8]}")
    return pool


def _basic(client_id: str, secret: str | None) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _post(
    body: str,
    *,
    authorization: str | None = None,
    content_type: str | None = FORM,
    method: str = "POST",
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """The endpoint's answer: status, headers, the JSON body."""
    status, headers, payload = token_endpoint.answer(
        method, content_type, authorization, body.encode()
    )
    return status, dict(headers), json.loads(payload)


def _grant(pool: Pool, body: str = "grant_type=client_credentials") -> dict[str, Any]:
    status, _, payload = _post(body, authorization=_basic(pool.client_id, pool.client_secret))
    assert status == 200, payload
    return payload


def _error(pool: Pool | None, body: str, **request: Any) -> tuple[int, str]:
    if pool is not None and "authorization" not in request:
        request["authorization"] = _basic(pool.client_id, pool.client_secret)
    status, headers, payload = _post(body, **request)
    assert headers["Cache-Control"] == "no-store"
    return status, payload["error"]


def test_a_machine_gets_an_access_token_with_http_basic(make_pool: Callable[..., Pool]) -> None:
    """Basic Base64Encode(client_id:client_secret), grant_type=client_credentials: a token.

    TOKEN_PAGE, "Exchanging client credentials for an access token": the answer is
    {"access_token", "token_type": "Bearer", "expires_in": 3600}, JSON, never cached.
    """
    # given a machine client of a pool with a domain
    pool = _machine_pool(make_pool)

    # when it authenticates with HTTP Basic
    status, headers, payload = _post(
        "grant_type=client_credentials", authorization=_basic(pool.client_id, pool.client_secret)
    )

    # then it gets a bearer access token, which no cache keeps
    assert status == 200
    assert set(payload) == {"access_token", "expires_in", "token_type"}
    assert (payload["token_type"], payload["expires_in"]) == ("Bearer", 3600)
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-store"


def test_the_client_may_authenticate_in_the_body(make_pool: Callable[..., Pool]) -> None:
    """client_secret_post: client_id and client_secret in the body instead of the header.

    TOKEN_PAGE: "The token endpoint supports client_secret_basic and client_secret_post
    authentication"; "You can also include the client_id and client_secret in the request
    body as client_secret_post authorization."
    """
    # given a machine client
    pool = _machine_pool(make_pool)

    # when its credentials are in the form
    status, _, payload = _post(
        f"grant_type=client_credentials&client_id={pool.client_id}"
        f"&client_secret={pool.client_secret}"
    )

    # then it gets a token all the same
    assert status == 200, payload
    assert claims(payload["access_token"])["client_id"] == pool.client_id


def test_without_scope_the_token_carries_every_scope_of_the_client(
    make_pool: Callable[..., Pool],
) -> None:
    """No ``scope`` parameter: all the custom scopes the client is allowed.

    TOKEN_PAGE, scope: "If the client doesn't request any scopes, the authentication
    server uses all custom scopes associated with the client."
    """
    pool = _machine_pool(make_pool)

    token = claims(_grant(pool)["access_token"])

    assert token["scope"] == "api/read api/write"


def test_a_requested_subset_of_scopes_is_granted(make_pool: Callable[..., Pool]) -> None:
    """``scope`` (space-separated): the token carries those scopes and no others.

    TOKEN_PAGE, scope: "Can be a combination of any custom scopes associated with an app
    client"; the example requests ``{resourceServerIdentifier1}/{scope1}`` and more,
    separated by spaces.
    """
    pool = _machine_pool(make_pool)

    token = claims(_grant(pool, "grant_type=client_credentials&scope=api%2Fread")["access_token"])

    assert token["scope"] == "api/read"


@pytest.mark.parametrize(
    "scope", ["api/delete", "api/read other/read", "openid", "api/read openid"]
)
def test_a_scope_the_client_is_not_allowed_is_invalid_scope(
    make_pool: Callable[..., Pool], scope: str
) -> None:
    """A scope the client is not allowed (or a standard scope): 400 invalid_scope.

    TOKEN_PAGE, grant_type: a custom scope's token needs "in the app client, the
    requested scope is enabled"; Cognito answers {"error": "invalid_scope"} otherwise
    (RFC 6749 section 5.2: "The requested scope is invalid, unknown, malformed, or
    exceeds the scope granted by the resource owner").
    """
    pool = _machine_pool(make_pool, AllowedOAuthScopes=["api/read"])

    assert _error(pool, f"grant_type=client_credentials&scope={scope}") == (400, "invalid_scope")


def test_a_scope_no_resource_server_defines_is_not_granted(
    make_pool: Callable[..., Pool],
) -> None:
    """A client's allowed scope that its pool's resource servers do not define: invalid_scope.

    TOKEN_PAGE links custom scopes to resource servers ("OAuth 2.0 scopes and API
    authorization with resource servers"): a scope exists only as ``identifier/name`` of
    one of the pool's servers.
    """
    pool = _machine_pool(make_pool, AllowedOAuthScopes=["orders/read"])

    assert _error(pool, "grant_type=client_credentials") == (400, "invalid_scope")


@pytest.mark.parametrize("how", ["wrong secret", "no secret", "unknown client", "nobody", "bearer"])
def test_a_client_that_does_not_authenticate_is_invalid_client(
    make_pool: Callable[..., Pool], how: str
) -> None:
    """Client authentication failed: 400 invalid_client.

    TOKEN_PAGE, invalid_client: "Client authentication failed. For example, when the
    client includes client_id and client_secret in the authorization header, but there's
    no such client with that client_id and client_secret." The sample error response is
    ``HTTP/1.1 400 Bad Request``.
    """
    pool = _machine_pool(make_pool)
    authorization = {
        "wrong secret": _basic(pool.client_id, "not-the-secret"),
        "no secret": None,
        "unknown client": _basic("unknownclient", "secret"),
        "nobody": None,
        "bearer": "Bearer x",
    }[how]
    body = "grant_type=client_credentials"
    if how == "no secret":
        body += f"&client_id={pool.client_id}"

    assert _error(None, body, authorization=authorization) == (400, "invalid_client")


def test_a_client_of_a_pool_without_a_domain_is_invalid_client(
    make_pool: Callable[..., Pool],
) -> None:
    """A pool has a token endpoint only once it has a domain.

    TOKEN_PAGE: "When you add a domain to your user pool, Amazon Cognito activates an
    OAuth 2.0 token endpoint that's dedicated to your user pool": no other pool's
    endpoint knows the client (invalid_client); the emulator says why.
    """
    pool = _machine_pool(make_pool, domain=False)

    status, _, payload = _post(
        "grant_type=client_credentials", authorization=_basic(pool.client_id, pool.client_secret)
    )

    assert (status, payload["error"]) == (400, "invalid_client")
    assert "no domain" in payload["error_description"]


@pytest.mark.parametrize(
    "client",
    [
        {"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"],
         "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
        {"AllowedOAuthFlowsUserPoolClient": False},
    ],
    ids=["user-flows client", "OAuth off"],
)  # fmt: skip
def test_a_client_without_the_client_credentials_grant_is_unauthorized_client(
    make_pool: Callable[..., Pool], client: dict[str, Any]
) -> None:
    """An authenticated client not allowed this grant: 400 unauthorized_client.

    TOKEN_PAGE, unauthorized_client: "Client is not allowed for code grant flow or for
    refreshing tokens"; grant_type: a token needs "you have allowed client_credentials
    grants" in the app client.
    """
    pool = _machine_pool(make_pool, **client)

    assert _error(pool, "grant_type=client_credentials") == (400, "unauthorized_client")


def test_a_public_client_is_unauthorized_client(make_pool: Callable[..., Pool]) -> None:
    """A client without a secret cannot use the grant: unauthorized_client.

    TOKEN_PAGE, grant_type: a custom scope's token needs "you have configured a client
    secret"; client_id alone identifies a public client.
    """
    pool = make_pool(client={"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})
    pool.admin.create_user_pool_domain(UserPoolId=pool.id, Domain="public-client")

    body = f"grant_type=client_credentials&client_id={pool.client_id}"
    assert _error(None, body) == (400, "unauthorized_client")


@pytest.mark.parametrize("grant", ["password", "urn:ietf:params:oauth:grant-type:jwt-bearer"])
def test_an_unknown_grant_type_is_unsupported_grant_type(
    make_pool: Callable[..., Pool], grant: str
) -> None:
    """grant_type other than authorization_code, refresh_token, client_credentials.

    TOKEN_PAGE, unsupported_grant_type: "Returned if grant_type is anything other than
    authorization_code or refresh_token or client_credentials."
    """
    pool = _machine_pool(make_pool)

    assert _error(pool, f"grant_type={grant}") == (400, "unsupported_grant_type")


def test_the_user_grants_are_not_emulated(make_pool: Callable[..., Pool]) -> None:
    """authorization_code and refresh_token need managed login: the emulator says so.

    TOKEN_PAGE lists them; the emulator serves no managed login pages, so it answers
    unsupported_grant_type with a description.
    """
    pool = _machine_pool(make_pool)

    status, _, payload = _post(
        "grant_type=refresh_token&refresh_token=x",
        authorization=_basic(pool.client_id, pool.client_secret),
    )

    assert (status, payload["error"]) == (400, "unsupported_grant_type")
    assert "client_credentials" in payload["error_description"]


@pytest.mark.parametrize(
    "body", ["", "scope=api%2Fread", "grant_type=", "grant_type=client_credentials&grant_type=x"]
)
def test_a_request_without_one_grant_type_is_invalid_request(
    make_pool: Callable[..., Pool], body: str
) -> None:
    """No (or a repeated) grant_type: 400 invalid_request.

    TOKEN_PAGE, grant_type: "Required"; invalid_request: "The request is missing a
    required parameter, includes an unsupported parameter value (other than
    unsupported_grant_type), or is otherwise malformed."
    """
    pool = _machine_pool(make_pool)

    assert _error(pool, body) == (400, "invalid_request")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_a_body_that_is_not_a_form_is_invalid_request(
    make_pool: Callable[..., Pool], content_type: str | None
) -> None:
    """Content-Type other than application/x-www-form-urlencoded: invalid_request.

    TOKEN_PAGE, Content-Type: "Must always be 'application/x-www-form-urlencoded'."
    """
    pool = _machine_pool(make_pool)

    assert _error(pool, "grant_type=client_credentials", content_type=content_type) == (
        400,
        "invalid_request",
    )


def test_a_form_content_type_with_a_charset_is_a_form(make_pool: Callable[..., Pool]) -> None:
    """``application/x-www-form-urlencoded; charset=UTF-8`` is the same media type.

    TOKEN_PAGE, Content-Type; what HTTP clients (requests, curl -d) send.
    """
    pool = _machine_pool(make_pool)

    status, _, _ = _post(
        "grant_type=client_credentials",
        authorization=_basic(pool.client_id, pool.client_secret),
        content_type=FORM + "; charset=UTF-8",
    )

    assert status == 200


def test_only_post_is_served(make_pool: Callable[..., Pool]) -> None:
    """TOKEN_PAGE: "The /oauth2/token endpoint only supports HTTPS POST"."""
    pool = _machine_pool(make_pool)

    status, headers, _ = _post(
        "", authorization=_basic(pool.client_id, pool.client_secret), method="GET"
    )

    assert (status, headers["Allow"]) == (405, "POST")


def test_the_token_has_a_machine_s_claims(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """sub and client_id the client, token_use access, scope, times, jti, version 2.

    The access token page's claims, for a client credentials grant (no user): no
    ``username``, ``sub`` is the client; ``iss`` the pool's issuer URL; TOKEN_PAGE: the
    token is a JWT signed with the pool's key (RS256, its ``kid``).
    """
    pool = _machine_pool(make_pool)

    token = _grant(pool)["access_token"]

    payload = claims(token)
    assert {k: payload[k] for k in ("sub", "client_id", "token_use", "scope", "version")} == {
        "sub": pool.client_id,
        "client_id": pool.client_id,
        "token_use": "access",
        "scope": "api/read api/write",
        "version": 2,
    }
    assert payload["iss"] == f"https://cognito-idp.{REGION}.amazonaws.com/{pool.id}"
    assert payload["iat"] == payload["auth_time"] == int(clock.now)
    assert payload["exp"] == payload["iat"] + 3600
    assert uuid.UUID(payload["jti"])
    assert "username" not in payload
    assert "aud" not in payload
    header = jwt.get_unverified_header(token)
    assert (header["kid"], header["alg"]) == ("dummy", "RS256")


def test_the_token_lives_as_long_as_the_client_says(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """The client's AccessTokenValidity in its TokenValidityUnits, not the default hour.

    TOKEN_PAGE: ``expires_in`` in the answer; the app client's access token duration
    (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html).
    """
    pool = _machine_pool(
        make_pool, AccessTokenValidity=5, TokenValidityUnits={"AccessToken": "minutes"}
    )

    answer = _grant(pool)

    assert answer["expires_in"] == 300
    assert claims(answer["access_token"])["exp"] == int(clock.now) + 300


class _MotoKeys(UserPoolKeys):
    """moto's published keys, read from its package instead of over HTTP."""

    def __init__(self) -> None:
        super().__init__("http://unused")

    def _fetch(self, pool_id: str) -> dict[str, Any]:
        with gzip.open(PUBLIC_KEYS) as document:
            key_set = jwt.PyJWKSet.from_dict(json.load(document))
        return {key.key_id: key.key for key in key_set.keys if key.key_id}


def test_api_gateway_accepts_the_token_on_a_method_with_its_scope(
    make_pool: Callable[..., Pool],
) -> None:
    """The Cognito authorizer lets the machine's token through a method with its scope.

    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html:
    with authorization scopes on the method, an access token granting one of them is
    accepted; another scope, or an id token, is not.
    """
    pool = _machine_pool(make_pool, AllowedOAuthScopes=["api/read"])
    authorizer = CognitoAuthorizer(_MotoKeys(), REGION, {pool.id: [pool.client_id]})
    token = _grant(pool)["access_token"]

    assert authorizer.authorize(token, ["api/read"])["client_id"] == pool.client_id
    with pytest.raises(UnauthorizedError):
        authorizer.authorize(token, ["api/write"])
    with pytest.raises(UnauthorizedError):
        authorizer.authorize(token, [])


def test_an_id_token_is_refused_on_a_scoped_method(make_pool: Callable[..., Pool]) -> None:
    """A user's id token on a method with scopes: refused (it carries no scope).

    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html:
    with scopes on the method, the authorizer wants an access token.
    """
    pool = make_pool()
    authorizer = CognitoAuthorizer(_MotoKeys(), REGION, {pool.id: [pool.client_id]})
    id_token = tokens_of(pool, confirmed_user(pool, "alice"))["IdToken"]

    with pytest.raises(UnauthorizedError):
        authorizer.authorize(id_token, ["api/read"])


def test_a_machine_token_does_not_act_for_a_user(make_pool: Callable[..., Pool]) -> None:
    """GetUser with a client credentials token: it lacks aws.cognito.signin.user.admin.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
    authorizes with a user's access token; a machine's has only custom scopes.
    """
    pool = _machine_pool(make_pool)

    assert refusal("GetUser", AccessToken=_grant(pool)["access_token"]) == (
        "NotAuthorizedException",
        "Access Token does not have required scopes",
    )
