"""The emulator's HTTP layer: werkzeug's server, hardened for bursts and bad input.

Both HTTP servers of the emulator (the gateway, and the embedded AWS services with
their Cognito front) are werkzeug WSGI servers built here. What this module owns:

- bursts: a listen backlog of 1024 (the standard library's default is 5, which makes
  the kernel reset connections that arrive faster than they are accepted) and one
  thread per connection; each answer closes its connection, as werkzeug's server does,
  with a lingering close, so an early answer is never lost to a reset;
- malformed HTTP: a bad request line, header, ``Content-Length`` or chunk size is
  answered ``400`` with a JSON body (``{"message": "Bad Request"}``) and one clean log
  line, never an HTML page, a traceback or a dropped connection;
- the request body, read once and bounded, with the reasons it cannot be read;
- ``Host`` checking: each server accepts only the host names it serves (loopback
  names with its port), which defeats DNS rebinding.

It knows nothing of API Gateway or Cognito.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

__all__ = [
    "RAW_HEADERS",
    "BodyError",
    "InFlight",
    "LocalServer",
    "allowed_hosts",
    "host_allowed",
    "json_response",
    "read_body",
    "reason_phrase",
]

_LOG = logging.getLogger(__name__)
#: Far above what a test suite, a page load or a retry storm opens at once; the kernel
#: caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024
#: How long, and how much, a closing connection still reads of what the client sends.
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 * 1024 * 1024
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: Addresses that bind every interface (a comparison, nothing is bound here).
_EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104
#: The environ key of the request's headers as received: names in their original case,
#: in order, repeated ones repeated (WSGI keeps none of that).
RAW_HEADERS = "cognito_api_local.raw_headers"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def json_response(
    start_response: Callable[..., Any],
    status: int,
    body: Any,
    headers: Iterable[tuple[str, str]] = (),
    *,
    reason: str = "",
) -> list[bytes]:
    """Answer a WSGI request with a JSON body (``body`` already bytes, or any JSON value)."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = [*headers]
    if not any(name.lower() == "content-type" for name, _ in all_headers):
        all_headers.append(("Content-Type", "application/json"))
    all_headers.append(("Content-Length", str(len(payload))))
    start_response(f"{status} {reason or reason_phrase(status)}", all_headers)
    return [payload]


def reason_phrase(status: int) -> str:
    """The reason phrase of an HTTP status."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


class BodyError(Exception):
    """The request body cannot be read; ``status`` says how to answer (400 or 413)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def read_body(environ: dict[str, Any], limit: int) -> bytes:
    """Read the whole request body, at most ``limit`` bytes.

    Raises:
        BodyError: a ``Content-Length`` that is not a number, both ``Content-Length``
            and chunked encoding (a request-smuggling shape), a transfer encoding other
            than chunked, a malformed chunk, a body cut short, or one over ``limit``.
    """
    length = environ.get("CONTENT_LENGTH", "")
    encoding = str(environ.get("HTTP_TRANSFER_ENCODING", "")).strip().lower()
    stream = environ["wsgi.input"]
    if encoding:
        if encoding != "chunked":
            raise BodyError(400, f"unsupported Transfer-Encoding {encoding[:32]!r}")
        if length:
            raise BodyError(400, "both Content-Length and Transfer-Encoding")
        data = _read_chunked(stream, limit)
    else:
        if length and (not length.isdigit() or len(length) > 19):
            raise BodyError(400, "malformed Content-Length")
        size = int(length or 0)
        if size > limit:
            raise BodyError(413, "body over the size limit")
        try:
            data = stream.read(size) if size else b""
        except (OSError, ValueError) as error:
            raise BodyError(400, f"unreadable body ({error})") from None
        if len(data) < size:
            raise BodyError(400, "body shorter than its Content-Length")
    if len(data) > limit:
        raise BodyError(413, "body over the size limit")
    return data


#: How much of a chunked body is read at a time (see :func:`_read_chunked`).
_CHUNKED_PIECE = 64 * 1024


def _read_chunked(stream: Any, limit: int) -> bytes:
    """A chunked body, at most ``limit + 1`` bytes, read through werkzeug's parser.

    Never ``stream.read(n)``: werkzeug's ``DechunkedInput`` (3.1.9) is a ``RawIOBase``,
    whose ``read`` passes a ``bytearray`` to ``readinto``; on a chunk cut short (a chunk
    size larger than what the client sends before it closes) ``readinto`` assigns the
    short read to a slice of that bytearray, which shrinks it, and still returns the
    full length, so CPython copies that many bytes out of the shrunken buffer: the
    process dies of a segmentation fault. A ``memoryview`` cannot change size: the
    same short read raises ``ValueError`` instead, which is the 400 it should be.
    """
    data = bytearray()
    piece = memoryview(bytearray(_CHUNKED_PIECE))
    while len(data) <= limit:
        try:
            count = stream.readinto(piece)
        except ValueError:
            raise BodyError(400, "malformed chunked body (a chunk cut short)") from None
        except OSError as error:
            raise BodyError(400, f"malformed chunked body ({error})") from None
        if not count:
            break
        data += piece[:count]
    return bytes(data)


