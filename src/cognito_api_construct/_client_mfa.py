"""The client's TOTP methods: set up and verify an authenticator app, answer MFA_SETUP.

A mixin of :class:`cognito_api_construct.client.CognitoApiClient`.
"""

from __future__ import annotations

from collections.abc import Callable

from ._client_http import ClientCore
from ._client_results import Challenge, Tokens, TotpSetup, TotpVerification

__all__ = ["MfaMixin"]


class MfaMixin(ClientCore):
    """``answer_mfa_setup``, ``setup_totp``, ``verify_totp``."""

    def answer_mfa_setup(
        self, challenge: Challenge, username: str, code_for: Callable[[TotpSetup], str]
    ) -> Tokens | Challenge:
        """Complete an ``MFA_SETUP`` challenge with TOTP, passing the newest session on.

        Args:
            challenge: The ``MFA_SETUP`` challenge.
            username: The user signing in (also labels the authenticator entry).
            code_for: Shows the secret to the user (e.g. as a QR code of
                ``otpauth_uri``) and returns the code their app displays.

        Returns:
            Tokens, or the next challenge.
        """
        setup = self.setup_totp(challenge, username=username)
        verified = self.verify_totp(code_for(setup), session=setup.session)
        return self.respond_to_challenge(
            Challenge(name="MFA_SETUP", session=verified.session or "", parameters={}),
            {"USERNAME": username},
        )

    def setup_totp(
        self, session: Challenge | str | None = None, *, username: str | None = None
    ) -> TotpSetup:
        """Get a TOTP secret for an authenticator app.

        Args:
            session: During sign-in, the ``MFA_SETUP`` challenge (or its session).
                Defaults to none: set up TOTP for the signed-in user (access token).
            username: Labels the entry in the authenticator app. Defaults to the
                signed-in user's name, or "account" during sign-in.
        """
        body: dict[str, str] = {}
        session_value = session.session if isinstance(session, Challenge) else session
        if session_value:
            body["session"] = session_value
        if username:
            body["username"] = username
        answer = self._post("/mfa/setup", body, with_access_token=not session_value)
        return TotpSetup(
            secret_code=answer["secret_code"],
            otpauth_uri=answer["otpauth_uri"],
            session=answer.get("session"),
        )

    def verify_totp(self, code: str, *, session: str | None = None) -> TotpVerification:
        """Check a code from the authenticator app.

        Args:
            code: The six digits the app shows.
            session: During sign-in, ``TotpSetup.session``. Defaults to none: verify for
                the signed-in user, which makes TOTP their preferred second factor.

        Raises:
            CognitoApiError: 400 ``CodeMismatch`` for a wrong code.
        """
        body = {"code": code}
        if session:
            body["session"] = session
        answer = self._post("/mfa/verify", body, with_access_token=not session)
        return TotpVerification(
            session=answer.get("session"), preferred_mfa=answer.get("preferred_mfa")
        )
