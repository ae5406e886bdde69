"""The signed-in user's own account (``/me``): read it, change it, verify, delete it.

Each route calls Cognito with the user's access token, so Cognito decides whose account
it is; the app client's read and write attributes decide what they may see and change
(``email_verified`` and ``phone_number_verified`` are never theirs to write). With the
construct's pool a new email or phone number takes effect only once the code sent to
it is verified (``AttributesRequireVerificationBeforeUpdate``)
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import Caller, Payload, Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
else:
    CognitoIdentityProviderClient = Any


def get_me(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """The user (``GET /me``).

    Returns:
        ``{"username", "attributes": {name: value}, "mfa": {"preferred", "enabled"}}``:
        the attributes the app client may read; ``preferred`` is the preferred second
        factor or null, ``enabled`` the factors the user has set up.
    """
    user = cognito.get_user(AccessToken=caller.require_access_token())
    return {
        "username": str(user.get("Username", "")),
        "attributes": {
            str(item["Name"]): str(item.get("Value", ""))
            for item in user.get("UserAttributes") or []
        },
        "mfa": {
            "preferred": user.get("PreferredMfaSetting") or None,
            "enabled": [str(name) for name in user.get("UserMFASettingList") or []],
        },
    }


def update_me(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Change the user's attributes (``PATCH /me``).

    Body: ``{"attributes": {name: value}}``, already validated; an empty value deletes
    the attribute, as Cognito's UpdateUserAttributes does.

    Returns:
        ``{"verification_required": [names]}``: the attributes a code was sent for, which
        take effect once verified on ``POST /me/verify``.
    """
    response = cognito.update_user_attributes(
        AccessToken=caller.require_access_token(),
        UserAttributes=[
            {"Name": name, "Value": value} for name, value in body["attributes"].items()
        ],
    )
    sent = response.get("CodeDeliveryDetailsList") or []
    return {"verification_required": sorted({str(d.get("AttributeName", "")) for d in sent})}


def verify_attribute(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Verify an email or phone number with its code (``POST /me/verify``).

    Body: ``{"attribute", "code"}``, already validated.

    Returns:
        ``{}``. A wrong code answers 400 ``CodeMismatch``; a stale one ``ExpiredCode``.
    """
    cognito.verify_user_attribute(
        AccessToken=caller.require_access_token(),
        AttributeName=body["attribute"],
        Code=body["code"],
    )
    return {}


def delete_me(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> None:
    """Delete the user's account (``DELETE /me``): 204.

    Cognito forgets the user: their password, refresh tokens and access tokens stop
    working at Cognito at once. Id and access tokens already issued stay valid at API
    Gateway's authorizer until they expire, as after sign-out.
    """
    cognito.delete_user(AccessToken=caller.require_access_token())
