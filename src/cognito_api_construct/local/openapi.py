"""The OpenAPI 3.0 document of a synthesized REST API, built from its template alone.

It owns the description of the API a client sees: every route with its method, the
request body schema of each route that has a model (the draft-4 model translated by
``draft4``), the responses each method declares in the template (``MethodResponses``:
a status, its body's model, its headers; the construct declares every auth route's
success and error statuses this way), the answers API Gateway itself may give (413,
the authorizer's 401, a Lambda authorizer's 403 and 500, 502 and 504 for a failed
Lambda), and the authorizers as security schemes. A method that declares no response
(a route whose code alone knows its answers) gets a ``default`` response. It reads
``apimodel`` data and returns a dictionary; it starts nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .._version import __version__
from .apimodel import MethodResponse, RestApi, Route
from .draft4 import to_openapi_schema

_JSON = "application/json"
_REF = "#/components/schemas/"
#: API Gateway's own answers: ``{"message"}``.
GATEWAY_MESSAGE: dict[str, Any] = {
    "type": "object",
    "description": "API Gateway's own answer (authorizer, unknown route, throttling, Lambda "
    "failure).",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
}
#: What each status means, for a method's declared responses.
_MEANING = {
    "200": "Success.",
    "201": "Created.",
    "202": "Accepted: the same answer whether or not the user exists.",
    "204": "Done; no body.",
    "400": "The request was refused: see the error code.",
    "401": "A credential (password, session, token) was refused: see the error code.",
    "403": "The account or the user pool refused: see the error code.",
    "404": "No such route.",
    "405": "The route does not accept this method.",
    "409": "Conflict with an existing resource: see the error code.",
    "415": "The body is not declared as application/json.",
    "429": "Throttled: retry after the Retry-After header's seconds when present.",
    "500": "Unexpected failure: the message carries the request id.",
    "503": "A service the API depends on is unreachable: safe to retry.",
}

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
    schemas: dict[str, Any] = {"GatewayMessage": dict(GATEWAY_MESSAGE)}
    paths: dict[str, dict[str, Any]] = {}
    for route in api.routes:
        path, parameters = _openapi_path(route.path)
        operation = _operation(api, route, parameters, schemas)
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
            "description": (
                "The raw id token (no `Bearer` prefix) of a user of the pool; routes with "
                "authorization scopes take an access token carrying one of them."
                if authorizer.type == "COGNITO_USER_POOLS"
                else f"What the Lambda ({authorizer.type}) authorizer reads from this header."
            ),
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
    elif route.method in ("POST", "PUT", "PATCH") or (
        # A DELETE whose method declares its responses but no model (an auth route's)
        # takes no body; a route's own DELETE may.
        route.method == "DELETE" and not route.responses
    ):
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
    operation["responses"] = (
        _declared_responses(api, route, schemas)
        if route.responses
        else _other_responses(api, route, schemas)
    )
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


def _gateway_shape(api: RestApi, response_type: str, schemas: dict[str, Any]) -> dict[str, Any]:
    """The body the template's gateway response of that type renders.

    ``{"error", "message"}`` when its template writes an ``error`` field (the
    construct's BAD_REQUEST_BODY), else API Gateway's ``{"message"}``.
    """
    status_group = "DEFAULT_5XX" if response_type in ("DEFAULT_5XX",) else "DEFAULT_4XX"
    override = api.gateway_responses.get(response_type) or api.gateway_responses.get(status_group)
    template = override.templates.get(_JSON, "") if override else ""
    if '"error"' in template.replace(" ", ""):
        schemas.setdefault("Error", _ERROR)
        return {"$ref": _REF + "Error"}
    return {"$ref": _REF + "GatewayMessage"}


_ERROR: dict[str, Any] = {
    "type": "object",
    "description": "The construct's stable error shape.",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}


def _gateway_responses(api: RestApi, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    """What API Gateway itself may answer on this route (413, 401, 403, 500, 502, 504)."""
    failure = _gateway_shape(api, "DEFAULT_5XX", schemas)
    responses: dict[str, Any] = {
        "413": {
            "description": "Request Too Long (API Gateway's 10 MB payload limit).",
            "content": {_JSON: {"schema": _gateway_shape(api, "REQUEST_TOO_LARGE", schemas)}},
        },
        "502": {
            "description": "The Lambda crashed or answered no valid proxy response.",
            "content": {_JSON: {"schema": failure}},
        },
        "504": {
            "description": "The Lambda did not answer within API Gateway's timeout.",
            "content": {_JSON: {"schema": failure}},
        },
    }
    if route.protected:
        responses["401"] = {
            "description": "The authorizer refused the token (missing, malformed, expired, "
            "foreign); the Lambda did not run.",
            "content": {_JSON: {"schema": _gateway_shape(api, "UNAUTHORIZED", schemas)}},
        }
    authorizer = api.authorizers.get(route.authorizer_id or "")
    if route.protected and authorizer is not None and authorizer.type in ("TOKEN", "REQUEST"):
        # A Lambda authorizer's policy may deny the method, and the function may fail.
        denied = _authorizer_shape(api, "ACCESS_DENIED", "DEFAULT_4XX", schemas)
        responses["403"] = {
            "description": "The Lambda authorizer's policy does not allow this method for "
            "the caller (e.g. in none of the route's groups); the Lambda did not run.",
            "content": {_JSON: {"schema": denied}},
        }
        failed = _authorizer_shape(api, "AUTHORIZER_CONFIGURATION_ERROR", "DEFAULT_5XX", schemas)
        responses["500"] = {
            "description": "The Lambda authorizer failed (an error, a timeout, no valid "
            "answer); the Lambda did not run.",
            "content": {_JSON: {"schema": failed}},
        }
    return responses


#: API Gateway's own bodies for a Lambda authorizer's refusals, when the template keeps
#: them: a deny's ``{"Message"}`` (capital M), a failure's ``{"message": null}``.
_AUTHORIZER_BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "ACCESS_DENIED": (
        "AccessDenied",
        {
            "type": "object",
            "description": "API Gateway's answer when a Lambda authorizer's policy denies.",
            "required": ["Message"],
            "properties": {"Message": {"type": "string"}},
        },
    ),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        "AuthorizerFailure",
        {
            "type": "object",
            "description": "API Gateway's answer when a Lambda authorizer fails.",
            "required": ["message"],
            "properties": {"message": {"type": "string", "nullable": True}},
        },
    ),
}


def _authorizer_shape(
    api: RestApi, response_type: str, status_group: str, schemas: dict[str, Any]
) -> dict[str, Any]:
    """The body of a Lambda authorizer's refusal: the template's override, else AWS's own."""
    override = api.gateway_responses.get(response_type) or api.gateway_responses.get(status_group)
    template = override.templates.get(_JSON, "") if override else ""
    if '"error"' in template.replace(" ", ""):
        schemas.setdefault("Error", _ERROR)
        return {"$ref": _REF + "Error"}
    if template:
        return {"$ref": _REF + "GatewayMessage"}
    name, schema = _AUTHORIZER_BODIES[response_type]
    schemas.setdefault(name, schema)
    return {"$ref": _REF + name}


def _declared_responses(api: RestApi, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    """The method's declared responses, plus what the gateway may answer in their place."""
    responses = _gateway_responses(api, route, schemas)
    for status, declared in route.responses.items():
        response = _declared(declared, schemas)
        if status in responses:
            # Both the method's own answer and the gateway's are possible.
            response = _either(response, responses[status])
        responses[status] = response
    if "400" in responses:
        bad_request = _gateway_shape(api, "BAD_REQUEST_BODY", schemas)
        responses["400"] = _either(responses["400"], {"content": {_JSON: {"schema": bad_request}}})
    return dict(sorted(responses.items()))


def _declared(declared: MethodResponse, schemas: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": _MEANING.get(declared.status, "See the README.")}
    content = {
        content_type: {"schema": {"$ref": _REF + _register(schemas, model)}}
        for content_type, model in declared.models.items()
        if model
    }
    if content:
        response["content"] = content
        description = next(iter(declared.models.values())).get("description")
        if description:
            response["description"] = str(description)
    if declared.headers:
        response["headers"] = {
            name: {"required": required, "schema": _HEADER_SCHEMAS.get(name, {"type": "string"})}
            for name, required in declared.headers.items()
        }
    return response


_HEADER_SCHEMAS: dict[str, Any] = {
    "Retry-After": {"type": "string", "pattern": "^[0-9]+$"},
    "Cache-Control": {"type": "string"},
}


def _either(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One response that may have either body (the same shape is not repeated)."""
    merged = dict(first)
    one = first.get("content", {}).get(_JSON, {}).get("schema")
    other = second.get("content", {}).get(_JSON, {}).get("schema")
    if one is None:
        merged["content"] = second.get("content", {})
    elif other is not None and other != one:
        branches = [*one.get("anyOf", [one]), other]
        merged["content"] = {_JSON: {"schema": {"anyOf": branches}}}
    if "description" in second and "description" not in first:
        merged["description"] = second["description"]
    return merged


def _other_responses(api: RestApi, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    responses = _gateway_responses(api, route, schemas)
    responses["default"] = {
        "description": "Answered by the route's own Lambda function: the template does "
        "not describe its responses.",
        "content": {_JSON: {"schema": {}}},
    }
    return responses
