"""The /gpt route's errors: HTTP status and stable code live on each class.

The handler maps any ``GptRouteError`` to ``{"error": code, "message": message}``;
messages are written for the caller and never quote a key, a prompt or an upstream body.
"""

from __future__ import annotations


class GptRouteError(Exception):
    """An error the caller sees: HTTP status and stable code live on the class."""

    status = 500
    code = "InternalError"

    def __init__(self, message: str) -> None:
        """Keep a message written for the caller; it must never quote secrets."""
        super().__init__(message)
        self.message = message


class CredentialsInQueryStringError(GptRouteError):
    """The request carried a query string."""

    status = 400
    code = "CredentialsInQueryString"


class InvalidRequestBodyError(GptRouteError):
    """The body is not the JSON object the route expects."""

    status = 400
    code = "InvalidRequestBody"


class UnsupportedMediaTypeError(GptRouteError):
    """The body is not declared as application/json."""

    status = 415
    code = "UnsupportedMediaType"


class UpstreamNotConfiguredError(GptRouteError):
    """No API key is available, or an OPENAI_* setting is unusable."""

    status = 503
    code = "UpstreamNotConfigured"


class SecretsUnavailableError(GptRouteError):
    """Secrets Manager failed for a reason that may pass."""

    status = 503
    code = "ServiceUnavailable"


class UpstreamError(GptRouteError):
    """The model service failed or answered something unusable."""

    status = 502
    code = "UpstreamError"

    def __init__(self, message: str, *, upstream_status: int | None = None) -> None:
        """Remember the upstream HTTP status (never its body) for the log line."""
        super().__init__(message)
        self.upstream_status = upstream_status


class UpstreamTimeoutError(GptRouteError):
    """The model service did not answer within OPENAI_TIMEOUT_SECONDS."""

    status = 504
    code = "UpstreamTimeout"