def allowed_hosts(bind_host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values a server bound to ``bind_host:port`` answers.

    The loopback names with the port, always; a specific non-loopback address with the
    port too. A server bound to every address (``0.0.0.0``, ``::``) also answers any IP
    literal with its port (see :func:`host_allowed`), never a DNS name: a name is what
    DNS rebinding would use to reach it from a web page.
    """
    names = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if bind_host not in _EVERY_ADDRESS and bind_host not in LOOPBACK_NAMES:
        literal = f"[{bind_host}]" if ":" in bind_host else bind_host
        names.add(f"{literal}:{port}")
    return frozenset(names)


def host_allowed(host: str | None, allowed: frozenset[str], bind_host: str, port: int) -> bool:
    """Whether a request's ``Host`` header names this server."""
    value = (host or "").strip().lower()
    if value in allowed:
        return True
    if bind_host not in _EVERY_ADDRESS:
        return False
    name, _, host_port = value.rpartition(":")
    if host_port != str(port):
        return False
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class _Handler(WSGIRequestHandler):
    """werkzeug's handler: JSON for malformed HTTP, one clean line per problem, no noise."""

    server: LocalServer

    def make_environ(self) -> dict[str, Any]:
        """Werkzeug's environ, plus the headers as received (see :data:`RAW_HEADERS`)."""
        environ = super().make_environ()
        environ[RAW_HEADERS] = list(self.headers.items())
        return environ

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer what the HTTP parser refused with JSON, and close.

        Everything the parser refuses is the client's: a version it does not speak
        (``HTTP/2.0`` in a request line, the standard library's 505) is a 400 too.
        """
        if code >= 500:
            code = 400
        payload = json.dumps({"message": reason_phrase(code)}).encode()
        _LOG.info("%s: malformed HTTP request refused (%s %s)", self.server.label, code, message)
        if self.request_version == "HTTP/0.9":
            # An unparsable request line leaves the HTTP/0.9 default, which would send
            # the body without a status line; a client needs the status to see the 400.
            self.request_version = "HTTP/1.1"
        try:
            self.send_response(code, reason_phrase(code))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(payload)
        except OSError:
            pass  # the client is gone
        self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: the application logs each request it answers."""

    def log_error(self, format: str, *args: Any) -> None:
        """One line, never a traceback."""
        _LOG.info("%s: %s", self.server.label, format % args)


class LocalServer(ThreadedWSGIServer):
    """A threaded werkzeug server for one of the emulator's WSGI applications.

    Args:
        label: names the server in log lines (``gateway``, ``services``).
        app: the WSGI application.
        host: the address to bind.
        port: the port; 0 picks a free one.
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, label: str, app: WsgiApp, host: str, port: int) -> None:
        super().__init__(host, port, app, handler=_Handler)
        self.label = label
        self._thread: threading.Thread | None = None

    @property
    def bound_port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    def shutdown_request(self, request: Any) -> None:
        """Close a connection without resetting it: a lingering close.

        When the server answers before the client has sent everything (a refused
        ``Transfer-Encoding``, a body over the limit), closing a socket with unread
        data makes the kernel send a reset, and the client may lose the answer with
        it. So: stop sending, read what the client still sends (for at most
        :data:`LINGER_SECONDS` and :data:`LINGER_BYTES`), then close.
        """
        try:
            request.shutdown(socket.SHUT_WR)
            request.settimeout(LINGER_SECONDS)
            deadline = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES and time.monotonic() < deadline:
                chunk = request.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass  # the client is gone already
        self.close_request(request)

    def log(self, type: str, message: str, *args: Any) -> None:
        """Werkzeug's own messages (an application error) as one line, no traceback."""
        text = (message % args if args else message).strip().splitlines()
        _LOG.error("%s: %s", self.label, text[0] if text else type)

    def start(self) -> None:
        """Serve in a background (daemon) thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port. Idempotent."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()


@dataclass
class InFlight:
    """Counts requests being answered; beyond ``limit`` the application sheds load."""

    limit: int
    count: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def enter(self) -> bool:
        """Count one more request; False (not counted) when the limit is reached."""
        with self._lock:
            if self.count >= self.limit:
                return False
            self.count += 1
            return True

    def leave(self) -> None:
        """Count one request fewer."""
        with self._lock:
            self.count -= 1
