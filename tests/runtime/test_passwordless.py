"""The passwordless routes: choice-based sign-in and the user's passkeys, call by call.

botocore's Stubber pins the exact Cognito calls against the real service model
(InitiateAuth with ``USER_AUTH`` and ``PREFERRED_CHALLENGE``, RespondToAuthChallenge,
the four WebAuthn operations); tests/e2e/test_passwordless_e2e.py runs the same routes
through the emulator, whose Cognito implements them.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

SESSION = "s" * 64
CREDENTIAL = {
    "id": "Y3JlZGVudGlhbA",
    "rawId": "Y3JlZGVudGlhbA",
    "type": "public-key",
    "response": {"clientDataJSON": "e30", "attestationObject": "o2Nm"},
}


@pytest.fixture(autouse=True)
def features(monkeypatch: pytest.MonkeyPatch) -> None:
    """The function as the construct configures it with email codes and passkeys."""
    monkeypatch.setenv("AUTH_FEATURES", "PASSKEYS,USER_AUTH")


def test_start_sign_in_asks_cognito_for_the_preferred_factor(
    invoke, make_event, stubbed, cognito
) -> None:
    """InitiateAuth ``USER_AUTH`` with ``PREFERRED_CHALLENGE``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html);
    the delivery of the code is read out of Cognito's parameters for the caller.
    """
    stubbed.add_response(
        "initiate_auth",
        {
            "ChallengeName": "EMAIL_OTP",
            "Session": SESSION,
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": "a***@e***",
            },
        },
        {
            "AuthFlow": "USER_AUTH",
            "ClientId": cognito.client_id,
            "AuthParameters": {
                "USERNAME": "ana",
                "PREFERRED_CHALLENGE": "EMAIL_OTP",
                "SECRET_HASH": cognito.secret_hash("ana"),
            },
        },
    )
    reply = invoke(
        make_event("/auth/start", {"username": "ana", "preferred_challenge": "EMAIL_OTP"})
    )
    assert reply.status == 200
    assert reply.body["challenge_name"] == "EMAIL_OTP"
    assert reply.body["session"] == SESSION
    assert reply.body["challenge_parameters"]["delivery"] == {
        "destination": "a***@e***",
        "medium": "EMAIL",
    }


def test_without_a_preference_the_choices_come_back_as_a_list(
    invoke, make_event, stubbed, cognito
) -> None:
    """Cognito's AvailableChallenges as a list, less PASSWORD_SRP, which comes with every
    password factor ("PASSWORD and PASSWORD_SRP",
    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html)
    and which /challenge cannot answer: it takes the password itself."""
    stubbed.add_response(
        "initiate_auth",
        {
            "ChallengeName": "SELECT_CHALLENGE",
            "Session": SESSION,
            "ChallengeParameters": {},
            "AvailableChallenges": ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"],
        },
        {
            "AuthFlow": "USER_AUTH",
            "ClientId": cognito.client_id,
            "AuthParameters": {"USERNAME": "ana", "SECRET_HASH": cognito.secret_hash("ana")},
        },
    )
    reply = invoke(make_event("/auth/start", {"username": "ana"}))
    assert reply.body["challenge_parameters"]["available_challenges"] == [
        "PASSWORD",
        "EMAIL_OTP",
        "WEB_AUTHN",
    ]


def test_a_passkey_challenge_carries_its_request_options_as_an_object(
    invoke, make_event, stubbed
) -> None:
    options = {"challenge": "abc", "rpId": "example.com", "allowCredentials": []}
    stubbed.add_response(
        "initiate_auth",
        {
            "ChallengeName": "WEB_AUTHN",
            "Session": SESSION,
            "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": json.dumps(options)},
        },
    )
    reply = invoke(
        make_event("/auth/start", {"username": "ana", "preferred_challenge": "WEB_AUTHN"})
    )
    assert reply.body["challenge_parameters"]["credential_request_options"] == options


@pytest.mark.parametrize("preferred", ["EMAIL", "email_otp", "PASSWORD_SRP", ""])
def test_an_unknown_preference_is_refused_before_cognito(invoke, make_event, preferred) -> None:
    reply = invoke(make_event("/auth/start", {"username": "ana", "preferred_challenge": preferred}))
    assert (reply.status, reply.body["error"]) == (400, "InvalidRequestBody")


@pytest.mark.parametrize(
    ("name", "responses"),
    [
        ("EMAIL_OTP", {"USERNAME": "ana", "EMAIL_OTP_CODE": "12345678"}),
        ("SMS_OTP", {"USERNAME": "ana", "SMS_OTP_CODE": "12345678"}),
        ("SELECT_CHALLENGE", {"USERNAME": "ana", "ANSWER": "EMAIL_OTP"}),
        ("WEB_AUTHN", {"USERNAME": "ana", "CREDENTIAL": json.dumps(CREDENTIAL)}),
    ],
)
def test_challenge_answers_every_passwordless_challenge(
    invoke, make_event, stubbed, cognito, name, responses
) -> None:
    """RespondToAuthChallenge with the responses each challenge takes
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
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
            "ChallengeName": name,
            "Session": SESSION,
            "ChallengeResponses": {**responses, "SECRET_HASH": cognito.secret_hash("ana")},
        },
    )
    reply = invoke(
        make_event(
            "/challenge",
            {"challenge_name": name, "session": SESSION, "challenge_responses": responses},
        )
    )
    assert reply.status == 200
    assert reply.body["id_token"] == "i.d.t"


