"""The API is the only door: client secret, WAF, throttles, reserved concurrency, attributes.

Pins what the construct synthesizes against the gaps an attacker's review found: a client
id that opened Cognito directly, routes without throttles, an auth function whose
concurrency any route could take, and attributes a stolen token could rewrite.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_wafv2 as wafv2

from cognito_api_construct import CognitoApi, CognitoApiPropsError

from .conftest import IMPORTED_WEB_ACL_ARN, Synthesized, route_handler
from .helpers import logical_id_of

TWO_ORIGINS = apigateway.CorsOptions(
    allow_origins=["https://app.example.com", "https://admin.example.com"]
)


def _environment(app: Synthesized) -> dict[str, Any]:
    function = app.resources("AWS::Lambda::Function")[
        logical_id_of(app.template, "AWS::Lambda::Function", "AuthAuthFunction")
    ]
    variables: dict[str, Any] = function["Properties"]["Environment"]["Variables"]
    return variables


# The client secret -------------------------------------------------------------------
def test_the_client_has_a_secret_only_the_auth_function_reads(defaults: Synthesized) -> None:
    # given / when
    (client_id,) = defaults.resources("AWS::Cognito::UserPoolClient")
    environment = _environment(defaults)

    # then the function reads it from the client itself, at deploy time
    assert defaults.one("AWS::Cognito::UserPoolClient")["GenerateSecret"] is True
    assert environment["USER_POOL_CLIENT_SECRET"] == {"Fn::GetAtt": [client_id, "ClientSecret"]}


def test_the_secret_is_in_no_output_and_needs_no_custom_resource(defaults: Synthesized) -> None:
    """aws-cdk-lib's ``user_pool_client_secret`` would add a Lambda-backed custom resource
    (``Custom::DescribeCognitoUserPoolClient``); outputs are readable by anyone who can
    describe the stack.
    """
    template = defaults.template.to_json()
    outputs = json.dumps(template.get("Outputs", {}))
    assert "ClientSecret" not in outputs
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("Custom::")]
    references = [
        path
        for path, resource in template["Resources"].items()
        if "ClientSecret" in json.dumps(resource)
    ]
    assert references == [
        logical_id_of(defaults.template, "AWS::Lambda::Function", "AuthAuthFunction")
    ]


def test_an_existing_pool_gets_the_same_secret(imported: Synthesized) -> None:
    # given an imported pool: the construct still creates its own client on it
    client = imported.one("AWS::Cognito::UserPoolClient")

    # then
    assert client["GenerateSecret"] is True
    assert "Fn::GetAtt" in _environment(imported)["USER_POOL_CLIENT_SECRET"]


# Attributes --------------------------------------------------------------------------
def test_users_cannot_write_their_verified_flags(defaults: Synthesized) -> None:
    # given / when
    writable = set(defaults.one("AWS::Cognito::UserPoolClient")["WriteAttributes"])

    # then every standard attribute but the two flags only a code or an admin may set
    assert "email" in writable
    assert "phone_number" in writable
    assert "email_verified" not in writable
    assert "phone_number_verified" not in writable


def test_a_new_email_takes_effect_only_once_verified(defaults: Synthesized) -> None:
    # given / when
    pool = defaults.one("AWS::Cognito::UserPool")

    # then the old address stays (and receives resets) until the new one is verified
    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]
    }
    assert pool["AutoVerifiedAttributes"] == ["email"]


def test_with_sms_the_phone_number_is_kept_until_verified_too(configured: Synthesized) -> None:
    # given mfa_second_factor with sms=True
    pool = configured.one("AWS::Cognito::UserPool")

    # then
    assert sorted(
        pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"]
    ) == [
        "email",
        "phone_number",
    ]


# Throttles and concurrency -----------------------------------------------------------
def _settings(app: Synthesized) -> dict[tuple[str, str], dict[str, Any]]:
    stage = app.one("AWS::ApiGateway::Stage")
    return {(s["ResourcePath"], s["HttpMethod"]): s for s in stage["MethodSettings"]}


def test_every_method_has_a_stage_wide_throttle_by_default(defaults: Synthesized) -> None:
    """Without one, a route's limit is the account's 10,000 requests/s for every API."""
    stage_wide = _settings(defaults)[("/*", "*")]
    assert (stage_wide["ThrottlingRateLimit"], stage_wide["ThrottlingBurstLimit"]) == (100, 200)


def test_stage_and_route_throttles_are_the_callers(configured: Synthesized) -> None:
    # given stage_throttle=50/80 and throttle=ThrottleSettings(rate_limit=2) on reports
    settings = _settings(configured)

    # then the route's rate is its own and its burst the stage's; the route restates
    # the stage's logging, which a method setting would otherwise drop
    assert settings[("/*", "*")]["ThrottlingRateLimit"] == 50
    route = settings[("/~1reports", "GET")]
    assert (route["ThrottlingRateLimit"], route["ThrottlingBurstLimit"]) == (2, 80)
    assert route["LoggingLevel"] == "ERROR"
    assert route["DataTraceEnabled"] is False


def test_reserved_concurrency_is_off_by_default_and_the_callers_when_set(
    defaults: Synthesized, configured: Synthesized
) -> None:
    """Reserving fails to deploy where the account's unreserved concurrency would drop
    below 100 (new accounts often have a limit of 10), so it is opt-in.
    """

    def reserved(app: Synthesized) -> Any:
        function = app.resources("AWS::Lambda::Function")[
            logical_id_of(app.template, "AWS::Lambda::Function", "AuthAuthFunction")
        ]
        return function["Properties"].get("ReservedConcurrentExecutions")

    assert reserved(defaults) is None
    assert reserved(configured) == 5


# WAF ---------------------------------------------------------------------------------
def _associations(app: Synthesized) -> list[dict[str, Any]]:
    return [r["Properties"] for r in app.resources("AWS::WAFv2::WebACLAssociation").values()]


def test_waf_true_builds_the_managed_web_acl_on_the_stage_and_the_pool(
    configured: Synthesized,
) -> None:
    # given waf=True and two CORS origins
    (acl_id,) = configured.resources("AWS::WAFv2::WebACL")
    acl = configured.one("AWS::WAFv2::WebACL")
    rules = {rule["Name"]: rule for rule in acl["Rules"]}

    # then one web ACL: the origin check first, the auth rate limit, AWS's rule groups
    assert [rule["Name"] for rule in sorted(acl["Rules"], key=lambda r: r["Priority"])] == [
        "RefuseOtherOrigins",
        "AuthRoutesRateLimit",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ]
    rate = rules["AuthRoutesRateLimit"]["Statement"]["RateBasedStatement"]
    assert (rate["Limit"], rate["AggregateKeyType"], rate["EvaluationWindowSec"]) == (
        300,
        "IP",
        300,
    )
    ends = {
        s["ByteMatchStatement"]["SearchString"]
        for s in rate["ScopeDownStatement"]["OrStatement"]["Statements"]
    }
    assert {"/auth", "/signup", "/challenge", "/password/forgot"} <= ends
    assert rules["AWSManagedRulesCommonRuleSet"]["OverrideAction"] == {"None": {}}
    # and it is associated with the stage and the user pool
    targets = {json.dumps(a["ResourceArn"], sort_keys=True) for a in _associations(configured)}
    pool_id = logical_id_of(configured.template, "AWS::Cognito::UserPool", "AuthUserPool")
    assert json.dumps({"Fn::GetAtt": [pool_id, "Arn"]}, sort_keys=True) in targets
    assert len(targets) == 2
    assert all(a["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]} for a in _associations(configured))


def test_a_web_acl_given_by_arn_is_associated_with_the_stage_and_the_pool(
    imported: Synthesized,
) -> None:
    # given web_acl=<ARN> and an imported pool
    associations = _associations(imported)

    # then no web ACL is created, and both resources get the given one
    assert imported.resources("AWS::WAFv2::WebACL") == {}
    assert [a["WebACLArn"] for a in associations] == [IMPORTED_WEB_ACL_ARN] * 2
    assert any("userpool/eu-west-1_AbCdEfGhI" in json.dumps(a["ResourceArn"]) for a in associations)


def test_a_given_web_acl_gets_the_origin_check_after_its_own_rules(stack: Stack) -> None:
    # given the caller's web ACL with one rule, and two CORS origins
    acl = wafv2.CfnWebACL(
        stack,
        "Mine",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name="mine", sampled_requests_enabled=True
        ),
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name="Theirs",
                priority=7,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name="AWSManagedRulesAmazonIpReputationList"
                    )
                ),
                visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                    cloud_watch_metrics_enabled=True,
                    metric_name="theirs",
                    sampled_requests_enabled=True,
                ),
            )
        ],
    )

    # when
    auth = CognitoApi(stack, "Auth", cors=TWO_ORIGINS, web_acl=acl)

    # then their rule stays, the origin check follows it, and theirs is the one used
    names = [(rule.name, rule.priority) for rule in acl.rules]  # type: ignore[union-attr]
    assert names == [("Theirs", 7), ("RefuseOtherOrigins", 8)]
    assert auth.web_acl is acl
    assert auth.origin_check is acl
    assert stack.node.try_find_child("Auth").node.try_find_child("OriginCheck") is None


@pytest.mark.parametrize(
    ("props", "named"),
    [
        ({"waf": True, "web_acl": IMPORTED_WEB_ACL_ARN}, "waf"),
        ({"web_acl": IMPORTED_WEB_ACL_ARN, "cors": TWO_ORIGINS}, "web_acl"),
        ({"auth_reserved_concurrency": 0}, "auth_reserved_concurrency"),
        ({"auth_reserved_concurrency": True}, "auth_reserved_concurrency"),
        (
            {"stage_throttle": apigateway.ThrottleSettings(rate_limit=0)},
            "stage_throttle.rate_limit",
        ),
    ],
)
def test_impossible_protection_props_are_refused_naming_the_prop(
    stack: Stack, props: dict[str, Any], named: str
) -> None:
    with pytest.raises(CognitoApiPropsError) as refused:
        CognitoApi(stack, "Auth", **props)
    assert named in str(refused.value)


def test_a_route_throttle_that_is_not_positive_is_refused(stack: Stack) -> None:
    auth = CognitoApi(stack, "Auth")
    with pytest.raises(CognitoApiPropsError, match=r"throttle\.burst_limit"):
        auth.add_protected_route(
            "reports",
            route_handler(stack),
            throttle=apigateway.ThrottleSettings(burst_limit=0),
        )
