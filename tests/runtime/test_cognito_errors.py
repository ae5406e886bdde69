"""Cognito's errors as callers see them: stable codes, fixed messages, nothing passed through.

Rows moto can produce run against moto. Rows it cannot (it never expires or checks
sessions, never throttles, never requires a password reset at sign-in; docs/facts.md#moto) are
produced with botocore's Stubber on the handler's own client, which answers in place of
the network and leaves our code untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from auth_function import boto3_in_handler

#: Put in every stubbed Cognito message: it must never reach a caller.
SENTINEL = "cognito-internal-detail-7f3a"
SESSION = "s" * 64


@pytest.fixture
def stubber(cognito) -> Iterator[Stubber]:
    """A Stubber on a boto3 client in the handler, removed after the test."""
    with boto3_in_handler(cognito) as client:
        stub = Stubber(client)
        with stub:
            yield stub


@pytest.fixture
def raising(cognito) -> Iterator[Any]:
    """Make the handler's (boto3) client raise a given exception before any request."""
    with boto3_in_handler(cognito) as client:
        events = client.meta.events

        def arrange(exception: Exception) -> None:
            def raise_it(**_: Any) -> None:
                raise exception

            # before-call runs ahead of botocore's retry loop, so the test does not sleep.
            events.register("before-call.cognito-idp.*", raise_it, unique_id="test-raise")

        yield arrange


def signup_body(username: str) -> dict[str, str]:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "temporary_password": "Temp-Passw0rd!x",
    }


def challenge_body(username: str = "ana", **responses: str) -> dict[str, Any]:
    return {
        "challenge_name": "NEW_PASSWORD_REQUIRED",
        "session": SESSION,
        "challenge_responses": {"USERNAME": username, **responses},
    }


# Against moto ------------------------------------------------------------------------
def test_wrong_password_and_unknown_user_are_indistinguishable(invoke, make_event, confirmed_user):
    # given
    name, _ = confirmed_user
    unknown = f"nobody-{uuid.uuid4().hex[:8]}"

    # when
    wrong_password = invoke(make_event("/auth", {"username": name, "password": "Wrong-Pass1!"}))
    unknown_user = invoke(make_event("/auth", {"username": unknown, "password": "Wrong-Pass1!"}))

    # then
    assert wrong_password.status == unknown_user.status == 401
    assert wrong_password.raw_body == unknown_user.raw_body
    assert wrong_password.body == {
        "error": "NotAuthorized",
        "message": "Incorrect username or password.",
    }
    assert wrong_password.headers == unknown_user.headers


def test_existing_username_is_409(invoke, make_event, signed_up):
    # when
    reply = invoke(make_event("/signup", signup_body(signed_up)))

    # then
    assert reply.status == 409
    assert reply.body["error"] == "UserExists"


def test_weak_new_password_is_400(invoke, make_event, new_password_challenge):
    # given
    event = make_event(
        "/challenge",
        {
            "challenge_name": "NEW_PASSWORD_REQUIRED",
            "session": new_password_challenge["session"],
            "challenge_responses": {
                "USERNAME": new_password_challenge["username"],
                "NEW_PASSWORD": "weak",
            },
        },
    )

    # when
    reply = invoke(event)

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidPassword"
    assert "weak" not in reply.body["message"]


def test_unknown_session_is_401_invalid_session(invoke, make_event, new_password_challenge):
    # given: a session Cognito never issued (Cognito: NotAuthorizedException "Invalid
    # session for the user."; the emulator's front corrects moto's ResourceNotFound)
    event = make_event(
        "/challenge",
        {
            "challenge_name": "NEW_PASSWORD_REQUIRED",
            "session": "forged-session-" + "x" * 40,
            "challenge_responses": {
                "USERNAME": new_password_challenge["username"],
                "NEW_PASSWORD": "N3w-Passw0rd!long",
            },
        },
    )

    # when
    reply = invoke(event)

    # then
    assert reply.status == 401
    assert reply.body["error"] == "InvalidSession"


