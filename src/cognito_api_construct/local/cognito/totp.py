"""TOTP: AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference.

During sign-in with the ``MFA_SETUP`` session, or for a signed-in user with the access
token: each user gets a secret of their own; a code verifies within one 30-second step
either side, once
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from . import tokens
from .errors import CognitoError
from .signin import give_back, take_session
from .state import STATE, Session, new_totp_secret, totp_accepted
from .store import App, find_client

__all__ = ["associate_software_token", "set_user_mfa_preference", "verify_software_token"]

Body = Mapping[str, Any]
Answer = dict[str, Any]


def _setup_session(body: Body) -> tuple[App, Session, CognitoIdpUser] | None:
    """The MFA_SETUP session of an AssociateSoftwareToken/VerifySoftwareToken call."""
    session_id = body.get("Session")
    if not session_id:
        return None
    session = STATE.sessions.get(str(session_id))
    if session is None or session.challenge != "MFA_SETUP":
        raise CognitoError.invalid_session()
    app = find_client(session.client_id)
    taken = take_session(app, session.id, "MFA_SETUP", session.username)
    user = app.pool.find_user(taken.username)
    if user is None:
        raise CognitoError.invalid_session()
    return app, taken, user


def associate_software_token(body: Body) -> Answer:
    """AssociateSoftwareToken: a new secret for the user (a session, or an access token)."""
    if body.get("Session") and body.get("AccessToken"):
        raise CognitoError.invalid_parameter("Send a session or an access token, not both")
    during_sign_in = _setup_session(body)
    secret = new_totp_secret()
    if during_sign_in is not None:
        app, session, user = during_sign_in
        if not app.pool.totp_enabled:
            raise CognitoError(
                "SoftwareTokenMFANotFoundException",
                "Software Token MFA has not been enabled by the userPool.",
            )
        renewed = STATE.new_session(
            pool_id=app.pool.id, client_id=app.id, username=user.username,
            challenge="MFA_SETUP", minutes=app.session_minutes,
            data={**session.data, "pending_secret": secret, "totp_verified": False},
        )  # fmt: skip
        return {"SecretCode": secret, "Session": renewed.id}
    pool, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    if not pool.totp_enabled:
        raise CognitoError(
            "SoftwareTokenMFANotFoundException",
            "Software Token MFA has not been enabled by the userPool.",
        )
    STATE.pending_totp[user.id] = secret
    return {"SecretCode": secret}


def verify_software_token(body: Body) -> Answer:
    """VerifySoftwareToken: the first code of the new secret makes it the user's."""
    code = str(body.get("UserCode", ""))
    during_sign_in = _setup_session(body)
    if during_sign_in is not None:
        app, session, user = during_sign_in
        secret = session.data.get("pending_secret")
        if not isinstance(secret, str) or not totp_accepted(user, secret, code):
            give_back(session)
            raise CognitoError(
                "EnableSoftwareTokenMFAException",
                "Code mismatch and fail enable Software Token MFA",
            )
        STATE.totp_secrets[user.id] = secret
        user.token_verified = True
        # Registered: from now on this user's sign-ins ask for the code.
        user.software_token_mfa_enabled = True
        renewed = STATE.new_session(
            pool_id=app.pool.id, client_id=app.id, username=user.username,
            challenge="MFA_SETUP", minutes=app.session_minutes,
            data={**session.data, "pending_secret": None, "totp_verified": True},
        )  # fmt: skip
        return {"Status": "SUCCESS", "Session": renewed.id}
    _, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    pending = STATE.pending_totp.get(user.id)
    if pending is None:
        raise CognitoError.invalid_parameter("User has not associated a software token")
    if not totp_accepted(user, pending, code):
        raise CognitoError(
            "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA"
        )
    STATE.totp_secrets[user.id] = STATE.pending_totp.pop(user.id)
    user.token_verified = True
    return {"Status": "SUCCESS"}


def set_user_mfa_preference(body: Body) -> Answer:
    """SetUserMFAPreference: TOTP on (or off) and preferred, once it is verified."""
    _, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    settings = body.get("SoftwareTokenMfaSettings") or {}
    if settings:
        enabled = bool(settings.get("Enabled"))
        if enabled and user.id not in STATE.totp_secrets:
            raise CognitoError.invalid_parameter("User has not verified software token mfa")
        user.software_token_mfa_enabled = enabled
        if settings.get("PreferredMfa") and enabled:
            user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
        elif not enabled and user.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA":
            user.preferred_mfa_setting = None
    sms = body.get("SMSMfaSettings") or {}
    if sms:
        user.sms_mfa_enabled = bool(sms.get("Enabled"))
        if sms.get("PreferredMfa") and user.sms_mfa_enabled:
            user.preferred_mfa_setting = "SMS_MFA"
    return {}
