"""The emulator's HTTP layer: werkzeug's server, hardened for bursts and bad input.

Both HTTP servers of the emulator (the gateway, and the embedded AWS services with
their Cognito front) are werkzeug WSGI servers built here. What this module owns:

- bursts: a listen backlog of 1024 (the standard library's default is 5, which makes
  the kernel reset connections that arrive faster than they are accepted) and one
  thread per connection, at most :data:`MAX_CONNECTIONS` at once (past it a connection
  gets a JSON 503 at once and no thread); each answer closes its connection, as
  werkzeug's server does, with a lingering close, so an early answer is never lost to a
  reset;
- slow clients: the request line and headers, and then the body, must each arrive
  within :data:`READ_TIMEOUT_SECONDS`; past it the client gets a JSON 408 (nothing if it
  sent nothing) and its thread is freed, so stalled connections (slowloris) cannot pile
  up; once the answer is sent nothing more is read but the bounded lingering close;
- malformed HTTP: a bad request line, header, ``Content-Length`` or chunk size is
  answered ``400`` with a JSON body (``{"message": "Bad Request"}``) and one clean log
  line, never an HTML page, a traceback or a dropped connection;
- the request body, read once and bounded, with the reasons it cannot be read;
- ``Host`` checking: each server accepts only the host names it serves (loopback
  names with its port), which defeats DNS rebinding.

It knows nothing of API Gateway or Cognito.
"""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, cast

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

__all__ = [
    "RAW_HEADERS",
    "BodyError",
    "InFlight",
    "LocalServer",
    "allowed_hosts",
    "host_allowed",
    "json_response",
    "loggable",
    "read_body",
    "reason_phrase",
]

_LOG = logging.getLogger(__name__)
#: Far above what a test suite, a page load or a retry storm opens at once; the kernel
#: caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024
#: How long a client has to send its request line and headers, and then again its
#: body, before the server answers 408 and frees the thread. Any real client on
#: loopback needs milliseconds; a connection that trickles its headers (slowloris) holds
#: a thread no longer than this.
READ_TIMEOUT_SECONDS = 15.0
#: Connections served at once, each on its own thread; past it a connection gets a JSON
#: 503 without a thread. Above the gateway's in-flight limit (256, which answers 429),
#: far above what a test suite, a page load or a retry storm opens at once.
MAX_CONNECTIONS = 512

#: A server's JSON error body for a status (see :class:`LocalServer`).
ErrorBody = Callable[[int], Mapping[str, str]]


def gateway_error_body(status: int) -> Mapping[str, str]:
    """API Gateway's shape: ``{"message": <reason phrase>}``."""
    return {"message": reason_phrase(status)}


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
    """The request body cannot be read; ``status`` says how to answer (400, 408 or 413)."""

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
    # A field value has no surrounding whitespace (RFC 9110 §5.5); the parser keeps it.
    length = str(environ.get("CONTENT_LENGTH", "")).strip(" \t")
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
        except TimeoutError:
            raise BodyError(408, "body not received in time") from None
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
        except TimeoutError:
            raise BodyError(408, "body not received in time") from None
        except OSError as error:
            raise BodyError(400, f"malformed chunked body ({error})") from None
        if not count:
            break
        data += piece[:count]
    return bytes(data)


def loggable(text: str, limit: int = 64) -> str:
    """``text`` fit for a log line: at most ``limit`` characters, control characters escaped.

    A client's method or path must not forge log lines.
    """
    clipped = text[:limit]
    if clipped.isprintable():
        return clipped
    return clipped.encode("unicode_escape").decode("ascii")


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


class _Input(io.RawIOBase):
    """A connection's input with a deadline (:data:`READ_TIMEOUT_SECONDS` by phase).

    A socket timeout bounds each ``recv``, not a request: a client sending a byte now
    and then would never meet it. Here every ``recv`` gets what is left of the phase's
    time. ``ended`` (the answer is on its way) makes it read nothing more: werkzeug
    (3.1.9) drains a request's unread body after the answer with
    ``rfile.read(10_000_000)``, which blocks until the client closes; the lingering
    close (:meth:`LocalServer.shutdown_request`) does that drain, bounded.
    """

    def __init__(self, connection: socket.socket, timeout: float) -> None:
        super().__init__()
        self._connection = connection
        self._timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.received = 0
        self.timed_out = False
        self.ended = False

    def readable(self) -> bool:
        return True

    def next_phase(self) -> None:
        """The headers are in: the body gets its own time."""
        self.deadline = time.monotonic() + self._timeout

    def readinto(self, buffer: Any) -> int:
        if self.ended:
            return 0
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError("request not received in time")
            self._connection.settimeout(remaining)
            count = self._connection.recv_into(buffer)
        except TimeoutError:
            self.timed_out = True
            raise
        finally:
            self._connection.settimeout(self._timeout)  # for writing the answer
        self.received += count
        return count


