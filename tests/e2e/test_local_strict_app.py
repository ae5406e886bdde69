"""A CognitoApi app with non-default props through the emulator: MFA, custom header, nesting.

The app (apps/strict_app) requires TOTP MFA, reads tokens from ``X-Api-Token``, serves
stage ``v2`` and a nested protected route ``v1/reports``. The emulator's Cognito
really checks TOTP codes, so the MFA path is proven with computed codes.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from cognito_api_construct.local import LocalApi
from totp_codes import fresh_totp, later_totp

from .helpers import call

TEMPORARY = "Tmp-Pass1!word-xx"
PASSWORD = "N3w-Pass!word-long-1"

pytestmark = pytest.mark.slow


def _challenge(url: str, name: str, session: str, responses: dict[str, str]) -> Any:
    body = {"challenge_name": name, "session": session, "challenge_responses": responses}
    return call("POST", f"{url}challenge", body)


def test_mfa_required_workflow_then_nested_route_with_custom_header(strict_api: LocalApi) -> None:
    url = strict_api.url
    cognito = boto3.client(
        "cognito-idp", endpoint_url=strict_api.services_url, region_name="us-east-1"
    )

    # given a user created by /signup who set a new password and must now set up TOTP
    call(
        "POST",
        f"{url}signup",
        {"username": "hopper", "email": "hopper@example.com", "temporary_password": TEMPORARY},
    )
    first = call("POST", f"{url}auth", {"username": "hopper", "password": TEMPORARY}).json()
    setup = _challenge(
        url,
        first["challenge_name"],
        first["session"],
        {"USERNAME": "hopper", "NEW_PASSWORD": PASSWORD},
    ).json()
    associated = cognito.associate_software_token(Session=setup["session"])
    secret = associated["SecretCode"]
    # Each step answers a new session: pass the newest on.
    verified = cognito.verify_software_token(
        Session=associated["Session"], UserCode=fresh_totp(secret)
    )
    enrolled = _challenge(url, "MFA_SETUP", verified["Session"], {"USERNAME": "hopper"})

    # when they sign in again, answer the TOTP challenge (wrong, then right), and call
    # the nested protected route with the id token in the custom header
    second = call("POST", f"{url}auth", {"username": "hopper", "password": PASSWORD}).json()
    wrong = _challenge(
        url,
        second["challenge_name"],
        second["session"],
        {"USERNAME": "hopper", "SOFTWARE_TOKEN_MFA_CODE": "000000"},
    )
    tokens = _challenge(
        url,
        second["challenge_name"],
        second["session"],
        {"USERNAME": "hopper", "SOFTWARE_TOKEN_MFA_CODE": later_totp(secret)},
    ).json()
    reports = call("GET", f"{url}v1/reports", headers={"X-Api-Token": tokens["id_token"]})
    default_header = call("GET", f"{url}v1/reports", headers={"Authorization": tokens["id_token"]})

    # then every step followed the MFA-required path, and only the custom header works
    assert url.endswith("/v2/")
    assert setup["challenge_name"] == "MFA_SETUP"
    assert verified["Status"] == "SUCCESS"
    assert enrolled.status == 200
    assert second["challenge_name"] == "SOFTWARE_TOKEN_MFA"
    assert wrong.status == 400
    assert wrong.json()["error"] == "CodeMismatch"
    assert reports.status == 200
    assert reports.json() == {"user": "hopper", "method": "GET", "path": "/v1/reports"}
    assert default_header.status == 401


def test_weak_password_is_refused_by_the_template_policy(strict_api: LocalApi) -> None:
    # given the app's 16-character policy and a user with a temporary password
    url = strict_api.url
    call(
        "POST",
        f"{url}signup",
        {"username": "weak", "email": "weak@example.com", "temporary_password": TEMPORARY},
    )
    first = call("POST", f"{url}auth", {"username": "weak", "password": TEMPORARY}).json()

    # when a 12-character password (enough for the default policy) is chosen
    reply = _challenge(
        url,
        first["challenge_name"],
        first["session"],
        {"USERNAME": "weak", "NEW_PASSWORD": "Sh0rt!er-pwd"},
    )

    # then the pool created from the template refuses it
    assert reply.status == 400
    assert reply.json()["error"] == "InvalidPassword"


def test_complete_new_password_hands_over_the_mfa_setup_challenge(strict_api: LocalApi) -> None:
    """With MFA required, Cognito answers the new password with ``MFA_SETUP``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    The client's one-call helper then raises with that challenge, session included, so
    the caller goes on with ``answer_mfa_setup`` instead of starting over.
    """
    from cognito_api_construct.client import CognitoApiClient, CognitoApiError, Tokens

    # given a user created with a temporary password in the MFA-required app
    client = CognitoApiClient(strict_api.url, token_header="X-Api-Token")
    client.sign_up("lovelace", "lovelace@example.com", TEMPORARY)

    # when they complete the new password, the README's way
    with pytest.raises(CognitoApiError) as raised:
        client.complete_new_password("lovelace", TEMPORARY, PASSWORD)

    # then the error says the password is set and carries MFA_SETUP to go on with
    error = raised.value
    assert error.error == "UnexpectedChallenge"
    assert "new password is set" in error.message
    assert error.challenge is not None
    assert error.challenge.name == "MFA_SETUP"
    secrets: list[str] = []

    def code_for(setup: Any) -> str:
        secrets.append(setup.secret_code)
        return fresh_totp(setup.secret_code)

    tokens = client.answer_mfa_setup(error.challenge, "lovelace", code_for)
    assert isinstance(tokens, Tokens)
    reports = call("GET", f"{strict_api.url}v1/reports", headers={"X-Api-Token": tokens.id_token})
    assert reports.json()["user"] == "lovelace"
    # and the next sign-in asks for the TOTP code of the app they enrolled
    again = client.authenticate("lovelace", PASSWORD)
    assert not isinstance(again, Tokens)
    assert again.name == "SOFTWARE_TOKEN_MFA"
    assert secrets
    assert len(secrets[0]) >= 16
