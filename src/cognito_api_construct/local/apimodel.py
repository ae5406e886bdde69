"""The REST API of a template as plain data: routes, authorizers, models, gateway responses.

It owns the reading of the ``AWS::ApiGateway::*`` resources of one template: walking
``AWS::ApiGateway::Resource`` parents into full paths, and collecting each method's
authorization, request model, validator and integration target. It reads dictionaries
and returns frozen dataclasses; it starts nothing and knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Authorizer",
    "GatewayResponse",
    "Integration",
    "MethodResponse",
    "RestApi",
    "Route",
    "read_rest_apis",
    "references",
]

_HEADER_SOURCE = "method.request.header."
_RESPONSE_HEADER = "gatewayresponse.header."
_METHOD_RESPONSE_HEADER = "method.response.header."


@dataclass(frozen=True)
class Authorizer:
    """An ``AWS::ApiGateway::Authorizer``: its type, token header and user pools.

    ``user_pool_ids`` are the logical ids of the pools named in ``ProviderARNs``. For a
    Lambda (``TOKEN``/``REQUEST``) authorizer: ``function_id`` is the function its
    ``AuthorizerUri`` names, ``identity_sources`` the ``IdentitySource`` expressions
    (``method.request.header.X``...), ``validation_expression`` a TOKEN authorizer's
    ``IdentityValidationExpression`` and ``ttl_seconds`` its
    ``AuthorizerResultTtlInSeconds`` (API Gateway's default when absent: 300).
    ``token_header`` is the header of a TOKEN or Cognito authorizer, or a REQUEST
    authorizer's first header source ("" if none).
    """

    logical_id: str
    type: str
    token_header: str
    user_pool_ids: tuple[str, ...]
    function_id: str | None = None
    identity_sources: tuple[str, ...] = ()
    validation_expression: str | None = None
    ttl_seconds: int = 300


@dataclass(frozen=True)
class Integration:
    """Where a method sends requests.

    ``type`` is the template's (``AWS_PROXY``, ``MOCK``...); ``function_id`` the logical
    id of the integrated Lambda function; ``mock_status``/``mock_headers``/
    ``mock_template`` the first integration response of a MOCK (header values as
    written, e.g. ``"'*'"``; the JSON response template, which may override headers).
    """

    type: str
    function_id: str | None = None
    mock_status: int = 200
    mock_headers: Mapping[str, str] | None = None
    mock_template: str = ""


@dataclass(frozen=True)
class MethodResponse:
    """A response the method declares: its status, body models and headers.

    ``models`` maps a content type to the model's schema (resolved from the template);
    ``headers`` maps a header name to whether it is required.
    """

    status: str
    models: Mapping[str, Mapping[str, Any]]
    headers: Mapping[str, bool]


@dataclass(frozen=True)
class Route:
    """One method on one resource path, e.g. ``POST /v1/items``.

    ``responses`` are the method's declared ``MethodResponses`` by status (empty when
    the template declares none, as for a route whose code alone knows its answers).
    """

    path: str
    method: str
    authorization_type: str
    authorizer_id: str | None
    authorization_scopes: tuple[str, ...]
    integration: Integration
    request_models: Mapping[str, Mapping[str, Any]]
    validate_body: bool
    validate_parameters: bool
    required_parameters: tuple[str, ...]
    responses: Mapping[str, MethodResponse] = field(default_factory=dict)

    @property
    def protected(self) -> bool:
        """Whether an authorizer guards this route."""
        return self.authorization_type not in ("NONE", "")


@dataclass(frozen=True)
class GatewayResponse:
    """An ``AWS::ApiGateway::GatewayResponse``: status, body templates, headers."""

    response_type: str
    status_code: int | None
    templates: Mapping[str, str]
    headers: Mapping[str, str]


@dataclass(frozen=True)
class RestApi:
    """An ``AWS::ApiGateway::RestApi`` with everything the gateway needs to serve it."""

    logical_id: str
    name: str
    stage_name: str
    binary_media_types: tuple[str, ...]
    routes: tuple[Route, ...]
    authorizers: Mapping[str, Authorizer]
    gateway_responses: Mapping[str, GatewayResponse]


def read_rest_apis(resources: Mapping[str, Mapping[str, Any]]) -> Iterator[RestApi]:
    """Yield every REST API of a template's ``Resources`` section."""
    for logical_id, resource in resources.items():
        if resource.get("Type") == "AWS::ApiGateway::RestApi":
            yield _rest_api(logical_id, resource.get("Properties", {}), resources)


