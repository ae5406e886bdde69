"""The gpt example app synthesizes into what its README promises.

cdk-nag and cfn-lint on it (and on every other app) are tests/gates/test_templates.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only(items: dict[str, Any]) -> tuple[str, Any]:
    assert len(items) == 1, f"expected exactly one, got {sorted(items)}"
    return next(iter(items.items()))


def gpt_function(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return only(
        {
            logical_id: function
            for logical_id, function in resources(template, "AWS::Lambda::Function").items()
            if function["Properties"]["Handler"] == "gpt.handler.handler"
        }
    )


def test_gpt_route_is_a_post_behind_the_cognito_authorizer_on_the_auth_header(synthesized_app):
    # given
    template = synthesized_app.template

    # when
    gpt_resource_id, _ = only(
        {
            logical_id: resource
            for logical_id, resource in resources(template, "AWS::ApiGateway::Resource").items()
            if resource["Properties"]["PathPart"] == "gpt"
        }
    )
    methods = {
        logical_id: method
        for logical_id, method in resources(template, "AWS::ApiGateway::Method").items()
        if method["Properties"]["ResourceId"] == {"Ref": gpt_resource_id}
    }

    # then
    _, method = only(methods)
    properties = method["Properties"]
    assert properties["HttpMethod"] == "POST"
    assert properties["AuthorizationType"] == "COGNITO_USER_POOLS"
    authorizer = template["Resources"][properties["AuthorizerId"]["Ref"]]["Properties"]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["IdentitySource"] == "method.request.header.Auth"
    function_id, _ = gpt_function(template)
    assert function_id in json.dumps(properties["Integration"]["Uri"])


def test_gpt_function_runs_python_3_14_on_arm_with_a_timeout_above_the_upstream_one(
    synthesized_app,
):
    # when
    _, function = gpt_function(synthesized_app.template)

    # then
    properties = function["Properties"]
    assert properties["Runtime"] == "python3.14"
    assert properties["Architectures"] == ["arm64"]
    upstream_timeout = float(properties["Environment"]["Variables"]["OPENAI_TIMEOUT_SECONDS"])
    assert upstream_timeout < properties["Timeout"] < 29


def test_gpt_asset_holds_the_gpt_package_and_nothing_else(synthesized_app, example_dir):
    # given
    _, function = gpt_function(synthesized_app.template)
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    asset_dir = synthesized_app.outdir / f"asset.{asset_hash}"

    # when
    shipped = sorted(str(path.relative_to(asset_dir)) for path in asset_dir.rglob("*"))

    # then
    modules = sorted(f"gpt/{path.name}" for path in (example_dir / "gpt").glob("*.py"))
    assert shipped == ["gpt", *modules]


def test_secret_is_created_without_any_key_and_only_referenced_by_the_function(
    synthesized_app,
):
    # given
    template = synthesized_app.template

    # when
    secret_id, secret = only(resources(template, "AWS::SecretsManager::Secret"))
    _, function = gpt_function(template)

    # then
    stored = json.loads(secret["Properties"]["SecretString"])
    assert stored == {"api_key": ""}
    assert function["Properties"]["Environment"]["Variables"] == {
        "OPENAI_BASE_URL": "https://api.openai.com",
        "OPENAI_MODEL": "gpt-4o-mini",
        "OPENAI_TIMEOUT_SECONDS": "20",
        "OPENAI_API_KEY_SECRET": {"Ref": secret_id},
        "LOG_LEVEL": "INFO",
    }


def test_gpt_role_reads_only_its_secret_and_has_no_managed_policy(synthesized_app):
    # given
    template = synthesized_app.template
    secret_id, _ = only(resources(template, "AWS::SecretsManager::Secret"))
    _, function = gpt_function(template)
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]

    # when
    role = template["Resources"][role_id]["Properties"]
    statements = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]

    # then
    assert "ManagedPolicyArns" not in role
    secret_statements = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    assert [s["Resource"] for s in secret_statements] == [{"Ref": secret_id}]
    assert all(s["Resource"] != "*" for s in statements)


def test_outputs_give_the_api_url_the_pool_and_the_client(synthesized_app):
    # when
    outputs = synthesized_app.template["Outputs"]

    # then
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId", "OpenAiApiKeySecret"} <= set(outputs)
    pool_id, _ = only(resources(synthesized_app.template, "AWS::Cognito::UserPool"))
    client_id, _ = only(resources(synthesized_app.template, "AWS::Cognito::UserPoolClient"))
    assert outputs["UserPoolId"]["Value"] == {"Ref": pool_id}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": client_id}


def test_an_existing_secret_is_imported_by_name_from_context(app_module):
    # given
    import aws_cdk as cdk
    from aws_cdk.assertions import Match, Template

    app = cdk.App(
        context={
            "openai_secret_name": "team/openai",
            "openai_base_url": "http://llm.internal:8080/v1",
            "openai_model": "local-llama",
        }
    )

    # when
    template = Template.from_stack(app_module.build(app))

    # then
    template.resource_count_is("AWS::SecretsManager::Secret", 0)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "gpt.handler.handler",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "OPENAI_API_KEY_SECRET": "team/openai",
                        "OPENAI_BASE_URL": "http://llm.internal:8080/v1",
                        "OPENAI_MODEL": "local-llama",
                    }
                )
            },
        },
    )
    policies = json.dumps(template.find_resources("AWS::IAM::Policy"))
    assert "secret:team/openai-??????" in policies
