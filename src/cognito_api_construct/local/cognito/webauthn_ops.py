"""Passkeys: registration, listing, deletion, and the assertion of a WEB_AUTHN sign-in.

- StartWebAuthnRegistration answers ``CredentialCreationOptions`` (a JSON object: ``rp``,
  ``user``, ``challenge``, ``pubKeyCredParams``, ``timeout``, ``excludeCredentials``,
  ``authenticatorSelection``); CompleteWebAuthnRegistration takes the browser's
  ``credential.toJSON()`` (an object, or that object JSON-encoded) and verifies its
  attestation with py_webauthn against that challenge, which works once and only for
  the client that started it
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html,
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html).
- ListWebAuthnCredentials and DeleteWebAuthnCredential: the user's own passkeys.
- A WEB_AUTHN challenge carries ``CREDENTIAL_REQUEST_OPTIONS`` (a JSON string:
  ``challenge``, ``rpId``, ``allowCredentials``, ``userVerification``, ``timeout``); its
  answer is verified with py_webauthn and the signature counter kept.
- The relying party is the pool's ``WebAuthnConfiguration.RelyingPartyId``, else
  ``localhost``. Origins accepted: ``http://localhost`` on any port (the emulator's and a
  developer's pages) and ``https://`` the relying party or a subdomain of it, on any
  port; ES256 and RS256 keys only, at most 20 passkeys a user
  (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final
from urllib.parse import urlsplit

from moto.cognitoidp.models import CognitoIdpUser
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    decode_credential_public_key,
    parse_attestation_object,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import ClientDataType

from . import tokens
from .errors import CognitoError
from .state import STATE, Passkey, Registration
from .store import Pool

__all__ = ["HANDLERS", "allowed_origin", "request_options", "verify_assertion"]

Body = Mapping[str, Any]
ALGORITHMS: Final = (
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
)
MAX_PASSKEYS: Final = 20
#: How long a registration challenge waits for CompleteWebAuthnRegistration (chosen).
REGISTRATION_SECONDS: Final = 300
#: The ``timeout`` hint of the creation options, as Cognito sends it.
REGISTRATION_TIMEOUT_MS: Final = 60_000
_CHALLENGE_BYTES: Final = 16


def allowed_origin(origin: str, relying_party: str) -> bool:
    """Whether a ceremony on ``origin`` may register or use ``relying_party``'s passkeys."""
    try:
        parts = urlsplit(origin)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return False
    if parts.scheme == "http":
        return host == "localhost"
    return parts.scheme == "https" and (host == relying_party or host.endswith("." + relying_party))


def _passkeys(user: CognitoIdpUser, relying_party: str | None = None) -> list[Passkey]:
    return [
        passkey
        for passkey in STATE.passkeys.get(user.id, [])
        if relying_party is None or passkey.relying_party == relying_party
    ]


def has_passkey(pool: Pool, user: CognitoIdpUser) -> bool:
    """Whether the user has a passkey for the pool's relying party."""
    return bool(_passkeys(user, pool.relying_party))


def _require_enabled(pool: Pool) -> None:
    if "WEB_AUTHN" not in pool.first_factors:
        raise CognitoError(
            "WebAuthnNotEnabledException", "Passkey sign-in is not enabled for this user pool."
        )


def start_web_authn_registration(body: Body) -> dict[str, Any]:
    """StartWebAuthnRegistration: creation options for a new passkey of the caller.

    Raises:
        CognitoError: WebAuthnNotEnabledException without WEB_AUTHN among the pool's
            first factors; LimitExceededException at 20 passkeys.
    """
    pool, client_id, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    _require_enabled(pool)
    if len(_passkeys(user)) >= MAX_PASSKEYS:
        raise CognitoError("LimitExceededException", "The user has the most passkeys allowed.")
    challenge = secrets.token_bytes(_CHALLENGE_BYTES)
    relying_party = pool.relying_party
    STATE.registrations[user.id] = Registration(
        challenge, client_id, relying_party, time.time() + REGISTRATION_SECONDS
    )
    options = {
        "rp": {"id": relying_party, "name": relying_party},
        "user": {
            "id": bytes_to_base64url(user.id.encode()),
            "name": user.username,
            "displayName": "",
        },
        "challenge": bytes_to_base64url(challenge),
        "pubKeyCredParams": [{"type": "public-key", "alg": int(alg)} for alg in ALGORITHMS],
        "timeout": REGISTRATION_TIMEOUT_MS,
        "excludeCredentials": [{"type": "public-key", "id": p.id} for p in _passkeys(user)],
        "authenticatorSelection": {
            "requireResidentKey": True,
            "residentKey": "required",
            "userVerification": pool.user_verification,
        },
    }
    return {"CredentialCreationOptions": options}


