"""Choice-based sign-in (InitiateAuth ``USER_AUTH``): passwords, email and SMS codes, passkeys.

- Only for an app client whose ``ExplicitAuthFlows`` has ``ALLOW_USER_AUTH``; ``USERNAME``
  required, ``SECRET_HASH`` as in every flow
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
- The challenges offered are the pool's ``AllowedFirstAuthFactors`` that the user can use:
  ``PASSWORD`` and ``PASSWORD_SRP`` with a password, ``EMAIL_OTP`` with a verified email,
  ``SMS_OTP`` with a verified phone number, ``WEB_AUTHN`` with a passkey. The
  passwordless ones only for a confirmed user without MFA, in a pool whose MFA is not
  required: Cognito does not combine MFA and passwordless sign-in
  (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html#user-pool-settings-mfa-prerequisites).
- Without ``PREFERRED_CHALLENGE``, or with one the user cannot use: ``SELECT_CHALLENGE``
  with ``AvailableChallenges``; else straight to it (``PASSWORD`` with ``PASSWORD`` signs
  in at once, then MFA as the pool says)
  (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html).
- ``EMAIL_OTP``/``SMS_OTP``: an 8-digit code goes to the outbox (CustomMessage trigger
  source ``CustomMessage_Authentication``), bound to the challenge's session and as
  long-lived; a wrong code is ``CodeMismatchException`` and does not use the session up.
- ``WEB_AUTHN``: ``CREDENTIAL_REQUEST_OPTIONS``, the answer verified by ``webauthn_ops``;
  one answer per challenge.
- PreAuthentication runs once a factor is chosen (before a code is sent, a passkey asked
  for, or a password checked); PostAuthentication and pre token generation before tokens.
- An unknown user, with ``PreventUserExistenceErrors``: a simulated challenge of the
  same shape, that no answer passes
  (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
"""

from __future__ import annotations

import hmac
import secrets
import string
from collections.abc import Mapping, Sequence
from typing import Any, Final

from moto.cognitoidp.models import CognitoIdpUser

from . import messages, signin, triggers, webauthn_ops
from .errors import CognitoError
from .state import STATE, Session
from .store import App, attributes_of, find_client, status_of

__all__ = ["CHALLENGES", "OTP_DIGITS", "available_challenges", "initiate_auth"]

Body = Mapping[str, Any]
Answer = dict[str, Any]
#: What ``PREFERRED_CHALLENGE`` and a ``SELECT_CHALLENGE`` answer may name.
CHALLENGES: Final = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
#: Sign-in codes are 8 digits, fixed (https://github.com/aws-amplify/amplify-js/issues/14428).
OTP_DIGITS: Final = 8
#: challenge -> (the attribute the code goes to, the answer's key, the delivery medium).
_OTP: Final = {
    "EMAIL_OTP": ("email", "EMAIL_OTP_CODE", "EMAIL"),
    "SMS_OTP": ("phone_number", "SMS_OTP_CODE", "SMS"),
}
_MISMATCH: Final = "Invalid code or auth state for the user."


def initiate_auth(body: Body) -> Answer:
    """InitiateAuth: ``USER_AUTH`` here, every other flow in ``signin``.

    Raises:
        CognitoError: InvalidParameterException (flow not enabled, no USERNAME, an
            unknown PREFERRED_CHALLENGE), UserNotFoundException without
            PreventUserExistenceErrors, NotAuthorizedException for a disabled user.
    """
    if body.get("AuthFlow") != "USER_AUTH":
        return signin.initiate_auth(body)
    app = find_client(str(body.get("ClientId", "")))
    if not app.allows("ALLOW_USER_AUTH"):
        raise CognitoError.invalid_parameter("USER_AUTH flow not enabled for this client")
    parameters = body.get("AuthParameters") or {}
    metadata = body.get("ClientMetadata") or {}
    username = signin.named_user(app, parameters)
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in CHALLENGES:
        raise CognitoError.invalid_parameter(
            f"PREFERRED_CHALLENGE must be one of {', '.join(CHALLENGES)}"
        )
    if body.get("Session"):
        raise CognitoError.invalid_parameter(
            "Signing in with ConfirmSignUp's session is not supported by the emulator"
        )
    password = parameters.get("PASSWORD")
    user = app.pool.find_user(username)
    if user is None:
        if preferred == "PASSWORD" and isinstance(password, str):
            # The password flow's rules: UserMigration, then an unknown user's answer.
            return signin.password_sign_in(app, username, password, metadata)
        if not app.prevents_existence_errors:
            raise CognitoError.user_not_found()
        return _simulated_start(app, username, preferred, metadata)
    if not user.enabled:
        raise CognitoError.not_authorized("User is disabled.")
    available = available_challenges(app, user)
    if preferred in available:
        if preferred == "PASSWORD" and isinstance(password, str):
            return signin.password_sign_in(app, user.username, password, metadata)
        return _start(app, user, str(preferred), metadata, None)
    if not available:
        raise CognitoError.not_authorized()
    answer = signin.new_challenge(
        app, user, "SELECT_CHALLENGE", {}, {"available": available, "validation": metadata}
    )
    return {**answer, "AvailableChallenges": available}


