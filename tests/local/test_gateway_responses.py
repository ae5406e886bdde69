"""Gateway responses: built-in defaults, template overrides and the VTL subset they use."""

from __future__ import annotations

import json

import pytest

from cognito_api_construct.local.apimodel import GatewayResponse
from cognito_api_construct.local.gateway_responses import (
    GatewayResponses,
    escape_javascript,
    render_template,
)

CONSTRUCT_STYLE = (
    '{"error":"InvalidRequestBody","message":"$util.escapeJavaScript('
    '$context.error.validationErrorString).replaceAll("\\\\\'","\'")",'
    '"request_id":"$context.requestId"}'
)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('say "hi"', 'say \\"hi\\"'),
        ("it's", "it\\'s"),
        ("a/b\\c", "a\\/b\\\\c"),
        ("line\nnext\ttab", "line\\nnext\\ttab"),
        ("caf\u00e9 \u2603", "caf\\u00E9 \\u2603"),
        ("\x01", "\\u0001"),
    ],
)
def test_escape_javascript_matches_util_escape_javascript(text: str, escaped: str) -> None:
    assert escape_javascript(text) == escaped


def test_template_with_quotes_and_apostrophes_renders_valid_json() -> None:
    # given a validation message holding double quotes, an apostrophe and a slash
    message = '[string "it\'s a/b" is too long (length: 8, maximum allowed: 3)]'

    # when the construct-style template is rendered
    rendered = render_template(
        CONSTRUCT_STYLE, {"error.validationErrorString": message, "requestId": "req-1"}
    )

    # then it is JSON carrying the message unchanged
    assert json.loads(rendered) == {
        "error": "InvalidRequestBody",
        "message": message,
        "request_id": "req-1",
    }


def test_unknown_references_stay_as_written_like_velocity() -> None:
    assert render_template("$context.nope and ${context.requestId}", {"requestId": "r"}) == (
        "$context.nope and r"
    )


def test_default_unauthorized_response() -> None:
    # given an API without gateway responses
    responses = GatewayResponses({})

    # when the authorizer's refusal is rendered
    response = responses.render("UNAUTHORIZED", {"requestId": "r1"}, {})

    # then it is API Gateway's default
    assert response.status == 401
    assert json.loads(response.body) == {"message": "Unauthorized"}
    assert ("x-amzn-ErrorType", "UnauthorizedException") in response.headers


def test_default_4xx_headers_apply_to_types_without_their_own() -> None:
    # given a DEFAULT_4XX response adding CORS headers, one echoing a request header
    default_4xx = GatewayResponse(
        "DEFAULT_4XX",
        None,
        {},
        {"Access-Control-Allow-Origin": "method.request.header.Origin", "X-Fixed": "'yes'"},
    )
    responses = GatewayResponses({"DEFAULT_4XX": default_4xx})

    # when a 403 and a 401 are rendered
    forbidden = responses.render("MISSING_AUTHENTICATION_TOKEN", {}, {"origin": "https://app"})
    unauthorized = responses.render("UNAUTHORIZED", {}, {})

    # then both carry the headers and keep their own status and message
    assert forbidden.status == 403
    assert ("Access-Control-Allow-Origin", "https://app") in forbidden.headers
    assert ("X-Fixed", "yes") in unauthorized.headers
    assert unauthorized.status == 401


def test_a_request_for_no_stage_gets_api_gateways_own_403_without_the_apis_headers() -> None:
    """A path outside every stage reaches no deployment, so none of the API's gateway
    responses applies (they are part of a deployment,
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html),
    nor the stage's WAF: the emulator must not echo a foreign ``Origin`` there."""
    # given an API whose DEFAULT_4XX copies the request's Origin
    default_4xx = GatewayResponse(
        "DEFAULT_4XX", None, {}, {"Access-Control-Allow-Origin": "method.request.header.Origin"}
    )
    responses = GatewayResponses({"DEFAULT_4XX": default_4xx})

    # when the 403 for a path outside the stage is rendered
    response = responses.render(
        "ACCESS_DENIED", {"requestId": "r"}, {"origin": "https://evil.example"}, customized=False
    )

    # then it is API Gateway's bare answer
    assert response.status == 403
    assert json.loads(response.body) == {"message": "Forbidden"}
    assert all(name != "Access-Control-Allow-Origin" for name, _ in response.headers)


def test_specific_response_overrides_status_and_body() -> None:
    # given a BAD_REQUEST_BODY response with its own status and template
    override = GatewayResponse("BAD_REQUEST_BODY", 422, {"application/json": CONSTRUCT_STYLE}, {})
    responses = GatewayResponses({"BAD_REQUEST_BODY": override})

    # when a validation failure is rendered
    response = responses.render(
        "BAD_REQUEST_BODY", {"requestId": "r", "error.validationErrorString": "[bad]"}, {}
    )

    # then the template's status and body answer
    assert response.status == 422
    assert json.loads(response.body)["message"] == "[bad]"
