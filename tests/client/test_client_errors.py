"""The error a caller gets for each kind of refusal: a stable code, whoever answered.

The auth function answers ``{"error", "message"}``; API Gateway's own gateway
responses answer ``{"message"}`` (``{"Message"}`` for a Lambda authorizer's deny) with
an ``x-amzn-ErrorType`` header
(https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
The client names the latter by their response type, never by their text.
"""

from __future__ import annotations

import json

import pytest

from cognito_api_construct.client import CognitoApiClient, CognitoApiError

from .test_client_transport import Server

GATEWAY_ANSWERS = [
    # (status, body, x-amzn-ErrorType, the code the caller gets)
    (401, {"message": "Unauthorized"}, "UnauthorizedException", "Unauthorized"),
    (
        403,
        {"Message": "User is not authorized to access this resource with an explicit deny"},
        "AccessDeniedException",
        "AccessDenied",
    ),
    (
        403,
        {"Message": "User is not authorized to access this resource"},
        "AccessDeniedException",
        "AccessDenied",
    ),
    (
        403,
        {"message": "Missing Authentication Token"},
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
    ),
    (403, {"message": "Forbidden"}, "ForbiddenException", "Forbidden"),
    (429, {"message": "Too Many Requests"}, "TooManyRequestsException", "TooManyRequests"),
    (
        502,
        {"message": "Internal server error"},
        "InternalServerErrorException",
        "InternalServerError",
    ),
    (
        504,
        {"message": "Endpoint request timed out"},
        "InternalServerErrorException",
        "IntegrationTimeout",
    ),
    # An authorizer that failed: a null message, only the header names it.
    (500, {"message": None}, "AuthorizerConfigurationException", "AuthorizerConfiguration"),
    # A gateway response rewritten by the app: its header still names it.
    (403, {"message": "Go away"}, "AccessDeniedException:http://internal/", "AccessDenied"),
    # Nothing to go by.
    (418, {"message": "I'm a teapot"}, None, "Http418"),
]


@pytest.mark.parametrize(("status", "body", "kind", "code"), GATEWAY_ANSWERS)
def test_api_gateways_own_answers_get_their_response_type_as_the_code(
    status: int, body: dict[str, object], kind: str | None, code: str
) -> None:
    """A group route's 403 is ``AccessDenied``, not its message without spaces."""
    headers = {"Content-Type": "application/json"}
    if kind:
        headers["x-amzn-ErrorType"] = kind
    server = Server(lambda path: (status, headers, json.dumps(body).encode()))
    base = server.start()
    try:
        with pytest.raises(CognitoApiError) as refused:
            CognitoApiClient(base).request("GET", "admin/reports")
    finally:
        server.stop()

    assert (refused.value.status, refused.value.error) == (status, code)
    written = body.get("message") or body.get("Message")
    if written:
        assert refused.value.message == written


def test_the_functions_own_code_wins_over_any_header() -> None:
    """The auth function's ``error`` is the contract's code, whatever else is sent."""
    answer = {"error": "NotAuthorized", "message": "Incorrect username or password."}
    server = Server(
        lambda path: (
            401,
            {"x-amzn-ErrorType": "UnauthorizedException"},
            json.dumps(answer).encode(),
        )
    )
    base = server.start()
    try:
        with pytest.raises(CognitoApiError) as refused:
            CognitoApiClient(base).request("POST", "auth", {})
    finally:
        server.stop()

    assert (refused.value.error, refused.value.message) == (
        "NotAuthorized",
        "Incorrect username or password.",
    )
