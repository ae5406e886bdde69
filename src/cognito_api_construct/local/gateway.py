"""The local API Gateway: routing and the order of checks for one REST API stage.

It owns the request pipeline in API Gateway's order: stage prefix, WAF, payload size,
route match (an unknown path or method, whatever the method's name: 403 Missing
Authentication Token), CORS preflight MOCKs, the authorizer (Cognito: 401; Lambda
authorizers: 401, 403 or 500, ``lambda_authorizer``; the integration never invoked),
request validation (400 with the template's BAD_REQUEST_BODY response), then
the Lambda proxy integration (502 on a crash or for a function the emulator cannot
run, 504 on a timeout). Event shapes live in ``events``, gateway responses in
``gateway_responses``, token checks in ``authorizer``, Lambda authorizers in
``lambda_authorizer``, processes in ``workers``; the
HTTP server around it, the emulator's extras outside the stage and the request log
are ``gateway_server``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from .apimodel import RestApi, Route
from .authorizer import CognitoAuthorizer, UnauthorizedError
from .events import InvalidProxyResponseError, Request, proxy_event, proxy_response
from .gateway_responses import GatewayResponses, HttpResponse, origin_overrides
from .lambda_authorizer import (
    DENY_TEMPLATE,
    AuthorizerRefusedError,
    LambdaAuthorizer,
    method_arn,
)
from .validation import RequestInvalidError, missing_parameters, validate_body
from .waf import WafRequest, WebAcl
from .workers import FunctionCrashedError, FunctionTimeoutError

__all__ = ["MAX_PAYLOAD_BYTES", "Gateway"]

_LOG = logging.getLogger(__name__)
#: API Gateway's payload limit.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
_JSON_TYPES = ("application/json", "")

Invoke = Callable[[str, Mapping[str, Any]], Any]


class Gateway:
    """Answers requests for one REST API stage, as API Gateway would.

    Args:
        api: the API read from the template.
        api_id: the id to put in events.
        account: the account id for events.
        authorizers: a checker per authorizer logical id (Cognito or Lambda).
        invoke: calls a Lambda by logical id with an event, returns its result.
        web_acls: the WAF web ACLs associated with the stage. Defaults to none.
        unrunnable: functions the emulator cannot run, by logical id, with the reason:
            their routes answer 502 naming it. Defaults to none.
        region: the region in method ARNs. Defaults to us-east-1.
    """

    def __init__(
        self,
        api: RestApi,
        *,
        api_id: str,
        account: str,
        authorizers: Mapping[str, CognitoAuthorizer | LambdaAuthorizer],
        invoke: Invoke,
        web_acls: tuple[WebAcl, ...] = (),
        unrunnable: Mapping[str, str] | None = None,
        region: str = "us-east-1",
    ) -> None:
        self.api = api
        self._region = region
        self._web_acls = web_acls
        self._api_id = api_id
        self._account = account
        self._authorizers = authorizers
        self._invoke = invoke
        self._unrunnable = dict(unrunnable or {})
        self._responses = GatewayResponses(api.gateway_responses)
        self._routes: dict[str, dict[str, Route]] = {}
        for route in api.routes:
            self._routes.setdefault(route.path, {})[route.method] = route

    def handle(self, request: Request) -> HttpResponse:
        """Answer one request whose ``path`` still carries the stage prefix.

        The steps run in API Gateway's order; the first that answers ends the request:
        stage, WAF, payload size, route, CORS preflight, authorizer, request
        validation, then the Lambda integration.
        """
        call = _Call(request, self.api.stage_name, self._responses)
        path = call.path_in_stage()
        if path is None:
            # No such stage: API Gateway answers a bare 403 Forbidden, with none of the
            # API's gateway responses (their CORS headers included): no deployment,
            # and no stage WAF, is reached.
            return self._responses.render(
                "ACCESS_DENIED", call.context, call.headers, customized=False
            )
        blocked = self._waf_blocks(request)
        if blocked is not None:
            _LOG.info("%s %s: blocked by WAF (%s)", request.method, request.path, blocked)
            return call.gateway_error("WAF_FILTERED")
        if len(request.body) > MAX_PAYLOAD_BYTES:
            return call.gateway_error("REQUEST_TOO_LARGE")
        matched = self._match(path)
        route = self._method(matched[0], request.method) if matched is not None else None
        if matched is None or route is None:
            return call.gateway_error("MISSING_AUTHENTICATION_TOKEN")
        call.context["resourcePath"] = route.path
        if route.integration.type == "MOCK":
            return self._mock(route, request.request_id, call.headers)
        event = self._event(route, call, path, matched[1])
        if route.protected:
            refused = self._authorize(route, call, path, event)
            if refused is not None:
                return refused
        refused = self._validate(route, request, call)
        if refused is not None:
            return refused
        return self._integrate(route, call, event)

    def refuse(self, request: Request, kind: str) -> HttpResponse:
        """The gateway response ``kind`` for a request refused before the pipeline.

        429 ``THROTTLED`` when the emulator sheds load, 413 ``REQUEST_TOO_LARGE``.
        """
        return _Call(request, self.api.stage_name, self._responses).gateway_error(kind)

    def _event(
        self, route: Route, call: _Call, path: str, path_parameters: dict[str, str]
    ) -> dict[str, Any]:
        """The request's proxy event (a REQUEST authorizer's event is made from it)."""
        request = call.request
        return proxy_event(
            Request(
                request.method,
                path,
                request.query,
                request.headers,
                request.body,
                request.source_ip,
                request.request_id,
            ),
            resource=route.path,
            path_parameters=path_parameters,
            stage=self.api.stage_name,
            api_id=self._api_id,
            account=self._account,
            binary_media_types=self.api.binary_media_types,
            claims=None,
        )

    def _integrate(self, route: Route, call: _Call, event: dict[str, Any]) -> HttpResponse:
        function_id = route.integration.function_id
        if function_id is None:
            _LOG.error(
                "%s %s: integration %s is not emulated",
                route.method,
                route.path,
                route.integration.type,
            )
            return call.gateway_error("DEFAULT_5XX")
        if function_id in self._unrunnable:
            return call.gateway_error("DEFAULT_5XX", message=self._unrunnable[function_id])
        request = call.request
        try:
            return proxy_response(self._invoke(function_id, event), request.request_id)
        except FunctionTimeoutError:
            return call.gateway_error("INTEGRATION_TIMEOUT")
        except (FunctionCrashedError, InvalidProxyResponseError) as error:
            _LOG.error("%s %s: Lambda failed: %s", route.method, route.path, error)
            return call.gateway_error("DEFAULT_5XX")

    def _match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The most specific resource matching ``path``: literal segments win."""
        segments = [unquote(part) for part in path.strip("/").split("/")] if path != "/" else []
        best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
        for resource in self._routes:
            found = _match_resource(resource, segments)
            if found is not None and (best is None or found[0] > best[0]):
                best = (found[0], resource, found[1])
        return (best[1], best[2]) if best else None

    def _method(self, resource: str, method: str) -> Route | None:
        methods = self._routes[resource]
        return methods.get(method) or methods.get("ANY")

    def _authorize(
        self, route: Route, call: _Call, path: str, event: dict[str, Any]
    ) -> HttpResponse | None:
        """Run the route's authorizer: its refusal, or None and the event's authorizer set."""
        method = call.request.method
        authorizer = self.api.authorizers.get(route.authorizer_id or "")
        checker = self._authorizers.get(authorizer.logical_id) if authorizer else None
        if isinstance(checker, LambdaAuthorizer):
            arn = method_arn(
                self._region, self._account, self._api_id, self.api.stage_name, method, path
            )
            try:
                event["requestContext"]["authorizer"] = checker.authorize(event, arn)
            except AuthorizerRefusedError as refusal:
                log = _LOG.error if refusal.response_type.startswith("AUTHORIZER") else _LOG.info
                log("%s %s: authorizer refused (%s)", method, route.path, refusal.reason)
                if refusal.response_type != "ACCESS_DENIED":
                    return call.gateway_error(refusal.response_type)
                return call.gateway_error(
                    "ACCESS_DENIED",
                    message=refusal.message,
                    error_type="AccessDeniedException",
                    built_in_template=DENY_TEMPLATE,
                )
            return None
        try:
            if authorizer is None or checker is None:
                raise UnauthorizedError(f"authorizer {route.authorizer_id} is not emulated")
            claims = checker.authorize(
                call.headers.get(authorizer.token_header.lower()), route.authorization_scopes
            )
        except UnauthorizedError as error:
            _LOG.info("%s %s: token refused (%s)", method, route.path, error)
            return call.gateway_error("UNAUTHORIZED")
        event["requestContext"]["authorizer"] = {"claims": claims}
        return None

    @staticmethod
    def _validate(route: Route, request: Request, call: _Call) -> HttpResponse | None:
        if route.validate_parameters and route.required_parameters:
            query = dict(parse_qsl(request.query, keep_blank_values=True))
            missing = missing_parameters(route.required_parameters, call.headers, query)
            if missing:
                return call.gateway_error(
                    "BAD_REQUEST_PARAMETERS",
                    message=f"Missing required request parameters: [{', '.join(missing)}]",
                )
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        schema = route.request_models.get(content_type or "application/json")
        if route.validate_body and schema is not None and content_type in _JSON_TYPES:
            try:
                validate_body(request.body, schema)
            except RequestInvalidError as error:
                return call.gateway_error(
                    "BAD_REQUEST_BODY", **{"error.validationErrorString": error.validation_error}
                )
        return None

    def _waf_blocks(self, request: Request) -> str | None:
        inspected = WafRequest(request.method, request.path, request.query, request.headers)
        for acl in self._web_acls:
            rule = acl.blocks(inspected)
            if rule is not None:
                return f"{acl.logical_id}/{rule}"
        return None

    @staticmethod
    def _mock(route: Route, request_id: str, request_headers: Mapping[str, str]) -> HttpResponse:
        overrides = origin_overrides(route.integration.mock_template, request_headers)
        headers = [
            (name, overrides.get(name, value[1:-1]))
            for name, value in (route.integration.mock_headers or {}).items()
            if len(value) >= 2 and value[0] == value[-1] == "'"
        ]
        headers += [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id)]
        return HttpResponse(route.integration.mock_status, headers, b"")


