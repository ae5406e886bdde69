"""The local API Gateway: routing, the order of checks, and the HTTP server around them.

It owns the request pipeline in API Gateway's order: stage prefix, route match
(unknown path or method: 403 Missing Authentication Token), CORS preflight MOCKs,
the Cognito authorizer (401, Lambda never invoked), request validation (400 with the
template's BAD_REQUEST_BODY response), then the Lambda proxy integration (502 on a
crash, 504 on a timeout). Event shapes live in ``events``, gateway responses in
``gateway_responses``, token checks in ``authorizer``, processes in ``workers``.
Outside the stage it serves the emulator's extras (``/openapi.json``), which a
deployed API does not have. It logs one line per request: method, path, status,
latency; never a query string, a header value or a body, which may hold credentials.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

from .apimodel import RestApi, Route
from .authorizer import CognitoAuthorizer, UnauthorizedError
from .events import InvalidProxyResponseError, Request, proxy_event, proxy_response
from .gateway_responses import GatewayResponses, HttpResponse, origin_overrides
from .validation import RequestInvalidError, missing_parameters, validate_body
from .waf import WafRequest, WebAcl
from .workers import FunctionCrashedError, FunctionTimeoutError

__all__ = ["Gateway", "GatewayServer"]

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
        authorizers: a checker per authorizer logical id.
        invoke: calls a Lambda by logical id with an event, returns its result.
        web_acls: the WAF web ACLs associated with the stage. Defaults to none.
    """

    def __init__(
        self,
        api: RestApi,
        *,
        api_id: str,
        account: str,
        authorizers: Mapping[str, CognitoAuthorizer],
        invoke: Invoke,
        web_acls: tuple[WebAcl, ...] = (),
    ) -> None:
        self.api = api
        self._web_acls = web_acls
        self._api_id = api_id
        self._account = account
        self._authorizers = authorizers
        self._invoke = invoke
        self._responses = GatewayResponses(api.gateway_responses)
        #: Emulator extras served on GET at the root, outside the stage (so they can never
        #: shadow a route of the API): path -> JSON body, e.g. ``/openapi.json``. A
        #: deployed API has none of them.
        self.extras: dict[str, bytes] = {}
        self._routes: dict[str, dict[str, Route]] = {}
        for route in api.routes:
            self._routes.setdefault(route.path, {})[route.method] = route

    def handle(self, request: Request) -> HttpResponse:
        """Answer one request whose ``path`` still carries the stage prefix."""
        stage_prefix = f"/{self.api.stage_name}"
        lower_headers = {name.lower(): value for name, value in request.headers}
        context = {"requestId": request.request_id, "stage": self.api.stage_name}

        def gateway_error(kind: str, **extra: str) -> HttpResponse:
            return self._responses.render(kind, {**context, **extra}, lower_headers)

        extra = self.extras.get(request.path) if request.method in ("GET", "HEAD") else None
        if extra is not None:
            headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
            return HttpResponse(200, headers, extra)
        if request.path != stage_prefix and not request.path.startswith(stage_prefix + "/"):
            # No such stage: API Gateway answers a bare 403 Forbidden.
            return gateway_error("ACCESS_DENIED")
        # WAF inspects a request before API Gateway routes, authorizes or answers it.
        blocked = self._waf_blocks(request)
        if blocked is not None:
            _LOG.info("%s %s: blocked by WAF (%s)", request.method, request.path, blocked)
            return gateway_error("WAF_FILTERED")
        if len(request.body) > MAX_PAYLOAD_BYTES:
            return gateway_error("REQUEST_TOO_LARGE")
        path = request.path[len(stage_prefix) :] or "/"
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        matched = self._match(path)
        if matched is None or self._method(matched[0], request.method) is None:
            return gateway_error("MISSING_AUTHENTICATION_TOKEN")
        resource, path_parameters = matched
        route = self._method(resource, request.method)
        assert route is not None
        context["resourcePath"] = route.path
        if route.integration.type == "MOCK":
            return self._mock(route, request.request_id, lower_headers)
        claims = None
        if route.protected:
            try:
                claims = self._authorize(route, lower_headers)
            except UnauthorizedError as error:
                _LOG.info("%s %s: token refused (%s)", request.method, route.path, error)
                return gateway_error("UNAUTHORIZED")
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        invalid = self._validate(route, request, lower_headers, query)
        if invalid is not None:
            kind, detail = invalid
            if kind == "BAD_REQUEST_PARAMETERS":
                return self._responses.render(
                    kind, context, lower_headers, message=f"Missing required request {detail}"
                )
            return gateway_error(kind, **{"error.validationErrorString": detail})
        if route.integration.function_id is None:
            _LOG.error(
                "%s %s: integration %s is not emulated",
                route.method,
                route.path,
                route.integration.type,
            )
            return gateway_error("DEFAULT_5XX")
        event = proxy_event(
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
            claims=claims,
        )
        try:
            return proxy_response(
                self._invoke(route.integration.function_id, event), request.request_id
            )
        except FunctionTimeoutError:
            return gateway_error("INTEGRATION_TIMEOUT")
        except (FunctionCrashedError, InvalidProxyResponseError) as error:
            _LOG.error("%s %s: Lambda failed: %s", route.method, route.path, error)
            return gateway_error("DEFAULT_5XX")

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

    def _authorize(self, route: Route, headers: Mapping[str, str]) -> dict[str, str]:
        authorizer = self.api.authorizers.get(route.authorizer_id or "")
        if authorizer is None or authorizer.logical_id not in self._authorizers:
            raise UnauthorizedError(f"authorizer {route.authorizer_id} is not emulated")
        checker = self._authorizers[authorizer.logical_id]
        return checker.authorize(
            headers.get(authorizer.token_header.lower()), route.authorization_scopes
        )

    @staticmethod
    def _validate(
        route: Route, request: Request, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> tuple[str, str] | None:
        if route.validate_parameters and route.required_parameters:
            missing = missing_parameters(route.required_parameters, headers, query)
            if missing:
                return "BAD_REQUEST_PARAMETERS", f"parameters: [{', '.join(missing)}]"
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        schema = route.request_models.get(content_type or "application/json")
        if route.validate_body and schema is not None and content_type in _JSON_TYPES:
            try:
                validate_body(request.body, schema)
            except RequestInvalidError as error:
                return "BAD_REQUEST_BODY", error.validation_error
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


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP exchange into a ``Request`` for the gateway and writes the answer."""

    protocol_version = "HTTP/1.1"
    server: GatewayServer

    def _serve(self) -> None:
        started = time.perf_counter()
        body = self._read_body()
        path, _, query = self.path.partition("?")
        request = Request(
            method=self.command,
            path=path,
            query=query,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            request_id=Request.new_id(),
        )
        try:
            response = self.server.gateway.handle(request)
        except Exception:  # the emulator's own bug must not kill the connection silently
            _LOG.exception("%s %s: emulator error", self.command, path)
            response = HttpResponse(
                500, [("Content-Type", "application/json")], b'{"message": "Internal server error"}'
            )
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        _LOG.info(
            "%s %s %d %.1f ms",
            self.command,
            path,
            response.status,
            (time.perf_counter() - started) * 1000,
        )

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers, up to the blank line
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib access log: ``_serve`` logs without query strings."""


class GatewayServer(ThreadingHTTPServer):
    """A threaded HTTP server answering with a ``Gateway``, bound to loopback by default.

    Args:
        gateway: the gateway to serve.
        host: the address to bind. Defaults to 127.0.0.1.
        port: the port; 0 picks a free one. Defaults to 8787.
    """

    daemon_threads = True

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 8787) -> None:
        super().__init__((host, port), _Handler)
        self.gateway = gateway
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.server_address[1])

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()
