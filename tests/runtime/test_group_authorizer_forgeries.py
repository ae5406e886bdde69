"""Forged and malformed id tokens before the group authorizer: all refused with 401.

Rules cited: RFC 7515 (JWS) §2, §4, §5.2; RFC 7518 §3.3 (RS256); RFC 8725 (JWT best
practices: algorithm confusion); RFC 8017 §8.2.2 (RSASSA-PKCS1-v1_5 verification);
Cognito's "Verifying a JSON web token"
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html,
"the Cognito guide" below).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from group_setup import (  # noqa: F401 - fresh_authorizer and setup_fixture are fixtures
    Setup,
    allowed,
    denied,
    fresh_authorizer,
    make_setup,
    setup_fixture,
)
from group_tokens import b64url, compose, id_claims, jwk, rsa_key, sign, sign_parts
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.usefixtures("fresh_authorizer")


def test_a_signature_with_one_bit_flipped_is_refused(setup: Setup) -> None:
    """RFC 7515 §5.2 step 8: the JWS Signature must validate over the signing input."""
    header, payload, signature = sign(id_claims()).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[len(raw) // 2] ^= 0x10

    setup.refuses(f"{header}.{payload}.{b64url(bytes(raw))}")


def test_a_token_signed_by_another_key_is_refused(setup: Setup) -> None:
    """The Cognito guide: verify with the pool's public key named by kid; another key's
    signature (same kid) does not verify."""
    setup.refuses(sign(id_claims(), key="intruder"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "", None, "RS512", "PS256", "ES256"])
def test_any_alg_but_rs256_is_refused(setup: Setup, alg: str | None) -> None:
    """RFC 7518 §3.6 / RFC 8725 §3.1: the algorithm is pinned, never taken from the token;
    Cognito signs with RS256 only. An unsecured JWS (alg none, empty signature) is refused."""
    token = compose({"alg": alg, "kid": "k1"}, id_claims(), b"")

    setup.refuses(token)


def test_an_unsecured_token_carrying_a_valid_signature_is_refused(setup: Setup) -> None:
    """alg none is refused even when a valid RS256 signature of the same input follows."""
    valid = sign(id_claims())
    _, payload, signature = valid.split(".")
    header = b64url(b'{"alg":"none","kid":"k1"}')

    setup.refuses(f"{header}.{payload}.{signature}")


@pytest.mark.parametrize("form", ["pem", "der", "jwk"])
def test_hs256_keyed_with_the_public_key_is_refused(setup: Setup, form: str) -> None:
    """The algorithm-confusion attack (RFC 8725 §2.1): an HMAC keyed with the public key,
    which anyone can compute, must not pass as the pool's signature."""
    public = rsa_key("pool").public_key()
    secret = {
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "der": public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "jwk": json.dumps(jwk(rsa_key("pool"), "k1")).encode(),
    }[form]
    unsigned = compose({"alg": "HS256", "kid": "k1", "typ": "JWT"}, id_claims(), b"")[:-1]
    signature = hmac.new(secret, unsigned.encode("ascii"), hashlib.sha256).digest()

    setup.refuses(unsigned + "." + b64url(signature))


@pytest.mark.parametrize("kid", [None, 1, ["k1"]], ids=["missing", "number", "list"])
def test_a_token_without_a_string_kid_is_refused(setup: Setup, kid: Any) -> None:
    """The Cognito guide: the key is the JWKS entry whose kid matches the header's (RFC 7515
    §4.1.4: a string)."""
    header = {"alg": "RS256"} if kid is None else {"alg": "RS256", "kid": kid}

    setup.refuses(sign_parts(header, id_claims()))


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJSUzI1NiJ9..",
        "!!!.e30.AAAA",
        "eyJhbGciOiJSUzI1NiJ9=.e30.AAAA",
        "eyJhbGciOiJSUzI1NiJ9.e30+.AAAA",
        "eyJhbGciOiJSUzI1NiJ9.e30.A",
        "eyJhbGciOiJSUzI1NiJ9.e31.AAAA",
        "e30.e30.AAAA",
        "bm90IGpzb24.e30.AAAA",
        "WzFd.e30.AAAA",
        "x" * 20000,
    ],
)
def test_malformed_tokens_are_refused(setup: Setup, token: str) -> None:
    """RFC 7515 §5.2 steps 1-5 and §2: three base64url segments without padding, canonical
    (e31 decodes to e30's bytes with a non-zero unused bit), a header that is a JSON object
    (RFC 7515 §4) naming RS256."""
    setup.refuses(token)


@pytest.mark.parametrize(
    ("header", "payload"),
    [
        ('{"alg":"RS256","kid":"k1","alg":"none"}', id_claims()),
        ({"alg": "RS256", "kid": "k1", "crit": ["exp"]}, id_claims()),
        ({"alg": "RS256", "kid": "k1"}, "not json"),
        ({"alg": "RS256", "kid": "k1"}, "[1, 2]"),
        ({"alg": "RS256", "kid": "k1"}, '{"exp": 1, "exp": 2}'),
    ],
    ids=["duplicate-header-name", "crit", "payload-not-json", "payload-array", "duplicate-claim"],
)
def test_validly_signed_but_malformed_parts_are_refused(
    setup: Setup, header: Any, payload: Any
) -> None:
    """RFC 7515 §5.2: duplicate header names are refused, as is a crit naming an extension
    not understood (§4.1.11); RFC 7519 §7.2: the claims are a JSON object, without
    duplicate names. The signature is valid: only parsing can refuse."""
    setup.refuses(sign_parts(header, payload))


@pytest.mark.parametrize("change", ["drop-first", "prepend-zero", "append-zero", "modulus", "ones"])
def test_a_signature_not_exactly_the_modulus_length_or_above_it_is_refused(
    setup: Setup, change: str
) -> None:
    """RFC 8017 §8.2.2 step 1: a signature whose length is not k octets is invalid (a zero
    octet prepended keeps the integer: still refused); RSAVP1 (§5.2.2) refuses s >= n."""
    header, payload, signature = sign(id_claims()).split(".")
    raw = base64.urlsafe_b64decode(signature + "==")
    n = rsa_key("pool").public_key().public_numbers().n
    changed = {
        "drop-first": raw[1:],
        "prepend-zero": b"\x00" + raw,
        "append-zero": raw + b"\x00",
        "modulus": n.to_bytes(len(raw), "big"),
        "ones": b"\xff" * len(raw),
    }[change]

    setup.refuses(f"{header}.{payload}.{b64url(changed)}")


_VALID = sign(id_claims())
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.!"


@settings(max_examples=300, deadline=None)
@given(
    part=st.sampled_from([0, 1, 2]),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    action=st.sampled_from(["replace", "insert", "delete"]),
    char=st.sampled_from(_ALPHABET),
)
def test_any_change_to_a_valid_token_is_refused(
    part: int, where: float, action: str, char: str
) -> None:
    """RFC 7515 §5.2: the signature covers header and payload exactly, and a canonical
    base64url segment has one spelling (RFC 4648 §3.5): every one-character change to any
    segment of a valid token is refused."""
    setup = make_setup()
    assert allowed(setup.decide(_VALID))
    parts = _VALID.split(".")
    text = parts[part]
    at = int(where * len(text))
    parts[part] = {
        "replace": text[:at] + char + text[at + 1 :],
        "insert": text[:at] + char + text[at:],
        "delete": text[:at] + text[at + 1 :],
    }[action]
    mutated = ".".join(parts)
    if mutated == _VALID:
        return

    setup.refuses(mutated)
