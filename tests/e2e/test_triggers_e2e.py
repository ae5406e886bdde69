"""The user pool's Lambda triggers through the emulator, over HTTP, as a user meets them.

The app is apps/trigger_app (``SignUpFlow.SELF_SERVICE``): a Python pre sign-up gate
(``@example.com`` only), a Node.js custom message trigger (the sign-up and password
reset emails in the app's words), and a pre token generation trigger that adds the
user's ``tenant``: V1_0 in ``TriggerV1Stack`` (id token only), V2_0 in
``TriggerV2Stack`` (both tokens, plus the ``reports/read`` scope its ``reports`` route
asks for). The emulator runs the triggers in its workers and delivers the messages to
its outbox, where the tests read what the user would read. The last test is the
MFA-required app (apps/strict_app): a user who never sets MFA up never gets tokens.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from cognito_api_construct.client import Challenge, CognitoApiClient, CognitoApiError, Tokens
from cognito_api_construct.local import LocalApi

from .helpers import call, cognito

PASSWORD = "Corr3ct-Horse!Battery"
NEW_PASSWORD = "N3w-Horse!Battery-staple"
TENANT = "example.com"
USER_SCOPE = "aws.cognito.signin.user.admin"

pytestmark = pytest.mark.slow


def _new_username() -> str:
    return f"trig-{uuid.uuid4().hex[:10]}"


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload, decoded without checking its signature (the gateway checks it)."""
    payload = token.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return claims


def _outbox(api: LocalApi, name: str) -> list[dict[str, Any]]:
    """The messages sent to the user ``name`` (``<name>@example.com``), oldest first."""
    return api.outbox(f"{name}@{TENANT}")


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _confirmed_user(api: LocalApi) -> tuple[str, CognitoApiClient]:
    """A signed-up user, confirmed with the emailed code; returns the name and a client."""
    client = CognitoApiClient(api.url)
    name = _new_username()
    client.sign_up(name, f"{name}@{TENANT}", password=PASSWORD)
    client.confirm_sign_up(name, str(_outbox(api, name)[-1]["code"]))
    return name, client


def _signed_in(client: CognitoApiClient, name: str, password: str = PASSWORD) -> Tokens:
    tokens = client.authenticate(name, password)
    assert isinstance(tokens, Tokens), tokens
    return tokens


def test_the_pre_sign_up_gate_refuses_an_address_outside_the_allowed_domain(
    trigger_v1_api: LocalApi,
) -> None:
    """A pre sign-up trigger that raises refuses the sign-up; no user is created.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
    (a function error fails the call with UserLambdaValidationException).
    """
    # given a new user whose email is not at the allowed domain
    name = _new_username()
    body = {"username": name, "email": f"{name}@elsewhere.test", "password": PASSWORD}

    # when they sign up
    reply = call("POST", f"{trigger_v1_api.url}signup", body)

    # then the gate's refusal is a 403 RequestRejected that does not pass its message on,
    # no account exists and no email was sent
    assert reply.status == 403
    assert reply.json()["error"] == "RequestRejected"
    assert "domain" not in reply.json()["message"]
    users = cognito(trigger_v1_api).list_users(
        UserPoolId=trigger_v1_api.user_pool_id, Filter=f'username = "{name}"'
    )
    assert users["Users"] == []
    assert trigger_v1_api.outbox(f"{name}@elsewhere.test") == []


def test_sign_up_emails_the_custom_message_and_only_its_code_confirms(
    trigger_v1_api: LocalApi,
) -> None:
    """The custom message trigger words the sign-up email; the code in it confirms.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
    (CustomMessage_SignUp, the ``{####}`` code parameter);
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html
    (CodeMismatchException for a wrong code);
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html
    (confirming verifies the address the code went to).
    """
    # given a user at the allowed domain who signs up
    client = CognitoApiClient(trigger_v1_api.url)
    name = _new_username()
    created = client.sign_up(name, f"{name}@{TENANT}", password=PASSWORD)
    (message,) = _outbox(trigger_v1_api, name)
    code = str(message["code"])

    # when they send a wrong code, then the emailed one
    with pytest.raises(CognitoApiError) as wrong:
        client.confirm_sign_up(name, _wrong(code))
    status_after_wrong = cognito(trigger_v1_api).admin_get_user(
        UserPoolId=trigger_v1_api.user_pool_id, Username=name
    )["UserStatus"]
    client.confirm_sign_up(name, code)

    # then the email is the Node.js trigger's, with a real code; the wrong code was a
    # 400 CodeMismatch that left the account unconfirmed; the right one confirmed it and
    # verified the email
    assert created.user_confirmed is False
    assert message["trigger_source"] == "CustomMessage_SignUp"
    assert message["subject"] == "Welcome to Trigger App"
    assert message["body"] == f"Hello {name}, confirm your account with code {code}."
    assert code.isdigit()
    assert len(code) == 6
    assert (wrong.value.status, wrong.value.error) == (400, "CodeMismatch")
    assert status_after_wrong == "UNCONFIRMED"
    user = cognito(trigger_v1_api).admin_get_user(
        UserPoolId=trigger_v1_api.user_pool_id, Username=name
    )
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (user["UserStatus"], attributes["email_verified"]) == ("CONFIRMED", "true")


