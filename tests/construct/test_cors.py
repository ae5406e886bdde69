"""CORS: preflights everywhere and CORS headers on the gateway's own error responses."""

from __future__ import annotations

from typing import Any

from cognito_api_construct.runtime.contract import ADMIN_CREATE_ROUTES

from .conftest import Synthesized
from .helpers import methods_by_route

CORS_RESPONSE_TYPES = {"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED"}


def _responses(app: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in app.resources("AWS::ApiGateway::GatewayResponse").values()
    }


def test_every_resource_answers_preflights(configured: Synthesized) -> None:
    # given cors set
    # when
    methods = methods_by_route(configured.template)

    # then the auth routes and the user's route have a mock OPTIONS without auth
    for path in [f"/{route}" for route in ADMIN_CREATE_ROUTES] + ["/reports"]:
        preflight = methods[(path, "OPTIONS")]
        assert preflight["Integration"]["Type"] == "MOCK"
        assert preflight["AuthorizationType"] == "NONE"


def test_error_responses_carry_cors_headers_single_origin(imported: Synthesized) -> None:
    # given cors with one origin
    # when
    responses = _responses(imported)

    # then the authorizer's 401/403 and every 4XX/5XX are readable by that origin
    assert set(responses) >= CORS_RESPONSE_TYPES | {"BAD_REQUEST_BODY"}
    for response_type in CORS_RESPONSE_TYPES | {"BAD_REQUEST_BODY"}:
        params = responses[response_type]["ResponseParameters"]
        assert (
            params["gatewayresponse.header.Access-Control-Allow-Origin"]
            == "'https://app.example.com'"
        )
        assert "Authorization" in params["gatewayresponse.header.Access-Control-Allow-Headers"]
        assert "gatewayresponse.header.Access-Control-Allow-Credentials" not in params


def test_error_responses_echo_one_of_several_origins(configured: Synthesized) -> None:
    # given cors with two origins and credentials
    # when
    params = _responses(configured)["UNAUTHORIZED"]["ResponseParameters"]

    # then the request's origin is echoed, caches vary on it, credentials are allowed
    assert (
        params["gatewayresponse.header.Access-Control-Allow-Origin"]
        == "method.request.header.Origin"
    )
    assert params["gatewayresponse.header.Vary"] == "'Origin'"
    assert params["gatewayresponse.header.Access-Control-Allow-Credentials"] == "'true'"
    assert "Auth" in params["gatewayresponse.header.Access-Control-Allow-Headers"]
