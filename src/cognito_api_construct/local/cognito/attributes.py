"""The user's own attributes: UpdateUserAttributes, DeleteUserAttributes, verification codes.

With the access token, as the user pools API reference and the developer guide say
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html,
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html):

- An attribute must be in the pool's schema (InvalidParameterException), writable by
  the app client ("If an app tries to update an attribute that isn't writable, the app
  gets a NotAuthorizedException": its ``WriteAttributes``, the pool's required
  attributes, or without a list the standard and custom attributes but not
  ``email_verified`` and ``phone_number_verified``) and mutable (an immutable one is
  written only when the user is created). A blank value deletes the attribute.
- A new ``email`` or ``phone_number`` that the pool auto-verifies gets a code at the
  new address (``CustomMessage_UpdateUserAttribute``, the verification template). When
  ``UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`` names it,
  the old value stays, verified, until VerifyUserAttribute takes the code; otherwise
  the new value replaces it at once, unverified
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html).
- GetUserAttributeVerificationCode sends a new code (``CustomMessage_VerifyUserAttribute``)
  that replaces the last; codes last 24 hours
  (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from moto.cognitoidp.models import CognitoIdpUser

from . import messages, tokens
from .accounts import check_code
from .errors import CognitoError
from .state import STATE
from .store import App, Pool, attributes_of, find_client

__all__ = ["ATTRIBUTE_CODE_SECONDS", "HANDLERS"]

Body = Mapping[str, Any]
Answer = dict[str, Any]

ATTRIBUTE_CODE_SECONDS: Final = 24 * 3600
#: The attributes Cognito verifies with a code.
VERIFIABLE: Final = ("email", "phone_number")
UNAUTHORIZED: Final = "A client attempted to write unauthorized attribute"


def _purpose(attribute: str) -> str:
    return f"verify_{attribute}"


def _refusal(names: Iterable[str], reason: str) -> CognitoError:
    return CognitoError.invalid_parameter("".join(f"user.{name}: {reason}\n" for name in names))


def _check_writable(pool: Pool, app: App, names: Iterable[str]) -> None:
    """Refuse names the schema lacks, the client may not write, or that are immutable.

    Raises:
        CognitoError: InvalidParameterException (unknown or immutable) or
            NotAuthorizedException (not writable).
    """
    names = list(names)
    schema = {name: pool.schema_attribute(name) for name in names}
    unknown = [name for name, found in schema.items() if found is None]
    if unknown:
        raise _refusal(unknown, "Attribute does not exist in the schema.")
    known = {name: found for name, found in schema.items() if found is not None}
    if any(not app.writable(name, required=required) for name, (_, required) in known.items()):
        raise CognitoError.not_authorized(UNAUTHORIZED)
    immutable = [name for name, (mutable, _) in known.items() if not mutable]
    if immutable:
        raise _refusal(immutable, "Attribute cannot be updated.")


def _check_not_required(pool: Pool, names: Iterable[str]) -> None:
    required = [name for name in names if (pool.schema_attribute(name) or (True, False))[1]]
    if required:
        raise _refusal(required, "The attribute is required")


def _forget_verification(user: CognitoIdpUser, attribute: str) -> None:
    """Drop a pending value and the code sent for it (the value it was for is gone)."""
    STATE.pending_attributes.pop((user.id, attribute), None)
    STATE.codes.pop((user.id, _purpose(attribute)), None)


def _send_code(
    pool: Pool,
    app: App,
    user: CognitoIdpUser,
    attribute: str,
    value: str,
    source: str,
    metadata: object,
) -> dict[str, str]:
    """A new code for ``attribute`` to ``value`` (replacing the last): its delivery."""
    code = STATE.new_code(user.id, _purpose(attribute), ATTRIBUTE_CODE_SECONDS)
    return messages.deliver(
        pool, username=user.username, attributes={**attributes_of(user), attribute: value},
        attribute=attribute, source=source, code=code, client_id=app.id,
        client_metadata=metadata if isinstance(metadata, Mapping) else None,
    )  # fmt: skip


def _access(body: Body) -> tuple[Pool, App, CognitoIdpUser]:
    pool, client_id, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    return pool, find_client(client_id), user


def update_user_attributes(body: Body) -> Answer:
    """UpdateUserAttributes: the writable attributes; a code for a new email or phone."""
    pool, app, user = _access(body)
    items = body.get("UserAttributes")
    if not isinstance(items, list) or not all(
        isinstance(item, Mapping) and isinstance(item.get("Name"), str) for item in items
    ):
        raise CognitoError.invalid_parameter("Missing required parameter UserAttributes")
    requested = {str(item["Name"]): str(item.get("Value") or "") for item in items}
    _check_writable(pool, app, requested)
    blank = [name for name, value in requested.items() if not value]
    _check_not_required(pool, blank)
    current = attributes_of(user)
    changes = {name: value for name, value in requested.items() if value}
    to_verify: list[tuple[str, str]] = []
    for attribute in VERIFIABLE:
        new = changes.get(attribute)
        flag = f"{attribute}_verified"
        if new is None:
            continue
        if new == current.get(attribute):
            # Nothing new to verify; a pending value (and its code) is withdrawn.
            if (user.id, attribute) in STATE.pending_attributes:
                _forget_verification(user, attribute)
            continue
        if changes.get(flag) == "true":
            # The client may write the flag, and vouches for the new value.
            _forget_verification(user, attribute)
            continue
        if attribute not in pool.auto_verified:
            _forget_verification(user, attribute)
            changes[flag] = "false"
            continue
        if attribute in pool.verified_before_update and current.get(attribute):
            # The old value stays, and stays verified, until the new one is.
            del changes[attribute]
            STATE.pending_attributes[(user.id, attribute)] = new
        else:
            STATE.pending_attributes.pop((user.id, attribute), None)
            changes[flag] = "false"
        to_verify.append((attribute, new))
    for attribute in VERIFIABLE:
        if attribute in blank:
            _forget_verification(user, attribute)
            blank.append(f"{attribute}_verified")
    if changes:
        user.update_attributes([{"Name": k, "Value": v} for k, v in changes.items()])
    gone = [name for name in dict.fromkeys(blank) if name in attributes_of(user)]
    if gone:
        user.delete_attributes(gone)
    deliveries = [
        _send_code(pool, app, user, attribute, value, "CustomMessage_UpdateUserAttribute",
                   body.get("ClientMetadata"))
        for attribute, value in to_verify
    ]  # fmt: skip
    return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}


def delete_user_attributes(body: Body) -> Answer:
    """DeleteUserAttributes: writable, optional attributes; a name the user lacks is fine."""
    pool, app, user = _access(body)
    names = body.get("UserAttributeNames")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise CognitoError.invalid_parameter("Missing required parameter UserAttributeNames")
    _check_writable(pool, app, names)
    _check_not_required(pool, names)
    doomed = list(names)
    for attribute in VERIFIABLE:
        if attribute in names:
            _forget_verification(user, attribute)
            doomed.append(f"{attribute}_verified")
    present = [name for name in dict.fromkeys(doomed) if name in attributes_of(user)]
    if present:
        user.delete_attributes(present)
    return {}


def _verifiable(body: Body) -> str:
    attribute = str(body.get("AttributeName", ""))
    if attribute not in VERIFIABLE:
        raise CognitoError.invalid_parameter(
            f"Attribute {attribute!r} cannot be verified: only email and phone_number can"
        )
    return attribute


def get_user_attribute_verification_code(body: Body) -> Answer:
    """GetUserAttributeVerificationCode: a new code to the pending or current value."""
    pool, app, user = _access(body)
    attribute = _verifiable(body)
    value = STATE.pending_attributes.get((user.id, attribute)) or attributes_of(user).get(attribute)
    if not value:
        raise CognitoError.invalid_parameter(f"The user has no {attribute} to verify")
    delivery = _send_code(
        pool, app, user, attribute, value, "CustomMessage_VerifyUserAttribute",
        body.get("ClientMetadata"),
    )  # fmt: skip
    return {"CodeDeliveryDetails": delivery}


def verify_user_attribute(body: Body) -> Answer:
    """VerifyUserAttribute: the code makes the pending value the attribute's, verified."""
    _, _, user = _access(body)
    attribute = _verifiable(body)
    check_code(user, _purpose(attribute), str(body.get("Code", "")))
    updates = [{"Name": f"{attribute}_verified", "Value": "true"}]
    pending = STATE.pending_attributes.pop((user.id, attribute), None)
    if pending is not None:
        updates.insert(0, {"Name": attribute, "Value": pending})
    user.update_attributes(updates)
    return {}


HANDLERS = {
    "UpdateUserAttributes": update_user_attributes,
    "DeleteUserAttributes": delete_user_attributes,
    "GetUserAttributeVerificationCode": get_user_attribute_verification_code,
    "VerifyUserAttribute": verify_user_attribute,
}