def ref_target(value: Any) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at, else None."""
    if isinstance(value, Mapping):
        if isinstance(value.get("Ref"), str):
            return str(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            return str(attribute[0])
        if isinstance(attribute, str):
            return attribute.split(".", 1)[0]
    return None


def _belongs(properties: Mapping[str, Any], api_id: str) -> bool:
    return ref_target(properties.get("RestApiId")) == api_id


def _of_api(
    resources: Mapping[str, Mapping[str, Any]], api_id: str, resource_type: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource.get("Type") == resource_type and _belongs(properties, api_id):
            yield logical_id, properties


def _rest_api(
    api_id: str, properties: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]
) -> RestApi:
    paths = _resource_paths(resources, api_id)
    models = {
        logical_id: props.get("Schema", {})
        for logical_id, props in _of_api(resources, api_id, "AWS::ApiGateway::Model")
    }
    validators = dict(_of_api(resources, api_id, "AWS::ApiGateway::RequestValidator"))
    routes = tuple(
        _route(props, paths, models, validators, resources)
        for _, props in _of_api(resources, api_id, "AWS::ApiGateway::Method")
    )
    return RestApi(
        logical_id=api_id,
        name=str(properties.get("Name", api_id)),
        stage_name=_stage_name(resources, api_id),
        binary_media_types=tuple(properties.get("BinaryMediaTypes", ())),
        routes=tuple(sorted(routes, key=lambda route: (route.path, route.method))),
        authorizers={
            logical_id: _authorizer(logical_id, props, resources)
            for logical_id, props in _of_api(resources, api_id, "AWS::ApiGateway::Authorizer")
        },
        gateway_responses={
            str(props.get("ResponseType")): _gateway_response(props)
            for _, props in _of_api(resources, api_id, "AWS::ApiGateway::GatewayResponse")
        },
    )


def _resource_paths(resources: Mapping[str, Mapping[str, Any]], api_id: str) -> dict[str, str]:
    """Full path of every ``AWS::ApiGateway::Resource`` of the API, by logical id."""
    parts = {
        logical_id: (ref_target(props.get("ParentId")), str(props.get("PathPart", "")))
        for logical_id, props in _of_api(resources, api_id, "AWS::ApiGateway::Resource")
    }
    paths: dict[str, str] = {}

    def path_of(logical_id: str, depth: int = 0) -> str:
        if logical_id not in parts or depth > len(parts):
            return ""  # the root resource (a GetAtt on the RestApi's RootResourceId)
        parent, part = parts[logical_id]
        if logical_id not in paths:
            prefix = path_of(parent, depth + 1) if parent is not None else ""
            paths[logical_id] = f"{prefix}/{part}"
        return paths[logical_id]

    for logical_id in parts:
        path_of(logical_id)
    return paths


def _route(
    properties: Mapping[str, Any],
    paths: Mapping[str, str],
    models: Mapping[str, Mapping[str, Any]],
    validators: Mapping[str, Mapping[str, Any]],
    resources: Mapping[str, Mapping[str, Any]],
) -> Route:
    resource_id = ref_target(properties.get("ResourceId"))
    validator = validators.get(ref_target(properties.get("RequestValidatorId")) or "", {})
    request_models = {
        content_type: models.get(ref_target(model) or str(model), {})
        for content_type, model in properties.get("RequestModels", {}).items()
    }
    return Route(
        path=paths.get(resource_id or "", "") or "/",
        method=str(properties.get("HttpMethod", "")).upper(),
        authorization_type=str(properties.get("AuthorizationType", "NONE")),
        authorizer_id=ref_target(properties.get("AuthorizerId")),
        authorization_scopes=tuple(properties.get("AuthorizationScopes", ())),
        integration=_integration(properties.get("Integration", {}), resources),
        request_models=request_models,
        validate_body=bool(validator.get("ValidateRequestBody", False)),
        validate_parameters=bool(validator.get("ValidateRequestParameters", False)),
        required_parameters=tuple(
            name for name, required in properties.get("RequestParameters", {}).items() if required
        ),
        responses={
            str(declared.get("StatusCode")): _method_response(declared, models)
            for declared in properties.get("MethodResponses", ())
        },
    )


def _method_response(
    declared: Mapping[str, Any], models: Mapping[str, Mapping[str, Any]]
) -> MethodResponse:
    return MethodResponse(
        status=str(declared.get("StatusCode")),
        models={
            content_type: models.get(ref_target(model) or str(model), {})
            for content_type, model in declared.get("ResponseModels", {}).items()
        },
        headers={
            name[len(_METHOD_RESPONSE_HEADER) :]: bool(required)
            for name, required in declared.get("ResponseParameters", {}).items()
            if name.startswith(_METHOD_RESPONSE_HEADER)
        },
    )


def _integration(
    properties: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]
) -> Integration:
    kind = str(properties.get("Type", ""))
    if kind == "MOCK":
        responses = properties.get("IntegrationResponses") or [{}]
        first = responses[0]
        headers = {
            name[len(_METHOD_RESPONSE_HEADER) :]: value
            for name, value in first.get("ResponseParameters", {}).items()
            if name.startswith(_METHOD_RESPONSE_HEADER) and isinstance(value, str)
        }
        return Integration(
            type=kind,
            mock_status=int(first.get("StatusCode", 200)),
            mock_headers=headers,
            mock_template=str(first.get("ResponseTemplates", {}).get("application/json", "")),
        )
    functions = [
        target
        for target in references(properties.get("Uri"))
        if resources.get(target, {}).get("Type") == "AWS::Lambda::Function"
    ]
    return Integration(type=kind, function_id=functions[0] if functions else None)


def references(value: Any) -> Iterator[str]:
    """Every logical id referenced anywhere inside an intrinsic-function tree."""
    target = ref_target(value)
    if target is not None:
        yield target
    if isinstance(value, Mapping):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def _authorizer(
    logical_id: str, properties: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]
) -> Authorizer:
    kind = str(properties.get("Type", ""))
    source = properties.get("IdentitySource")
    source = source if isinstance(source, str) else ""
    sources = tuple(part.strip() for part in source.split(",") if part.strip())
    if kind == "REQUEST":
        headers = [s[len(_HEADER_SOURCE) :] for s in sources if s.startswith(_HEADER_SOURCE)]
        header = headers[0] if headers else ""
    else:
        header = source[len(_HEADER_SOURCE) :] if source.startswith(_HEADER_SOURCE) else source
    functions = [
        target
        for target in references(properties.get("AuthorizerUri"))
        if resources.get(target, {}).get("Type") == "AWS::Lambda::Function"
    ]
    ttl = properties.get("AuthorizerResultTtlInSeconds", 300)
    expression = properties.get("IdentityValidationExpression")
    return Authorizer(
        logical_id=logical_id,
        type=kind,
        token_header=header,
        user_pool_ids=tuple(
            target
            for target in (ref_target(arn) for arn in properties.get("ProviderARNs", ()))
            if target is not None
        ),
        function_id=functions[0] if functions else None,
        identity_sources=sources,
        validation_expression=expression if isinstance(expression, str) and expression else None,
        ttl_seconds=_ttl(ttl),
    )


def _ttl(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 300


def _gateway_response(properties: Mapping[str, Any]) -> GatewayResponse:
    status = properties.get("StatusCode")
    return GatewayResponse(
        response_type=str(properties.get("ResponseType")),
        status_code=int(status) if status is not None else None,
        templates=dict(properties.get("ResponseTemplates", {})),
        headers={
            name[len(_RESPONSE_HEADER) :]: str(value)
            for name, value in properties.get("ResponseParameters", {}).items()
            if name.startswith(_RESPONSE_HEADER)
        },
    )


def _stage_name(resources: Mapping[str, Mapping[str, Any]], api_id: str) -> str:
    for _, properties in _of_api(resources, api_id, "AWS::ApiGateway::Stage"):
        if isinstance(properties.get("StageName"), str):
            return str(properties["StageName"])
    for _, properties in _of_api(resources, api_id, "AWS::ApiGateway::Deployment"):
        if isinstance(properties.get("StageName"), str):
            return str(properties["StageName"])
    return "prod"
