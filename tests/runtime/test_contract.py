"""The route contract: routes per flow, reserved segments, the token routes, the issuer URI."""

from __future__ import annotations

import inspect
from urllib.parse import parse_qs, urlsplit

import pytest
from runtime.context import Caller, access_token_from
from runtime.contract import (
    ACCESS_TOKEN_ROUTES,
    ADMIN_CREATE_ROUTES,
    COMMON_ERRORS,
    FLOWS,
    RESERVED_SEGMENTS,
    ROUTES,
    request_schemas,
    routes_for,
)
from runtime.errors import MissingTokenError
from runtime.handler import function_of
from runtime.mfa import otpauth_uri
from runtime.validation import SchemaValidationError, validate


def test_every_declared_function_exists_and_takes_a_route_functions_arguments():
    # given every declaration of every flow
    for declared in ROUTES:
        # when its function is resolved as the handler resolves it
        function = function_of(declared)

        # then it takes (cognito, settings, body, caller)
        parameters = list(inspect.signature(function).parameters)
        assert parameters == ["cognito", "settings", "body", "caller"], declared.function


def test_each_flow_serves_each_path_and_method_once():
    # given / when / then
    for flow in FLOWS:
        keys = [(r.resource, r.method) for r in routes_for(flow)]
        assert len(keys) == len(set(keys)), flow
    assert {r.path for r in routes_for("SELF_SERVICE")} - {
        r.path for r in routes_for("ADMIN_CREATE")
    } == {"signup/confirm", "signup/resend"}


def test_signup_bodies_differ_by_flow():
    # given
    admin, self_service = request_schemas("ADMIN_CREATE"), request_schemas("SELF_SERVICE")

    # then
    assert "temporary_password" in admin["signup"]["required"]
    assert "password" in self_service["signup"]["required"]
    assert tuple(admin) == ADMIN_CREATE_ROUTES


def test_every_route_can_answer_the_common_errors_and_its_error_schema_lists_them():
    # given every declaration
    for declared in ROUTES:
        # then its error schema's codes are exactly its errors, common ones included
        codes = declared.error_schema["properties"]["error"]["enum"]
        assert set(codes) == {e.code for e in declared.all_errors}
        assert {e.code for e in COMMON_ERRORS} <= set(codes)
        assert declared.status not in declared.errors_by_status()


def test_reserved_segments_cover_every_route_of_every_flow():
    # given / when / then
    assert {
        "signup", "auth", "login", "challenge", "refresh", "signout", "password", "mfa",
        "passkeys", "me",
    } == RESERVED_SEGMENTS  # fmt: skip
    every_path = {declared.path for declared in ROUTES}
    assert every_path >= ACCESS_TOKEN_ROUTES
    assert {p for p in ACCESS_TOKEN_ROUTES if not p.startswith("passkeys")} <= {
        route.path for route in routes_for("ADMIN_CREATE")
    }


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("refresh", {"refresh_token": "r" * 2000}),
        ("signout", {}),
        ("signout", {"refresh_token": "r"}),
        ("password/forgot", {"username": "ana"}),
        ("password/confirm", {"username": "ana", "code": "123456", "new_password": "x"}),
        ("password/change", {"old_password": "a", "new_password": "b"}),
        ("mfa/setup", {}),
        ("mfa/setup", {"session": "s" * 20, "username": "ana"}),
        ("mfa/verify", {"code": "012345"}),
        ("mfa/verify", {"session": "s" * 20, "code": "012345"}),
    ],
)
def test_lifecycle_schemas_accept_valid_bodies(route, body):
    # when / then
    validate(body, request_schemas("SELF_SERVICE")[route])


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("refresh", {"refresh_token": "r" * 8193}),
        ("signout", {"access_token": "t"}),
        ("password/forgot", {"username": "a b"}),
        ("password/confirm", {"username": "ana", "code": "1 2", "new_password": "x"}),
        ("mfa/setup", {"session": "short"}),
        ("mfa/verify", {"session": "s" * 20}),
        ("mfa/verify", {"code": "12345678"}),
        ("signup/confirm", {"username": "ana"}),
        ("signup", {"username": "ana", "email": "a@b", "temporary_password": "x"}),
    ],
)
def test_lifecycle_schemas_refuse_invalid_bodies(route, body):
    # when / then
    with pytest.raises(SchemaValidationError):
        validate(body, request_schemas("SELF_SERVICE")[route])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": "abc.def.ghi"}, "abc.def.ghi"),
        ({"authorization": "Bearer abc.def.ghi"}, "abc.def.ghi"),
        ({"authorization": "BEARER   abc.def.ghi  "}, "abc.def.ghi"),
        ({"authorization": "Bearer"}, None),
        ({"authorization": ""}, None),
        ({}, None),
        ({"x-other": "abc"}, None),
    ],
)
def test_access_token_is_read_from_the_token_header(headers, expected):
    # when / then (header names arrive lower-cased; the setting may be in any case)
    assert access_token_from(headers, "Authorization") == expected


def test_a_caller_without_a_token_is_refused():
    # when / then
    with pytest.raises(MissingTokenError):
        Caller().require_access_token()
    assert Caller("tok").require_access_token() == "tok"
    assert "tok" not in repr(Caller("tok"))


def test_otpauth_uri_encodes_every_part():
    # given an issuer and a label with characters that need encoding
    # when
    uri = otpauth_uri("Acme & Co", "ana@example.com", "JBSWY3DPEHPK3PXP")

    # then
    parts = urlsplit(uri)
    assert uri.startswith("otpauth://totp/Acme%20%26%20Co:ana%40example.com?")
    assert parse_qs(parts.query) == {"secret": ["JBSWY3DPEHPK3PXP"], "issuer": ["Acme & Co"]}


def _patterns(schema: object) -> list[str]:
    if isinstance(schema, dict):
        found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
        return found + [p for value in schema.values() for p in _patterns(value)]
    if isinstance(schema, list):
        return [p for value in schema for p in _patterns(value)]
    return []


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_patterns_mean_the_same_to_the_gateway_and_the_lambda(flow):
    # given every pattern of the flow's request models
    patterns = _patterns(request_schemas(flow))

    # then none uses a class Java (API Gateway) and Python read differently:
    # \s, \w, \d and \b are ASCII in Java's default mode and Unicode in Python's re
    assert patterns
    for pattern in patterns:
        for shorthand in (r"\s", r"\S", r"\w", r"\W", r"\d", r"\D", r"\b"):
            assert shorthand not in pattern, (flow, pattern)


@pytest.mark.parametrize(
    ("username", "accepted"),
    [("ada", True), ("a b", False), ("a\tb", False), ("a\x0bb", False), ("a\u00a0b", True)],
)
def test_username_pattern_refuses_exactly_java_whitespace(username, accepted):
    # given the /auth schema (Cognito refuses the rarer spaces itself: 400 InvalidParameter)
    schema = request_schemas("ADMIN_CREATE")["auth"]

    # when
    body = {"username": username, "password": "x"}
    try:
        validate(body, schema)
        outcome = True
    except SchemaValidationError:
        outcome = False

    # then
    assert outcome is accepted
