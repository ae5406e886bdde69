"""The errors the auth routes answer with, and the one place Cognito's errors become ours.

Every error a caller can see is an :class:`ApiError` subclass that carries its HTTP
status and its stable code (the ``error`` field of the JSON body, part of the public
contract). Messages are written here, never copied from an exception: Cognito's text
can name users, policies or internals, so it is never passed through.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from botocore.exceptions import (
    ClientError,
    ConnectionError,
    HTTPClientError,
    ParamValidationError,
)


class ApiError(Exception):
    """An error answered to the caller as ``{"error": code, "message": message}``.

    Args:
        message: Text for humans. Defaults to the class's ``default_message``.
    """

    status: ClassVar[int] = 500
    code: ClassVar[str] = "InternalError"
    default_message: ClassVar[str] = "Internal error."
    #: Extra response headers, e.g. Retry-After.
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
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
    """The route exists but not with this HTTP method."""

    status = 405
    code = "MethodNotAllowed"
    default_message = "Auth routes accept POST only."
    headers: ClassVar[dict[str, str]] = {"Allow": "POST"}


class UserExistsError(ApiError):
    """A user with this username already exists."""

    status = 409
    code = "UserExists"
    default_message = "A user with this username already exists."


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
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


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


# Cognito -> ours ---------------------------------------------------------------------
# Codes that mean the same on every operation. UserNotFoundException answers exactly as
# NotAuthorizedException does: telling them apart would reveal which accounts exist.
_BY_CODE: dict[str, type[ApiError]] = {
    "NotAuthorizedException": NotAuthorizedError,
    "UserNotFoundException": NotAuthorizedError,
    "UserNotConfirmedException": UserNotConfirmedError,
    "PasswordResetRequiredException": PasswordResetRequiredError,
    "UsernameExistsException": UserExistsError,
    # Raised instead of UsernameExists when the email is an alias another user owns.
    "AliasExistsException": UserExistsError,
    "InvalidPasswordException": InvalidPasswordError,
    "InvalidParameterException": InvalidParameterError,
    "CodeMismatchException": CodeMismatchError,
    # A wrong TOTP code while verifying the authenticator app (moto raises it too).
    "EnableSoftwareTokenMFAException": CodeMismatchError,
    "PasswordHistoryPolicyViolationException": InvalidPasswordError,
    # A trigger raised: its text is the operator's, but may name the user; not passed on.
    "UserLambdaValidationException": RequestRejectedError,
    "ExpiredCodeException": ExpiredCodeError,
    "TooManyRequestsException": TooManyRequestsError,
    "LimitExceededException": TooManyRequestsError,
    # AWS's common throttling code, which any service endpoint may answer.
    "ThrottlingException": TooManyRequestsError,
    "TooManyFailedAttemptsException": TooManyRequestsError,
}

# Where an operation gives a code another meaning.
_BY_OPERATION: dict[tuple[str, str], type[ApiError]] = {
    # On /challenge an expired code means the sign-in attempt is over: start again.
    ("RespondToAuthChallenge", "ExpiredCodeException"): InvalidSessionError,
    # Moto (the local emulator's Cognito) answers an unknown session this way. Real
    # Cognito would mean the app client is gone, but then /auth fails first with a 500.
    ("RespondToAuthChallenge", "ResourceNotFoundException"): InvalidSessionError,
    # An unknown user must look like a wrong code, or confirming would probe accounts
    # (real Cognito does this itself under PreventUserExistenceErrors; moto raises
    # ResourceNotFoundException for an unknown user on ConfirmForgotPassword).
    ("ConfirmForgotPassword", "UserNotFoundException"): CodeMismatchError,
    ("ConfirmForgotPassword", "ResourceNotFoundException"): CodeMismatchError,
    ("ConfirmSignUp", "UserNotFoundException"): CodeMismatchError,
}

#: What authenticates a Cognito call, as far as errors are concerned: the route knows,
#: the exception does not (AssociateSoftwareToken takes a session or an access token).
Credential = Literal["password", "session", "access_token", "refresh_token"]


def from_cognito(
    error: Exception, request_id: str, credential: Credential = "password"
) -> ApiError:
    """Translate an exception raised by the Cognito client into the error to answer with.

    Args:
        error: What the boto3 call raised.
        request_id: Put into the message of the 500 for anything not recognised.
        credential: What authenticated the failed call. Defaults to ``"password"``
            (sign-up, sign-in and the routes that need no credential); a refused
            session, access token or refresh token has its own error.

    Returns:
        The error to answer with; an :class:`InternalError` when the exception is not
        one the contract names.
    """
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        operation = error.operation_name
        if _is_session_problem(operation, code, error):
            return InvalidSessionError()
        refused = _refused_credential(operation, code, error, credential)
        if refused is not None:
            return refused()
        mapped = _BY_OPERATION.get((operation, code)) or _BY_CODE.get(code)
        return mapped() if mapped else InternalError(request_id)
    if isinstance(error, ParamValidationError):
        # botocore's own checks caught a value our schema let through.
        return InvalidParameterError()
    if isinstance(error, (ConnectionError, HTTPClientError)):
        # Connection refused, DNS, connect and read timeouts, after botocore's retries.
        return ServiceUnavailableError()
    return InternalError(request_id)


def _is_session_problem(operation: str, code: str, error: ClientError) -> bool:
    # Cognito reports a bad or expired challenge session as NotAuthorizedException
    # ("Invalid session for the user..."). The text only picks the mapping: it is
    # never shown to anyone.
    if operation != "RespondToAuthChallenge" or code != "NotAuthorizedException":
        return False
    message = str(error.response.get("Error", {}).get("Message", ""))
    return "session" in message.lower()


def _refused_credential(
    operation: str, code: str, error: ClientError, credential: Credential
) -> type[ApiError] | None:
    # The MFA set-up calls with a sign-in session (/challenge keeps the rules above).
    # Moto answers an unknown session with ResourceNotFoundException on
    # VerifySoftwareToken.
    if (
        credential == "session"
        and operation != "RespondToAuthChallenge"
        and code in ("NotAuthorizedException", "ResourceNotFoundException")
    ):
        return InvalidSessionError
    # InitiateAuth(REFRESH_TOKEN_AUTH).
    if credential == "refresh_token" and code == "NotAuthorizedException":
        return InvalidRefreshTokenError
    if credential == "access_token" and code == "NotAuthorizedException":
        message = str(error.response.get("Error", {}).get("Message", "")).lower()
        # ChangePassword answers a wrong old password with the same code as a bad
        # token ("Incorrect username or password." against "Invalid Access Token",
        # "Access Token has been revoked"...): only the text tells them apart.
        if operation == "ChangePassword" and "token" not in message:
            return NotAuthorizedError
        return InvalidTokenError
    return None
