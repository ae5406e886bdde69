"""GetTokensFromRefreshToken: new tokens for a refresh token, the client secret checked.

Unlike InitiateAuth's ``REFRESH_TOKEN_AUTH`` (whose ``SECRET_HASH`` needs the user's
name), it takes the client's secret itself; with refresh token rotation on, it also
issues a new refresh token and ends the one used
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html).
moto does not implement it.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from . import tokens
from .errors import CognitoError
from .state import STATE
from .store import find_client

__all__ = ["get_tokens_from_refresh_token"]


def get_tokens_from_refresh_token(body: Mapping[str, Any]) -> dict[str, Any]:
    """New id and access tokens (and, with rotation, a new refresh token).

    Raises:
        CognitoError: NotAuthorizedException for a client with a secret called without
            it or with another one, and for a refresh token Cognito would refuse.
    """
    app = find_client(str(body.get("ClientId", "")))
    secret = app.secret
    given = body.get("ClientSecret")
    if secret is not None:
        if not isinstance(given, str) or not given:
            raise CognitoError.not_authorized(
                f"Client {app.id} is configured for secret but secret was not received"
            )
        if not hmac.compare_digest(given, secret):
            raise CognitoError.not_authorized(f"Unable to verify secret for client {app.id}")
    token = str(body.get("RefreshToken", ""))
    result = tokens.refresh(app, token)
    rotation = app.config.get("RefreshTokenRotation") or {}
    if isinstance(rotation, Mapping) and rotation.get("Feature") == "ENABLED":
        issued = app.pool.model.refresh_tokens.get(token)
        record = STATE.refresh[token]
        user = app.pool.find_user(issued[1]) if issued else None
        if user is None:  # tokens.refresh refused such a token already
            raise CognitoError.not_authorized("Invalid Refresh Token")
        rotated = tokens.issue(app, user, source="TokenGeneration_RefreshTokens")
        # The new refresh token continues the same sign-in; the old one is over (the
        # retry grace period is not emulated).
        STATE.refresh[rotated["RefreshToken"]].auth_time = record.auth_time
        record.revoked = True
        result = rotated
    return {"AuthenticationResult": result}
