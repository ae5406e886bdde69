"""Who may call what: groups on routes, the pool's groups, machine clients, scopes.

The construct's groups authorizer is a Lambda REQUEST authorizer reading the id token's
``cognito:groups`` (API Gateway's Cognito authorizer checks pool membership only), its
answer cached per token; machine clients get client-credentials tokens from the pool's
Cognito domain, with scopes of the construct's resource server
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from cognito_api_construct import CognitoApi, CognitoApiPropsError

from .conftest import ENV, route_handler
from .helpers import methods_by_route


@pytest.fixture(scope="module")
def access() -> dict[str, Any]:
    """Two group routes, one scoped route, a group and a machine client."""
    stack = Stack(App(), "Access", env=ENV)
    auth = CognitoApi(stack, "Auth", oauth_domain_prefix="my-app-auth")
    handler = route_handler(stack)
    auth.add_group("admins", description="Administrators", precedence=1)
    auth.add_protected_route("admin/reports", handler, methods=["GET", "DELETE"], groups=["admins"])
    auth.add_protected_route("team/{id}", handler, methods=["GET"], groups=["admins", "team"])
    auth.add_protected_route("v1/data", handler, methods=["GET"], authorization_scopes=["read"])
    auth.add_protected_route("v1/own", handler, methods=["GET"])
    auth.add_machine_client("Reporter", scopes=["read", "write"])
    return {"template": Template.from_stack(stack).to_json(), "auth": auth}


def _resources(template: dict[str, Any], type_: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def test_group_routes_use_the_groups_authorizer_with_a_cached_answer(
    access: dict[str, Any],
) -> None:
    template = access["template"]
    methods = methods_by_route(Template.from_json(template))
    authorizers = _resources(template, "AWS::ApiGateway::Authorizer")
    (groups_id,) = [k for k in authorizers if k.startswith("AuthGroupsAuthorizer")]
    groups = authorizers[groups_id]["Properties"]
    assert groups["Type"] == "REQUEST"
    assert groups["IdentitySource"] == "method.request.header.Authorization"
    assert groups["AuthorizerResultTtlInSeconds"] == 300
    for key in [("/admin/reports", "GET"), ("/admin/reports", "DELETE"), ("/team/{id}", "GET")]:
        assert methods[key]["AuthorizationType"] == "CUSTOM"
        assert methods[key]["AuthorizerId"] == {"Ref": groups_id}
    # a route without groups keeps the Cognito authorizer
    assert methods[("/v1/own", "GET")]["AuthorizationType"] == "COGNITO_USER_POOLS"


def test_the_authorizer_function_knows_every_group_route(access: dict[str, Any]) -> None:
    functions = _resources(access["template"], "AWS::Lambda::Function")
    (function,) = [v for k, v in functions.items() if k.startswith("AuthGroupsAuthorizerFunction")]
    properties = function["Properties"]
    assert properties["Handler"] == "runtime.group_authorizer.handler"
    variables = properties["Environment"]["Variables"]
    assert json.loads(variables["ROUTE_GROUPS"]) == [
        {"method": "GET", "path": "/admin/reports", "groups": ["admins"]},
        {"method": "DELETE", "path": "/admin/reports", "groups": ["admins"]},
        {"method": "GET", "path": "/team/{id}", "groups": ["admins", "team"]},
    ]
    assert variables["TOKEN_HEADER"] == "Authorization"
    # it needs no AWS permission: the pool's keys are public
    policies = json.dumps(_resources(access["template"], "AWS::IAM::Policy"))
    assert "cognito-idp:" not in policies.split("GroupsAuthorizer")[-1][:2000]


def test_add_group_creates_the_pools_group(access: dict[str, Any]) -> None:
    (group,) = _resources(access["template"], "AWS::Cognito::UserPoolGroup").values()
    assert group["Properties"] == {
        "GroupName": "admins",
        "Description": "Administrators",
        "Precedence": 1,
        "UserPoolId": {"Ref": next(iter(_resources(access["template"], "AWS::Cognito::UserPool")))},
    }


def test_machine_clients_have_a_domain_a_resource_server_and_client_credentials(
    access: dict[str, Any],
) -> None:
    template = access["template"]
    (domain,) = _resources(template, "AWS::Cognito::UserPoolDomain").values()
    assert domain["Properties"]["Domain"] == "my-app-auth"
    (server,) = _resources(template, "AWS::Cognito::UserPoolResourceServer").values()
    assert server["Properties"]["Identifier"] == "api"
    assert [s["ScopeName"] for s in server["Properties"]["Scopes"]] == ["read", "write"]
    clients = _resources(template, "AWS::Cognito::UserPoolClient")
    (machine,) = [v["Properties"] for k, v in clients.items() if k.startswith("AuthReporter")]
    assert machine["GenerateSecret"] is True
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]
    assert machine["AllowedOAuthScopes"] == ["api/read", "api/write"]
    assert access["auth"].token_url.endswith(".amazoncognito.com/oauth2/token")


def test_a_routes_short_scope_is_the_resource_servers(access: dict[str, Any]) -> None:
    methods = methods_by_route(Template.from_json(access["template"]))
    assert methods[("/v1/data", "GET")]["AuthorizationScopes"] == ["api/read"]


@pytest.mark.parametrize(
    ("props", "call", "named"),
    [
        (
            {},
            lambda auth, stack: auth.add_machine_client("M", scopes=["read"]),
            "oauth_domain_prefix",
        ),
        ({"oauth_domain_prefix": "My_App"}, None, "oauth_domain_prefix"),
        ({"oauth_domain_prefix": "cognito-app"}, None, "oauth_domain_prefix"),
        (
            {"oauth_domain_prefix": "my-app"},
            lambda auth, stack: auth.add_machine_client("M", scopes=[]),
            "scopes",
        ),
        (
            {},
            lambda auth, stack: auth.add_protected_route(
                "x", route_handler(stack), groups=["admins"], authorization_scopes=["read"]
            ),
            "groups",
        ),
        (
            {},
            lambda auth, stack: auth.add_protected_route("x", route_handler(stack), groups=[]),
            "groups",
        ),
        (
            {},
            lambda auth, stack: auth.add_protected_route(
                "x", route_handler(stack), groups=["has space"]
            ),
            "groups",
        ),
        ({}, lambda auth, stack: auth.add_group("admins", precedence=-1), "precedence"),
    ],
    ids=[
        "machine-without-domain",
        "bad-prefix",
        "reserved-word",
        "no-scopes",
        "groups-and-scopes",
        "empty-groups",
        "bad-group-name",
        "negative-precedence",
    ],
)
def test_what_cannot_work_is_refused_naming_the_prop(
    stack: Stack, props: dict[str, Any], call: Any, named: str
) -> None:
    def build() -> None:
        auth = CognitoApi(stack, "Auth", **props)
        if call is not None:
            call(auth, stack)

    with pytest.raises(CognitoApiPropsError) as refused:
        build()
    assert named in str(refused.value)


def test_overlapping_group_routes_with_other_groups_are_refused(stack: Stack) -> None:
    """One cached policy per token covers every group route, and a path parameter's
    ``*`` also matches deeper paths: routes whose paths overlap must admit the same
    groups, or a member of one could be refused on the other.
    """
    auth = CognitoApi(stack, "Auth")
    handler = route_handler(stack)
    auth.add_protected_route("admin/{section}", handler, methods=["GET"], groups=["admins"])
    auth.add_protected_route("team/reports", handler, methods=["GET"], groups=["auditors"])
    with pytest.raises(CognitoApiPropsError, match="overlap"):
        auth.add_protected_route("admin/reports", handler, methods=["GET"], groups=["auditors"])
    # the same groups on an overlapping path are fine
    auth.add_protected_route("admin/summary", handler, methods=["GET"], groups=["admins"])
