"""An existing user pool: no pool is created, the client and routes use the given one."""

from __future__ import annotations

import pytest
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito

from cognito_api_construct import CognitoApi

from .conftest import Synthesized


def test_no_pool_is_created(imported: Synthesized) -> None:
    # given user_pool=UserPool.from_user_pool_id(...)
    # when / then
    imported.template.resource_count_is("AWS::Cognito::UserPool", 0)
    client = imported.one("AWS::Cognito::UserPoolClient")
    assert client["UserPoolId"] == "eu-west-1_AbCdEfGhI"


def test_authorizer_and_policy_use_the_given_pool(imported: Synthesized) -> None:
    # given / when
    authorizer = imported.one("AWS::ApiGateway::Authorizer")
    resolved = imported.stack.resolve(imported.auth.user_pool.user_pool_arn)

    # then
    assert authorizer["ProviderARNs"] == [resolved]
    statements = [
        s
        for p in imported.resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "cognito-idp:AdminCreateUser"
    ]
    assert [s["Resource"] for s in statements] == [resolved]


def test_custom_domain_without_zone_adds_no_record(imported: Synthesized) -> None:
    # given domain without hosted_zone
    # when / then
    imported.template.resource_count_is("AWS::ApiGateway::DomainName", 1)
    imported.template.resource_count_is("AWS::Route53::RecordSet", 0)
    assert imported.auth.url == "https://api.example.org/"


@pytest.mark.parametrize(
    "pool_prop",
    [
        {"password_policy": cognito.PasswordPolicy(min_length=14)},
        {"mfa": cognito.Mfa.REQUIRED},
        {"feature_plan": cognito.FeaturePlan.PLUS},
        {"removal_policy": RemovalPolicy.DESTROY},
        {"deletion_protection": False},
        {"mfa_message": "Code {####}"},
    ],
    ids=lambda p: next(iter(p)),
)
def test_pool_props_refused_with_existing_pool(stack: Stack, pool_prop: dict[str, object]) -> None:
    # given an existing pool
    pool = cognito.UserPool.from_user_pool_id(stack, "Existing", "eu-west-1_AbCdEfGhI")

    # when / then
    (name,) = pool_prop
    with pytest.raises(ValueError, match=rf"user_pool is an existing pool.*\b{name}\b"):
        CognitoApi(stack, "Auth", user_pool=pool, **pool_prop)  # type: ignore[arg-type]


def test_every_offending_prop_is_listed_before_anything_is_built(stack: Stack) -> None:
    # given an existing pool and two pool-level props
    pool = cognito.UserPool.from_user_pool_id(stack, "Existing", "eu-west-1_AbCdEfGhI")

    # when
    with pytest.raises(ValueError, match=r"mfa, .*removal_policy") as raised:
        CognitoApi(
            stack, "Auth", user_pool=pool, mfa=cognito.Mfa.OFF, removal_policy=RemovalPolicy.RETAIN
        )

    # then the message says how to fix it, and no child was built
    assert "drop user_pool" in str(raised.value)
    assert stack.node.find_child("Auth").node.children == []


def test_client_props_are_allowed_with_existing_pool(stack: Stack) -> None:
    # given an existing pool and client-level props
    pool = cognito.UserPool.from_user_pool_id(stack, "Existing", "eu-west-1_AbCdEfGhI")

    # when
    auth = CognitoApi(stack, "Auth", user_pool=pool, access_token_validity=Duration.minutes(10))

    # then
    assert auth.user_pool is pool


def test_log_removal_policy_is_allowed_with_an_existing_pool(stack: Stack) -> None:
    # given an existing pool whose logs may go with the stack
    from aws_cdk.assertions import Template

    pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "eu-west-1_AbCdEfGhI")

    # when
    CognitoApi(stack, "Auth", user_pool=pool, log_removal_policy=RemovalPolicy.DESTROY)

    # then both of the construct's log groups are deleted with the stack
    groups = Template.from_stack(stack).find_resources("AWS::Logs::LogGroup")
    assert len(groups) == 2
    assert {g["DeletionPolicy"] for g in groups.values()} == {"Delete"}
