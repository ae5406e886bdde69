"""Where the client sends credentials: the API's origin only, never in clear over a network.

Real servers on loopback, one pointing (3xx) at another that records anything it gets:
a redirect must never carry the password body or the token header on. RFC 9110 §15.4
lets a client re-send a redirected request, headers and body, to the ``Location``, and
urllib's default handler does so with every header but the content ones; the Fetch
standard (https://fetch.spec.whatwg.org/#http-redirect-fetch) strips ``Authorization``
on a cross-origin redirect, but not a custom token header nor the body. So the client
follows none. Plain ``http://`` is refused unless to loopback, before any connection.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cognito_api_construct.client import CognitoApiClient, CognitoApiError, Tokens

TOKENS = Tokens("the-id-token", "the-access-token", "the-refresh-token", 3600, "Bearer")
REDIRECTS = [301, 302, 303, 307, 308]
SECRET = "Passw0rd-never-elsewhere!"


@dataclass
class Server:
    """A loopback HTTP server that records every request and answers with ``answer``."""

    answer: Callable[[str], tuple[int, dict[str, str], bytes]]
    host: str = "127.0.0.1"
    received: list[dict[str, Any]] = field(default_factory=list)

    def start(self) -> str:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": self.rfile.read(length).decode() if length else "",
                    }
                )
                status, headers, payload = recorder.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, *args: Any) -> None:
                pass

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server_class = type("Server", (ThreadingHTTPServer,), {"address_family": family})
        self._server = server_class((self.host, 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        port = self._server.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_answer(body: Any = None) -> Callable[[str], tuple[int, dict[str, str], bytes]]:
    payload = json.dumps(body if body is not None else {"ok": True}).encode()
    return lambda path: (200, {"Content-Type": "application/json"}, payload)


@pytest.fixture
def servers() -> Iterator[Callable[..., tuple[Server, str]]]:
    """Starts servers on demand; yields ``start(answer, host=...) -> (server, url)``."""
    started: list[Server] = []

    def start(answer: Any, host: str = "127.0.0.1") -> tuple[Server, str]:
        server = Server(answer, host)
        url = server.start()
        started.append(server)
        return server, url

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def elsewhere(servers) -> tuple[Server, str]:
    """The server a redirect points at: it must receive nothing."""
    return servers(json_answer({"id_token": "stolen"}))


@pytest.fixture
def no_connection(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fails the test if anything resolves a name or opens a socket; records attempts."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def redirecting_to(location: str, status: int) -> Callable[[str], tuple[int, dict, bytes]]:
    return lambda path: (status, {"Location": f"{location}{path}"}, b"")


@pytest.mark.parametrize("status", REDIRECTS)
def test_an_auth_route_redirected_sends_nothing_to_the_location(servers, elsewhere, status):
    """A 3xx to sign-in must not re-send the password body to another server."""
    # given an API that answers every request with a redirect to another server
    other, other_url = elsewhere
    api, api_url = servers(redirecting_to(other_url, status))
    client = CognitoApiClient(f"{api_url}/prod")

    # when the client signs in
    with pytest.raises(CognitoApiError) as redirected:
        client.authenticate("ada", SECRET)

    # then the error names the location, and the other server received nothing
    assert redirected.value.status == status
    assert redirected.value.error == "Redirected"
    assert f"{other_url}/prod/auth" in redirected.value.message
    assert not redirected.value.retryable
    assert len(api.received) == 1
    assert other.received == []


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_request_redirected_never_sends_the_token_on(servers, elsewhere, status, method):
    """A 3xx to a protected route must not carry the id token to the Location's host."""
    # given a signed-in client and a route that redirects to another server
    other, other_url = elsewhere
    api, api_url = servers(redirecting_to(other_url, status))
    client = CognitoApiClient(f"{api_url}/prod", token_header="X-Api-Token")
    client.tokens = TOKENS

    # when it calls the route
    with pytest.raises(CognitoApiError) as redirected:
        client.request(method, "/gpt", json={"message": "hi"} if method != "GET" else None)

    # then only the API received the token, once
    assert (redirected.value.status, redirected.value.error) == (status, "Redirected")
    assert f"{other_url}/prod/gpt" in redirected.value.message
    assert [r["headers"].get("X-Api-Token") for r in api.received] == ["the-id-token"]
    assert other.received == []