def available_challenges(app: App, user: CognitoIdpUser) -> list[str]:
    """The first factors the pool allows and the user can use, in the API's order."""
    pool = app.pool
    allowed = pool.first_factors
    offered = ["PASSWORD", "PASSWORD_SRP"] if "PASSWORD" in allowed and user.password else []
    if status_of(user) != "CONFIRMED" or _has_mfa(app, user):
        return offered
    attributes = attributes_of(user)
    for name, (attribute, _, _) in _OTP.items():
        verified = attributes.get(f"{attribute}_verified") == "true"
        if name in allowed and attributes.get(attribute) and verified:
            offered.append(name)
    if "WEB_AUTHN" in allowed and webauthn_ops.has_passkey(pool, user):
        offered.append("WEB_AUTHN")
    return offered


def _has_mfa(app: App, user: CognitoIdpUser) -> bool:
    """MFA required by the pool, or a factor the user's sign-ins would be asked for."""
    pool = app.pool
    if pool.mfa == "ON":
        return True
    if pool.mfa == "OFF":
        return False
    has_totp = bool(user.software_token_mfa_enabled and user.id in STATE.totp_secrets)
    phone = attributes_of(user).get("phone_number")
    return has_totp or bool(user.sms_mfa_enabled and pool.sms_mfa_enabled and phone)


def _pre_authentication(app: App, user: CognitoIdpUser | None, name: str, metadata: Body) -> None:
    triggers.run(
        app.pool, "PreAuthentication", "PreAuthentication_Authentication",
        username=user.username if user else name, client_id=app.id,
        request={"userAttributes": signin.event_attributes(user) if user else {},
                 "validationData": dict(metadata), "userNotFound": user is None},
    )  # fmt: skip


def _start(
    app: App, user: CognitoIdpUser, challenge: str, validation: Body, metadata: Body | None
) -> Answer:
    """Issue the chosen factor's challenge (a code sent, a passkey asked for).

    ``validation`` is InitiateAuth's ClientMetadata (PreAuthentication's
    ``validationData``); ``metadata`` RespondToAuthChallenge's, for the CustomMessage
    trigger (InitiateAuth's goes to pre authentication and migration only).
    """
    if challenge == "PASSWORD":
        return signin.new_challenge(app, user, "PASSWORD", {}, {"validation": validation})
    if challenge == "PASSWORD_SRP":
        raise CognitoError.invalid_parameter(
            "PASSWORD_SRP is not supported by the emulator; choose PASSWORD"
        )
    _pre_authentication(app, user, user.username, validation)
    if challenge == "WEB_AUTHN":
        options, nonce = webauthn_ops.request_options(app.pool, user, app.session_minutes)
        return signin.new_challenge(
            app, user, "WEB_AUTHN", {"CREDENTIAL_REQUEST_OPTIONS": options}, {"challenge": nonce}
        )
    attribute, _, medium = _OTP[challenge]
    code = "".join(secrets.choice(string.digits) for _ in range(OTP_DIGITS))
    delivery = messages.deliver(
        app.pool, username=user.username, attributes=attributes_of(user), attribute=attribute,
        source="CustomMessage_Authentication", code=code, client_id=app.id,
        client_metadata=metadata,
    )  # fmt: skip
    return signin.new_challenge(
        app, user, challenge,
        {"CODE_DELIVERY_DELIVERY_MEDIUM": medium,
         "CODE_DELIVERY_DESTINATION": delivery["Destination"]},
        {"code": code},
    )  # fmt: skip


def _chosen(session: Session, responses: Body) -> str:
    answer = responses.get("ANSWER")
    available: Sequence[str] = session.data.get("available") or ()
    if answer not in available:
        raise CognitoError.invalid_parameter(f"ANSWER must be one of {', '.join(available)}")
    if answer == "WEB_AUTHN" and responses.get("CREDENTIAL"):
        raise CognitoError.invalid_parameter(
            "Answer WEB_AUTHN without CREDENTIAL: the emulator verifies a passkey in the "
            "WEB_AUTHN challenge that follows"
        )
    return str(answer)


def _password_of(responses: Body) -> str:
    password = responses.get("PASSWORD")
    if not isinstance(password, str) or not password:
        raise CognitoError.invalid_parameter("Missing required parameter PASSWORD")
    return password


