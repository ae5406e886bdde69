"""The request contract of the auth routes: paths and JSON schemas, stated once.

The runtime validates bodies against these schemas and the construct turns the very
same dictionaries into API Gateway request models, so the gateway and the Lambda can
never disagree. The schemas use only the JSON Schema draft-4 keywords that API Gateway
models support (type, required, properties, additionalProperties, minLength,
maxLength, pattern, maxProperties).
"""

from __future__ import annotations

from typing import Any, Final

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

_USERNAME: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": 1,
    "maxLength": USERNAME_MAX,
    # Cognito usernames: printable, no whitespace.
    "pattern": f"^[^{_SPACE}]+$",
}
_PASSWORD: Final[dict[str, Any]] = {"type": "string", "minLength": 1, "maxLength": PASSWORD_MAX}
_EMAIL: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": 3,
    "maxLength": EMAIL_MAX,
    "pattern": f"^[^@{_SPACE}]+@[^@{_SPACE}]+$",
}
_SESSION: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": SESSION_MIN,
    "maxLength": SESSION_MAX,
}
_CODE: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": 1,
    "maxLength": CODE_MAX,
    "pattern": f"^[^{_SPACE}]+$",
}
#: A TOTP code as authenticator apps show it (RFC 6238 with Cognito's 6 digits).
_TOTP_CODE: Final[dict[str, Any]] = {"type": "string", "pattern": r"^[0-9]{6}$"}
_TOKEN: Final[dict[str, Any]] = {"type": "string", "minLength": 1, "maxLength": TOKEN_MAX}


def _object(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": title,
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


#: Request bodies by route path (without the leading slash).
REQUEST_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "signup": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "SignUpRequest",
        "type": "object",
        "required": ["username", "email", "temporary_password"],
        "properties": {
            "username": _USERNAME,
            "email": _EMAIL,
            "temporary_password": _PASSWORD,
        },
        "additionalProperties": False,
    },
    "auth": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "AuthRequest",
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": _USERNAME, "password": _PASSWORD},
        "additionalProperties": False,
    },
    "challenge": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "ChallengeRequest",
        "type": "object",
        "required": ["challenge_name", "session", "challenge_responses"],
        "properties": {
            "challenge_name": {
                "type": "string",
                "minLength": 1,
                "maxLength": CHALLENGE_NAME_MAX,
                "pattern": r"^[A-Z_]+$",
            },
            "session": _SESSION,
            # An object of strings, or that object JSON-encoded in a string, as the
            # original client sends it.
            "challenge_responses": {
                "type": ["object", "string"],
                "maxLength": CHALLENGE_RESPONSES_MAX,
                "maxProperties": 32,
                "additionalProperties": {
                    "type": "string",
                    "maxLength": CHALLENGE_RESPONSE_VALUE_MAX,
                },
            },
        },
        "additionalProperties": False,
    },
    # Sessions ------------------------------------------------------------------------
    "refresh": _object("RefreshRequest", {"refresh_token": _TOKEN}, ["refresh_token"]),
    # The access token travels in the token header; the refresh token, when given, is
    # revoked too.
    "signout": _object("SignOutRequest", {"refresh_token": _TOKEN}, []),
    # Passwords -----------------------------------------------------------------------
    "password/forgot": _object("ForgotPasswordRequest", {"username": _USERNAME}, ["username"]),
    "password/confirm": _object(
        "ConfirmForgotPasswordRequest",
        {"username": _USERNAME, "code": _CODE, "new_password": _PASSWORD},
        ["username", "code", "new_password"],
    ),
    "password/change": _object(
        "ChangePasswordRequest",
        {"old_password": _PASSWORD, "new_password": _PASSWORD},
        ["old_password", "new_password"],
    ),
    # MFA: with a session during sign-in, or with the access token in the token header.
    "mfa/setup": _object("MfaSetupRequest", {"session": _SESSION, "username": _USERNAME}, []),
    "mfa/verify": _object("MfaVerifyRequest", {"session": _SESSION, "code": _TOTP_CODE}, ["code"]),
}
# /login is /auth under the name the original clients call.
REQUEST_SCHEMAS["login"] = REQUEST_SCHEMAS["auth"]

#: The SELF_SERVICE flow's /signup and its companions; it has no temporary password.
SELF_SERVICE_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "signup": _object(
        "SelfSignUpRequest",
        {"username": _USERNAME, "email": _EMAIL, "password": _PASSWORD},
        ["username", "email", "password"],
    ),
    "signup/confirm": _object(
        "ConfirmSignUpRequest", {"username": _USERNAME, "code": _CODE}, ["username", "code"]
    ),
    "signup/resend": _object("ResendCodeRequest", {"username": _USERNAME}, ["username"]),
}

#: Routes every flow serves, after its sign-up routes.
_SESSION_ROUTES: Final = (
    "auth",
    "login",
    "challenge",
    "refresh",
    "signout",
    "password/forgot",
    "password/confirm",
    "password/change",
    "mfa/setup",
    "mfa/verify",
)

#: The auth routes (paths without the leading slash, all POST) of each sign-up flow,
#: keyed by the flow's name (``SignUpFlow.value``, the Lambda's ``SIGN_UP_FLOW``).
ROUTES_BY_FLOW: Final[dict[str, tuple[str, ...]]] = {
    "ADMIN_CREATE": ("signup", *_SESSION_ROUTES),
    "SELF_SERVICE": ("signup", "signup/confirm", "signup/resend", *_SESSION_ROUTES),
}

#: The auth routes of the ADMIN_CREATE sign-up flow, all POST.
ADMIN_CREATE_ROUTES: Final[tuple[str, ...]] = ROUTES_BY_FLOW["ADMIN_CREATE"]

#: Routes that read the access token from the token header. The MFA routes read it
#: only when the body carries no session (a signed-in user rather than a sign-in).
ACCESS_TOKEN_ROUTES: Final = frozenset({"signout", "password/change", "mfa/setup", "mfa/verify"})

#: Top-level path segments of every flow's routes: never available to user routes, so
#: switching flows cannot collide with them.
RESERVED_SEGMENTS: Final[frozenset[str]] = frozenset(
    route.split("/", 1)[0] for routes in ROUTES_BY_FLOW.values() for route in routes
)


def request_schemas(flow: str) -> dict[str, dict[str, Any]]:
    """The request schema of each route of a sign-up flow.

    Args:
        flow: ``"ADMIN_CREATE"`` or ``"SELF_SERVICE"``.

    Returns:
        Route path (no leading slash) -> draft-4 schema, in route order.

    Raises:
        KeyError: For an unknown flow.
    """
    schemas = {**REQUEST_SCHEMAS, **(SELF_SERVICE_SCHEMAS if flow == "SELF_SERVICE" else {})}
    return {route: schemas[route] for route in ROUTES_BY_FLOW[flow]}
