"""The /gpt handler against a loopback OpenAI-compatible server and moto's Secrets Manager."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws
from werkzeug import Request, Response

pytestmark = pytest.mark.usefixtures("upstream_env")

COMPLETIONS = "/v1/chat/completions"
PROMPT = "Summarise the plot of Hamlet in one line, please."
BODY_KEY = "sk-body-0123456789abcdef"
SECRET_KEY = "sk-secret-fedcba9876543210"


def completion(text: str, model: str = "test-model-mini-2026") -> dict[str, Any]:
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def decoded(response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    assert response["headers"]["Content-Type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def secrets() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="us-east-1")


@pytest.fixture
def key_secret(secrets: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function storing a secret and pointing OPENAI_API_KEY_SECRET at it."""

    def store(value: str, name: str = "gpt-app/openai-api-key") -> str:
        arn: str = secrets.create_secret(Name=name, SecretString=value)["ARN"]
        monkeypatch.setenv("OPENAI_API_KEY_SECRET", arn)
        return arn

    return store


def test_success_posts_the_message_and_returns_the_reply(
    gpt_handler, gpt_event, lambda_context, httpserver
):
    # given
    httpserver.expect_oneshot_request(
        COMPLETIONS,
        method="POST",
        headers={"Authorization": f"Bearer {BODY_KEY}", "Content-Type": "application/json"},
        json={"model": "test-model-mini", "messages": [{"role": "user", "content": PROMPT}]},
    ).respond_with_json(completion("A prince hesitates; everyone dies."))

    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    httpserver.check_assertions()
    assert (status, body) == (
        200,
        {"reply": "A prince hesitates; everyone dies.", "model": "test-model-mini-2026"},
    )


def test_base_url_ending_in_v1_is_not_doubled(
    gpt_handler, gpt_event, lambda_context, httpserver, monkeypatch
):
    # given
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1/"))
    httpserver.expect_oneshot_request(COMPLETIONS, method="POST").respond_with_json(
        completion("ok")
    )

    # when
    status, _ = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    httpserver.check_assertions()
    assert status == 200


@pytest.mark.parametrize(
    ("stored", "description"),
    [(SECRET_KEY, "raw"), (json.dumps({"api_key": SECRET_KEY}), "json")],
)
def test_key_comes_from_the_secret_when_the_body_has_none(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret, stored, description
):
    # given
    key_secret(stored)
    httpserver.expect_oneshot_request(
        COMPLETIONS, method="POST", headers={"Authorization": f"Bearer {SECRET_KEY}"}
    ).respond_with_json(completion(f"from a {description} secret"))

    # when
    status, body = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    httpserver.check_assertions()
    assert (status, body["reply"]) == (200, f"from a {description} secret")


def test_secret_is_read_once_per_warm_container(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret, secrets
):
    # given
    arn = key_secret(SECRET_KEY)
    httpserver.expect_request(COMPLETIONS, method="POST").respond_with_json(completion("1"))
    gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context)
    secrets.put_secret_value(SecretId=arn, SecretString="sk-changed-afterwards")

    # when
    gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context)

    # then
    sent = [request.headers["Authorization"] for request, _ in httpserver.log]
    assert sent == [f"Bearer {SECRET_KEY}", f"Bearer {SECRET_KEY}"]


def test_a_refused_secret_key_is_read_again_on_the_next_request(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret, secrets
):
    # given
    arn = key_secret(SECRET_KEY)
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_json({"error": {}}, status=401)
    first_status, _ = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))
    secrets.put_secret_value(SecretId=arn, SecretString="sk-rotated-key")
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_json(completion("fresh"))

    # when
    status, _ = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    assert (first_status, status) == (502, 200)
    assert httpserver.log[-1][0].headers["Authorization"] == "Bearer sk-rotated-key"


def test_key_in_the_body_wins_over_the_secret(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret
):
    # given
    key_secret(SECRET_KEY)
    httpserver.expect_oneshot_request(
        COMPLETIONS, headers={"Authorization": f"Bearer {BODY_KEY}"}
    ).respond_with_json(completion("body key"))

    # when
    status, _ = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    httpserver.check_assertions()
    assert status == 200


@pytest.mark.parametrize("stored", [json.dumps({"api_key": ""}), json.dumps({"other": "x"}), "   "])
def test_a_secret_without_a_key_is_503_not_configured(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret, stored
):
    # given
    key_secret(stored)

    # when
    status, body = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    assert (status, body["error"]) == (503, "UpstreamNotConfigured")
    assert "OPENAI_API_KEY_SECRET" in body["message"]
    assert httpserver.log == []


