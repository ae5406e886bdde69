"""MFA: /mfa/setup, /mfa/verify and /challenge completing every MFA challenge.

Against moto with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true, so TOTP codes are really
checked; the tests compute real RFC 6238 codes (tests/totp_codes.py). moto accepts any
live session at MFA_SETUP and never returns a new session from AssociateSoftwareToken
(docs/facts.md#moto): the call sequence, with the newest session passed at each step, is pinned
with botocore's Stubber against the real service model.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from totp_codes import fresh_totp, later_totp, wrong_totp

SESSION = "s" * 64


def session(n: int) -> str:
    return f"session-{n}-" + "x" * 40


@pytest.fixture
def mfa_pool(cognito, monkeypatch) -> str:
    """A pool like the construct's with mfa=REQUIRED + TOTP; the handler points at it."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    monkeypatch.setenv("TOTP_ISSUER", "Acme Reports")
    admin = cognito.admin
    pool_id = admin.create_user_pool(
        PoolName="mfa-required",
        Policies={"PasswordPolicy": {"MinimumLength": 12, "TemporaryPasswordValidityDays": 7}},
    )["UserPool"]["Id"]
    # moto asks MFA_SETUP only when set this way (docs/facts.md#moto).
    admin.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="mfa",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    return pool_id


@pytest.fixture
def totp_env(monkeypatch):
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


def setup_challenge(invoke, make_event, passwords, username) -> dict[str, Any]:
    """Sign up and answer NEW_PASSWORD_REQUIRED: Cognito then asks MFA_SETUP."""
    temporary, new = passwords
    created = invoke(
        make_event(
            "/signup",
            {
                "username": username,
                "email": f"{username}@example.com",
                "temporary_password": temporary,
            },
        )
    )
    assert created.status == 201, created.body
    first = invoke(make_event("/auth", {"username": username, "password": temporary}))
    reply = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": "NEW_PASSWORD_REQUIRED",
                "session": first.body["session"],
                "challenge_responses": {"USERNAME": username, "NEW_PASSWORD": new},
            },
        )
    )
    assert reply.status == 200, reply.body
    return reply.body


# The whole path against moto -----------------------------------------------------------
def test_new_user_sets_up_totp_during_sign_in_then_is_asked_for_it(
    invoke, make_event, passwords, mfa_pool, username
):
    # given a brand-new user in an MFA-required pool
    _, password = passwords
    challenge = setup_challenge(invoke, make_event, passwords, username)
    assert challenge["challenge_name"] == "MFA_SETUP"

    # when the user sets up TOTP with the session, verifies a real code, answers MFA_SETUP
    setup = invoke(
        make_event("/mfa/setup", {"session": challenge["session"], "username": username})
    )
    secret = setup.body["secret_code"]
    verify = invoke(
        make_event("/mfa/verify", {"session": setup.body["session"], "code": fresh_totp(secret)})
    )
    done = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": "MFA_SETUP",
                "session": verify.body["session"],
                "challenge_responses": {"USERNAME": username},
            },
        )
    )
    # and signs in again
    again = invoke(make_event("/auth", {"username": username, "password": password}))
    second_factor = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": "SOFTWARE_TOKEN_MFA",
                "session": again.body["session"],
                "challenge_responses": {
                    "USERNAME": username,
                    "SOFTWARE_TOKEN_MFA_CODE": later_totp(secret),
                },
            },
        )
    )

    # then
    assert setup.status == 200
    assert set(setup.body) == {"secret_code", "otpauth_uri", "session"}
    assert verify.status == 200
    assert set(verify.body) == {"session"}
    assert done.status == 200
    assert "access_token" in done.body
    assert again.body["challenge_name"] == "SOFTWARE_TOKEN_MFA"
    assert second_factor.status == 200
    assert "access_token" in second_factor.body


def test_otpauth_uri_carries_issuer_label_and_secret_encoded(
    invoke, make_event, passwords, mfa_pool, username
):
    # given the construct's totp_issuer "Acme Reports" (with a space)
    challenge = setup_challenge(invoke, make_event, passwords, username)

    # when
    reply = invoke(
        make_event("/mfa/setup", {"session": challenge["session"], "username": username})
    )

    # then
    uri = urlsplit(reply.body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == f"/Acme%20Reports:{username}"
    assert unquote(uri.path) == f"/Acme Reports:{username}"
    query = parse_qs(uri.query)
    assert query == {"secret": [reply.body["secret_code"]], "issuer": ["Acme Reports"]}


def test_wrong_code_at_verify_is_400_code_mismatch(
    invoke, make_event, passwords, mfa_pool, username
):
    # given
    challenge = setup_challenge(invoke, make_event, passwords, username)
    setup = invoke(make_event("/mfa/setup", {"session": challenge["session"]}))

    # when
    reply = invoke(
        make_event(
            "/mfa/verify",
            {"session": setup.body["session"], "code": wrong_totp(setup.body["secret_code"])},
        )
    )

    # then
    assert reply.status == 400
    assert reply.body == {"error": "CodeMismatch", "message": "The code is incorrect."}


def test_wrong_code_at_sign_in_is_400_code_mismatch(
    invoke, make_event, passwords, mfa_pool, username
):
    # given a user with TOTP set up
    _, password = passwords
    challenge = setup_challenge(invoke, make_event, passwords, username)
    setup = invoke(make_event("/mfa/setup", {"session": challenge["session"]}))
    secret = setup.body["secret_code"]
    invoke(
        make_event("/mfa/verify", {"session": setup.body["session"], "code": fresh_totp(secret)})
    )
    again = invoke(make_event("/auth", {"username": username, "password": password}))

    # when
    reply = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": "SOFTWARE_TOKEN_MFA",
                "session": again.body["session"],
                "challenge_responses": {
                    "USERNAME": username,
                    "SOFTWARE_TOKEN_MFA_CODE": wrong_totp(secret),
                },
            },
        )
    )

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CodeMismatch"


