"""The rest of the lifecycle in the ADMIN_CREATE flow, with the client, through the emulator.

The app is examples/gpt_app (``mfa=OPTIONAL`` with TOTP, header ``Auth``), served once
per session by the ``gpt_api`` fixture. A signed-in user enrols TOTP with the access
token; the emulator's Cognito really checks TOTP codes, so the tests type real RFC 6238
codes (tests/totp_codes.py). ``/signout`` without a usable access token is refused, and
the self-service routes do not exist in this flow.
"""

from __future__ import annotations

import uuid

import pytest

from cognito_api_construct.client import (
    Challenge,
    CognitoApiClient,
    CognitoApiError,
    Tokens,
)
from cognito_api_construct.local import LocalApi
from totp_codes import fresh_totp, later_totp, wrong_totp

from .helpers import call

TEMPORARY = "Tmp-Pass1!word"
PASSWORD = "N3w-Pass!word-long"
ISSUER = "GptAppStack"  # totp_issuer defaults to the stack name

pytestmark = pytest.mark.slow


@pytest.fixture
def client(gpt_api: LocalApi) -> CognitoApiClient:
    return CognitoApiClient(gpt_api.url, token_header="Auth")


def _signed_in_user(client: CognitoApiClient) -> str:
    """A new user who set their password and holds tokens; returns the username."""
    name = f"more-{uuid.uuid4().hex[:10]}"
    client.sign_up(name, f"{name}@example.com", TEMPORARY)
    client.complete_new_password(name, TEMPORARY, PASSWORD)
    return name


def test_signed_in_user_enrols_totp_then_signs_in_with_it(client: CognitoApiClient) -> None:
    # given a signed-in user of the MFA-optional app, who has no second factor yet
    name = _signed_in_user(client)

    # when they set up TOTP with their access token, verify a wrong then a real code
    setup = client.setup_totp()
    with pytest.raises(CognitoApiError) as wrong_setup_code:
        client.verify_totp(wrong_totp(setup.secret_code))
    verified = client.verify_totp(fresh_totp(setup.secret_code))
    # and sign in again, answering the TOTP challenge wrong, then right
    step = client.authenticate(name, PASSWORD)
    assert isinstance(step, Challenge)
    with pytest.raises(CognitoApiError) as wrong_sign_in_code:
        client.respond_to_challenge(
            step, {"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": wrong_totp(setup.secret_code)}
        )
    tokens = client.respond_to_challenge(
        step, {"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": later_totp(setup.secret_code)}
    )

    # then set-up gave an app-ready URI and no session, TOTP became the preferred
    # factor, the next sign-in asked for it, and only the real codes passed
    assert setup.session is None
    assert setup.otpauth_uri == (
        f"otpauth://totp/{ISSUER}:{name}?secret={setup.secret_code}&issuer={ISSUER}"
    )
    assert (wrong_setup_code.value.status, wrong_setup_code.value.error) == (400, "CodeMismatch")
    assert verified.preferred_mfa == "SOFTWARE_TOKEN_MFA"
    assert verified.session is None
    assert step.name == "SOFTWARE_TOKEN_MFA"
    assert (wrong_sign_in_code.value.status, wrong_sign_in_code.value.error) == (
        400,
        "CodeMismatch",
    )
    assert isinstance(tokens, Tokens)


def test_signed_in_totp_setup_without_an_access_token_is_refused(
    client: CognitoApiClient,
) -> None:
    # given a client that never signed in
    # when it asks for a TOTP secret with neither a session nor an access token
    with pytest.raises(CognitoApiError) as refused:
        client.setup_totp()

    # then
    assert (refused.value.status, refused.value.error) == (401, "MissingToken")


def test_sign_out_without_a_token_is_missing_token(client: CognitoApiClient) -> None:
    # given a client that never signed in, so it sends no token header
    # when it signs out
    with pytest.raises(CognitoApiError) as refused:
        client.sign_out()

    # then
    assert (refused.value.status, refused.value.error) == (401, "MissingToken")


@pytest.mark.parametrize("token", ["not-a-token", "Bearer not-a-token", "e30.e30.c2ln"])
def test_sign_out_with_a_garbage_token_is_invalid_token(gpt_api: LocalApi, token: str) -> None:
    # given a value in the token header that Cognito never issued
    # when /signout is called with it
    reply = call("POST", f"{gpt_api.url}signout", {}, headers={"Auth": token})

    # then Cognito refuses it, and the API says so in its stable shape
    assert reply.status == 401
    assert reply.json()["error"] == "InvalidToken"


def test_a_signed_out_access_token_is_refused_by_the_token_routes(
    gpt_api: LocalApi, client: CognitoApiClient
) -> None:
    # given a user who signed out (the refresh token revoked too, as by default)
    _signed_in_user(client)
    assert client.tokens is not None
    access_token = client.tokens.access_token
    client.sign_out()

    # when the old access token is used on routes that act for a signed-in user
    again = call("POST", f"{gpt_api.url}signout", {}, headers={"Auth": access_token})
    setup = call("POST", f"{gpt_api.url}mfa/setup", {}, headers={"Auth": access_token})
    change = call(
        "POST",
        f"{gpt_api.url}password/change",
        {"old_password": PASSWORD, "new_password": "An0ther-Pass!word-long"},
        headers={"Auth": access_token},
    )

    # then Cognito itself refuses it (the gateway authorizer would accept it until exp)
    assert (again.status, again.json()["error"]) == (401, "InvalidToken")
    assert (setup.status, setup.json()["error"]) == (401, "InvalidToken")
    # Only the status here: ChangePassword answers a refused token and a wrong old
    # password with the same NotAuthorizedException, told apart by Cognito's message,
    # and moto's message is the token itself, so locally this is 401 NotAuthorized.
    # tests/runtime pins InvalidToken against the real service's messages (Stubber).
    assert change.status == 401


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("signup/confirm", {"username": "ada", "code": "123456"}),
        ("signup/resend", {"username": "ada"}),
    ],
)
def test_self_service_routes_do_not_exist_in_the_admin_create_flow(
    gpt_api: LocalApi, path: str, body: dict[str, str]
) -> None:
    # given the ADMIN_CREATE app (the default flow)
    # when a self-service route is called
    reply = call("POST", f"{gpt_api.url}{path}", body)

    # then the gateway has no such method, as API Gateway answers for unknown routes
    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}
