"""Least privilege of the auth function, and the asset it ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cognito_api_construct

from .conftest import Synthesized
from .helpers import logical_id_of


def _auth_role_statements(app: Synthesized) -> list[dict[str, Any]]:
    role = logical_id_of(app.template, "AWS::IAM::Role", "AuthAuthFunctionRole")
    found: list[dict[str, Any]] = []
    for policy in app.resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def test_cognito_permission_is_admin_create_user_on_this_pool_only(defaults: Synthesized) -> None:
    # given / when
    statements = _auth_role_statements(defaults)
    pool = logical_id_of(defaults.template, "AWS::Cognito::UserPool", "AuthUserPool")

    # then exactly one Cognito statement: one action, this pool's ARN
    cognito = [s for s in statements if "cognito-idp" in json.dumps(s["Action"])]
    assert cognito == [
        {
            "Action": "cognito-idp:AdminCreateUser",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [pool, "Arn"]},
        }
    ]


def test_only_xray_has_a_wildcard_resource(defaults: Synthesized) -> None:
    # given / when
    statements = _auth_role_statements(defaults)
    log_group = logical_id_of(defaults.template, "AWS::Logs::LogGroup", "AuthAuthFunctionLogs")

    # then X-Ray (no resource-level permissions) is the only "*", logs go to one group
    wildcard = [s for s in statements if s["Resource"] == "*"]
    assert [sorted(s["Action"]) for s in wildcard] == [
        ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    ]
    logs = [s for s in statements if "logs:" in json.dumps(s["Action"])]
    assert [s["Resource"] for s in logs] == [{"Fn::GetAtt": [log_group, "Arn"]}]
    assert all(s["Effect"] == "Allow" for s in statements)


def test_auth_role_has_no_managed_policy(defaults: Synthesized) -> None:
    # given / when
    role_id = logical_id_of(defaults.template, "AWS::IAM::Role", "AuthAuthFunctionRole")
    role = defaults.resources("AWS::IAM::Role")[role_id]["Properties"]

    # then (AWSLambdaBasicExecutionRole would allow writing to every log group)
    assert "ManagedPolicyArns" not in role
    assert "lambda.amazonaws.com" in json.dumps(role["AssumeRolePolicyDocument"])


def test_asset_ships_only_the_runtime(defaults: Synthesized) -> None:
    # given the auth function's code asset in the synthesized cloud assembly
    functions = defaults.template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "runtime.handler.handler"}}
    )
    (function,) = functions.values()
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    staged = defaults.outdir / f"asset.{asset_hash}"
    source = Path(cognito_api_construct.__path__[0]) / "runtime"

    # when
    shipped = {p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()}
    expected = {
        p.relative_to(source.parent).as_posix()
        for p in source.rglob("*.py")
        if "__pycache__" not in p.parts
    }

    # then exactly runtime/**/*.py: no construct code, no bytecode
    assert {p.name for p in staged.iterdir()} == {"runtime"}
    assert shipped == expected
    assert "runtime/contract.py" in shipped
    assert not [p for p in shipped if "__pycache__" in p or p.endswith((".pyc", ".pyo"))]
