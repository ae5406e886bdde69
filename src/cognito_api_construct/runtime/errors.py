"""The errors the auth routes answer with: one class per stable code.

Every error a caller can see is an :class:`ApiError` subclass that carries its HTTP
status and its stable code (the ``error`` field of the JSON body, part of the public
contract). Messages are written here, never copied from an exception: Cognito's text
can name users, policies or internals, so it is never passed through. Standard library
only: the construct reads these classes (status and code) to declare each route's
responses. Where Cognito's exceptions become these is :mod:`.cognito_errors`.
"""

from __future__ import annotations

from typing import ClassVar


class ApiError(Exception):
    """An error answered to the caller as ``{"error": code, "message": message}``.

    Args:
        message: Text for humans. Defaults to the class's ``default_message``.
    """

    status: ClassVar[int] = 500
    code: ClassVar[str] = "InternalError"
    default_message: ClassVar[str] = "Internal error."
    #: Extra response headers, e.g. Retry-After.
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        self.headers: dict[str, str] = dict(self.default_headers)
        super().__init__(self.message)


# 400 ---------------------------------------------------------------------------------
class BadRequestError(ApiError):
    """The request body is malformed, of the wrong type, incomplete or too large."""

    status = 400
    code = "InvalidRequestBody"
    default_message = "The request body is not valid."


class CredentialsInQueryStringError(BadRequestError):
    """Any query string on an auth route: credentials must never travel in a URL."""

    code = "CredentialsInQueryString"
    default_message = (
        "Auth routes take no query string: send the fields as a JSON body "
        "with Content-Type: application/json."
    )


class InvalidPasswordError(BadRequestError):
    """The password does not satisfy the user pool's password policy."""

    code = "InvalidPassword"
    default_message = "The password does not meet the user pool's password policy."


class InvalidParameterError(BadRequestError):
    """Cognito refused a value of the request that our schema accepted."""

    code = "InvalidParameter"
    default_message = "Cognito does not accept a value of this request."


class CodeMismatchError(BadRequestError):
    """A verification or MFA code is wrong."""

    code = "CodeMismatch"
    default_message = "The code is incorrect."


class InvalidCredentialError(BadRequestError):
    """A passkey the browser created or used could not be verified."""

    code = "InvalidCredential"
    default_message = (
        "The passkey could not be verified (origin, relying party or challenge): start again."
    )


class ExpiredCodeError(BadRequestError):
    """A verification code has expired."""

    code = "ExpiredCode"
    default_message = "The code has expired: request a new one."


# 401 / 403 ---------------------------------------------------------------------------
class NotAuthorizedError(ApiError):
    """Wrong password or unknown user: one answer for both, so accounts cannot be probed."""

    status = 401
    code = "NotAuthorized"
    default_message = "Incorrect username or password."


class InvalidSessionError(ApiError):
    """The challenge session is invalid or has expired."""

    status = 401
    code = "InvalidSession"
    default_message = "The session is invalid or has expired: sign in again."


class MissingTokenError(ApiError):
    """A route that acts for a signed-in user received no access token."""

    status = 401
    code = "MissingToken"
    default_message = "Send the access token in the API's token header."


class InvalidTokenError(ApiError):
    """Cognito refused the access token: invalid, expired, revoked or signed out."""

    status = 401
    code = "InvalidToken"
    default_message = "The access token is invalid, expired or revoked: sign in again."


class InvalidRefreshTokenError(ApiError):
    """Cognito refused the refresh token: invalid, expired, revoked or signed out."""

    status = 401
    code = "InvalidRefreshToken"
    default_message = "The refresh token is invalid, expired or revoked: sign in again."


class UserNotConfirmedError(ApiError):
    """The user has not confirmed the account yet."""

    status = 403
    code = "UserNotConfirmed"
    default_message = "The user is not confirmed."


class RequestRejectedError(ApiError):
    """A Lambda trigger of the user pool (pre sign-up, pre authentication...) refused."""

    status = 403
    code = "RequestRejected"
    default_message = "The user pool refused this request."


class RecentSignInRequiredError(ApiError):
    """Changing a second factor needs a sign-in within the last few minutes."""

    status = 403
    code = "RecentSignInRequired"
    default_message = (
        "Changing the second factor needs a recent sign-in: sign in again, then retry."
    )


class PasswordResetRequiredError(ApiError):
    """An administrator requires the user to reset the password."""

    status = 403
    code = "PasswordResetRequired"
    default_message = "The password must be reset before signing in."


# Routing -----------------------------------------------------------------------------
class NotFoundError(ApiError):
    """No auth route has this path."""

    status = 404
    code = "NotFound"
    default_message = "No such route."


class MethodNotAllowedError(ApiError):
    """The route exists but not with this HTTP method.

    Args:
        allowed: The methods the route has. Defaults to POST.
    """

    status = 405
    code = "MethodNotAllowed"

    def __init__(self, allowed: tuple[str, ...] = ("POST",)) -> None:
        super().__init__(f"This route accepts {', '.join(allowed)} only.")
        self.headers = {"Allow": ", ".join(allowed)}


class UserExistsError(ApiError):
    """A user with this username already exists."""

    status = 409
    code = "UserExists"
    default_message = "A user with this username already exists."


class AlreadyConfirmedError(ApiError):
    """``/signup/confirm`` for an account that is confirmed already: sign in instead."""

    status = 409
    code = "AlreadyConfirmed"
    default_message = "This account is already confirmed: sign in."


class UnsupportedMediaTypeError(ApiError):
    """The body is not declared as JSON."""

    status = 415
    code = "UnsupportedMediaType"
    default_message = "Send the body as JSON with Content-Type: application/json."


class TooManyRequestsError(ApiError):
    """Cognito is throttling this account."""

    status = 429
    code = "TooManyRequests"
    default_message = "Too many requests: retry shortly."
    default_headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


# 5xx ---------------------------------------------------------------------------------
class InternalError(ApiError):
    """Anything unexpected: the message carries only the request id, for support."""

    status = 500
    code = "InternalError"

    def __init__(self, request_id: str) -> None:
        super().__init__(f"Internal error. Request id: {request_id}.")


class ServiceUnavailableError(ApiError):
    """Cognito could not be reached in time."""

    status = 503
    code = "ServiceUnavailable"
    default_message = "The authentication service is unavailable: retry shortly."