def test_v1_token_trigger_adds_the_claim_to_the_id_token_and_refresh_keeps_it(
    trigger_v1_api: LocalApi,
) -> None:
    """A V1_0 pre token generation trigger customises the id token only, on every minting.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
    (``claimsOverrideDetails.claimsToAddOrOverride``; TokenGeneration_Authentication and
    TokenGeneration_RefreshTokens);
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
    """
    # given a confirmed user
    name, client = _confirmed_user(trigger_v1_api)

    # when they sign in, call the protected route, and refresh their tokens
    tokens = _signed_in(client, name)
    whoami = client.request("GET", "whoami")
    refreshed = client.refresh()

    # then the id token carries the trigger's claims, the route's authorizer passes them
    # on, the access token has none of them, and the refreshed id token has them again
    # from a new run of the trigger
    id_claims, access_claims = _claims(tokens.id_token), _claims(tokens.access_token)
    assert (id_claims["tenant"], id_claims["minted_by"]) == (
        TENANT,
        "TokenGeneration_Authentication",
    )
    assert id_claims["cognito:username"] == name
    assert "tenant" not in access_claims
    assert access_claims["scope"] == USER_SCOPE
    assert whoami == {"user": name, "token_use": "id", "tenant": TENANT, "path": "/whoami"}
    again = _claims(refreshed.id_token)
    assert (again["tenant"], again["minted_by"]) == (TENANT, "TokenGeneration_RefreshTokens")
    assert again["auth_time"] == id_claims["auth_time"]
    assert client.request("GET", "whoami")["tenant"] == TENANT


def test_v2_token_trigger_adds_claims_to_both_tokens_and_the_routes_scope(
    trigger_v2_api: LocalApi,
) -> None:
    """A V2_0 trigger customises the id and the access token, and may add scopes.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
    (``claimsAndScopeOverrideDetails``: ``idTokenGeneration``, ``accessTokenGeneration``
    with ``scopesToAdd``; V2 claim values may be arrays);
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
    """
    # given a confirmed user, and the app's reports route that wants reports/read
    name, client = _confirmed_user(trigger_v2_api)
    reports = f"{trigger_v2_api.url}reports"

    # when they sign in, call the scoped route with each token, and refresh
    tokens = _signed_in(client, name)
    with_access = call("GET", reports, headers={"Authorization": tokens.access_token})
    with_id = call("GET", reports, headers={"Authorization": tokens.id_token})
    refreshed = client.refresh()

    # then both tokens carry the tenant, the id token the other claims too, the access
    # token the added scope next to Cognito's own; the scope opens the route to the
    # access token only; the refreshed tokens keep all of it
    id_claims, access_claims = _claims(tokens.id_token), _claims(tokens.access_token)
    assert (id_claims["tenant"], id_claims["roles"], id_claims["minted_by"]) == (
        TENANT,
        ["reader"],
        "TokenGeneration_Authentication",
    )
    assert access_claims["tenant"] == TENANT
    assert access_claims["scope"].split() == [USER_SCOPE, "reports/read"]
    assert (access_claims["username"], access_claims["token_use"]) == (name, "access")
    assert with_access.status == 200
    assert with_access.json() == {
        "user": name,
        "token_use": "access",
        "tenant": TENANT,
        "path": "/reports",
    }
    assert with_id.status == 401
    assert client.request("GET", "whoami")["tenant"] == TENANT
    again_id, again_access = _claims(refreshed.id_token), _claims(refreshed.access_token)
    assert (again_id["tenant"], again_id["minted_by"]) == (TENANT, "TokenGeneration_RefreshTokens")
    assert again_access["tenant"] == TENANT
    assert "reports/read" in again_access["scope"].split()
    assert call("GET", reports, headers={"Authorization": refreshed.access_token}).status == 200