def test_passkey_registration_is_two_calls_with_the_access_token(
    invoke, make_event, stubbed, with_token
) -> None:
    options = {"challenge": "abc", "rp": {"id": "example.com", "name": "x"}}
    stubbed.add_response(
        "start_web_authn_registration",
        {"CredentialCreationOptions": options},
        {"AccessToken": "tok"},
    )
    stubbed.add_response(
        "complete_web_authn_registration", {}, {"AccessToken": "tok", "Credential": CREDENTIAL}
    )
    started = invoke(make_event("/passkeys/register", {}, extra_headers=with_token("tok")))
    completed = invoke(
        make_event(
            "/passkeys/register/complete",
            {"credential": CREDENTIAL},
            extra_headers=with_token("tok"),
        )
    )
    assert (started.status, started.body) == (200, {"credential_creation_options": options})
    assert (completed.status, completed.body) == (201, {})


@pytest.mark.parametrize(
    "code",
    [
        "WebAuthnChallengeNotFoundException",
        "WebAuthnOriginNotAllowedException",
        "WebAuthnRelyingPartyMismatchException",
        "WebAuthnClientMismatchException",
        "WebAuthnCredentialNotSupportedException",
    ],
)
def test_a_passkey_that_does_not_verify_is_400_invalid_credential(
    invoke, make_event, stubbed, with_token, code
) -> None:
    stubbed.add_client_error("complete_web_authn_registration", code, "detail", 400)
    reply = invoke(
        make_event(
            "/passkeys/register/complete",
            {"credential": CREDENTIAL},
            extra_headers=with_token("tok"),
        )
    )
    assert (reply.status, reply.body["error"]) == (400, "InvalidCredential")
    assert "detail" not in reply.raw_body


def test_list_reads_every_page_and_names_the_fields(
    invoke, make_event, stubbed, with_token
) -> None:
    def credential(number: int) -> dict[str, Any]:
        return {
            "CredentialId": f"id-{number}",
            "FriendlyCredentialName": f"Key {number}",
            "RelyingPartyId": "example.com",
            "AuthenticatorAttachment": "platform",
            "AuthenticatorTransports": ["internal"],
            "CreatedAt": datetime(2026, 11, 29, 12, 0, number, tzinfo=timezone.utc),
        }

    stubbed.add_response(
        "list_web_authn_credentials",
        {"Credentials": [credential(1)], "NextToken": "n" * 20},
        {"AccessToken": "tok"},
    )
    stubbed.add_response(
        "list_web_authn_credentials",
        {"Credentials": [credential(2)]},
        {"AccessToken": "tok", "NextToken": "n" * 20},
    )
    event = make_event("/passkeys", None, method="GET", content_type=None)
    event["headers"].update(with_token("tok"))
    event["multiValueHeaders"].update({k: [v] for k, v in with_token("tok").items()})
    reply = invoke(event)
    assert reply.status == 200
    assert reply.body == {
        "passkeys": [
            {
                "credential_id": f"id-{n}",
                "friendly_name": f"Key {n}",
                "relying_party_id": "example.com",
                "authenticator_attachment": "platform",
                "created_at": f"2026-11-29T12:00:0{n}Z",
            }
            for n in (1, 2)
        ]
    }


def _delete_event(make_event, with_token, credential_id: str) -> dict[str, Any]:
    event = make_event("/passkeys/{credential_id}", None, method="DELETE", content_type=None)
    event["pathParameters"] = {"credential_id": credential_id}
    event["headers"].update(with_token("tok"))
    event["multiValueHeaders"].update({k: [v] for k, v in with_token("tok").items()})
    return event


def test_delete_names_the_passkey_from_the_path(invoke, make_event, stubbed, with_token) -> None:
    stubbed.add_response(
        "delete_web_authn_credential", {}, {"AccessToken": "tok", "CredentialId": "Y3JlZA"}
    )
    reply = invoke(_delete_event(make_event, with_token, "Y3JlZA"))
    assert (reply.status, reply.raw_body) == (204, "")


def test_deleting_a_passkey_the_user_does_not_have_is_404(
    invoke, make_event, stubbed, with_token
) -> None:
    stubbed.add_client_error("delete_web_authn_credential", "ResourceNotFoundException", "x", 404)
    reply = invoke(_delete_event(make_event, with_token, "bm9uZQ"))
    assert (reply.status, reply.body) == (404, {"error": "NotFound", "message": "No such passkey."})


@pytest.mark.parametrize("credential_id", ["a/b", "a b", "x" * 1025, ""])
def test_a_malformed_credential_id_is_refused_before_cognito(
    invoke, make_event, with_token, credential_id
) -> None:
    reply = invoke(_delete_event(make_event, with_token, credential_id))
    assert (reply.status, reply.body["error"]) == (400, "InvalidRequestBody")


def test_the_passkey_routes_need_the_access_token(invoke, make_event) -> None:
    reply = invoke(make_event("/passkeys/register", {}))
    assert (reply.status, reply.body["error"]) == (401, "MissingToken")


def test_without_the_features_the_routes_do_not_exist(
    invoke, make_event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTH_FEATURES")
    reply = invoke(make_event("/auth/start", {"username": "ana"}))
    assert (reply.status, reply.body["error"]) == (404, "NotFound")
