"""The auth Lambda's entry point: ``runtime.handler.handler``.

Thin on purpose: parse the event, pick the route, validate the body, call the route
function with the Cognito client, turn the result or the error into a response, and log
one structured line. The Cognito client is created once per execution environment, at
import, so warm invocations reuse its connections.

Environment:
    USER_POOL_ID: The user pool new users are created in.
    USER_POOL_CLIENT_ID: The app client users sign in with.
    USER_POOL_CLIENT_SECRET: Its secret, when it has one: every call that names a user
        carries the SECRET_HASH computed with it. Never logged.
    LOG_LEVEL: Level of this function's own log lines. Defaults to INFO. botocore and
        urllib3 stay at WARNING whatever it says: at DEBUG they log request bodies,
        passwords included.
    CORS_ALLOW_ORIGINS, CORS_ALLOW_CREDENTIALS, CORS_EXPOSE_HEADERS: The ``cors`` prop,
        turned into the CORS headers of every answer (see :mod:`.cors`).
    SIGN_UP_FLOW: ``ADMIN_CREATE`` (the default) or ``SELF_SERVICE``: which routes exist.
    AUTH_FEATURES: Comma-separated optional features whose routes exist: ``USER_AUTH``
        (``/auth/start``: choice-based sign-in), ``PASSKEYS`` (``/passkeys...``).
    TOKEN_HEADER: The header the access token arrives in (``/signout``,
        ``/password/change``, the signed-in ``/mfa`` routes). Defaults to
        ``Authorization``.
    TOTP_ISSUER: The issuer authenticator apps show. Defaults to ``cognito-api``.
    MFA_STEP_UP_SECONDS: How recent a sign-in must be for a signed-in user to change
        their second factor. Defaults to 300.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from .cognito_api import Cognito
from .cognito_errors import MISCONFIGURATION, from_cognito, service_error_parts
from .context import (
    DEFAULT_STEP_UP_SECONDS,
    DEFAULT_TOTP_ISSUER,
    Caller,
    Settings,
    access_token_from,
)
from .contract import Credential, Route, routes_for
from .cors import CorsSettings
from .errors import (
    ApiError,
    BadRequestError,
    CredentialsInQueryStringError,
    MethodNotAllowedError,
    NotFoundError,
)
from .events import (
    Request,
    empty_response,
    error_response,
    json_body,
    json_response,
    parse_request,
)
from .validation import SchemaValidationError, validate

LOGGER = logging.getLogger("cognito_api_construct.auth")
_level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").strip().upper())
LOGGER.setLevel(_level if isinstance(_level, int) else logging.INFO)
for _noisy in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


def new_cognito_client() -> Cognito:
    """Create the Cognito the routes use (see :mod:`.cognito_api`).

    The standard-library client for the unauthenticated operations, boto3 on first use
    for the others. The region is the function's (``AWS_REGION``); the endpoint honours
    ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``) for
    local emulators, as botocore does.
    """
    return Cognito(os.environ.get("AWS_REGION"))


#: Created once per execution environment (its connection is reused by warm
#: invocations); tests may put any client with boto3's method names here.
_cognito: Any = new_cognito_client()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one auth request from API Gateway (REST API, proxy integration).

    Args:
        event: The proxy event.
        context: The Lambda context; its ``aws_request_id`` goes into logs and into
            the message of a 500.

    Returns:
        The proxy response: JSON body, ``Cache-Control: no-store``.
    """
    started = time.perf_counter()
    request = Request(resource="", method="")
    request_id = str(getattr(context, "aws_request_id", "") or "")
    failure: dict[str, str] = {}
    error: ApiError | None = None
    dispatch = _Dispatch()
    try:
        request = parse_request(event)
        request_id = request_id or request.request_id or "unknown"
        status, payload = dispatch(request)
        response = json_response(status, payload) if payload is not None else empty_response(status)
    except ApiError as api_error:
        error = api_error
    except Exception as unexpected:  # every failure must become a response
        error = from_cognito(unexpected, request_id or "unknown", dispatch.credential)
        failure = _describe_failure(unexpected)
    if error is not None:
        response = error_response(error)
    # Every answer, errors and 204s included: a browser reads none without them.
    response["headers"].update(
        CorsSettings.from_environment().headers_for(request.headers.get("origin"))
    )
    _log(request, response["statusCode"], started, request_id, error, failure)
    return response


