"""The Cognito user pools authorizer, checking tokens as API Gateway's REST authorizer does.

It owns the decision allow/deny for one token: RS256 signature against the embedded
Cognito's JWKS (fetched once per pool), ``iss`` equal to one of the authorizer's pools,
``exp`` in the future, then either an id token whose ``aud`` is a client of that pool
or, on methods with authorization scopes, an access token carrying one of them. It
returns the claims as API Gateway passes them to the Lambda (all strings). It does
not read requests or write responses: the gateway gives it a header value.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import jwt

__all__ = ["CognitoAuthorizer", "UnauthorizedError", "UserPoolKeys", "claims_as_strings"]

_ALGORITHM = "RS256"


class UnauthorizedError(Exception):
    """The token is missing or not acceptable; the reason is for logs, never for callers."""


class UserPoolKeys:
    """The signing keys of user pools, fetched from ``{endpoint}/{pool_id}/.well-known/jwks.json``.

    Args:
        endpoint_url: the embedded Cognito's URL (loopback).
    """

    def __init__(self, endpoint_url: str) -> None:
        self._endpoint_url = endpoint_url.rstrip("/")
        self._keys: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def key(self, pool_id: str, kid: str) -> Any:
        """The public key ``kid`` of ``pool_id``.

        Raises:
            UnauthorizedError: the pool publishes no such key.
        """
        with self._lock:
            if pool_id not in self._keys:
                self._keys[pool_id] = self._fetch(pool_id)
            keys = self._keys[pool_id]
        if kid not in keys:
            raise UnauthorizedError(f"unknown key id {kid!r}")
        return keys[kid]

    def _fetch(self, pool_id: str) -> dict[str, Any]:
        url = f"{self._endpoint_url}/{pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback http
            document = json.loads(response.read())
        key_set = jwt.PyJWKSet.from_dict(document)
        return {key.key_id: key.key for key in key_set.keys if key.key_id}


class CognitoAuthorizer:
    """Checks tokens for the methods guarded by one ``COGNITO_USER_POOLS`` authorizer.

    Args:
        keys: the pools' signing keys.
        region: the region in the expected issuer URL.
        pool_clients: for each user pool id of the authorizer, its app client ids.

    Example:
        >>> pools = {pool_id: [client_id]}
        >>> authorizer = CognitoAuthorizer(keys, "us-east-1", pools)  # doctest: +SKIP
        >>> claims = authorizer.authorize(header_value, scopes=())  # doctest: +SKIP
    """

    def __init__(
        self, keys: UserPoolKeys, region: str, pool_clients: Mapping[str, Sequence[str]]
    ) -> None:
        self._keys = keys
        # moto signs with the real AWS issuer URL even locally (docs/facts.md#moto).
        self._issuers = {
            f"https://cognito-idp.{region}.amazonaws.com/{pool_id}": (pool_id, tuple(clients))
            for pool_id, clients in pool_clients.items()
        }

    def authorize(self, header_value: str | None, scopes: Sequence[str]) -> dict[str, str]:
        """Return the token's claims as strings if API Gateway would let it through.

        Args:
            header_value: the identity-source header as received (None when absent).
                A ``Bearer`` prefix is accepted as API Gateway accepts it.
            scopes: the method's ``AuthorizationScopes`` (empty: id tokens only).

        Raises:
            UnauthorizedError: the gateway must answer 401 and not invoke the Lambda.
        """
        token = (header_value or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise UnauthorizedError("no token")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"malformed token: {error}") from error
        # Pin the algorithm before anything else: "none" and HS256 (signed with the
        # public key as a shared secret) must never reach signature checking.
        if header.get("alg") != _ALGORITHM:
            raise UnauthorizedError(f"algorithm {header.get('alg')!r} refused")
        issuer = unverified.get("iss")
        # Unverified and the caller's to choose: a list or an object is no issuer (and
        # cannot be a dict key).
        if not isinstance(issuer, str) or issuer not in self._issuers:
            raise UnauthorizedError("issuer is not a user pool of this authorizer")
        pool_id, clients = self._issuers[issuer]
        key = self._keys.key(pool_id, str(header.get("kid")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[_ALGORITHM],
                issuer=issuer,
                options={"require": ["exp", "iss", "token_use"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"token rejected: {error}") from error
        _check_use(claims, clients, scopes)
        return claims_as_strings(claims)


def _check_use(claims: Mapping[str, Any], clients: Sequence[str], scopes: Sequence[str]) -> None:
    if scopes:
        # With scopes on the method, API Gateway wants an access token granting one.
        granted = str(claims.get("scope", "")).split()
        if claims.get("token_use") != "access" or not set(granted) & set(scopes):
            raise UnauthorizedError("access token with one of the method's scopes required")
        return
    if claims.get("token_use") != "id":
        raise UnauthorizedError("id token required on a method without scopes")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if not {item for item in audiences if isinstance(item, str)} & set(clients):
        raise UnauthorizedError("audience is not a client of the user pool")


def claims_as_strings(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's REST Cognito authorizer hands them to the integration.

    Every value is a string: ``exp`` and ``iat`` as ``"Fri Nov 27 12:00:00 UTC 2026"``,
    other numbers as digits, booleans as ``"true"``/``"false"``, lists comma-separated.
    """
    result = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, (int, float)):
            try:
                moment = datetime.fromtimestamp(value, tz=timezone.utc)
            except (OverflowError, OSError, ValueError):
                # A date past the calendar (an exp of 1e20): passed on as written.
                result[name] = str(value)
                continue
            result[name] = moment.strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            result[name] = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            result[name] = str(int(value))
        elif isinstance(value, list):
            result[name] = ",".join(str(item) for item in value)
        elif isinstance(value, dict):
            result[name] = json.dumps(value)
        else:
            result[name] = str(value)
    return result
