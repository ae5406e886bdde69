"""RS256 JSON Web Tokens checked with the standard library, for the group authorizer.

Design note.

What it owns: the compact serialization of a JWS (RFC 7515 §7.1), its strict base64url
segments, its JOSE header, a JWK Set of RSA public keys (RFC 7517, RFC 7518 §6.3), and
RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 §8.2.2 and §9.2): ``pow(s, e, n)``,
then the whole encoded message compared, in constant time, with the one expected. No
parsing of the recovered ``DigestInfo``: comparing the complete encoding leaves no room
for the lenient-parser forgeries (Bleichenbacher 2006) that parsing invites.

What it must not do: import anything but the standard library (the authorizer ships in
the wheel, nothing is bundled, and its cold start is on every new client's path); decide
anything about claims (issuer, audience, expiry: the caller's, see
:mod:`.group_authorizer`); read a token's payload before its signature is verified; put
any part of a token into an exception message (messages are logged).

Strictness, each where a lenient reader would accept a token that is not the one signed:

* Segments are base64url without padding, canonical (unused bits zero): re-encoding the
  decoded bytes gives the segment back, so no two strings carry the same signature.
* Header and payload are UTF-8 JSON objects without duplicate names (RFC 7515 §5.2,
  RFC 7519 §7.2) and without ``NaN``/``Infinity`` (not JSON, RFC 8259 §6).
* ``crit`` is refused: no extension is understood here (RFC 7515 §4.1.11).
* The signature has exactly the modulus's length (RFC 8017 §8.2.2 step 1) and is below
  the modulus (RSAVP1, §5.2.2 step 1).
* JWKS keys are RSA, at least 2048 bits (RFC 7518 §3.3), with an odd public exponent in
  ``[3, n-1]`` (RFC 8017 §3.1); a ``kid`` that two keys share is dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

__all__ = [
    "MAX_TOKEN_LENGTH",
    "MIN_MODULUS_BITS",
    "InvalidTokenError",
    "RsaPublicKey",
    "SignedToken",
    "b64url_decode",
    "parse_jwks",
    "rsassa_pkcs1_v15_sha256_verify",
    "split_token",
    "verified_claims",
]

#: RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
MIN_MODULUS_BITS: Final = 2048
#: Cognito's id tokens are a few kilobytes; API Gateway refuses headers far smaller than
#: this. Longer input is refused before any decoding.
MAX_TOKEN_LENGTH: Final = 16384

#: DER of DigestInfo(AlgorithmIdentifier(id-sha256, NULL), OCTET STRING(32 bytes)) before
#: the digest: RFC 8017 §9.2, note 1.
_SHA256_DIGEST_INFO: Final = bytes.fromhex("3031300d060960864801650304020105000420")
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")


class InvalidTokenError(Exception):
    """The token is refused. The message is a reason for logs, never token content."""


class RsaPublicKey(NamedTuple):
    """An RSA public key: modulus ``n`` and public exponent ``e`` (RFC 8017 §3.1)."""

    n: int
    e: int


class SignedToken(NamedTuple):
    """A compact JWS split and its header decoded; the payload is not read yet.

    Attributes:
        header: The JOSE header.
        signing_input: ``ASCII(BASE64URL(header) || '.' || BASE64URL(payload))``, the bytes
            the signature covers (RFC 7515 §5.2 step 8).
        payload_segment: The payload's base64url text, decoded only once verified.
        signature: The signature octets.
    """

    header: Mapping[str, Any]
    signing_input: bytes
    payload_segment: str
    signature: bytes


def b64url_decode(segment: str) -> bytes:
    """Decode a base64url segment without padding, refusing any non-canonical form.

    Raises:
        InvalidTokenError: Characters outside the URL-safe alphabet, ``=`` padding, an
            impossible length, or unused bits that are not zero (RFC 7515 §2, RFC 4648
            §5 and §3.5).
    """
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise InvalidTokenError("segment is not base64url")
    decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != segment.encode("ascii"):
        raise InvalidTokenError("segment is not canonical base64url")
    return decoded


def split_token(token: str) -> SignedToken:
    """Split a compact JWS and decode its header (RFC 7515 §5.2 steps 1-5).

    Raises:
        InvalidTokenError: Not three base64url segments, or a header that is not a JSON
            object, or one with ``crit``.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError("token too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidTokenError("token is not three segments")
    header_segment, payload_segment, signature_segment = parts
    header = _json_object(b64url_decode(header_segment), "header")
    if "crit" in header:
        raise InvalidTokenError("header has crit")
    b64url_decode(payload_segment)  # refused now if malformed, decoded again once verified
    return SignedToken(
        header=header,
        signing_input=f"{header_segment}.{payload_segment}".encode("ascii"),
        payload_segment=payload_segment,
        signature=b64url_decode(signature_segment),
    )


def verified_claims(token: SignedToken, key: RsaPublicKey) -> dict[str, Any]:
    """The payload of ``token`` once its RS256 signature is verified with ``key``.

    The caller has checked ``alg`` and chosen ``key`` by ``kid``.

    Raises:
        InvalidTokenError: A signature that does not verify, or a payload that is not a
            JSON object.
    """
    if not rsassa_pkcs1_v15_sha256_verify(key, token.signing_input, token.signature):
        raise InvalidTokenError("signature does not verify")
    return _json_object(b64url_decode(token.payload_segment), "payload")


def rsassa_pkcs1_v15_sha256_verify(key: RsaPublicKey, message: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-V1_5-VERIFY with SHA-256 (RFC 8017 §8.2.2), the RS256 of RFC 7518 §3.3.

    Args:
        key: The signer's public key.
        message: The signed octets.
        signature: The signature octets, exactly as long as the modulus.

    Returns:
        Whether the signature is valid. Every step's failure is ``False``.
    """
    k = (key.n.bit_length() + 7) // 8
    if len(signature) != k:  # step 1: length checking
        return False
    s = int.from_bytes(signature, "big")  # step 2a: OS2IP
    if s >= key.n:  # RSAVP1 step 1: the representative must be below n
        return False
    m = pow(s, key.e, key.n)  # step 2b: RSAVP1
    encoded = m.to_bytes(k, "big")  # step 2c: I2OSP to k octets
    t = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    if k < len(t) + 11:  # EMSA-PKCS1-v1_5 step 3: "intended encoded message length too short"
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t  # §9.2 steps 4-5
    return hmac.compare_digest(encoded, expected)  # step 4: compare, in constant time


def parse_jwks(document: object) -> dict[str, RsaPublicKey]:
    """The RS256 signing keys of a JWK Set, by ``kid``.

    Keys that cannot verify RS256 signatures are left out (another ``kty``, ``use`` other
    than ``sig``, ``alg`` other than ``RS256``, malformed or weak numbers), as is a ``kid``
    two keys claim: a token naming it could mean either.

    Raises:
        ValueError: Not a JWK Set (an object with a ``keys`` array, RFC 7517 §5).
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK Set")
    keys: dict[str, RsaPublicKey] = {}
    claimed: set[str] = set()
    for jwk in document["keys"]:
        kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if not isinstance(kid, str):
            continue
        if kid in claimed:
            keys.pop(kid, None)
            continue
        claimed.add(kid)
        key = _rsa_signing_key(jwk)
        if key is not None:
            keys[kid] = key
    return keys


def _rsa_signing_key(jwk: Mapping[str, Any]) -> RsaPublicKey | None:
    if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
        return None
    if jwk.get("alg", "RS256") != "RS256":
        return None
    n_text, e_text = jwk.get("n"), jwk.get("e")
    if not isinstance(n_text, str) or not isinstance(e_text, str):
        return None
    try:
        n = int.from_bytes(b64url_decode(n_text), "big")
        e = int.from_bytes(b64url_decode(e_text), "big")
    except InvalidTokenError:
        return None
    if n.bit_length() < MIN_MODULUS_BITS or n % 2 == 0 or e % 2 == 0 or not 3 <= e < n:
        return None
    return RsaPublicKey(n=n, e=e)


def _json_object(data: bytes, part: str) -> dict[str, Any]:
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_names,
            parse_constant=_not_json,
        )
    except (ValueError, RecursionError):
        # ValueError covers UnicodeDecodeError and JSONDecodeError, whose messages quote
        # the input: not chained, so no log can carry it.
        raise InvalidTokenError(f"{part} is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidTokenError(f"{part} is not a JSON object")
    return value


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _not_json(constant: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")
