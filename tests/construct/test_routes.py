"""add_protected_route / add_public_route: resources, methods and their checks."""

from __future__ import annotations

import re

import pytest
from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigateway

from cognito_api_construct import CognitoApi

from .conftest import Synthesized, route_handler
from .helpers import methods_by_route, resource_paths


def test_protected_route_methods_use_the_authorizer(defaults: Synthesized) -> None:
    # given add_protected_route("v1/reports", fn, methods=["GET", "POST"])
    # when
    methods = methods_by_route(defaults.template)
    (authorizer_id,) = defaults.resources("AWS::ApiGateway::Authorizer")

    # then both methods are Cognito-authorized proxies to the handler
    for verb in ("GET", "POST"):
        method = methods[("/v1/reports", verb)]
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizerId"] == {"Ref": authorizer_id}
        assert method["Integration"]["Type"] == "AWS_PROXY"
        assert "ReportsFunction" in str(method["Integration"]["Uri"])


def test_nested_paths_reuse_existing_resources(defaults: Synthesized) -> None:
    # given "v1/reports" then "/v1/reports/{report_id}/" (slashes trimmed, lower-case verb)
    # when
    paths = sorted(resource_paths(defaults.template).values())
    methods = methods_by_route(defaults.template)

    # then v1 and reports exist once and the parameter sits below them
    assert paths.count("/v1") == 1
    assert paths.count("/v1/reports") == 1
    assert "/v1/reports/{report_id}" in paths
    assert methods[("/v1/reports/{report_id}", "DELETE")]["AuthorizationType"] == (
        "COGNITO_USER_POOLS"
    )


def test_returns_the_resource(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when
    resource = auth.add_protected_route("a/b", route_handler(stack))

    # then
    assert isinstance(resource, apigateway.Resource)
    assert resource.path == "/a/b"
    assert resource.node.try_find_child("POST") is not None


def test_public_route_has_no_authorization(defaults: Synthesized) -> None:
    # given add_public_route("health", fn, methods=["GET"])
    # when
    method = methods_by_route(defaults.template)[("/health", "GET")]

    # then
    assert method["AuthorizationType"] == "NONE"


def test_no_proxy_resource_or_any_method(defaults: Synthesized) -> None:
    # given the defaults app with its routes
    # when
    methods = methods_by_route(defaults.template)
    paths = resource_paths(defaults.template).values()

    # then
    assert not [verb for _, verb in methods if verb == "ANY"]
    assert not [path for path in paths if "+}" in path]


def test_authorizer_is_created_only_when_needed(stack: Stack) -> None:
    # given a construct without protected routes
    auth = CognitoApi(stack, "Auth")

    # when a public route is added
    auth.add_public_route("health", route_handler(stack), methods=["GET"])

    # then no authorizer exists (an unattached one fails synth)
    assert auth.node.try_find_child("Authorizer") is None
    # and asking for it creates it once
    assert auth.authorizer is auth.authorizer
    assert auth.node.try_find_child("Authorizer") is auth.authorizer


@pytest.mark.parametrize("path", ["signup", "auth", "login", "challenge", "auth/extra", "/login"])
def test_paths_colliding_with_auth_routes_are_refused(stack: Stack, path: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when / then
    with pytest.raises(ValueError, match=r"path=.*is one of CognitoApi's auth routes"):
        auth.add_protected_route(path, route_handler(stack))
    with pytest.raises(ValueError, match="auth routes"):
        auth.add_public_route(path, route_handler(stack, "Other"))


@pytest.mark.parametrize("path", ["signups", "v1/auth", "authx", "Login"])
def test_paths_near_auth_routes_are_accepted(stack: Stack, path: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when
    resource = auth.add_protected_route(path, route_handler(stack))

    # then
    assert resource.path == "/" + path


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("", "at least one path part"),
        ("/", "at least one path part"),
        ("v1//reports", "path part ''"),
        ("reports?x=1", "path part 'reports\\?x=1'"),
        ("a b", "path part 'a b'"),
        ("{proxy+}", "greedy proxy"),
        ("v1/{path+}", "greedy proxy"),
        ("{1id}", "path part"),
    ],
)
def test_invalid_paths_are_refused(stack: Stack, path: str, reason: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when / then
    with pytest.raises(ValueError, match=re.escape(f"path={path!r}") + f".*{reason}"):
        auth.add_protected_route(path, route_handler(stack))


@pytest.mark.parametrize("path", ["v1.2/re_ports-x:search$", "users/{user_id}", "{id}"])
def test_valid_path_parts_are_accepted(stack: Stack, path: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when
    resource = auth.add_protected_route(path, route_handler(stack))

    # then
    assert resource.path == "/" + path


def test_two_parameters_on_one_level_are_refused(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")
    auth.add_protected_route("users/{user_id}", route_handler(stack))

    # when / then
    with pytest.raises(ValueError, match=r"\{name\} sits next to \{user_id\}"):
        auth.add_protected_route("users/{name}/x", route_handler(stack, "Other"))


@pytest.mark.parametrize(
    ("methods", "reason"),
    [
        ([], "at least one method"),
        ((), "at least one method"),
        ("GET", "not one string"),
        (["ANY"], "ANY is a catch-all"),
        (["any"], "ANY is a catch-all"),
        (["OPTIONS"], "OPTIONS is the CORS preflight"),
        (["FETCH"], "'FETCH' is not one of"),
        (["GET", "get"], "GET is listed twice"),
    ],
)
def test_invalid_methods_are_refused(stack: Stack, methods: list[str], reason: str) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when / then
    with pytest.raises(ValueError, match=rf"methods=.*{reason}"):
        auth.add_protected_route("reports", route_handler(stack), methods=methods)
    assert auth.rest_api.root.get_resource("reports") is None


def test_every_standard_method_is_accepted(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when
    resource = auth.add_protected_route(
        "reports", route_handler(stack), methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    )

    # then
    assert {c.node.id for c in resource.node.children} >= {
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
    }


def test_duplicate_route_and_method_is_refused(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")
    auth.add_protected_route("reports", route_handler(stack), methods=["GET"])

    # when / then the same method again (protected or public) is refused
    with pytest.raises(ValueError, match=r"GET /reports already exists"):
        auth.add_protected_route("reports", route_handler(stack, "Other"), methods=["POST", "GET"])
    with pytest.raises(ValueError, match=r"GET /reports already exists"):
        auth.add_public_route("reports", route_handler(stack, "Third"), methods=["GET"])
    # and nothing was half-added
    reports = auth.rest_api.root.get_resource("reports")
    assert reports is not None
    assert reports.node.try_find_child("POST") is None


def test_another_method_on_the_same_route_is_accepted(stack: Stack) -> None:
    # given
    auth = CognitoApi(stack, "Auth")
    first = auth.add_protected_route("reports", route_handler(stack), methods=["GET"])

    # when
    second = auth.add_public_route("reports", route_handler(stack, "Other"), methods=["POST"])

    # then
    assert second.node.path == first.node.path
    assert second.node.try_find_child("GET") is not None


@pytest.mark.parametrize("scopes", [[], "scope", [""]])
def test_invalid_authorization_scopes_are_refused(stack: Stack, scopes: list[str]) -> None:
    # given
    auth = CognitoApi(stack, "Auth")

    # when / then
    with pytest.raises(ValueError, match=r"authorization_scopes=.*non-empty list"):
        auth.add_protected_route("reports", route_handler(stack), authorization_scopes=scopes)
