"""Tokens as a deployed pool issues them, and the checks of an access token.

An id token carries ``sub``, ``cognito:username``, ``aud``, ``email_verified``,
``email`` and the other attributes the app client may read, ``cognito:groups``,
``event_id``, ``origin_jti``, ``auth_time``; an access token ``client_id``,
``username``, ``scope`` (``aws.cognito.signin.user.admin``), ``version`` 2
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html,
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
Lifetimes are the client's. The pre token generation trigger changes them: V1 the id
token's claims, V2 both tokens' claims and the access token's scopes, never the
reserved claims
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
moto signs them (its key is what the emulator's JWKS publishes) and remembers the
access tokens, so its admin calls (AdminUserGlobalSignOut) still end them.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any, Final

from joserfc import jwt
from moto.cognitoidp.models import CognitoIdpUser

from . import triggers
from .errors import CognitoError
from .state import STATE, RefreshRecord
from .store import App, Pool, attributes_of, find_pool, pool_of_user_token, status_of

__all__ = ["USER_SCOPE", "end_all", "issue", "refresh", "sign", "user_of_access_token"]

USER_SCOPE: Final = "aws.cognito.signin.user.admin"
#: Claims no trigger may add, override or suppress.
RESERVED: Final = frozenset(
    {
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp",
        "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub",
        "token_use", "client_id", "event_id", "device_key", "version", "username",
        "scope",
    }
)  # fmt: skip
_BOOLEANS: Final = frozenset({"email_verified", "phone_number_verified"})
_NOT_CLAIMS: Final = frozenset({"sub"})


def issue(
    app: App,
    user: CognitoIdpUser,
    *,
    source: str,
    client_metadata: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Tokens for a completed sign-in: ``AuthenticationResult`` with a refresh token.

    Args:
        app: The app client signed in with.
        user: The user.
        source: The pre token generation trigger source (``TokenGeneration_Authentication``
            or ``TokenGeneration_NewPasswordChallenge``).
        client_metadata: The call's ClientMetadata, for the trigger.
    """
    refresh_token = str(uuid.uuid4())
    origin_jti = str(uuid.uuid4())
    auth_time = int(time.time())
    app.pool.model.refresh_tokens[refresh_token] = (app.id, user.username, origin_jti)
    STATE.refresh[refresh_token] = RefreshRecord(auth_time=auth_time)
    result = _mint(app, user, source, origin_jti, auth_time, client_metadata, refresh_token)
    result["RefreshToken"] = refresh_token
    return result


def refresh(app: App, refresh_token: str) -> dict[str, Any]:
    """New id and access tokens for a refresh token (no new refresh token).

    Raises:
        CognitoError: NotAuthorizedException for a token that is unknown, of another
            client, revoked, expired, or whose user is gone or disabled.
    """
    issued = app.pool.model.refresh_tokens.get(refresh_token)
    record = STATE.refresh.get(refresh_token)
    if refresh_token in app.pool.model.refresh_tokens and issued is None:
        raise CognitoError.not_authorized("Refresh Token has been revoked")
    if issued is None or record is None or issued[0] != app.id:
        raise CognitoError.not_authorized("Invalid Refresh Token")
    if record.revoked:
        raise CognitoError.not_authorized("Refresh Token has been revoked")
    if time.time() > record.auth_time + app.validity("RefreshToken").total_seconds():
        raise CognitoError.not_authorized("Refresh Token has expired")
    user = app.pool.find_user(issued[1])
    if user is None or not user.enabled:
        raise CognitoError.not_authorized("User is disabled." if user else "Invalid Refresh Token")
    return _mint(
        app, user, "TokenGeneration_RefreshTokens", issued[2], record.auth_time, None, refresh_token
    )


