"""The passwordless routes' declarations: choice-based sign-in and the user's passkeys.

Part of the contract (:mod:`.contract` lists them with the others). They exist only in a
deployment whose pool allows a first factor other than the password (``USER_AUTH``:
email or SMS codes, passkeys), the passkey routes only where passkeys are allowed
(``PASSKEYS``): the construct tells the function which, in ``AUTH_FEATURES``.
"""

from __future__ import annotations

from typing import Final

from . import schemas as s
from .errors import (
    InvalidCredentialError,
    InvalidParameterError,
    InvalidTokenError,
    MissingTokenError,
    NotAuthorizedError,
    NotFoundError,
    PasswordResetRequiredError,
    RequestRejectedError,
    TooManyRequestsError,
    UserNotConfirmedError,
)
from .route_types import PASSKEYS, USER_AUTH, Route

__all__ = ["FIRST_FACTORS", "PASSWORDLESS_ROUTES"]

#: The challenges ``preferred_challenge`` may name (Cognito's ``PREFERRED_CHALLENGE``).
FIRST_FACTORS: Final = ("EMAIL_OTP", "SMS_OTP", "WEB_AUTHN", "PASSWORD")
_PREFERRED: Final[s.Schema] = {"type": "string", "pattern": f"^({'|'.join(FIRST_FACTORS)})$"}
#: A WebAuthn credential id: base64url, as ``credential.id`` gives it.
_CREDENTIAL_ID: Final[s.Schema] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 1024,
    "pattern": "^[A-Za-z0-9_-]+$",
}
_ACCESS: Final = (MissingTokenError, InvalidTokenError, InvalidParameterError)
_PASSKEYS: Final = frozenset({USER_AUTH, PASSKEYS})

PASSWORDLESS_ROUTES: Final[tuple[Route, ...]] = (
    Route(
        "auth/start",
        "passwordless.start_sign_in",
        s.body(
            "StartSignInRequest",
            {"username": s.USERNAME, "preferred_challenge": _PREFERRED},
            ["username"],
        ),
        200,
        s.TOKENS_OR_CHALLENGE,
        (
            NotAuthorizedError,
            UserNotConfirmedError,
            PasswordResetRequiredError,
            RequestRejectedError,
            InvalidParameterError,
        ),
        ("InitiateAuth",),
        features=frozenset({USER_AUTH}),
        summary="Start a choice-based sign-in: the first factor's challenge, or tokens.",
    ),
    Route(
        "passkeys/register",
        "passkeys.start_registration",
        s.body("StartPasskeyRegistrationRequest", {}),
        200,
        s.PASSKEY_CREATION_OPTIONS,
        (*_ACCESS, TooManyRequestsError),
        ("StartWebAuthnRegistration",),
        credential="access_token",
        features=_PASSKEYS,
        summary="Options for the browser to create a passkey for the signed-in user.",
    ),
    Route(
        "passkeys/register/complete",
        "passkeys.complete_registration",
        s.body(
            "CompletePasskeyRegistrationRequest",
            {"credential": s.WEBAUTHN_CREDENTIAL},
            ["credential"],
        ),
        201,
        s.EMPTY,
        (*_ACCESS, InvalidCredentialError),
        ("CompleteWebAuthnRegistration",),
        credential="access_token",
        features=_PASSKEYS,
        summary="Register the passkey the browser created.",
    ),
    Route(
        "passkeys",
        "passkeys.list_passkeys",
        s.body("ListPasskeysRequest", {}),
        200,
        s.PASSKEYS,
        _ACCESS,
        ("ListWebAuthnCredentials",),
        credential="access_token",
        method="GET",
        features=_PASSKEYS,
        summary="The signed-in user's passkeys.",
    ),
    Route(
        "passkeys/{credential_id}",
        "passkeys.delete_passkey",
        s.body("DeletePasskeyRequest", {"credential_id": _CREDENTIAL_ID}, ["credential_id"]),
        204,
        None,
        (*_ACCESS, NotFoundError),
        ("DeleteWebAuthnCredential",),
        credential="access_token",
        method="DELETE",
        features=_PASSKEYS,
        summary="Delete one of the signed-in user's passkeys.",
    ),
)