def test_unconfirmed_user_is_403(invoke, make_event, cognito, username):
    # given: a self-service sign-up that was never confirmed
    cognito.admin.sign_up(
        ClientId=cognito.client_id,
        Username=username,
        Password="Perm-Passw0rd!x",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        SecretHash=cognito.secret_hash(username),
    )

    # when
    reply = invoke(make_event("/auth", {"username": username, "password": "Perm-Passw0rd!x"}))

    # then
    assert reply.status == 403
    assert reply.body["error"] == "UserNotConfirmed"


# Through the Stubber -----------------------------------------------------------------
BODIES = {
    "/signup": signup_body("ana"),
    "/auth": {"username": "ana", "password": "x"},
    "/login": {"username": "ana", "password": "x"},
    "/challenge": challenge_body(),
}
SESSION_EXPIRED = f"Invalid session for the user, session is expired. {SENTINEL}"
WRONG_PASSWORD = f"Incorrect username or password. {SENTINEL}"


@pytest.mark.parametrize(
    ("route", "operation", "cognito_code", "cognito_message", "status", "error"),
    [
        ("/signup", "admin_create_user", "UsernameExistsException", SENTINEL, 409, "UserExists"),
        ("/signup", "admin_create_user", "InvalidPasswordException", SENTINEL, 400,
         "InvalidPassword"),
        ("/signup", "admin_create_user", "InvalidParameterException", SENTINEL, 400,
         "InvalidParameter"),
        ("/auth", "initiate_auth", "UserNotFoundException", SENTINEL, 401, "NotAuthorized"),
        ("/auth", "initiate_auth", "NotAuthorizedException", SENTINEL, 401, "NotAuthorized"),
        ("/auth", "initiate_auth", "UserNotConfirmedException", SENTINEL, 403, "UserNotConfirmed"),
        ("/login", "initiate_auth", "PasswordResetRequiredException", SENTINEL, 403,
         "PasswordResetRequired"),
        ("/challenge", "respond_to_auth_challenge", "NotAuthorizedException", SESSION_EXPIRED, 401,
         "InvalidSession"),
        ("/challenge", "respond_to_auth_challenge", "ExpiredCodeException", SENTINEL, 401,
         "InvalidSession"),
        ("/challenge", "respond_to_auth_challenge", "NotAuthorizedException", WRONG_PASSWORD, 401,
         "NotAuthorized"),
        ("/challenge", "respond_to_auth_challenge", "CodeMismatchException", SENTINEL, 400,
         "CodeMismatch"),
        ("/challenge", "respond_to_auth_challenge", "InvalidPasswordException", SENTINEL, 400,
         "InvalidPassword"),
        ("/challenge", "respond_to_auth_challenge", "UserNotFoundException", SENTINEL, 401,
         "NotAuthorized"),
    ],
)  # fmt: skip
def test_cognito_error_maps_to_stable_code(
    invoke, make_event, stubber, route, operation, cognito_code, cognito_message, status, error
):
    # given
    stubber.add_client_error(operation, cognito_code, cognito_message, http_status_code=400)

    # when
    reply = invoke(make_event(route, BODIES[route]))

    # then
    assert (reply.status, reply.body["error"]) == (status, error)
    assert SENTINEL not in reply.raw_body
    assert cognito_code not in reply.raw_body
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("cognito_code", ["TooManyRequestsException", "LimitExceededException"])
def test_throttling_is_429_with_retry_after(invoke, make_event, stubber, cognito_code):
    # given
    stubber.add_client_error("initiate_auth", cognito_code, SENTINEL, http_status_code=400)

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert reply.status == 429
    assert reply.body["error"] == "TooManyRequests"
    assert reply.headers["Retry-After"] == "1"
    assert SENTINEL not in reply.raw_body


def test_unexpected_cognito_error_is_500_with_request_id_only(invoke, make_event, stubber):
    # given
    stubber.add_client_error(
        "initiate_auth", "InternalErrorException", SENTINEL, http_status_code=500
    )
    context_id = str(uuid.uuid4())

    class Context:
        aws_request_id = context_id

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}), Context())

    # then
    assert reply.status == 500
    assert reply.body == {
        "error": "InternalError",
        "message": f"Internal error. Request id: {context_id}.",
    }


