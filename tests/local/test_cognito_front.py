"""The emulator's Cognito front (local/cognito_front.py) against a tiny fake upstream.

The fake stands in for moto's server: it records what reaches it and answers with a
body, status and headers the tests can check came back unchanged.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from cognito_api_construct.local.cognito_front import CognitoFront

PREFIX = "AWSCognitoIdentityProviderService."


class _Upstream(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.command, self.path, dict(self.headers.items()), body))
        payload = b'{"upstream": true}'
        self.send_response(418)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "req-1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST


@pytest.fixture
def upstream() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    _Upstream.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def front(upstream: ThreadingHTTPServer) -> Iterator[CognitoFront]:
    proxy = CognitoFront(f"http://127.0.0.1:{upstream.server_address[1]}")
    proxy.start()
    yield proxy
    proxy.stop()


def _send(
    front: CognitoFront, target: str, body: Any, path: str = "/"
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", front.server_address[1], timeout=10)
    try:
        headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
        connection.request("POST", path, json.dumps(body).encode(), headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _refresh(token: str, flow: str = "REFRESH_TOKEN_AUTH") -> dict[str, Any]:
    return {"AuthFlow": flow, "ClientId": "c", "AuthParameters": {"REFRESH_TOKEN": token}}


def test_other_calls_are_forwarded_unchanged(front: CognitoFront) -> None:
    # given an ordinary call
    # when it goes through the front
    status, headers, body = _send(front, PREFIX + "ListUsers", {"UserPoolId": "p"}, "/x?y=1")

    # then moto gets the method, path, headers and body; the caller gets moto's answer
    (method, path, sent, received) = _Upstream.seen[0]
    assert (method, path, json.loads(received)) == ("POST", "/x?y=1", {"UserPoolId": "p"})
    assert sent["X-Amz-Target"] == PREFIX + "ListUsers"
    assert (status, body, headers["x-amzn-requestid"]) == (418, b'{"upstream": true}', "req-1")


def test_revoke_token_is_answered_and_refreshing_with_that_token_is_refused(
    front: CognitoFront,
) -> None:
    # given a revoked refresh token
    revoked = _send(front, PREFIX + "RevokeToken", {"Token": "r-1", "ClientId": "c"})

    # when it, and another token, are used to refresh (both flow names)
    refused = [_send(front, PREFIX + "InitiateAuth", _refresh("r-1", f)) for f in
               ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")]  # fmt: skip
    other = _send(front, PREFIX + "InitiateAuth", _refresh("r-2"))

    # then the revocation is Cognito's 200 {}, moto never sees it, and only r-1 is refused
    assert (revoked[0], revoked[2]) == (200, b"{}")
    assert revoked[1]["content-type"] == "application/x-amz-json-1.1"
    for status, headers, body in refused:
        assert (status, headers["x-amzn-errortype"]) == (400, "NotAuthorizedException")
        assert json.loads(body) == {
            "__type": "NotAuthorizedException",
            "message": "Refresh Token has been revoked",
        }
    assert other[0] == 418
    assert [json.loads(seen[3]) for seen in _Upstream.seen] == [_refresh("r-2")]


def test_resend_confirmation_code_answers_the_same_for_anyone(front: CognitoFront) -> None:
    # given two usernames, one of which may not exist
    # when a new code is asked for each
    answers = [
        _send(front, PREFIX + "ResendConfirmationCode", {"ClientId": "c", "Username": name})
        for name in ("ada", "nobody")
    ]

    # then the same delivery details, and nothing reaches moto
    assert answers[0][2] == answers[1][2]
    assert answers[0][0] == 200
    assert json.loads(answers[0][2]) == {
        "CodeDeliveryDetails": {
            "Destination": "<masked>",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }
    }
    assert _Upstream.seen == []


def test_a_malformed_body_is_left_to_moto(front: CognitoFront) -> None:
    # given a RevokeToken whose body is not a JSON object
    # when it is sent
    status, _, _ = _send(front, PREFIX + "RevokeToken", ["not", "an", "object"])

    # then moto answers it
    assert status == 418
    assert len(_Upstream.seen) == 1


def test_stop_frees_the_port(upstream: ThreadingHTTPServer) -> None:
    # given a started front bound to loopback
    proxy = CognitoFront(f"http://127.0.0.1:{upstream.server_address[1]}")
    proxy.start()
    port = proxy.server_address[1]
    assert proxy.url == f"http://127.0.0.1:{port}"

    # when it is stopped (twice: idempotent)
    proxy.stop()
    proxy.stop()

    # then its port can be bound again
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_kept_alive_answers_do_not_stall(front: CognitoFront) -> None:
    # given one kept-alive connection, as the Lambdas' boto3 clients hold
    connection = http.client.HTTPConnection("127.0.0.1", front.server_address[1], timeout=10)
    headers = {"X-Amz-Target": PREFIX + "ResendConfirmationCode"}
    started = time.perf_counter()

    # when ten calls are made on it
    for _ in range(10):
        connection.request("POST", "/", b'{"ClientId": "c", "Username": "u"}', headers)
        assert connection.getresponse().read()
    elapsed = time.perf_counter() - started
    connection.close()

    # then none waits for a delayed ACK (Nagle: ~40 ms each, 0.4 s in all)
    assert elapsed < 0.3


class _QuirkyUpstream(BaseHTTPRequestHandler):
    """Answers every call as moto does for an unknown session or user: ResourceNotFound."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"__type": "ResourceNotFoundException", "message": "x"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-ErrorType", "ResourceNotFoundException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def quirky_front() -> Iterator[CognitoFront]:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _QuirkyUpstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    front = CognitoFront(f"http://127.0.0.1:{upstream.server_address[1]}")
    front.start()
    front.register_client("known", prevent_user_existence_errors=True)
    front.register_client("legacy", prevent_user_existence_errors=False)
    yield front
    front.stop()
    upstream.shutdown()
    upstream.server_close()


