"""The TOTP routes: ``/mfa/setup`` and ``/mfa/verify``.

Both work in two situations. During sign-in, after Cognito asked ``MFA_SETUP``, the
body carries the sign-in session: set-up returns the secret, verify returns the session
to answer ``MFA_SETUP`` with on ``/challenge``. A signed-in user sends the access token
in the token header instead: verify then makes TOTP their preferred second factor.

Step-up: a signed-in user changes their second factor only with an access token from a
sign-in in the last ``Settings.step_up_seconds`` (5 minutes by default; its
``auth_time``, which refreshing keeps),
so a stolen or old token cannot replace the authenticator and lock the user out:
otherwise 403 ``RecentSignInRequired``. The token's claims are read before Cognito sees
it; a forged token fails Cognito's own check on the call that follows.
Each step may return a new session; the newest one is always passed back.
The secret and the otpauth URI are answered, never logged.
"""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from .context import Caller, Payload, Settings
from .errors import CodeMismatchError, RecentSignInRequiredError

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
else:
    CognitoIdentityProviderClient = Any

#: The account name in the authenticator app when none is known.
DEFAULT_LABEL: Final = "account"


def set_up_totp(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Start TOTP set-up: the secret for the authenticator app (``/mfa/setup``).

    Body: ``{"session"}`` during sign-in, ``{}`` with an access token; an optional
    ``"username"`` labels the account in the app (a signed-in user's own username is used by
    default).
    The caller carries the access token when the body has no session.

    Returns:
        ``{"secret_code", "otpauth_uri"}``, plus ``"session"`` (the newest) during
        sign-in.

    Raises:
        MissingTokenError: With neither a session nor an access token.
    """
    session = body.get("session")
    if session:
        response = cognito.associate_software_token(Session=session)
        label = body.get("username") or DEFAULT_LABEL
    else:
        access_token = caller.require_access_token()
        claims = _recent_sign_in(access_token, settings.step_up_seconds)
        response = cognito.associate_software_token(AccessToken=access_token)
        username = claims.get("username")
        label = body.get("username") or (username if isinstance(username, str) else None)
        label = label or DEFAULT_LABEL
    secret = response["SecretCode"]
    result: Payload = {
        "secret_code": secret,
        "otpauth_uri": otpauth_uri(settings.totp_issuer, label, secret),
    }
    if session:
        result["session"] = response.get("Session") or session
    return result


def verify_totp(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Check a code from the authenticator app (``/mfa/verify``).

    Body: ``{"session", "code"}`` during sign-in, ``{"code"}`` with an access token.
    The caller carries the access token when the body has no session.

    Returns:
        During sign-in ``{"session"}``, the session to answer ``MFA_SETUP`` with;
        for a signed-in user ``{"preferred_mfa": "SOFTWARE_TOKEN_MFA"}`` once TOTP is
        their preferred second factor.

    Raises:
        CodeMismatchError: When Cognito reports the code as wrong.
        MissingTokenError: With neither a session nor an access token.
    """
    session = body.get("session")
    if session:
        response = cognito.verify_software_token(Session=session, UserCode=body["code"])
        _require_success(response.get("Status"))
        return {"session": response.get("Session") or session}
    access_token = caller.require_access_token()
    _recent_sign_in(access_token, settings.step_up_seconds)
    response = cognito.verify_software_token(AccessToken=access_token, UserCode=body["code"])
    _require_success(response.get("Status"))
    cognito.set_user_mfa_preference(
        AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    return {"preferred_mfa": "SOFTWARE_TOKEN_MFA"}


def otpauth_uri(issuer: str, label: str, secret: str) -> str:
    """The ``otpauth://`` URI authenticator apps scan (Key URI format).

    Args:
        issuer: Shown as the service name.
        label: The account name.
        secret: The base32 secret Cognito generated.

    Returns:
        ``otpauth://totp/<issuer>:<label>?secret=<secret>&issuer=<issuer>``, each part
        percent-encoded (spaces as %20, which every app reads).
    """

    def encode(text: str) -> str:
        return quote(text, safe="")

    return (
        f"otpauth://totp/{encode(issuer)}:{encode(label)}"
        f"?secret={encode(secret)}&issuer={encode(issuer)}"
    )


def _require_success(status: object) -> None:
    # Cognito answers most wrong codes with an exception, but the API also has a
    # Status field that can say ERROR.
    if status is not None and status != "SUCCESS":
        raise CodeMismatchError()


def _recent_sign_in(access_token: str, window: int) -> dict[str, Any]:
    """The token's claims, when its sign-in is recent enough to change a factor.

    A token that is not a JWT at all is left to Cognito, which refuses it (401
    ``InvalidToken``).

    Raises:
        RecentSignInRequiredError: ``auth_time`` is missing or more than ``window``
            seconds old.
    """
    claims = _claims(access_token)
    if not claims:
        return claims
    auth_time = claims.get("auth_time")
    if (
        not isinstance(auth_time, (int, float))
        or isinstance(auth_time, bool)
        or not time.time() - window <= auth_time <= time.time() + window
    ):
        raise RecentSignInRequiredError()
    return claims


def _claims(access_token: str) -> dict[str, Any]:
    # Not verified here: Cognito checks this token on the call that follows.
    try:
        payload = access_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}