def test_no_key_and_no_secret_is_503_not_configured(
    gpt_handler, gpt_event, lambda_context, httpserver
):
    # when
    status, body = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    assert (status, body["error"]) == (503, "UpstreamNotConfigured")
    assert '"key"' in body["message"]
    assert httpserver.log == []


def test_a_missing_secret_is_503_not_configured(
    gpt_handler, gpt_event, lambda_context, secrets, monkeypatch
):
    # given
    monkeypatch.setenv("OPENAI_API_KEY_SECRET", "gpt-app/does-not-exist")

    # when
    status, body = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    assert (status, body["error"]) == (503, "UpstreamNotConfigured")


def test_secrets_manager_unreachable_is_503_service_unavailable(
    gpt_handler, gpt_event, lambda_context, httpserver, monkeypatch
):
    # given a Secrets Manager endpoint nothing listens on
    port = free_port()
    monkeypatch.setenv("OPENAI_API_KEY_SECRET", "gpt-app/openai-api-key")
    monkeypatch.setattr(
        gpt_handler,
        "_SECRET_KEYS",
        gpt_handler.SecretApiKeyCache(
            lambda: boto3.client(
                "secretsmanager",
                endpoint_url=f"http://127.0.0.1:{port}",
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
            )
        ),
    )

    # when
    status, body = decoded(gpt_handler.handler(gpt_event({"message": PROMPT}), lambda_context))

    # then
    assert (status, body["error"]) == (503, "ServiceUnavailable")
    assert httpserver.log == []


def test_upstream_http_error_is_502_without_the_upstream_body(
    gpt_handler, gpt_event, lambda_context, httpserver
):
    # given
    leak = f"upstream says: invalid key {BODY_KEY}"
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_json(
        {"error": {"message": leak}}, status=500
    )

    # when
    response = gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)

    # then
    status, body = decoded(response)
    assert (status, body["error"]) == (502, "UpstreamError")
    assert "500" in body["message"]
    assert BODY_KEY not in response["body"]
    assert "upstream says" not in response["body"]


@pytest.mark.parametrize(
    "answer",
    [
        "this is not json",
        json.dumps({"choices": []}),
        json.dumps({"choices": [{"message": {"content": None}}]}),
        json.dumps(["not", "an", "object"]),
    ],
)
def test_unparseable_upstream_answer_is_502(
    gpt_handler, gpt_event, lambda_context, httpserver, answer
):
    # given
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_data(
        answer, content_type="application/json"
    )

    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    assert (status, body["error"]) == (502, "UpstreamError")


def test_upstream_redirect_is_not_followed(gpt_handler, gpt_event, lambda_context, httpserver):
    # given
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_response(
        Response(status=307, headers={"Location": httpserver.url_for("/elsewhere")})
    )

    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    assert (status, body["error"]) == (502, "UpstreamError")
    assert [request.path for request, _ in httpserver.log] == [COMPLETIONS]


def test_upstream_timeout_is_504(gpt_handler, gpt_event, lambda_context, httpserver, monkeypatch):
    # given
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(timeout=5)
        return Response(json.dumps(completion("too late")), content_type="application/json")

    monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "0.2")
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_handler(slow)

    # when
    try:
        status, body = decoded(
            gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
        )
    finally:
        release.set()

    # then
    assert (status, body["error"]) == (504, "UpstreamTimeout")
    assert "0.2 seconds" in body["message"]


def test_unreachable_upstream_is_502(gpt_handler, gpt_event, lambda_context, monkeypatch):
    # given a port nothing listens on
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}")

    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    assert (status, body["error"]) == (502, "UpstreamError")
    assert "reached" in body["message"]


@pytest.mark.parametrize("base_url", ["file:///etc/passwd", "api.openai.com", "ftp://host/"])
def test_a_base_url_that_is_not_http_is_503_not_configured(
    gpt_handler, gpt_event, lambda_context, monkeypatch, base_url
):
    # given
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)

    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)
    )

    # then
    assert (status, body["error"]) == (503, "UpstreamNotConfigured")
    assert "OPENAI_BASE_URL" in body["message"]


def test_query_string_is_refused_before_anything_else(
    gpt_handler, gpt_event, lambda_context, httpserver
):
    # given
    event = gpt_event({"message": PROMPT}, query={"key": BODY_KEY})

    # when
    status, body = decoded(gpt_handler.handler(event, lambda_context))

    # then
    assert (status, body["error"]) == (400, "CredentialsInQueryString")
    assert "JSON body" in body["message"]
    assert httpserver.log == []


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_declared_as_json_is_415(gpt_handler, gpt_event, lambda_context, content_type):
    # when
    status, body = decoded(
        gpt_handler.handler(
            gpt_event({"message": PROMPT}, content_type=content_type), lambda_context
        )
    )

    # then
    assert (status, body["error"]) == (415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": 42}, "message"),
        ({"message": "x" * 8001}, "message"),
        ({"message": PROMPT, "key": ""}, "key"),
        ({"message": PROMPT, "key": "sk-with\nnewline"}, "key"),
        ({"message": PROMPT, "key": 7}, "key"),
        ({"message": PROMPT, "temperature": 2}, "temperature"),
        (["message"], "body"),
    ],
)
def test_invalid_body_is_400_naming_the_field(
    gpt_handler, gpt_event, lambda_context, httpserver, body, field
):
    # when
    status, answer = decoded(gpt_handler.handler(gpt_event(body), lambda_context))

    # then
    assert (status, answer["error"]) == (400, "InvalidRequestBody")
    assert answer["message"].startswith(f"{field}:")
    assert httpserver.log == []


