"""What a route function receives besides its body: the settings and the caller.

Plain data, no Cognito calls: the handler builds both per request from the Lambda
environment and the request headers, and the route functions take them as arguments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Final

from .errors import MissingTokenError

Payload = dict[str, Any]

#: The issuer an authenticator app shows when ``TOTP_ISSUER`` is not set.
DEFAULT_TOTP_ISSUER: Final = "cognito-api"
#: How recent a sign-in must be to change the second factor, by default.
DEFAULT_STEP_UP_SECONDS: Final = 300


@dataclass(frozen=True)
class Settings:
    """Where the auth routes point, read from the Lambda environment.

    Attributes:
        user_pool_id: The user pool new users are created in (``USER_POOL_ID``).
        client_id: The app client users sign in with (``USER_POOL_CLIENT_ID``).
        totp_issuer: The issuer in authenticator apps (``TOTP_ISSUER``). Defaults to
            ``"cognito-api"``.
        client_secret: The app client's secret (``USER_POOL_CLIENT_SECRET``); None for
            a client without one. Every Cognito call that names a user then carries
            its ``SECRET_HASH``, so the client id alone opens nothing.
        step_up_seconds: How recent a sign-in must be for a signed-in user to change
            their second factor (``MFA_STEP_UP_SECONDS``). Defaults to 300.
    """

    user_pool_id: str
    client_id: str
    totp_issuer: str = DEFAULT_TOTP_ISSUER
    client_secret: str | None = field(default=None, repr=False)
    step_up_seconds: int = DEFAULT_STEP_UP_SECONDS

    def secret_hash(self, username: str) -> dict[str, str]:
        """``{"SECRET_HASH": ...}`` for ``username``, or ``{}`` without a secret.

        Base64 of HMAC-SHA256 keyed with the client secret over the username followed
        by the client id
        (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
        """
        if not self.client_secret:
            return {}
        digest = hmac.new(
            self.client_secret.encode(), (username + self.client_id).encode(), hashlib.sha256
        ).digest()
        return {"SECRET_HASH": base64.b64encode(digest).decode()}

    def secret_hash_parameter(self, username: str) -> dict[str, Any]:
        """The same hash as the ``SecretHash`` request parameter (SignUp, ForgotPassword...)."""
        hashed = self.secret_hash(username)
        return {"SecretHash": hashed["SECRET_HASH"]} if hashed else {}

    def client_secret_parameter(self) -> dict[str, Any]:
        """``{"ClientSecret": ...}`` (RevokeToken, GetTokensFromRefreshToken), or ``{}``."""
        return {"ClientSecret": self.client_secret} if self.client_secret else {}


@dataclass(frozen=True)
class Caller:
    """The credentials a request carries outside its body.

    Attributes:
        access_token: The access token from the API's token header (an optional
            ``Bearer`` prefix removed), or None when the header is absent or empty.
            The routes never check it themselves: Cognito does, which also honours
            revocation and global sign-out.
    """

    access_token: str | None = field(default=None, repr=False)

    def require_access_token(self) -> str:
        """Return the access token.

        Raises:
            MissingTokenError: When the request carried none.
        """
        if not self.access_token:
            raise MissingTokenError()
        return self.access_token


def access_token_from(headers: dict[str, str], token_header: str) -> str | None:
    """Read the access token from the token header.

    Args:
        headers: The request headers, names lower-cased.
        token_header: The header's name in any case (``TOKEN_HEADER``).

    Returns:
        The token without a ``Bearer`` prefix, or None when there is none.
    """
    value = headers.get(token_header.lower(), "").strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        value = rest.strip()
    return value or None
