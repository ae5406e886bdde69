"""The emails and SMS Cognito would send, composed as Cognito composes them, to the outbox.

Which operations send what, and with which template: sign-up, resend and attribute
codes use ``VerificationMessageTemplate``; password reset codes too; invitations use
``AdminCreateUserConfig.InviteMessageTemplate`` (``{username}``, and ``{####}`` the
temporary password); sign-in codes use ``SmsAuthenticationMessage``
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerificationMessageTemplateType.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html).
A CustomMessage trigger's ``smsMessage``, ``emailMessage`` and ``emailSubject``
replace them when they keep the code's placeholder
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
Nothing is sent anywhere: each message is written to the outbox stream (one JSON line),
which the emulator serves at ``GET /_outbox`` and prints.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Final, TextIO

from . import triggers
from .store import Pool

__all__ = ["CODE", "deliver", "mask", "sent", "set_outbox"]

CODE: Final = "{####}"
USERNAME: Final = "{username}"
_DEFAULT_VERIFICATION = {
    "EmailMessage": f"Your verification code is {CODE}. ",
    "EmailSubject": "Your verification code",
    "SmsMessage": f"Your verification code is {CODE}. ",
}
_DEFAULT_INVITATION = {
    "EmailMessage": f"Your username is {USERNAME} and temporary password is {CODE}. ",
    "EmailSubject": "Your temporary password",
    "SMSMessage": f"Your username is {USERNAME} and temporary password is {CODE}. ",
}
_DEFAULT_AUTHENTICATION = f"Your authentication code is {CODE}. "

_lock = threading.Lock()
_sent: list[dict[str, Any]] = []
_stream: TextIO = sys.stdout
_emit: Callable[[dict[str, Any]], None] | None = None


def set_outbox(
    stream: TextIO | None = None, emit: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Where messages go: a stream of JSON lines (``{"outbox": message}``), or a callable."""
    global _stream, _emit
    if stream is not None:
        _stream = stream
    _emit = emit


def mask(attribute: str, value: str) -> str:
    """A destination as Cognito shows it: ``a***@e***``, or ``+*******1234``."""
    if attribute == "email" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    digits = value[-4:]
    return "+" + "*" * max(len(value) - 5, 0) + digits


def _templates(pool: Pool, source: str) -> tuple[str, str, str]:
    """(email subject, email body, SMS body) of the pool for a trigger source."""
    config = pool.config
    if source == "CustomMessage_AdminCreateUser":
        invite = {**_DEFAULT_INVITATION, **(config.get("AdminCreateUserConfig") or {}).get(
            "InviteMessageTemplate", {})}  # fmt: skip
        return invite["EmailSubject"], invite["EmailMessage"], invite["SMSMessage"]
    if source == "CustomMessage_Authentication":
        # SetUserPoolMfaConfig's SmsMfaConfiguration sets it too (moto keeps it apart).
        sms_mfa = pool.model.sms_mfa_config or {}
        text = (
            sms_mfa.get("SmsAuthenticationMessage")
            or config.get("SmsAuthenticationMessage")
            or _DEFAULT_AUTHENTICATION
        )
        email = (config.get("EmailMfaConfiguration") or {}).get("Message") or text
        subject = (config.get("EmailMfaConfiguration") or {}).get("Subject") or "Your sign-in code"
        return str(subject), str(email), str(text)
    template = {**_DEFAULT_VERIFICATION, **(config.get("VerificationMessageTemplate") or {})}
    return (
        str(config.get("EmailVerificationSubject") or template["EmailSubject"]),
        str(config.get("EmailVerificationMessage") or template["EmailMessage"]),
        str(config.get("SmsVerificationMessage") or template["SmsMessage"]),
    )


def deliver(
    pool: Pool,
    *,
    username: str,
    attributes: Mapping[str, str],
    attribute: str,
    source: str,
    code: str,
    client_id: str | None,
    client_metadata: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Compose and send one message, through the CustomMessage trigger if there is one.

    Args:
        pool: The user pool.
        username: The user's name (``{username}``).
        attributes: The user's attributes, for the trigger's event.
        attribute: Where it goes: ``email`` or ``phone_number``.
        source: The CustomMessage trigger source (``CustomMessage_SignUp``...).
        code: The code (or an invitation's temporary password).
        client_id: The app client of the call; None for an admin call.
        client_metadata: The call's ClientMetadata, for the trigger.

    Returns:
        ``CodeDeliveryDetails``: the masked destination, the medium and the attribute.

    Raises:
        CognitoError: A failed CustomMessage trigger (the message is not sent).
    """
    channel = "EMAIL" if attribute == "email" else "SMS"
    subject, email_body, sms_body = _templates(pool, source)
    custom = triggers.run(
        pool,
        "CustomMessage",
        source,
        username=username,
        client_id=client_id,
        request={
            "userAttributes": dict(attributes),
            "codeParameter": CODE,
            "linkParameter": "{##Click Here##}",
            "usernameParameter": USERNAME if source == "CustomMessage_AdminCreateUser" else None,
            "clientMetadata": dict(client_metadata or {}),
        },
        response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
    )
    body = email_body if channel == "EMAIL" else sms_body
    if custom:
        chosen = custom.get("emailMessage" if channel == "EMAIL" else "smsMessage")
        # A message without the code's placeholder cannot carry the code (an invitation
        # also needs the username's): Cognito keeps its own then.
        needed = (CODE, USERNAME) if source == "CustomMessage_AdminCreateUser" else (CODE,)
        if isinstance(chosen, str) and all(placeholder in chosen for placeholder in needed):
            body = chosen
        if channel == "EMAIL" and isinstance(custom.get("emailSubject"), str):
            subject = custom["emailSubject"]
    destination = attributes.get(attribute, "")
    message = {
        "to": destination,
        "channel": channel,
        "trigger_source": source,
        "code": code,
        "subject": subject.replace(USERNAME, username) if channel == "EMAIL" else None,
        "body": body.replace(CODE, code).replace(USERNAME, username),
        "sent_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
    }
    _send(message)
    return {
        "Destination": mask(attribute, destination),
        "DeliveryMedium": channel,
        "AttributeName": attribute,
    }


def sent(to: str | None = None) -> list[dict[str, Any]]:
    """Every message sent so far, oldest first; only those to ``to`` when given.

    ``to`` matches whatever its case: a user types ``Ada@Example.com`` as readily as
    the address they signed up with.
    """
    wanted = None if to is None else to.casefold()
    with _lock:
        return [m for m in _sent if wanted is None or str(m["to"]).casefold() == wanted]


def _send(message: dict[str, Any]) -> None:
    with _lock:
        _sent.append(message)
        if _emit is not None:
            _emit(message)
            return
        # A live copy for the emulator to print as it is sent.
        _stream.write(json.dumps({"outbox": message}) + "\n")
        _stream.flush()
