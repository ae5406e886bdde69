"""The Cognito front's dispatch: which calls it answers itself, and how the rest reach moto.

Every call is first read as Cognito reads it (``protocol``): an unknown operation, a
body that is not a JSON object, a member of the wrong type or a required one missing is
refused before anything runs, so no malformed request reaches our code or moto's. The
user-facing operations (sign-up, sign-in, choice-based sign-in, challenges, passwords,
TOTP, passkeys, sign-out, the user's own account and attributes) and the admin calls
whose rules moto lacks (AdminCreateUser, AdminSetUserPassword, AdminInitiateAuth,
AdminRespondToAuthChallenge, Set/GetUserPoolMfaConfig) are answered here (``signin``,
``passwordless``, ``admin_signin``, ``webauthn_ops``, ``accounts``, ``attributes``,
``mfa_config``), under ``store.LOCK``. Every other Cognito call goes to moto, with its
``Username`` replaced by the stored one when the pool matches names case-insensitively
(moto matches exactly).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from . import (
    accounts,
    admin_signin,
    attributes,
    mfa_config,
    passwordless,
    protocol,
    refresh,
    totp,
    webauthn_ops,
)
from .errors import CognitoError
from .store import LOCK, find_pool

__all__ = ["PREFIX", "Answer", "answer", "error", "forwarded_body"]

_LOG = logging.getLogger(__name__)
PREFIX: Final = "AWSCognitoIdentityProviderService."
JSON: Final = "application/x-amz-json-1.1"

Handler = Callable[[Mapping[str, Any]], dict[str, Any]]
OWN: Final[dict[str, Handler]] = {
    **accounts.HANDLERS,
    **attributes.HANDLERS,
    **webauthn_ops.HANDLERS,
    **mfa_config.HANDLERS,
    "InitiateAuth": passwordless.initiate_auth,
    "RespondToAuthChallenge": passwordless.respond_to_auth_challenge,
    "AdminInitiateAuth": admin_signin.admin_initiate_auth,
    "AdminRespondToAuthChallenge": admin_signin.admin_respond_to_auth_challenge,
    "AssociateSoftwareToken": totp.associate_software_token,
    "VerifySoftwareToken": totp.verify_software_token,
    "SetUserMFAPreference": totp.set_user_mfa_preference,
    "GetTokensFromRefreshToken": refresh.get_tokens_from_refresh_token,
}

#: (status, headers, body) of an answer.
Answer = tuple[int, list[tuple[str, str]], bytes]


def answer(action: str, body: bytes) -> Answer | dict[str, Any]:
    """Answer ``action`` if the front owns it or refuses the request.

    Returns:
        The answer, or the checked request when it is moto's to answer (see
        :func:`forwarded_body`).
    """
    try:
        request = protocol.request_of(action, body)
    except CognitoError as refused:
        return error(refused)
    handler = OWN.get(action)
    if handler is None:
        return request
    with LOCK:
        try:
            result = handler(request)
        except CognitoError as refused:
            return error(refused)
        except Exception:  # the front's own bug: Cognito's internal error, logged
            _LOG.exception("Cognito front: %s failed", action)
            return error(CognitoError("InternalErrorException", "Internal error", 500))
    return 200, [("Content-Type", JSON)], json.dumps(result, default=_timestamp).encode()


def _timestamp(value: object) -> float:
    """Dates as the JSON protocol sends them: epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def forwarded_body(body: bytes, request: Mapping[str, Any]) -> bytes:
    """The body for moto, its ``Username`` the stored user's name (case as created).

    ``request`` is ``body`` as :func:`answer` checked it.
    """
    if not isinstance(request.get("Username"), str):
        return body
    try:
        pool = find_pool(str(request.get("UserPoolId", "")))
    except CognitoError:
        return body
    user = pool.find_user(request["Username"])
    if user is None or user.username == request["Username"]:
        return body
    return json.dumps({**request, "Username": user.username}).encode()


def error(refused: CognitoError) -> Answer:
    """The JSON protocol's error answer: ``{"__type", "message"}`` and ``x-amzn-ErrorType``."""
    payload = json.dumps({"__type": refused.code, "message": refused.message}).encode()
    return refused.status, [("Content-Type", JSON), ("x-amzn-ErrorType", refused.code)], payload
