"""What the HTTP client returns: plain frozen dataclasses, secrets kept out of ``repr``.

Owns the result types of :mod:`cognito_api_construct.client`; no HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Challenge",
    "CodeDelivery",
    "Me",
    "Passkey",
    "SignUpResult",
    "Tokens",
    "TotpSetup",
    "TotpVerification",
]


@dataclass(frozen=True)
class Tokens:
    """The tokens of a completed sign-in."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int
    token_type: str


@dataclass(frozen=True)
class Challenge:
    """A step Cognito asks for before it issues tokens (e.g. ``NEW_PASSWORD_REQUIRED``).

    ``parameters`` are Cognito's (strings), plus what the API reads for you:
    ``available_challenges`` (a list, for ``SELECT_CHALLENGE``), ``delivery`` (where an
    OTP code went) and ``credential_request_options`` (a passkey's, an object).
    """

    name: str
    session: str = field(repr=False)
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class Me:
    """The signed-in user (``get_me``)."""

    username: str
    attributes: Mapping[str, str]
    preferred_mfa: str | None
    enabled_mfa: tuple[str, ...]


@dataclass(frozen=True)
class Passkey:
    """One of the signed-in user's passkeys (``list_passkeys``)."""

    credential_id: str
    friendly_name: str | None
    relying_party_id: str
    authenticator_attachment: str | None
    created_at: str


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent a confirmation code (the destination is masked)."""

    destination: str
    medium: str
    attribute: str


@dataclass(frozen=True)
class SignUpResult:
    """The account ``/signup`` created.

    Attributes:
        username: The name to sign in with.
        user_status: ``FORCE_CHANGE_PASSWORD`` (temporary password), or in the
            self-service flow ``UNCONFIRMED`` until ``confirm_sign_up`` (``CONFIRMED``
            when a trigger confirmed it already).
        user_confirmed: Self-service flow only: whether the account is usable already.
        delivery: Self-service flow only: where the confirmation code went.
    """

    username: str
    user_status: str
    user_confirmed: bool | None = None
    delivery: CodeDelivery | None = None


@dataclass(frozen=True)
class TotpSetup:
    """What an authenticator app needs, from ``setup_totp``.

    Attributes:
        secret_code: The base32 secret (type it in, or scan ``otpauth_uri``).
        otpauth_uri: The ``otpauth://totp/...`` URI to show as a QR code.
        session: During sign-in, the session to pass to ``verify_totp``; None for a
            signed-in user.
    """

    secret_code: str = field(repr=False)
    otpauth_uri: str = field(repr=False)
    session: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class TotpVerification:
    """The outcome of ``verify_totp``.

    Attributes:
        session: During sign-in, the session to answer ``MFA_SETUP`` with.
        preferred_mfa: For a signed-in user, ``"SOFTWARE_TOKEN_MFA"`` once TOTP is the
            preferred second factor.
    """

    session: str | None = field(default=None, repr=False)
    preferred_mfa: str | None = None
