"""The client reaches every auth route the contract declares, by the declared method."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_api_construct.client import Challenge, CognitoApiClient, Tokens
from cognito_api_construct.runtime.contract import ROUTES

CHALLENGE = Challenge(name="NEW_PASSWORD_REQUIRED", session="s" * 40, parameters={})
TOKENS = Tokens("id", "access", "refresh", 3600, "Bearer")


def test_every_declared_route_has_a_client_method(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a client whose transport records what it would send
    sent: list[tuple[str, str]] = []

    def record(self: Any, method: str, path: str, body: Any, headers: Any) -> Any:
        sent.append((method, path))
        if path == "/mfa/setup":
            return {"secret_code": "S", "otpauth_uri": "otpauth://totp/x", "session": "s" * 40}
        if path == "/me" and method == "GET":
            return {"username": "ada", "attributes": {}, "mfa": {}}
        if path == "/passkeys/register":
            return {"credential_creation_options": {}}
        if path == "/passkeys/abc":
            path = "/passkeys/{credential_id}"
            sent[-1] = (method, path)
        if path in ("/auth", "/auth/start", "/challenge", "/refresh"):
            return {"id_token": "i", "access_token": "a", "refresh_token": "r",
                    "expires_in": 1, "token_type": "Bearer"}  # fmt: skip
        if path == "/signup":
            return {"username": "ada", "user_status": "X", "user_confirmed": False}
        return {}

    monkeypatch.setattr(CognitoApiClient, "_send", record)
    client = CognitoApiClient("https://api.example.com/prod")
    client.tokens = TOKENS

    # when every public method of the client is called once
    client.sign_up("ada", "ada@example.com", "Temp-Passw0rd!x")
    client.sign_up("ada", "ada@example.com", password="Passw0rd!long")
    client.confirm_sign_up("ada", "123456")
    client.resend_confirmation_code("ada")
    client.authenticate("ada", "pw")
    client.respond_to_challenge(CHALLENGE, {"USERNAME": "ada"})
    client.refresh()
    client.forgot_password("ada")
    client.confirm_forgot_password("ada", "123456", "pw")
    client.change_password("old", "new")
    client.setup_totp()
    client.verify_totp("123456")
    client.tokens = TOKENS
    client.sign_out()
    client._post("/login", {"username": "ada", "password": "pw"})
    client.tokens = TOKENS
    client.start_sign_in("ada", "EMAIL_OTP")
    client.start_passkey_registration()
    client.complete_passkey_registration({"id": "abc", "type": "public-key"})
    client.list_passkeys()
    client.delete_passkey("abc")
    client.tokens = TOKENS
    client.get_me()
    client.update_me({"given_name": "Ada"})
    client.verify_attribute("email", "123456")
    client.delete_me()

    # then it sent to every declared route, each with its declared method
    assert set(sent) == {(declared.method, declared.resource) for declared in ROUTES}


def test_a_path_the_contract_does_not_declare_is_refused() -> None:
    with pytest.raises(KeyError):
        CognitoApiClient("https://api.example.com/prod")._post("/nowhere", {})
