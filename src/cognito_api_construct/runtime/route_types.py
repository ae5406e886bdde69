"""The type of an auth route's declaration (see :mod:`.contract` for the declarations).

Standard library only, like the contract: the construct imports it at synth time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from . import schemas as s
from .errors import (
    ApiError,
    BadRequestError,
    CredentialsInQueryStringError,
    InternalError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnsupportedMediaTypeError,
)
from .schemas import Schema

__all__ = [
    "ADMIN_CREATE",
    "COMMON_ERRORS",
    "FEATURES",
    "FLOWS",
    "PASSKEYS",
    "SELF_SERVICE",
    "SESSION_OR_ACCESS_TOKEN",
    "USER_AUTH",
    "Credential",
    "Route",
    "RouteCredential",
]

#: What authenticates a Cognito call, as far as its errors are concerned: a refused
#: session, access token or refresh token each have their own answer.
Credential = Literal["password", "session", "access_token", "refresh_token"]
#: The MFA routes use a session during sign-in and the access token once signed in.
SESSION_OR_ACCESS_TOKEN: Final = "session_or_access_token"  # noqa: S105 - a name
RouteCredential = Literal[
    "password", "session", "access_token", "refresh_token", "session_or_access_token"
]

#: The sign-up flows (``SignUpFlow.value``, the function's ``SIGN_UP_FLOW``).
ADMIN_CREATE: Final = "ADMIN_CREATE"
SELF_SERVICE: Final = "SELF_SERVICE"
FLOWS: Final = frozenset({ADMIN_CREATE, SELF_SERVICE})

#: Optional features a deployment turns on (the function's ``AUTH_FEATURES``):
#: ``USER_AUTH``, choice-based sign-in (a first factor other than the password);
#: ``PASSKEYS``, WebAuthn passkeys among the first factors.
USER_AUTH: Final = "USER_AUTH"
PASSKEYS: Final = "PASSKEYS"
FEATURES: Final = frozenset({USER_AUTH, PASSKEYS})

#: What any auth route may answer, whatever it does: a refused body (the gateway's
#: model or the function's own check), a query string, a body that is not JSON,
#: Cognito's throttling, an unexpected failure, Cognito out of reach.
COMMON_ERRORS: Final[tuple[type[ApiError], ...]] = (
    BadRequestError,
    CredentialsInQueryStringError,
    UnsupportedMediaTypeError,
    TooManyRequestsError,
    InternalError,
    ServiceUnavailableError,
)


@dataclass(frozen=True)
class Route:
    """One auth route, declared once.

    Attributes:
        path: The resource path without the leading slash, e.g. ``"password/forgot"``.
        function: ``"<module>.<function>"`` in the runtime package; it is called with
            the Cognito client, the settings, the validated body and the caller.
        request: The request body's schema (the gateway's model, the function's check).
        status: The success status.
        response: The success body's schema; None for an answer without a body (204).
        errors: The errors this route can answer besides :data:`COMMON_ERRORS`.
        operations: The Cognito operations its function calls.
        credential: What authenticates those calls (see :data:`Credential`); the MFA
            routes decide by the body (a session, or the access token).
        method: The HTTP method. Defaults to POST.
        flows: The sign-up flows that serve it. Defaults to both.
        summary: One line for humans (the OpenAPI operation's summary).
        features: The features it needs (:data:`FEATURES`). Defaults to none.
    """

    path: str
    function: str
    request: Schema
    status: int
    response: Schema | None
    errors: tuple[type[ApiError], ...]
    operations: tuple[str, ...]
    credential: RouteCredential = "password"
    method: str = "POST"
    flows: frozenset[str] = field(default=FLOWS)
    summary: str = ""
    features: frozenset[str] = field(default=frozenset())

    @property
    def resource(self) -> str:
        """The API Gateway resource path, e.g. ``/password/forgot``."""
        return f"/{self.path}"

    @property
    def key(self) -> str:
        """The route's key among a flow's: ``"password/forgot"``, ``"GET me"``.

        A POST route's key is its path; any other's is method and path, since several
        methods may share a path.
        """
        return self.path if self.method == "POST" else f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        """The route's name in construct ids and model titles, e.g. ``PasswordForgot``.

        Routes of another method than POST are named with it first (``GetMe``,
        ``DeletePasskeysCredentialId``): several methods may share a path.
        """
        path = "".join(
            part.strip("{}").replace("_", " ").title().replace(" ", "")
            for part in self.path.split("/")
        )
        return path if self.method == "POST" else self.method.capitalize() + path

    @property
    def all_errors(self) -> tuple[type[ApiError], ...]:
        """Every error this route can answer, common ones included, without repeats."""
        return tuple(dict.fromkeys((*self.errors, *COMMON_ERRORS)))

    def errors_by_status(self) -> dict[int, tuple[str, ...]]:
        """The stable codes this route can answer, by HTTP status, in status order."""
        by_status: dict[int, list[str]] = {}
        for error in self.all_errors:
            by_status.setdefault(error.status, []).append(error.code)
        return {status: tuple(by_status[status]) for status in sorted(by_status)}

    @property
    def error_schema(self) -> Schema:
        """The error body's schema: the stable shape, ``error`` one of this route's codes."""
        return s.error_body(f"{self.name}Error", (e.code for e in self.all_errors))

    @property
    def takes_access_token(self) -> bool:
        """Whether the route reads the access token from the token header."""
        return self.credential in ("access_token", SESSION_OR_ACCESS_TOKEN)

    @property
    def path_parameters(self) -> tuple[str, ...]:
        """The names of the path's ``{parameters}``, e.g. ``("credential_id",)``."""
        return tuple(
            part[1:-1]
            for part in self.path.split("/")
            if part.startswith("{") and part.endswith("}")
        )

    @property
    def has_body(self) -> bool:
        """Whether requests carry a JSON body (GET and DELETE routes take none)."""
        return self.method not in ("GET", "DELETE")

    def credential_for(self, body: Mapping[str, Any]) -> Credential:
        """The credential this request's Cognito calls use."""
        if self.credential == SESSION_OR_ACCESS_TOKEN:
            return "session" if body.get("session") else "access_token"
        return self.credential