def test_password_reset_emails_the_custom_message_and_the_new_password_signs_in(
    trigger_v2_api: LocalApi,
) -> None:
    """The custom message trigger words the reset email; its code sets the new password.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
    (CustomMessage_ForgotPassword);
    https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html
    """
    # given a confirmed user (their email verified) who forgot their password, and the
    # reset email as the emulator's outbox serves it over HTTP
    name, client = _confirmed_user(trigger_v2_api)
    client.forgot_password(name)
    query = urlencode({"to": f"{name}@{TENANT}"})
    outbox = call("GET", f"{trigger_v2_api.root_url}/_outbox?{query}")
    message = outbox.json()["messages"][-1]
    code = str(message["code"])

    # when they send a wrong code, then the emailed one with a new password
    with pytest.raises(CognitoApiError) as wrong:
        client.confirm_forgot_password(name, _wrong(code), NEW_PASSWORD)
    client.confirm_forgot_password(name, code, NEW_PASSWORD)

    # then the email was the trigger's, the wrong code a 400 CodeMismatch, the old
    # password no longer signs in and the new one does, with the trigger's claims
    assert message["trigger_source"] == "CustomMessage_ForgotPassword"
    assert message["subject"] == "Reset your Trigger App password"
    assert message["body"] == f"Hello {name}, your password reset code is {code}."
    assert (wrong.value.status, wrong.value.error) == (400, "CodeMismatch")
    with pytest.raises(CognitoApiError) as old:
        client.authenticate(name, PASSWORD)
    assert (old.value.status, old.value.error) == (401, "NotAuthorized")
    tokens = _signed_in(client, name, NEW_PASSWORD)
    assert _claims(tokens.id_token)["tenant"] == TENANT


def test_an_mfa_required_user_who_skips_set_up_gets_mfa_setup_again_and_never_tokens(
    strict_api: LocalApi,
) -> None:
    """With MFA required, a user without a factor is asked to set one up at every sign-in.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
    (an admin-created user gets MFA_SETUP after NEW_PASSWORD_REQUIRED; until they
    register a factor, sign-in does not complete);
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    (MFA_SETUP; only VerifySoftwareToken's session answers it).
    """
    # given a user of the MFA-required app who set their password and got MFA_SETUP
    temporary, password = "Tmp-Pass1!word-xx", "N3w-Pass!word-long-1"
    client = CognitoApiClient(strict_api.url, token_header="X-Api-Token")
    name = _new_username()
    client.sign_up(name, f"{name}@{TENANT}", temporary)
    first = client.authenticate(name, temporary)
    assert isinstance(first, Challenge)
    setup = client.respond_to_challenge(first, {"USERNAME": name, "NEW_PASSWORD": password})

    # when they walk away, sign in again, start the TOTP set-up and walk away again,
    # sign in a third time, and answer MFA_SETUP without a verified authenticator
    second = client.authenticate(name, password)
    assert isinstance(second, Challenge)
    client.setup_totp(second, username=name)
    third = client.authenticate(name, password)
    assert isinstance(third, Challenge)
    with pytest.raises(CognitoApiError) as skipped:
        client.respond_to_challenge(third, {"USERNAME": name})
    fourth = client.authenticate(name, password)

    # then every sign-in asked for MFA_SETUP (TOTP), answering it unverified was
    # refused, no tokens were ever issued, and the user has no factor
    steps = [setup, second, third, fourth]
    assert all(isinstance(step, Challenge) for step in steps)
    assert [step.name for step in steps if isinstance(step, Challenge)] == ["MFA_SETUP"] * 4
    assert json.loads(third.parameters["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    assert (skipped.value.status, skipped.value.error) == (401, "InvalidSession")
    assert client.tokens is None
    user = cognito(strict_api).admin_get_user(UserPoolId=strict_api.user_pool_id, Username=name)
    assert (user["UserStatus"], user.get("UserMFASettingList", [])) == ("CONFIRMED", [])


def test_serves_banner_names_the_triggers_it_runs_and_the_token_header(
    trigger_v1_api: LocalApi,
) -> None:
    """``serve`` says which of the pool's triggers it will run in its workers, where
    protected routes take the id token, and where the signed-in auth routes take the
    access token.
    """
    from cognito_api_construct.local.cli import banner

    text = banner(trigger_v1_api)
    (line,) = [row for row in text.splitlines() if row.startswith("Triggers the pool runs")]
    assert "PreSignUp" in line
    assert "CustomMessage" in line
    assert "PreTokenGeneration V1_0" in line or "PreTokenGeneration (" in line
    assert "take the id token in the Authorization header" in text
    # and, for the auth routes of a signed-in user, the access token (an app with no
    # protected route has those too)
    assert (
        "Routes for a signed-in user (/signout, /me, /mfa...) take the access token in the "
        "Authorization header." in text
    )
