"""Reading cloud assemblies and templates into the emulator's model (no services started)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local.apimodel import read_rest_apis
from cognito_api_construct.local.assembly import AssemblyError, read_assembly, select_api

API = "Api1"
ROOT = {"Fn::GetAtt": [API, "RootResourceId"]}


def _resource(parent: Any, part: str) -> dict[str, Any]:
    return {
        "Type": "AWS::ApiGateway::Resource",
        "Properties": {"ParentId": parent, "PathPart": part, "RestApiId": {"Ref": API}},
    }


def _method(resource: str, verb: str, **extra: Any) -> dict[str, Any]:
    uri = {
        "Fn::Join": [
            "",
            ["arn:aws:apigateway:", {"Fn::GetAtt": ["Fn1", "Arn"]}, "/invocations"],
        ]
    }
    properties = {
        "HttpMethod": verb,
        "AuthorizationType": "NONE",
        "Integration": {"Type": "AWS_PROXY", "Uri": uri},
        "ResourceId": {"Ref": resource} if resource else ROOT,
        "RestApiId": {"Ref": API},
        **extra,
    }
    return {"Type": "AWS::ApiGateway::Method", "Properties": properties}


def _template() -> dict[str, Any]:
    return {
        API: {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "demo"}},
        "Fn1": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.13"}},
        "Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {"RestApiId": {"Ref": API}, "StageName": "beta"},
        },
        "V1": _resource(ROOT, "v1"),
        "Reports": _resource({"Ref": "V1"}, "reports"),
        "ReportId": _resource({"Ref": "Reports"}, "{id}"),
        "Authz": {
            "Type": "AWS::ApiGateway::Authorizer",
            "Properties": {
                "IdentitySource": "method.request.header.Auth",
                "ProviderARNs": [{"Fn::GetAtt": ["Pool", "Arn"]}],
                "RestApiId": {"Ref": API},
                "Type": "COGNITO_USER_POOLS",
            },
        },
        "Model": {
            "Type": "AWS::ApiGateway::Model",
            "Properties": {"RestApiId": {"Ref": API}, "Schema": {"type": "object"}},
        },
        "Validator": {
            "Type": "AWS::ApiGateway::RequestValidator",
            "Properties": {"RestApiId": {"Ref": API}, "ValidateRequestBody": True},
        },
        "GetReport": _method(
            "ReportId",
            "GET",
            AuthorizationType="COGNITO_USER_POOLS",
            AuthorizerId={"Ref": "Authz"},
            AuthorizationScopes=["reports/read"],
        ),
        "PostReports": _method(
            "Reports",
            "POST",
            RequestModels={"application/json": {"Ref": "Model"}},
            RequestValidatorId={"Ref": "Validator"},
        ),
        "RootGet": _method("", "GET"),
        "BadBody": {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": {
                "ResponseType": "BAD_REQUEST_BODY",
                "RestApiId": {"Ref": API},
                "StatusCode": "422",
                "ResponseTemplates": {"application/json": '{"m":"x"}'},
                "ResponseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
            },
        },
    }


def test_routes_get_full_paths_from_their_parent_chain() -> None:
    # given a template with nested resources
    # when its API is read
    (api,) = read_rest_apis(_template())

    # then each method has its full path and the integrated function
    assert [(r.method, r.path) for r in api.routes] == [
        ("GET", "/"),
        ("POST", "/v1/reports"),
        ("GET", "/v1/reports/{id}"),
    ]
    assert {r.integration.function_id for r in api.routes} == {"Fn1"}
    assert api.stage_name == "beta"


def test_method_authorization_models_and_validator_are_read() -> None:
    # given protected and validated methods
    (api,) = read_rest_apis(_template())
    routes = {(r.method, r.path): r for r in api.routes}

    # then the protected one names its authorizer and scopes, the other its model
    protected = routes[("GET", "/v1/reports/{id}")]
    assert protected.protected
    assert protected.authorizer_id == "Authz"
    assert protected.authorization_scopes == ("reports/read",)
    validated = routes[("POST", "/v1/reports")]
    assert not validated.protected
    assert validated.validate_body
    assert validated.request_models == {"application/json": {"type": "object"}}
    assert api.authorizers["Authz"].token_header == "Auth"
    assert api.authorizers["Authz"].user_pool_ids == ("Pool",)


def test_gateway_responses_are_read_with_status_templates_and_headers() -> None:
    # given a BAD_REQUEST_BODY gateway response
    (api,) = read_rest_apis(_template())

    # then its status, body template and header values are kept as written
    response = api.gateway_responses["BAD_REQUEST_BODY"]
    assert response.status_code == 422
    assert response.templates == {"application/json": '{"m":"x"}'}
    assert response.headers == {"Access-Control-Allow-Origin": "'*'"}


def _write_assembly(directory: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    artifacts = {}
    for name, resources in stacks.items():
        (directory / f"{name}.template.json").write_text(json.dumps({"Resources": resources}))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://111122223333/eu-west-1",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    (directory / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return directory


def test_assembly_stack_environment_and_asset_metadata(tmp_path: Path) -> None:
    # given a stack with a concrete environment and a function with asset metadata
    resources = _template()
    resources["Fn1"]["Metadata"] = {"aws:asset:path": "asset.abc"}
    resources["Fn1"]["Properties"].update({"Handler": "app.handler", "Timeout": 9})
    assembly = read_assembly(_write_assembly(tmp_path, {"One": resources}))

    # when its API is selected
    stack, api = select_api(assembly)

    # then the environment and the function's code directory and settings are known
    assert (stack.name, stack.account, stack.region) == ("One", "111122223333", "eu-west-1")
    function = stack.functions["Fn1"]
    assert function.code_dir == tmp_path / "asset.abc"
    assert (function.handler, function.timeout_seconds, function.memory_mb) == (
        "app.handler",
        9,
        128,
    )
    assert function.function_name == "One-Fn1"
    assert api.logical_id == API


def test_several_apis_without_stack_is_an_error_listing_them(tmp_path: Path) -> None:
    # given two stacks with an API each
    assembly = read_assembly(_write_assembly(tmp_path, {"One": _template(), "Two": _template()}))

    # when no stack is chosen, then the error lists both; when one is, it is used
    with pytest.raises(AssemblyError, match=r"One \(Api1\), Two \(Api1\).*--stack"):
        select_api(assembly)
    assert select_api(assembly, "Two")[0].name == "Two"


def test_unknown_stack_and_no_api_are_errors(tmp_path: Path) -> None:
    # given one stack with an API and one without
    assembly = read_assembly(_write_assembly(tmp_path, {"One": _template(), "Empty": {}}))

    # then naming another stack fails, listing the ones with an API
    with pytest.raises(AssemblyError, match=r"--stack 'Empty'.*One \(Api1\)"):
        select_api(assembly, "Empty")


def test_directory_without_manifest_is_a_clear_error(tmp_path: Path) -> None:
    # given a folder that is not a cloud assembly
    # when it is read
    # then the error says what is missing
    with pytest.raises(AssemblyError, match=r"manifest\.json not found"):
        read_assembly(tmp_path)
