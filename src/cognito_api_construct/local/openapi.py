"""The OpenAPI 3.0 document of a synthesized REST API, built from its template alone.

It owns the description of the API a client sees: every route with its method, the
request body schema of each route that has a model (the draft-4 model translated by
``draft4``), the responses with their shapes, and the Cognito authorizer as a
security scheme. The auth routes are recognised by their request models (the
construct gives each one a titled model); every route of the same Lambda answers
errors in the construct's stable shape ``{"error", "message"}``. Routes of other
Lambdas are described as far as the template knows them: their security, the
gateway's own answers, and a ``default`` response for what their code returns.
It reads ``apimodel`` data and returns a dictionary; it starts nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .. import __version__
from .apimodel import RestApi, Route
from .draft4 import to_openapi_schema
from .openapi_shapes import AUTH_ERRORS, COMPONENTS, SUCCESS_BY_MODEL
from .openapi_shapes import JSON as _JSON
from .openapi_shapes import REF as _REF

__all__ = ["DOCUMENT_PATH", "dumps", "openapi_document"]

#: Where the emulator serves the document: outside the stage, so it can never shadow
#: one of the API's own routes (a deployed API has no such route at all).
DOCUMENT_PATH = "/openapi.json"


def openapi_document(
    api: RestApi, *, region: str, server_urls: Sequence[str] = ()
) -> dict[str, Any]:
    """Describe ``api`` as an OpenAPI 3.0 document.

    Args:
        api: the REST API read from the template.
        region: the stack's region, for the deployed URL's default.
        server_urls: base URLs to list first (e.g. the emulator's stage URL). Defaults
            to none: only the deployed URL template is listed.

    Returns:
        The document as a JSON-ready dictionary.

    Example:
        >>> stack, api = select_api(read_assembly("cdk.out"))  # doctest: +SKIP
        >>> json.dumps(openapi_document(api, region=stack.region))  # doctest: +SKIP
    """
    schemas: dict[str, Any] = {name: dict(schema) for name, schema in COMPONENTS.items()}
    auth_functions = _auth_function_ids(api)
    paths: dict[str, dict[str, Any]] = {}
    for route in api.routes:
        path, parameters = _openapi_path(route.path)
        operation = _operation(api, route, parameters, schemas, auth_functions)
        paths.setdefault(path, {})[route.method.lower()] = operation
    servers: list[dict[str, Any]] = [{"url": url.rstrip("/")} for url in server_urls]
    servers.append(
        {
            "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/" + api.stage_name,
            "description": "The deployed stage.",
            "variables": {
                "restApiId": {"default": "restApiId", "description": "The REST API's id."},
                "region": {"default": region},
            },
        }
    )
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": api.name,
            "version": __version__,
            "description": "Generated from the synthesized CloudFormation template by "
            'cognito-api-local. Auth routes answer errors as {"error", "message"}; the '
            'authorizer answers 401 {"message": "Unauthorized"} and the route\'s Lambda '
            "never runs.",
        },
        "servers": servers,
        "paths": paths,
        "components": {"schemas": schemas},
    }
    schemes = {
        logical_id: {
            "type": "apiKey",
            "in": "header",
            "name": authorizer.token_header,
            "description": "The raw id token (no `Bearer` prefix) of a user of the pool; "
            "routes with authorization scopes take an access token carrying one of them.",
        }
        for logical_id, authorizer in api.authorizers.items()
        if authorizer.token_header
    }
    if schemes:
        document["components"]["securitySchemes"] = schemes
    return document


def dumps(document: Mapping[str, Any]) -> str:
    """The document as indented JSON text, stable across runs."""
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _auth_function_ids(api: RestApi) -> set[str]:
    """The Lambdas behind the construct's auth routes, found by their request models."""
    return {
        route.integration.function_id
        for route in api.routes
        if route.integration.function_id is not None
        and any(model.get("title") in SUCCESS_BY_MODEL for model in route.request_models.values())
    }


def _openapi_path(path: str) -> tuple[str, list[dict[str, Any]]]:
    """OpenAPI's form of a resource path, and its path parameters (``{proxy+}`` -> proxy)."""
    parameters = []
    parts = []
    for part in path.strip("/").split("/") if path != "/" else []:
        match = re.fullmatch(r"\{([^{}+]+)\+?\}", part)
        if match:
            name = match.group(1)
            parameters.append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
            part = "{" + name + "}"
        parts.append(part)
    return "/" + "/".join(parts), parameters


def _operation(
    api: RestApi,
    route: Route,
    path_parameters: list[dict[str, Any]],
    schemas: dict[str, Any],
    auth_functions: set[str],
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": _operation_id(route)}
    parameters = path_parameters + _required_parameters(route)
    if parameters:
        operation["parameters"] = parameters
    if route.integration.type == "MOCK":
        operation["summary"] = "CORS preflight (answered by API Gateway itself)"
        headers = {
            name: {"schema": {"type": "string"}} for name in (route.integration.mock_headers or {})
        }
        response: dict[str, Any] = {"description": "Preflight answer, no body."}
        if headers:
            response["headers"] = headers
        operation["responses"] = {str(route.integration.mock_status): response}
        operation["security"] = []
        return operation
    model = route.request_models.get(_JSON)
    if model is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {_JSON: {"schema": {"$ref": _REF + _register(schemas, model)}}},
        }
    elif route.method in ("POST", "PUT", "PATCH", "DELETE"):
        operation["requestBody"] = {
            "required": False,
            "description": "The template has no model for this body: the route's code owns it.",
            "content": {_JSON: {"schema": {}}},
        }
    if route.protected:
        authorizer = api.authorizers.get(route.authorizer_id or "")
        # A Lambda (custom) authorizer has no header scheme to name: described, not listed.
        operation["security"] = (
            [{authorizer.logical_id: []}] if authorizer and authorizer.token_header else []
        )
        if route.authorization_scopes:
            operation["description"] = (
                "Takes an access token carrying one of the scopes: "
                + ", ".join(route.authorization_scopes)
                + "."
            )
    else:
        operation["security"] = []
    if route.integration.function_id in auth_functions:
        operation["responses"] = _auth_responses(api, route, model)
    else:
        operation["responses"] = _other_responses(api, route)
    return operation


def _operation_id(route: Route) -> str:
    words = re.findall(r"[A-Za-z0-9]+", route.path) or ["root"]
    return route.method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def _required_parameters(route: Route) -> list[dict[str, Any]]:
    found = []
    for name in route.required_parameters:
        kind, _, parameter = name.removeprefix("method.request.").partition(".")
        location = {"header": "header", "querystring": "query"}.get(kind)
        if location is not None and parameter:
            found.append(
                {"name": parameter, "in": location, "required": True, "schema": {"type": "string"}}
            )
    return found


def _register(schemas: dict[str, Any], model: Mapping[str, Any]) -> str:
    """Add a request model to the components once; its title names it."""
    converted = to_openapi_schema(model)
    base = re.sub(r"[^A-Za-z0-9._-]", "", str(model.get("title") or "RequestBody")) or "Body"
    name, counter = base, 1
    while name in schemas and schemas[name] != converted:
        counter += 1
        name = f"{base}{counter}"
    schemas[name] = converted
    return name


def _content(schema_name: str) -> dict[str, Any]:
    return {_JSON: {"schema": {"$ref": _REF + schema_name}}}


def _gateway_shape(api: RestApi, response_type: str) -> str:
    """Error or GatewayMessage: what the template's gateway response of that type renders."""
    status_group = "DEFAULT_5XX" if response_type in ("DEFAULT_5XX",) else "DEFAULT_4XX"
    override = api.gateway_responses.get(response_type) or api.gateway_responses.get(status_group)
    template = override.templates.get(_JSON, "") if override else ""
    return "Error" if '"error"' in template.replace(" ", "") else "GatewayMessage"


def _gateway_responses(api: RestApi, route: Route) -> dict[str, Any]:
    """What API Gateway itself may answer on this route."""
    responses: dict[str, Any] = {
        "413": {
            "description": "Request Too Long (API Gateway's 10 MB payload limit).",
            "content": _content(_gateway_shape(api, "REQUEST_TOO_LARGE")),
        },
    }
    if route.protected:
        responses["401"] = {
            "description": "The authorizer refused the token (missing, malformed, expired, "
            "foreign); the Lambda did not run.",
            "content": _content(_gateway_shape(api, "UNAUTHORIZED")),
        }
    return responses


def _auth_responses(api: RestApi, route: Route, model: Mapping[str, Any] | None) -> dict[str, Any]:
    title = str((model or {}).get("title", ""))
    status, schema_name, description = SUCCESS_BY_MODEL.get(
        title, ("2XX", "", "Success (see the README's HTTP contract).")
    )
    success: dict[str, Any] = {
        "description": description,
        "headers": {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}},
    }
    if schema_name:
        success["content"] = _content(schema_name)
    elif status != "204":
        success["content"] = {_JSON: {"schema": {"type": "object"}}}
    responses: dict[str, Any] = {status: success}
    responses.update(_gateway_responses(api, route))
    for code, codes in AUTH_ERRORS.items():
        responses[code] = {"description": codes, "content": _content("Error")}
    bad_request = _gateway_shape(api, "BAD_REQUEST_BODY")
    if bad_request != "Error":
        responses["400"]["content"] = {_JSON: {"schema": _any_of("Error", bad_request)}}
    if route.protected and _gateway_shape(api, "UNAUTHORIZED") != "Error":
        responses["401"]["content"] = {_JSON: {"schema": _any_of("Error", "GatewayMessage")}}
        responses["401"]["description"] += " Or the authorizer refused the token."
    responses["429"]["headers"] = {
        "Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
    }
    lambda_failure = _gateway_shape(api, "DEFAULT_5XX")
    responses["502"] = {
        "description": "The Lambda crashed or answered no valid proxy response (API Gateway).",
        "content": _content(lambda_failure),
    }
    responses["504"] = {
        "description": "The Lambda did not answer within API Gateway's timeout.",
        "content": _content(lambda_failure),
    }
    return dict(sorted(responses.items()))


def _other_responses(api: RestApi, route: Route) -> dict[str, Any]:
    responses = _gateway_responses(api, route)
    responses["default"] = {
        "description": "Answered by the route's own Lambda function: the template does "
        "not describe its responses.",
        "content": {_JSON: {"schema": {}}},
    }
    return responses


def _any_of(*names: str) -> dict[str, Any]:
    return {"anyOf": [{"$ref": _REF + name} for name in names]}
