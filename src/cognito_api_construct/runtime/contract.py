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
MAX_BODY_BYTES: Final = 16 * 1024

_USERNAME: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": 1,
    "maxLength": USERNAME_MAX,
    # Cognito usernames: printable, no whitespace.
    "pattern": r"^[^\s]+$",
}
_PASSWORD: Final[dict[str, Any]] = {"type": "string", "minLength": 1, "maxLength": PASSWORD_MAX}

#: Request bodies by route path (without the leading slash).
REQUEST_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "signup": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "SignUpRequest",
        "type": "object",
        "required": ["username", "email", "temporary_password"],
        "properties": {
            "username": _USERNAME,
            "email": {
                "type": "string",
                "minLength": 3,
                "maxLength": EMAIL_MAX,
                "pattern": r"^[^@\s]+@[^@\s]+$",
            },
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
            "session": {"type": "string", "minLength": SESSION_MIN, "maxLength": SESSION_MAX},
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
}
# /login is /auth under the name the original clients call.
REQUEST_SCHEMAS["login"] = REQUEST_SCHEMAS["auth"]

#: The auth routes of the ADMIN_CREATE sign-up flow, all POST.
ADMIN_CREATE_ROUTES: Final[tuple[str, ...]] = ("signup", "auth", "login", "challenge")
