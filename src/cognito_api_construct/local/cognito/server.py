"""The embedded AWS services over HTTP: moto's server with the Cognito front before it.

One werkzeug application on loopback: a Cognito call (``X-Amz-Target:
AWSCognitoIdentityProviderService.*``) goes to the front, which answers it or hands it
to moto; every other call (Secrets Manager, the JWKS of a pool...) goes to moto
directly; ``/oauth2/token`` is the pools' OAuth 2.0 token endpoint (``token_endpoint``),
which the gateway forwards here. It serves only its own host names (loopback, its port),
and refuses anything a browser sends (an ``Origin`` or ``Sec-Fetch-*`` header): no web
page may read the emulated Secrets Manager or call moto's admin APIs, whatever moto's
CORS would allow (it is off too: ``MOTO_DISABLE_GLOBAL_CORS``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from ..http import BodyError, allowed_hosts, host_allowed, json_response, read_body
from . import front, messages, token_endpoint
from .store import LOCK

__all__ = ["ServicesApp"]

_LOG = logging.getLogger(__name__)
#: The messages sent so far (``?to=`` filters): the emulator's outbox reads them here.
OUTBOX = "/_outbox"
#: Larger than any AWS API request body the emulator expects (Secrets Manager: 64 KB).
MAX_BODY_BYTES = 16 * 1024 * 1024

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ServicesApp:
    """The services' WSGI application around moto's (``moto_app``)."""

    def __init__(self, moto_app: WsgiApp, host: str) -> None:
        self._moto = moto_app
        self._host = host
        self.port = 0

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Answer one request: Host and browser checks, then the front or moto."""
        allowed = allowed_hosts(self._host, self.port)
        if not host_allowed(environ.get("HTTP_HOST"), allowed, self._host, self.port):
            return json_response(start_response, 403, {"message": "Host not served here"})
        if environ.get("HTTP_ORIGIN") is not None or environ.get("HTTP_SEC_FETCH_MODE"):
            _LOG.info("services: a browser request was refused")
            return json_response(
                start_response,
                403,
                {"message": "The embedded AWS services refuse browser requests"},
            )
        try:
            body = read_body(environ, MAX_BODY_BYTES)
        except BodyError as error:
            return json_response(start_response, error.status, {"message": "Bad Request"})
        if environ.get("PATH_INFO") == OUTBOX and environ.get("REQUEST_METHOD") == "GET":
            wanted = parse_qs(str(environ.get("QUERY_STRING", ""))).get("to")
            listed = messages.sent(wanted[0] if wanted else None)
            return json_response(start_response, 200, {"messages": listed})
        if environ.get("PATH_INFO") == token_endpoint.PATH:
            status, headers, payload = token_endpoint.answer(
                str(environ.get("REQUEST_METHOD", "")),
                environ.get("CONTENT_TYPE"),
                environ.get("HTTP_AUTHORIZATION"),
                body,
            )
            return json_response(start_response, status, payload, headers)
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith(front.PREFIX):
            return self._moto_call(environ, start_response, body)
        action = target.removeprefix(front.PREFIX)
        answered = front.answer(action, body)
        if answered is not None:
            status, headers, payload = answered
            return json_response(start_response, status, payload, headers)
        with LOCK:
            return list(self._moto_call(environ, start_response, front.forwarded_body(body)))

    def _moto_call(
        self, environ: dict[str, Any], start_response: Callable[..., Any], body: bytes
    ) -> Iterable[bytes]:
        environ = dict(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        return self._moto(environ, start_response)
