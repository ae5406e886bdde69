"""The API is the only door, through the emulator: SECRET_HASH and step-up, end to end.

examples/gpt_app as synthesized: its app client has a secret the auth function reads
from ``Fn::GetAtt ClientSecret``, so Cognito (the emulator's front, as deployed)
refuses the client id alone; and changing the second factor needs a recent sign-in
(the window shortened to 3 s here with ``--env``, so the test can outwait it).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_api_construct.client import CognitoApiClient, Tokens
from cognito_api_construct.local import LocalApi

from .helpers import call, cognito, serve_gpt

pytestmark = pytest.mark.slow
TEMPORARY, PASSWORD = "Tmp-Door1!word-x", "N3w-Door!word-long"
WINDOW_SECONDS = 3


@pytest.fixture(scope="module")
def door_api(gpt_cdk_out: Path, upstream: Any) -> Iterator[LocalApi]:
    env = {"AuthAuthFunction.MFA_STEP_UP_SECONDS": str(WINDOW_SECONDS)}
    with serve_gpt(gpt_cdk_out, upstream.url_for("/"), env=env) as api:
        yield api


def _signed_in(api: LocalApi) -> tuple[str, Tokens]:
    name = f"door-{uuid.uuid4().hex[:8]}"
    client = CognitoApiClient(api.url, token_header="Auth")
    client.sign_up(name, f"{name}@example.com", TEMPORARY)
    return name, client.complete_new_password(name, TEMPORARY, PASSWORD)


def _aud(id_token: str) -> str:
    payload = id_token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["aud"])


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        ("initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH"}),
        ("sign_up", {"Password": PASSWORD}),
        ("forgot_password", {}),
    ],
)
def test_the_client_id_from_a_token_opens_nothing_at_cognito(
    door_api: LocalApi, operation: str, arguments: dict[str, Any]
) -> None:
    """https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash:
    a client with a secret needs SECRET_HASH on every call that names a user.
    """
    # given a user, and the client id anyone can read in their id token
    name, tokens = _signed_in(door_api)
    client_id = _aud(tokens.id_token)
    assert client_id == door_api.client_id
    if operation == "initiate_auth":
        arguments = {**arguments, "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}
    else:
        arguments = {**arguments, "Username": name}

    # when someone calls Cognito directly with it
    with pytest.raises(ClientError) as refused:
        getattr(cognito(door_api), operation)(ClientId=client_id, **arguments)

    # then Cognito refuses, while the API (which holds the secret) signs the user in
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    reply = call("POST", f"{door_api.url}auth", {"username": name, "password": PASSWORD})
    assert reply.status == 200
    assert "id_token" in reply.json()


def test_changing_the_factor_needs_a_recent_sign_in(door_api: LocalApi) -> None:
    # given a user who just signed in
    _, tokens = _signed_in(door_api)
    headers = {"Auth": tokens.access_token}

    # when they start TOTP set-up at once, then again after the window
    fresh = call("POST", f"{door_api.url}mfa/setup", {}, headers)
    time.sleep(WINDOW_SECONDS + 1)
    stale = call("POST", f"{door_api.url}mfa/setup", {}, headers)
    verify = call("POST", f"{door_api.url}mfa/verify", {"code": "123456"}, headers)

    # then the first gets a secret; later, the stable 403 and no secret
    assert fresh.status == 200
    assert "secret_code" in fresh.json()
    assert (stale.status, stale.json()["error"]) == (403, "RecentSignInRequired")
    assert (verify.status, verify.json()["error"]) == (403, "RecentSignInRequired")
    assert "secret_code" not in stale.json()
