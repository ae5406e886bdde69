"""Sign-in: InitiateAuth, RespondToAuthChallenge and the TOTP calls, with Cognito's rules.

- A session is issued for one user, one challenge and one app client, lives the
  client's ``AuthSessionValidity`` (3 minutes by default), and works once; a wrong code
  does not use it up
  (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-session-duration).
- MFA as the pool says: ``ON`` asks every sign-in of a user without a factor for
  ``MFA_SETUP``; a user with TOTP answers ``SOFTWARE_TOKEN_MFA``
  (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html).
- TOTP secrets are per user, codes RFC 6238 within one 30-second step either side, each
  code good once.
- The triggers of a sign-in: PreAuthentication before the password is checked,
  UserMigration for an unknown user, PostAuthentication and pre token generation before
  tokens.
- Five wrong passwords lock the user out, a second, then twice as long with each more
  (``lockout``).
- Each flow only where the app client's ``ExplicitAuthFlows`` allows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from . import lockout, messages, passwords, tokens, triggers
from .errors import CognitoError
from .state import STATE, Session, totp_accepted
from .store import App, attributes_of, find_client, status_of

__all__ = [
    "check_secret_hash",
    "event_attributes",
    "give_back",
    "initiate_auth",
    "issue_tokens",
    "new_challenge",
    "password_sign_in",
    "respond_to_auth_challenge",
    "take_session",
]

Body = Mapping[str, Any]
Answer = dict[str, Any]
#: The answer to one challenge: (app, user, session, ChallengeResponses, ClientMetadata).
Handler = Callable[[App, CognitoIdpUser, Session, Body, Body], Answer]
#: The answer to a challenge issued for an unknown user: (app, session, responses, metadata).
Simulated = Callable[[App, Session, Body, Body], Answer]
#: Sessions used once already, so a replay hears why it is refused.
_USED: dict[str, float] = {}


def check_secret_hash(app: App, username: str, given: object) -> None:
    """Refuse a call without the right ``SECRET_HASH`` when the client has a secret.

    SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id))
    (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).

    Raises:
        CognitoError: NotAuthorizedException, missing or wrong.
    """
    secret = app.secret
    if secret is None:
        return
    if not isinstance(given, str) or not given:
        raise CognitoError.not_authorized(
            f"Client {app.id} is configured for secret but secret was not received"
        )
    expected = base64.b64encode(
        hmac.new(secret.encode(), (username + app.id).encode(), hashlib.sha256).digest()
    ).decode()
    if not hmac.compare_digest(expected, given):
        raise CognitoError.not_authorized(f"Unable to verify secret hash for client {app.id}")


def initiate_auth(body: Body) -> Answer:
    """InitiateAuth: ``USER_PASSWORD_AUTH`` and ``REFRESH_TOKEN_AUTH``."""
    app = find_client(str(body.get("ClientId", "")))
    flow = str(body.get("AuthFlow", ""))
    parameters = body.get("AuthParameters") or {}
    metadata = body.get("ClientMetadata") or {}
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        if not app.allows("ALLOW_REFRESH_TOKEN_AUTH"):
            raise CognitoError.invalid_parameter(
                "REFRESH_TOKEN_AUTH flow not enabled for this client"
            )
        token = str(parameters.get("REFRESH_TOKEN", ""))
        issued = app.pool.model.refresh_tokens.get(token)
        if app.secret is not None:
            check_secret_hash(app, issued[1] if issued else "", parameters.get("SECRET_HASH"))
        return {"AuthenticationResult": tokens.refresh(app, token), "ChallengeParameters": {}}
    if flow == "USER_PASSWORD_AUTH":
        if not app.allows("ALLOW_USER_PASSWORD_AUTH"):
            raise CognitoError.invalid_parameter(
                "USER_PASSWORD_AUTH flow not enabled for this client"
            )
        username = str(parameters.get("USERNAME", ""))
        check_secret_hash(app, username, parameters.get("SECRET_HASH"))
        return password_sign_in(app, username, str(parameters.get("PASSWORD", "")), metadata)
    raise CognitoError.invalid_parameter(f"Auth flow {flow!r} is not supported by the emulator")


def named_user(app: App, parameters: Mapping[str, Any]) -> str:
    """``AuthParameters``' USERNAME, required, with its ``SECRET_HASH`` checked.

    Raises:
        CognitoError: InvalidParameterException without a USERNAME, NotAuthorizedException
            for a missing or wrong SECRET_HASH.
    """
    username = parameters.get("USERNAME")
    if not isinstance(username, str) or not username:
        raise CognitoError.invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(app, username, parameters.get("SECRET_HASH"))
    return username


def password_sign_in(app: App, username: str, password: str, metadata: Mapping[str, str]) -> Answer:
    """A sign-in with a password: triggers, lockout, status, then MFA or tokens."""
    pool = app.pool
    user = pool.find_user(username) or _migrate(app, username, password, metadata)
    if user is None:
        if app.prevents_existence_errors:
            triggers.run(
                pool, "PreAuthentication", "PreAuthentication_Authentication",
                username=username, client_id=app.id,
                request={"userAttributes": {}, "validationData": dict(metadata),
                         "userNotFound": True},
            )  # fmt: skip
            raise CognitoError.not_authorized()
        raise CognitoError.user_not_found()
    # Cognito runs it before it checks the password: a refusal is the answer either way.
    triggers.run(
        pool, "PreAuthentication", "PreAuthentication_Authentication",
        username=user.username, client_id=app.id,
        request={"userAttributes": event_attributes(user), "validationData": dict(metadata),
                 "userNotFound": False},
    )  # fmt: skip
    if not user.enabled:
        raise CognitoError.not_authorized("User is disabled.")
    lockout.check(user)
    if not hmac.compare_digest(str(user.password or ""), password):
        lockout.failed(user)
        raise CognitoError.not_authorized()
    lockout.succeeded(user)
    if user.status == UserStatus.UNCONFIRMED:
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if user.status == UserStatus.RESET_REQUIRED:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        since = STATE.temporary_since.get(user.id)
        if since is not None and time.time() > since + pool.temporary_password_days * 86400:
            raise CognitoError.not_authorized(
                "Temporary password has expired and must be reset by an administrator."
            )
        attributes = {k: v for k, v in attributes_of(user).items() if k != "sub"}
        return new_challenge(
            app, user, "NEW_PASSWORD_REQUIRED",
            {"USER_ID_FOR_SRP": user.username, "requiredAttributes": "[]",
             "userAttributes": json.dumps(attributes)},
        )  # fmt: skip
    return _second_factor_or_tokens(app, user, "TokenGeneration_Authentication", None)


def _migrate(
    app: App, username: str, password: str, metadata: Mapping[str, str]
) -> CognitoIdpUser | None:
    """The UserMigration trigger for an unknown user: the user it returns, created."""
    answer = triggers.run(
        app.pool, "UserMigration", "UserMigration_Authentication",
        username=username, client_id=app.id,
        request={"password": password, "validationData": dict(metadata), "clientMetadata": {}},
        response={"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                  "desiredDeliveryMediums": None, "forceAliasCreation": None},
    )  # fmt: skip
    if answer is None:
        return None
    return create_migrated_user(app, username, password, answer)


def create_migrated_user(
    app: App, username: str, password: str | None, answer: Mapping[str, Any]
) -> CognitoIdpUser:
    """The user a UserMigration trigger answered for, created in the pool.

    Raises:
        CognitoError: InvalidLambdaResponseException without ``userAttributes``.
    """
    attributes = answer.get("userAttributes")
    if not isinstance(attributes, Mapping):
        raise CognitoError("InvalidLambdaResponseException", "Invalid lambda function output")
    status = (
        UserStatus.RESET_REQUIRED
        if answer.get("finalUserStatus") == "RESET_REQUIRED" or password is None
        else UserStatus.CONFIRMED
    )
    user = CognitoIdpUser(
        app.pool.id,
        username,
        password,
        status,
        [{"Name": str(k), "Value": str(v)} for k, v in attributes.items() if k != "username"],
    )
    app.pool.add_user(user)
    return user


def event_attributes(user: CognitoIdpUser) -> dict[str, str]:
    """The ``userAttributes`` of a trigger's event, the user's status among them."""
    return {**attributes_of(user), "cognito:user_status": status_of(user)}


def new_challenge(
    app: App,
    user: CognitoIdpUser,
    name: str,
    parameters: Mapping[str, str],
    data: dict[str, Any] | None = None,
) -> Answer:
    """Issue a challenge: a new session for it, and the answer that names it."""
    session = STATE.new_session(
        pool_id=app.pool.id,
        client_id=app.id,
        username=user.username,
        challenge=name,
        minutes=app.session_minutes,
        data=data,
    )
    return {"ChallengeName": name, "Session": session.id, "ChallengeParameters": dict(parameters)}


def _second_factor_or_tokens(
    app: App, user: CognitoIdpUser, source: str, metadata: Mapping[str, str] | None
) -> Answer:
    """The MFA challenge the pool and user call for, or the tokens."""
    pool = app.pool
    if pool.mfa != "OFF":
        has_totp = user.software_token_mfa_enabled and user.id in STATE.totp_secrets
        phone = attributes_of(user).get("phone_number")
        has_sms = bool(user.sms_mfa_enabled and pool.sms_mfa_enabled and phone)
        if has_totp and has_sms and not user.preferred_mfa_setting:
            return new_challenge(
                app, user, "SELECT_MFA_TYPE",
                {"MFAS_CAN_SELECT": json.dumps(["SMS_MFA", "SOFTWARE_TOKEN_MFA"])},
            )  # fmt: skip
        if has_totp and (not has_sms or user.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA"):
            totp = {"USER_ID_FOR_SRP": user.username}
            return new_challenge(app, user, "SOFTWARE_TOKEN_MFA", totp)
        if has_sms:
            return _sms_challenge(app, user)
        if pool.mfa == "ON":
            factors = (("SMS_MFA", pool.sms_mfa_enabled), ("SOFTWARE_TOKEN_MFA", pool.totp_enabled))
            can_set_up = [name for name, on in factors if on]
            return new_challenge(
                app, user, "MFA_SETUP", {"MFAS_CAN_SETUP": json.dumps(can_set_up)},
                {"token_source": "TokenGeneration_Authentication"},
            )  # fmt: skip
    return issue_tokens(app, user, source, metadata)


def _sms_challenge(app: App, user: CognitoIdpUser) -> Answer:
    attributes = attributes_of(user)
    code = STATE.new_code(user.id, "sms_mfa", app.session_minutes * 60)
    delivery = messages.deliver(
        app.pool, username=user.username, attributes=attributes, attribute="phone_number",
        source="CustomMessage_Authentication", code=code, client_id=app.id,
    )  # fmt: skip
    return new_challenge(
        app, user, "SMS_MFA",
        {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
         "CODE_DELIVERY_DESTINATION": delivery["Destination"]},
    )  # fmt: skip


def issue_tokens(
    app: App, user: CognitoIdpUser, source: str, metadata: Mapping[str, str] | None
) -> Answer:
    """The end of a sign-in: PostAuthentication, then the tokens."""
    triggers.run(
        app.pool, "PostAuthentication", "PostAuthentication_Authentication",
        username=user.username, client_id=app.id,
        request={"userAttributes": event_attributes(user), "newDeviceUsed": False,
                 "clientMetadata": dict(metadata or {})},
    )  # fmt: skip
    result = tokens.issue(app, user, source=source, client_metadata=metadata)
    return {"AuthenticationResult": result, "ChallengeParameters": {}}


def take_session(app: App, session_id: str, challenge: str | None, username: str | None) -> Session:
    """Use a session up, refused unless it is live and the caller's.

    The caller's: this client's, for this challenge, and this user (the USERNAME
    answered, as the pool matches names).
    """
    session = STATE.sessions.get(session_id)
    if session is None:
        used = session_id in _USED
        raise CognitoError.invalid_session(", session can only be used once." if used else "")
    del STATE.sessions[session_id]
    if time.time() > session.expires_at:
        raise CognitoError.invalid_session(", session is expired.")
    owner = app.pool.find_user(session.username)
    if owner is None:  # a simulated challenge's: the name it was issued for
        same_user = bool(session.data.get("simulated")) and _same_name(
            app, username, session.username
        )
    else:
        same_user = username is not None and app.pool.find_user(username) is owner
    if (
        session.client_id != app.id
        or (challenge and session.challenge != challenge)
        or not same_user
    ):
        STATE.sessions[session_id] = session  # not the caller's to spend
        raise CognitoError.invalid_session()
    _USED[session_id] = time.time()
    if len(_USED) > 10_000:  # keep the memory of used sessions to their last hour
        for key in [k for k, used in _USED.items() if used < time.time() - 3600]:
            del _USED[key]
    return session


def _same_name(app: App, given: str | None, issued: str) -> bool:
    if given is None or app.pool.case_sensitive:
        return given == issued
    return given.casefold() == issued.casefold()


def give_back(session: Session) -> None:
    """A wrong answer does not use the session up."""
    STATE.sessions[session.id] = session
    _USED.pop(session.id, None)


def respond_to_auth_challenge(
    body: Body,
    answers: Mapping[str, Handler] | None = None,
    simulated: Simulated | None = None,
) -> Answer:
    """RespondToAuthChallenge: NEW_PASSWORD_REQUIRED, MFA_SETUP and the MFA challenges.

    ``answers`` adds the handlers of more challenges (``passwordless``'s); ``simulated``
    answers every challenge issued for an unknown user.
    """
    app = find_client(str(body.get("ClientId", "")))
    name = str(body.get("ChallengeName", ""))
    responses = body.get("ChallengeResponses") or {}
    metadata = body.get("ClientMetadata") or {}
    username = responses.get("USERNAME")
    if not isinstance(username, str) or not username:
        raise CognitoError.invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(app, username, responses.get("SECRET_HASH"))
    handler = {**_ANSWERS, **(answers or {})}.get(name)
    if handler is None:
        raise CognitoError.invalid_parameter(f"Unsupported challenge name {name!r}")
    session = take_session(app, str(body.get("Session", "")), name, username)
    try:
        if session.data.get("simulated") and simulated is not None:
            return simulated(app, session, responses, metadata)
        user = app.pool.find_user(session.username)
        if user is None:
            raise CognitoError.invalid_session()
        return handler(app, user, session, responses, metadata)
    except CognitoError as error:
        if error.code in (
            "CodeMismatchException",
            "InvalidPasswordException",
            "InvalidParameterException",
        ):
            give_back(session)
        raise


def _new_password(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    new_password = responses.get("NEW_PASSWORD")
    if not isinstance(new_password, str) or not new_password:
        raise CognitoError.invalid_parameter("Missing required parameter NEW_PASSWORD")
    passwords.check_password(new_password, app.pool.password_policy)
    required = {
        key.removeprefix("userAttributes."): str(value)
        for key, value in responses.items()
        if key.startswith("userAttributes.")
    }
    if required:
        user.update_attributes([{"Name": k, "Value": v} for k, v in required.items()])
    user.password = new_password
    user.status = UserStatus.CONFIRMED
    STATE.temporary_since.pop(user.id, None)
    return _second_factor_or_tokens(app, user, "TokenGeneration_NewPasswordChallenge", metadata)


def _mfa_setup(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    if not session.data.get("totp_verified"):
        # Only VerifySoftwareToken's session satisfies MFA_SETUP.
        raise CognitoError.invalid_session()
    user.software_token_mfa_enabled = True
    user.preferred_mfa_setting = user.preferred_mfa_setting or "SOFTWARE_TOKEN_MFA"
    source = str(session.data.get("token_source") or "TokenGeneration_Authentication")
    return issue_tokens(app, user, source, metadata)


def _software_token(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    code = str(responses.get("SOFTWARE_TOKEN_MFA_CODE", ""))
    if not totp_accepted(user, STATE.totp_secrets.get(user.id), code):
        raise CognitoError.code_mismatch("Invalid code or auth state for the user.")
    return issue_tokens(app, user, "TokenGeneration_Authentication", metadata)


def _sms_code(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    record = STATE.codes.get((user.id, "sms_mfa"))
    code = str(responses.get("SMS_MFA_CODE", ""))
    if record is None or not hmac.compare_digest(record.code, code):
        raise CognitoError.code_mismatch("Invalid code or auth state for the user.")
    del STATE.codes[(user.id, "sms_mfa")]
    return issue_tokens(app, user, "TokenGeneration_Authentication", metadata)


def _select_mfa_type(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    answer = responses.get("ANSWER")
    if answer == "SOFTWARE_TOKEN_MFA":
        return new_challenge(app, user, "SOFTWARE_TOKEN_MFA", {"USER_ID_FOR_SRP": user.username})
    if answer == "SMS_MFA":
        return _sms_challenge(app, user)
    raise CognitoError.invalid_parameter("ANSWER must be SMS_MFA or SOFTWARE_TOKEN_MFA")


_ANSWERS: dict[str, Handler] = {
    "NEW_PASSWORD_REQUIRED": _new_password,
    "MFA_SETUP": _mfa_setup,
    "SOFTWARE_TOKEN_MFA": _software_token,
    "SMS_MFA": _sms_code,
    "SELECT_MFA_TYPE": _select_mfa_type,
}
