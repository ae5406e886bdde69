"""The client's lifecycle methods over real HTTP, against the real handler and moto.

A tiny loopback server turns each request into a REST proxy event for the runtime's
``handler`` (the same entry point Lambda calls) and writes its response back, so the
client is tested against the real contract without the emulator. The emulator's
end-to-end tests (tests/e2e/test_lifecycle.py) cover the same path through the gateway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cognito_api_construct.client import (
    Challenge,
    CodeDelivery,
    CognitoApiClient,
    CognitoApiError,
    SignUpResult,
    Tokens,
    TotpSetup,
)
from totp_codes import fresh_totp, wrong_totp

NEW_PASSWORD = "Cl1ent-Passw0rd!x"


@pytest.fixture(scope="module")
def api_url(cognito, make_event) -> Iterator[str]:
    """A loopback HTTP server in front of the runtime handler; yields its base URL."""

    class Adapter(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else None
            event = make_event(
                self.path.split("?")[0].removeprefix("/prod"),
                body,
                content_type=self.headers.get("Content-Type"),
                extra_headers={k: v for k, v in self.headers.items() if k != "Content-Type"},
            )
            response = cognito.module.handler(event, None)
            self.send_response(response["statusCode"])
            for name, value in response["headers"].items():
                self.send_header(name, value)
            payload = response["body"].encode()
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Adapter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/prod/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client(api_url) -> CognitoApiClient:
    return CognitoApiClient(api_url)


@pytest.fixture
def signed_in_client(client, passwords, username) -> CognitoApiClient:
    temporary, new = passwords
    client.sign_up(username, f"{username}@example.com", temporary)
    client.complete_new_password(username, temporary, new)
    return client


def test_sign_up_keeps_its_positional_admin_create_form(client, passwords, username):
    # given / when
    result = client.sign_up(username, f"{username}@example.com", passwords[0])

    # then
    assert result == SignUpResult(username=username, user_status="FORCE_CHANGE_PASSWORD")


@pytest.mark.parametrize(
    "arguments", [{}, {"temporary_password": "Temp-Passw0rd!x", "password": "Self-Passw0rd!x"}]
)
def test_sign_up_needs_exactly_one_password(client, arguments):
    # given / when / then
    with pytest.raises(ValueError, match="exactly one"):
        client.sign_up("ana", "ana@example.com", **arguments)


def test_refresh_keeps_the_refresh_token_cognito_did_not_rotate(signed_in_client):
    # given
    before = signed_in_client.tokens
    assert before is not None

    # when
    after = signed_in_client.refresh()

    # then
    assert isinstance(after, Tokens)
    assert after.access_token != before.access_token
    assert after.refresh_token == before.refresh_token
    assert signed_in_client.tokens == after


def test_sign_out_then_refresh_is_refused(signed_in_client):
    # given
    tokens = signed_in_client.tokens
    assert tokens is not None

    # when (moto has no RevokeToken: only the global sign-out)
    signed_in_client.sign_out(revoke_refresh_token=False)
    with pytest.raises(CognitoApiError) as refused:
        signed_in_client.refresh(tokens.refresh_token)

    # then
    assert signed_in_client.tokens is None
    assert refused.value.status == 401
    assert refused.value.error == "InvalidRefreshToken"


def test_token_routes_without_sign_in_are_missing_token(client):
    # given a client that never signed in
    # when / then
    with pytest.raises(CognitoApiError) as missing:
        client.change_password("a", NEW_PASSWORD)
    assert (missing.value.status, missing.value.error) == (401, "MissingToken")


def test_change_password_then_sign_in_with_it(signed_in_client, passwords, username):
    # given
    _, current = passwords

    # when
    signed_in_client.change_password(current, NEW_PASSWORD)

    # then
    assert isinstance(signed_in_client.authenticate(username, NEW_PASSWORD), Tokens)


def test_forgot_password_and_confirm(signed_in_client, cognito, username, emulated_cognito):
    # given a verified email and the reset code sent to it
    cognito.admin.admin_update_user_attributes(
        UserPoolId=cognito.pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    signed_in_client.forgot_password(username)
    code = emulated_cognito.codes(f"{username}@example.com")[-1]

    # when
    signed_in_client.confirm_forgot_password(username, code, NEW_PASSWORD)

    # then
    assert isinstance(signed_in_client.authenticate(username, NEW_PASSWORD), Tokens)


def test_signed_in_totp_set_up_then_mfa_at_sign_in(
    signed_in_client, passwords, username, monkeypatch
):
    # given moto checking TOTP codes
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")

    # when
    setup = signed_in_client.setup_totp()
    with pytest.raises(CognitoApiError) as wrong:
        signed_in_client.verify_totp(wrong_totp(setup.secret_code))
    verified = signed_in_client.verify_totp(fresh_totp(setup.secret_code))
    step = signed_in_client.authenticate(username, passwords[1])

    # then
    assert setup.session is None
    assert setup.otpauth_uri.startswith("otpauth://totp/")
    assert wrong.value.error == "CodeMismatch"
    assert verified.preferred_mfa == "SOFTWARE_TOKEN_MFA"
    assert isinstance(step, Challenge)
    assert step.name == "SOFTWARE_TOKEN_MFA"


def test_answer_mfa_setup_passes_the_newest_session(client, stubbed, cognito):
    # given Cognito issuing a new session at every step (Stubber: moto accepts any)
    stubbed.add_response(
        "associate_software_token",
        {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "s2" * 20},
        {"Session": "s1" * 20},
    )
    stubbed.add_response(
        "verify_software_token",
        {"Status": "SUCCESS", "Session": "s3" * 20},
        {"Session": "s2" * 20, "UserCode": "123456"},
    )
    stubbed.add_response(
        "respond_to_auth_challenge",
        {
            "AuthenticationResult": {
                "IdToken": "i.d.t",
                "AccessToken": "a.c.t",
                "RefreshToken": "r",
                "ExpiresIn": 3600,
                "TokenType": "Bearer",
            }
        },
        {
            "ClientId": cognito.client_id,
            "ChallengeName": "MFA_SETUP",
            "Session": "s3" * 20,
            "ChallengeResponses": {"USERNAME": "ana", "SECRET_HASH": cognito.secret_hash("ana")},
        },
    )
    shown: list[TotpSetup] = []

    def code_for(setup: TotpSetup) -> str:
        shown.append(setup)
        return "123456"

    # when
    result = client.answer_mfa_setup(
        Challenge(name="MFA_SETUP", session="s1" * 20, parameters={}), "ana", code_for
    )

    # then
    assert isinstance(result, Tokens)
    assert shown[0].secret_code == "JBSWY3DPEHPK3PXP"
    assert "ana" in shown[0].otpauth_uri
    stubbed.assert_no_pending_responses()


def test_self_service_sign_up_confirm_and_resend(client, stubbed, cognito, monkeypatch):
    # given the SELF_SERVICE flow (Stubber: moto has no ResendConfirmationCode)
    monkeypatch.setenv("SIGN_UP_FLOW", "SELF_SERVICE")
    stubbed.add_response(
        "sign_up",
        {
            "UserConfirmed": False,
            "UserSub": "0f4e0a4e-1111-2222-3333-444455556666",
            "CodeDeliveryDetails": {
                "Destination": "a***@e***",
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            },
        },
        {
            "ClientId": cognito.client_id,
            "Username": "ana",
            "Password": NEW_PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "ana@example.com"}],
            "SecretHash": cognito.secret_hash("ana"),
        },
    )
    stubbed.add_response(
        "resend_confirmation_code",
        {},
        {
            "ClientId": cognito.client_id,
            "Username": "ana",
            "SecretHash": cognito.secret_hash("ana"),
        },
    )
    stubbed.add_response(
        "confirm_sign_up",
        {},
        {
            "ClientId": cognito.client_id,
            "Username": "ana",
            "ConfirmationCode": "424242",
            "SecretHash": cognito.secret_hash("ana"),
        },
    )

    # when
    result = client.sign_up("ana", "ana@example.com", password=NEW_PASSWORD)
    client.resend_confirmation_code("ana")
    client.confirm_sign_up("ana", "424242")

    # then
    assert result == SignUpResult(
        username="ana",
        user_status="UNCONFIRMED",
        user_confirmed=False,
        delivery=CodeDelivery(destination="a***@e***", medium="EMAIL", attribute="email"),
    )
    stubbed.assert_no_pending_responses()
