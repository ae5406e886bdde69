"""The Lambda REQUEST authorizer of group-restricted routes: ``runtime.group_authorizer.handler``.

Design note.

What it owns: the decision for one id token. It verifies the token as the Cognito guide
"Verifying a JSON web token" asks
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html):
RS256 signature with the pool's key named by ``kid`` (:mod:`.jwt_rs256`), ``iss`` the
pool's, ``token_use`` ``id``, ``aud`` one of the app clients, ``exp`` in the future (no
leeway). It then returns the policy of :func:`.route_policy.policy_statements`: Allow for
every route the caller's ``cognito:groups`` admit, an explicit Deny for the others that
those patterns reach, or one explicit Deny for the whole stage when no route admits the
caller. API Gateway caches that answer per token for the authorizer's TTL and applies it
to every method behind the authorizer
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).

Answers. A token that is missing or refused raises ``Exception("Unauthorized")``, which
API Gateway turns into 401 without calling the route. The function's own trouble (a
setting missing or invalid, the JWKS unreachable, an event without a method ARN) raises
:class:`AuthorizerError` instead: API Gateway answers 500, not 401, so clients do not
discard good tokens during an outage. Both refuse; neither reaches the route.

Signing keys: fetched from the pool's JWKS at first use with a short timeout and kept for
the execution environment; fetched again on an unknown ``kid`` (at most once a minute, so
forged ``kid`` values cannot make each invocation a fetch) and, at next use, once they are
an hour old (a key Cognito withdrew stops verifying; a failed refresh keeps the old keys).

Context: the route's Lambda finds in ``requestContext.authorizer`` every claim of the id
token as a Cognito user pools authorizer hands it to a route (strings: ``exp`` and
``iat`` as ``"Sun Nov 29 12:00:00 UTC 2026"``, other numbers as digits, booleans as
``"true"``/``"false"``, lists comma-separated, objects as JSON), plus ``username`` and
``groups`` (comma-separated). API Gateway allows no nested object there, so the claims
are the context's own keys rather than a ``claims`` object: a handler reads
``authorizer.get("claims", authorizer)`` and serves both kinds of protected route.

Logs: one INFO line per decision, with counts and the refusal's reason, never the token
or a claim; the username at DEBUG only.

Environment:
    USER_POOL_ID: The pool whose id tokens are accepted.
    USER_POOL_CLIENT_ID: The app client ids, comma-separated; ``aud`` must be one.
    AWS_REGION: The pool's region (Lambda sets it).
    ROUTE_GROUPS: ``[{"method": "GET", "path": "/admin/reports/{id}", "groups":
        ["admins"]}, ...]``: every method behind this authorizer.
    TOKEN_HEADER: The header carrying the id token. Defaults to ``Authorization``; an
        optional ``Bearer`` prefix is stripped.
    JWKS_URL: Where the signing keys are. Defaults to ``{AWS_ENDPOINT_URL}/{pool}/
        .well-known/jwks.json`` when an endpoint is configured (the local emulator's
        Cognito serves them there, and its tokens carry the real AWS issuer:
        docs/facts.md#moto), else to the pool's JWKS in AWS.
    LOG_LEVEL: This function's log level. Defaults to INFO.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple, TypeGuard
from urllib.parse import urlsplit

from .jwt_rs256 import InvalidTokenError, RsaPublicKey, parse_jwks, split_token, verified_claims
from .route_policy import Route, method_arn_prefix, parse_routes, policy_statements

__all__ = [
    "AuthorizerError",
    "GroupAuthorizer",
    "Settings",
    "SigningKeys",
    "fetch_jwks",
    "handler",
    "jwks_url",
    "settings_from",
]

#: Seconds to wait for the JWKS: the authorizer's whole answer is on the request's path.
FETCH_TIMEOUT_SECONDS: Final = 3.0
#: An unknown ``kid`` fetches the keys again only if the last attempt is older than this.
REFETCH_AFTER_SECONDS: Final = 60.0
#: Keys older than this are fetched again at next use.
KEYS_MAX_AGE_SECONDS: Final = 3600.0
_MAX_JWKS_BYTES: Final = 1 << 20
_POOL_ID: Final = re.compile(r"[\w-]+_[0-9A-Za-z]+")

LOGGER = logging.getLogger("cognito_api_construct.group_authorizer")
_level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").strip().upper())
LOGGER.setLevel(_level if isinstance(_level, int) else logging.INFO)


class AuthorizerError(Exception):
    """The authorizer cannot decide (settings, JWKS, event): API Gateway answers 500.

    The message names settings or causes only, never a token.
    """


class _Refused(Exception):
    """The token is refused: 401. The message is a reason for the log."""


class Settings(NamedTuple):
    """What the authorizer accepts, from its environment (see :func:`settings_from`)."""

    issuer: str
    client_ids: frozenset[str]
    token_header: str
    routes: tuple[Route, ...]
    jwks_url: str


def settings_from(environ: Mapping[str, str]) -> Settings:
    """Read the authorizer's settings (see the module's Environment).

    Raises:
        AuthorizerError: A setting is missing or invalid; the message names it.
    """
    pool_id = environ.get("USER_POOL_ID", "").strip()
    region = environ.get("AWS_REGION", "").strip()
    clients = frozenset(
        client.strip() for client in environ.get("USER_POOL_CLIENT_ID", "").split(",")
    ) - {""}
    if not _POOL_ID.fullmatch(pool_id):
        raise AuthorizerError("USER_POOL_ID is missing or not a user pool id")
    if not re.fullmatch(r"[a-z0-9-]+", region):
        raise AuthorizerError("AWS_REGION is missing or not a region")
    if not clients:
        raise AuthorizerError("USER_POOL_CLIENT_ID is missing")
    try:
        routes = parse_routes(environ.get("ROUTE_GROUPS", ""))
    except ValueError as error:
        raise AuthorizerError(str(error)) from None
    return Settings(
        issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
        client_ids=clients,
        token_header=environ.get("TOKEN_HEADER", "").strip() or "Authorization",
        routes=routes,
        jwks_url=jwks_url(environ, pool_id, region),
    )


def jwks_url(environ: Mapping[str, str], pool_id: str, region: str) -> str:
    """The pool's JWKS URL: ``JWKS_URL``, else under a configured endpoint, else AWS's.

    The configured endpoint is found as botocore finds it (and as the auth function's
    Cognito client does): ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``, then
    ``AWS_ENDPOINT_URL``, both ignored with ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true``.
    """
    explicit = environ.get("JWKS_URL", "").strip()
    if explicit:
        return explicit
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() != "true":
        endpoint = environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or environ.get(
            "AWS_ENDPOINT_URL"
        )
        if endpoint:
            return f"{endpoint.rstrip('/')}/{pool_id}/.well-known/jwks.json"
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}/.well-known/jwks.json"


def fetch_jwks(url: str, timeout: float | None = None) -> dict[str, RsaPublicKey]:
    """Fetch a JWK Set and keep its RS256 keys (see :func:`.jwt_rs256.parse_jwks`).

    Args:
        url: The JWKS URL.
        timeout: Seconds to wait; defaults to :data:`FETCH_TIMEOUT_SECONDS`.

    Raises:
        AuthorizerError: Not an http(s) URL, no answer in time, an error status, or not a
            JWK Set.
    """
    if urlsplit(url).scheme not in ("https", "http"):
        raise AuthorizerError("JWKS_URL is not an http(s) URL")
    # Imported here: http.client, email and ssl cost ~25 ms, paid at the first fetch only.
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        wait = FETCH_TIMEOUT_SECONDS if timeout is None else timeout
        with urllib.request.urlopen(request, timeout=wait) as response:  # noqa: S310 - http(s) only
            body = response.read(_MAX_JWKS_BYTES + 1)
        if len(body) > _MAX_JWKS_BYTES:
            raise ValueError("JWKS too large")
        return parse_jwks(json.loads(body))
    except Exception as error:  # the network's and the document's, all alike
        raise AuthorizerError(f"JWKS unavailable ({type(error).__name__})") from None


class SigningKeys:
    """The pool's signing keys, fetched at first use and kept (see the module's note).

    Args:
        url: The JWKS URL.
        fetch: Fetches and parses a JWKS (:func:`fetch_jwks`).
        clock: Monotonic seconds.
    """

    def __init__(
        self,
        url: str,
        fetch: Callable[[str], dict[str, RsaPublicKey]] = fetch_jwks,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, RsaPublicKey] | None = None
        self._fetched_at = 0.0
        self._attempted_at = 0.0

    def key(self, kid: str) -> RsaPublicKey | None:
        """The key named ``kid``, or None when the pool publishes no such key.

        Raises:
            AuthorizerError: No keys could be fetched yet.
        """
        now = self._clock()
        if self._keys is None:
            self._load(now)
        # Never more than one fetch a minute once keys are known, failed or not.
        may_fetch = now - self._attempted_at >= REFETCH_AFTER_SECONDS
        if may_fetch and now - self._fetched_at >= KEYS_MAX_AGE_SECONDS:
            self._refresh(now)
            may_fetch = False
        assert self._keys is not None  # _load sets it or raises
        found = self._keys.get(kid)
        if found is None and may_fetch:
            self._refresh(now)
            found = self._keys.get(kid)
        return found

    def _load(self, now: float) -> None:
        self._attempted_at = now
        self._keys = self._fetch(self._url)
        self._fetched_at = now

    def _refresh(self, now: float) -> None:
        try:
            self._load(now)
        except AuthorizerError as error:
            LOGGER.warning(
                json.dumps({"jwks": "refresh failed, old keys kept", "error": str(error)})
            )


class _Caller(NamedTuple):
    sub: str
    username: str
    groups: tuple[str, ...]
    claims: Mapping[str, Any]


def _route_context(caller: _Caller) -> dict[str, str]:
    """The authorizer's ``context``: the caller's claims as strings (see the module's note)."""
    context = {name: _claim_text(name, value) for name, value in caller.claims.items()}
    context.update(username=caller.username, groups=",".join(caller.groups))
    return context


def _claim_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in ("exp", "iat") and _is_number(value):
        try:
            moment = time.gmtime(value)
        except (OverflowError, OSError, ValueError):
            return str(value)
        return time.strftime("%a %b %d %H:%M:%S UTC %Y", moment)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class GroupAuthorizer:
    """Decides for one REQUEST authorizer event (see the module's note).

    Args:
        settings: What is accepted.
        keys: The pool's signing keys.
        clock: Epoch seconds, for ``exp``.
    """

    def __init__(
        self, settings: Settings, keys: SigningKeys, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self._keys = keys
        self._clock = clock

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> GroupAuthorizer:
        """The authorizer of the function's environment, fetching keys with urllib."""
        settings = settings_from(environ)
        return cls(settings, SigningKeys(settings.jwks_url))

    def authorize(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The authorizer's output for ``event``.

        Raises:
            _Refused: The token is missing or refused (the handler answers 401).
            AuthorizerError: The authorizer cannot decide (500).
        """
        method_arn = event.get("methodArn")
        try:
            prefix = method_arn_prefix(method_arn if isinstance(method_arn, str) else "")
        except ValueError:
            raise AuthorizerError("the event has no execute-api methodArn") from None
        caller = self._verify(self._token(event))
        statements, admitted = policy_statements(prefix, self.settings.routes, caller.groups)
        LOGGER.debug(json.dumps({"username": caller.username}))
        LOGGER.info(
            json.dumps(
                {
                    "decision": "allow" if admitted else "deny",
                    "routes_allowed": admitted,
                    "routes": len(self.settings.routes),
                    "groups": len(caller.groups),
                }
            )
        )
        return {
            "principalId": caller.sub,
            "policyDocument": {"Version": "2012-10-17", "Statement": statements},
            "context": _route_context(caller),
        }

    def _token(self, event: Mapping[str, Any]) -> str:
        wanted = self.settings.token_header.lower()
        values: list[str] = []
        for source in ("headers", "multiValueHeaders"):
            headers = event.get(source)
            for name, value in headers.items() if isinstance(headers, dict) else ():
                if isinstance(name, str) and name.lower() == wanted:
                    found = value if isinstance(value, list) else [value]
                    values += [item for item in found if isinstance(item, str)]
        distinct = set(values)
        if len(distinct) != 1:
            # None, or two different values: which one API Gateway keyed its cache on is
            # not known, so neither is trusted.
            raise _Refused("no token" if not distinct else "several token headers")
        token = distinct.pop().strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise _Refused("no token")
        return token

    def _verify(self, token: str) -> _Caller:
        try:
            signed = split_token(token)
            header = signed.header
            if header.get("alg") != "RS256":
                raise InvalidTokenError("alg is not RS256")
            kid = header.get("kid")
            if not isinstance(kid, str):
                raise InvalidTokenError("no kid")
            key = self._keys.key(kid)
            if key is None:
                raise InvalidTokenError("unknown kid")
            claims = verified_claims(signed, key)
        except InvalidTokenError as error:
            raise _Refused(str(error)) from None
        return self._caller(claims)

    def _caller(self, claims: Mapping[str, Any]) -> _Caller:
        settings = self.settings
        if claims.get("iss") != settings.issuer:
            raise _Refused("iss is not the user pool")
        if claims.get("token_use") != "id":
            raise _Refused("not an id token")
        audience = claims.get("aud")
        if not isinstance(audience, str) or audience not in settings.client_ids:
            raise _Refused("aud is not an app client")
        now = self._clock()
        expires = claims.get("exp")
        if not _is_number(expires):
            raise _Refused("exp is not a number")
        if not now < expires:
            raise _Refused("expired")
        if "nbf" in claims and not (_is_number(claims["nbf"]) and claims["nbf"] <= now):
            raise _Refused("not yet valid")
        sub, username = claims.get("sub"), claims.get("cognito:username")
        groups = claims.get("cognito:groups", [])
        if not isinstance(sub, str) or not sub or not isinstance(username, str) or not username:
            raise _Refused("no sub or cognito:username")
        if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
            raise _Refused("cognito:groups is not a list of names")
        return _Caller(sub=sub, username=username, groups=tuple(groups), claims=claims)


def _is_number(value: object) -> TypeGuard[int | float]:
    # A JSON number: bool is an int in Python, and NaN compares false with everything.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


#: Created at the first invocation (its signing keys outlive it); tests may replace it.
_authorizer: GroupAuthorizer | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one REQUEST authorizer event from API Gateway (REST API).

    Returns:
        The authorizer output: ``principalId`` (the ``sub``), ``policyDocument`` and
        ``context`` (the id token's claims as strings, ``username``, ``groups``
        comma-separated).

    Raises:
        Exception: ``"Unauthorized"`` for a missing or refused token (401).
        AuthorizerError: The authorizer cannot decide (500).
    """
    global _authorizer
    try:
        if _authorizer is None:
            _authorizer = GroupAuthorizer.from_environment(os.environ)
        return _authorizer.authorize(event)
    except _Refused as refusal:
        LOGGER.info(json.dumps({"decision": "unauthorized", "reason": str(refusal)}))
        raise Exception("Unauthorized") from None  # API Gateway's contract: 401
    except AuthorizerError as error:
        LOGGER.error(json.dumps({"decision": "error", "error": str(error)}))
        raise
