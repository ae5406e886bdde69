"""The embedded Cognito's front: a loopback HTTP proxy before moto's server.

moto (5.2.x) has no ``RevokeToken`` and no ``ResendConfirmationCode``: its server
answers both with HTTP 500, so ``POST /signout`` with a refresh token and
``POST /signup/resend`` would fail locally although they work on real Cognito. The
Lambda workers get this proxy as ``AWS_ENDPOINT_URL``. It forwards every request to
moto unchanged, except that it owns:

- ``RevokeToken``: the token is remembered as revoked, the answer is ``{}``;
- ``InitiateAuth`` with ``REFRESH_TOKEN_AUTH``/``REFRESH_TOKEN`` and a revoked refresh
  token: ``NotAuthorizedException`` ("Refresh Token has been revoked"), as Cognito;
- ``ResendConfirmationCode``: the same masked delivery details for any user (as Cognito
  with prevent-user-existence-errors); no code is sent anywhere locally.

And it corrects what moto answers differently from Cognito (``MOTO_QUIRKS``):

- an unknown sign-in session (RespondToAuthChallenge, AssociateSoftwareToken,
  VerifySoftwareToken): moto says ``ResourceNotFoundException``, which to Cognito means
  a missing pool or client; Cognito says ``NotAuthorizedException`` "Invalid session
  for the user.";
- ConfirmForgotPassword for an unknown user: moto says ``ResourceNotFoundException``;
  Cognito says ``CodeMismatchException`` when the app client prevents user existence
  errors, else ``UserNotFoundException``.

A ``ResourceNotFoundException`` about an app client the front does not know (one not
registered with :meth:`CognitoFront.register_client`) is left as it is: that is a
misconfiguration, which the auth function reports as one.

Revocations live in memory, like moto's state, and end with the emulator.
"""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CognitoFront"]

_PREFIX = "AWSCognitoIdentityProviderService."
_JSON = "application/x-amz-json-1.1"
_REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
#: Calls that take a sign-in session, which moto answers ResourceNotFound when unknown.
_SESSION_ACTIONS = frozenset(
    {"RespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken"}
)
_RESENT = {"CodeDeliveryDetails": {"Destination": "<masked>", "DeliveryMedium": "EMAIL",
                                    "AttributeName": "email"}}  # fmt: skip
# Hop-by-hop headers (RFC 9110 7.6.1): each side of the proxy sets its own.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
     "upgrade", "content-length"}
)  # fmt: skip


class CognitoFront(ThreadingHTTPServer):
    """The proxy, on ``host`` and a free port, in front of ``upstream_url`` (moto).

    Args:
        upstream_url: moto's server, like ``http://127.0.0.1:PORT``.
        host: the address to bind. Defaults to 127.0.0.1.
    """

    daemon_threads = True

    def __init__(self, upstream_url: str, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._revoked: set[str] = set()
        self._clients: dict[str, bool] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The proxy's endpoint, for ``AWS_ENDPOINT_URL``."""
        return f"http://{self.server_address[0]!s}:{self.server_address[1]}"

    def revoked(self, token: str, *, add: bool = False) -> bool:
        """Whether ``token`` was revoked; with ``add``, revoke it first."""
        with self._lock:
            if add:
                self._revoked.add(token)
            return token in self._revoked

    def register_client(self, client_id: str, *, prevent_user_existence_errors: bool) -> None:
        """Make an app client known, with its PreventUserExistenceErrors setting."""
        with self._lock:
            self._clients[client_id] = prevent_user_existence_errors

    def client_prevents_existence_errors(self, client_id: str) -> bool | None:
        """The registered client's setting, or None for a client the front does not know."""
        with self._lock:
            return self._clients.get(client_id)

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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stalls
    server: CognitoFront
    _upstream: http.client.HTTPConnection | None = None

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator logs requests at the gateway."""

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def finish(self) -> None:
        super().finish()
        if self._upstream is not None:
            self._upstream.close()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        action = target.removeprefix(_PREFIX) if target.startswith(_PREFIX) else ""
        if action:
            answer = self._own(action, body)
            if answer is not None:
                self._reply(answer[0], [("Content-Type", _JSON), *answer[1]], answer[2])
                return
        self._forward(body, action)

    def _own(self, action: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
        if action not in ("RevokeToken", "InitiateAuth", "ResendConfirmationCode"):
            return None
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return None  # moto answers malformed bodies
        if not isinstance(request, dict):
            return None
        if action == "RevokeToken":
            self.server.revoked(str(request.get("Token", "")), add=True)
            return 200, [], b"{}"
        if action == "ResendConfirmationCode":
            return 200, [], json.dumps(_RESENT).encode()
        parameters = request.get("AuthParameters")
        token = parameters.get("REFRESH_TOKEN") if isinstance(parameters, dict) else None
        flow = request.get("AuthFlow")
        if flow in _REFRESH_FLOWS and isinstance(token, str) and self.server.revoked(token):
            error = {
                "__type": "NotAuthorizedException",
                "message": "Refresh Token has been revoked",
            }
            return 400, [("x-amzn-ErrorType", "NotAuthorizedException")], json.dumps(error).encode()
        return None

    def _forward(self, body: bytes, action: str = "") -> None:
        for attempt in (1, 2):  # a kept-alive upstream connection may have been closed
            if self._upstream is None:
                self._upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
            try:
                response = self._exchange(self._upstream, body)
                payload = response.read()
            except (OSError, http.client.HTTPException):
                self._upstream.close()
                self._upstream = None
                if attempt == 2:
                    raise
                continue
            headers = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            if action and response.status == 400:
                corrected = self._corrected(action, body, payload)
                if corrected is not None:
                    code, message = corrected
                    headers = [(k, v) for k, v in headers if k.lower() != "x-amzn-errortype"]
                    headers.append(("x-amzn-ErrorType", code))
                    payload = json.dumps({"__type": code, "message": message}).encode()
            self._reply(response.status, headers, payload)
            return

    def _corrected(self, action: str, body: bytes, payload: bytes) -> tuple[str, str] | None:
        """Cognito's error in place of moto's, for the quirks in the module docstring."""
        try:
            answer, request = json.loads(payload), json.loads(body or b"{}")
        except ValueError:
            return None
        if not isinstance(answer, dict) or not isinstance(request, dict):
            return None
        if answer.get("__type") != "ResourceNotFoundException":
            return None
        prevents = self.server.client_prevents_existence_errors(str(request.get("ClientId", "")))
        if action in _SESSION_ACTIONS and request.get("Session"):
            if action == "RespondToAuthChallenge" and prevents is None:
                return None  # an unknown client: a real misconfiguration
            return "NotAuthorizedException", "Invalid session for the user."
        if action == "ConfirmForgotPassword" and prevents is not None:
            if prevents:
                return "CodeMismatchException", (
                    "Invalid verification code provided, please try again."
                )
            return "UserNotFoundException", "User does not exist."
        return None

    def _exchange(
        self, connection: http.client.HTTPConnection, body: bytes
    ) -> http.client.HTTPResponse:
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in _HOP_BY_HOP:
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        return connection.getresponse()

    def _reply(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
