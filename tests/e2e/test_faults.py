"""Faults injected around the emulated API, and what a caller sees for each.

- Cognito throttles: a loopback fault proxy stands in for Cognito's endpoint (the auth
  Lambda's ``AWS_ENDPOINT_URL``) and answers every call as Cognito answers a throttled
  one (400, ``x-amzn-ErrorType: TooManyRequestsException``) -> 429 with Retry-After.
- Cognito unreachable: the endpoint is a closed port -> 503 ServiceUnavailable, a
  retryable client error, and no half-created user in the pool.
- The OpenAI-compatible service is slow -> 504, or fails -> 502, through /gpt.
A crashing Lambda worker (502, then the next request succeeds) is proven in
test_local_workers_e2e.py.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from werkzeug import Request, Response

from cognito_api_construct.client import CognitoApiClient, CognitoApiError
from cognito_api_construct.local import LocalApi

from .helpers import call, cognito, serve_gpt, sign_in

pytestmark = pytest.mark.slow

AUTH_FUNCTION = "AuthAuthFunction"  # the construct's auth Lambda, by logical-id prefix
UPSTREAM_TIMEOUT_SECONDS = "1"


class _Throttling(BaseHTTPRequestHandler):
    """Answers every Cognito call as Cognito answers a throttled one; counts them."""

    protocol_version = "HTTP/1.1"
    server: ThrottlingCognito

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        with self.server.lock:
            self.server.calls.append(target)
        code = self.server.error_code
        body = json.dumps({"__type": code, "message": "Rate exceeded"})
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-ErrorType", f"{code}:")
        self.send_header("x-amzn-RequestId", "throttled")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the bodies are credentials."""


class ThrottlingCognito(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Throttling)
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.error_code = "TooManyRequestsException"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def throttling_cognito() -> Iterator[ThrottlingCognito]:
    server = ThrottlingCognito()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture(scope="module")
def throttled_api(
    gpt_cdk_out: Path, upstream: Any, throttling_cognito: ThrottlingCognito
) -> Iterator[LocalApi]:
    """The example whose auth Lambda reaches a throttling Cognito; /gpt times out at 1 s."""
    env = {
        f"{AUTH_FUNCTION}.AWS_ENDPOINT_URL": throttling_cognito.url,
        "GptFunction.OPENAI_TIMEOUT_SECONDS": UPSTREAM_TIMEOUT_SECONDS,
    }
    with serve_gpt(gpt_cdk_out, upstream.url_for("/"), env) as api:
        yield api


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def unreachable_api(gpt_cdk_out: Path, upstream: Any) -> Iterator[LocalApi]:
    """The example whose auth Lambda's Cognito endpoint is a closed port."""
    env = {f"{AUTH_FUNCTION}.AWS_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}"}
    with serve_gpt(gpt_cdk_out, upstream.url_for("/"), env) as api:
        yield api


@pytest.mark.parametrize(
    "error_code",
    [
        # Cognito's documented throttling error.
        "TooManyRequestsException",
        # AWS's common throttling error, which every service may answer.
        "ThrottlingException",
    ],
)
def test_cognito_throttling_is_429_with_retry_after(
    throttled_api: LocalApi, throttling_cognito: ThrottlingCognito, error_code: str
) -> None:
    # given Cognito throttling every call
    throttling_cognito.error_code = error_code
    before = len(throttling_cognito.calls)

    # when a user signs in
    reply = call("POST", f"{throttled_api.url}auth", {"username": "ada", "password": "Pw-1!long"})
    with pytest.raises(CognitoApiError) as raised:
        CognitoApiClient(throttled_api.url).authenticate("ada", "Pw-1!long")

    # then 429 TooManyRequests with Retry-After, retryable for the client; the Lambda
    # retried within its budget (3 attempts each) before answering
    assert reply.status == 429
    assert reply.json()["error"] == "TooManyRequests"
    assert int(reply.headers["Retry-After"]) >= 1
    assert raised.value.status == 429
    assert raised.value.retryable
    assert raised.value.retry_after is not None
    assert throttling_cognito.calls[before:] == ["InitiateAuth"] * 6


def test_cognito_unreachable_is_503_retryable_and_creates_nobody(
    unreachable_api: LocalApi,
) -> None:
    # given an auth Lambda whose Cognito endpoint refuses connections
    client = CognitoApiClient(unreachable_api.url)

    # when a user signs up
    with pytest.raises(CognitoApiError) as raised:
        client.sign_up("halfway", "halfway@example.com", "Tmp-Half1!way")

    # then 503 ServiceUnavailable, retryable, and the pool has no such user
    assert raised.value.status == 503
    assert raised.value.error == "ServiceUnavailable"
    assert raised.value.retryable
    users = cognito(unreachable_api).list_users(UserPoolId=unreachable_api.user_pool_id)
    assert [u["Username"] for u in users["Users"] if u["Username"] == "halfway"] == []


@pytest.fixture(scope="module")
def id_token(throttled_api: LocalApi) -> str:
    # Straight to moto: this API's auth Lambda can only be throttled.
    tokens = sign_in(throttled_api, throttled_api.user_pool_id, throttled_api.client_id, "eve")
    return tokens["id"]


def test_a_slow_model_service_is_504(throttled_api: LocalApi, upstream: Any, id_token: str) -> None:
    # given a model service that answers only after the function's 1 s upstream timeout
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)  # released as soon as the test has its answer
        return Response("{}", content_type="application/json")

    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(slow)

    # when /gpt is called
    try:
        reply = call("POST", f"{throttled_api.url}gpt", {"message": "hi"}, {"Auth": id_token})
    finally:
        release.set()

    # then 504 UpstreamTimeout in the stable shape
    assert reply.status == 504
    assert reply.json()["error"] == "UpstreamTimeout"


def test_a_failing_model_service_is_502(
    throttled_api: LocalApi, upstream: Any, id_token: str
) -> None:
    # given a model service that answers 500
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {"error": {"message": "boom"}}, status=500
    )

    # when /gpt is called
    reply = call("POST", f"{throttled_api.url}gpt", {"message": "hi"}, {"Auth": id_token})

    # then 502 UpstreamError, without the upstream body
    assert reply.status == 502
    assert reply.json()["error"] == "UpstreamError"
    assert "boom" not in reply.body.decode()