def test_the_authorization_header_is_not_sent_on_either(servers, elsewhere):
    """The default token header, ``Authorization``, stays with the API too."""
    # given
    other, other_url = elsewhere
    _, api_url = servers(redirecting_to(other_url, 302))
    client = CognitoApiClient(api_url)
    client.tokens = TOKENS

    # when / then
    with pytest.raises(CognitoApiError, match="Redirected"):
        client.request("GET", "/me")
    assert other.received == []


def test_a_relative_location_is_named_as_the_full_url(servers):
    """The message says where the API pointed, resolved against the request's URL."""
    # given
    api, api_url = servers(lambda path: (302, {"Location": "/login?next=x"}, b""))

    # when
    with pytest.raises(CognitoApiError) as redirected:
        CognitoApiClient(f"{api_url}/prod").forgot_password("ada")

    # then it was not followed, even to the same server
    assert f"{api_url}/login?next=x" in redirected.value.message
    assert len(api.received) == 1


@pytest.mark.parametrize("status", [300, 304, 305, 399])
def test_any_other_3xx_is_an_error_too(servers, status):
    """Every 3xx is refused, with or without a Location (RFC 9110 §15.4)."""
    # given
    _, api_url = servers(lambda path: (status, {}, b""))

    # when
    with pytest.raises(CognitoApiError) as redirected:
        CognitoApiClient(api_url).request("GET", "/items")

    # then
    assert (redirected.value.status, redirected.value.error) == (status, "Redirected")
    assert "no Location" in redirected.value.message


@pytest.mark.parametrize(
    "base_url",
    [
        "http://abc.execute-api.eu-west-1.amazonaws.com/prod",
        "http://api.example.com",
        "http://10.0.0.1:8080/prod",
        "http://192.168.1.10/prod",
        "http://[fe80::1]/prod",
        "http://[::ffff:10.0.0.1]/prod",
        "http://localhost.example.com/prod",
        "http://127.0.0.1.example.com/prod",
        "http://0.0.0.0:3000/prod",
    ],
)
def test_plain_http_beyond_loopback_is_refused_before_connecting(base_url, no_connection):
    """Over http the password and tokens cross the network in clear: https or loopback only."""
    # when / then
    with pytest.raises(ValueError, match=r"https://.*127\.0\.0\.1.*localhost"):
        CognitoApiClient(base_url)
    assert no_connection == []


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8080/prod",
        "http://127.4.5.6/prod",
        "http://localhost:3000/prod/",
        "HTTP://LOCALHOST/prod",
        "http://[::1]:8080/prod",
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
        "https://api.example.com",
        "https://api.example.com:8443/v1/",
    ],
)
def test_https_and_loopback_http_are_accepted(base_url, no_connection):
    """https anywhere, and http to loopback for the local emulator; construction connects to
    nothing."""
    # when
    client = CognitoApiClient(base_url)

    # then
    assert client.base_url == base_url.rstrip("/")
    assert no_connection == []


@pytest.mark.parametrize(
    ("base_url", "says"),
    [
        ("ftp://api.example.com/prod", "not an https:// URL"),
        ("file:///etc/passwd", "not an https:// URL"),
        ("api.example.com/prod", "not an https:// URL"),
        ("https:///prod", "not an https:// URL"),
        ("https://user:pass@api.example.com/prod", "user info"),
        ("https://api.example.com@evil.example/prod", "user info"),
        ("https://api.example.com/prod?stage=x", "query or fragment"),
        ("https://api.example.com/prod#x", "query or fragment"),
        ("https://api.example.com/prod?", "query or fragment"),
        ("https://api.example.com/pr od", "spaces or control"),
        ("https://api.example.com/prod\r\nX-Evil: 1", "spaces or control"),
        ("https://api.example.com:99999/prod", "Port"),
    ],
)
def test_base_urls_that_could_misdirect_credentials_are_refused(base_url, says, no_connection):
    """A base URL with user info sends it to the server, a query or fragment would be
    mangled by the paths appended, and other schemes are not the API."""
    # when / then
    with pytest.raises(ValueError, match=says):
        CognitoApiClient(base_url)
    assert no_connection == []