def test_500_falls_back_to_gateway_request_id(invoke, make_event, raising):
    # given: a context without aws_request_id, and a failure that is not Cognito's
    raising(RuntimeError(SENTINEL))
    event = make_event("/auth", {"username": "ana", "password": "x"})

    # when
    reply = invoke(event, object())

    # then
    assert reply.status == 500
    assert reply.body["error"] == "InternalError"
    assert event["requestContext"]["requestId"] in reply.body["message"]
    assert SENTINEL not in reply.raw_body
    assert "RuntimeError" not in reply.raw_body


@pytest.mark.parametrize(
    "exception",
    [
        EndpointConnectionError(
            endpoint_url=f"https://cognito-idp.us-east-1.amazonaws.com/{SENTINEL}"
        ),
        ConnectTimeoutError(endpoint_url=f"https://{SENTINEL}"),
        ReadTimeoutError(endpoint_url=f"https://{SENTINEL}"),
    ],
    ids=["endpoint", "connect-timeout", "read-timeout"],
)
def test_unreachable_cognito_is_503(invoke, make_event, raising, exception):
    # given
    raising(exception)

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert reply.status == 503
    assert reply.body["error"] == "ServiceUnavailable"
    assert SENTINEL not in reply.raw_body


def test_cognito_answer_without_tokens_or_challenge_is_500(invoke, make_event, stubber):
    # given
    stubber.add_response("initiate_auth", {})

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert reply.status == 500
    assert reply.body["error"] == "InternalError"


def test_challenge_passes_any_next_challenge_through(invoke, make_event, stubber, cognito):
    # given: Cognito asks for MFA setup after the new password
    stubber.add_response(
        "respond_to_auth_challenge",
        {
            "ChallengeName": "MFA_SETUP",
            "Session": "n" * 40,
            "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
        },
        expected_params={
            "ClientId": cognito.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": SESSION,
            "ChallengeResponses": {
                "USERNAME": "ana",
                "NEW_PASSWORD": "N3w-Passw0rd!long",
                "SECRET_HASH": cognito.secret_hash("ana"),
            },
        },
    )

    # when
    reply = invoke(make_event("/challenge", challenge_body(NEW_PASSWORD="N3w-Passw0rd!long")))

    # then
    assert reply.status == 200
    assert reply.body == {
        "challenge_name": "MFA_SETUP",
        "session": "n" * 40,
        "challenge_parameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
    }
    stubber.assert_no_pending_responses()


def test_signup_sends_suppressed_invitation_without_verified_email(
    invoke, make_event, stubber, cognito
):
    # given
    stubber.add_response(
        "admin_create_user",
        {"User": {"Username": "ana", "UserStatus": "FORCE_CHANGE_PASSWORD"}},
        expected_params={
            "UserPoolId": cognito.pool_id,
            "Username": "ana",
            "TemporaryPassword": "Temp-Passw0rd!x",
            "UserAttributes": [{"Name": "email", "Value": "ana@example.com"}],
            "MessageAction": "SUPPRESS",
        },
    )

    # when
    reply = invoke(make_event("/signup", signup_body("ana")))

    # then
    assert reply.status == 201
    stubber.assert_no_pending_responses()


def test_a_missing_pool_or_client_is_a_500_logged_as_a_misconfiguration(
    invoke, make_event, stubbed, caplog
):
    """Cognito answers ResourceNotFoundException when the user pool or the app client does
    not exist (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_Errors):
    a misconfigured function, never a wrong password or session."""
    # given Cognito says the client does not exist
    stubbed.add_client_error(
        "initiate_auth",
        service_error_code="ResourceNotFoundException",
        service_message="User pool client 1example does not exist.",
        http_status_code=400,
    )
    context_id = "11111111-2222-4333-8444-555555555555"

    # when someone signs in
    from auth_function import LambdaContext

    reply = invoke(
        make_event("/auth", {"username": "ana", "password": "Passw0rd!long"}),
        LambdaContext(aws_request_id=context_id),
    )

    # then a 500 with the request id, and the log line names the misconfiguration
    assert reply.status == 500
    assert reply.body == {
        "error": "InternalError",
        "message": f"Internal error. Request id: {context_id}.",
    }
    (line,) = [r.getMessage() for r in caplog.records if context_id in r.getMessage()]
    assert '"cognito_error":"ResourceNotFoundException"' in line
    assert "misconfiguration" in line
    assert "1example" not in line
