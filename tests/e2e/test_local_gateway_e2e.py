"""The emulated gateway over HTTP: routes, proxy events, request models, gateway responses."""

from __future__ import annotations

import hashlib
import http.client
import json

from cognito_api_construct.local import LocalApi

from .helpers import SECRET_VALUE, call


def test_public_route_receives_a_rest_proxy_event(tiny_api: LocalApi) -> None:
    # given a public route with a path parameter
    url = f"{tiny_api.url}public/bob?tag=a&tag=b&empty="

    # when it is called
    reply = call("GET", url, headers={"X-Custom": "yes", "User-Agent": "e2e"})

    # then the Lambda saw API Gateway's v1 proxy event for it
    assert reply.status == 200
    event = reply.json()["event"]
    assert event["resource"] == "/public/{name}"
    assert event["path"] == "/public/bob"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"name": "bob"}
    assert event["queryStringParameters"] == {"tag": "b", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "empty": [""]}
    assert event["headers"]["X-Custom"] == "yes"
    assert event["multiValueHeaders"]["X-Custom"] == ["yes"]
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    assert event["stageVariables"] is None
    context = event["requestContext"]
    assert context["stage"] == "dev"
    assert context["resourcePath"] == "/public/{name}"
    assert context["path"] == "/dev/public/bob"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "e2e"
    assert context["requestId"] == reply.headers["x-amzn-RequestId"]
    assert "authorizer" not in context


def test_lambda_runs_with_resolved_environment_and_context(tiny_api: LocalApi) -> None:
    # given the echo function, whose template variables use Ref, GetAtt, Join and Sub
    # when it is invoked
    reply = call("GET", f"{tiny_api.url}public/env")

    # then each variable holds the emulator's real ids, and the context is Lambda's
    body = reply.json()
    env = body["env"]
    assert env["USER_POOL_ID"] == tiny_api.user_pool_id
    assert env["CLIENT_ID"] == tiny_api.client_id
    assert env["POOL_ARN"].endswith(f":userpool/{tiny_api.user_pool_id}")
    assert env["GREETING"] == "hello"
    assert env["API_URL"].startswith("https://")
    assert env["API_URL"].endswith(".com/dev/")
    assert env["WHERE"] == f"us-east-1:123456789012:{env['POOL_ARN']}"
    assert body["endpoint"] == tiny_api.cognito_url
    assert body["context"]["function_name"] == "TinyStack-EchoFunction4A5B6C7D"
    assert 0 < body["context"]["remaining_ms"] <= 10_000


def test_lambda_response_headers_are_merged_and_returned(tiny_api: LocalApi) -> None:
    # given a handler returning headers and multiValueHeaders
    # when it is called
    reply = call("GET", f"{tiny_api.url}public/headers")

    # then both reach the caller
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["X-Multi"] == "one, two"


def test_secret_value_from_the_command_line_reaches_the_handler(tiny_api: LocalApi) -> None:
    # given the stack's secret created with a --secret value
    # when a handler reads it through boto3 (AWS_ENDPOINT_URL points at the emulator)
    reply = call("GET", f"{tiny_api.url}secret")

    # then it read that value
    assert reply.status == 200
    assert reply.json()["sha256"] == hashlib.sha256(SECRET_VALUE.encode()).hexdigest()


def test_unknown_path_is_missing_authentication_token(tiny_api: LocalApi, invocations) -> None:
    # given a path no resource has
    # when it is called
    reply = call("GET", f"{tiny_api.url}nowhere")

    # then API Gateway's 403 answers, with the DEFAULT_4XX CORS headers of the template
    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert invocations() == 0


def test_known_path_with_another_method_is_missing_authentication_token(
    tiny_api: LocalApi,
) -> None:
    # given a GET-only resource
    # when it is called with DELETE
    reply = call("DELETE", f"{tiny_api.url}public/bob")

    # then it is refused like an unknown route
    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}


def test_path_outside_the_stage_is_forbidden(tiny_api: LocalApi) -> None:
    # given the API served under its stage prefix /dev/
    # when a path without the stage is called
    reply = call("GET", f"http://127.0.0.1:{tiny_api.port}/public/bob")

    # then it is refused
    assert reply.status == 403
    assert reply.json() == {"message": "Forbidden"}


def test_cors_preflight_is_answered_by_the_mock_integration(tiny_api: LocalApi) -> None:
    # given an OPTIONS MOCK method with CORS headers in its integration response
    # when a browser sends a preflight (no token)
    reply = call("OPTIONS", f"{tiny_api.url}items")

    # then the mock's status and headers come back
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Methods"] == "OPTIONS,POST"
    assert reply.headers["Access-Control-Allow-Headers"] == "Content-Type,X-Token"


def test_body_violating_the_model_gets_the_templates_bad_request_body(
    tiny_api: LocalApi, tokens: dict[str, str], invocations
) -> None:
    # given a protected route with a model, and a body missing the required field
    # when it is posted with a valid token
    reply = call("POST", f"{tiny_api.url}items", {"count": 1}, {"X-Token": tokens["id"]})

    # then the template's BAD_REQUEST_BODY response answers and the Lambda never runs
    assert reply.status == 400
    body = reply.json()
    assert body["error"] == "InvalidRequestBody"
    assert body["message"] == '[object has missing required properties (["name"])]'
    assert body["request_id"] == reply.headers["x-amzn-RequestId"]
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert invocations() == 0


def test_validation_message_with_quotes_still_renders_valid_json(
    tiny_api: LocalApi, tokens: dict[str, str]
) -> None:
    # given a value with double quotes, an apostrophe and a slash failing the pattern
    name = 'it\'s "quoted" a/b'

    # when it is posted
    reply = call("POST", f"{tiny_api.url}items", {"name": name}, {"X-Token": tokens["id"]})

    # then the rendered template is valid JSON that carries the value intact
    assert reply.status == 400
    message = reply.json()["message"]
    assert json.dumps(name) in message
    assert message.startswith('[ECMA 262 regex "^[a-z]+$" does not match input string')


def test_malformed_json_body_is_a_bad_request_body(
    tiny_api: LocalApi, tokens: dict[str, str]
) -> None:
    # given a body that is not JSON
    # when it is posted to a route with a model
    reply = call("POST", f"{tiny_api.url}items", headers={"X-Token": tokens["id"]}, raw=b"{oops")

    # then the gateway refuses it
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidRequestBody"


def test_valid_body_reaches_the_lambda(tiny_api: LocalApi, tokens: dict[str, str]) -> None:
    # given a body matching the model
    # when it is posted
    reply = call(
        "POST", f"{tiny_api.url}items", {"name": "widget", "count": 2}, {"X-Token": tokens["id"]}
    )

    # then the Lambda receives it as the event's body
    assert reply.status == 200
    assert json.loads(reply.json()["event"]["body"]) == {"name": "widget", "count": 2}


def test_chunked_request_body_reaches_the_lambda(
    tiny_api: LocalApi, tokens: dict[str, str]
) -> None:
    # given a body sent with Transfer-Encoding: chunked
    connection = http.client.HTTPConnection("127.0.0.1", tiny_api.port, timeout=30)
    chunks = iter([b'{"name": ', b'"chunky"}'])

    # when it is posted
    connection.request(
        "POST",
        "/dev/items",
        body=chunks,
        headers={"Content-Type": "application/json", "X-Token": tokens["id"]},
        encode_chunked=True,
    )
    response = connection.getresponse()
    reply = json.loads(response.read())
    connection.close()

    # then the Lambda got the whole body
    assert response.status == 200
    assert json.loads(reply["event"]["body"]) == {"name": "chunky"}
