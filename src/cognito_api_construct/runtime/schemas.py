"""The JSON schemas of the auth routes' bodies, requests and answers, stated once.

Plain data (JSON Schema draft 4, the dialect of API Gateway models), standard library
only. The runtime validates request bodies against the request schemas; the construct
turns every schema into an API Gateway model (request models the gateway enforces,
response models the method responses declare), and the OpenAPI document is read back
from those models. Request schemas use only the keywords the runtime's validator and
API Gateway both support (type, required, properties, additionalProperties, minLength,
maxLength, pattern, maxProperties); response schemas may use any draft-4 keyword.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

Schema = dict[str, Any]
DRAFT_4: Final = "http://json-schema.org/draft-04/schema#"

#: Cognito's own limits: usernames are at most 128 characters, passwords at most 256,
#: sessions between 20 and 2048.
USERNAME_MAX: Final = 128
PASSWORD_MAX: Final = 256
EMAIL_MAX: Final = 254
SESSION_MIN: Final = 20
SESSION_MAX: Final = 2048
CHALLENGE_NAME_MAX: Final = 64
CHALLENGE_RESPONSES_MAX: Final = 8192
CHALLENGE_RESPONSE_VALUE_MAX: Final = 2048
#: Confirmation codes (sign-up, password reset) as Cognito bounds them.
CODE_MAX: Final = 2048
#: Access and refresh tokens: Cognito's are 1-2 KB; leave room for large claim sets.
TOKEN_MAX: Final = 8192
MAX_BODY_BYTES: Final = 16 * 1024

#: ASCII whitespace written out: ``\s`` means six characters to API Gateway's Java
#: validator but every Unicode space to Python's ``re``, so a pattern with ``\s`` would
#: let the gateway and the Lambda disagree. Spelled out, all engines read it alike;
#: Cognito itself refuses the rarer spaces in a username (400 InvalidParameter).
_SPACE: Final = r" \t\n\x0B\f\r"

USERNAME: Final[Schema] = {
    "type": "string",
    "minLength": 1,
    "maxLength": USERNAME_MAX,
    # Cognito usernames: printable, no whitespace.
    "pattern": f"^[^{_SPACE}]+$",
}
PASSWORD: Final[Schema] = {"type": "string", "minLength": 1, "maxLength": PASSWORD_MAX}
EMAIL: Final[Schema] = {
    "type": "string",
    "minLength": 3,
    "maxLength": EMAIL_MAX,
    "pattern": f"^[^@{_SPACE}]+@[^@{_SPACE}]+$",
}
SESSION: Final[Schema] = {"type": "string", "minLength": SESSION_MIN, "maxLength": SESSION_MAX}
CODE: Final[Schema] = {
    "type": "string",
    "minLength": 1,
    "maxLength": CODE_MAX,
    "pattern": f"^[^{_SPACE}]+$",
}
#: A TOTP code as authenticator apps show it (RFC 6238 with Cognito's 6 digits).
TOTP_CODE: Final[Schema] = {"type": "string", "pattern": r"^[0-9]{6}$"}
TOKEN: Final[Schema] = {"type": "string", "minLength": 1, "maxLength": TOKEN_MAX}
#: ``challenge_responses``: an object of strings, or that object JSON-encoded in a
#: string, as the original client sends it.
CHALLENGE_RESPONSES: Final[Schema] = {
    "type": ["object", "string"],
    "maxLength": CHALLENGE_RESPONSES_MAX,
    "maxProperties": 32,
    "additionalProperties": {"type": "string", "maxLength": CHALLENGE_RESPONSE_VALUE_MAX},
}


def body(title: str, properties: dict[str, Schema], required: Iterable[str] = ()) -> Schema:
    """A request body: an object with exactly these properties (draft 4, titled)."""
    return {
        "$schema": DRAFT_4,
        "title": title,
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


def answer(title: str, properties: dict[str, Schema], required: Iterable[str] = ()) -> Schema:
    """A success body: an object with these properties and maybe others later."""
    return {
        "$schema": DRAFT_4,
        "title": title,
        "type": "object",
        "required": list(required),
        "properties": properties,
    }


def error_body(title: str, codes: Iterable[str]) -> Schema:
    """The stable error shape of one route: ``{"error", "message"}``.

    ``error`` is one of ``codes`` (part of the contract); messages may be reworded.
    """
    return {
        "$schema": DRAFT_4,
        "title": title,
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "enum": sorted(set(codes))},
            "message": {"type": "string"},
        },
        "additionalProperties": False,
    }


_STRING: Final[Schema] = {"type": "string"}
_TOKENS_PROPERTIES: Final[dict[str, Schema]] = {
    "id_token": _STRING,
    "access_token": _STRING,
    # null unless the app client rotates refresh tokens: keep the one you have.
    "refresh_token": {"type": ["string", "null"]},
    "expires_in": {"type": "integer"},
    "token_type": _STRING,
}
_TOKENS_REQUIRED: Final = ("id_token", "access_token", "refresh_token", "expires_in", "token_type")
_CHALLENGE_PROPERTIES: Final[dict[str, Schema]] = {
    "challenge_name": _STRING,
    "session": _STRING,
    # Cognito's parameters as strings, plus what the API reads for you: the choices of
    # SELECT_CHALLENGE, where an OTP code went, a passkey's request options.
    "challenge_parameters": {
        "type": "object",
        "properties": {
            "available_challenges": {"type": "array", "items": _STRING},
            "delivery": {
                "type": "object",
                "properties": {"destination": _STRING, "medium": _STRING},
            },
            "credential_request_options": {"type": "object"},
        },
        "additionalProperties": _STRING,
    },
}
_CHALLENGE_REQUIRED: Final = ("challenge_name", "session", "challenge_parameters")

TOKENS: Final = answer("Tokens", _TOKENS_PROPERTIES, _TOKENS_REQUIRED)
TOKENS_OR_CHALLENGE: Final[Schema] = {
    "$schema": DRAFT_4,
    "title": "TokensOrChallenge",
    "description": "Tokens, or the challenge to answer on /challenge with its session.",
    "oneOf": [
        {"type": "object", "required": list(_TOKENS_REQUIRED), "properties": _TOKENS_PROPERTIES},
        {
            "type": "object",
            "required": list(_CHALLENGE_REQUIRED),
            "properties": _CHALLENGE_PROPERTIES,
        },
    ],
}
SIGN_UP_RESULT: Final = answer(
    "SignUpResult", {"username": _STRING, "user_status": _STRING}, ["username", "user_status"]
)
_DELIVERY: Final[Schema] = {
    "type": ["object", "null"],
    "properties": {"destination": _STRING, "medium": _STRING, "attribute": _STRING},
}
SELF_SIGN_UP_RESULT: Final = answer(
    "SelfSignUpResult",
    {"user_confirmed": {"type": "boolean"}, "delivery": _DELIVERY},
    ["user_confirmed", "delivery"],
)
SIGN_UP_CONFIRMATION: Final = answer(
    "SignUpConfirmation", {"user_confirmed": {"type": "boolean"}}, ["user_confirmed"]
)
#: The one body of the routes that answer alike whether the user exists.
ACCEPTED: Final = answer("Accepted", {"message": _STRING}, ["message"])
EMPTY: Final[Schema] = {
    "$schema": DRAFT_4,
    "title": "Empty",
    "type": "object",
    "additionalProperties": False,
}
TOTP_SETUP: Final = answer(
    "TotpSetup",
    {
        "secret_code": _STRING,
        "otpauth_uri": {"type": "string", "pattern": "^otpauth://totp/"},
        # Only during sign-in: pass it to /mfa/verify.
        "session": _STRING,
    },
    ["secret_code", "otpauth_uri"],
)
#: Attributes a user writes: names as Cognito spells them, values as strings.
ATTRIBUTES: Final[Schema] = {
    "type": "object",
    "maxProperties": 32,
    "additionalProperties": {"type": "string", "maxLength": CHALLENGE_RESPONSE_VALUE_MAX},
}
VERIFIABLE_ATTRIBUTE: Final[Schema] = {"type": "string", "pattern": "^(email|phone_number)$"}
ME: Final = answer(
    "Me",
    {
        "username": _STRING,
        "attributes": {"type": "object", "additionalProperties": _STRING},
        "mfa": {
            "type": "object",
            "properties": {
                "preferred": {"type": ["string", "null"]},
                "enabled": {"type": "array", "items": _STRING},
            },
        },
    },
    ["username", "attributes", "mfa"],
)
ME_UPDATED: Final = answer(
    "MeUpdated",
    # The attributes that take effect once their code is verified on /me/verify.
    {"verification_required": {"type": "array", "items": _STRING}},
    ["verification_required"],
)
#: A browser's ``PublicKeyCredential.toJSON()``: Cognito and the WebAuthn library read it.
WEBAUTHN_CREDENTIAL: Final[Schema] = {"type": "object", "maxProperties": 16}
PASSKEY_CREATION_OPTIONS: Final = answer(
    "PasskeyCreationOptions",
    # For PublicKeyCredential.parseCreationOptionsFromJSON (rp, user, challenge, ...).
    {"credential_creation_options": {"type": "object"}},
    ["credential_creation_options"],
)
PASSKEYS: Final = answer(
    "Passkeys",
    {
        "passkeys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["credential_id", "relying_party_id", "created_at"],
                "properties": {
                    "credential_id": _STRING,
                    "friendly_name": {"type": ["string", "null"]},
                    "relying_party_id": _STRING,
                    "authenticator_attachment": {"type": ["string", "null"]},
                    "created_at": _STRING,
                },
            },
        }
    },
    ["passkeys"],
)
TOTP_VERIFICATION: Final = answer(
    "TotpVerification",
    # During sign-in the session to answer MFA_SETUP with; signed in, the new factor.
    {"session": _STRING, "preferred_mfa": _STRING},
)
