"""What a hostile or broken client sends the running emulator: always a clean 4xx.

Unknown methods, malformed HTTP, a foreign ``Host`` (DNS rebinding), pathological JSON
and tokens, over real sockets to the gateway and to the embedded AWS services. None
gets a 5xx, a traceback, an HTML page or a dropped connection.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import jwt
import pytest

from cognito_api_construct.local import LocalApi

from .helpers import call, moto_signing_key


def exchange(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """``data`` sent raw to ``port``; the answer's status, headers and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), headers, body


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO", "PATCH"])
@pytest.mark.parametrize("path", ["/dev/items", "/dev/nowhere"])
def test_a_method_the_template_does_not_define_is_api_gateways_json_403(
    tiny_api: LocalApi, method: str, path: str
) -> None:
    """API Gateway answers a method or path the API does not define with the
    ``MISSING_AUTHENTICATION_TOKEN`` gateway response, 403 ``{"message": "Missing
    Authentication Token"}``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
    The emulator's HTTP server used to answer TRACE and CONNECT with an HTML 501.
    """
    status, headers, body = exchange(
        tiny_api.port,
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{tiny_api.port}\r\n\r\n".encode(),
    )
    assert status == 403
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ("Content-Length: abc\r\n", b"{}", "malformed Content-Length"),
        ("Content-Length: 99999999999999999999999\r\n", b"{}", "malformed Content-Length"),
        ("Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n", "malformed chunked body"),
        ("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", b"2\r\n{}\r\n0\r\n\r\n", "both"),
        ("Content-Length: 10\r\n", b"{}", "shorter than"),
    ],
    ids=["length-not-a-number", "length-overflow", "chunk-size", "both-lengths", "cut-short"],
)
def test_malformed_http_gets_a_400_and_one_clean_log_line(
    tiny_api: LocalApi,
    headers: str,
    body: bytes,
    reason: str,
    caplog: pytest.LogCaptureFixture,
    invocations: Any,
) -> None:
    """A body whose length cannot be trusted is refused before anything runs: 400
    ``{"message": "Bad Request"}``, one log line naming why, no traceback (it used to
    drop the connection with one). Refusing both ``Content-Length`` and chunked encoding
    is RFC 9112's advice against request smuggling (section 6.3).
    """
    caplog.set_level(logging.INFO, logger="cognito_api_construct.local")
    request = f"POST /dev/public/bob HTTP/1.1\r\nHost: 127.0.0.1:{tiny_api.port}\r\n{headers}\r\n"
    if reason == "shorter than":
        with socket.create_connection(("127.0.0.1", tiny_api.port), timeout=30) as connection:
            connection.sendall(request.encode() + body)
            connection.shutdown(socket.SHUT_WR)  # the rest of the body never comes
            answer = b"".join(iter(lambda: connection.recv(65536), b""))
        status, answer_body = int(answer.split(b" ")[1]), answer.partition(b"\r\n\r\n")[2]
    else:
        status, _, answer_body = exchange(tiny_api.port, request.encode() + body)
    assert status == 400
    assert json.loads(answer_body) == {"message": "Bad Request"}
    refused = [r.getMessage() for r in caplog.records if "request refused" in r.getMessage()]
    assert len(refused) == 1
    assert reason in refused[0]
    assert "Traceback" not in caplog.text
    assert invocations() == 0


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "10.1.2.3"])
def test_a_foreign_host_is_refused_by_the_gateway(
    tiny_api: LocalApi, host: str, invocations: Any
) -> None:
    """DNS rebinding: a page on a name that resolves to 127.0.0.1 reaches the emulator
    with its own name in ``Host``. Only the loopback names with the port are served.
    """
    status, _, body = exchange(
        tiny_api.port,
        f"GET /dev/public/bob HTTP/1.1\r\nHost: {host}:{tiny_api.port}\r\n\r\n".encode(),
    )
    assert status == 403
    assert "host" in json.loads(body)["message"].lower()
    assert invocations() == 0
    assert call("GET", f"http://localhost:{tiny_api.port}/dev/public/bob").status == 200


def test_deeply_nested_json_is_a_bad_request_body(
    tiny_api: LocalApi, tokens: dict[str, str], invocations: Any
) -> None:
    """JSON nested deeper than the parser recurses (it was a 500) is a body the model
    refuses: the template's ``BAD_REQUEST_BODY`` 400, and the Lambda never runs.
    """
    nested = b"[" * 100_000 + b"]" * 100_000
    reply = call("POST", f"{tiny_api.url}items", headers={"X-Token": tokens["id"]}, raw=nested)
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidRequestBody"
    assert invocations() == 0


@pytest.mark.parametrize("exp", [1e20, 10**30])
def test_a_token_whose_exp_is_past_the_calendar_is_passed_on_as_written(
    tiny_api: LocalApi, tokens: dict[str, str], exp: Any
) -> None:
    """A signed token with an ``exp`` of 1e20 is not expired: it is accepted, and the
    claims the function sees carry that ``exp`` as written (formatting it as a date
    overflowed into a 500).
    """
    claims = jwt.decode(tokens["id"], options={"verify_signature": False})
    claims["exp"] = exp
    reply = call("POST", f"{tiny_api.url}items", {"name": "x"}, {"X-Token": _signed(claims)})
    assert reply.status == 200
    passed = reply.json()["event"]["requestContext"]["authorizer"]["claims"]
    assert passed["sub"] == claims["sub"]
    assert float(passed["exp"]) == float(exp)


