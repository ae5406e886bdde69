"""Raw HTTP fuzzing of the running emulator: unknown methods and malformed HTTP, 0 server errors.

schemathesis (test_schemathesis.py) sends well-formed HTTP the document describes; this
sends what it never would, over raw sockets to examples/gpt_app served by the emulator:
method tokens the template does not define (``TRACE``, ``CONNECT``, WebDAV, made up),
paths outside the stage, absolute-form and ``*`` targets, unknown HTTP versions, foreign
or missing ``Host`` names, lying or malformed ``Content-Length``, broken chunked bodies,
both lengths at once, odd and repeated headers, bodies of random bytes and deep JSON.

Every request is complete (the client half-closes after sending, so a body shorter than
its length ends), so every one must be answered: a status line, a status below 500, a
JSON body. Bounded by ``HTTP_FUZZ_EXAMPLES`` (default 150); ``make proof`` raises it and
reads the tally from ``HTTP_FUZZ_REPORT``.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognito_api_construct.local import LocalApi

pytestmark = pytest.mark.slow

MAX_EXAMPLES = int(os.environ.get("HTTP_FUZZ_EXAMPLES", "150"))
KNOWN_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
UNKNOWN_METHODS = ["TRACE", "CONNECT", "PROPFIND", "MKCOL", "LOCK", "FOO", "get", "P0ST"]
TOKEN = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~0123456789", min_size=1, max_size=12)
PATH_TEXT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-._~%/?=&{}", min_size=0, max_size=40)
HEADER_VALUE = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60
)


class Tally:
    """Answers by status, and what went wrong (the findings)."""

    def __init__(self) -> None:
        self.by_status: dict[str, int] = {}
        self.findings: list[str] = []

    def count(self, status: str) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    counted = Tally()
    yield counted
    summary = {
        "requests": sum(counted.by_status.values()),
        "by_status": dict(sorted(counted.by_status.items())),
        "server_errors": sum(v for k, v in counted.by_status.items() if k.startswith("5")),
        "findings": counted.findings[:20],
    }
    print(f"\nhttp fuzz: {json.dumps(summary)}")
    report = os.environ.get("HTTP_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(summary), encoding="utf-8")


@st.composite
def raw_requests(draw: st.DrawFn, stage: str, port: int) -> tuple[bytes, str]:
    """One complete HTTP/1.x request, likely malformed somewhere; and its method."""
    method = draw(
        st.one_of(st.sampled_from(KNOWN_METHODS), st.sampled_from(UNKNOWN_METHODS), TOKEN)
    )
    route = draw(st.sampled_from(["/auth", "/signup", "/challenge", "/gpt", "/refresh", ""]))
    target = draw(
        st.one_of(
            st.just(f"/{stage}{route}"),
            PATH_TEXT.map(lambda text: f"/{stage}/{text}"),
            PATH_TEXT.map(lambda text: f"/{text}"),
            st.just(f"http://127.0.0.1:{port}/{stage}{route}"),
            st.just("*"),
        )
    )
    version = draw(st.sampled_from(["HTTP/1.1"] * 6 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.x"]))
    host = draw(
        st.sampled_from(
            [f"127.0.0.1:{port}"] * 4 + [f"localhost:{port}", "evil.example", "127.0.0.1", None]
        )
    )
    body = draw(
        st.one_of(
            st.binary(max_size=200),
            st.just(b'{"username": "fuzz", "password": "Not-the-Passw0rd!"}'),
            st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
            st.just(b""),
        )
    )
    framing = draw(
        st.sampled_from(["length", "length", "none", "short", "bad-length", "chunked",
                         "bad-chunk", "both", "gzip"])
    )  # fmt: skip
    headers: list[tuple[str, str]] = []
    if host is not None:
        headers.append(("Host", host))
    if framing == "length":
        headers.append(("Content-Length", str(len(body))))
    elif framing == "short":
        headers.append(("Content-Length", str(len(body) + draw(st.integers(1, 100)))))
    elif framing == "bad-length":
        headers.append(("Content-Length", draw(st.sampled_from(["abc", "-1", "1e3", "9" * 25]))))
    elif framing in ("chunked", "bad-chunk", "both", "gzip"):
        headers.append(("Transfer-Encoding", "gzip" if framing == "gzip" else "chunked"))
        size = f"{len(body):x}" if framing != "bad-chunk" else draw(st.sampled_from(["zz", "-5"]))
        body = size.encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
        if framing == "both":
            headers.append(("Content-Length", "3"))
    headers.append(("Content-Type", draw(st.sampled_from(["application/json", "text/plain"]))))
    extra = draw(st.lists(st.tuples(TOKEN, HEADER_VALUE), max_size=4))
    headers += extra
    head = f"{method} {target} {version}\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
    return head.encode("latin-1") + b"\r\n" + body, method


def _exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        return b"".join(iter(lambda: connection.recv(65536), b""))


def test_every_raw_request_gets_a_json_answer_below_500(gpt_api: LocalApi, tally: Tally) -> None:
    stage, port = gpt_api.api.stage_name, gpt_api.port

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=os.environ.get("HTTP_FUZZ_REPORT") is None,
    )
    @given(raw_requests(stage, port))
    def one(request: tuple[bytes, str]) -> None:
        data, method = request
        try:
            answer = _exchange(port, data)
        except OSError as error:  # a reset: the answer, if any, was lost
            answer = f"connection error: {error}".encode()
        head, _, body = answer.partition(b"\r\n\r\n")
        line = head.split(b"\r\n")[0].decode("latin-1")
        parts = line.split(" ", 2)
        status = parts[1] if len(parts) > 1 and line.startswith("HTTP/1.") else "none"
        tally.count(status)
        problem = None
        if status == "none" or not status.isdigit():
            problem = f"no status line: {answer[:80]!r}"
        elif int(status) >= 500:
            problem = f"server error {line}"
        elif method != "HEAD" and int(status) != 204:
            try:
                json.loads(body)
            except ValueError:
                problem = f"{line}: body is not JSON: {body[:80]!r}"
        if problem is not None:
            tally.findings.append(f"{problem} for {data[:120]!r}")
        assert problem is None, f"{problem} for {data[:300]!r}"

    one()
