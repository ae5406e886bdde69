"""A small HTTP client for an API built with ``CognitoApi``.

Standard library only, so it needs no extra to install. It speaks the HTTP contract in
the README: JSON bodies, the stable error shape, and the id token sent in the API's
token header on protected routes.

Its guarantees, for the passwords and tokens it carries:

* They travel only in JSON bodies and the token header, never in a URL.
* They go to the API's URL only, never in clear over a network: ``base_url`` must be
  ``https://``, or ``http://`` to loopback (127.0.0.0/8, ``::1``, ``localhost``: the
  local emulator), with no user info, query or fragment; a ``request`` path must not be
  a URL (``https://other/``, ``//other/``). Else ``ValueError``, before any connection.
* No redirect is followed: any 3xx answer raises ``CognitoApiError`` ``"Redirected"``
  (its status, a message naming the ``Location``) and nothing is sent there (RFC 9110
  §15.4 lets a client re-send a redirected request, headers and body, to the new URL).
* TLS certificates and host names are verified (``ssl.create_default_context``).

Example:
    >>> client = CognitoApiClient("https://abc.execute-api.eu-west-1.amazonaws.com/prod",
    ...                           token_header="Auth")  # doctest: +SKIP
    >>> client.sign_up("ada", "ada@example.com", "Temp-Passw0rd!x")  # doctest: +SKIP
    >>> tokens = client.complete_new_password("ada", "Temp-Passw0rd!x", "N3w-Passw0rd!xy")
    ...     # doctest: +SKIP
    >>> client.request("POST", "/gpt", json={"message": "hello"})  # doctest: +SKIP
    >>> client.refresh()  # new id and access tokens  # doctest: +SKIP
    >>> client.sign_out()  # doctest: +SKIP

Routes that act for a signed-in user (``sign_out``, ``change_password``, and
``setup_totp`` / ``verify_totp`` without a session) send the access token of
``tokens`` in the token header; without one the API answers 401 ``MissingToken``.
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ._client_account import AccountMixin
from ._client_errors import CognitoApiError, api_error, decode
from ._client_http import check_base_url, no_redirect_opener, redirect_error, under_base
from ._client_machine import MachineCredentials
from ._client_mfa import MfaMixin
from ._client_passwordless import PasswordlessMixin
from ._client_results import (
    Challenge,
    CodeDelivery,
    Me,
    Passkey,
    SignUpResult,
    Tokens,
    TotpSetup,
    TotpVerification,
)
from .runtime.contract import ROUTES

__all__ = [
    "Challenge",
    "CodeDelivery",
    "CognitoApiClient",
    "CognitoApiError",
    "Me",
    "Passkey",
    "SignUpResult",
    "Tokens",
    "TotpSetup",
    "TotpVerification",
]

#: The auth routes by path (``"/password/forgot"``), as the runtime's contract declares them.
_AUTH_ROUTES = {declared.resource: declared for declared in ROUTES}


class CognitoApiClient(MfaMixin, PasswordlessMixin, AccountMixin):
    """Calls the auth routes and the protected routes of one deployed (or local) API.

    Args:
        base_url: the API's URL, stage included (``CognitoApi.url``, or the URL that
            ``cognito-api-local serve`` prints).
        token_header: the header the API's authorizer reads. Defaults to ``Authorization``;
            must match the construct's ``token_header``.
        timeout: seconds to wait for each answer. Defaults to 30.

    Raises:
        ValueError: for a ``base_url`` the client sends no credentials to (see the module's
            guarantees); setting ``base_url`` later is checked the same way.

    The tokens of the last successful sign-in are kept in ``tokens`` and sent on
    ``request``; set ``tokens`` yourself to reuse ones you stored.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token_header: str = "Authorization",  # noqa: S107 - a header name, not a secret
        timeout: float = 30.0,
    ) -> None:
        """Point the client at one API."""
        self.base_url = base_url
        self._opener = no_redirect_opener()
        self.token_header = token_header
        self.timeout = timeout
        self.tokens: Tokens | None = None
        #: A machine client's credentials (``for_machine``): their access token is sent
        #: on every ``request``.
        self.machine: MachineCredentials | None = None

    @classmethod
    def for_machine(
        cls,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        base_url: str,
        scopes: Sequence[str] | None = None,
        token_header: str = "Authorization",  # noqa: S107 - a header name, not a secret
        timeout: float = 30.0,
    ) -> CognitoApiClient:
        """A client for a service: client-credentials access tokens, fetched and renewed.

        Example:
            >>> machine = CognitoApiClient.for_machine(
            ...     auth_token_url, client_id, secret, base_url=api_url,
            ...     scopes=["api/reports.read"])  # doctest: +SKIP
            >>> machine.request("GET", "/v1/reports")  # doctest: +SKIP

        Args:
            token_url: The pool's token endpoint (``CognitoApi.token_url``; the local
                emulator's ``LocalApi.token_url``).
            client_id: The machine client's id.
            client_secret: Its secret.
            base_url: The API's URL, stage included.
            scopes: The scopes to ask for; None asks for all the client's.
            token_header: The header the API's authorizer reads.
            timeout: Seconds to wait for each answer.
        """
        client = cls(base_url, token_header=token_header, timeout=timeout)
        client.machine = MachineCredentials(
            token_url, client_id, client_secret, scopes=scopes, timeout=timeout
        )
        return client

    @property
    def base_url(self) -> str:
        """The API's URL, stage included, without a trailing slash."""
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._base_url = check_base_url(value)

    def sign_up(
        self,
        username: str,
        email: str,
        temporary_password: str | None = None,
        *,
        password: str | None = None,
    ) -> SignUpResult:
        """Create an account, in the API's sign-up flow.

        Args:
            username: The name to sign in with.
            email: The user's email address.
            temporary_password: ``ADMIN_CREATE`` flow: the password the first sign-in
                must change (``complete_new_password``).
            password: ``SELF_SERVICE`` flow: the user's password; Cognito emails a
                code for ``confirm_sign_up``.

        Raises:
            ValueError: Unless exactly one of ``temporary_password`` and ``password``
                is given.
        """
        if (temporary_password is None) == (password is None):
            raise ValueError(
                "sign_up needs exactly one of temporary_password (ADMIN_CREATE flow) "
                "and password= (SELF_SERVICE flow)"
            )
        if temporary_password is not None:
            body = self._post(
                "/signup",
                {"username": username, "email": email, "temporary_password": temporary_password},
            )
            return SignUpResult(username=body["username"], user_status=body["user_status"])
        body = self._post("/signup", {"username": username, "email": email, "password": password})
        confirmed = bool(body.get("user_confirmed"))
        delivery = body.get("delivery")
        return SignUpResult(
            username=username,
            user_status="CONFIRMED" if confirmed else "UNCONFIRMED",
            user_confirmed=confirmed,
            delivery=CodeDelivery(
                destination=delivery.get("destination", ""),
                medium=delivery.get("medium", ""),
                attribute=delivery.get("attribute", ""),
            )
            if isinstance(delivery, dict)
            else None,
        )

    def confirm_sign_up(self, username: str, code: str) -> None:
        """Confirm a self-service account with the code Cognito sent."""
        self._post("/signup/confirm", {"username": username, "code": code})

    def resend_confirmation_code(self, username: str) -> None:
        """Ask for a new sign-up code (the API answers the same for unknown users)."""
        self._post("/signup/resend", {"username": username})

    def authenticate(self, username: str, password: str) -> Tokens | Challenge:
        """Sign in: tokens, or the challenge Cognito asks for first."""
        return self._tokens_or_challenge(
            self._post("/auth", {"username": username, "password": password})
        )

    def respond_to_challenge(
        self, challenge: Challenge, responses: Mapping[str, str]
    ) -> Tokens | Challenge:
        """Answer ``challenge``; ``responses`` must include ``USERNAME``."""
        return self._tokens_or_challenge(
            self._post(
                "/challenge",
                {
                    "challenge_name": challenge.name,
                    "session": challenge.session,
                    "challenge_responses": dict(responses),
                },
            )
        )

    def complete_new_password(
        self, username: str, temporary_password: str, new_password: str
    ) -> Tokens:
        """Sign in with the temporary password and set the permanent one, in one call.

        Raises:
            CognitoApiError: with error ``"UnexpectedChallenge"`` when Cognito asks for
                more (``MFA_SETUP`` or ``SOFTWARE_TOKEN_MFA`` when the pool requires
                MFA): its ``challenge`` is that next step, session included, ready for
                ``answer_mfa_setup`` or ``respond_to_challenge``. The message says
                whether the new password was already set.
        """
        step = self.authenticate(username, temporary_password)
        password_set = False
        if isinstance(step, Challenge) and step.name == "NEW_PASSWORD_REQUIRED":
            step = self.respond_to_challenge(
                step, {"USERNAME": username, "NEW_PASSWORD": new_password}
            )
            password_set = True
        if isinstance(step, Challenge):
            done = "The new password is set; " if password_set else ""
            raise CognitoApiError(
                200,
                "UnexpectedChallenge",
                f"{done}Cognito asks for {step.name} next: answer error.challenge.",
                challenge=step,
            )
        return step

    def refresh(self, refresh_token: str | None = None) -> Tokens:
        """Get new id and access tokens with a refresh token.

        Args:
            refresh_token: Defaults to the one in ``tokens``.

        Returns:
            The new tokens (also kept in ``tokens``); ``refresh_token`` is the rotated
            one when the API returns one, else the one used.

        Raises:
            CognitoApiError: 401 ``InvalidRefreshToken`` when it is refused (expired,
                revoked, signed out); ``ValueError`` when there is none to use.
        """
        token = refresh_token or (self.tokens.refresh_token if self.tokens else None)
        if not token:
            raise ValueError("no refresh token: sign in first or pass refresh_token")
        body = self._post("/refresh", {"refresh_token": token})
        tokens = self._tokens_or_challenge(body)
        if isinstance(tokens, Challenge):
            raise CognitoApiError(
                200,
                "UnexpectedChallenge",
                f"Cognito asked for {tokens.name} on refresh.",
                challenge=tokens,
            )
        if tokens.refresh_token is None:
            tokens = replace(tokens, refresh_token=token)
            self.tokens = tokens
        return tokens

    def sign_out(self, *, revoke_refresh_token: bool = True) -> None:
        """Sign the user out everywhere; their refresh tokens stop working.

        Args:
            revoke_refresh_token: Also revoke the refresh token of ``tokens``. Defaults
                to true (the local emulator revokes it too, see its fidelity table).
        """
        body: dict[str, str] = {}
        if revoke_refresh_token and self.tokens is not None and self.tokens.refresh_token:
            body["refresh_token"] = self.tokens.refresh_token
        self._post("/signout", body, with_access_token=True)
        self.tokens = None

    def forgot_password(self, username: str) -> None:
        """Ask for a password reset code (the API answers the same for unknown users)."""
        self._post("/password/forgot", {"username": username})

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        """Set a new password with the reset code."""
        self._post(
            "/password/confirm",
            {"username": username, "code": code, "new_password": new_password},
        )

    def change_password(self, old_password: str, new_password: str) -> None:
        """Change the signed-in user's password."""
        self._post(
            "/password/change",
            {"old_password": old_password, "new_password": new_password},
            with_access_token=True,
        )

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any route of the API, with the id token when signed in.

        A client made with ``for_machine`` sends its access token instead.

        Returns:
            The decoded JSON body, or ``None`` for an empty one.

        Raises:
            ValueError: for a ``path`` that is a URL (``https://...``, ``//host/...``).
            CognitoApiError: for any answer but 2xx, a redirect included.
        """
        sent = dict(headers or {})
        if self.machine is not None:
            sent.setdefault(self.token_header, self.machine.access_token())
        elif self.tokens is not None:
            sent.setdefault(self.token_header, self.tokens.id_token)
        return self._send(method, path, json, sent)

    def _post(self, path: str, body: Mapping[str, Any], *, with_access_token: bool = False) -> Any:
        """Call the auth route declared at ``path`` (its method comes from the contract)."""
        declared = _AUTH_ROUTES[path]
        headers = self._access_header() if with_access_token else {}
        return self._send(declared.method, declared.resource, body, headers) or {}

    def _tokens_or_challenge(self, body: Mapping[str, Any]) -> Tokens | Challenge:
        if "challenge_name" in body:
            return Challenge(
                name=body["challenge_name"],
                session=body["session"],
                parameters=body.get("challenge_parameters") or {},
            )
        self.tokens = Tokens(
            id_token=body["id_token"],
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
            expires_in=int(body["expires_in"]),
            token_type=body["token_type"],
        )
        return self.tokens

    def _send(self, method: str, path: str, body: Any, headers: Mapping[str, str]) -> Any:
        url = under_base(self.base_url, path)
        data = None
        sent = {"Accept": "application/json", **headers}
        if body is not None:
            data = jsonlib.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method.upper(), headers=sent)  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return decode(answer.read())
        except urllib.error.HTTPError as failure:
            if 300 <= failure.code < 400:
                raise redirect_error(failure, url) from None
            raise api_error(failure) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as failure:
            reason = getattr(failure, "reason", failure)
            raise CognitoApiError(0, "ConnectionError", f"{url} unreachable: {reason}") from None