class _Handler(WSGIRequestHandler):
    """werkzeug's handler: JSON for malformed HTTP, one clean line per problem, no noise."""

    server: LocalServer

    def setup(self) -> None:
        """The standard library's streams, the input with a deadline (see :class:`_Input`)."""
        super().setup()
        self.rfile.close()  # the socket's own reader, replaced
        self._input = _Input(self.connection, self.server.read_timeout)
        self.rfile = io.BufferedReader(self._input)
        self._answered = False

    def handle_one_request(self) -> None:
        """One request; a client too slow with its request line or headers gets a 408.

        The standard library catches the timeout (logging one line) and closes without
        an answer; a client that sent part of a request gets a JSON 408 first.
        """
        super().handle_one_request()
        if self._input.timed_out and not self._answered:
            self.close_connection = True
            if self._input.received:
                self.request_version = "HTTP/1.1"
                self._send_json(408)

    def make_environ(self) -> dict[str, Any]:
        """Werkzeug's environ, plus the headers as received (see :data:`RAW_HEADERS`)."""
        self._input.next_phase()
        environ = super().make_environ()
        environ[RAW_HEADERS] = list(self.headers.items())
        lengths = self.headers.get_all("Content-Length") or []
        if len({length.strip() for length in lengths}) > 1:
            # werkzeug keeps the last; differing lengths are invalid framing (RFC 9112,
            # section 6.3), refused by read_body as a malformed Content-Length.
            environ["CONTENT_LENGTH"] = ", ".join(lengths)
        return environ

    def send_response(self, code: int, message: str | None = None) -> None:
        """Start the answer: the request's input is over (see :class:`_Input`)."""
        self._answered = True
        self._input.ended = True
        super().send_response(code, message)

    def parse_request(self) -> bool:
        """The standard library's parsing, without HTTP/0.9.

        A request line without a version (``GET /path``) is HTTP/0.9 to the standard
        library, which then waits for headers that never come, or answers without a
        status line. API Gateway does not speak HTTP/0.9: a 400 (with a status line).
        """
        if len(self.raw_requestline.split()) == 2:
            self.request_version = "HTTP/1.1"
            self.send_error(400, "HTTP/0.9 request")
            return False
        return bool(super().parse_request())

    def handle_expect_100(self) -> bool:
        """Send no ``100 Continue`` here: a client got two.

        werkzeug (3.1.9) sends its own when it runs the application.
        """
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer what the HTTP parser refused with JSON, and close.

        Everything the parser refuses is the client's: a version it does not speak
        (``HTTP/2.0`` in a request line, the standard library's 505) is a 400 too. The
        log line gives the parser's reason only: its message quotes the request line,
        query string (credentials) included.
        """
        if code >= 500:
            code = 400
        reason = loggable((message or reason_phrase(code)).split(" (", 1)[0])
        _LOG.info("%s: malformed HTTP request refused (%s %s)", self.server.label, code, reason)
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            # An unparsable request line leaves the HTTP/0.9 default, which would send
            # the body without a status line; a client needs the status to see the 400.
            self.request_version = "HTTP/1.1"
        self._send_json(code)

    def _send_json(self, code: int) -> None:
        """Send the server's error body for ``code`` and close."""
        payload = json.dumps(self.server.error_body(code)).encode()
        try:
            self.send_response(code, reason_phrase(code))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
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
        read_timeout: see :data:`READ_TIMEOUT_SECONDS` (tests make it short).
        max_connections: see :data:`MAX_CONNECTIONS`.
        error_body: the JSON body of the server's own refusals (408, 503, malformed
            HTTP) by status: API Gateway's ``{"message"}`` unless given (the embedded
            services answer the AWS JSON protocol's ``{"__type", "message"}``).
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        label: str,
        app: WsgiApp,
        host: str,
        port: int,
        *,
        read_timeout: float = READ_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        error_body: ErrorBody = gateway_error_body,
    ) -> None:
        super().__init__(host, port, app, handler=_Handler)
        self.label = label
        self.read_timeout = read_timeout
        self.error_body = error_body
        self.connections = InFlight(max_connections)
        self._refused = _Closer(_unavailable(error_body))
        self._thread: threading.Thread | None = None

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection; past :data:`MAX_CONNECTIONS`, a 503 and no thread."""
        if self.connections.enter():
            try:
                super().process_request(request, client_address)
            except BaseException:  # no thread started (e.g. the system's limit)
                self.connections.leave()
                raise
            return
        _LOG.info("%s: too many connections, one refused (503)", self.label)
        self._refused.refuse(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve the connection, then count it out."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.leave()

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
        self._refused.stop()
        self.server_close()


#: What a connection past :data:`MAX_CONNECTIONS` gets, in API Gateway's JSON shape.
def _unavailable(error_body: ErrorBody) -> bytes:
    """The whole 503 answer of a connection past the cap, in the server's error shape."""
    body = json.dumps(error_body(503)).encode()
    return (
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
    ) % (len(body), body)


class _Closer:
    """Answers refused connections 503 and closes them lingering, all on one thread.

    A thread per refused connection would defeat the cap; closing at once, with the
    client's request unread, would make the kernel reset the connection and the client
    could lose the 503 (see :meth:`LocalServer.shutdown_request`).
    """

    def __init__(self, answer: bytes) -> None:
        self._answer = answer
        self._queue: queue.SimpleQueue[socket.socket | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def refuse(self, connection: socket.socket) -> None:
        """Send the 503 (it fits any send buffer) and hand the connection to the thread."""
        try:
            connection.setblocking(False)
            connection.send(self._answer)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            connection.close()
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()
        self._queue.put(connection)

    def stop(self) -> None:
        """Close what is left and end the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        deadlines: dict[socket.socket, float] = {}
        while True:
            arrivals = [] if deadlines else [self._queue.get()]
            while not self._queue.empty():
                arrivals.append(self._queue.get())
            for arrival in arrivals:
                if arrival is None:
                    for connection in deadlines:
                        connection.close()
                    selector.close()
                    return
                selector.register(arrival, selectors.EVENT_READ)
                deadlines[arrival] = time.monotonic() + LINGER_SECONDS
            for key, _ in selector.select(timeout=0.05):
                connection = cast(socket.socket, key.fileobj)
                try:
                    if connection.recv(65536):
                        continue
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                deadlines[connection] = 0.0  # the client closed: close now
            now = time.monotonic()
            for connection in [c for c, deadline in deadlines.items() if deadline <= now]:
                selector.unregister(connection)
                connection.close()
                del deadlines[connection]


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
