"""What a route function receives besides its body: the settings and the caller.

Plain data, no Cognito calls: the handler builds both per request from the Lambda
environment and the request headers, and the route functions take them as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from .errors import MissingTokenError

Payload = dict[str, Any]

#: The issuer an authenticator app shows when ``TOTP_ISSUER`` is not set.
DEFAULT_TOTP_ISSUER: Final = "cognito-api"


@dataclass(frozen=True)
class Settings:
    """Where the auth routes point, read from the Lambda environment.

    Attributes:
        user_pool_id: The user pool new users are created in (``USER_POOL_ID``).
        client_id: The app client users sign in with (``USER_POOL_CLIENT_ID``).
        totp_issuer: The issuer in authenticator apps (``TOTP_ISSUER``). Defaults to
            ``"cognito-api"``.
    """

    user_pool_id: str
    client_id: str
    totp_issuer: str = DEFAULT_TOTP_ISSUER


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
