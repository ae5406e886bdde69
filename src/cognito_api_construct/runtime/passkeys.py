"""The signed-in user's passkeys: register, list, delete (``/passkeys...``).

Each route calls Cognito with the user's access token (from the API's token header), so
Cognito decides whose passkeys these are. Registration is two steps, as WebAuthn's: the
options for ``navigator.credentials.create()``, then the credential the browser made
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html#amazon-cognito-user-pools-authentication-flow-methods-passkey).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .context import Caller, Payload, Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
else:
    CognitoIdentityProviderClient = Any


def start_registration(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """The options to create a passkey (``POST /passkeys/register``).

    Returns:
        ``{"credential_creation_options"}``: an object for
        ``PublicKeyCredential.parseCreationOptionsFromJSON``.
    """
    response = cognito.start_web_authn_registration(AccessToken=caller.require_access_token())
    return {"credential_creation_options": dict(response["CredentialCreationOptions"])}


def complete_registration(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Register the passkey the browser created (``POST /passkeys/register/complete``).

    Body: ``{"credential"}``, the object ``credential.toJSON()`` gives.

    Returns:
        ``{}`` (201).
    """
    cognito.complete_web_authn_registration(
        AccessToken=caller.require_access_token(), Credential=body["credential"]
    )
    return {}


def list_passkeys(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """The user's passkeys (``GET /passkeys``), every page of them.

    Returns:
        ``{"passkeys": [{"credential_id", "friendly_name", "relying_party_id",
        "authenticator_attachment", "created_at"}]}``, ``created_at`` in ISO 8601 (UTC).
    """
    access_token = caller.require_access_token()
    passkeys: list[Payload] = []
    token: str | None = None
    while True:
        page = (
            cognito.list_web_authn_credentials(AccessToken=access_token, NextToken=token)
            if token
            else cognito.list_web_authn_credentials(AccessToken=access_token)
        )
        passkeys += [_passkey(credential) for credential in page.get("Credentials") or []]
        token = page.get("NextToken")
        if not token:
            return {"passkeys": passkeys}


def delete_passkey(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> None:
    """Delete one passkey (``DELETE /passkeys/{credential_id}``): 204.

    An id the user has no passkey with answers 404 ``NotFound``.
    """
    cognito.delete_web_authn_credential(
        AccessToken=caller.require_access_token(), CredentialId=body["credential_id"]
    )


def _passkey(credential: Any) -> Payload:
    return {
        "credential_id": str(credential.get("CredentialId", "")),
        "friendly_name": credential.get("FriendlyCredentialName"),
        "relying_party_id": str(credential.get("RelyingPartyId", "")),
        "authenticator_attachment": credential.get("AuthenticatorAttachment"),
        "created_at": _timestamp(credential.get("CreatedAt")),
    }


def _timestamp(value: object) -> str:
    # botocore gives a datetime; the standard-library client the epoch seconds Cognito sent.
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, timezone.utc)
    else:
        return str(value or "")
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
