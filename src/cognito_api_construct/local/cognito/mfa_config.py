"""SetUserPoolMfaConfig and GetUserPoolMfaConfig, with the settings moto does not keep.

moto keeps a pool's MFA setting and its SMS and TOTP configurations but drops
``WebAuthnConfiguration`` (the passkeys' relying party and user verification) and
``EmailMfaConfiguration`` (the sign-in email's template). The front answers both calls
itself: it sets moto's fields as moto would, keeps the other two in the pool's settings
(where ``store.Pool`` and ``messages`` read them), and answers with the effective
relying party: the pool's, else ``localhost`` (``store.DEFAULT_RELYING_PARTY``)
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import CognitoError
from .store import Pool, find_pool

__all__ = ["HANDLERS"]

Body = Mapping[str, Any]
_MODES = ("ON", "OFF", "OPTIONAL")


def set_user_pool_mfa_config(body: Body) -> dict[str, Any]:
    """SetUserPoolMfaConfig: MFA as moto takes it; passkey and email settings kept here.

    Without ``MfaConfiguration`` the MFA settings stay as they are ("You can set this
    configuration independent of the MFA configuration options", WebAuthnConfiguration);
    with it, moto's rules and fields.

    Raises:
        CognitoError: InvalidParameterException for a setting Cognito refuses.
    """
    pool = find_pool(str(body.get("UserPoolId", "")))
    mode = body.get("MfaConfiguration")
    sms, totp = body.get("SmsMfaConfiguration"), body.get("SoftwareTokenMfaConfiguration")
    webauthn = body.get("WebAuthnConfiguration")
    if webauthn is not None:
        if not isinstance(webauthn, Mapping):
            raise CognitoError.invalid_parameter("WebAuthnConfiguration must be an object")
        verification = webauthn.get("UserVerification")
        if verification is not None and verification not in ("required", "preferred"):
            raise CognitoError.invalid_parameter(
                "1 validation error detected: Value at 'webAuthnConfiguration.userVerification' "
                "failed to satisfy constraint: Member must satisfy enum value set: "
                "[required, preferred]"
            )
    if mode is not None:
        if mode not in _MODES:
            raise CognitoError.invalid_parameter(
                "[MfaConfiguration] must be one of 'ON', 'OFF', or 'OPTIONAL'."
            )
        if mode != "OFF" and sms is None and totp is None:
            raise CognitoError.invalid_parameter(
                "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] "
                "must be provided."
            )
        if mode != "OFF" and isinstance(sms, Mapping) and "SmsConfiguration" not in sms:
            raise CognitoError.invalid_parameter(
                "[SmsConfiguration] is a required member of [SoftwareTokenMfaConfiguration]."
            )
        pool.model.mfa_config = mode
        pool.model.sms_mfa_config = sms
        pool.model.token_mfa_config = totp
    else:
        if sms is not None:
            pool.model.sms_mfa_config = sms
        if totp is not None:
            pool.model.token_mfa_config = totp
    config = pool.model.extended_config
    if webauthn is not None:
        config["WebAuthnConfiguration"] = {k: v for k, v in webauthn.items() if v is not None}
    if body.get("EmailMfaConfiguration") is not None:
        config["EmailMfaConfiguration"] = dict(body["EmailMfaConfiguration"])
    return _configuration(pool)


def get_user_pool_mfa_config(body: Body) -> dict[str, Any]:
    """GetUserPoolMfaConfig: moto's settings and the front's, the relying party effective."""
    return _configuration(find_pool(str(body.get("UserPoolId", ""))))


def _configuration(pool: Pool) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "MfaConfiguration": pool.mfa,
        "SmsMfaConfiguration": pool.model.sms_mfa_config,
        "SoftwareTokenMfaConfiguration": pool.model.token_mfa_config,
        "EmailMfaConfiguration": pool.config.get("EmailMfaConfiguration"),
        "WebAuthnConfiguration": {
            **pool.webauthn,
            "RelyingPartyId": pool.relying_party,
            "UserVerification": pool.user_verification,
        },
    }
    return {key: value for key, value in answer.items() if value is not None}


HANDLERS = {
    "SetUserPoolMfaConfig": set_user_pool_mfa_config,
    "GetUserPoolMfaConfig": get_user_pool_mfa_config,
}