def test_setting_base_url_later_is_checked_the_same_way(no_connection):
    """The check holds for the attribute, not only the constructor."""
    # given
    client = CognitoApiClient("https://api.example.com/prod")

    # when / then
    with pytest.raises(ValueError, match="plain http"):
        client.base_url = "http://api.example.com/prod"
    assert client.base_url == "https://api.example.com/prod"


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/steal",
        "http://127.0.0.1:1/steal",
        "HTTPS://evil.example/",
        "https:/evil.example/steal",
        "//evil.example/steal",
        "\\\\evil.example/steal",
        "/gpt\r\nX-Evil: 1",
        "/g pt",
    ],
)
def test_a_request_path_cannot_name_another_host(path, no_connection):
    """``request`` adds the id token: its path must not take it to another origin."""
    # given a signed-in client
    client = CognitoApiClient("https://api.example.com/prod")
    client.tokens = TOKENS

    # when / then
    with pytest.raises(ValueError, match="path"):
        client.request("GET", path)
    assert no_connection == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_http_reaches_the_api_with_the_token(servers, host):
    """The local emulator's http:// URL works: the token goes to it, paths stay under it."""
    # given a server on loopback (skipped where the machine has no IPv6 loopback)
    try:
        api, url = servers(
            json_answer({"answer": 42}), host="::1" if host == "::1" else "127.0.0.1"
        )
    except OSError:
        pytest.skip("no IPv6 loopback here")
    if host == "localhost":
        url = url.replace("127.0.0.1", "localhost")
    client = CognitoApiClient(f"{url}/prod/")
    client.tokens = TOKENS

    # when
    answer = client.request("GET", "/items/a:b?page=2")
    relative = client.request("GET", "users:search")

    # then
    assert answer == {"answer": 42}
    assert relative == {"answer": 42}
    assert [r["path"] for r in api.received] == ["/prod/items/a:b?page=2", "/prod/users:search"]
    assert {r["headers"]["Authorization"] for r in api.received} == {"the-id-token"}


@pytest.fixture
def self_signed_tls_server(tmp_path) -> Iterator[tuple[Server, str]]:
    """A loopback HTTPS server whose certificate no trust store holds (for 127.0.0.1)."""
    import ssl

    from tls_certificates import self_signed_certificate

    cert_file, key_file = self_signed_certificate(tmp_path)
    server = Server(json_answer({"id_token": "stolen"}))
    url = server.start()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    # A failed handshake raises in accept(), which socketserver treats as a dropped client.
    server._server.socket = tls.wrap_socket(server._server.socket, server_side=True)
    yield server, url.replace("http://", "https://")
    server.stop()


def test_https_to_an_untrusted_certificate_is_refused_and_sends_nothing(
    self_signed_tls_server,
):
    """TLS certificates are verified: the password never reaches an impostor."""
    # given an HTTPS server on loopback with a self-signed certificate
    server, url = self_signed_tls_server
    client = CognitoApiClient(url)
    # when the client signs in there
    with pytest.raises(CognitoApiError) as raised:
        client.authenticate("ana", SECRET)
    # then the handshake is refused for the certificate, and no request was received
    assert raised.value.error == "ConnectionError"
    assert "CERTIFICATE_VERIFY_FAILED" in raised.value.message
    assert server.received == []


def test_new_clients_share_one_tls_context(monkeypatch: pytest.MonkeyPatch):
    """Building a verifying context loads the CA certificates (~17 ms); it is done once."""
    import ssl

    from cognito_api_construct import _client_http

    # given a process where no client was made yet
    _client_http._tls_context.cache_clear()
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counting)
    # when many clients, user and machine, are made
    for _ in range(5):
        CognitoApiClient("https://api.example.com/prod/")
        CognitoApiClient.for_machine(
            "https://auth.example.com/oauth2/token",
            "id",
            "secret",
            base_url="https://api.example.com/prod/",
        )
    # then one context was built, and it verifies certificates and host names
    assert len(made) == 1
    assert made[0].verify_mode == ssl.CERT_REQUIRED
    assert made[0].check_hostname is True
    _client_http._tls_context.cache_clear()
