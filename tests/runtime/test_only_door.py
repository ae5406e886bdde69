"""The API is the only door: the client secret, SECRET_HASH, and step-up for MFA changes.

The construct's app client has a secret only the auth function holds
(``USER_POOL_CLIENT_SECRET``). Cognito then refuses every call that names a user
without its ``SECRET_HASH``, so the client id in every id token's ``aud`` no longer
opens Cognito's sign-in, sign-up and reset to anyone: password spraying must come
through the API's throttles and WAF. These run against the emulator's Cognito, whose
front enforces SECRET_HASH as Cognito does (moto ignores it).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

PASSWORD = "Perm-Passw0rd!xy"


def _anonymous(cognito: Any) -> Any:
    """Cognito as anyone on the internet reaches it: the client id, no AWS identity needed."""
    return boto3.client(
        "cognito-idp", region_name="us-east-1", endpoint_url=cognito.admin.meta.endpoint_url
    )


def test_a_direct_sign_in_with_the_client_id_alone_is_refused(cognito, signed_in) -> None:
    """https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash:
    with a client secret, "you must include the secret hash" in InitiateAuth's
    AuthParameters: without it Cognito answers NotAuthorizedException.
    """
    name, password, _ = signed_in
    with pytest.raises(ClientError) as refused:
        _anonymous(cognito).initiate_auth(
            ClientId=cognito.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": password},
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


@pytest.mark.parametrize("operation", ["sign_up", "forgot_password", "resend_confirmation_code"])
def test_direct_account_calls_with_the_client_id_alone_are_refused(
    cognito, username, operation
) -> None:
    """SignUp, ForgotPassword and ResendConfirmationCode take ``SecretHash``, "required
    if the app client is configured with a client secret"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html).
    """
    arguments: dict[str, Any] = {"ClientId": cognito.client_id, "Username": username}
    if operation == "sign_up":
        arguments["Password"] = PASSWORD
    with pytest.raises(ClientError) as refused:
        getattr(_anonymous(cognito), operation)(**arguments)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_direct_refresh_without_the_client_secret_is_refused(cognito, signed_in) -> None:
    """GetTokensFromRefreshToken takes ``ClientSecret``, required for a client with one
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html);
    the API's ``/refresh`` still works, since the auth function holds the secret.
    """
    _, _, tokens = signed_in
    with pytest.raises(ClientError) as refused:
        _anonymous(cognito).get_tokens_from_refresh_token(
            ClientId=cognito.client_id, RefreshToken=tokens["refresh_token"]
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_through_the_api_every_step_carries_the_secret_hash(
    invoke, make_event, signed_in, with_token
) -> None:
    """The same user, through the API: sign-in, refresh and sign-out all succeed."""
    name, password, tokens = signed_in
    again = invoke(make_event("/auth", {"username": name, "password": password}))
    refreshed = invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]}))
    signed_out = invoke(
        make_event(
            "/signout",
            {"refresh_token": tokens["refresh_token"]},
            extra_headers=with_token(again.body["access_token"]),
        )
    )
    assert again.status == 200
    assert refreshed.status == 200
    assert "id_token" in refreshed.body
    assert signed_out.status == 204


def test_the_secret_never_reaches_an_answer_or_a_log(
    invoke, make_event, cognito, signed_in, caplog: pytest.LogCaptureFixture
) -> None:
    """The secret lives in the function's environment only: not in answers, not in logs,
    not in the settings' repr.
    """
    caplog.set_level(logging.DEBUG)
    name, password, tokens = signed_in
    replies = [
        invoke(make_event("/auth", {"username": name, "password": password})),
        invoke(make_event("/auth", {"username": name, "password": "Wrong-Passw0rd!x"})),
        invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]})),
    ]
    assert [reply.status for reply in replies] == [200, 401, 200]
    for reply in replies:
        assert cognito.client_secret not in reply.raw_body
        assert cognito.client_secret not in json.dumps(reply.headers)
    assert cognito.client_secret not in caplog.text
    assert cognito.client_secret not in repr(cognito.module._settings())


def test_the_secret_hash_is_cognitos_formula() -> None:
    """Base64(HMAC-SHA256(secret, username + client id)), the documented formula, checked
    against a value computed by hand for fixed inputs.
    """
    from runtime.context import Settings

    settings = Settings(user_pool_id="p", client_id="abc", client_secret="s3cr3t")
    assert settings.secret_hash("ana") == {
        "SECRET_HASH": "L0jZYnNA4rb0eScerYddbxYKovQTw1CQQsXUYKWX5tw="
    }
    assert settings.secret_hash_parameter("ana") == {
        "SecretHash": "L0jZYnNA4rb0eScerYddbxYKovQTw1CQQsXUYKWX5tw="
    }
    assert Settings(user_pool_id="p", client_id="abc").secret_hash("ana") == {}


# Step-up: changing the second factor needs a recent sign-in --------------------------
def _token_with(claims: dict[str, Any]) -> str:
    """A JWT-shaped token carrying ``claims`` (unsigned: the route reads, Cognito checks)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("route", "body"), [("/mfa/setup", {}), ("/mfa/verify", {"code": "123456"})]
)
@pytest.mark.parametrize(
    "auth_time", [None, "recent", 0, True], ids=["missing", "text", "epoch", "boolean"]
)
def test_changing_the_factor_with_an_old_sign_in_is_403_before_cognito_is_called(
    invoke, make_event, stubbed, with_token, route, body, auth_time
) -> None:
    """A stolen or old access token (60 minutes by default) must not replace the user's
    authenticator and lock them out: the signed-in MFA routes need ``auth_time`` within
    the last 5 minutes, or answer 403 ``RecentSignInRequired``; Cognito is never called
    (the Stubber has no answer queued and would fail the request with a 500).
    """
    claims: dict[str, Any] = {"username": "ana", "token_use": "access"}
    if auth_time is not None:
        claims["auth_time"] = auth_time
    reply = invoke(make_event(route, body, extra_headers=with_token(_token_with(claims))))
    assert reply.status == 403
    assert reply.body["error"] == "RecentSignInRequired"


