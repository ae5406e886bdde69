"""The embedded AWS services over HTTP: moto's server with the Cognito front before it.

One werkzeug application on loopback: a Cognito call (``X-Amz-Target:
AWSCognitoIdentityProviderService.*``) goes to the front, which answers it or hands it
to moto; every other call (Secrets Manager, the JWKS of a pool...) goes to moto
directly; ``/oauth2/token`` is the pools' OAuth 2.0 token endpoint (``token_endpoint``),
which the gateway forwards here. It serves only its own host names (loopback, its port),
and refuses anything a browser sends (an ``Origin`` or ``Sec-Fetch-*`` header): no web
page may read the emulated Secrets Manager or call moto's admin APIs, whatever moto's
CORS would allow (it is off too: ``MOTO_DISABLE_GLOBAL_CORS``).

No answer of this port is HTML or carries a traceback: a Cognito call the front refuses
is refused in the JSON protocol's shape (``front``, ``protocol``); what moto answers
with an HTML error page (an unknown path, a method it has no route for) becomes a JSON
``{"__type", "message"}`` of the same status, and a moto failure (a 5xx, or an exception
such as an operation moto does not implement) a JSON 500 ``InternalErrorException``
(``InternalFailure`` for other services) with one log line. moto's own protocol errors
(JSON or XML, 4xx) pass as they are: the SDKs of its other services read them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import parse_qs

from ..http import (
    BodyError,
    allowed_hosts,
    host_allowed,
    json_response,
    read_body,
    reason_phrase,
)
from . import front, messages, token_endpoint
from .errors import CognitoError
from .store import LOCK

__all__ = ["ServicesApp"]

_LOG = logging.getLogger(__name__)
#: The messages sent so far (``?to=`` filters): the emulator's outbox reads them here.
OUTBOX = "/_outbox"
#: Larger than any AWS API request body the emulator expects (Secrets Manager: 64 KB).
MAX_BODY_BYTES = 16 * 1024 * 1024

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: The ``__type`` of an HTML error page's status, once it is JSON.
_ERROR_TYPES: Final = {
    404: "UnknownOperationException",
    405: "UnknownOperationException",
    408: "RequestTimeoutException",
    413: "RequestEntityTooLargeException",
    503: "ServiceUnavailableException",
}


def protocol_error_body(status: int) -> dict[str, str]:
    """The port's own refusals (408, 503, malformed HTTP) in the JSON protocol's shape."""
    return {
        "__type": _ERROR_TYPES.get(status, "BadRequestException"),
        "message": reason_phrase(status),
    }


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
            return _refuse(start_response, 403, "AccessDeniedException", "Host not served here")
        if environ.get("HTTP_ORIGIN") is not None or environ.get("HTTP_SEC_FETCH_MODE"):
            _LOG.info("services: a browser request was refused")
            return _refuse(
                start_response,
                403,
                "AccessDeniedException",
                "The embedded AWS services refuse browser requests",
            )
        try:
            body = read_body(environ, MAX_BODY_BYTES)
        except BodyError as error:
            code = _ERROR_TYPES.get(error.status, "BadRequestException")
            return _refuse(start_response, error.status, code, reason_phrase(error.status))
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
            return self._moto_call(environ, start_response, body, target, cognito=False)
        action = target.removeprefix(front.PREFIX)
        answered = front.answer(action, body)
        if isinstance(answered, tuple):
            status, headers, payload = answered
            return json_response(start_response, status, payload, headers)
        with LOCK:
            forwarded = front.forwarded_body(body, answered)
            return self._moto_call(environ, start_response, forwarded, action, cognito=True)

    def _moto_call(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        body: bytes,
        target: str,
        *,
        cognito: bool,
    ) -> list[bytes]:
        """Call moto: its answer, its HTML error pages and failures made JSON (see the module).

        ``target`` is the Cognito operation called (``cognito``), or another service's
        ``X-Amz-Target`` ("" without one).
        """
        environ = dict(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        what = target or f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        answered: list[Any] = []
        written: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered[:] = [status, headers]
            return written.append

        try:
            chunks = self._moto(environ, capture)
            try:
                payload = b"".join([*written, *chunks])
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            status_line, headers = answered
            status = int(str(status_line).split()[0])
        except Exception as failure:  # moto's failure: one line, no traceback in the answer
            _LOG.warning("services: moto failed on %s: %s", what, _one_line(failure))
            message = (
                f"The emulator does not implement {target}"
                if isinstance(failure, NotImplementedError) and target
                else "Internal error"
            )
            return self._internal_error(start_response, cognito, message)
        if status >= 500:
            _LOG.warning("services: moto answered %s to %s", status, what)
            return self._internal_error(start_response, cognito)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if status >= 400 and "html" in content_type.lower():
            code = _ERROR_TYPES.get(status, "BadRequestException")
            return json_response(
                start_response, status, {"__type": code, "message": reason_phrase(status)},
                [("x-amzn-ErrorType", code)],
            )  # fmt: skip
        start_response(status_line, headers)
        return [payload]

    @staticmethod
    def _internal_error(
        start_response: Callable[..., Any], cognito: bool, message: str = "Internal error"
    ) -> list[bytes]:
        code = "InternalErrorException" if cognito else "InternalFailure"
        failed = CognitoError(code, message, 500)
        if cognito:
            status, headers, payload = front.error(failed)
            return json_response(start_response, status, payload, headers)
        return json_response(
            start_response, 500, {"__type": code, "message": message}, [("x-amzn-ErrorType", code)]
        )


def _refuse(
    start_response: Callable[..., Any], status: int, code: str, message: str
) -> list[bytes]:
    """An error of this port's own, in the JSON protocol's shape."""
    return json_response(
        start_response, status, {"__type": code, "message": message}, [("x-amzn-ErrorType", code)]
    )


def _one_line(failure: Exception) -> str:
    text = f"{type(failure).__name__}: {failure}".splitlines()
    return text[0][:300] if text else type(failure).__name__
