"""Translation between HTTP and Lambda proxy integration (REST API, payload v1) messages.

It owns the shape of the event a deployed REST API sends to a Lambda proxy
integration (resource, path, httpMethod, headers and their multi-value twins, query
strings, path parameters, requestContext with requestId, stage, identity.sourceIp
and, on protected routes, authorizer.claims; body and isBase64Encoded), and the
reading of the Lambda's answer back into an HTTP response. No routing, no I/O.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from .gateway_responses import HttpResponse

__all__ = ["InvalidProxyResponseError", "Request", "proxy_event", "proxy_response"]


class InvalidProxyResponseError(Exception):
    """The Lambda's result is not a valid proxy response (API Gateway answers 502)."""


@dataclass(frozen=True)
class Request:
    """An HTTP request as the gateway received it.

    ``path`` excludes the stage and the query string; ``headers`` keep their order,
    original case and repetitions.
    """

    method: str
    path: str
    query: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str
    request_id: str

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive), else None."""
        found = None
        for key, value in self.headers:
            if key.lower() == name.lower():
                found = value
        return found

    @classmethod
    def new_id(cls) -> str:
        """A request id in API Gateway's format (a UUID)."""
        return str(uuid.uuid4())


def _multi(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)
    return multi


def proxy_event(
    request: Request,
    *,
    resource: str,
    path_parameters: Mapping[str, str],
    stage: str,
    api_id: str,
    account: str,
    binary_media_types: Sequence[str],
    claims: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The REST API proxy event (payload format 1.0) for ``request``.

    Args:
        request: the received request.
        resource: the matched resource path, e.g. ``/users/{id}``.
        path_parameters: values of the resource's ``{name}`` segments.
        stage: the stage name.
        api_id: the REST API id.
        account: the account id.
        binary_media_types: the API's ``BinaryMediaTypes``: matching bodies arrive
            base64-encoded.
        claims: the authorizer's claims on a protected route, else None.
    """
    host = request.header("Host") or "127.0.0.1"
    headers = [
        *request.headers,
        ("X-Forwarded-For", request.source_ip),
        ("X-Forwarded-Proto", "http"),
        ("X-Forwarded-Port", host.rpartition(":")[2] if ":" in host else "80"),
    ]
    multi_headers = _multi(headers)
    query_pairs = parse_qsl(request.query, keep_blank_values=True)
    multi_query = _multi(query_pairs)
    content_type = (request.header("Content-Type") or "").split(";")[0].strip()
    binary = any(fnmatch.fnmatch(content_type, pattern) for pattern in binary_media_types)
    if not request.body:
        body = None
    elif binary:
        body = base64.b64encode(request.body).decode()
    else:
        body = request.body.decode("utf-8", errors="replace")
    now = datetime.now(timezone.utc)
    context: dict[str, Any] = {
        "accountId": account,
        "apiId": api_id,
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "extendedRequestId": request.request_id,
        "httpMethod": request.method,
        "identity": {
            "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent"),
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoIdentityId": None,
            "user": None,
            "userArn": None,
        },
        "path": f"/{stage}{request.path}",
        "protocol": "HTTP/1.1",
        "requestId": request.request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(time.time() * 1000),
        "resourceId": "local",
        "resourcePath": resource,
        "stage": stage,
    }
    if claims is not None:
        context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {key: values[-1] for key, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": (
            {key: values[-1] for key, values in multi_query.items()} if multi_query else None
        ),
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": bool(body) and binary,
    }


def proxy_response(result: Any, request_id: str) -> HttpResponse:
    """Turn a Lambda proxy result into an HTTP response.

    Raises:
        InvalidProxyResponseError: not an object with an integer ``statusCode``, a
            string body, string headers... (API Gateway then answers 502).
    """
    if not isinstance(result, dict) or "statusCode" not in result:
        raise InvalidProxyResponseError("result is not an object with a statusCode")
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError):
        raise InvalidProxyResponseError("statusCode is not an integer") from None
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise InvalidProxyResponseError("body is not a string")
    payload = (body or "").encode()
    if result.get("isBase64Encoded") and body:
        try:
            payload = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise InvalidProxyResponseError("isBase64Encoded body is not base64") from None
    headers = _response_headers(result.get("headers") or {}, result.get("multiValueHeaders") or {})
    if not any(name.lower() == "content-type" for name, _ in headers):
        # API Gateway's default when the integration names none.
        headers.append(("Content-Type", "application/json"))
    headers.append(("x-amzn-RequestId", request_id))
    return HttpResponse(status, headers, payload)


def _response_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise InvalidProxyResponseError("headers are not objects")
    headers: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            raise InvalidProxyResponseError("multiValueHeaders values are not lists")
        headers += [(str(name), _scalar(value)) for value in values]
    # A header in both maps keeps only its multiValueHeaders values, as API Gateway does.
    taken = {name.lower() for name in multi}
    headers += [(str(k), _scalar(v)) for k, v in single.items() if str(k).lower() not in taken]
    return headers


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise InvalidProxyResponseError("a header value is not a string")
