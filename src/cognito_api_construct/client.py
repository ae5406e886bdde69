"""A small HTTP client for an API built with ``CognitoApi``.

Standard library only, so it needs no extra to install. It speaks the HTTP contract in
the README: JSON bodies (credentials never travel in a URL), the stable error shape, and
the id token sent in the API's token header on protected routes.

Example:
    >>> client = CognitoApiClient("https://abc.execute-api.eu-west-1.amazonaws.com/prod",
    ...                           token_header="Auth")  # doctest: +SKIP
    >>> client.sign_up("ada", "ada@example.com", "Temp-Passw0rd!x")  # doctest: +SKIP
    >>> tokens = client.complete_new_password("ada", "Temp-Passw0rd!x", "N3w-Passw0rd!xy")
    ...     # doctest: +SKIP
    >>> client.request("POST", "/gpt", json={"message": "hello"})  # doctest: +SKIP
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Challenge", "CognitoApiClient", "CognitoApiError", "SignUpResult", "Tokens"]

#: Statuses after which the same request may succeed if sent again later.
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class Tokens:
    """The tokens of a completed sign-in."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int
    token_type: str


@dataclass(frozen=True)
class Challenge:
    """A step Cognito asks for before it issues tokens (e.g. ``NEW_PASSWORD_REQUIRED``)."""

    name: str
    session: str = field(repr=False)
    parameters: Mapping[str, str]


@dataclass(frozen=True)
class SignUpResult:
    """The account ``/signup`` created."""

    username: str
    user_status: str


class CognitoApiError(Exception):
    """Any non-2xx answer of the API, or no answer at all.

    Attributes:
        status: the HTTP status; 0 when the API could not be reached.
        error: the stable error code (``"NotAuthorized"``, ``"InvalidRequestBody"``...);
            ``"Unauthorized"`` for the authorizer's own 401, ``"ConnectionError"`` when
            the API could not be reached.
        message: the text for humans the API sent.
        retry_after: seconds to wait before retrying, when the API said so.
    """

    def __init__(
        self, status: int, error: str, message: str, *, retry_after: float | None = None
    ) -> None:
        """Build the error from what the API answered."""
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (throttling, an unreachable service)."""
        return self.status == 0 or self.status in _RETRYABLE_STATUSES


class CognitoApiClient:
    """Calls the auth routes and the protected routes of one deployed (or local) API.

    Args:
        base_url: the API's URL, stage included (``CognitoApi.url``, or the URL that
            ``cognito-api-local serve`` prints).
        token_header: the header the API's authorizer reads. Defaults to ``Authorization``;
            must match the construct's ``token_header``.
        timeout: seconds to wait for each answer. Defaults to 30.

    The tokens of the last successful sign-in are kept in ``tokens`` and sent on
    ``request``; set ``tokens`` yourself to reuse ones you stored.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token_header: str = "Authorization",  # noqa: S107 - a header name, not a secret
        timeout: float = 30.0,
    ) -> None:
        """Point the client at one API."""
        self.base_url = base_url.rstrip("/")
        self.token_header = token_header
        self.timeout = timeout
        self.tokens: Tokens | None = None

    def sign_up(self, username: str, email: str, temporary_password: str) -> SignUpResult:
        """Create an account whose first sign-in must change ``temporary_password``."""
        body = self._post(
            "/signup",
            {"username": username, "email": email, "temporary_password": temporary_password},
        )
        return SignUpResult(username=body["username"], user_status=body["user_status"])

    def authenticate(self, username: str, password: str) -> Tokens | Challenge:
        """Sign in: tokens, or the challenge Cognito asks for first."""
        return self._tokens_or_challenge(
            self._post("/auth", {"username": username, "password": password})
        )

    def respond_to_challenge(
        self, challenge: Challenge, responses: Mapping[str, str]
    ) -> Tokens | Challenge:
        """Answer ``challenge``; ``responses`` must include ``USERNAME``."""
        return self._tokens_or_challenge(
            self._post(
                "/challenge",
                {
                    "challenge_name": challenge.name,
                    "session": challenge.session,
                    "challenge_responses": dict(responses),
                },
            )
        )

    def complete_new_password(
        self, username: str, temporary_password: str, new_password: str
    ) -> Tokens:
        """Sign in with the temporary password and set the permanent one, in one call.

        Raises:
            CognitoApiError: with error ``"UnexpectedChallenge"`` if Cognito asks for
                something other than ``NEW_PASSWORD_REQUIRED`` (MFA, for instance); answer
                that with ``authenticate`` and ``respond_to_challenge``.
        """
        step = self.authenticate(username, temporary_password)
        if isinstance(step, Challenge) and step.name == "NEW_PASSWORD_REQUIRED":
            step = self.respond_to_challenge(
                step, {"USERNAME": username, "NEW_PASSWORD": new_password}
            )
        if isinstance(step, Challenge):
            raise CognitoApiError(
                200, "UnexpectedChallenge", f"Cognito asked for {step.name}; answer it yourself."
            )
        return step

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any route of the API, with the id token when signed in.

        Returns:
            The decoded JSON body, or ``None`` for an empty one.
        """
        sent = dict(headers or {})
        if self.tokens is not None:
            sent.setdefault(self.token_header, self.tokens.id_token)
        return self._send(method, path, json, sent)

    def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._send("POST", path, body, {})

    def _tokens_or_challenge(self, body: Mapping[str, Any]) -> Tokens | Challenge:
        if "challenge_name" in body:
            return Challenge(
                name=body["challenge_name"],
                session=body["session"],
                parameters=body.get("challenge_parameters") or {},
            )
        self.tokens = Tokens(
            id_token=body["id_token"],
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
            expires_in=int(body["expires_in"]),
            token_type=body["token_type"],
        )
        return self.tokens

    def _send(self, method: str, path: str, body: Any, headers: Mapping[str, str]) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        data = None
        sent = {"Accept": "application/json", **headers}
        if body is not None:
            data = jsonlib.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method.upper(), headers=sent)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return _decode(answer.read())
        except urllib.error.HTTPError as failure:
            raise _api_error(failure) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as failure:
            reason = getattr(failure, "reason", failure)
            raise CognitoApiError(0, "ConnectionError", f"{url} unreachable: {reason}") from None


def _decode(raw: bytes) -> Any:
    return jsonlib.loads(raw) if raw.strip() else None


def _api_error(failure: urllib.error.HTTPError) -> CognitoApiError:
    try:
        body = _decode(failure.read())
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    # API Gateway's own answers (authorizer 401, unknown route 403) carry only "message".
    message = str(body.get("message") or failure.reason or "")
    error = str(body.get("error") or message.replace(" ", "") or f"Http{failure.code}")
    retry_after = failure.headers.get("Retry-After") if failure.headers else None
    try:
        seconds = float(retry_after) if retry_after is not None else None
    except ValueError:
        seconds = None
    return CognitoApiError(failure.code, error, message, retry_after=seconds)
