"""Id tokens as a Cognito pool signs them, for the group authorizer's tests.

Signed with PyJWT and ``cryptography`` RSA keys (test-only: the runtime uses neither);
``compose`` builds the tokens no library would sign (``alg: none``, bad segments).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

REGION = "us-east-1"
POOL_ID = "us-east-1_GroupPool1"
CLIENT_ID = "app-client-one"
OTHER_CLIENT_ID = "app-client-two"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
#: A fixed "now" (epoch seconds), for tests that own the authorizer's clock.
NOW = 1_800_000_000
PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/"
METHOD_ARN = PREFIX + "GET/admin/reports/42"
ROUTES: list[dict[str, Any]] = [
    {"method": "GET", "path": "/admin/reports/{id}", "groups": ["admins", "auditors"]},
    {"method": "GET", "path": "/admin/reports/{id}/history", "groups": ["admins"]},
    {"method": "POST", "path": "/admin/reports/{id}/delete", "groups": ["admins"]},
    {"method": "ANY", "path": "/ops/{proxy+}", "groups": ["ops"]},
    {"method": "GET", "path": "/admin/users", "groups": ["admins"]},
]


@cache
def rsa_key(name: str, bits: int = 2048, exponent: int = 65537) -> rsa.RSAPrivateKey:
    """One RSA key per name, generated once per test session."""
    return rsa.generate_private_key(public_exponent=exponent, key_size=bits)


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def uint(value: int) -> str:
    """Base64urlUInt (RFC 7518 §2): the big-endian octets of ``value``, minimal."""
    return b64url(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def jwk(key: rsa.RSAPrivateKey, kid: str, **members: Any) -> dict[str, Any]:
    """The public JWK of ``key`` as Cognito's JWKS lists it."""
    numbers = key.public_key().public_numbers()
    fields = {"alg": "RS256", "e": uint(numbers.e), "kid": kid, "kty": "RSA", "n": uint(numbers.n)}
    return {**fields, "use": "sig", **members}


def id_claims(
    now: int = NOW, groups: Sequence[str] | None = ("auditors",), **overrides: Any
) -> dict[str, Any]:
    """An id token's claims (amazon-cognito-user-pools-using-the-id-token), ``overrides`` last.

    ``groups`` is ``cognito:groups``; ``None`` here or as an override removes the claim.
    """
    claims: dict[str, Any] = {
        "sub": "5f1c2a7e-0000-4000-8000-000000000001",
        "cognito:groups": None if groups is None else list(groups),
        "email_verified": True,
        "iss": ISSUER,
        "cognito:username": "alice",
        "origin_jti": "0b6a7c1e-0000-4000-8000-000000000002",
        "aud": CLIENT_ID,
        "event_id": "1c9d2e3f-0000-4000-8000-000000000003",
        "token_use": "id",
        "auth_time": now - 60,
        "exp": now + 3600,
        "iat": now - 60,
        "jti": "2d8e3f4a-0000-4000-8000-000000000004",
        "email": "alice@example.com",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], key: str = "pool", kid: str | None = "k1") -> str:
    """An RS256 token of ``claims`` signed with the named key, ``kid`` in its header."""
    headers = {} if kid is None else {"kid": kid}
    return jwt.encode(claims, rsa_key(key), algorithm="RS256", headers=headers)


def sign_parts(
    header: dict[str, Any] | str, payload: dict[str, Any] | str, key: str = "pool"
) -> str:
    """A token of any header and payload (JSON text when a ``str``), validly RS256-signed."""
    unsigned = compose(header, payload, b"")[:-1]
    signature = rsa_key(key).sign(unsigned.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return unsigned + "." + b64url(signature)


def compose(header: dict[str, Any] | str, payload: dict[str, Any] | str, signature: bytes) -> str:
    """A compact JWS from parts; a ``str`` part is taken as JSON text, not re-encoded."""

    def segment(part: dict[str, Any] | str) -> str:
        text = part if isinstance(part, str) else json.dumps(part, separators=(",", ":"))
        return b64url(text.encode("utf-8"))

    return f"{segment(header)}.{segment(payload)}.{b64url(signature)}"


def event(
    token: str | None, header: str = "Authorization", method_arn: str = METHOD_ARN
) -> dict[str, Any]:
    """A REQUEST authorizer event of a REST API carrying ``token`` in ``header``."""
    headers = {} if token is None else {header: token}
    return {
        "type": "REQUEST",
        "methodArn": method_arn,
        "resource": "/admin/reports/{id}",
        "path": "/admin/reports/42",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {},
        "pathParameters": {"id": "42"},
        "stageVariables": {},
        "requestContext": {"stage": "prod", "httpMethod": "GET"},
    }
