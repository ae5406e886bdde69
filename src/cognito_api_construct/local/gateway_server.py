"""The gateway's HTTP side: a WSGI application around ``Gateway``, on werkzeug's server.

It owns what happens before and after the API's pipeline: the ``Host`` check (only the
names the emulator serves), reading the body (malformed HTTP: 400; over API Gateway's
10 MB: 413; too slow: 408), load shedding (too many requests at once: API Gateway's 429
THROTTLED answer, never a reset or a hang), the emulator's extras at the root, outside the
stage, which a deployed API does not have: on GET ``/openapi.json`` and ``/_outbox``,
on POST ``/oauth2/token`` (a pool domain's token endpoint; another method there is 405),
and one log line per request: method, path, status, latency; never a query string, a
header value or a body, which may hold credentials.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .events import Request
from .gateway import MAX_PAYLOAD_BYTES, Gateway
from .gateway_responses import HttpResponse
from .http import (
    RAW_HEADERS,
    BodyError,
    InFlight,
    LocalServer,
    allowed_hosts,
    host_allowed,
    loggable,
    read_body,
    reason_phrase,
)

__all__ = ["Extra", "GatewayServer", "PostExtra"]

_LOG = logging.getLogger("cognito_api_construct.local.gateway")
#: Requests answered at once before the gateway sheds load (429): far more than the
#: Lambda workers can run, so only a real overload meets it.
MAX_IN_FLIGHT = 256

#: An extra: the query string in, the answer out.
Extra = Callable[[str], HttpResponse]
#: A POST extra: the whole request in, the answer out.
PostExtra = Callable[[Request], HttpResponse]


class GatewayServer:
    """The gateway on ``host:port`` (0 picks a free port), with the emulator's extras.

    Args:
        gateway: the API's pipeline.
        host: the address to bind. Defaults to 127.0.0.1.
        port: the port. Defaults to 8787.
        extras: GET handlers at the root, outside the stage, by path.
        post_extras: POST handlers at the root, by path.
    """

    def __init__(
        self,
        gateway: Gateway,
        host: str = "127.0.0.1",
        port: int = 8787,
        extras: Mapping[str, Extra] | None = None,
        post_extras: Mapping[str, PostExtra] | None = None,
    ) -> None:
        self.gateway = gateway
        self.extras: dict[str, Extra] = dict(extras or {})
        self.post_extras: dict[str, PostExtra] = dict(post_extras or {})
        self._in_flight = InFlight(MAX_IN_FLIGHT)
        self._server = LocalServer("gateway", self._app, host, port)
        self._host = host
        self._allowed = allowed_hosts(host, self.port)

    @property
    def port(self) -> int:
        """The bound port."""
        return self._server.bound_port

    def start(self) -> None:
        """Serve in a background thread."""
        self._server.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.stop()

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        method = str(environ.get("REQUEST_METHOD", ""))
        path = str(environ.get("PATH_INFO", ""))
        response = self._answer(environ, method, path)
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason_phrase(response.status)}", headers)
        _LOG.info(
            "%s %s %d %.1f ms",
            loggable(method, 16),
            loggable(path, 256),
            response.status,
            (time.perf_counter() - started) * 1000,
        )
        return [b"" if method == "HEAD" else response.body]

    def _answer(self, environ: dict[str, Any], method: str, path: str) -> HttpResponse:
        if not host_allowed(environ.get("HTTP_HOST"), self._allowed, self._host, self.port):
            _LOG.info(
                "%s %s: Host %r is not served here",
                loggable(method, 16),
                loggable(path, 256),
                str(environ.get("HTTP_HOST"))[:256],
            )
            return _message(403, "Forbidden: this emulator answers only its own host names")
        try:
            body = read_body(environ, MAX_PAYLOAD_BYTES)
        except BodyError as error:
            _LOG.info(
                "%s %s: request refused (%s)", loggable(method, 16), loggable(path, 256), error
            )
            if error.status == 413:
                return self.gateway.refuse(_request(environ, b""), "REQUEST_TOO_LARGE")
            return _message(error.status, reason_phrase(error.status))
        extra = self.extras.get(path) if method in ("GET", "HEAD") else None
        if extra is not None:
            return extra(str(environ.get("QUERY_STRING", "")))
        request = _request(environ, body)
        post_extra = self.post_extras.get(path)
        if post_extra is not None:
            if method != "POST":
                return _message(405, "Method Not Allowed", [("Allow", "POST")])
            try:
                return post_extra(request)
            except Exception:  # e.g. the services gone: still an answer
                _LOG.exception("%s %s: emulator error", loggable(method, 16), loggable(path, 256))
                return _message(500, "Internal server error")
        if not self._in_flight.enter():
            return self.gateway.refuse(request, "THROTTLED")
        try:
            return self.gateway.handle(request)
        except Exception:  # the emulator's own bug must still get an answer
            _LOG.exception("%s %s: emulator error", loggable(method, 16), loggable(path, 256))
            return _message(500, "Internal server error")
        finally:
            self._in_flight.leave()


def _request(environ: dict[str, Any], body: bytes) -> Request:
    headers = [(str(name), str(value)) for name, value in environ.get(RAW_HEADERS, ())]
    return Request(
        method=str(environ.get("REQUEST_METHOD", "")),
        path=str(environ.get("PATH_INFO", "")),
        query=str(environ.get("QUERY_STRING", "")),
        headers=headers,
        body=body,
        source_ip=str(environ.get("REMOTE_ADDR", "")),
        request_id=Request.new_id(),
    )


def _message(
    status: int, message: str, headers: list[tuple[str, str]] | None = None
) -> HttpResponse:
    return HttpResponse(
        status,
        [("Content-Type", "application/json"), *(headers or [])],
        f'{{"message": "{message}"}}'.encode(),
    )
