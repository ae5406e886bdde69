"""CORS preflights: the MOCK integration's fixed headers and aws-cdk-lib's origin template.

A MOCK integration response can override a header through
``$context.responseOverride.header`` in its mapping template
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html);
aws-cdk-lib's preflight for several origins answers the first one as a fixed header and
overrides it with the request's Origin when that is one of the others.
"""

from __future__ import annotations

from cognito_api_construct.local.gateway_responses import origin_overrides

# As aws-cdk-lib 2.275 writes it for allow_origins=[a, b, c].
CDK_TEMPLATE = (
    '#set($origin = $input.params().header.get("Origin"))\n'
    '#if($origin == "")\n'
    '  #set($origin = $input.params().header.get("origin"))\n'
    "#end\n"
    '#if($origin == "https://b.example" || $origin == "http://localhost:3000")\n'
    "  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
    "#end"
)


def test_one_of_the_other_origins_overrides_the_fixed_one() -> None:
    assert origin_overrides(CDK_TEMPLATE, {"origin": "http://localhost:3000"}) == {
        "Access-Control-Allow-Origin": "http://localhost:3000"
    }


def test_an_origin_the_template_does_not_name_overrides_nothing() -> None:
    for origin in ("https://evil.example", "https://b.example.evil", "", '" || true'):
        assert origin_overrides(CDK_TEMPLATE, {"origin": origin}) == {}


def test_no_template_or_no_origin_overrides_nothing() -> None:
    assert origin_overrides("", {"origin": "https://b.example"}) == {}
    assert origin_overrides(CDK_TEMPLATE, {}) == {}
