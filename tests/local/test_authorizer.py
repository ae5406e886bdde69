"""The authorizer's token checks, against moto's published keys served on loopback."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest
from cryptography.hazmat.primitives import serialization

from cognito_api_construct.local.authorizer import (
    CognitoAuthorizer,
    UnauthorizedError,
    UserPoolKeys,
    claims_as_strings,
)

POOL = "us-east-1_pool"
CLIENT = "client123"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
RESOURCES = Path(moto.__file__).parent / "cognitoidp" / "resources"


def _load(name: str) -> Any:
    with gzip.open(RESOURCES / name) as document:
        return json.load(document)


PRIVATE_KEY = jwt.algorithms.RSAAlgorithm.from_jwk(_load("jwks-private.json.gz"))


def _token(
    claims: dict[str, Any] | None = None, *, algorithm: str = "RS256", key: Any = None
) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:username": "alice",
        "email_verified": True,
        "cognito:groups": ["admins", "users"],
        "iat": now,
        "auth_time": now,
        "exp": now + 600,
        **(claims or {}),
    }
    return jwt.encode(payload, key or PRIVATE_KEY, algorithm=algorithm, headers={"kid": "dummy"})


@pytest.fixture(scope="module")
def authorizer(make_httpserver: Any) -> CognitoAuthorizer:
    make_httpserver.expect_request(f"/{POOL}/.well-known/jwks.json").respond_with_json(
        _load("jwks-public.json.gz")
    )
    keys = UserPoolKeys(make_httpserver.url_for("/"))
    return CognitoAuthorizer(keys, "us-east-1", {POOL: [CLIENT]})


def test_valid_id_token_passes_with_string_claims(authorizer: CognitoAuthorizer) -> None:
    # given a fresh id token of the pool's client
    # when it is checked on a method without scopes
    claims = authorizer.authorize(_token(), scopes=())

    # then its claims come back as API Gateway passes them
    assert claims["cognito:username"] == "alice"
    assert claims["email_verified"] == "true"
    assert claims["cognito:groups"] == "admins,users"
    assert claims["auth_time"].isdigit()
    assert claims["exp"].endswith(time.strftime(" UTC %Y", time.gmtime()))


def _public_pem() -> bytes:
    public = jwt.algorithms.RSAAlgorithm.from_jwk(_load("jwks-public.json.gz")["keys"][0])
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _hs256_with_public_key() -> str:
    # The classic confusion attack, built by hand: PyJWT itself refuses to sign it.
    header = _b64(json.dumps({"alg": "HS256", "kid": "dummy", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(jwt.decode(_token(), options={"verify_signature": False})).encode())
    signature = hmac.new(_public_pem(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


REFUSED = {
    "expired": lambda: _token({"exp": int(time.time()) - 1}),
    "another issuer": lambda: _token({"iss": "https://cognito-idp.us-east-1.amazonaws.com/other"}),
    "another client": lambda: _token({"aud": "elsewhere"}),
    "access token": lambda: _token({"token_use": "access", "client_id": CLIENT}),
    "no token_use": lambda: _token({"token_use": None}),
    "alg none": lambda: jwt.encode(
        {"iss": ISSUER, "aud": CLIENT, "token_use": "id", "exp": int(time.time()) + 60},
        key=None,  # type: ignore[arg-type]
        algorithm="none",
    ),
    "HS256 keyed with the public key": lambda: _hs256_with_public_key(),
    "unknown key id": lambda: jwt.encode(
        {"iss": ISSUER, "aud": CLIENT, "token_use": "id", "exp": int(time.time()) + 60},
        PRIVATE_KEY,
        algorithm="RS256",
        headers={"kid": "other"},
    ),
    "tampered payload": lambda: ".".join(
        [
            _token().split(".")[0],
            _token({"cognito:username": "root"}).split(".")[1],
            _token().split(".")[2],
        ]
    ),
    "garbage": lambda: "a.b.c",
    "empty": lambda: "",
    # Unsigned claims of any JSON type reach the checks before the signature does.
    "issuer a list, unsigned": lambda: ".".join(
        [
            _b64(json.dumps({"alg": "RS256", "kid": "dummy"}).encode()),
            _b64(json.dumps({"iss": ["x"]}).encode()),
            _b64(b"sig"),
        ]
    ),
    "issuer an object, unsigned": lambda: ".".join(
        [
            _b64(json.dumps({"alg": "RS256", "kid": "dummy"}).encode()),
            _b64(json.dumps({"iss": {"a": 1}}).encode()),
            _b64(b"sig"),
        ]
    ),
    "audience an object": lambda: _token({"aud": {"x": 1}}),
    "audience a list of objects": lambda: _token({"aud": [{"x": 1}, [CLIENT]]}),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_unacceptable_tokens_are_refused(authorizer: CognitoAuthorizer, case: str) -> None:
    """Each is a 401, never an error of the emulator's own (a 500): API Gateway's Cognito
    authorizer refuses any token it cannot verify as the pool's
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html)."""
    # given a token API Gateway would refuse
    token = REFUSED[case]()

    # when it is checked
    # then it is unauthorized
    with pytest.raises(UnauthorizedError):
        authorizer.authorize(token, scopes=())


def test_missing_header_is_refused(authorizer: CognitoAuthorizer) -> None:
    with pytest.raises(UnauthorizedError, match="no token"):
        authorizer.authorize(None, scopes=())


def test_bearer_prefix_is_accepted(authorizer: CognitoAuthorizer) -> None:
    assert authorizer.authorize(f"Bearer {_token()}", scopes=())["token_use"] == "id"


def test_scoped_method_wants_an_access_token_with_one_of_its_scopes(
    authorizer: CognitoAuthorizer,
) -> None:
    # given access tokens with and without the method's scope, and an id token
    granted = _token({"token_use": "access", "scope": "openid reports/read", "aud": None})
    other = _token({"token_use": "access", "scope": "openid", "aud": None})

    # when each is checked on a method with scopes
    # then only the access token carrying a scope passes
    assert authorizer.authorize(granted, scopes=("reports/read",))["token_use"] == "access"
    with pytest.raises(UnauthorizedError):
        authorizer.authorize(other, scopes=("reports/read",))
    with pytest.raises(UnauthorizedError):
        authorizer.authorize(_token(), scopes=("reports/read",))


def test_claims_as_strings_formats_dates_numbers_and_objects() -> None:
    # given raw claims
    raw = {"exp": 0, "iat": 86400, "n": 2.0, "flag": False, "obj": {"a": 1}}

    # when they are converted
    claims = claims_as_strings(raw)

    # then they read as API Gateway writes them
    assert claims == {
        "exp": "Thu Jan 01 00:00:00 UTC 1970",
        "iat": "Fri Jan 02 00:00:00 UTC 1970",
        "n": "2",
        "flag": "false",
        "obj": '{"a": 1}',
    }
