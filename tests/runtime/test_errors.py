"""The one mapping from Cognito's exceptions to the contract's status and error code."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from runtime.cognito_errors import from_cognito
from runtime.errors import ApiError

from runtime import errors


def client_error(
    code: str, operation: str = "InitiateAuth", message: str = "detail"
) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.mark.parametrize(
    ("code", "operation", "status", "error"),
    [
        ("NotAuthorizedException", "InitiateAuth", 401, "NotAuthorized"),
        ("UserNotFoundException", "InitiateAuth", 401, "NotAuthorized"),
        ("UserNotFoundException", "RespondToAuthChallenge", 401, "NotAuthorized"),
        ("UserNotConfirmedException", "InitiateAuth", 403, "UserNotConfirmed"),
        ("PasswordResetRequiredException", "InitiateAuth", 403, "PasswordResetRequired"),
        ("UsernameExistsException", "AdminCreateUser", 409, "UserExists"),
        ("AliasExistsException", "AdminCreateUser", 409, "UserExists"),
        ("InvalidPasswordException", "AdminCreateUser", 400, "InvalidPassword"),
        ("InvalidPasswordException", "RespondToAuthChallenge", 400, "InvalidPassword"),
        ("InvalidParameterException", "AdminCreateUser", 400, "InvalidParameter"),
        ("CodeMismatchException", "RespondToAuthChallenge", 400, "CodeMismatch"),
        ("ExpiredCodeException", "RespondToAuthChallenge", 401, "InvalidSession"),
        ("ExpiredCodeException", "ConfirmSignUp", 400, "ExpiredCode"),
        ("TooManyRequestsException", "InitiateAuth", 429, "TooManyRequests"),
        ("ThrottlingException", "InitiateAuth", 429, "TooManyRequests"),
        ("LimitExceededException", "AdminCreateUser", 429, "TooManyRequests"),
        ("InternalErrorException", "InitiateAuth", 500, "InternalError"),
        ("ResourceNotFoundException", "InitiateAuth", 500, "InternalError"),
        # A missing pool or client, whatever the operation: a misconfiguration.
        ("ResourceNotFoundException", "RespondToAuthChallenge", 500, "InternalError"),
        ("ResourceNotFoundException", "ConfirmForgotPassword", 500, "InternalError"),
        ("ResourceNotFoundException", "VerifySoftwareToken", 500, "InternalError"),
        # A trigger raised, timed out or answered nonsense: the pool refused.
        ("UserLambdaValidationException", "SignUp", 403, "RequestRejected"),
        ("UnexpectedLambdaException", "InitiateAuth", 403, "RequestRejected"),
        ("InvalidLambdaResponseException", "RespondToAuthChallenge", 403, "RequestRejected"),
        ("AccessDeniedException", "AdminCreateUser", 500, "InternalError"),
        ("", "InitiateAuth", 500, "InternalError"),
    ],
)
def test_client_error_codes(code, operation, status, error):
    # when
    mapped = from_cognito(client_error(code, operation), "rid")

    # then
    assert (mapped.status, mapped.code) == (status, error)
    assert "detail" not in mapped.message


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Invalid session for the user, session is expired.", "InvalidSession"),
        ("Invalid session for the user.", "InvalidSession"),
        ("Invalid Session provided", "InvalidSession"),
        ("Incorrect username or password.", "NotAuthorized"),
        ("User is disabled.", "NotAuthorized"),
    ],
)
def test_not_authorized_on_challenge_splits_on_session_problems(message, error):
    # when
    mapped = from_cognito(
        client_error("NotAuthorizedException", "RespondToAuthChallenge", message), "r"
    )

    # then
    assert mapped.code == error
    assert mapped.status == 401


def test_session_wording_matters_only_on_the_challenge_operation():
    # when
    mapped = from_cognito(
        client_error("NotAuthorizedException", "InitiateAuth", "Invalid session for the user."),
        "r",
    )

    # then
    assert mapped.code == "NotAuthorized"


def test_user_not_found_and_wrong_password_map_to_the_same_answer():
    # when
    unknown = from_cognito(
        client_error("UserNotFoundException", message="User does not exist."), "r"
    )
    wrong = from_cognito(client_error("NotAuthorizedException", message="Incorrect username."), "r")

    # then
    assert (unknown.status, unknown.code, unknown.message, unknown.headers) == (
        wrong.status, wrong.code, wrong.message, wrong.headers,
    )  # fmt: skip
    assert wrong.message == "Incorrect username or password."


@pytest.mark.parametrize(
    "exception",
    [
        EndpointConnectionError(endpoint_url="https://x"),
        ConnectTimeoutError(endpoint_url="https://x"),
        ReadTimeoutError(endpoint_url="https://x"),
        ConnectionClosedError(endpoint_url="https://x"),
    ],
)
def test_unreachable_cognito_is_503(exception):
    # when
    mapped = from_cognito(exception, "r")

    # then
    assert (mapped.status, mapped.code) == (503, "ServiceUnavailable")


def test_botocore_parameter_validation_is_400():
    # when
    mapped = from_cognito(ParamValidationError(report="Username too long"), "r")

    # then
    assert (mapped.status, mapped.code) == (400, "InvalidParameter")
    assert "Username" not in mapped.message


@pytest.mark.parametrize(
    "exception", [RuntimeError("secret text"), KeyError("secret text"), NoCredentialsError()]
)
def test_anything_else_is_500_with_only_the_request_id(exception):
    # when
    mapped = from_cognito(exception, "req-123")

    # then
    assert (mapped.status, mapped.code) == (500, "InternalError")
    assert mapped.message == "Internal error. Request id: req-123."


def test_throttling_asks_clients_to_wait_a_second():
    # when
    mapped = from_cognito(client_error("TooManyRequestsException"), "r")

    # then
    assert mapped.headers == {"Retry-After": "1"}


def all_api_errors() -> list[type[ApiError]]:
    found, pending = [], [ApiError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__ == errors.__name__]


def test_error_classes_have_unique_codes_statuses_and_error_names():
    # given
    classes = [cls for cls in all_api_errors() if cls is not ApiError]

    # when
    codes = {cls.code: cls.status for cls in classes}

    # then: every code has one status; class names say what they are
    assert len(codes) == len(classes)
    assert all(cls.__name__.endswith("Error") for cls in classes)
    assert codes == {
        "InvalidRequestBody": 400, "CredentialsInQueryString": 400, "InvalidPassword": 400,
        "InvalidParameter": 400, "CodeMismatch": 400, "ExpiredCode": 400,
        "InvalidCredential": 400,
        "NotAuthorized": 401, "InvalidSession": 401, "MissingToken": 401,
        "InvalidToken": 401, "InvalidRefreshToken": 401, "UserNotConfirmed": 403,
        "RequestRejected": 403, "RecentSignInRequired": 403,
        "PasswordResetRequired": 403, "NotFound": 404, "MethodNotAllowed": 405,
        "UserExists": 409, "AlreadyConfirmed": 409, "UnsupportedMediaType": 415,
        "TooManyRequests": 429,
        "InternalError": 500, "ServiceUnavailable": 503,
    }  # fmt: skip
