"""The client's error: any non-2xx answer of the API (a redirect included), or none at all."""

from __future__ import annotations

import json
import urllib.error
from typing import Any

from ._client_results import Challenge

__all__ = ["CognitoApiError", "api_error", "decode"]

#: Statuses after which the same request may succeed if sent again later.
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class CognitoApiError(Exception):
    """Any non-2xx answer of the API, or no answer at all.

    Attributes:
        status: the HTTP status; 0 when the API could not be reached.
        error: the stable error code (``"NotAuthorized"``, ``"InvalidRequestBody"``...);
            for API Gateway's own answers, its response type: ``"Unauthorized"`` (the
            authorizer's 401), ``"AccessDenied"`` (a group route's 403),
            ``"MissingAuthenticationToken"`` (no such route), ``"TooManyRequests"``,
            ``"InternalServerError"``...; ``"ConnectionError"`` when
            the API could not be reached, ``"Redirected"`` for any 3xx answer (the
            client follows no redirect; the message names the ``Location``).
        message: the text for humans the API sent.
        retry_after: seconds to wait before retrying, when the API said so.
        challenge: with error ``"UnexpectedChallenge"``, the step Cognito asks for next
            (its session included), so the caller can go on; otherwise None.
    """

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        retry_after: float | None = None,
        challenge: Challenge | None = None,
    ) -> None:
        """Build the error from what the API answered."""
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.retry_after = retry_after
        self.challenge = challenge

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (throttling, an unreachable service)."""
        return self.status == 0 or self.status in _RETRYABLE_STATUSES


#: The messages of API Gateway's own responses (the gateway-response defaults), by code.
_GATEWAY_MESSAGES = {
    "Unauthorized": "Unauthorized",
    "Missing Authentication Token": "MissingAuthenticationToken",
    "Forbidden": "Forbidden",
    "User is not authorized to access this resource": "AccessDenied",
    "User is not authorized to access this resource with an explicit deny": "AccessDenied",
    "Too Many Requests": "TooManyRequests",
    "Limit Exceeded": "LimitExceeded",
    "Request Too Long": "RequestTooLarge",
    "Endpoint request timed out": "IntegrationTimeout",
    "Internal server error": "InternalServerError",
}


def _gateway_code(message: str, headers: Any) -> str | None:
    """The stable code of an answer API Gateway gave itself, from its message or type."""
    known = _GATEWAY_MESSAGES.get(message)
    if known:
        return known
    kind = headers.get("x-amzn-ErrorType", "") if headers else ""
    # "AccessDeniedException:http://internal.amazon.com/..." -> "AccessDenied"
    name = str(kind).split(":", 1)[0].strip()
    name = name.removesuffix("Exception")
    return name if name.isalnum() else None


def decode(raw: bytes) -> Any:
    """A JSON body; None when empty."""
    return json.loads(raw) if raw.strip() else None


def api_error(failure: urllib.error.HTTPError) -> CognitoApiError:
    """The error an HTTP error answer stands for."""
    try:
        body = decode(failure.read())
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    # API Gateway's own answers (authorizer 401, unknown route 403, a Lambda authorizer's
    # deny) carry only "message", or "Message".
    message = str(body.get("message") or body.get("Message") or failure.reason or "")
    error = body.get("error")
    if not isinstance(error, str) or not error:
        error = _gateway_code(message, failure.headers) or f"Http{failure.code}"
    retry_after = failure.headers.get("Retry-After") if failure.headers else None
    try:
        seconds = float(retry_after) if retry_after is not None else None
    except ValueError:
        seconds = None
    return CognitoApiError(failure.code, error, message, retry_after=seconds)
