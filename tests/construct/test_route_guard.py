"""Secure by default: synthesis fails on any unauthenticated method without opt-in."""

from __future__ import annotations

import re

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_apigateway as apigateway

from cognito_api_construct import CognitoApi

from .conftest import ENV, Synthesized, route_handler


def test_open_method_added_on_rest_api_fails_synth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given a user who adds a method straight on rest_api without authorization
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Open", env=ENV)
    auth = CognitoApi(stack, "Auth")
    auth.rest_api.root.add_resource("admin").add_method(
        "GET", apigateway.LambdaIntegration(route_handler(stack))
    )

    # when / then synthesis fails with a self-contained message naming method, path and fix
    with pytest.raises(Exception, match="ValidationFailed") as raised:
        app.synth()
    message = str(raised.value)
    assert re.search(r"CognitoApi at Open/Auth: method GET /admin .*has no authorization", message)
    assert 'add_protected_route("admin", handler, methods=["GET"])' in message
    assert 'add_public_route("admin", handler, methods=["GET"])' in message
    # and the auth routes (public by design) are not reported
    assert "POST /auth " not in message
    assert "/signup" not in message


def test_open_non_mock_options_method_fails_synth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given an OPTIONS method that reaches a Lambda (not a gateway-answered preflight)
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Options", env=ENV)
    auth = CognitoApi(stack, "Auth")
    auth.rest_api.root.add_resource("files").add_method(
        "OPTIONS", apigateway.LambdaIntegration(route_handler(stack))
    )

    # when / then
    with pytest.raises(Exception, match=r"method OPTIONS /files .*has no authorization"):
        app.synth()


def test_authorized_own_method_and_public_route_pass(defaults: Synthesized) -> None:
    # given the defaults app: a method added on rest_api with the authorizer, a public
    # route, the auth routes (already synthesized without error by the fixture)
    # when
    errors = [v for v in defaults.auth.node.validate()]

    # then
    assert errors == []


def test_cors_preflights_pass(configured: Synthesized) -> None:
    # given the configured app (cors: a mock OPTIONS on every resource)
    # when / then
    assert configured.auth.node.validate() == []
