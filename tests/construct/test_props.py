"""Every prop of CognitoApi mapped to CloudFormation (the ``configured`` app)."""

from __future__ import annotations

import json

import pytest
from aws_cdk import RemovalPolicy

from cognito_api_construct import CognitoApi
from cognito_api_construct.runtime.contract import routes_for

from .conftest import ConfiguredInputs, Synthesized
from .helpers import logical_id_of, methods_by_route


def test_password_policy_fields_override_defaults_one_by_one(configured: Synthesized) -> None:
    # given password_policy=PasswordPolicy(min_length=14, require_symbols=False)
    # when
    policy = configured.one("AWS::Cognito::UserPool")["Policies"]["PasswordPolicy"]

    # then the given fields win and the others keep the construct's defaults
    assert policy["MinimumLength"] == 14
    assert policy["RequireSymbols"] is False
    assert policy["RequireLowercase"] is True
    assert policy["RequireUppercase"] is True
    assert policy["RequireNumbers"] is True
    assert policy["TemporaryPasswordValidityDays"] == 7


def test_mfa_props(configured: Synthesized) -> None:
    # given mfa=REQUIRED, otp + sms, an SMS message and role
    # when
    pool = configured.one("AWS::Cognito::UserPool")

    # then
    assert pool["MfaConfiguration"] == "ON"
    assert sorted(pool["EnabledMfas"]) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert pool["SmsAuthenticationMessage"] == "Your code is {####}"
    sms_role = logical_id_of(configured.template, "AWS::IAM::Role", "SmsRole")
    assert pool["SmsConfiguration"]["SnsCallerArn"] == {"Fn::GetAtt": [sms_role, "Arn"]}


def test_lambda_triggers_and_messages(configured: Synthesized) -> None:
    # given
    trigger = logical_id_of(configured.template, "AWS::Lambda::Function", "PreSignUpFunction")

    # when
    pool = configured.one("AWS::Cognito::UserPool")

    # then
    assert pool["LambdaConfig"]["PreSignUp"] == {"Fn::GetAtt": [trigger, "Arn"]}
    invite = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    assert invite["EmailSubject"] == "Welcome"
    assert invite["EmailMessage"] == "Hello {username}, code {####}"
    verification = pool["VerificationMessageTemplate"]
    assert verification["EmailSubject"] == "Verify"
    assert verification["EmailMessage"] == "Your code is {####}"


def test_feature_plan_and_removal_policy(configured: Synthesized) -> None:
    # given feature_plan=ESSENTIALS, removal_policy=DESTROY, deletion_protection unset
    # when
    (pool,) = configured.resources("AWS::Cognito::UserPool").values()

    # then DESTROY really destroys: deletion protection follows the removal policy
    assert pool["Properties"]["UserPoolTier"] == "ESSENTIALS"
    assert pool["DeletionPolicy"] == "Delete"
    assert pool["Properties"]["DeletionProtection"] == "INACTIVE"
    for log_group in configured.resources("AWS::Logs::LogGroup").values():
        assert log_group["DeletionPolicy"] == "Delete"


def test_token_validities(configured: Synthesized) -> None:
    # given 15 min access, 20 min id, 7 days refresh
    # when
    client = configured.one("AWS::Cognito::UserPoolClient")

    # then
    assert client["AccessTokenValidity"] == 15
    assert client["IdTokenValidity"] == 20
    assert client["RefreshTokenValidity"] == 7 * 24 * 60


def test_token_header_feeds_authorizer_and_cors(configured: Synthesized) -> None:
    # given token_header="Auth" and cors
    # when
    authorizer = configured.one("AWS::ApiGateway::Authorizer")
    preflight = methods_by_route(configured.template)[("/reports", "OPTIONS")]

    # then the authorizer reads Auth and browsers are allowed to send it
    assert authorizer["IdentitySource"] == "method.request.header.Auth"
    allow_headers = preflight["Integration"]["IntegrationResponses"][0]["ResponseParameters"][
        "method.response.header.Access-Control-Allow-Headers"
    ]
    assert "Auth" in allow_headers.strip("'").split(",")


