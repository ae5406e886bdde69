"""The self-service sign-up flow and password reset, with the client, through the emulator.

The app is apps/self_service_app (``SignUpFlow.SELF_SERVICE``, default header and
policy, a protected ``GET whoami``). The emulator's Cognito sends its codes to the
outbox (``LocalApi.outbox``): the tests read the code a user would read in their email.
The runtime tests pin the Cognito calls behind these routes; these prove the routes,
models and authorizer of the synthesized app answer the contract over HTTP.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from cognito_api_construct.client import CognitoApiClient, CognitoApiError, Tokens
from cognito_api_construct.local import LocalApi

from .helpers import call, cognito

PASSWORD = "Corr3ct-Horse!Battery"
NEW_PASSWORD = "N3w-Horse!Battery-staple"
README = Path(__file__).resolve().parents[2] / "README.md"

pytestmark = pytest.mark.slow


def _new_username() -> str:
    return f"self-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def client(self_service_api: LocalApi) -> CognitoApiClient:
    return CognitoApiClient(self_service_api.url)


def _last_code(api: LocalApi, name: str) -> str:
    """The newest code emailed to the user ``name`` (``<name>@example.com``)."""
    return str(api.outbox(f"{name}@example.com")[-1]["code"])


def _confirmed_user(api: LocalApi, client: CognitoApiClient) -> str:
    """A signed-up and confirmed user with ``PASSWORD``; returns the username."""
    name = _new_username()
    client.sign_up(name, f"{name}@example.com", password=PASSWORD)
    client.confirm_sign_up(name, _last_code(api, name))
    return name


def test_sign_up_confirm_then_sign_in_and_call_the_protected_route(
    self_service_api: LocalApi, client: CognitoApiClient
) -> None:
    # given a new user who signs up with their own password
    name = _new_username()
    created = client.sign_up(name, f"{name}@example.com", password=PASSWORD)

    # when they sign in before confirming, confirm, sign in again and call the route
    with pytest.raises(CognitoApiError) as unconfirmed:
        client.authenticate(name, PASSWORD)
    client.confirm_sign_up(name, _last_code(self_service_api, name))
    tokens = client.authenticate(name, PASSWORD)
    whoami = client.request("GET", "whoami")

    # then the account only worked once confirmed, and the id token reaches the route
    assert (created.username, created.user_status, created.user_confirmed) == (
        name,
        "UNCONFIRMED",
        False,
    )
    assert created.delivery is not None
    assert (created.delivery.medium, created.delivery.attribute) == ("EMAIL", "email")
    assert f"{name}@example.com" not in created.delivery.destination  # masked
    assert (unconfirmed.value.status, unconfirmed.value.error) == (403, "UserNotConfirmed")
    assert isinstance(tokens, Tokens)
    assert whoami == {"user": name, "path": "/whoami"}


def test_sign_up_answers_201_with_the_contracts_body(self_service_api: LocalApi) -> None:
    # given a new username
    name = _new_username()

    # when it signs up over plain HTTP
    reply = call(
        "POST",
        f"{self_service_api.url}signup",
        {"username": name, "email": f"{name}@example.com", "password": PASSWORD},
    )

    # then the body is exactly the README's
    assert reply.status == 201
    body = reply.json()
    assert body["user_confirmed"] is False
    assert set(body["delivery"]) == {"destination", "medium", "attribute"}
    assert (body["delivery"]["medium"], body["delivery"]["attribute"]) == ("EMAIL", "email")


def test_confirm_for_an_unknown_user_answers_like_a_wrong_code(client: CognitoApiClient) -> None:
    # given a username nobody signed up with
    unknown = _new_username()

    # when it is confirmed
    with pytest.raises(CognitoApiError) as refused:
        client.confirm_sign_up(unknown, "123456")

    # then the answer is a wrong code's, which says nothing about who has an account
    assert (refused.value.status, refused.value.error) == (400, "CodeMismatch")


def test_confirm_without_a_code_is_refused_by_the_gateway_model(
    self_service_api: LocalApi,
) -> None:
    # given a user waiting for confirmation
    name = _new_username()
    CognitoApiClient(self_service_api.url).sign_up(name, f"{name}@example.com", password=PASSWORD)

    # when /signup/confirm is posted without its code
    reply = call("POST", f"{self_service_api.url}signup/confirm", {"username": name})

    # then the model refuses it and the account stays unconfirmed
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidRequestBody"
    user = cognito(self_service_api).admin_get_user(
        UserPoolId=self_service_api.user_pool_id, Username=name
    )
    assert user["UserStatus"] == "UNCONFIRMED"


def test_the_admin_create_body_is_refused_by_the_gateway_model(
    self_service_api: LocalApi,
) -> None:
    # given the ADMIN_CREATE flow's body, with a temporary password
    name = _new_username()
    body = {"username": name, "email": f"{name}@example.com", "temporary_password": PASSWORD}

    # when it is posted to this app's /signup
    reply = call("POST", f"{self_service_api.url}signup", body)

    # then the SELF_SERVICE model refuses it before the Lambda: no user was created
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidRequestBody"
    users = cognito(self_service_api).list_users(
        UserPoolId=self_service_api.user_pool_id, Filter=f'username = "{name}"'
    )
    assert users["Users"] == []


def test_resend_answers_202_with_the_one_body_for_a_real_and_an_unknown_user(
    self_service_api: LocalApi, client: CognitoApiClient
) -> None:
    # given a user waiting for confirmation
    name = _new_username()
    client.sign_up(name, f"{name}@example.com", password=PASSWORD)
    url = f"{self_service_api.url}signup/resend"

    # when they, and someone naming an unknown user, ask for a new code
    real = call("POST", url, {"username": name})
    unknown = call("POST", url, {"username": _new_username()})

    # then both get the README's 202 {"message"}, the same body; the user got a new
    # code, which replaced the first one
    assert (real.status, unknown.status) == (202, 202)
    assert real.body == unknown.body
    assert set(real.json()) == {"message"}
    first, second = self_service_api.outbox(f"{name}@example.com")
    assert (first["trigger_source"], second["trigger_source"]) == (
        "CustomMessage_SignUp",
        "CustomMessage_ResendCode",
    )
    with pytest.raises(CognitoApiError) as stale:
        client.confirm_sign_up(name, first["code"])
    assert (stale.value.status, stale.value.error) == (400, "ExpiredCode")
    client.confirm_sign_up(name, second["code"])


def test_forgot_then_confirm_with_the_code_replaces_the_password(
    self_service_api: LocalApi, client: CognitoApiClient
) -> None:
    # given a confirmed user (so their email is verified) who forgot their password
    name = _confirmed_user(self_service_api, client)
    client.forgot_password(name)
    message = self_service_api.outbox(f"{name}@example.com")[-1]
    code = str(message["code"])

    # when they send a wrong code, then the right one with a new password
    with pytest.raises(CognitoApiError) as wrong:
        client.confirm_forgot_password(name, "000000" if code != "000000" else "111111",
                                       NEW_PASSWORD)  # fmt: skip
    client.confirm_forgot_password(name, code, NEW_PASSWORD)

    # then the reset email carried the code, the wrong code was a 400 CodeMismatch, and
    # only the new password signs in
    assert message["trigger_source"] == "CustomMessage_ForgotPassword"
    assert code in message["body"]
    assert (wrong.value.status, wrong.value.error) == (400, "CodeMismatch")
    with pytest.raises(CognitoApiError) as old:
        client.authenticate(name, PASSWORD)
    assert (old.value.status, old.value.error) == (401, "NotAuthorized")
    assert isinstance(client.authenticate(name, NEW_PASSWORD), Tokens)


def test_forgot_password_never_exposes_the_code(self_service_api: LocalApi) -> None:
    # given a confirmed user
    name = _confirmed_user(self_service_api, CognitoApiClient(self_service_api.url))

    # when they ask for a reset code through the API
    reply = call("POST", f"{self_service_api.url}password/forgot", {"username": name})

    # then the answer is the uniform 202; the code went to the email only
    assert reply.status == 202
    assert set(reply.json()) == {"message"}
    code = str(self_service_api.outbox(f"{name}@example.com")[-1]["code"])
    assert code.encode() not in reply.body
    assert code not in "".join(f"{k}{v}" for k, v in reply.headers.items())
