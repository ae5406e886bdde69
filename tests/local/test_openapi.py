"""The OpenAPI document built from a template: draft-4 translation, routes, shapes, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from cognito_api_construct.local.apimodel import Integration, MethodResponse, RestApi, Route
from cognito_api_construct.local.assembly import read_assembly, select_api
from cognito_api_construct.local.cli import main
from cognito_api_construct.local.draft4 import python_whitespace, to_openapi_schema
from cognito_api_construct.local.openapi import openapi_document

TINY_ASSEMBLY = Path(__file__).resolve().parents[1] / "e2e" / "fixtures" / "tiny_assembly"


def test_a_list_of_types_becomes_one_of_with_each_types_keywords() -> None:
    # given the construct's challenge_responses model: an object, or it JSON-encoded
    model = {
        "type": ["object", "string"],
        "maxLength": 8192,
        "maxProperties": 32,
        "additionalProperties": {"type": "string", "maxLength": 2048},
    }

    # when it is translated
    converted = to_openapi_schema(model)

    # then each branch keeps only its own type's keywords
    assert converted == {
        "oneOf": [
            {
                "type": "object",
                "maxProperties": 32,
                "additionalProperties": {"type": "string", "maxLength": 2048},
            },
            {"type": "string", "maxLength": 8192},
        ]
    }


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["integer", "number"]}, {"anyOf": [{"type": "integer"}, {"type": "number"}]}),
        ({"type": "object", "required": []}, {"type": "object"}),
        ({"$schema": "x", "id": "y", "title": "T"}, {"title": "T"}),
        ({"patternProperties": {"^a": {}}}, {"x-draft4-patternProperties": {"^a": {}}}),
        ({"items": [{"type": "string"}]}, {"items": {"anyOf": [{"type": "string"}]}}),
    ],
)
def test_draft4_only_keywords_are_translated(model: dict, expected: dict) -> None:
    # given a draft-4 construct OpenAPI 3.0 spells differently or not at all
    # when it is translated
    # then it has the OpenAPI 3.0 form
    assert to_openapi_schema(model) == expected


def test_whitespace_classes_are_spelled_as_python_reads_them() -> None:
    # given the username pattern, and every character Python calls whitespace or not
    pattern = python_whitespace(r"^[^\s]+$")

    # when both patterns judge each character of the basic multilingual plane
    differ = [
        code
        for code in range(0x10000)
        if bool(re.match(pattern, chr(code))) != bool(re.match(r"^[^\s]+$", chr(code)))
    ]

    # then they agree everywhere, and the spelled-out one has no \s left for ECMA to read
    assert differ == []
    assert r"\s" not in pattern
    assert r"\x85" in pattern


def test_the_tiny_app_document_is_valid_and_lists_every_route() -> None:
    # given the hand-written assembly (public, protected, scoped, CORS routes)
    stack, api = select_api(read_assembly(TINY_ASSEMBLY))

    # when its document is built
    document = openapi_document(api, region=stack.region, server_urls=["http://127.0.0.1:1/s/"])

    # then it is valid OpenAPI 3.0 with every method, and protected routes name the scheme
    validate(document)
    listed = {(path, method) for path, item in document["paths"].items() for method in item}
    assert listed == {
        (re.sub(r"\{(\w+)\+\}", r"{\1}", route.path), route.method.lower()) for route in api.routes
    }
    assert document["servers"][0] == {"url": "http://127.0.0.1:1/s"}
    schemes = document["components"]["securitySchemes"]
    for route in api.routes:
        operation = document["paths"][re.sub(r"\{(\w+)\+\}", r"{\1}", route.path)][
            route.method.lower()
        ]
        if route.protected:
            (requirement,) = operation["security"]
            (scheme,) = requirement
            assert schemes[scheme]["type"] == "apiKey"
            assert schemes[scheme]["in"] == "header"
            assert operation["responses"]["401"]
        else:
            assert operation["security"] == []


def test_a_method_documents_exactly_the_responses_it_declares() -> None:
    # given a method with a request model and declared responses, as the construct
    # writes them: 200 with its body's model, 401 and 429 with the route's error model
    request = {"title": "AuthRequest", "type": "object", "required": ["username", "password"]}
    tokens = {"title": "Tokens", "type": "object", "required": ["id_token"]}
    errors = {
        "title": "AuthError",
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string", "enum": ["NotAuthorized", "TooManyRequests"]}},
    }
    auth = Route(
        path="/auth",
        method="POST",
        authorization_type="NONE",
        authorizer_id=None,
        authorization_scopes=(),
        integration=Integration(type="AWS_PROXY", function_id="AuthFunction"),
        request_models={"application/json": request},
        validate_body=True,
        validate_parameters=True,
        required_parameters=(),
        responses={
            "200": MethodResponse("200", {"application/json": tokens}, {"Cache-Control": True}),
            "401": MethodResponse("401", {"application/json": errors}, {}),
            "429": MethodResponse(
                "429", {"application/json": errors}, {"Cache-Control": False, "Retry-After": False}
            ),
        },
    )
    api = RestApi("Api", "Api", "prod", (), (auth,), {}, {})

    # when the document is built
    document = openapi_document(api, region="eu-west-1")

    # then the body is its model, and the responses are the declared ones and what API
    # Gateway itself may answer (413, 502, 504), each with its model
    validate(document)
    operation = document["paths"]["/auth"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AuthRequest"}
    assert set(operation["responses"]) == {"200", "401", "413", "429", "502", "504"}
    for status in ("401", "429"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/AuthError"}
    success = operation["responses"]["200"]
    assert success["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Tokens"
    }
    assert success["headers"]["Cache-Control"]["required"] is True
    assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is False
    components = document["components"]["schemas"]
    assert components["AuthError"]["properties"]["error"]["enum"] == [
        "NotAuthorized",
        "TooManyRequests",
    ]


def test_the_command_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    # given a synthesized assembly
    # when `cognito-api-local openapi --cdk-out DIR --server URL` runs
    status = main(["openapi", "--cdk-out", str(TINY_ASSEMBLY), "--server", "http://x:1/prod"])

    # then stdout is the document alone, as JSON
    assert status == 0
    document = json.loads(capsys.readouterr().out)
    validate(document)
    assert document["servers"][0]["url"] == "http://x:1/prod"
