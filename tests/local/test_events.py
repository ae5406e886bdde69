"""Translation of HTTP requests to proxy events and of Lambda results to HTTP responses."""

from __future__ import annotations

import base64

import pytest

from cognito_api_construct.local.events import (
    InvalidProxyResponseError,
    Request,
    proxy_event,
    proxy_response,
)


def _request(**changes: object) -> Request:
    values: dict[str, object] = {
        "method": "POST",
        "path": "/items/7",
        "query": "",
        "headers": [("Host", "127.0.0.1:8787"), ("Content-Type", "application/json")],
        "body": b'{"a": 1}',
        "source_ip": "127.0.0.1",
        "request_id": "req-1",
    }
    values.update(changes)
    return Request(**values)  # type: ignore[arg-type]


def _event(request: Request, **changes: object) -> dict[str, object]:
    options: dict[str, object] = {
        "resource": "/items/{id}",
        "path_parameters": {"id": "7"},
        "stage": "prod",
        "api_id": "api1",
        "account": "123456789012",
        "binary_media_types": (),
        "claims": None,
    }
    options.update(changes)
    return proxy_event(request, **options)  # type: ignore[arg-type]


def test_event_has_no_query_or_authorizer_when_absent() -> None:
    # given a request without query string on a public route
    event = _event(_request())

    # then those fields are null/absent as in a deployed API, and the body is text
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert "authorizer" not in event["requestContext"]  # type: ignore[operator]
    assert event["body"] == '{"a": 1}'
    assert event["headers"]["X-Forwarded-Port"] == "8787"  # type: ignore[index]


def test_binary_media_types_arrive_base64_encoded() -> None:
    # given an API with image/* as binary and a PNG body
    request = _request(headers=[("Content-Type", "image/png")], body=b"\x89PNG")

    # when the event is built
    event = _event(request, binary_media_types=("image/*",))

    # then the body is base64 and flagged so
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG"  # type: ignore[arg-type]


def test_claims_go_to_the_request_context() -> None:
    event = _event(_request(), claims={"sub": "u1"})
    assert event["requestContext"]["authorizer"] == {"claims": {"sub": "u1"}}  # type: ignore[index]


def test_response_merges_headers_and_defaults_content_type() -> None:
    # given a result with a header in both maps and no Content-Type
    result = {
        "statusCode": 201,
        "headers": {"X-A": "single", "X-B": "b"},
        "multiValueHeaders": {"X-A": ["m1", "m2"]},
        "body": "created",
    }

    # when it is translated
    response = proxy_response(result, "req-1")

    # then multiValueHeaders win for X-A, X-B stays, and JSON is the default type
    assert response.status == 201
    assert [v for k, v in response.headers if k == "X-A"] == ["m1", "m2"]
    assert ("X-B", "b") in response.headers
    assert ("Content-Type", "application/json") in response.headers
    assert response.body == b"created"


def test_base64_response_body_is_decoded() -> None:
    result = {
        "statusCode": 200,
        "body": base64.b64encode(b"\x00\x01").decode(),
        "isBase64Encoded": True,
    }
    assert proxy_response(result, "r").body == b"\x00\x01"


@pytest.mark.parametrize(
    "result",
    [
        None,
        "text",
        {"body": "no status"},
        {"statusCode": "abc"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "headers": {"X": ["list"]}},
        {"statusCode": 200, "multiValueHeaders": {"X": "not a list"}},
    ],
)
def test_malformed_proxy_results_are_refused(result: object) -> None:
    with pytest.raises(InvalidProxyResponseError):
        proxy_response(result, "r")