def _mint(
    app: App,
    user: CognitoIdpUser,
    source: str,
    origin_jti: str,
    auth_time: int,
    client_metadata: Mapping[str, str] | None,
    refresh_token: str,
) -> dict[str, Any]:
    pool = app.pool
    attributes = attributes_of(user)
    groups = sorted(
        user.groups, key=lambda g: g.precedence if g.precedence is not None else 1 << 30
    )
    group_names = [g.group_name for g in groups]
    id_claims: dict[str, Any] = {
        name: (value == "true" if name in _BOOLEANS else value)
        for name, value in attributes.items()
        if name not in _NOT_CLAIMS and app.readable(name)
    }
    access_claims: dict[str, Any] = {"version": 2}
    scopes = [USER_SCOPE]
    if group_names:
        id_claims["cognito:groups"] = access_claims["cognito:groups"] = group_names
    _pre_token_generation(
        pool, app, user, source, attributes, group_names, client_metadata,
        id_claims, access_claims, scopes,
    )  # fmt: skip
    event_id = str(uuid.uuid4())
    common = {"origin_jti": origin_jti, "event_id": event_id, "auth_time": auth_time}
    access_life = int(app.validity("AccessToken").total_seconds())
    id_life = int(app.validity("IdToken").total_seconds())
    access_token, _ = pool.model.create_jwt(
        app.id,
        user.username,
        "access",
        expires_in=access_life,
        extra_data={**access_claims, **common, "scope": " ".join(scopes)},
    )
    id_token, _ = pool.model.create_jwt(
        app.id, user.username, "id", expires_in=id_life, extra_data={**id_claims, **common}
    )
    pool.model.access_tokens[access_token] = (app.id, user.username)
    pool.model.id_tokens[id_token] = (app.id, user.username)
    STATE.issued_with[access_token] = refresh_token
    return {
        "AccessToken": access_token,
        "ExpiresIn": access_life,
        "TokenType": "Bearer",
        "IdToken": id_token,
    }


