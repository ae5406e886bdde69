"""Pre sign-up trigger: only email addresses of the allowed domains may sign up.

Cognito runs it before it creates a user, for ``POST /signup`` (AdminCreateUser, source
``PreSignUp_AdminCreateUser``) and for self sign-up (``PreSignUp_SignUp``). Raising
refuses the sign-up: Cognito answers ``UserLambdaValidationException`` and the API
``403 RequestRejected``, without the message (it is the operator's, not the caller's).

Environment: ``ALLOWED_EMAIL_DOMAINS``, comma-separated (``example.com,example.org``).
"""

from __future__ import annotations

import os
from typing import Any


class SignUpRefused(Exception):
    """The email address is not in an allowed domain."""


def allowed_domains() -> frozenset[str]:
    """The allowed domains, lower case, from ``ALLOWED_EMAIL_DOMAINS``."""
    raw = os.environ.get("ALLOWED_EMAIL_DOMAINS", "")
    return frozenset(part.strip().lower() for part in raw.split(",") if part.strip())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return the event unchanged for an allowed address; raise otherwise."""
    attributes = event.get("request", {}).get("userAttributes", {}) or {}
    email = str(attributes.get("email", "")).strip().lower()
    local, at, domain = email.rpartition("@")
    if not (local and at and domain in allowed_domains()):
        raise SignUpRefused("Sign-up is limited to the organisation's email domains.")
    return event