def _select_challenge(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    chosen = _chosen(session, responses)
    if chosen == "PASSWORD":
        validation = session.data.get("validation") or {}
        return signin.password_sign_in(app, user.username, _password_of(responses), validation)
    return _start(app, user, chosen, session.data.get("validation") or {}, metadata)


def _password(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    validation = session.data.get("validation") or {}
    return signin.password_sign_in(app, user.username, _password_of(responses), validation)


def _password_srp(
    app: App, user: CognitoIdpUser | None, session: Session, responses: Body, metadata: Body
) -> Answer:
    raise CognitoError.invalid_parameter("PASSWORD_SRP is not supported by the emulator")


def _code(session: Session, responses: Body) -> None:
    """Check an EMAIL_OTP/SMS_OTP answer against the session's code."""
    _, key, _ = _OTP[session.challenge]
    given = responses.get(key)
    if not isinstance(given, str) or not given:
        raise CognitoError.invalid_parameter(f"Missing required parameter {key}")
    code = session.data.get("code")
    if not isinstance(code, str) or not hmac.compare_digest(code, given):
        raise CognitoError.code_mismatch(_MISMATCH)


def _one_time_code(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    _code(session, responses)
    if not user.enabled:
        raise CognitoError.not_authorized("User is disabled.")
    return signin.issue_tokens(app, user, "TokenGeneration_Authentication", metadata)


def _web_authn(
    app: App, user: CognitoIdpUser, session: Session, responses: Body, metadata: Body
) -> Answer:
    challenge = str(session.data.get("challenge", ""))
    webauthn_ops.verify_assertion(app.pool, user, responses.get("CREDENTIAL"), challenge)
    if not user.enabled:
        raise CognitoError.not_authorized("User is disabled.")
    return signin.issue_tokens(app, user, "TokenGeneration_Authentication", metadata)


ANSWERS: Final[dict[str, signin.Handler]] = {
    "SELECT_CHALLENGE": _select_challenge,
    "PASSWORD": _password,
    "PASSWORD_SRP": _password_srp,
    "EMAIL_OTP": _one_time_code,
    "SMS_OTP": _one_time_code,
    "WEB_AUTHN": _web_authn,
}


def respond_to_auth_challenge(body: Body) -> Answer:
    """RespondToAuthChallenge: ``signin``'s, with the choice-based challenges added."""
    return signin.respond_to_auth_challenge(body, ANSWERS, _answer_simulated)


# An unknown user's sign-in, when the client prevents user existence errors.


def _simulated_start(app: App, username: str, preferred: object, metadata: Body) -> Answer:
    allowed = app.pool.first_factors
    if preferred in allowed and preferred != "PASSWORD":
        return _simulated_challenge(app, username, str(preferred), metadata)
    if preferred == "PASSWORD" and "PASSWORD" in allowed:
        return _simulated_challenge(app, username, "PASSWORD", metadata)
    # What a user with a password and a verified email and phone would be offered.
    available = [
        name for name in CHALLENGES if name != "WEB_AUTHN" and name.removesuffix("_SRP") in allowed
    ]
    answer = _simulated_challenge(app, username, "SELECT_CHALLENGE", metadata, available)
    return {**answer, "AvailableChallenges": available}


def _simulated_challenge(
    app: App,
    username: str,
    challenge: str,
    metadata: Body,
    available: Sequence[str] = (),
) -> Answer:
    data: dict[str, Any] = {
        "simulated": True,
        "available": list(available),
        "validation": dict(metadata),
    }
    parameters: dict[str, str] = {}
    if challenge in ("EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"):
        _pre_authentication(app, None, username, metadata)
    if challenge == "WEB_AUTHN":
        options, data["challenge"] = webauthn_ops.request_options(
            app.pool, None, app.session_minutes
        )
        parameters["CREDENTIAL_REQUEST_OPTIONS"] = options
    elif challenge in _OTP:
        attribute, _, medium = _OTP[challenge]
        parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] = medium
        parameters["CODE_DELIVERY_DESTINATION"] = _made_up_destination(attribute, username)
    session = STATE.new_session(
        pool_id=app.pool.id, client_id=app.id, username=username, challenge=challenge,
        minutes=app.session_minutes, data=data,
    )  # fmt: skip
    return {"ChallengeName": challenge, "Session": session.id, "ChallengeParameters": parameters}


def _made_up_destination(attribute: str, username: str) -> str:
    if attribute == "email":
        letters = string.ascii_lowercase
        address = username if "@" in username else f"{secrets.choice(letters)}@{letters[0]}"
        return messages.mask("email", address)
    digits = "".join(secrets.choice(string.digits) for _ in range(7))
    return messages.mask(attribute, f"+1555{digits}")


def _answer_simulated(app: App, session: Session, responses: Body, metadata: Body) -> Answer:
    """No answer to a simulated challenge passes; each fails as a real user's wrong one."""
    name = session.challenge
    validation = session.data.get("validation") or {}
    if name == "SELECT_CHALLENGE":
        chosen = _chosen(session, responses)
        if chosen == "PASSWORD":
            password = _password_of(responses)
            return signin.password_sign_in(app, session.username, password, validation)
        if chosen == "PASSWORD_SRP":
            return _password_srp(app, None, session, responses, metadata)
        return _simulated_challenge(app, session.username, chosen, validation)
    if name == "PASSWORD":
        return signin.password_sign_in(app, session.username, _password_of(responses), validation)
    if name in _OTP:
        _code(session, responses)  # no code was sent: a mismatch, or a missing answer
    if name == "WEB_AUTHN":
        challenge = str(session.data.get("challenge", ""))
        webauthn_ops.verify_assertion(app.pool, None, responses.get("CREDENTIAL"), challenge)
    raise CognitoError.invalid_session()