def test_a_fresh_sign_in_may_change_the_factor_and_five_minutes_later_may_not(
    invoke, make_event, signed_in, with_token, cognito, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a real sign-in through the emulator's Cognito
    _, _, tokens = signed_in
    headers = with_token(tokens["access_token"])

    # when the user starts TOTP set-up at once, and again 301 s after signing in
    fresh = invoke(make_event("/mfa/setup", {}, extra_headers=headers))
    from runtime import mfa

    later = time.time() + cognito.module._settings().step_up_seconds + 1
    monkeypatch.setattr(mfa.time, "time", lambda: later)
    stale = invoke(make_event("/mfa/setup", {}, extra_headers=headers))

    # then the first gets a secret, the second the step-up refusal
    assert fresh.status == 200
    assert "secret_code" in fresh.body
    assert stale.status == 403
    assert stale.body["error"] == "RecentSignInRequired"


def test_refreshed_tokens_keep_the_sign_in_time(
    invoke, make_event, signed_in, with_token, cognito, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refreshing does not count as signing in again: ``auth_time`` is the original
    sign-in's (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html),
    so a stolen refresh token cannot pass the step-up either.
    """
    _, _, tokens = signed_in
    refreshed = invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]}))
    from runtime import mfa

    original = mfa._claims(tokens["access_token"])["auth_time"]
    assert mfa._claims(refreshed.body["access_token"])["auth_time"] == original
    monkeypatch.setattr(
        mfa.time, "time", lambda: original + cognito.module._settings().step_up_seconds + 1
    )
    reply = invoke(
        make_event(
            "/mfa/verify",
            {"code": "123456"},
            extra_headers=with_token(refreshed.body["access_token"]),
        )
    )
    assert reply.status == 403
    assert reply.body["error"] == "RecentSignInRequired"


def test_during_sign_in_the_session_needs_no_step_up(invoke, make_event, stubbed) -> None:
    """The sign-in's MFA set-up carries a session that a password opened minutes ago."""
    stubbed.add_response(
        "associate_software_token",
        {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "n" * 40},
        {"Session": "s" * 40},
    )
    reply = invoke(make_event("/mfa/setup", {"session": "s" * 40}))
    assert reply.status == 200
