"""Machine clients: client-credentials tokens fetched, sent and renewed by the client.

OAuth 2.0's client credentials grant (RFC 6749 section 4.4) as Cognito's token endpoint
serves it (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html):
``POST`` form-encoded ``grant_type=client_credentials`` (and ``scope``), the client's id
and secret in HTTP Basic; the answer's ``access_token`` goes in the API's token header.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from cognito_api_construct.client import CognitoApiClient, CognitoApiError

SECRET = "machine-secret-never-elsewhere"


class Recorder:
    """A loopback token endpoint and API in one server, recording what reaches them."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.issued = 0
        self.lifetime = 3600
        self.token_status = 200

    def serve(self) -> Iterator[str]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                recorder.requests.append(
                    {"method": self.command, "path": self.path,
                     "headers": dict(self.headers.items()), "body": body}
                )  # fmt: skip
                if self.path == "/oauth2/token":
                    recorder.issued += 1
                    status = recorder.token_status
                    payload: dict[str, Any] = (
                        {"access_token": f"machine-token-{recorder.issued}",
                         "expires_in": recorder.lifetime, "token_type": "Bearer"}
                        if status == 200 else {"error": "invalid_client"}
                    )  # fmt: skip
                else:
                    status, payload = 200, {"ok": True}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def base(recorder: Recorder) -> Iterator[str]:
    yield from recorder.serve()


def test_the_token_is_fetched_with_basic_auth_and_sent_on_requests(
    recorder: Recorder, base: str
) -> None:
    # given a machine client
    client = CognitoApiClient.for_machine(
        f"{base}/oauth2/token", "machine-id", SECRET, base_url=f"{base}/prod",
        scopes=["api/reports.read", "api/reports.write"], token_header="Auth",
    )  # fmt: skip

    # when it calls the API twice
    client.request("GET", "/v1/reports")
    client.request("POST", "/v1/reports", json={"n": 1})

    # then one token was fetched as Cognito's endpoint takes it, and sent both times
    token_calls = [r for r in recorder.requests if r["path"] == "/oauth2/token"]
    (fetch,) = token_calls
    assert fetch["method"] == "POST"
    assert fetch["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(f"machine-id:{SECRET}".encode()).decode()
    assert fetch["headers"]["Authorization"] == f"Basic {expected}"
    assert parse_qs(fetch["body"]) == {
        "grant_type": ["client_credentials"],
        "scope": ["api/reports.read api/reports.write"],
    }
    calls = [r for r in recorder.requests if r["path"].startswith("/prod/")]
    assert [c["headers"]["Auth"] for c in calls] == ["machine-token-1"] * 2
    # the secret went to the token endpoint only
    assert all(SECRET not in json.dumps(c) for c in calls)


def test_a_token_about_to_expire_is_renewed(recorder: Recorder, base: str) -> None:
    # given tokens that live 30 s (less than the minute the client keeps in reserve)
    recorder.lifetime = 30
    client = CognitoApiClient.for_machine(
        f"{base}/oauth2/token", "machine-id", SECRET, base_url=f"{base}/prod"
    )

    # when it calls twice
    client.request("GET", "/a")
    client.request("GET", "/b")

    # then each call got a fresh token; without scopes the endpoint picks the client's
    assert recorder.issued == 2
    fetch = next(r for r in recorder.requests if r["path"] == "/oauth2/token")
    assert parse_qs(fetch["body"]) == {"grant_type": ["client_credentials"]}


def test_a_refused_client_is_a_clear_error(recorder: Recorder, base: str) -> None:
    recorder.token_status = 400
    client = CognitoApiClient.for_machine(
        f"{base}/oauth2/token", "machine-id", "wrong", base_url=f"{base}/prod"
    )
    with pytest.raises(CognitoApiError) as refused:
        client.request("GET", "/a")
    assert (refused.value.status, refused.value.error) == (400, "invalid_client")
    assert not [r for r in recorder.requests if r["path"].startswith("/prod/")]


def test_the_token_endpoint_must_be_https_off_loopback() -> None:
    with pytest.raises(ValueError, match="https"):
        CognitoApiClient.for_machine(
            "http://auth.example.com/oauth2/token", "id", SECRET,
            base_url="https://api.example.com/prod",
        )  # fmt: skip


def test_the_secret_is_not_in_the_repr(base: str) -> None:
    client = CognitoApiClient.for_machine(
        f"{base}/oauth2/token", "machine-id", SECRET, base_url=f"{base}/prod"
    )
    assert SECRET not in repr(client.machine)
    assert SECRET not in repr(vars(client))
