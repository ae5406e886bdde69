"""The account lifecycle routes in the template: per flow, models, IAM, token header, issuer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Stack

from cognito_api_construct import CognitoApi
from cognito_api_construct.runtime.contract import (
    ADMIN_CREATE_ROUTES,
    request_schemas,
    routes_for,
)

from .conftest import Synthesized, route_handler
from .helpers import logical_id_of, methods_by_route

LIFECYCLE_ROUTES = (
    "refresh",
    "signout",
    "password/forgot",
    "password/confirm",
    "password/change",
    "mfa/setup",
    "mfa/verify",
)


def _auth_function(app: Synthesized) -> dict[str, Any]:
    function_id = logical_id_of(app.template, "AWS::Lambda::Function", "AuthAuthFunction")
    properties: dict[str, Any] = app.resources("AWS::Lambda::Function")[function_id]["Properties"]
    return properties


def _cognito_statements(app: Synthesized) -> list[dict[str, Any]]:
    role = logical_id_of(app.template, "AWS::IAM::Role", "AuthAuthFunctionRole")
    return [
        statement
        for policy in app.resources("AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "cognito-idp" in json.dumps(statement["Action"])
    ]


@pytest.mark.parametrize("route", LIFECYCLE_ROUTES)
def test_every_lifecycle_route_is_a_public_validated_post_to_the_auth_function(
    defaults: Synthesized, route: str
) -> None:
    # given / when
    methods = methods_by_route(defaults.template)
    models = defaults.resources("AWS::ApiGateway::Model")
    function_id = logical_id_of(defaults.template, "AWS::Lambda::Function", "AuthAuthFunction")

    # then
    method = methods[(f"/{route}", "POST")]
    assert method["AuthorizationType"] == "NONE"
    assert function_id in json.dumps(method["Integration"]["Uri"])
    model = models[method["RequestModels"]["application/json"]["Ref"]]["Properties"]
    assert model["Schema"] == request_schemas("ADMIN_CREATE")[route]
    assert defaults.auth.auth_methods[route] is not None


def test_admin_create_flow_has_no_self_service_routes(defaults: Synthesized) -> None:
    # given / when
    paths = {path for path, _ in methods_by_route(defaults.template)}

    # then
    assert "/signup/confirm" not in paths
    assert "/signup/resend" not in paths
    assert set(defaults.auth.auth_methods) == set(ADMIN_CREATE_ROUTES)


def test_self_service_flow_serves_its_routes_with_their_models(self_service: Synthesized) -> None:
    # given / when
    methods = methods_by_route(self_service.template)
    models = self_service.resources("AWS::ApiGateway::Model")

    # then each route of the flow, with the contract's schema for that flow
    for route in routes_for("SELF_SERVICE"):
        if not route.has_body:
            continue
        method = methods[(route.resource, route.method)]
        model = models[method["RequestModels"]["application/json"]["Ref"]]["Properties"]
        assert model["Schema"] == request_schemas("SELF_SERVICE")[route.key], route.key
    signup = request_schemas("SELF_SERVICE")["signup"]
    assert "password" in signup["required"]
    assert "temporary_password" not in signup["properties"]


def test_self_service_pool_lets_users_sign_up_and_verifies_email(
    self_service: Synthesized,
) -> None:
    # given / when
    pool = self_service.one("AWS::Cognito::UserPool")

    # then
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [
        {"Name": "verified_email", "Priority": 1}
    ]


def test_admin_create_pool_keeps_self_sign_up_off(defaults: Synthesized) -> None:
    # given / when
    pool = defaults.one("AWS::Cognito::UserPool")

    # then
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    # Cognito verifies email changes with a code (keep_original), in every flow.
    assert pool["AutoVerifiedAttributes"] == ["email"]


def test_self_service_function_has_no_cognito_permission(self_service: Synthesized) -> None:
    # given / when
    statements = _cognito_statements(self_service)
    role = self_service.resources("AWS::IAM::Role")[
        logical_id_of(self_service.template, "AWS::IAM::Role", "AuthAuthFunctionRole")
    ]["Properties"]

    # then every call it makes is a public or token-authenticated Cognito API
    assert statements == []
    assert "no Cognito admin action" in role["Description"]


def test_admin_create_function_may_only_create_users(defaults: Synthesized) -> None:
    # given / when
    actions = [statement["Action"] for statement in _cognito_statements(defaults)]

    # then
    assert actions == ["cognito-idp:AdminCreateUser"]


def test_function_reads_tokens_from_the_token_header_and_names_the_issuer(
    defaults: Synthesized, self_service: Synthesized
) -> None:
    # given / when
    default_env = _auth_function(defaults)["Environment"]["Variables"]
    custom_env = _auth_function(self_service)["Environment"]["Variables"]

    # then
    assert default_env["TOKEN_HEADER"] == "Authorization"
    assert default_env["TOTP_ISSUER"] == "Defaults"  # the stack name
    assert default_env["SIGN_UP_FLOW"] == "ADMIN_CREATE"
    assert custom_env["TOKEN_HEADER"] == "X-Access"
    assert custom_env["TOTP_ISSUER"] == "Acme Reports"
    assert custom_env["SIGN_UP_FLOW"] == "SELF_SERVICE"


def test_every_route_of_the_flow_is_throttled(self_service: Synthesized) -> None:
    # given / when
    settings = self_service.one("AWS::ApiGateway::Stage")["MethodSettings"]
    throttled = {
        s["ResourcePath"]
        for s in settings
        if "ThrottlingRateLimit" in s and s["ResourcePath"] != "/*"
    }

    # then
    assert throttled == {
        "/~1" + r.replace("/", "~1") for r in (d.path for d in routes_for("SELF_SERVICE"))
    }


def test_token_routes_stay_public_at_the_gateway(self_service: Synthesized) -> None:
    # given / when
    methods = methods_by_route(self_service.template)

    # then Cognito, not an authorizer, checks their access token (the passkey routes
    # exist only with passkeys on: tests/construct/test_passwordless.py)
    for route in routes_for("SELF_SERVICE"):
        if route.takes_access_token:
            method = methods[(route.resource, route.method)]
            assert method["AuthorizationType"] == "NONE"
            assert "AuthorizerId" not in method


@pytest.mark.parametrize(
    "path", ["mfa", "mfa/devices", "password/reset", "refresh", "signout", "signup/other"]
)
def test_lifecycle_segments_are_reserved_for_user_routes(stack: Stack, path: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when / then (in both flows: switching flows must never collide)
    with pytest.raises(ValueError, match=r"is one of CognitoApi's auth routes \(reserved: "):
        auth.add_protected_route(path, route_handler(stack))


def test_a_similar_but_free_segment_is_allowed(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when
    resource = auth.add_protected_route("mfa-report", route_handler(stack))

    # then
    assert resource.path == "/mfa-report"


@pytest.mark.parametrize(
    ("issuer", "problem"),
    [
        ("Acme:Reports", "without ':'"),
        ("", "non-empty"),
        ("   ", "non-empty"),
        ("x" * 65, "at most 64"),
    ],
)
def test_totp_issuer_is_validated(stack: Stack, issuer: str, problem: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=rf"totp_issuer=.*{problem}"):
        CognitoApi(stack, "Auth", totp_issuer=issuer)


def test_totp_issuer_of_64_characters_is_accepted(stack: Stack) -> None:
    # given / when
    auth = CognitoApi(stack, "Auth", totp_issuer="x" * 64)

    # then
    assert auth.auth_function is not None