def test_unknown_session_on_the_mfa_routes_is_401_invalid_session(invoke, make_event, mfa_pool):
    # given a session Cognito never issued
    # when
    setup = invoke(make_event("/mfa/setup", {"session": SESSION}))
    verify = invoke(make_event("/mfa/verify", {"session": SESSION, "code": "123456"}))

    # then
    assert setup.status == verify.status == 401
    assert setup.body["error"] == verify.body["error"] == "InvalidSession"


# Signed in: the access token instead of a session -------------------------------------
def test_signed_in_user_turns_totp_on_with_the_access_token(
    invoke, make_event, signed_in, with_token, totp_env
):
    # given a signed-in user of the MFA-optional pool
    name, password, tokens = signed_in
    headers = with_token(tokens["access_token"])

    # when
    setup = invoke(make_event("/mfa/setup", "{}", extra_headers=headers))
    secret = setup.body["secret_code"]
    verify = invoke(make_event("/mfa/verify", {"code": fresh_totp(secret)}, extra_headers=headers))
    again = invoke(make_event("/auth", {"username": name, "password": password}))

    # then no session comes back, the label is the user's own name, and TOTP is now asked
    assert setup.status == 200
    assert set(setup.body) == {"secret_code", "otpauth_uri"}
    assert urlsplit(setup.body["otpauth_uri"]).path.endswith(f":{name}")
    assert verify.status == 200
    assert verify.body == {"preferred_mfa": "SOFTWARE_TOKEN_MFA"}
    assert again.body["challenge_name"] == "SOFTWARE_TOKEN_MFA"


def test_signed_in_verify_with_a_wrong_code_changes_nothing(
    invoke, make_event, signed_in, with_token, totp_env
):
    # given
    name, password, tokens = signed_in
    headers = with_token(tokens["access_token"])
    setup = invoke(make_event("/mfa/setup", "{}", extra_headers=headers))

    # when
    reply = invoke(
        make_event(
            "/mfa/verify", {"code": wrong_totp(setup.body["secret_code"])}, extra_headers=headers
        )
    )
    again = invoke(make_event("/auth", {"username": name, "password": password}))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CodeMismatch"
    assert "access_token" in again.body


@pytest.mark.parametrize("route", ["/mfa/setup", "/mfa/verify"])
def test_mfa_routes_without_session_or_token_are_401_missing_token(invoke, make_event, route):
    # given / when
    body = {"code": "123456"} if route == "/mfa/verify" else {}
    reply = invoke(make_event(route, body))

    # then
    assert reply.status == 401
    assert reply.body["error"] == "MissingToken"


@pytest.mark.parametrize("route", ["/mfa/setup", "/mfa/verify"])
def test_mfa_routes_with_a_refused_token_are_401_invalid_token(
    invoke, make_event, with_token, route
):
    # given / when
    body = {"code": "123456"} if route == "/mfa/verify" else {}
    reply = invoke(make_event(route, body, extra_headers=with_token("not.a-real.token")))

    # then
    assert reply.status == 401
    assert reply.body["error"] == "InvalidToken"


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", ""])
def test_verify_takes_six_digits(invoke, make_event, code):
    # given / when
    reply = invoke(make_event("/mfa/verify", {"session": SESSION, "code": code}))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert "code" in reply.body["message"]


# The exact call sequence (Stubber) ----------------------------------------------------
def test_mfa_setup_passes_the_newest_session_at_every_step(invoke, make_event, stubbed, cognito):
    # given Cognito returning a new session at every step, as the real service may
    tokens = {
        "IdToken": "id.t.k",
        "AccessToken": "ac.t.k",
        "RefreshToken": "rf",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    }
    stubbed.add_response(
        "associate_software_token",
        {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": session(2)},
        {"Session": session(1)},
    )
    stubbed.add_response(
        "verify_software_token",
        {"Status": "SUCCESS", "Session": session(3)},
        {"Session": session(2), "UserCode": "123456"},
    )
    stubbed.add_response(
        "respond_to_auth_challenge",
        {"AuthenticationResult": tokens},
        {
            "ClientId": cognito.client_id,
            "ChallengeName": "MFA_SETUP",
            "Session": session(3),
            "ChallengeResponses": {"USERNAME": "ana", "SECRET_HASH": cognito.secret_hash("ana")},
        },
    )

    # when a client uses whatever session each answer carries
    setup = invoke(make_event("/mfa/setup", {"session": session(1)}))
    verify = invoke(make_event("/mfa/verify", {"session": setup.body["session"], "code": "123456"}))
    done = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": "MFA_SETUP",
                "session": verify.body["session"],
                "challenge_responses": {"USERNAME": "ana"},
            },
        )
    )

    # then each step returned the newest session and the calls were exactly these
    assert setup.body["session"] == session(2)
    assert verify.body["session"] == session(3)
    assert done.body["access_token"] == "ac.t.k"
    stubbed.assert_no_pending_responses()


