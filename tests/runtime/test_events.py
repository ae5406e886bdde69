"""Proxy events in, proxy responses out: parsing, body decoding, response shape."""

from __future__ import annotations

import base64
import json

import pytest
from runtime.contract import MAX_BODY_BYTES
from runtime.errors import (
    BadRequestError,
    TooManyRequestsError,
    UnsupportedMediaTypeError,
)
from runtime.events import Request, error_response, json_body, json_response, parse_request


def json_request(body: str | None, *, content_type="application/json", is_base64=False):
    return Request(
        resource="/auth",
        method="POST",
        headers={"content-type": content_type},
        body=body,
        is_base64=is_base64,
    )


def test_parse_request_reads_the_parts_the_routes_use():
    # given
    event = {
        "resource": "/auth",
        "path": "/auth",
        "httpMethod": "post",
        "headers": {"Content-Type": "application/json", "X-Empty": None},
        "multiValueHeaders": {"Content-Type": ["application/json"], "Accept": ["a", "b"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {"requestId": "rid-1"},
        "body": "{}",
        "isBase64Encoded": False,
    }

    # when
    request = parse_request(event)

    # then
    assert request.resource == "/auth"
    assert request.method == "POST"
    assert request.headers == {"content-type": "application/json", "accept": "b"}
    assert request.query == {}
    assert request.body == "{}"
    assert request.is_base64 is False
    assert request.request_id == "rid-1"


@pytest.mark.parametrize(
    "event",
    [
        {"queryStringParameters": {"password": "x"}},
        {"multiValueQueryStringParameters": {"password": ["x"]}},
    ],
)
def test_parse_request_keeps_any_query_string(event):
    # when
    request = parse_request({"resource": "/auth", "httpMethod": "POST", **event})

    # then
    assert "password" in request.query


def test_parse_request_survives_a_bare_event():
    # when
    request = parse_request({})

    # then
    assert (request.resource, request.method, request.headers, request.body) == ("", "", {}, None)


def test_parse_request_falls_back_to_request_context():
    # when
    request = parse_request({"requestContext": {"resourcePath": "/signup", "httpMethod": "POST"}})

    # then
    assert (request.resource, request.method) == ("/signup", "POST")


def test_json_body_decodes_plain_and_base64_alike():
    # given
    text = json.dumps({"username": "ñandú"})

    # when
    plain = json_body(json_request(text))
    encoded = json_body(json_request(base64.b64encode(text.encode()).decode(), is_base64=True))

    # then
    assert plain == encoded == {"username": "ñandú"}


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "APPLICATION/JSON", "application/json;charset=utf-8",
     'application/json; charset="UTF-8"', "application/json; charset=utf8"],
)  # fmt: skip
def test_json_content_types(content_type):
    # when / then
    assert json_body(json_request("{}", content_type=content_type)) == {}


@pytest.mark.parametrize(
    "content_type",
    ["", "text/json", "application/json-patch+json", "application/json; charset=utf-16"],
)
def test_other_content_types_are_415(content_type):
    # when / then
    with pytest.raises(UnsupportedMediaTypeError):
        json_body(json_request("{}", content_type=content_type))


@pytest.mark.parametrize(("size", "ok"), [(MAX_BODY_BYTES, True), (MAX_BODY_BYTES + 1, False)])
def test_size_limit_counts_utf8_bytes(size, ok):
    # given: two-byte characters, so characters and bytes differ
    padding = "é" * ((size - len('{"a":""}')) // 2)
    text = '{"a":"' + padding + ("x" if size % 2 else "") + '"}'
    assert len(text.encode()) == size

    # when / then
    if ok:
        assert json_body(json_request(text))["a"].startswith("é")
    else:
        with pytest.raises(BadRequestError, match="at most"):
            json_body(json_request(text))


def test_huge_base64_body_is_refused_before_decoding():
    # given
    text = "A" * (MAX_BODY_BYTES * 2)

    # when / then
    with pytest.raises(BadRequestError, match="at most"):
        json_body(json_request(text, is_base64=True))


def test_lone_surrogate_is_not_utf8():
    # when / then
    with pytest.raises(BadRequestError, match="UTF-8"):
        json_body(json_request('{"a": "\ud800"}'))


def test_json_response_shape():
    # when
    response = json_response(201, {"username": "ana"}, {"X-Extra": "1"})

    # then
    assert response == {
        "statusCode": 201,
        "headers": {
            "Content-Type": "application/json",
            "Cache-Control": "no-store",
            "X-Extra": "1",
        },
        "body": '{"username":"ana"}',
        "isBase64Encoded": False,
    }


def test_error_response_carries_code_message_and_headers():
    # when
    response = error_response(TooManyRequestsError())

    # then
    assert response["statusCode"] == 429
    assert response["headers"]["Retry-After"] == "1"
    assert json.loads(response["body"]) == {
        "error": "TooManyRequests",
        "message": TooManyRequestsError.default_message,
    }
