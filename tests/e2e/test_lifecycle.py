"""The account lifecycle end to end: the client, over HTTP, through the emulator.

The app is apps/strict_app (mfa=REQUIRED with TOTP, token header ``X-Api-Token``,
stage ``v2``, a protected ``v1/reports``). The emulator's Cognito really checks TOTP
codes; the tests compute real RFC 6238 codes (tests/totp_codes.py), so no hard-coded
code a lax mock accepts could make them pass. moto's server has no RevokeToken: the
emulator's Cognito front (local/cognito/) answers it, so sign-out here sends
the refresh token, as the client does by default.
"""

from __future__ import annotations

import uuid

import pytest

from cognito_api_construct.client import (
    Challenge,
    CognitoApiClient,
    CognitoApiError,
    Tokens,
    TotpSetup,
)
from cognito_api_construct.local import LocalApi
from totp_codes import fresh_totp, later_totp, wrong_totp

from .helpers import call

TEMPORARY = "Tmp-Pass1!word-xx"
PASSWORD = "N3w-Pass!word-long-1"
NEWER_PASSWORD = "An0ther-Pass!word-long"

pytestmark = pytest.mark.slow


def _client(api: LocalApi) -> CognitoApiClient:
    return CognitoApiClient(api.url, token_header="X-Api-Token")


def _enrolled_user(api: LocalApi) -> tuple[CognitoApiClient, str, str]:
    """A new user through the whole MFA-required path; returns (client, name, secret)."""
    client = _client(api)
    name = f"user-{uuid.uuid4().hex[:10]}"
    client.sign_up(name, f"{name}@example.com", TEMPORARY)
    first = client.authenticate(name, TEMPORARY)
    assert isinstance(first, Challenge)
    assert first.name == "NEW_PASSWORD_REQUIRED"
    setup = client.respond_to_challenge(first, {"USERNAME": name, "NEW_PASSWORD": PASSWORD})
    assert isinstance(setup, Challenge)
    assert setup.name == "MFA_SETUP"
    secrets: list[str] = []

    def code_for(shown: TotpSetup) -> str:
        secrets.append(shown.secret_code)
        return fresh_totp(shown.secret_code)

    tokens = client.answer_mfa_setup(setup, name, code_for)
    assert isinstance(tokens, Tokens), tokens
    return client, name, secrets[0]


def test_new_user_sets_up_totp_then_signs_in_with_it(strict_api: LocalApi) -> None:
    # given a brand-new user who went signup -> auth -> NEW_PASSWORD_REQUIRED ->
    # MFA_SETUP -> /mfa/setup -> /mfa/verify -> tokens
    client, name, secret = _enrolled_user(strict_api)

    # when they sign in again and answer the TOTP challenge, wrong then right
    step = client.authenticate(name, PASSWORD)
    assert isinstance(step, Challenge)
    with pytest.raises(CognitoApiError) as wrong:
        client.respond_to_challenge(
            step, {"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": wrong_totp(secret)}
        )
    tokens = client.respond_to_challenge(
        step, {"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": later_totp(secret)}
    )
    reports = client.request("GET", "v1/reports")

    # then
    assert step.name == "SOFTWARE_TOKEN_MFA"
    assert (wrong.value.status, wrong.value.error) == (400, "CodeMismatch")
    assert isinstance(tokens, Tokens)
    assert reports["user"] == name


def test_refresh_then_sign_out_then_refresh_is_refused(strict_api: LocalApi) -> None:
    # given a signed-in user
    client, name, _ = _enrolled_user(strict_api)
    assert client.tokens is not None
    refresh_token = client.tokens.refresh_token

    # when they refresh, call a protected route with the new id token, and sign out
    refreshed = client.refresh()
    reports = client.request("GET", "v1/reports")
    assert client.tokens is not None
    signed_out = call(
        "POST",
        f"{strict_api.url}signout",
        {"refresh_token": refresh_token},  # what sign_out() sends by default
        headers={"X-Api-Token": client.tokens.access_token},
    )
    with pytest.raises(CognitoApiError) as refused:
        client.refresh(refresh_token)

    # then
    assert signed_out.status == 204, signed_out.body
    assert refreshed.refresh_token == refresh_token
    assert reports["user"] == name
    assert (refused.value.status, refused.value.error) == (401, "InvalidRefreshToken")


def test_token_routes_read_the_custom_header(strict_api: LocalApi) -> None:
    # given a signed-in user's access token, sent in the default header instead
    client, name, _ = _enrolled_user(strict_api)
    assert client.tokens is not None
    wrong_header = call(
        "POST",
        f"{strict_api.url}password/change",
        {"old_password": PASSWORD, "new_password": NEWER_PASSWORD},
        headers={"Authorization": client.tokens.access_token},
    )

    # when the client sends it in the app's token header
    client.change_password(PASSWORD, NEWER_PASSWORD)

    # then
    assert wrong_header.status == 401
    assert wrong_header.json()["error"] == "MissingToken"
    # the new password now leads to the TOTP challenge
    assert isinstance(client.authenticate(name, NEWER_PASSWORD), Challenge)


def test_forgot_password_answers_the_same_for_a_real_and_an_unknown_user(
    strict_api: LocalApi,
) -> None:
    # given
    _, name, _ = _enrolled_user(strict_api)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}"

    # when
    real = call("POST", f"{strict_api.url}password/forgot", {"username": name})
    missing = call("POST", f"{strict_api.url}password/forgot", {"username": unknown})

    # then
    assert real.status == missing.status == 202
    assert real.body == missing.body
