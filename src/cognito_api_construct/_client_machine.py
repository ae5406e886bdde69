"""Client credentials for services calling the API (OAuth 2.0, RFC 6749 section 4.4).

:class:`MachineCredentials` gets an access token from the pool's token endpoint with the
client's id and secret (HTTP Basic, as Cognito's ``/oauth2/token`` takes them) and
renews it a minute before it expires; ``CognitoApiClient.for_machine`` sends it on every
``request``. The token endpoint must be ``https://`` (or loopback, for the local
emulator), and a redirect is refused like any other: the secret goes nowhere else.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence

from ._client_errors import CognitoApiError, api_error
from ._client_http import check_base_url, no_redirect_opener, redirect_error

__all__ = ["MachineCredentials"]

#: Renew this long before the token expires, so a request never carries a stale one.
RENEW_BEFORE_SECONDS = 60.0


class MachineCredentials:
    """A machine client's access tokens, fetched and renewed as needed.

    Args:
        token_url: The token endpoint (``CognitoApi.token_url``, or the emulator's).
        client_id: The machine client's id.
        client_secret: Its secret (sent only to ``token_url``, never logged).
        scopes: The scopes to ask for; None asks for all the client's.
        timeout: Seconds to wait for the token endpoint.
        clock: The time source (injectable for tests).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: Sequence[str] | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = check_base_url(token_url)
        self.client_id = client_id
        self._secret = client_secret
        self.scopes = tuple(scopes) if scopes is not None else None
        self.timeout = timeout
        self._clock = clock
        self._opener = no_redirect_opener()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return f"MachineCredentials(token_url={self.token_url!r}, client_id={self.client_id!r})"

    def access_token(self) -> str:
        """A valid access token: the kept one, or a new one when it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - RENEW_BEFORE_SECONDS:
                self._token, lifetime = self._fetch()
                self._expires_at = self._clock() + lifetime
            return self._token

    def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        basic = base64.b64encode(f"{self.client_id}:{self._secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - https or loopback, checked
            self.token_url,
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                body = json.loads(answer.read())
        except urllib.error.HTTPError as failure:
            if 300 <= failure.code < 400:
                raise redirect_error(failure, self.token_url) from None
            raise api_error(failure) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as failure:
            reason = getattr(failure, "reason", failure)
            raise CognitoApiError(
                0, "ConnectionError", f"{self.token_url} unreachable: {reason}"
            ) from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise CognitoApiError(200, "InvalidTokenResponse", "The token endpoint sent no token.")
        lifetime = body.get("expires_in")
        return token, float(lifetime) if isinstance(lifetime, (int, float)) else 3600.0