def _credential_document(value: object) -> dict[str, Any]:
    """``Credential`` as sent: the object, or the object JSON-encoded (Amplify sends that)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise CognitoError.invalid_parameter("Credential must be a RegistrationResponseJSON")
    return value


def complete_web_authn_registration(body: Body) -> dict[str, Any]:
    """CompleteWebAuthnRegistration: the attestation verified, the passkey kept.

    Raises:
        CognitoError: WebAuthnChallengeNotFoundException (no live registration),
            WebAuthnClientMismatchException (another app client started it),
            WebAuthnOriginNotAllowedException, WebAuthnRelyingPartyMismatchException,
            WebAuthnCredentialNotSupportedException (not ES256 or RS256),
            InvalidParameterException (a credential that does not verify),
            LimitExceededException.
    """
    pool, client_id, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    _require_enabled(pool)
    document = _credential_document(body.get("Credential"))
    pending = STATE.registrations.get(user.id)
    if pending is None or time.time() > pending.expires_at:
        STATE.registrations.pop(user.id, None)
        raise CognitoError(
            "WebAuthnChallengeNotFoundException", "The passkey registration challenge expired."
        )
    if pending.client_id != client_id:
        raise CognitoError(
            "WebAuthnClientMismatchException",
            "The access token is of another app client than the registration's.",
        )
    del STATE.registrations[user.id]  # one answer per challenge, right or wrong
    try:
        credential = parse_registration_credential_json(document)
        client_data = parse_client_data_json(credential.response.client_data_json)
        attestation = parse_attestation_object(credential.response.attestation_object)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CognitoError.invalid_parameter(f"Invalid passkey credential: {error}") from error
    if client_data.type != ClientDataType.WEBAUTHN_CREATE or client_data.challenge != (
        pending.challenge
    ):
        raise CognitoError(
            "WebAuthnChallengeNotFoundException", "The credential answers no registration."
        )
    if not allowed_origin(client_data.origin, pending.relying_party):
        raise CognitoError(
            "WebAuthnOriginNotAllowedException",
            f"Origin {client_data.origin} is not allowed for relying party "
            f"{pending.relying_party}.",
        )
    if attestation.auth_data.rp_id_hash != hashlib.sha256(pending.relying_party.encode()).digest():
        raise CognitoError(
            "WebAuthnRelyingPartyMismatchException",
            f"The credential is not for relying party {pending.relying_party}.",
        )
    attested = attestation.auth_data.attested_credential_data
    try:
        if attested is None:
            raise ValueError("no attested credential data")
        algorithm = decode_credential_public_key(attested.credential_public_key).alg
    except (WebAuthnException, ValueError) as error:
        raise CognitoError.invalid_parameter(f"Invalid passkey credential: {error}") from error
    if algorithm not in ALGORITHMS:
        raise CognitoError(
            "WebAuthnCredentialNotSupportedException",
            "Passkeys must use ES256 (-7) or RS256 (-257).",
        )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=pending.challenge,
            expected_rp_id=pending.relying_party,
            expected_origin=client_data.origin,
            require_user_verification=pool.user_verification == "required",
            supported_pub_key_algs=list(ALGORITHMS),
        )
    except WebAuthnException as error:
        raise CognitoError.invalid_parameter(f"Invalid passkey credential: {error}") from error
    credential_id = bytes_to_base64url(verified.credential_id)
    owned = STATE.passkeys.setdefault(user.id, [])
    if any(p.id == credential_id for p in owned):
        raise CognitoError.invalid_parameter("The passkey is registered already.")
    if len(owned) >= MAX_PASSKEYS:
        raise CognitoError("LimitExceededException", "The user has the most passkeys allowed.")
    attachment = credential.authenticator_attachment
    owned.append(
        Passkey(
            id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            relying_party=pending.relying_party,
            attachment=attachment.value if attachment is not None else None,
            transports=tuple(t.value for t in credential.response.transports or ()),
            created_at=time.time(),
        )
    )
    return {}


def list_web_authn_credentials(body: Body) -> dict[str, Any]:
    """ListWebAuthnCredentials: the caller's passkeys, ``MaxResults`` (up to 20) a page.

    Raises:
        CognitoError: InvalidParameterException for a bad MaxResults or NextToken.
    """
    _, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    limit = body.get("MaxResults", MAX_PASSKEYS)
    if not isinstance(limit, int) or not 0 <= limit <= MAX_PASSKEYS:
        raise CognitoError.invalid_parameter("MaxResults must be between 0 and 20")
    token = body.get("NextToken")
    start = 0
    if token is not None:
        if not isinstance(token, str) or not token.isdigit():
            raise CognitoError.invalid_parameter("Invalid NextToken")
        start = int(token)
    owned = _passkeys(user)
    page = owned[start : start + (limit or MAX_PASSKEYS)]
    answer: dict[str, Any] = {"Credentials": [_description(p) for p in page]}
    if start + len(page) < len(owned):
        answer["NextToken"] = str(start + len(page))
    return answer


def _description(passkey: Passkey) -> dict[str, Any]:
    created = datetime.fromtimestamp(passkey.created_at, timezone.utc)
    described: dict[str, Any] = {
        "CredentialId": passkey.id,
        "FriendlyCredentialName": f"Passkey {created:%Y-%m-%d %H:%M} UTC",
        "RelyingPartyId": passkey.relying_party,
        "AuthenticatorTransports": list(passkey.transports),
        "CreatedAt": created,
    }
    if passkey.attachment is not None:
        described["AuthenticatorAttachment"] = passkey.attachment
    return described


def delete_web_authn_credential(body: Body) -> dict[str, Any]:
    """DeleteWebAuthnCredential: one of the caller's passkeys, by ``CredentialId``.

    Raises:
        CognitoError: ResourceNotFoundException for an id the caller has no passkey of.
    """
    _, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    wanted = body.get("CredentialId")
    owned = STATE.passkeys.get(user.id, [])
    kept = [p for p in owned if p.id != wanted]
    if len(kept) == len(owned):
        raise CognitoError("ResourceNotFoundException", "Credential does not exist.")
    STATE.passkeys[user.id] = kept
    return {}


def request_options(pool: Pool, user: CognitoIdpUser | None, minutes: int) -> tuple[str, str]:
    """(``CREDENTIAL_REQUEST_OPTIONS``, its challenge in base64url) of a WEB_AUTHN challenge.

    The options JSON-encoded as Cognito sends them; ``timeout`` the session's. For an
    unknown user (a simulated challenge) one made-up credential is allowed.
    """
    challenge = bytes_to_base64url(secrets.token_bytes(_CHALLENGE_BYTES))
    if user is None:
        allowed = [bytes_to_base64url(secrets.token_bytes(32))]
    else:
        allowed = [p.id for p in _passkeys(user, pool.relying_party)]
    options = {
        "hints": [],
        "attestation": "none",
        "attestationFormats": [],
        "challenge": challenge,
        "timeout": minutes * 60_000,
        "rpId": pool.relying_party,
        "allowCredentials": [{"id": credential, "type": "public-key"} for credential in allowed],
        "userVerification": pool.user_verification,
    }
    return json.dumps(options, separators=(",", ":")), challenge


def verify_assertion(
    pool: Pool, user: CognitoIdpUser | None, credential_json: object, challenge: str
) -> None:
    """Verify a WEB_AUTHN answer (``credential.toJSON()``, JSON-encoded) and count it.

    Raises:
        CognitoError: NotAuthorizedException for a credential that is not the user's, from
            an origin not allowed, or that does not verify.
    """
    if not isinstance(credential_json, str) or not credential_json:
        raise CognitoError.invalid_parameter("Missing required parameter CREDENTIAL")
    relying_party = pool.relying_party
    try:
        credential = parse_authentication_credential_json(credential_json)
        client_data = parse_client_data_json(credential.response.client_data_json)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused(f"the credential is malformed ({error})") from error
    stored = next(
        (
            p
            for p in (_passkeys(user, relying_party) if user is not None else [])
            if p.id == bytes_to_base64url(credential.raw_id)
        ),
        None,
    )
    if user is None or stored is None:
        raise _refused("the credential is not registered for this user")
    if not allowed_origin(client_data.origin, relying_party):
        raise _refused(f"origin {client_data.origin} is not allowed")
    handle = credential.response.user_handle
    if handle and handle != user.id.encode():
        raise _refused("the credential's user handle is another user's")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=relying_party,
            expected_origin=client_data.origin,
            credential_public_key=stored.public_key,
            credential_current_sign_count=stored.sign_count,
            require_user_verification=pool.user_verification == "required",
        )
    except WebAuthnException as error:
        raise _refused(str(error)) from error
    stored.sign_count = verified.new_sign_count


def _refused(reason: str) -> CognitoError:
    return CognitoError.not_authorized(f"Passkey authentication failed: {reason}.")


HANDLERS = {
    "StartWebAuthnRegistration": start_web_authn_registration,
    "CompleteWebAuthnRegistration": complete_web_authn_registration,
    "ListWebAuthnCredentials": list_web_authn_credentials,
    "DeleteWebAuthnCredential": delete_web_authn_credential,
}
