"""AdminInitiateAuth and AdminRespondToAuthChallenge: InitiateAuth's sign-in, on the admin side.

The admin calls name the user pool as well as the app client, and go through the same
sign-in as InitiateAuth and RespondToAuthChallenge (``signin``, ``passwordless``): the
client's ``ExplicitAuthFlows``, ``SECRET_HASH`` for a client with a secret, the lockout,
the new-password and MFA challenges (``MFA_SETUP`` when MFA is required), sessions bound
to their user, challenge and client, and the same triggers with the same sources
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html):

- ``ADMIN_USER_PASSWORD_AUTH`` (``ADMIN_NO_SRP_AUTH``, its old name) only for a client
  whose flows have ``ALLOW_ADMIN_USER_PASSWORD_AUTH`` (or the old ``ADMIN_NO_SRP_AUTH``),
  else InvalidParameterException "Auth flow not enabled for this client";
- ``REFRESH_TOKEN_AUTH``/``REFRESH_TOKEN`` and ``USER_AUTH`` as InitiateAuth has them;
- ``USER_SRP_AUTH`` and ``CUSTOM_AUTH`` are not emulated, and ``USER_PASSWORD_AUTH`` is
  not an admin flow: InvalidParameterException;
- an app client that is not the pool's: ResourceNotFoundException.

moto would answer ``ADMIN_USER_PASSWORD_AUTH`` with tokens whatever the client allows,
without ``SECRET_HASH`` and without MFA; it no longer gets these calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import passwordless, signin
from .errors import CognitoError
from .store import App, find_client, find_pool

__all__ = ["admin_initiate_auth", "admin_respond_to_auth_challenge"]

Body = Mapping[str, Any]
Answer = dict[str, Any]


def _pool_client(body: Body) -> App:
    """The call's app client, refused unless it is a client of the call's pool."""
    pool = find_pool(str(body.get("UserPoolId", "")))
    client_id = str(body.get("ClientId", ""))
    try:
        app = find_client(client_id)
    except CognitoError:
        app = None
    if app is None or app.pool.id != pool.id:
        raise CognitoError.not_found(f"User pool client {client_id}")
    return app


def admin_initiate_auth(body: Body) -> Answer:
    """AdminInitiateAuth: the password flow here, the others as InitiateAuth has them.

    Raises:
        CognitoError: ResourceNotFoundException (pool, or a client not the pool's),
            InvalidParameterException (a flow the client does not allow, or one not
            emulated), and every refusal of InitiateAuth's sign-in.
    """
    app = _pool_client(body)
    flow = str(body.get("AuthFlow", ""))
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return signin.initiate_auth(body)
    if flow == "USER_AUTH":
        return passwordless.initiate_auth(body)
    if flow not in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        raise CognitoError.invalid_parameter(
            f"Auth flow {flow!r} is not supported by the emulator's AdminInitiateAuth"
        )
    if not (app.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH") or app.allows("ADMIN_NO_SRP_AUTH")):
        raise CognitoError.invalid_parameter("Auth flow not enabled for this client")
    parameters = body.get("AuthParameters") or {}
    username = signin.named_user(app, parameters)
    password = str(parameters.get("PASSWORD", ""))
    return signin.password_sign_in(app, username, password, body.get("ClientMetadata") or {})


def admin_respond_to_auth_challenge(body: Body) -> Answer:
    """AdminRespondToAuthChallenge: RespondToAuthChallenge, for a client of the named pool.

    Raises:
        CognitoError: ResourceNotFoundException (pool, or a client not the pool's), and
            every refusal of RespondToAuthChallenge.
    """
    _pool_client(body)
    return passwordless.respond_to_auth_challenge(body)