@pytest.mark.parametrize(
    "changes",
    [{"exp": "tomorrow"}, {"exp": None}, {"exp": float("nan")}, {"iat": 10**30}],
    ids=["exp-text", "no-exp", "exp-nan", "iat-future"],
)
def test_a_token_with_unusable_times_is_unauthorized(
    tiny_api: LocalApi, tokens: dict[str, str], changes: dict[str, Any], invocations: Any
) -> None:
    """A signed token without a numeric ``exp``, or issued in the future, gets the
    authorizer's 401 and the Lambda never runs.
    """
    claims = jwt.decode(tokens["id"], options={"verify_signature": False})
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    reply = call("POST", f"{tiny_api.url}items", {"name": "x"}, {"X-Token": _signed(claims)})
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert invocations() == 0


def _signed(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})


def services_port(api: LocalApi) -> int:
    return int(api.services_url.rsplit(":", 1)[1].rstrip("/"))


@pytest.mark.parametrize(
    "browser_header",
    ["Origin: http://evil.example", "Origin: null", "Sec-Fetch-Mode: no-cors"],
)
def test_the_embedded_services_refuse_anything_a_browser_sends(
    tiny_api: LocalApi, browser_header: str
) -> None:
    """No web page may read the emulated Secrets Manager or call moto's admin APIs: a
    request with an ``Origin`` (or fetch metadata) is refused, preflights included, and
    no answer carries ``Access-Control-Allow-Origin`` (moto's global CORS is off).
    """
    port = services_port(tiny_api)
    target = "X-Amz-Target: secretsmanager.ListSecrets\r\n"
    for method, extra in (("POST", target), ("OPTIONS", "Access-Control-Request-Method: POST\r\n")):
        status, headers, body = exchange(
            port,
            (
                f"{method} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{browser_header}\r\n{extra}"
                "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"
            ).encode(),
        )
        assert status == 403
        assert b"SecretList" not in body
        assert not any(name.lower().startswith("access-control") for name in headers)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /\r\n",
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    ],
    ids=["HTTP/0.9", "differing lengths"],
)
def test_the_embedded_services_refuse_malformed_http_in_the_json_protocols_shape(
    tiny_api: LocalApi, request_bytes: bytes
) -> None:
    """An SDK reads an AWS JSON 1.1 error from ``__type``
    (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization):
    even the port's HTTP-level refusals carry one, as its other errors do."""
    port = services_port(tiny_api)
    status, headers, body = exchange(
        port, request_bytes.replace(b"Host: h", f"Host: 127.0.0.1:{port}".encode())
    )
    assert status == 400
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"__type": "BadRequestException", "message": "Bad Request"}


def test_the_embedded_services_refuse_a_foreign_host(tiny_api: LocalApi) -> None:
    """The services check ``Host`` like the gateway (DNS rebinding)."""
    port = services_port(tiny_api)
    request = (
        "POST / HTTP/1.1\r\nHost: rebind.example:{port}\r\n"
        "X-Amz-Target: secretsmanager.ListSecrets\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/secretsmanager/"
        "aws4_request, SignedHeaders=host, Signature=0\r\n"
        "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    status, _, body = exchange(port, request.format(port=port).encode())
    assert status == 403
    assert b"SecretList" not in body
    status, _, body = exchange(
        port, request.replace("rebind.example", "127.0.0.1").format(port=port).encode()
    )
    assert status == 200
    assert b"SecretList" in body


def test_past_its_in_flight_limit_the_gateway_sheds_load_with_api_gateways_429(
    tiny_api: LocalApi, invocations: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When more requests are in flight than the emulator takes on, it answers the
    ``THROTTLED`` gateway response, 429 ``{"message": "Too Many Requests"}``, as a
    throttled stage does
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html),
    never a reset or a hang; and it counts the shed request out again.
    """
    server = tiny_api._server
    assert server is not None
    monkeypatch.setattr(server._in_flight, "limit", 0)
    reply = call("GET", f"{tiny_api.url}public/bob")
    assert reply.status == 429
    assert reply.json() == {"message": "Too Many Requests"}
    assert reply.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert invocations() == 0
    monkeypatch.undo()
    assert server._in_flight.count == 0
    assert call("GET", f"{tiny_api.url}public/bob").status == 200


def test_the_gateway_never_logs_a_query_string(
    tiny_api: LocalApi, caplog: pytest.LogCaptureFixture
) -> None:
    """The gateway's log gives method, path, status and latency, never a query string,
    which may hold credentials (OWASP Logging Cheat Sheet, "Data to exclude"; RFC 9110,
    section 17.9): not for a request answered, a foreign ``Host``, a refused body, a
    malformed request line or an HTTP/0.9 one.
    """
    caplog.set_level(logging.DEBUG)
    secret = "Hunter2-SECRET-1"
    host = f"Host: 127.0.0.1:{tiny_api.port}\r\n"
    requests = [
        f"GET /dev/public/bob?password={secret} HTTP/1.1\r\n{host}\r\n",
        f"GET /dev/public/bob?password={secret} HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        f"POST /dev/public/bob?password={secret} HTTP/1.1\r\n{host}Content-Length: x\r\n\r\n",
        f"GET /v2/auth?password={secret} extra HTTP/1.1\r\n{host}\r\n",
        f"GET /dev/public/bob?password={secret}\r\n",
    ]
    statuses = [exchange(tiny_api.port, request.encode())[0] for request in requests]
    assert statuses == [200, 403, 400, 400, 400]
    assert "/dev/public/bob" in caplog.text
    assert secret not in caplog.text
    assert "password=" not in caplog.text
