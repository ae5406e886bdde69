"""Accounts: sign-up and confirmation, passwords, sign-out, the user, its deletion.

Each operation as the user pools API reference describes it, with the pool's rules:
usernames matched as the pool matches them, the password policy on every new
password, real codes that expire (sign-up codes after 24 hours, reset
codes after one hour; a new code replaces the last:
https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html), answers that
hide which users exist when the app client prevents user existence errors
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html),
and the triggers each operation runs.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from . import messages, passwords, tokens, triggers
from .errors import CognitoError
from .signin import check_secret_hash, create_migrated_user
from .state import STATE
from .store import App, Pool, attributes_of, find_client, find_pool, status_of

__all__ = ["HANDLERS", "check_code"]

Body = Mapping[str, Any]
Answer = dict[str, Any]

SIGN_UP_CODE_SECONDS: Final = 24 * 3600
RESET_CODE_SECONDS: Final = 3600
_VERIFIABLE: Final = ("email", "phone_number")


def _attributes(items: object) -> dict[str, str]:
    if not isinstance(items, list):
        return {}
    return {
        str(item["Name"]): str(item.get("Value", ""))
        for item in items
        if isinstance(item, Mapping) and "Name" in item
    }


def _channel(pool: Pool, attributes: Mapping[str, str], candidates: tuple[str, ...]) -> str | None:
    """Where a code goes: the first of ``candidates`` the user has.

    Email comes before phone, as the construct's EMAIL_ONLY recovery and email sign-up
    codes want.
    """
    for attribute in candidates:
        if attributes.get(attribute):
            return attribute
    return None


def _simulated(attribute: str = "email") -> Answer:
    """A delivery to nowhere, for an unknown user (Cognito's simulated destination)."""
    return {"Destination": messages.mask(attribute, "x@x"), "DeliveryMedium": "EMAIL",
            "AttributeName": attribute}  # fmt: skip


def _caller(body: Body) -> tuple[App, str]:
    """The call's app client and the username it names, its ``SecretHash`` checked."""
    app = find_client(str(body.get("ClientId", "")))
    username = str(body.get("Username", ""))
    check_secret_hash(app, username, body.get("SecretHash"))
    return app, username


def sign_up(body: Body) -> Answer:
    """SignUp: PreSignUp, the user UNCONFIRMED (or confirmed by the trigger), a code."""
    app, username = _caller(body)
    pool = app.pool
    password = str(body.get("Password", ""))
    if (pool.config.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise CognitoError.not_authorized("SignUp is not permitted for this user pool")
    if pool.find_user(username) is not None:
        raise CognitoError("UsernameExistsException", "User already exists")
    passwords.check_password(password, pool.password_policy, sign_up=True)
    attributes = _attributes(body.get("UserAttributes"))
    answer = triggers.run(
        pool, "PreSignUp", "PreSignUp_SignUp", username=username, client_id=app.id,
        request={"userAttributes": dict(attributes),
                 "validationData": _attributes(body.get("ValidationData")),
                 "clientMetadata": dict(body.get("ClientMetadata") or {})},
        response={"autoConfirmUser": False, "autoVerifyPhone": False, "autoVerifyEmail": False},
    ) or {}  # fmt: skip
    if pool.find_user(username) is not None:  # created while the trigger ran
        raise CognitoError("UsernameExistsException", "User already exists")
    confirmed = bool(answer.get("autoConfirmUser"))
    for attribute, flag in (("email", "autoVerifyEmail"), ("phone_number", "autoVerifyPhone")):
        if answer.get(flag) and attribute in attributes:
            attributes[f"{attribute}_verified"] = "true"
    user = CognitoIdpUser(
        pool.id,
        username,
        password,
        UserStatus.CONFIRMED if confirmed else UserStatus.UNCONFIRMED,
        [{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    pool.add_user(user)
    delivery = None
    channel = _channel(pool, attributes, tuple(a for a in _VERIFIABLE if a in pool.auto_verified))
    if not confirmed and channel is not None:
        code = STATE.new_code(user.id, "sign_up", SIGN_UP_CODE_SECONDS)
        delivery = messages.deliver(
            pool, username=username, attributes=attributes_of(user), attribute=channel,
            source="CustomMessage_SignUp", code=code, client_id=app.id,
            client_metadata=body.get("ClientMetadata"),
        )  # fmt: skip
    answer_body: Answer = {"UserConfirmed": confirmed, "UserSub": user.id}
    if delivery is not None:
        answer_body["CodeDeliveryDetails"] = delivery
    return answer_body


def check_code(user: CognitoIdpUser, purpose: str, code: str, *, use: bool = True) -> None:
    """Refuse a code that is not the user's live one for ``purpose``; use it up."""
    record = STATE.codes.get((user.id, purpose))
    if record is None:
        raise CognitoError.expired_code()
    if not hmac.compare_digest(record.code, code):
        if code in record.replaced:
            raise CognitoError.expired_code()
        raise CognitoError.code_mismatch()
    if time.time() > record.expires_at:
        raise CognitoError.expired_code()
    if use:
        del STATE.codes[(user.id, purpose)]


def _code_holder(body: Body) -> tuple[App, CognitoIdpUser]:
    """The client and the user a code is answered for (``SecretHash`` checked).

    An unknown user is a wrong code when the client hides which users exist
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    app, username = _caller(body)
    user = app.pool.find_user(username)
    if user is None:
        if app.prevents_existence_errors:
            raise CognitoError.code_mismatch()
        raise CognitoError.user_not_found()
    return app, user


def confirm_sign_up(body: Body) -> Answer:
    """ConfirmSignUp: the code confirms the user and verifies where it went."""
    app, user = _code_holder(body)
    if user.status != UserStatus.UNCONFIRMED:
        raise CognitoError.not_authorized(
            f"User cannot be confirmed. Current status is {status_of(user)}"
        )
    check_code(user, "sign_up", str(body.get("ConfirmationCode", "")))
    user.status = UserStatus.CONFIRMED
    verified = [
        a for a in _VERIFIABLE if a in app.pool.auto_verified and attributes_of(user).get(a)
    ]
    if verified:
        user.update_attributes([{"Name": f"{a}_verified", "Value": "true"} for a in verified])
    triggers.run(
        app.pool, "PostConfirmation", "PostConfirmation_ConfirmSignUp",
        username=user.username, client_id=app.id,
        request={"userAttributes": {**attributes_of(user), "cognito:user_status": "CONFIRMED"},
                 "clientMetadata": dict(body.get("ClientMetadata") or {})},
    )  # fmt: skip
    return {}


def resend_confirmation_code(body: Body) -> Answer:
    """ResendConfirmationCode: a new code replaces the last one."""
    app, username = _caller(body)
    user = app.pool.find_user(username)
    if user is None:
        if app.prevents_existence_errors:
            return {"CodeDeliveryDetails": _simulated()}
        raise CognitoError.user_not_found()
    if user.status != UserStatus.UNCONFIRMED:
        raise CognitoError.invalid_parameter("User is already confirmed.")
    attributes = attributes_of(user)
    channel = _channel(
        app.pool, attributes, tuple(a for a in _VERIFIABLE if a in app.pool.auto_verified)
    )
    if channel is None:
        raise CognitoError.invalid_parameter("Auto verification not turned on.")
    code = STATE.new_code(user.id, "sign_up", SIGN_UP_CODE_SECONDS)
    delivery = messages.deliver(
        app.pool, username=user.username, attributes=attributes, attribute=channel,
        source="CustomMessage_ResendCode", code=code, client_id=app.id,
        client_metadata=body.get("ClientMetadata"),
    )  # fmt: skip
    return {"CodeDeliveryDetails": delivery}


def _recovery_channel(pool: Pool, user: CognitoIdpUser) -> str | None:
    """The verified address a reset code goes to, by ``AccountRecoverySetting``."""
    attributes = attributes_of(user)
    mechanisms = (pool.config.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    names = [m.get("Name") for m in sorted(mechanisms or [], key=lambda m: m.get("Priority", 9))]
    if "admin_only" in names:
        raise CognitoError.not_authorized("Contact administrator to reset password.")
    order = [
        {"verified_email": "email", "verified_phone_number": "phone_number"}[name]
        for name in names
        if name in ("verified_email", "verified_phone_number")
    ] or ["phone_number", "email"]
    for attribute in order:
        if attributes.get(attribute) and attributes.get(f"{attribute}_verified") == "true":
            return attribute
    return None


def forgot_password(body: Body) -> Answer:
    """ForgotPassword: a reset code to the user's verified address (one hour)."""
    app, username = _caller(body)
    user = app.pool.find_user(username)
    if user is None:
        answer = triggers.run(
            app.pool, "UserMigration", "UserMigration_ForgotPassword",
            username=username, client_id=app.id,
            request={"validationData": {},
                     "clientMetadata": dict(body.get("ClientMetadata") or {})},
        )  # fmt: skip
        if answer is not None:
            user = create_migrated_user(app, username, None, answer)
        elif app.prevents_existence_errors:
            return {"CodeDeliveryDetails": _simulated()}
        else:
            raise CognitoError.user_not_found()
    channel = _recovery_channel(app.pool, user)
    if channel is None:
        raise CognitoError.invalid_parameter(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )
    code = STATE.new_code(user.id, "reset", RESET_CODE_SECONDS)
    delivery = messages.deliver(
        app.pool, username=user.username, attributes=attributes_of(user), attribute=channel,
        source="CustomMessage_ForgotPassword", code=code, client_id=app.id,
        client_metadata=body.get("ClientMetadata"),
    )  # fmt: skip
    return {"CodeDeliveryDetails": delivery}


def confirm_forgot_password(body: Body) -> Answer:
    """ConfirmForgotPassword: the reset code and a new password the policy accepts."""
    app, user = _code_holder(body)
    check_code(user, "reset", str(body.get("ConfirmationCode", "")), use=False)
    password = str(body.get("Password", ""))
    # A refused password leaves the code usable for a better one.
    passwords.check_password(password, app.pool.password_policy)
    del STATE.codes[(user.id, "reset")]
    user.password = password
    if user.status in (UserStatus.RESET_REQUIRED, UserStatus.FORCE_CHANGE_PASSWORD):
        user.status = UserStatus.CONFIRMED
    STATE.temporary_since.pop(user.id, None)
    triggers.run(
        app.pool, "PostConfirmation", "PostConfirmation_ConfirmForgotPassword",
        username=user.username, client_id=app.id,
        request={"userAttributes": {**attributes_of(user), "cognito:user_status": status_of(user)},
                 "clientMetadata": dict(body.get("ClientMetadata") or {})},
    )  # fmt: skip
    return {}


def change_password(body: Body) -> Answer:
    """ChangePassword: the previous password, then a new one the policy accepts."""
    pool, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    if not hmac.compare_digest(str(user.password or ""), str(body.get("PreviousPassword", ""))):
        raise CognitoError.not_authorized()
    proposed = str(body.get("ProposedPassword", ""))
    passwords.check_password(proposed, pool.password_policy)
    user.password = proposed
    return {}


def global_sign_out(body: Body) -> Answer:
    """GlobalSignOut: every access and refresh token of the user stops working."""
    pool, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    pool.model.sign_out(user.username)
    return {}


def revoke_token(body: Body) -> Answer:
    """RevokeToken: a refresh token, and the access tokens issued with it."""
    app = find_client(str(body.get("ClientId", "")))
    if app.secret is not None and body.get("ClientSecret") != app.secret:
        raise CognitoError("UnauthorizedException", "Invalid client secret")
    if not app.revocation_enabled:
        raise CognitoError("UnsupportedOperationException", "Token revocation is not enabled")
    token = str(body.get("Token", ""))
    issued = app.pool.model.refresh_tokens.get(token)
    record = STATE.refresh.get(token)
    if token not in app.pool.model.refresh_tokens:
        raise CognitoError("UnsupportedTokenTypeException", "Unsupported token type")
    if issued is not None and issued[0] != app.id:
        raise CognitoError("UnauthorizedException", "Token was not issued to this client")
    if record is not None:
        record.revoked = True
    for access, refresh in list(STATE.issued_with.items()):
        if refresh == token:
            app.pool.model.access_tokens.pop(access, None)
    return {}


def get_user(body: Body) -> Answer:
    """GetUser: the user's attributes (those the client may read) and MFA settings."""
    _, client_id, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    app = find_client(client_id)
    factors = (("SOFTWARE_TOKEN_MFA", user.software_token_mfa_enabled),
               ("SMS_MFA", user.sms_mfa_enabled))  # fmt: skip
    settings = [name for name, on in factors if on]
    answer: Answer = {
        "Username": user.username,
        "UserAttributes": [
            {"Name": name, "Value": value}
            for name, value in attributes_of(user).items()
            if name == "sub" or app.readable(name)
        ],
        "UserMFASettingList": settings,
    }
    if user.preferred_mfa_setting:
        answer["PreferredMfaSetting"] = user.preferred_mfa_setting
    return answer


def delete_user(body: Body) -> Answer:
    """DeleteUser: the user is gone, with every token, session, code and secret of theirs.

    Their tokens are revoked; signing in again is signing in as an unknown user.
    """
    pool, _, user = tokens.user_of_access_token(str(body.get("AccessToken", "")))
    tokens.end_all(pool, user.username)
    STATE.forget_user(user.id, pool.id, user.username)
    pool.remove_user(user)
    return {}


def admin_create_user(body: Body) -> Answer:
    """AdminCreateUser: PreSignUp, a temporary password the policy accepts, an invitation."""
    pool = find_pool(str(body.get("UserPoolId", "")))
    username = str(body.get("Username", ""))
    action = body.get("MessageAction")
    attributes = _attributes(body.get("UserAttributes"))
    existing = pool.find_user(username)
    if action == "RESEND":
        if existing is None:
            raise CognitoError.user_not_found()
        user = existing
        temporary = str(body.get("TemporaryPassword") or user.password or "")
    else:
        if existing is not None:
            raise CognitoError("UsernameExistsException", "User account already exists")
        temporary = str(
            body.get("TemporaryPassword") or passwords.random_password(pool.password_policy)
        )
        passwords.check_password(temporary, pool.password_policy)
        triggers.run(
            pool, "PreSignUp", "PreSignUp_AdminCreateUser", username=username, client_id=None,
            request={"userAttributes": dict(attributes),
                     "validationData": _attributes(body.get("ValidationData")),
                     "clientMetadata": dict(body.get("ClientMetadata") or {})},
            response={"autoConfirmUser": False, "autoVerifyPhone": False, "autoVerifyEmail": False},
        )  # fmt: skip
        if pool.find_user(username) is not None:
            raise CognitoError("UsernameExistsException", "User account already exists")
        user = CognitoIdpUser(
            pool.id, username, temporary, UserStatus.FORCE_CHANGE_PASSWORD,
            [{"Name": k, "Value": v} for k, v in attributes.items()],
        )  # fmt: skip
        pool.add_user(user)
    user.password = temporary
    STATE.temporary_since[user.id] = time.time()
    if action != "SUPPRESS":
        mediums = body.get("DesiredDeliveryMediums") or ["SMS"]
        for medium in mediums:
            attribute = "email" if medium == "EMAIL" else "phone_number"
            if attributes_of(user).get(attribute):
                messages.deliver(
                    pool, username=user.username, attributes=attributes_of(user),
                    attribute=attribute, source="CustomMessage_AdminCreateUser",
                    code=temporary, client_id=None,
                )  # fmt: skip
    return {"User": user.to_json(extended=True)}


def admin_set_user_password(body: Body) -> Answer:
    """AdminSetUserPassword: the policy applies; permanent confirms, else temporary."""
    pool = find_pool(str(body.get("UserPoolId", "")))
    user = pool.find_user(str(body.get("Username", "")))
    if user is None:
        raise CognitoError.user_not_found()
    password = str(body.get("Password", ""))
    passwords.check_password(password, pool.password_policy)
    user.password = password
    if body.get("Permanent"):
        user.status = UserStatus.CONFIRMED
        STATE.temporary_since.pop(user.id, None)
    else:
        user.status = UserStatus.FORCE_CHANGE_PASSWORD
        STATE.temporary_since[user.id] = time.time()
    return {}


HANDLERS = {
    "SignUp": sign_up,
    "ConfirmSignUp": confirm_sign_up,
    "ResendConfirmationCode": resend_confirmation_code,
    "ForgotPassword": forgot_password,
    "ConfirmForgotPassword": confirm_forgot_password,
    "ChangePassword": change_password,
    "GlobalSignOut": global_sign_out,
    "RevokeToken": revoke_token,
    "GetUser": get_user,
    "DeleteUser": delete_user,
    "AdminCreateUser": admin_create_user,
    "AdminSetUserPassword": admin_set_user_password,
}
