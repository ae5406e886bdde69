"""The response shapes of the construct's HTTP contract, for the OpenAPI document.

Data only: what each auth route answers on success (by the title of its request model,
which runtime/contract.py gives every route) and the schemas of those answers and of
the stable error shape. ``openapi`` assembles the document from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON = "application/json"
REF = "#/components/schemas/"

#: Success answers of the construct's auth routes, by the title of their request model.
SUCCESS_BY_MODEL: Mapping[str, tuple[str, str, str]] = {
    "SignUpRequest": (
        "201",
        "SignUpResult",
        "The account exists; its first sign-in must change the temporary password.",
    ),
    "AuthRequest": (
        "200",
        "TokensOrChallenge",
        "Tokens, or the challenge to answer on /challenge (NEW_PASSWORD_REQUIRED for a new user).",
    ),
    "ChallengeRequest": ("200", "TokensOrChallenge", "Tokens, or the next challenge."),
    "RefreshRequest": ("200", "Tokens", "New tokens; refresh_token is null unless rotated."),
    "SignOutRequest": ("204", "", "Signed out everywhere: the refresh tokens stop working."),
    "ForgotPasswordRequest": ("202", "Accepted", "The same answer whether the user exists."),
    "ConfirmForgotPasswordRequest": ("200", "Empty", "The new password is set."),
    "ChangePasswordRequest": ("200", "Empty", "The new password is set."),
    "MfaSetupRequest": ("200", "TotpSetup", "The secret for an authenticator app."),
    "MfaVerifyRequest": (
        "200",
        "TotpVerification",
        "During sign-in the next session (answer MFA_SETUP with it); signed in, the new "
        "preferred factor.",
    ),
    "SelfSignUpRequest": ("201", "SelfSignUpResult", "The account waits for its code."),
    "ConfirmSignUpRequest": ("200", "SignUpConfirmation", "The account is confirmed."),
    "ResendCodeRequest": ("202", "Accepted", "The same answer whether the user exists."),
}

#: Error answers of the auth Lambda: status -> (codes, when).
AUTH_ERRORS: Mapping[str, str] = {
    "400": "InvalidRequestBody (malformed JSON, a missing or wrong field, also the gateway's "
    "own model validation), CredentialsInQueryString, InvalidPassword, InvalidParameter, "
    "CodeMismatch, ExpiredCode.",
    "401": "NotAuthorized (wrong password or unknown user, one answer for both), "
    "InvalidSession, MissingToken, InvalidToken, InvalidRefreshToken.",
    "403": "UserNotConfirmed, PasswordResetRequired, RequestRejected.",
    "409": "UserExists: the username is taken.",
    "415": "UnsupportedMediaType: send the body as application/json.",
    "429": "TooManyRequests: Cognito throttled the call; retry after Retry-After seconds.",
    "500": "InternalError: a generic message with the request id.",
    "503": "ServiceUnavailable: Cognito could not be reached; safe to retry.",
}

COMPONENTS: Mapping[str, Any] = {
    "Error": {
        "type": "object",
        "description": "The construct's stable error shape; `error` codes are part of the "
        "contract, messages may be reworded.",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "pattern": "^[A-Z][A-Za-z]*$"},
            "message": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "GatewayMessage": {
        "type": "object",
        "description": "API Gateway's own answer (authorizer, unknown route, Lambda failure).",
        "required": ["message"],
        "properties": {"message": {"type": "string"}},
    },
    "SignUpResult": {
        "type": "object",
        "required": ["username", "user_status"],
        "properties": {
            "username": {"type": "string"},
            "user_status": {"type": "string", "example": "FORCE_CHANGE_PASSWORD"},
        },
    },
    "Tokens": {
        "type": "object",
        "description": "Send `id_token` in the authorizer's header on protected routes.",
        "required": ["id_token", "access_token", "refresh_token", "expires_in", "token_type"],
        "properties": {
            "id_token": {"type": "string"},
            "access_token": {"type": "string"},
            "refresh_token": {"type": "string", "nullable": True},
            "expires_in": {"type": "integer"},
            "token_type": {"type": "string", "example": "Bearer"},
        },
    },
    "Challenge": {
        "type": "object",
        "description": "Answer it on /challenge with this session.",
        "required": ["challenge_name", "session", "challenge_parameters"],
        "properties": {
            "challenge_name": {"type": "string", "example": "NEW_PASSWORD_REQUIRED"},
            "session": {"type": "string"},
            "challenge_parameters": {
                "type": "object",
                "additionalProperties": {"type": "string"},
            },
        },
    },
    "TokensOrChallenge": {
        "oneOf": [{"$ref": REF + "Tokens"}, {"$ref": REF + "Challenge"}],
    },
    "Accepted": {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string"}},
    },
    "Empty": {"type": "object", "additionalProperties": False},
    "TotpSetup": {
        "type": "object",
        "description": "`session` only during sign-in.",
        "required": ["secret_code", "otpauth_uri"],
        "properties": {
            "secret_code": {"type": "string"},
            "otpauth_uri": {"type": "string", "pattern": "^otpauth://totp/"},
            "session": {"type": "string"},
        },
    },
    "TotpVerification": {
        "type": "object",
        "properties": {
            "session": {"type": "string"},
            "preferred_mfa": {"type": "string", "example": "SOFTWARE_TOKEN_MFA"},
        },
    },
    "SelfSignUpResult": {
        "type": "object",
        "required": ["user_confirmed", "delivery"],
        "properties": {
            "user_confirmed": {"type": "boolean"},
            "delivery": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "destination": {"type": "string"},
                    "medium": {"type": "string"},
                    "attribute": {"type": "string"},
                },
            },
        },
    },
    "SignUpConfirmation": {
        "type": "object",
        "required": ["user_confirmed"],
        "properties": {"user_confirmed": {"type": "boolean"}},
    },
}