def _pre_token_generation(
    pool: Pool,
    app: App,
    user: CognitoIdpUser,
    source: str,
    attributes: Mapping[str, str],
    groups: list[str],
    client_metadata: Mapping[str, str] | None,
    id_claims: dict[str, Any],
    access_claims: dict[str, Any],
    scopes: list[str],
) -> None:
    configured = triggers.function_of(pool, "PreTokenGeneration")
    if configured is None:
        return
    version = configured[1]
    request: dict[str, Any] = {
        "userAttributes": {**attributes, "cognito:user_status": status_of(user)},
        "groupConfiguration": {
            "groupsToOverride": list(groups),
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
        "clientMetadata": dict(client_metadata or {}),
    }
    if version != "1":
        request["scopes"] = list(scopes)
    answer = (
        triggers.run(
            pool,
            "PreTokenGeneration",
            source,
            username=user.username,
            client_id=app.id,
            request=request,
            response={"claimsOverrideDetails": None}
            if version == "1"
            else {"claimsAndScopeOverrideDetails": None},
        )
        or {}
    )
    if version == "1":
        details = answer.get("claimsOverrideDetails") or {}
        _apply(id_claims, details, strings_only=True)
    else:
        details = answer.get("claimsAndScopeOverrideDetails") or {}
        if not isinstance(details, Mapping):
            raise CognitoError("InvalidLambdaResponseException", "Invalid lambda function output")
        _apply(id_claims, details.get("idTokenGeneration") or {}, strings_only=False)
        access = details.get("accessTokenGeneration") or {}
        _apply(access_claims, access, strings_only=False)
        added, suppressed = access.get("scopesToAdd") or [], access.get("scopesToSuppress") or []
        if not isinstance(added, list) or not isinstance(suppressed, list):
            raise CognitoError("InvalidLambdaResponseException", "Invalid lambda function output")
        for scope in added:
            if isinstance(scope, str) and " " not in scope and scope not in scopes:
                scopes.append(scope)
        for scope in suppressed:
            if scope in scopes:
                scopes.remove(scope)
    group_override = details.get("groupOverrideDetails")
    if isinstance(group_override, dict):
        override = group_override.get("groupsToOverride")
        for claims in (id_claims, access_claims):
            if override:
                claims["cognito:groups"] = [str(g) for g in override]
            else:
                claims.pop("cognito:groups", None)


def _apply(claims: dict[str, Any], details: Mapping[str, Any], *, strings_only: bool) -> None:
    """Add, override, then suppress claims; reserved ones are left alone.

    Suppression wins over addition of the same claim.
    """
    if not isinstance(details, Mapping):
        raise CognitoError("InvalidLambdaResponseException", "Invalid lambda function output")
    added = details.get("claimsToAddOrOverride") or {}
    suppressed = details.get("claimsToSuppress") or []
    if not isinstance(added, Mapping) or not isinstance(suppressed, list):
        raise CognitoError("InvalidLambdaResponseException", "Invalid lambda function output")
    for name, value in added.items():
        if name in RESERVED or name.startswith("cognito:"):
            continue
        if strings_only and not isinstance(value, str):
            raise CognitoError(
                "InvalidLambdaResponseException",
                "Invalid lambda function output : claim values of a V1 trigger are strings",
            )
        claims[str(name)] = value
    for name in suppressed:
        if name not in RESERVED and not str(name).startswith("cognito:"):
            claims.pop(str(name), None)


def sign(pool: Pool, claims: Mapping[str, Any]) -> str:
    """A JWT of ``claims`` signed as moto signs the pool's tokens (RS256, its one key)."""
    key = pool.model.json_web_key
    return str(jwt.encode({"kid": key.kid, "alg": "RS256"}, dict(claims), key))


def user_of_access_token(access_token: str) -> tuple[Pool, str, CognitoIdpUser]:
    """The pool, client id and user an access token acts for, as Cognito checks it.

    Raises:
        CognitoError: NotAuthorizedException ("Invalid Access Token", "Access Token has
            expired", "Access Token has been revoked", "User is disabled.") or
            UserNotFoundException for a user deleted since.
    """
    issued = pool_of_user_token(access_token)
    claims = _claims(access_token)
    if issued is None:
        # An id token (token_use "id") is no access token, revoked or not.
        if claims is None or claims.get("token_use") != "access" or not _known_issuer(claims):
            raise CognitoError.not_authorized("Invalid Access Token")
        if _expired(claims):
            raise CognitoError.not_authorized("Access Token has expired")
        if USER_SCOPE not in str(claims.get("scope", "")).split():
            # A machine's token (client credentials) never acts for a user.
            raise CognitoError.not_authorized("Access Token does not have required scopes")
        raise CognitoError.not_authorized("Access Token has been revoked")
    pool, client_id, username = issued
    if claims is None or _expired(claims):
        raise CognitoError.not_authorized("Access Token has expired")
    if USER_SCOPE not in str(claims.get("scope", "")).split():
        raise CognitoError.not_authorized("Access Token does not have required scopes")
    user = pool.find_user(username)
    if user is None or claims.get("sub") != user.id:
        # Deleted, or deleted and created again: the token's user is gone.
        raise CognitoError.user_not_found()
    if not user.enabled:
        raise CognitoError.not_authorized("User is disabled.")
    return pool, client_id, user


def end_all(pool: Pool, username: str) -> None:
    """End every token of a user being deleted, and forget the front's records of them.

    Its access tokens answer "Access Token has been revoked" from now on, its refresh
    tokens "Refresh Token has been revoked" (moto's sign-out marks them).
    """
    model = pool.model
    refresh_tokens = [
        t for t, issued in model.refresh_tokens.items() if issued and issued[1] == username
    ]
    access_tokens = [t for t, (_, name) in model.access_tokens.items() if name == username]
    model.sign_out(username)
    for token in [t for t, (_, name) in model.id_tokens.items() if name == username]:
        del model.id_tokens[token]
    for token in refresh_tokens:
        STATE.refresh.pop(token, None)
    for token in access_tokens:
        STATE.issued_with.pop(token, None)


def _claims(token: str) -> dict[str, Any] | None:
    try:
        payload = token.split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None


def _expired(claims: Mapping[str, Any]) -> bool:
    exp = claims.get("exp")
    return not isinstance(exp, (int, float)) or exp < time.time()


def _known_issuer(claims: Mapping[str, Any]) -> bool:
    pool_id = str(claims.get("iss", "")).rpartition("/")[2]
    try:
        find_pool(pool_id)
    except CognitoError:
        return False
    return True