def test_setup_passes_back_the_given_session_when_cognito_returns_none(invoke, make_event, stubbed):
    # given (moto's behaviour, also allowed by the service model)
    stubbed.add_response(
        "associate_software_token", {"SecretCode": "JBSWY3DPEHPK3PXP"}, {"Session": session(1)}
    )

    # when
    reply = invoke(make_event("/mfa/setup", {"session": session(1)}))

    # then
    assert reply.body["session"] == session(1)


def test_verify_status_error_is_a_code_mismatch(invoke, make_event, stubbed):
    # given
    stubbed.add_response(
        "verify_software_token", {"Status": "ERROR"}, {"Session": session(1), "UserCode": "123456"}
    )

    # when
    reply = invoke(make_event("/mfa/verify", {"session": session(1), "code": "123456"}))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CodeMismatch"


def test_signed_in_verify_sets_totp_enabled_and_preferred(invoke, make_event, stubbed, with_token):
    # given
    stubbed.add_response(
        "verify_software_token", {"Status": "SUCCESS"}, {"AccessToken": "tok", "UserCode": "654321"}
    )
    stubbed.add_response(
        "set_user_mfa_preference",
        {},
        {
            "AccessToken": "tok",
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        },
    )

    # when
    reply = invoke(make_event("/mfa/verify", {"code": "654321"}, extra_headers=with_token("tok")))

    # then
    assert reply.status == 200
    stubbed.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("EnableSoftwareTokenMFAException", "CodeMismatch"),
        ("CodeMismatchException", "CodeMismatch"),
    ],
)
def test_verify_maps_both_wrong_code_exceptions(invoke, make_event, stubbed, code, error):
    # given
    stubbed.add_client_error("verify_software_token", service_error_code=code, http_status_code=400)

    # when
    reply = invoke(make_event("/mfa/verify", {"session": session(1), "code": "123456"}))

    # then
    assert reply.status == 400
    assert reply.body["error"] == error


# /challenge with the other MFA challenges (Stubber pins what reaches Cognito) ----------
@pytest.mark.parametrize(
    ("challenge", "responses"),
    [
        ("SMS_MFA", {"USERNAME": "ana", "SMS_MFA_CODE": "123456"}),
        ("SOFTWARE_TOKEN_MFA", {"USERNAME": "ana", "SOFTWARE_TOKEN_MFA_CODE": "123456"}),
        ("SELECT_MFA_TYPE", {"USERNAME": "ana", "ANSWER": "SOFTWARE_TOKEN_MFA"}),
        (
            "NEW_PASSWORD_REQUIRED",
            {
                "USERNAME": "ana",
                "NEW_PASSWORD": "N3w-Passw0rd!long",
                "userAttributes.given_name": "Ana",
                "userAttributes.family_name": "Lovelace",
            },
        ),
    ],
)
def test_challenge_passes_every_mfa_challenge_through(
    invoke, make_event, stubbed, cognito, challenge, responses
):
    # given Cognito answering with the next challenge
    stubbed.add_response(
        "respond_to_auth_challenge",
        {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session(2), "ChallengeParameters": {}},
        {
            "ClientId": cognito.client_id,
            "ChallengeName": challenge,
            "Session": session(1),
            "ChallengeResponses": {
                **responses,
                "SECRET_HASH": cognito.secret_hash(responses["USERNAME"]),
            },
        },
    )

    # when (challenge_responses JSON-encoded, as the original client sends it)
    reply = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": challenge,
                "session": session(1),
                "challenge_responses": json.dumps(responses),
            },
        )
    )

    # then
    assert reply.status == 200
    assert reply.body == {
        "challenge_name": "SOFTWARE_TOKEN_MFA",
        "session": session(2),
        "challenge_parameters": {},
    }


def test_secret_and_uri_are_never_logged(invoke, make_event, stubbed, caplog):
    # given
    stubbed.add_response(
        "associate_software_token",
        {"SecretCode": "SECRETSECRETSECRET23", "Session": session(2)},
        {"Session": session(1)},
    )

    # when
    with caplog.at_level("DEBUG"):
        reply = invoke(make_event("/mfa/setup", {"session": session(1)}))

    # then
    assert reply.status == 200
    assert "SECRETSECRETSECRET23" not in caplog.text
    assert "otpauth" not in caplog.text
    assert session(1) not in caplog.text
