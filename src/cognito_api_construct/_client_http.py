"""Where the client may send its credentials: checked before any connection is made.

The client sends passwords (in JSON bodies) and tokens (in the token header), so it
talks to exactly one origin, the API's, and never in clear text over a network:

* the base URL is ``https://``, or ``http://`` to a loopback host (127.0.0.0/8, ``::1``,
  ``localhost``: the local emulator), with no user info, query or fragment;
* a path given to ``request`` stays under the base URL: no scheme, no ``//host``;
* a redirect is never followed (RFC 9110 §15.4; the Fetch standard drops
  ``Authorization`` on a cross-origin redirect, but a custom token header or a JSON body
  would still be re-sent): every 3xx answer becomes a ``CognitoApiError`` naming its
  ``Location``, and nothing is sent there.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ._client_errors import CognitoApiError

if TYPE_CHECKING:
    from ._client_results import Challenge, Tokens

__all__ = ["ClientCore", "check_base_url", "no_redirect_opener", "redirect_error", "under_base"]

#: Host names that always resolve to this machine (RFC 6761 §6.3).
_LOOPBACK_NAMES = frozenset({"localhost"})
#: ``scheme:/`` at the start of a path: an absolute URL (RFC 3986 §3.1), which browsers
#: and proxies may follow to another host. (``users:search`` stays a relative path.)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
#: Spaces and control characters: http.client refuses them in a URL, and so do we, sooner.
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as ``urlsplit`` gives it: lower case, no brackets) is this machine."""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slashes, if the client may send credentials there.

    Raises:
        ValueError: naming the fix, for a URL that is not ``https://`` (nor ``http://``
            to loopback), or that carries user info, a query or a fragment.
    """
    if not isinstance(base_url, str) or _UNSAFE.search(base_url):
        raise ValueError(f"base_url {base_url!r}: a URL without spaces or control characters")
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(
            f"base_url {base_url!r} is not an https:// URL: pass the API's URL, "
            "e.g. CognitoApi.url (https://....execute-api....amazonaws.com/prod)"
        )
    if "@" in parts.netloc:
        raise ValueError(
            f"base_url {base_url!r} has user info (user:password@): it would be sent to "
            "the server; the API takes credentials in JSON bodies and the token header only"
        )
    if "?" in base_url or "#" in base_url:
        raise ValueError(
            f"base_url {base_url!r} has a query or fragment: pass the stage URL alone "
            "(request paths are appended to it)"
        )
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    if scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"base_url {base_url!r} is plain http to {parts.hostname}, which is not "
            "loopback: passwords and tokens would cross the network in clear text. Use "
            "https://; http:// is allowed only to 127.0.0.1, [::1] or localhost "
            "(the local emulator)"
        )
    return base_url.rstrip("/")


def under_base(base_url: str, path: str) -> str:
    """The URL of ``path`` under ``base_url``.

    Raises:
        ValueError: for a ``path`` that is a URL (``https://x/``, ``//x/``), or has
            spaces, control characters or backslashes.
    """
    if _UNSAFE.search(path) or "\\" in path:
        raise ValueError(f"path {path!r}: no spaces, control characters or backslashes")
    if path.startswith("//") or _SCHEME.match(path):
        raise ValueError(
            f"path {path!r} is a URL, not a path: the client sends its token only to "
            f"{base_url}; pass a path such as '/items'"
        )
    return f"{base_url}/{path.lstrip('/')}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: every 3xx answer reaches the caller as an ``HTTPError``.

    Declining here (returning None) leaves the answer to urllib's default error
    handler, which raises it. Each code is declined by name, rather than through
    ``redirect_request``, because Python 3.10 has no ``http_error_308``.
    """

    def _decline(self, *args: Any, **kwargs: Any) -> None:
        return None

    http_error_301 = http_error_302 = http_error_303 = _decline
    http_error_307 = http_error_308 = _decline


def no_redirect_opener() -> urllib.request.OpenerDirector:
    """An opener that follows no redirect and verifies TLS certificates and host names."""
    return urllib.request.build_opener(
        _RefuseRedirects(), urllib.request.HTTPSHandler(context=_tls_context())
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client in the process.

    Building one loads the system's CA certificates (about 17 ms here), which made every
    new client cost that much; a context is safe to share between connections and
    threads once configured, and this one is never changed after it is made.
    """
    return ssl.create_default_context()


def redirect_error(failure: urllib.error.HTTPError, url: str) -> CognitoApiError:
    """The error for a 3xx answer to ``url``: it names where the API pointed."""
    location = failure.headers.get("Location") if failure.headers else None
    failure.close()
    where = f"to {urljoin(url, location)}" if location else "with no Location"
    return CognitoApiError(
        failure.code,
        "Redirected",
        f"{url} answered {failure.code} {where}. The client follows no redirect, so "
        "credentials never leave the API's URL: point base_url at the API itself "
        "(its https:// URL, stage included).",
    )


class ClientCore:
    """What the client's mixins (MFA, passwordless, account) build on.

    :class:`cognito_api_construct.client.CognitoApiClient` implements the transport
    methods; the signed-in routes' header is built here, once.
    """

    token_header: str
    tokens: Tokens | None

    def _post(self, path: str, body: Mapping[str, Any], *, with_access_token: bool = False) -> Any:
        raise NotImplementedError

    def _send(self, method: str, path: str, body: Any, headers: Mapping[str, str]) -> Any:
        raise NotImplementedError

    def _tokens_or_challenge(self, body: Mapping[str, Any]) -> Tokens | Challenge:
        raise NotImplementedError

    def respond_to_challenge(
        self, challenge: Challenge, responses: Mapping[str, str]
    ) -> Tokens | Challenge:
        """Answer ``challenge`` (see :class:`~cognito_api_construct.client.CognitoApiClient`)."""
        raise NotImplementedError

    def _access_header(self) -> dict[str, str]:
        """The token header with the signed-in user's access token (none when signed out)."""
        return {self.token_header: self.tokens.access_token} if self.tokens else {}