class _Call:
    """One request on its way through the gateway: headers, ``$context``, answers."""

    def __init__(self, request: Request, stage: str, responses: GatewayResponses) -> None:
        self.request = request
        self.stage = stage
        self.headers = {name.lower(): value for name, value in request.headers}
        self.context: dict[str, str] = {"requestId": request.request_id, "stage": stage}
        self._responses = responses

    def path_in_stage(self) -> str | None:
        """The path without the stage prefix (``/`` at least), or None outside the stage."""
        prefix = f"/{self.stage}"
        path = self.request.path
        if path != prefix and not path.startswith(prefix + "/"):
            return None
        inner = path[len(prefix) :] or "/"
        return inner.rstrip("/") or "/" if len(inner) > 1 else inner

    def gateway_error(
        self,
        kind: str,
        *,
        message: str | None = None,
        error_type: str | None = None,
        built_in_template: str | None = None,
        **extra: str,
    ) -> HttpResponse:
        """The gateway response of type ``kind`` for this request."""
        return self._responses.render(
            kind,
            {**self.context, **extra},
            self.headers,
            message=message,
            error_type=error_type,
            built_in_template=built_in_template,
        )


def _match_resource(
    resource: str, segments: list[str]
) -> tuple[tuple[int, ...], dict[str, str]] | None:
    parts = [part for part in resource.strip("/").split("/") if part]
    parameters: dict[str, str] = {}
    score: list[int] = []
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments):
                return None
            parameters[part[1:-2]] = "/".join(segments[index:])
            score.append(0)
            return tuple(score), parameters
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = segments[index]
            score.append(1)
        elif part == segments[index]:
            score.append(2)
        else:
            return None
    if len(parts) != len(segments):
        return None
    return tuple(score), parameters
