"""CORS: preflights everywhere, and the CORS headers of an allowed origin on every answer.

The three answerers each get the policy: the auth function (its environment), API
Gateway's own responses (gateway responses' fixed or copied headers), and the user's
route functions (their environment). With several origins the gateway responses copy
the request's Origin, so the origin-check web ACL must refuse every other origin first.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match

from cognito_api_construct import CognitoApi
from cognito_api_construct.local.waf import WafRequest, read_web_acls
from cognito_api_construct.runtime.contract import routes_for

from .conftest import ENV, Synthesized, route_handler
from .helpers import methods_by_route

CORS_RESPONSE_TYPES = {"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED"}
APP = "https://app.example.com"
ADMIN = "https://admin.example.com"


def _responses(app: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in app.resources("AWS::ApiGateway::GatewayResponse").values()
    }


def _environment(app: Synthesized, function_id_prefix: str) -> dict[str, str]:
    (function,) = [
        resource["Properties"]
        for logical_id, resource in app.resources("AWS::Lambda::Function").items()
        if logical_id.startswith(function_id_prefix)
    ]
    variables: dict[str, str] = function.get("Environment", {}).get("Variables", {})
    return variables


def test_every_resource_answers_preflights(configured: Synthesized) -> None:
    # given cors set
    # when
    methods = methods_by_route(configured.template)

    # then the auth routes and the user's route have a mock OPTIONS without auth
    for path in [route.resource for route in routes_for("ADMIN_CREATE")] + ["/reports"]:
        preflight = methods[(path, "OPTIONS")]
        assert preflight["Integration"]["Type"] == "MOCK"
        assert preflight["AuthorizationType"] == "NONE"


def test_one_origin_is_a_fixed_header_everywhere(imported: Synthesized) -> None:
    # given cors with one origin
    # when
    responses = _responses(imported)

    # then the authorizer's 401/403, every 4XX/5XX and the model's 400 name that origin
    assert set(responses) >= CORS_RESPONSE_TYPES | {"BAD_REQUEST_BODY"}
    for response_type in CORS_RESPONSE_TYPES | {"BAD_REQUEST_BODY"}:
        params = responses[response_type]["ResponseParameters"]
        assert params["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{APP}'"
        assert "Authorization" in params["gatewayresponse.header.Access-Control-Allow-Headers"]
        assert params["gatewayresponse.header.Access-Control-Expose-Headers"] == "'Retry-After'"
        assert "gatewayresponse.header.Access-Control-Allow-Credentials" not in params
    # and no web ACL is needed: another origin cannot read a fixed one's answers
    assert imported.resources("AWS::WAFv2::WebACL") == {}
    assert imported.auth.origin_check is None


def test_one_origin_reaches_the_auth_function_and_the_route(imported: Synthesized) -> None:
    # given cors with one origin
    # then both functions know it, to answer with the same headers
    expected = {
        "CORS_ALLOW_ORIGINS": APP,
        "CORS_ALLOW_CREDENTIALS": "false",
        "CORS_EXPOSE_HEADERS": "Retry-After",
    }
    for function in ("AuthAuthFunction", "ReportsFunction"):
        environment = _environment(imported, function)
        assert {name: environment.get(name) for name in expected} == expected


def test_several_origins_copy_the_origin_behind_the_origin_check(configured: Synthesized) -> None:
    # given cors with two origins and credentials
    # when
    responses = _responses(configured)
    params = responses["UNAUTHORIZED"]["ResponseParameters"]

    # then the request's origin is copied, caches vary on it, credentials are allowed
    assert (
        params["gatewayresponse.header.Access-Control-Allow-Origin"]
        == "method.request.header.Origin"
    )
    assert params["gatewayresponse.header.Vary"] == "'Origin'"
    assert params["gatewayresponse.header.Access-Control-Allow-Credentials"] == "'true'"
    assert "Auth" in params["gatewayresponse.header.Access-Control-Allow-Headers"]
    # and WAF's own refusal carries no CORS header at all (it must not copy the origin
    # it refused)
    assert "ResponseParameters" not in responses["WAF_FILTERED"]


def test_several_origins_are_guarded_by_a_web_acl_on_the_stage(configured: Synthesized) -> None:
    # given cors with two origins
    # when
    acls = read_web_acls(configured.template.to_json()["Resources"], _api_id(configured))

    # then exactly one web ACL guards the stage, allowing by default: with waf=True the
    # construct's own, whose origin check the emulator evaluates (not the rate-based
    # and managed rules)
    (acl,) = acls
    assert acl.default_allows
    assert set(acl.not_emulated) == {
        "AuthRoutesRateLimit",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    }
    assert configured.auth.origin_check is configured.auth.web_acl is not None

    # and it blocks another origin, and lets the allowed ones and origin-less requests by
    def blocked(origin: str | None) -> bool:
        headers = [("Origin", origin)] if origin is not None else []
        return acl.blocks(WafRequest("POST", "/prod/auth", "", headers)) is not None

    assert blocked("https://evil.example")
    assert blocked(APP + "/")
    assert blocked("null")
    assert not blocked(APP)
    assert not blocked(ADMIN)
    assert not blocked(None)


def _api_id(app: Synthesized) -> str:
    (api_id,) = app.resources("AWS::ApiGateway::RestApi")
    return str(api_id)


def test_all_origins_is_a_star_and_needs_no_check(all_origins: Synthesized) -> None:
    # given cors=Cors.ALL_ORIGINS
    # when
    params = _responses(all_origins)["DEFAULT_4XX"]["ResponseParameters"]

    # then
    assert params["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
    assert "gatewayresponse.header.Access-Control-Allow-Credentials" not in params
    assert all_origins.resources("AWS::WAFv2::WebACL") == {}
    assert _environment(all_origins, "AuthAuthFunction")["CORS_ALLOW_ORIGINS"] == "*"


def test_credentials_reach_the_functions(configured: Synthesized) -> None:
    # given cors with two origins and credentials
    # then
    for function in ("AuthAuthFunction", "ReportsFunction"):
        environment = _environment(configured, function)
        assert environment["CORS_ALLOW_ORIGINS"] == f"{APP},{ADMIN}"
        assert environment["CORS_ALLOW_CREDENTIALS"] == "true"


def test_without_cors_no_function_gets_cors_variables(defaults: Synthesized) -> None:
    # given no cors
    # then
    for function in ("AuthAuthFunction", "ReportsFunction"):
        assert not [v for v in _environment(defaults, function) if v.startswith("CORS_")]


def test_a_function_the_construct_cannot_change_gets_a_warning() -> None:
    # given cors and a route whose function is imported (no environment to set)
    stack = Stack(App(), "Imported", env=ENV)
    auth = CognitoApi(stack, "Auth", cors=apigateway.CorsOptions(allow_origins=[APP]))
    imported = lambda_.Function.from_function_arn(
        stack, "Imported", "arn:aws:lambda:eu-west-1:123456789012:function:reports"
    )

    # when it is added
    auth.add_protected_route("reports", imported)

    # then synthesis warns, naming the variables to set
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("CORS_ALLOW_ORIGINS, CORS_ALLOW_CREDENTIALS")
    )
    assert len(warnings) == 1


@pytest.mark.parametrize(
    ("cors", "says"),
    [
        (
            apigateway.CorsOptions(
                allow_origins=apigateway.Cors.ALL_ORIGINS, allow_credentials=True
            ),
            "Cors.ALL_ORIGINS with allow_credentials=True is invalid",
        ),
        (apigateway.CorsOptions(allow_origins=[APP + "/"]), "no trailing slash"),
        (apigateway.CorsOptions(allow_origins=["https://App.example.com"]), "in lower case"),
        (apigateway.CorsOptions(allow_origins=["app.example.com"]), "scheme://host[:port]"),
        (apigateway.CorsOptions(allow_origins=["*", APP]), "'*' already allows every origin"),
        (apigateway.CorsOptions(allow_origins=[]), "at least one allowed origin"),
    ],
)
def test_cors_a_browser_cannot_use_is_refused(cors: apigateway.CorsOptions, says: str) -> None:
    # given a stack
    stack = Stack(App(), "Refused", env=ENV)

    # when / then the construct refuses it with the fix
    with pytest.raises(ValueError, match="cors") as refused:
        CognitoApi(stack, "Auth", cors=cors)
    assert says in str(refused.value)


def test_the_callers_cors_options_are_not_changed() -> None:
    # given the caller's options without the token header
    options = apigateway.CorsOptions(allow_origins=[APP], allow_headers=["Content-Type"])
    stack = Stack(App(), "Untouched", env=ENV)

    # when
    auth = CognitoApi(stack, "Auth", cors=options, token_header="Auth")
    auth.add_protected_route("reports", route_handler(stack))

    # then the construct allowed the header on its own copy
    assert options.allow_headers == ["Content-Type"]
    assert options.expose_headers is None