class _Dispatch:
    """Routes one request; remembers the credential its Cognito calls used."""

    def __init__(self) -> None:
        self.credential: Credential = "password"

    def __call__(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        # Before anything else, so a password sent in a URL is not even read.
        if request.query:
            raise CredentialsInQueryStringError()
        methods = _routes().get(request.resource)
        if methods is None:
            raise NotFoundError()
        if request.method not in methods:
            raise MethodNotAllowedError(allowed=tuple(methods))
        route, function = methods[request.method]
        # A GET or DELETE route's input is its path (API Gateway decoded it): validated
        # with the same schema a body would be.
        body = json_body(request) if route.has_body else dict(request.path_parameters)
        try:
            validate(body, route.request)
        except SchemaValidationError as invalid:
            raise BadRequestError(str(invalid)) from None
        self.credential = route.credential_for(body)
        caller = Caller(access_token_from(request.headers, _token_header()))
        return route.status, function(_cognito, _settings(), body, caller)


RouteFunction = Callable[[Any, Settings, dict[str, Any], Caller], "dict[str, Any] | None"]
#: Each flow's routes by resource path and method, with their functions; built on first
#: use from the contract's declarations.
_ROUTE_TABLES: dict[str, dict[str, dict[str, tuple[Route, RouteFunction]]]] = {}


def _routes() -> dict[str, dict[str, tuple[Route, RouteFunction]]]:
    flow = os.environ.get("SIGN_UP_FLOW", "").strip().upper() or "ADMIN_CREATE"
    raw = os.environ.get("AUTH_FEATURES", "")
    features = frozenset(f.strip().upper() for f in raw.split(",") if f.strip())
    key = f"{flow}:{','.join(sorted(features))}"
    if key not in _ROUTE_TABLES:
        try:
            declared = routes_for(flow, features)
        except KeyError:
            raise MissingSettingError("SIGN_UP_FLOW must be ADMIN_CREATE or SELF_SERVICE") from None
        table: dict[str, dict[str, tuple[Route, RouteFunction]]] = {}
        for route in declared:
            table.setdefault(route.resource, {})[route.method] = (route, function_of(route))
        _ROUTE_TABLES[key] = table
    return _ROUTE_TABLES[key]


def function_of(route: Route) -> RouteFunction:
    """The function a route's declaration names (``"account.sign_out"``), imported."""
    module, _, name = route.function.rpartition(".")
    function: RouteFunction = getattr(importlib.import_module(f".{module}", __package__), name)
    return function


def _token_header() -> str:
    return os.environ.get("TOKEN_HEADER", "").strip() or "Authorization"


class MissingSettingError(RuntimeError):
    """A required environment variable of the function is not set."""


def _settings() -> Settings:
    # Read per request (a dictionary lookup) so a missing variable shows in the log line
    # of the request rather than as an import failure.
    missing = [name for name in ("USER_POOL_ID", "USER_POOL_CLIENT_ID") if not os.environ.get(name)]
    if missing:
        raise MissingSettingError(f"not set: {', '.join(missing)}")
    return Settings(
        user_pool_id=os.environ["USER_POOL_ID"],
        client_id=os.environ["USER_POOL_CLIENT_ID"],
        totp_issuer=os.environ.get("TOTP_ISSUER", "").strip() or DEFAULT_TOTP_ISSUER,
        client_secret=os.environ.get("USER_POOL_CLIENT_SECRET") or None,
        step_up_seconds=_seconds(os.environ.get("MFA_STEP_UP_SECONDS"), DEFAULT_STEP_UP_SECONDS),
    )


def _seconds(value: str | None, default: int) -> int:
    try:
        seconds = int(value or default)
    except ValueError:
        return default
    return seconds if seconds > 0 else default


def _describe_failure(exception: Exception) -> dict[str, str]:
    # Names only: exception text can carry usernames or Cognito's internals.
    described = {"exception": type(exception).__name__}
    parts = service_error_parts(exception)
    if parts is not None:
        operation, code = parts
        described["operation"] = operation
        described["cognito_error"] = code
        if code == MISCONFIGURATION:
            described["detail"] = (
                "misconfiguration: Cognito knows no such user pool or app client "
                "(check USER_POOL_ID and USER_POOL_CLIENT_ID)"
            )
    elif isinstance(exception, MissingSettingError):
        described["detail"] = str(exception)  # our own text: variable names only
    return described


def _log(
    request: Request,
    status: int,
    started: float,
    request_id: str,
    error: ApiError | None,
    failure: dict[str, str],
) -> None:
    # Never the body, headers or query: they are where passwords, sessions and tokens are.
    line: dict[str, Any] = {
        "route": request.resource[:128],
        "method": request.method[:16],
        "status": status,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "request_id": request_id or "unknown",
        "error": error.code if error else None,
    }
    line.update(failure)
    level = logging.ERROR if status >= 500 else logging.INFO
    LOGGER.log(level, json.dumps(line, separators=(",", ":")))
