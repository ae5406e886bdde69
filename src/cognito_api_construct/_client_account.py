"""The client's methods for the signed-in user's own account (``/me``).

A mixin of :class:`cognito_api_construct.client.CognitoApiClient`: each call sends the
access token of ``tokens`` in the token header.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._client_http import ClientCore
from ._client_results import Me

__all__ = ["AccountMixin"]


class AccountMixin(ClientCore):
    """``get_me``, ``update_me``, ``verify_attribute``, ``delete_me``."""

    def get_me(self) -> Me:
        """The signed-in user: username, readable attributes, MFA settings."""
        answer = self._send("GET", "/me", None, self._access_header()) or {}
        mfa = answer.get("mfa") or {}
        return Me(
            username=answer["username"],
            attributes=dict(answer.get("attributes") or {}),
            preferred_mfa=mfa.get("preferred"),
            enabled_mfa=tuple(mfa.get("enabled") or ()),
        )

    def update_me(self, attributes: Mapping[str, str]) -> list[str]:
        """Change the user's attributes (an empty value deletes one).

        Returns:
            The attributes that take effect once verified with ``verify_attribute``
            (a new email or phone number: the code went there).
        """
        answer = self._send("PATCH", "/me", {"attributes": dict(attributes)}, self._access_header())
        return list((answer or {}).get("verification_required") or [])

    def verify_attribute(self, name: str, code: str) -> None:
        """Verify ``email`` or ``phone_number`` with the code sent to it."""
        self._post("/me/verify", {"attribute": name, "code": code}, with_access_token=True)

    def delete_me(self) -> None:
        """Delete the signed-in user's account; ``tokens`` is cleared."""
        self._send("DELETE", "/me", None, self._access_header())
        self.tokens = None
