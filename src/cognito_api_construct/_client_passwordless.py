"""The client's passwordless methods: choice-based sign-in and the user's passkeys.

A mixin of :class:`cognito_api_construct.client.CognitoApiClient` (the routes exist when
the construct's ``sign_in_policy`` allows a first factor other than the password).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ._client_http import ClientCore
from ._client_results import Challenge, Passkey, Tokens

__all__ = ["PasswordlessMixin"]


class PasswordlessMixin(ClientCore):
    """``start_sign_in`` and the passkey methods, over the client's own transport."""

    def start_sign_in(
        self, username: str, preferred_challenge: str | None = None
    ) -> Tokens | Challenge:
        """Start a choice-based sign-in: the first factor's challenge, or tokens.

        Args:
            username: The user.
            preferred_challenge: ``"EMAIL_OTP"``, ``"SMS_OTP"``, ``"WEB_AUTHN"`` or
                ``"PASSWORD"``; None lets Cognito answer ``SELECT_CHALLENGE`` with the
                factors this user can use (``parameters["available_challenges"]``).

        Returns:
            Tokens, or the challenge to pass to ``respond_to_challenge``: for
            ``EMAIL_OTP`` ``{"USERNAME", "EMAIL_OTP_CODE"}``, for ``WEB_AUTHN``
            ``{"USERNAME", "CREDENTIAL"}`` (the JSON of the browser's credential), for
            ``SELECT_CHALLENGE`` ``{"USERNAME", "ANSWER"}``.
        """
        body: dict[str, str] = {"username": username}
        if preferred_challenge:
            body["preferred_challenge"] = preferred_challenge
        return self._tokens_or_challenge(self._post("/auth/start", body))

    def start_passkey_registration(self) -> dict[str, Any]:
        """The options to create a passkey for the signed-in user.

        Returns:
            ``credential_creation_options``: pass it to the browser's
            ``PublicKeyCredential.parseCreationOptionsFromJSON`` and
            ``navigator.credentials.create``.
        """
        answer = self._post("/passkeys/register", {}, with_access_token=True)
        options: dict[str, Any] = answer["credential_creation_options"]
        return options

    def complete_passkey_registration(self, credential: Mapping[str, Any]) -> None:
        """Register the passkey the browser created (its ``credential.toJSON()``)."""
        self._post(
            "/passkeys/register/complete", {"credential": dict(credential)}, with_access_token=True
        )

    def list_passkeys(self) -> list[Passkey]:
        """The signed-in user's passkeys."""
        answer = self._send("GET", "/passkeys", None, self._access_header())
        return [
            Passkey(
                credential_id=item["credential_id"],
                friendly_name=item.get("friendly_name"),
                relying_party_id=item["relying_party_id"],
                authenticator_attachment=item.get("authenticator_attachment"),
                created_at=item["created_at"],
            )
            for item in (answer or {}).get("passkeys", [])
        ]

    def delete_passkey(self, credential_id: str) -> None:
        """Delete one of the signed-in user's passkeys (404 ``NotFound`` if none has the id)."""
        path = "/passkeys/" + quote(credential_id, safe="")
        self._send("DELETE", path, None, self._access_header())
