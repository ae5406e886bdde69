"""RS256 with the standard library (runtime.jwt_rs256), against ``cryptography``'s verify.

RSASSA-PKCS1-v1_5 is RFC 8017 §8.2 with EMSA-PKCS1-v1_5 (§9.2); RS256 is RFC 7518 §3.3;
base64url is RFC 7515 §2 / RFC 4648 §5; JWK Sets are RFC 7517 §5.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from group_tokens import b64url, jwk, rsa_key, uint
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime_asset import import_runtime_as_deployed

import_runtime_as_deployed()

from runtime.jwt_rs256 import (  # noqa: E402 - registered just above
    InvalidTokenError,
    RsaPublicKey,
    b64url_decode,
    parse_jwks,
    rsassa_pkcs1_v15_sha256_verify,
    split_token,
)

KEYS = [("pool", 2048, 65537), ("k3072", 3072, 65537), ("k4096", 4096, 65537), ("e3", 2048, 3)]


def public(key: rsa.RSAPrivateKey) -> RsaPublicKey:
    numbers = key.public_key().public_numbers()
    return RsaPublicKey(n=numbers.n, e=numbers.e)


def theirs(key: rsa.RSAPrivateKey, message: bytes, signature: bytes) -> bool:
    try:
        key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def ours(key: rsa.RSAPrivateKey, message: bytes, signature: bytes) -> bool:
    return rsassa_pkcs1_v15_sha256_verify(public(key), message, signature)


@settings(max_examples=200, deadline=None)
@given(
    spec=st.sampled_from(KEYS),
    message=st.binary(max_size=512),
    other=st.binary(max_size=512),
    bit=st.integers(min_value=0),
)
def test_verify_agrees_with_cryptography(
    spec: tuple[str, int, int], message: bytes, other: bytes, bit: int
) -> None:
    """RFC 8017 §8.2.2: a signature verifies exactly when cryptography's verify accepts it:
    the message signed, another message, the signature with any one bit flipped."""
    key = rsa_key(*spec)
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    flipped = bytearray(signature)
    flipped[(bit // 8) % len(signature)] ^= 1 << (bit % 8)

    for candidate_message, candidate in (
        (message, signature),
        (other, signature),
        (message, bytes(flipped)),
    ):
        assert ours(key, candidate_message, candidate) == theirs(key, candidate_message, candidate)
    assert ours(key, message, signature)
    assert not ours(key, message, bytes(flipped))


@settings(max_examples=200, deadline=None)
@given(message=st.binary(max_size=64), data=st.data())
def test_random_signatures_are_refused_by_both(message: bytes, data: st.DataObject) -> None:
    """Octet strings of the modulus's length that were not produced by signing: both refuse
    them (a forgery here would be a broken RSA, or a broken comparison)."""
    key = rsa_key("pool")
    signature = data.draw(st.binary(min_size=256, max_size=256))

    assert ours(key, message, signature) is theirs(key, message, signature) is False


def test_a_signature_with_leading_zero_octets_verifies() -> None:
    """RFC 8017 §8.2.2 step 2c / I2OSP: the signature is always k octets, so one whose
    integer is small starts with zero octets and must still verify (its length is k)."""
    key = rsa_key("pool")
    for counter in range(20_000):
        message = counter.to_bytes(4, "big")
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        if signature[0] == 0:
            break
    else:  # pragma: no cover - 1 in 256 signatures start with a zero octet
        pytest.fail("no signature with a leading zero octet")

    assert ours(key, message, signature)
    assert not ours(key, message, signature[1:])


def test_lengths_and_representatives_outside_the_rules_are_refused() -> None:
    """RFC 8017 §8.2.2 step 1: the length must be k; RSAVP1 (§5.2.2): s < n; EMSA (§9.2
    step 3): a modulus too short for DigestInfo (k < tLen + 11) cannot verify."""
    key = rsa_key("pool")
    message = b"signed"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    n = public(key).n

    assert not ours(key, message, b"")
    assert not ours(key, message, b"\x00" + signature)
    assert not ours(key, message, signature + b"\x00")
    assert not ours(key, message, n.to_bytes(256, "big"))
    assert not ours(key, message, (n + 1).to_bytes(256, "big"))
    assert not rsassa_pkcs1_v15_sha256_verify(
        RsaPublicKey(n=(1 << 400) - 1, e=3), b"m", b"\x01" * 50
    )


@pytest.mark.parametrize(
    ("segment", "decoded"), [("", b""), ("AA", b"\x00"), ("AAA", b"\x00\x00"), ("-_8", b"\xfb\xff")]
)
def test_canonical_base64url_decodes(segment: str, decoded: bytes) -> None:
    """RFC 7515 §2: base64url with the padding left out."""
    assert b64url_decode(segment) == decoded


@pytest.mark.parametrize("segment", ["A", "AB", "AAB", "AA==", "AA=", "+/8", "A A", "AÀ", "AA\n"])
def test_other_spellings_are_refused(segment: str) -> None:
    """RFC 7515 §2: no padding, no characters outside the URL-safe alphabet (RFC 4648 §5),
    no impossible length, and unused bits zero (RFC 4648 §3.5): one spelling per value."""
    with pytest.raises(InvalidTokenError):
        b64url_decode(segment)


@pytest.mark.parametrize(
    "header",
    [
        b'{"alg":"RS256","alg":"RS256"}',
        b'{"alg":"RS256","crit":[]}',
        b'{"alg":NaN}',
        b"\xff\xfe{}",
        b"[" * 5000 + b"]" * 5000,
        b'"RS256"',
        '{"alg":"RS256"}'.encode("utf-16"),
    ],
    ids=["duplicate", "crit", "nan", "not-utf8", "deep", "string", "utf16"],
)
def test_headers_that_are_not_plain_json_objects_are_refused(header: bytes) -> None:
    """RFC 7515 §5.2 step 3-5: the header is a UTF-8 JSON object without duplicate names
    and without a crit this code does not understand (§4.1.11); deep nesting is refused,
    not a crash."""
    with pytest.raises(InvalidTokenError):
        split_token(f"{b64url(header)}.e30.AAAA")


def test_split_keeps_the_exact_signing_input() -> None:
    """RFC 7515 §5.2 step 8: the signature covers the header and payload as received."""
    header, payload = b64url(b'{"alg":"RS256"}'), b64url(b"{}")
    token = f"{header}.{payload}.{b64url(b'sig')}"

    signed = split_token(token)

    assert signed.signing_input == token.rsplit(".", 1)[0].encode()
    assert signed.header == {"alg": "RS256"}
    assert signed.signature == b"sig"


def test_a_jwks_keeps_only_rs256_signing_keys() -> None:
    """RFC 7517 §4 and RFC 7518 §6.3: RSA keys whose use and alg allow RS256 signatures, of
    at least 2048 bits (RFC 7518 §3.3), with e odd in [3, n-1] (RFC 8017 §3.1)."""
    pool = rsa_key("pool")
    n = public(pool).n
    weak = rsa_key("weak", 1024)
    document: dict[str, Any] = {
        "keys": [
            jwk(pool, "good"),
            {k: v for k, v in jwk(pool, "bare").items() if k not in ("alg", "use")},
            jwk(pool, "enc", use="enc"),
            jwk(pool, "rs512", alg="RS512"),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            jwk(weak, "weak"),
            jwk(pool, "e-one", e=uint(1)),
            jwk(pool, "e-even", e=uint(65536)),
            jwk(pool, "n-even", n=uint(n + 1)),
            jwk(pool, "n-bad", n="!!"),
            jwk(pool, "no-n", n=None),
            jwk(pool, "twice"),
            jwk(rsa_key("other"), "twice"),
            {"kty": "RSA", "n": uint(n), "e": "AQAB"},
            "not an object",
        ]
    }

    keys = parse_jwks(json.loads(json.dumps(document)))

    assert keys == {"good": public(pool), "bare": public(pool)}


@pytest.mark.parametrize("document", [[], {}, {"keys": {}}, "keys", None])
def test_a_document_that_is_not_a_jwks_is_an_error(document: Any) -> None:
    """RFC 7517 §5: a JWK Set is an object whose keys member is an array."""
    with pytest.raises(ValueError, match="not a JWK Set"):
        parse_jwks(document)
