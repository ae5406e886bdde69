"""Log hygiene: every line a full workflow logs, from every part, holds no credential.

The example app runs with ``LOG_LEVEL=DEBUG`` on both functions (operators may set it)
and a log sink: the workers' output (auth Lambda, gpt Lambda) goes to the sink, the
gateway's and the emulator's ``logging`` records too, and whatever reaches the test
process's file descriptors (moto's server included) is captured with ``capfd``. Then
no password, session, token, refresh token or API key used along the way may appear
in any line.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.client import Challenge, CognitoApiClient, CognitoApiError, Tokens

from .helpers import GPT_API_KEY, call, chat_completion, serve_gpt

pytestmark = pytest.mark.slow

TEMPORARY_PASSWORD = "Tmp-Hyg1ene!word"
NEW_PASSWORD = "N3w-Hyg1ene!word-long"
WRONG_PASSWORD = "Wr0ng-Hyg1ene!word"
BODY_API_KEY = "sk-body-key-never-logged-0987654321"


class LogSink(io.StringIO):
    """A thread-safe text sink whose readers can wait for a line to arrive."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def write(self, text: str) -> int:
        with self._changed:
            written = super().write(text)
            self._changed.notify_all()
        return written

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: condition(self.getvalue()), timeout)


class _SinkHandler(logging.Handler):
    def __init__(self, sink: LogSink) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.write(f"[{record.name}] {self.format(record)}\n")


@pytest.fixture
def sink() -> Iterator[LogSink]:
    sink = LogSink()
    handler = _SinkHandler(sink)
    logger = logging.getLogger("cognito_api_construct")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield sink
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_no_credential_appears_in_any_log_line(
    gpt_cdk_out: Path, upstream: Any, sink: LogSink, capfd: pytest.CaptureFixture[str]
) -> None:
    # given the example at DEBUG, its logs in the sink, the stand-in model service
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        chat_completion
    )
    env = {"*.LOG_LEVEL": "DEBUG"}
    secrets: list[str] = [TEMPORARY_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, BODY_API_KEY]
    with serve_gpt(gpt_cdk_out, upstream.url_for("/"), env, log_stream=sink) as api:
        secrets.append(GPT_API_KEY)
        client = CognitoApiClient(api.url, token_header="Auth")

        # when a user walks the whole workflow, with the failures a user meets on the way
        client.sign_up("hygiene", "hygiene@example.com", TEMPORARY_PASSWORD)
        with pytest.raises(CognitoApiError):
            client.authenticate("hygiene", WRONG_PASSWORD)
        challenge = client.authenticate("hygiene", TEMPORARY_PASSWORD)
        assert isinstance(challenge, Challenge)
        secrets.append(challenge.session)
        bad_session = call(
            "POST",
            f"{api.url}challenge",
            {
                "challenge_name": "NEW_PASSWORD_REQUIRED",
                "session": challenge.session[::-1],
                "challenge_responses": {"USERNAME": "hygiene", "NEW_PASSWORD": NEW_PASSWORD},
            },
        )
        tokens = client.respond_to_challenge(
            challenge,
            {"USERNAME": "hygiene", "NEW_PASSWORD": NEW_PASSWORD},
        )
        assert isinstance(tokens, Tokens)
        secrets += [tokens.id_token, tokens.access_token, tokens.refresh_token or ""]
        secrets.append(challenge.session[::-1])
        client.request("POST", "/gpt", json={"message": "from the secret"})
        client.request("POST", "/gpt", json={"message": "from the body", "key": BODY_API_KEY})
        refused = call(
            "POST",
            f"{api.url}gpt",
            {"message": "x"},
            {"Auth": tokens.access_token},
        )
        tampered = call(
            "POST",
            f"{api.url}gpt",
            {"message": "x"},
            {"Auth": tokens.id_token[:-4] + "AAAA"},
        )
        # Each function logs one line per request; the last ones may still be in transit.
        arrived = sink.wait_for(
            # auth Lambda: signup, 2 x auth, 2 x challenge; gpt Lambda: 2 calls
            lambda text: text.count('{"route":"/') >= 5 and text.count('"route": "/gpt"') >= 2
        )
    captured = capfd.readouterr()
    lines = (sink.getvalue() + captured.out + captured.err).splitlines()

    # then every part logged, and no line holds any credential (nor a fragment of a token)
    assert arrived, sink.getvalue()
    assert bad_session.status == 401
    assert refused.status == 401
    assert tampered.status == 401
    assert any("[cognito_api_construct.local.gateway] POST /prod/gpt 200" in x for x in lines)
    assert any(x.startswith("[AuthAuthFunction") for x in lines)
    assert any(x.startswith("[GptFunction") for x in lines)
    fragments = [s for s in secrets if s] + [
        part for token in (tokens.id_token, tokens.access_token) for part in token.split(".")[1:]
    ]
    leaks = [(line, fragment[:12]) for line in lines for fragment in fragments if fragment in line]
    assert leaks == []
