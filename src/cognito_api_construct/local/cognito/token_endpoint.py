"""The OAuth 2.0 token endpoint, ``POST /oauth2/token``: the client credentials grant.

A pool with a domain serves it at ``https://<prefix>.auth.<region>.amazoncognito.com``
(https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html): the
body is ``application/x-www-form-urlencoded``; the client authenticates with HTTP Basic
(``client_secret_basic``) or ``client_id`` and ``client_secret`` in the body
(``client_secret_post``); ``grant_type=client_credentials`` needs a client with a
secret, ``AllowedOAuthFlowsUserPoolClient`` and the ``client_credentials`` flow;
``scope`` (space-separated) must name only custom scopes the client is allowed, and
without it the token carries all of them. The answer is ``{"access_token",
"expires_in", "token_type": "Bearer"}``; an error is 400 ``{"error": ...}``
(``invalid_request``, ``invalid_client``, ``unauthorized_client``,
``unsupported_grant_type``, ``invalid_scope``). The access token is what a deployed pool
issues to a machine (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html):
``sub`` and ``client_id`` the client, ``token_use`` ``access``, ``scope``, ``auth_time``,
``iat``, ``exp`` (the client's access token validity), ``jti``, ``version`` 2, no
``username``; signed with moto's key, which the pool's JWKS publishes.

Only this grant is emulated: ``authorization_code`` and ``refresh_token`` need the
managed login pages, which the emulator does not serve.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
import uuid
from typing import Any, Final
from urllib.parse import parse_qs

from . import tokens
from .errors import CognitoError
from .store import LOCK, App, find_client

__all__ = ["FORM", "PATH", "Answer", "answer"]

PATH: Final = "/oauth2/token"
FORM: Final = "application/x-www-form-urlencoded"
GRANT: Final = "client_credentials"
#: The grants a deployed token endpoint knows; the emulator issues only ``GRANT``.
_KNOWN_GRANTS: Final = frozenset({"authorization_code", "refresh_token", GRANT})
#: The scopes Cognito defines itself: never granted to a machine.
_STANDARD_SCOPES: Final = frozenset(
    {"openid", "email", "phone", "profile", tokens.USER_SCOPE}
)  # fmt: skip

#: (status, headers, body) of an answer.
Answer = tuple[int, list[tuple[str, str]], bytes]


class OAuthError(Exception):
    """An error answer: the OAuth ``error`` code, and a description for the emulator's own."""

    def __init__(self, error: str, description: str | None = None) -> None:
        super().__init__(error if description is None else f"{error}: {description}")
        self.error = error
        self.description = description


def answer(method: str, content_type: str | None, authorization: str | None, body: bytes) -> Answer:
    """Answer one request to the token endpoint.

    Args:
        method: the HTTP method (only POST is served; others are 405).
        content_type: the request's ``Content-Type`` header, if any.
        authorization: the request's ``Authorization`` header, if any.
        body: the request body.
    """
    if method != "POST":
        return _json(405, {"error": "invalid_request"}, [("Allow", "POST")])
    try:
        with LOCK:
            return _json(200, _grant(content_type, authorization, body))
    except OAuthError as error:
        payload = {"error": error.error}
        if error.description is not None:
            payload["error_description"] = error.description
        return _json(400, payload)


def _grant(content_type: str | None, authorization: str | None, body: bytes) -> dict[str, Any]:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != FORM:
        raise OAuthError("invalid_request")
    form = _form(body)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request")
    if grant_type not in _KNOWN_GRANTS:
        raise OAuthError("unsupported_grant_type")
    app = _client(authorization, form)
    if grant_type != GRANT:
        raise OAuthError(
            "unsupported_grant_type",
            f"the local emulator issues only {GRANT} tokens: {grant_type} needs the managed "
            "login pages, which it does not serve",
        )
    if not (
        app.secret is not None
        and app.config.get("AllowedOAuthFlowsUserPoolClient") is True
        and GRANT in (app.config.get("AllowedOAuthFlows") or ())
    ):
        raise OAuthError("unauthorized_client")
    return _issue(app, _scopes(app, form.get("scope")))


def _form(body: bytes) -> dict[str, str]:
    """The body's parameters; one that is repeated or not UTF-8 is a malformed request."""
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise OAuthError("invalid_request") from error
    if any(len(values) > 1 for values in parsed.values()):
        raise OAuthError("invalid_request")
    return {name: values[0] for name, values in parsed.items()}


def _client(authorization: str | None, form: dict[str, str]) -> App:
    """The app client the request authenticates as (Basic first, else the body).

    Raises:
        OAuthError: invalid_client for no client, an unknown one, a missing or wrong
            secret, or a client whose pool has no domain (its endpoint would not exist).
    """
    if authorization is not None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "basic":
            raise OAuthError("invalid_client")
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise OAuthError("invalid_client") from error
        client_id, separator, secret = decoded.partition(":")
        if not separator or form.get("client_id", client_id) != client_id:
            raise OAuthError("invalid_client")
        given: str | None = secret
    else:
        client_id, given = form.get("client_id", ""), form.get("client_secret")
    if not client_id:
        raise OAuthError("invalid_client")
    try:
        app = find_client(client_id)
    except CognitoError as error:
        raise OAuthError("invalid_client") from error
    if app.secret is not None and (
        given is None or not hmac.compare_digest(given.encode(), app.secret.encode())
    ):
        raise OAuthError("invalid_client")
    if not app.pool.domains:
        raise OAuthError(
            "invalid_client",
            f"user pool {app.pool.id} has no domain (AWS::Cognito::UserPoolDomain): a "
            "deployed pool without one has no token endpoint",
        )
    return app


def _scopes(app: App, requested: str | None) -> list[str]:
    """The scopes to grant: those requested, else every custom scope the client allows.

    Raises:
        OAuthError: invalid_scope for a scope the client is not allowed, one no resource
            server of the pool defines, or none at all.
    """
    allowed = [str(s) for s in app.config.get("AllowedOAuthScopes") or ()]
    defined = app.pool.resource_server_scopes
    custom = [s for s in allowed if s not in _STANDARD_SCOPES and s in defined]
    wanted = list(dict.fromkeys(requested.split())) if requested and requested.strip() else custom
    if not wanted or any(scope not in custom for scope in wanted):
        raise OAuthError("invalid_scope")
    return wanted


def _issue(app: App, scopes: list[str]) -> dict[str, Any]:
    now = int(time.time())
    lifetime = int(app.validity("AccessToken").total_seconds())
    claims = {
        "sub": app.id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": now,
        "iss": f"https://cognito-idp.{app.pool.region}.amazonaws.com/{app.pool.id}",
        "exp": now + lifetime,
        "iat": now,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": app.id,
    }
    return {
        "access_token": tokens.sign(app.pool, claims),
        "expires_in": lifetime,
        "token_type": "Bearer",
    }


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Answer:
    """A JSON answer that no cache keeps (RFC 6749, sections 5.1 and 5.2)."""
    return (
        status,
        [
            ("Content-Type", "application/json;charset=UTF-8"),
            ("Cache-Control", "no-store"),
            ("Pragma", "no-cache"),
            *(headers or []),
        ],
        json.dumps(payload).encode(),
    )
