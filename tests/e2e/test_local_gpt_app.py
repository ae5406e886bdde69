"""The original new-user workflow of examples/gpt_app, through the emulator, over HTTP.

The app is synthesized once for the module (``python3 app.py`` as cdk.json says) and
served with its real auth runtime and gpt handler; the OpenAI-compatible service is a
loopback stand-in (pytest-httpserver) named with ``--env``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug import Request, Response

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.cli import banner

from .conftest import API_KEY
from .helpers import call

pytestmark = pytest.mark.slow


def _chat_completion(request: Request) -> Response:
    prompt = request.get_json()["messages"][0]["content"]
    document = {
        "model": "stand-in",
        "choices": [{"message": {"role": "assistant", "content": f"echo: {prompt}"}}],
    }
    return Response(json.dumps(document), content_type="application/json")


def test_new_user_workflow_reaches_gpt_with_the_id_token(gpt_api: LocalApi, upstream: Any) -> None:
    # given the stand-in model service
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        _chat_completion
    )
    url = gpt_api.url

    # when a new user signs up, authenticates, answers NEW_PASSWORD_REQUIRED, calls /gpt
    signup = call(
        "POST",
        f"{url}signup",
        {"username": "grace", "email": "grace@example.com", "temporary_password": "Tmp-Pass1!word"},
    )
    auth = call("POST", f"{url}auth", {"username": "grace", "password": "Tmp-Pass1!word"})
    challenge = auth.json()
    tokens = call(
        "POST",
        f"{url}challenge",
        {
            "challenge_name": challenge["challenge_name"],
            "session": challenge["session"],
            "challenge_responses": {"USERNAME": "grace", "NEW_PASSWORD": "N3w-Pass!word-long"},
        },
    )
    gpt = call(
        "POST",
        f"{url}gpt",
        {"message": "hello model", "key": API_KEY},
        {"Auth": tokens.json()["id_token"]},
    )

    # then every step answered as the contract says, and the key went upstream in a header
    assert signup.status == 201
    assert signup.json() == {"username": "grace", "user_status": "FORCE_CHANGE_PASSWORD"}
    assert auth.status == 200
    assert challenge["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    assert tokens.status == 200
    assert set(tokens.json()) >= {"id_token", "access_token", "refresh_token"}
    assert gpt.status == 200
    assert gpt.json() == {"reply": "echo: hello model", "model": "stand-in"}
    (request, _), *_ = upstream.log
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in request.url


def test_gpt_without_a_token_is_refused_before_the_lambda(gpt_api: LocalApi, upstream: Any) -> None:
    # given the stand-in model service, cleared
    upstream.clear()

    # when /gpt is called without the Auth header
    reply = call("POST", f"{gpt_api.url}gpt", {"message": "hello", "key": API_KEY})

    # then the authorizer refuses it and nothing reaches the model service
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert upstream.log == []


def test_auth_body_violating_the_model_gets_the_constructs_error_shape(gpt_api: LocalApi) -> None:
    # given a body with an unknown field, refused by the /auth request model
    # when it is posted
    reply = call("POST", f"{gpt_api.url}auth", {"username": "grace", "password": "x", "extra": 1})

    # then the construct's BAD_REQUEST_BODY gateway response answers
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidRequestBody"


def test_banner_lists_routes_ids_and_a_curl_with_a_json_body(gpt_api: LocalApi) -> None:
    # given the served example app
    # when the command's banner is built
    text = banner(gpt_api)

    # then it names each route's guard, the ids, and a curl sending credentials in the body
    assert f"POST    {gpt_api.url}gpt  (protected)" in text
    assert f"POST    {gpt_api.url}signup  (public)" in text
    assert f"User pool: {gpt_api.user_pool_id}" in text
    assert f"App client: {gpt_api.client_id}" in text
    curl = next(line for line in text.splitlines() if "curl" in line)
    assert f"-X POST {gpt_api.url}auth " in curl
    assert '-d \'{"username": ' in curl
    assert "password" not in curl.split(" -H ")[0]
