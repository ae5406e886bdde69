"""The Lambda invoker: how the user pools' triggers run in the emulator's workers.

The Cognito front lives in the embedded services' process; the Lambda workers live in
the emulator's. The front asks here, over loopback, with a random token only the two
processes know: ``POST /invoke {"function": <ARN>, "event": ..., "timeout": 5}``, and
gets ``{"result": ...}`` or ``{"error": "raised" | "timeout" | "crashed" | "unknown",
"message"}``. Served on 127.0.0.1 only, answering only its own host names.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .http import BodyError, LocalServer, allowed_hosts, host_allowed, json_response, read_body
from .workers import FunctionCrashedError, FunctionError, FunctionTimeoutError

__all__ = ["LambdaInvoker"]

_LOG = logging.getLogger(__name__)

Invoke = Callable[[str, Mapping[str, Any], float], Any]


class LambdaInvoker:
    """Invokes functions by ARN for the Cognito front.

    Args:
        invoke: the workers' invoke (logical id, event, timeout).
        functions: logical id by function ARN.
        unrunnable: why a function cannot run, by logical id.
    """

    def __init__(
        self,
        invoke: Invoke,
        functions: Mapping[str, str],
        unrunnable: Mapping[str, str] | None = None,
    ) -> None:
        self._invoke = invoke
        self._functions = dict(functions)
        self._unrunnable = dict(unrunnable or {})
        self.token = secrets.token_urlsafe(32)
        self._server = LocalServer("invoker", self._app, "127.0.0.1", 0)
        self._allowed = allowed_hosts("127.0.0.1", self._server.bound_port)

    @property
    def url(self) -> str:
        """Where the front posts invocations."""
        return f"http://127.0.0.1:{self._server.bound_port}/invoke"

    def start(self) -> None:
        """Serve in a background thread."""
        self._server.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        port = self._server.bound_port
        if (
            not host_allowed(environ.get("HTTP_HOST"), self._allowed, "127.0.0.1", port)
            or not secrets.compare_digest(str(environ.get("HTTP_X_INVOKE_TOKEN", "")), self.token)
            or environ.get("REQUEST_METHOD") != "POST"
        ):
            return json_response(start_response, 403, {"message": "Forbidden"})
        try:
            request = json.loads(read_body(environ, 6 * 1024 * 1024))
            arn, event = str(request["function"]), request["event"]
            timeout = float(request.get("timeout", 5))
        except (BodyError, ValueError, KeyError, TypeError):
            return json_response(start_response, 400, {"message": "Bad Request"})
        return json_response(start_response, 200, self._outcome(arn, event, timeout))

    def _outcome(self, arn: str, event: Any, timeout: float) -> dict[str, Any]:
        logical_id = self._functions.get(arn)
        if logical_id is None:
            return {"error": "unknown", "message": "ResourceNotFoundException"}
        if logical_id in self._unrunnable:
            _LOG.error(
                "Trigger %s cannot run locally: %s", logical_id, self._unrunnable[logical_id]
            )
            return {"error": "crashed", "message": "AccessDeniedException"}
        try:
            return {"result": self._invoke(logical_id, event, timeout)}
        except FunctionTimeoutError:
            return {"error": "timeout", "message": "Socket timeout while invoking Lambda function"}
        except FunctionError as error:
            return {"error": "raised", "message": error.error_message}
        except FunctionCrashedError:
            return {"error": "crashed", "message": "the function's process failed"}
