"""The Python client against examples/gpt_app served by the emulator, over real HTTP."""

from __future__ import annotations

import json
import socket
import uuid
from typing import Any

import pytest
from werkzeug import Request, Response

from cognito_api_construct.client import (
    Challenge,
    CognitoApiClient,
    CognitoApiError,
    SignUpResult,
    Tokens,
)
from cognito_api_construct.local import LocalApi

pytestmark = pytest.mark.slow

TEMPORARY = "Tmp-Pass1!word"
PERMANENT = "N3w-Pass!word-long"


def _new_username() -> str:
    return f"client-{uuid.uuid4().hex[:8]}"


def _echo(request: Request) -> Response:
    prompt = request.get_json()["messages"][0]["content"]
    document = {"model": "stand-in", "choices": [{"message": {"content": f"echo: {prompt}"}}]}
    return Response(json.dumps(document), content_type="application/json")


@pytest.fixture
def client(gpt_api: LocalApi) -> CognitoApiClient:
    return CognitoApiClient(gpt_api.url, token_header="Auth")


def test_the_original_workflow_step_by_step(client: CognitoApiClient, upstream: Any) -> None:
    # given a new user and the stand-in model service
    username = _new_username()
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(_echo)

    # when the user signs up, authenticates, answers the challenge and calls /gpt
    created = client.sign_up(username, f"{username}@example.com", TEMPORARY)
    step = client.authenticate(username, TEMPORARY)
    assert isinstance(step, Challenge)
    tokens = client.respond_to_challenge(step, {"USERNAME": username, "NEW_PASSWORD": PERMANENT})
    reply = client.request("POST", "/gpt", json={"message": "hi", "key": "sk-test"})

    # then each call returned the typed result, and /gpt got the id token
    assert created == SignUpResult(username=username, user_status="FORCE_CHANGE_PASSWORD")
    assert step.name == "NEW_PASSWORD_REQUIRED"
    assert isinstance(tokens, Tokens)
    assert client.tokens == tokens
    assert tokens.token_type == "Bearer"
    assert tokens.expires_in > 0
    assert reply == {"reply": "echo: hi", "model": "stand-in"}


def test_complete_new_password_is_the_whole_challenge_in_one_call(
    client: CognitoApiClient,
) -> None:
    # given a user created with a temporary password
    username = _new_username()
    client.sign_up(username, f"{username}@example.com", TEMPORARY)

    # when the one-call helper runs, then the next sign-in uses the new password
    tokens = client.complete_new_password(username, TEMPORARY, PERMANENT)
    again = client.authenticate(username, PERMANENT)

    # then
    assert isinstance(tokens, Tokens)
    assert isinstance(again, Tokens)


def test_errors_carry_status_code_and_message(client: CognitoApiClient) -> None:
    # given an existing user
    username = _new_username()
    client.sign_up(username, f"{username}@example.com", TEMPORARY)

    # when the API refuses: a wrong password, a duplicate sign-up, a body the model refuses
    with pytest.raises(CognitoApiError) as wrong_password:
        client.authenticate(username, "Wrong-Pass1!word")
    with pytest.raises(CognitoApiError) as unknown_user:
        client.authenticate(_new_username(), "Wrong-Pass1!word")
    with pytest.raises(CognitoApiError) as duplicate:
        client.sign_up(username, f"{username}@example.com", TEMPORARY)
    with pytest.raises(CognitoApiError) as invalid:
        client.sign_up(username, "not-an-email", TEMPORARY)

    # then one exception type carries the contract's status and code
    assert (wrong_password.value.status, wrong_password.value.error) == (401, "NotAuthorized")
    assert (unknown_user.value.status, unknown_user.value.message) == (
        401,
        wrong_password.value.message,
    )
    assert (duplicate.value.status, duplicate.value.error) == (409, "UserExists")
    assert (invalid.value.status, invalid.value.error) == (400, "InvalidRequestBody")
    assert not wrong_password.value.retryable


def test_protected_route_without_signing_in_raises_the_authorizers_401(
    client: CognitoApiClient,
) -> None:
    # given a client that never signed in
    # when it calls the protected route
    with pytest.raises(CognitoApiError) as refused:
        client.request("POST", "/gpt", json={"message": "hi"})

    # then the gateway's own 401 comes back as the same exception type
    assert refused.value.status == 401
    assert refused.value.error == "Unauthorized"


def test_an_unreachable_api_is_a_retryable_connection_error() -> None:
    # given a port nothing listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CognitoApiClient(f"http://127.0.0.1:{port}/prod", timeout=2)

    # when
    with pytest.raises(CognitoApiError) as failure:
        client.authenticate("ada", "whatever")

    # then
    assert failure.value.status == 0
    assert failure.value.error == "ConnectionError"
    assert failure.value.retryable


def test_tokens_and_sessions_never_show_in_reprs() -> None:
    # given tokens and a challenge holding secrets
    tokens = Tokens("id.secret", "access.secret", "refresh.secret", 3600, "Bearer")
    challenge = Challenge("NEW_PASSWORD_REQUIRED", "session-secret", {})

    # when they are printed, e.g. in a log or a traceback
    shown = repr(tokens) + repr(challenge)

    # then no secret appears
    assert "secret" not in shown
