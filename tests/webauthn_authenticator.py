"""A software passkey authenticator for the tests, written apart from the emulator's front.

Shared by the front's tests (tests/local/cognito) and the end-to-end ones (tests/e2e).

It answers ``navigator.credentials.create()`` and ``.get()`` as a browser hands the
results to an app (``credential.toJSON()``, https://www.w3.org/TR/webauthn-3/#dom-publickeycredential-tojson):
a registration with attestation ``none`` and an ES256 (P-256) key, or an Ed25519 one to
be refused; assertions signed with that key, the counter counting up. Built from the
WebAuthn spec's byte layouts with ``cryptography`` and CBOR, not with py_webauthn (which
the front verifies with).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

#: Authenticator data flags: user present, user verified, attested credential data.
UP, UV, AT = 0x01, 0x04, 0x40
ORIGIN = "http://localhost:5173"


def b64url(data: bytes) -> str:
    """base64url without padding, as WebAuthn's JSON forms carry bytes."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """The bytes of a base64url string with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _client_data(kind: str, challenge: str, origin: str) -> bytes:
    return json.dumps(
        {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
    ).encode()


@dataclass
class Authenticator:
    """One passkey: its key pair, credential id and signature counter.

    ``algorithm`` -7 (ES256, P-256) or -8 (EdDSA, Ed25519: a key Cognito does not take).
    """

    algorithm: int = -7
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sign_count: int = 0
    verifies_user: bool = True
    attachment: str = "platform"
    _es256: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    _eddsa: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)

    def _cose_key(self) -> bytes:
        if self.algorithm == -8:
            raw = self._eddsa.public_key().public_bytes_raw()
            return cbor2.dumps({1: 1, 3: -8, -1: 6, -2: raw})
        numbers = self._es256.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
             -3: numbers.y.to_bytes(32, "big")}
        )  # fmt: skip

    def _flags(self, attested: bool) -> int:
        return UP | (UV if self.verifies_user else 0) | (AT if attested else 0)

    def create(
        self,
        options: Mapping[str, Any],
        *,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        challenge: str | None = None,
    ) -> dict[str, Any]:
        """``credential.toJSON()`` of a new passkey for ``CredentialCreationOptions``.

        ``rp_id`` and ``challenge`` default to the options' (change them to forge).
        """
        rp = rp_id if rp_id is not None else str(options["rp"]["id"])
        client_data = _client_data(
            "webauthn.create", challenge or str(options["challenge"]), origin
        )
        attested = (
            b"\0" * 16  # AAGUID: none
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags(attested=True)])
            + struct.pack(">I", self.sign_count)
            + attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(
        self,
        request_options: str | Mapping[str, Any],
        *,
        origin: str = ORIGIN,
        user_handle: bytes | None = None,
        rp_id: str | None = None,
    ) -> str:
        """``JSON.stringify(credential.toJSON())`` of an assertion for the request options.

        ``request_options`` as the WEB_AUTHN challenge carries them (a JSON string).
        """
        options = (
            json.loads(request_options) if isinstance(request_options, str) else request_options
        )
        self.sign_count += 1
        client_data = _client_data("webauthn.get", str(options["challenge"]), origin)
        auth_data = (
            hashlib.sha256((rp_id or str(options["rpId"])).encode()).digest()
            + bytes([self._flags(attested=False)])
            + struct.pack(">I", self.sign_count)
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        if self.algorithm == -8:
            signature = self._eddsa.sign(signed)
        else:
            signature = self._es256.sign(signed, ec.ECDSA(hashes.SHA256()))
        response: dict[str, Any] = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        if user_handle is not None:
            response["userHandle"] = b64url(user_handle)
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "authenticatorAttachment": self.attachment,
                "clientExtensionResults": {},
                "response": response,
            }
        )