def _error(front: CognitoFront, action: str, body: dict[str, Any]) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", front.server_address[1], timeout=5)
    connection.request(
        "POST",
        "/",
        json.dumps(body),
        {"X-Amz-Target": PREFIX + action, "Content-Type": "application/x-amz-json-1.1"},
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer["__type"], response.getheader("x-amzn-ErrorType") or ""


@pytest.mark.parametrize(
    "action", ["RespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken"]
)
def test_an_unknown_session_is_not_authorized_as_cognito_says(
    quirky_front: CognitoFront, action: str
) -> None:
    """Cognito answers a bad or expired session with NotAuthorizedException ("Invalid session
    for the user."), never ResourceNotFoundException, which means a missing pool or client
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html#API_RespondToAuthChallenge_Errors)."""
    # when a call with a session moto does not know
    status, code, header = _error(
        quirky_front, action, {"ClientId": "known", "Session": "s" * 40, "UserCode": "123456"}
    )

    # then
    assert (status, code, header) == (400, "NotAuthorizedException", "NotAuthorizedException")


def test_an_unknown_client_stays_a_missing_resource(quirky_front: CognitoFront) -> None:
    """ResourceNotFoundException is right for an app client that does not exist."""
    status, code, _ = _error(
        quirky_front,
        "RespondToAuthChallenge",
        {"ClientId": "nobody-knows", "Session": "s" * 40},
    )
    assert (status, code) == (400, "ResourceNotFoundException")


@pytest.mark.parametrize(
    ("client", "expected"),
    [("known", "CodeMismatchException"), ("legacy", "UserNotFoundException")],
)
def test_confirm_forgot_password_for_an_unknown_user(
    quirky_front: CognitoFront, client: str, expected: str
) -> None:
    """With PreventUserExistenceErrors, ConfirmForgotPassword for an unknown user answers
    CodeMismatchException; without, UserNotFoundException
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html)."""
    status, code, _ = _error(
        quirky_front,
        "ConfirmForgotPassword",
        {"ClientId": client, "Username": "nobody", "ConfirmationCode": "1", "Password": "x"},
    )
    assert (status, code) == (400, expected)