def test_custom_domain_with_alias_record(configured: Synthesized) -> None:
    # given domain=CustomDomain("auth.example.com", cert, zone)
    # when
    domain = configured.one("AWS::ApiGateway::DomainName")
    mapping = configured.one("AWS::ApiGateway::BasePathMapping")
    record = configured.one("AWS::Route53::RecordSet")

    # then
    assert domain["DomainName"] == "auth.example.com"
    assert domain["SecurityPolicy"] == "TLS_1_2"
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert "certificate/" in json.dumps(domain["RegionalCertificateArn"])
    assert mapping["Stage"] == {
        "Ref": logical_id_of(
            configured.template, "AWS::ApiGateway::Stage", "AuthApiDeploymentStage"
        )
    }
    assert record["Type"] == "A"
    assert record["Name"] == "auth.example.com."
    assert record["HostedZoneId"] == "Z0123456789ABCDEFGHIJ"
    assert "AliasTarget" in record


def test_url_is_the_custom_domain(configured: Synthesized) -> None:
    # given / when / then
    assert configured.auth.url == "https://auth.example.com/"


def test_auth_throttle_fields_fall_back_to_defaults(configured: Synthesized) -> None:
    # given auth_throttle=ThrottleSettings(rate_limit=5) (no burst)
    # when
    settings = configured.one("AWS::ApiGateway::Stage")["MethodSettings"]
    auth_paths = {"/~1" + r.path.replace("/", "~1") for r in routes_for("ADMIN_CREATE")}
    throttled = [s for s in settings if s["ResourcePath"] in auth_paths]

    # then the rate is the caller's and the burst the default
    assert len(throttled) == len(routes_for("ADMIN_CREATE"))
    assert {s["ThrottlingRateLimit"] for s in throttled} == {5}
    assert {s["ThrottlingBurstLimit"] for s in throttled} == {40}


def test_stage_name_and_cloud_watch_role(configured: Synthesized) -> None:
    # given stage_name="v1", cloud_watch_role=True
    # when
    stage = configured.one("AWS::ApiGateway::Stage")

    # then
    assert stage["StageName"] == "v1"
    configured.template.resource_count_is("AWS::ApiGateway::Account", 1)


def test_authorization_scopes_on_protected_route(configured: Synthesized) -> None:
    # given add_protected_route(..., authorization_scopes=[...])
    # when
    method = methods_by_route(configured.template)[("/reports", "GET")]

    # then
    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert method["AuthorizationScopes"] == ["aws.cognito.signin.user.admin"]


def test_caller_objects_are_not_mutated(
    configured: Synthesized, configured_inputs: ConfiguredInputs
) -> None:
    # given the objects passed to the configured app (already built)
    # when / then they still hold exactly what the caller wrote
    assert configured.auth is not None
    assert configured_inputs.password_policy.min_length == 14
    assert configured_inputs.password_policy.require_lowercase is None
    assert configured_inputs.password_policy.temp_password_validity is None
    assert configured_inputs.cors.allow_headers is None
    assert configured_inputs.auth_throttle.burst_limit is None


@pytest.mark.parametrize(
    ("props", "pool_policy", "log_policy"),
    [
        ({}, "Retain", "Retain"),
        ({"removal_policy": RemovalPolicy.DESTROY}, "Delete", "Delete"),
        (
            {"removal_policy": RemovalPolicy.DESTROY, "log_removal_policy": RemovalPolicy.RETAIN},
            "Delete",
            "Retain",
        ),
        ({"log_removal_policy": RemovalPolicy.DESTROY}, "Retain", "Delete"),
    ],
)
def test_log_removal_policy_defaults_to_the_pools(stack, props, pool_policy, log_policy) -> None:
    # given removal policies for the pool and for the logs
    from aws_cdk.assertions import Template

    # when
    CognitoApi(stack, "Auth", **props)

    # then the log groups follow log_removal_policy, else the pool's policy
    template = Template.from_stack(stack)
    (pool,) = template.find_resources("AWS::Cognito::UserPool").values()
    assert pool["DeletionPolicy"] == pool_policy
    groups = template.find_resources("AWS::Logs::LogGroup").values()
    assert {g["DeletionPolicy"] for g in groups} == {log_policy}