def test_malformed_json_is_400(gpt_handler, gpt_event, lambda_context):
    # when
    status, body = decoded(
        gpt_handler.handler(gpt_event(raw_body='{"message": "unterminated'), lambda_context)
    )

    # then
    assert (status, body["error"]) == (400, "InvalidRequestBody")
    assert body["message"].startswith("body:")


def test_message_at_the_limit_and_base64_body_are_accepted(
    gpt_handler, gpt_event, lambda_context, httpserver
):
    # given
    longest = "é" * 8000
    httpserver.expect_oneshot_request(
        COMPLETIONS,
        json={"model": "test-model-mini", "messages": [{"role": "user", "content": longest}]},
    ).respond_with_json(completion("long"))

    # when
    status, _ = decoded(
        gpt_handler.handler(
            gpt_event({"message": longest, "key": BODY_KEY}, base64_encoded=True), lambda_context
        )
    )

    # then
    httpserver.check_assertions()
    assert status == 200


def test_log_line_has_username_status_and_ids_but_no_prompt_reply_or_key(
    gpt_handler, gpt_event, lambda_context, httpserver, key_secret, caplog
):
    # given the most verbose logging an operator could turn on
    key_secret(json.dumps({"api_key": SECRET_KEY}))
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_json(
        completion("The secret reply text")
    )
    caplog.set_level(logging.DEBUG)

    # when
    gpt_handler.handler(gpt_event({"message": PROMPT}, username="carol"), lambda_context)

    # then
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "gpt"]
    assert len(lines) == 1
    assert lines[0]["username"] == "carol"
    assert lines[0]["status"] == 200
    assert lines[0]["request_id"] == lambda_context.aws_request_id
    assert lines[0]["latency_ms"] >= 0
    for secret in (PROMPT, SECRET_KEY, "The secret reply text"):
        assert secret not in caplog.text


def test_error_log_line_has_the_code_but_not_the_body_key(
    gpt_handler, gpt_event, lambda_context, httpserver, caplog
):
    # given
    httpserver.expect_oneshot_request(COMPLETIONS).respond_with_json({}, status=429)
    caplog.set_level(logging.DEBUG)

    # when
    gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)

    # then
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "gpt"]
    assert (line["status"], line["error"], line["upstream_status"]) == (502, "UpstreamError", 429)
    assert BODY_KEY not in caplog.text
    assert PROMPT not in caplog.text


def test_unexpected_failure_is_500_with_the_request_id_and_no_details(
    gpt_handler, gpt_event, lambda_context, monkeypatch, caplog
):
    # given a bug whose message quotes the key
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom with {BODY_KEY}")

    monkeypatch.setattr(gpt_handler, "ask_chat_completion", broken)

    # when
    response = gpt_handler.handler(gpt_event({"message": PROMPT, "key": BODY_KEY}), lambda_context)

    # then
    status, body = decoded(response)
    assert (status, body["error"]) == (500, "InternalError")
    assert lambda_context.aws_request_id in body["message"]
    assert BODY_KEY not in response["body"]
    assert BODY_KEY not in caplog.text


@pytest.mark.parametrize("body", [{"message": ""}, {"nothing": 1}])
def test_every_answer_carries_the_cors_headers_of_an_allowed_origin(
    gpt_handler, gpt_event, lambda_context, monkeypatch, body
):
    # given the environment CognitoApi gives a route's function when cors is set
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com,https://admin.example.com")
    monkeypatch.setenv("CORS_ALLOW_CREDENTIALS", "false")
    monkeypatch.setenv("CORS_EXPOSE_HEADERS", "Retry-After")
    event = gpt_event(body)
    event["headers"]["origin"] = "https://admin.example.com"

    # when the route answers an error
    response = gpt_handler.handler(event, lambda_context)

    # then a page on that origin may read it
    assert response["statusCode"] == 400
    assert response["headers"]["Access-Control-Allow-Origin"] == "https://admin.example.com"
    assert response["headers"]["Vary"] == "Origin"
