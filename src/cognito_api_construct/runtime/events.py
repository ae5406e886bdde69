"""API Gateway REST (proxy integration, payload v1) events in, proxy responses out.

:func:`parse_request` reads only the parts of the event the auth routes use;
:func:`json_body` turns the body into a JSON object, refusing anything that is not a
JSON object of bounded size sent as ``application/json``; :func:`json_response` and
:func:`error_response` build the response dictionaries. No Cognito here.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from .contract import MAX_BODY_BYTES
from .errors import ApiError, BadRequestError, UnsupportedMediaTypeError
from .validation import describe, loads_json

#: Tokens and sessions must not be kept by browsers or proxies.
_BASE_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}
# A base64 body is 4/3 of the bytes it carries; refuse longer ones before decoding.
_MAX_BASE64_CHARS = (MAX_BODY_BYTES + 2) // 3 * 4


@dataclass(frozen=True)
class Request:
    """The parts of a proxy event the auth routes use.

    Attributes:
        resource: The API Gateway resource path, e.g. ``/auth``.
        method: The HTTP method, upper case.
        headers: Header names lower-cased, the last value of each kept.
        query: Query string parameters; empty when there are none.
        body: The body as API Gateway passed it, or None.
        is_base64: Whether ``body`` is base64-encoded.
        request_id: API Gateway's request id, or an empty string.
        path_parameters: The resource path's ``{parameters}``, by name.
    """

    resource: str
    method: str
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: str | None = None
    is_base64: bool = False
    request_id: str = ""
    path_parameters: dict[str, str] = field(default_factory=dict)


def parse_request(event: dict[str, Any]) -> Request:
    """Read a REST API proxy event.

    Args:
        event: The event Lambda received from API Gateway.

    Returns:
        The request; absent parts come back empty, never as an error, so that routing
        can answer 404 or 405 for anything malformed.
    """
    headers: dict[str, str] = {}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if values:
            headers[str(name).lower()] = str(values[-1])
    for name, value in (event.get("headers") or {}).items():
        if value is not None:
            headers[str(name).lower()] = str(value)
    query = dict(event.get("multiValueQueryStringParameters") or {})
    query.update(event.get("queryStringParameters") or {})
    context = event.get("requestContext") or {}
    body = event.get("body")
    return Request(
        resource=str(event.get("resource") or context.get("resourcePath") or ""),
        method=str(event.get("httpMethod") or context.get("httpMethod") or "").upper(),
        headers=headers,
        query=query,
        body=body if isinstance(body, str) else None,
        is_base64=bool(event.get("isBase64Encoded")),
        request_id=str(context.get("requestId") or ""),
        path_parameters={
            str(name): str(value)
            for name, value in (event.get("pathParameters") or {}).items()
            if value is not None
        },
    )


def json_body(request: Request) -> Any:
    """Decode the body of a request that must be JSON.

    Args:
        request: The parsed request.

    Returns:
        The decoded JSON value (any JSON type: the schema decides what is allowed); ``{}``
        for a request without a body, as API Gateway validates one (so ``POST /signout``
        with nothing is ``{}``, and a route with required fields names the first missing).

    Raises:
        UnsupportedMediaTypeError: When a body is sent as anything but
            ``application/json``.
        BadRequestError: When the body is too large, not base64 when it says it is, not
            UTF-8, or not JSON.
    """
    raw = request.body or ""
    if not raw.strip():
        return {}
    if not _is_json(request.headers.get("content-type", "")):
        raise UnsupportedMediaTypeError()
    too_large = BadRequestError(f"the request body must be at most {MAX_BODY_BYTES} bytes")
    if request.is_base64:
        if len(raw) > _MAX_BASE64_CHARS:
            raise too_large
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequestError("the request body is not valid base64") from None
    else:
        data = raw.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BODY_BYTES:
        raise too_large
    if not data.strip():
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("the request body is not valid UTF-8") from None
    try:
        return loads_json(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as error:
        raise BadRequestError(str(error)) from None
    except ValueError:
        # Also a few thousand nested brackets (they fit in the size limit) and "\ud800".
        raise BadRequestError("the request body is not valid JSON") from None


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Build a proxy response with a JSON body.

    Args:
        status: The HTTP status code.
        payload: Anything ``json.dumps`` accepts.
        headers: Extra headers. Defaults to none.

    Returns:
        The dictionary API Gateway expects back from a proxy integration.
    """
    all_headers = dict(_BASE_HEADERS)
    all_headers.update(headers or {})
    return {
        "statusCode": status,
        "headers": all_headers,
        "body": json.dumps(payload, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def empty_response(status: int) -> dict[str, Any]:
    """Build a proxy response without a body, e.g. 204 No Content.

    Args:
        status: The HTTP status code.

    Returns:
        The proxy response, with the same headers as a JSON one but no Content-Type.
    """
    response = json_response(status, None)
    response["headers"].pop("Content-Type", None)
    response["body"] = ""
    return response


def error_response(error: ApiError) -> dict[str, Any]:
    """Build the response for an error: ``{"error": code, "message": text}``.

    Args:
        error: The error to answer with.

    Returns:
        The proxy response, with the error's status and headers.
    """
    return json_response(
        error.status, {"error": error.code, "message": error.message}, error.headers
    )


def _is_json(content_type: str) -> bool:
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip().lower() != "application/json":
        return False
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        # JSON is UTF-8 (RFC 8259); a body declared in another charset is not ours.
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


class _DuplicateKeyError(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins; refusing them leaves nothing to disagree on.
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _DuplicateKeyError(f"{describe(name)} appears more than once")
        result[name] = value
    return result
