"""The one place where Cognito's errors become the auth routes' errors.

A Cognito call fails with an error code (``NotAuthorizedException``...) for an operation
(``InitiateAuth``...); what the caller is told depends on both and on what authenticated
the call (a password, a session, an access token, a refresh token), which the route
knows and the exception does not. Only real Cognito's behaviour is mapped here: where
moto (the local emulator's Cognito) answers differently, the emulator's Cognito front
corrects it (see ``local/cognito/``).

Both clients' errors are mapped alike: the standard-library client's
``CognitoServiceError`` carries what botocore's ``ClientError`` carries (``response``
and ``operation_name``), and this module recognises them by that, so it imports no
botocore (a cold start's cost) unless boto3 is already loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .cognito_client import CognitoUnreachableError
from .contract import Credential
from .errors import (
    AlreadyConfirmedError,
    ApiError,
    CodeMismatchError,
    ExpiredCodeError,
    InternalError,
    InvalidCredentialError,
    InvalidParameterError,
    InvalidPasswordError,
    InvalidRefreshTokenError,
    InvalidSessionError,
    InvalidTokenError,
    NotAuthorizedError,
    NotFoundError,
    PasswordResetRequiredError,
    RequestRejectedError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UserExistsError,
    UserNotConfirmedError,
)

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
    # A wrong TOTP code while verifying the authenticator app.
    "EnableSoftwareTokenMFAException": CodeMismatchError,
    # TOTP is not a factor of this pool: nothing the caller can set up.
    "SoftwareTokenMFANotFoundException": InvalidParameterError,
    "PasswordHistoryPolicyViolationException": InvalidPasswordError,
    # A trigger raised: its text is the operator's, but may name the user; not passed on.
    "UserLambdaValidationException": RequestRejectedError,
    # A trigger timed out or failed to run, or answered what Cognito cannot use: the
    # pool refuses the request all the same.
    "UnexpectedLambdaException": RequestRejectedError,
    "InvalidLambdaResponseException": RequestRejectedError,
    "ExpiredCodeException": ExpiredCodeError,
    "TooManyRequestsException": TooManyRequestsError,
    "LimitExceededException": TooManyRequestsError,
    # AWS's common throttling code, which any service endpoint may answer.
    "ThrottlingException": TooManyRequestsError,
    "TooManyFailedAttemptsException": TooManyRequestsError,
    # A passkey that does not verify: its challenge is unknown or used, or it was made
    # for another origin, relying party or client, or with an unsupported algorithm.
    "WebAuthnChallengeNotFoundException": InvalidCredentialError,
    "WebAuthnClientMismatchException": InvalidCredentialError,
    "WebAuthnCredentialNotSupportedException": InvalidCredentialError,
    "WebAuthnOriginNotAllowedException": InvalidCredentialError,
    "WebAuthnRelyingPartyMismatchException": InvalidCredentialError,
    # Passkeys are not set up on the pool, or the user has the most they may have.
    "WebAuthnNotEnabledException": InvalidParameterError,
    "WebAuthnConfigurationMissingException": InvalidParameterError,
}


# Where an operation gives a code another meaning.
def _no_such_passkey() -> ApiError:
    return NotFoundError("No such passkey.")


_BY_OPERATION: dict[tuple[str, str], Callable[[], ApiError]] = {
    # On /challenge an expired code means the sign-in attempt is over: start again.
    ("RespondToAuthChallenge", "ExpiredCodeException"): InvalidSessionError,
    # An unknown user must look like a wrong code, or confirming would probe accounts.
    # Cognito does this itself under PreventUserExistenceErrors (the construct's
    # client); an existing pool's client may not.
    ("ConfirmForgotPassword", "UserNotFoundException"): CodeMismatchError,
    ("ConfirmSignUp", "UserNotFoundException"): CodeMismatchError,
    # "User cannot be confirmed. Current status is CONFIRMED": not a wrong password (there
    # is none on this route). It tells a confirmed account from an unknown one, as
    # /signup's UserExists already does.
    ("ConfirmSignUp", "NotAuthorizedException"): AlreadyConfirmedError,
    # No passkey of this user has that id.
    ("DeleteWebAuthnCredential", "ResourceNotFoundException"): _no_such_passkey,
}

#: Cognito answers ResourceNotFoundException when the user pool or the app client does
#: not exist: a misconfigured function (USER_POOL_ID, USER_POOL_CLIENT_ID), never the
#: caller's fault. It is a 500 like any unexpected failure, logged as such.
MISCONFIGURATION = "ResourceNotFoundException"


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
    parts = service_error_parts(error)
    if parts is not None:
        operation, code = parts
        if _is_session_problem(operation, code, error):
            return InvalidSessionError()
        refused = _refused_credential(operation, code, error, credential)
        if refused is not None:
            return refused()
        if code == MISCONFIGURATION and (operation, code) not in _BY_OPERATION:
            return InternalError(request_id)
        mapped: Callable[[], ApiError] | None = _BY_OPERATION.get(
            (operation, code)
        ) or _BY_CODE.get(code)
        return mapped() if mapped else InternalError(request_id)
    if isinstance(error, CognitoUnreachableError):
        # Connection refused, DNS, connect and read timeouts, after the retries.
        return ServiceUnavailableError()
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is not None:
        if isinstance(error, botocore.ParamValidationError):
            # botocore's own checks caught a value our schema let through.
            return InvalidParameterError()
        if isinstance(error, (botocore.ConnectionError, botocore.HTTPClientError)):
            return ServiceUnavailableError()
    return InternalError(request_id)


def service_error_parts(error: BaseException) -> tuple[str, str] | None:
    """``(operation, code)`` of an error Cognito answered, from either client; else None."""
    response = getattr(error, "response", None)
    operation = getattr(error, "operation_name", None)
    if not isinstance(response, dict) or not isinstance(operation, str):
        return None
    details = response.get("Error")
    code = details.get("Code", "") if isinstance(details, dict) else ""
    return operation, str(code)


def _message(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def _is_session_problem(operation: str, code: str, error: Any) -> bool:
    # Cognito reports a bad or expired challenge session as NotAuthorizedException
    # ("Invalid session for the user..."). The text only picks the mapping: it is
    # never shown to anyone.
    if operation != "RespondToAuthChallenge" or code != "NotAuthorizedException":
        return False
    message = str(error.response.get("Error", {}).get("Message", ""))
    return "session" in message.lower()


_ATTRIBUTE_WRITES = frozenset({"UpdateUserAttributes", "DeleteUserAttributes"})


def _refused_credential(
    operation: str, code: str, error: Any, credential: Credential
) -> type[ApiError] | None:
    # The MFA set-up calls with a sign-in session (/challenge keeps the rules above).
    if (
        credential == "session"
        and operation != "RespondToAuthChallenge"
        and code == "NotAuthorizedException"
    ):
        return InvalidSessionError
    # GetTokensFromRefreshToken: a refused refresh token, or a rotated one used again
    # after its grace period.
    if credential == "refresh_token" and code in (
        "NotAuthorizedException",
        "RefreshTokenReuseException",
    ):
        return InvalidRefreshTokenError
    if credential == "access_token" and code == "NotAuthorizedException":
        message = str(error.response.get("Error", {}).get("Message", "")).lower()
        # ChangePassword answers a wrong old password with the same code as a bad
        # token ("Incorrect username or password." against "Invalid Access Token",
        # "Access Token has been revoked"...): only the text tells them apart.
        if operation == "ChangePassword" and "token" not in message:
            return NotAuthorizedError
        # UpdateUserAttributes refuses an attribute the client may not write the same
        # way ("A client attempted to write unauthorized attribute").
        if operation in _ATTRIBUTE_WRITES and "token" not in message:
            return InvalidParameterError
        return InvalidTokenError
    return None
