"""Passwordless sign-in end to end: email codes and passkeys, through the emulator over HTTP.

apps/passwordless_app (``feature_plan=ESSENTIALS``, first factors password + email OTP +
passkey, relying party ``localhost``, ``SignUpFlow.SELF_SERVICE``) is served by the
emulator; the Python client calls it over real HTTP: the auth function calls the
emulator's Cognito front, which sends real 8-digit codes to the outbox and verifies
passkeys with py_webauthn. The passkeys come from ``tests/webauthn_authenticator.py``, a
software authenticator written apart from the front, answering as a browser on
``http://localhost:<port>`` would (issue 12's contract; Cognito's choice-based sign-in:
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from cognito_api_construct.client import (
    Challenge,
    CognitoApiClient,
    CognitoApiError,
    Passkey,
    Tokens,
)
from cognito_api_construct.local import LocalApi
from webauthn_authenticator import Authenticator, b64url, unb64url

from .conftest import APPS, _assembly
from .helpers import call

pytestmark = pytest.mark.slow

PASSWORD = "Corr3ct-Horse!Battery"
#: The first factors a confirmed user with a password and a verified email may choose.
#: The choices a user with a password and a verified email gets (Cognito's own list
#: carries PASSWORD_SRP too, which the API leaves out: it cannot answer it).
PASSWORD_AND_EMAIL = ["PASSWORD", "EMAIL_OTP"]


@pytest.fixture(scope="module")
def passwordless_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """apps/passwordless_app with its cdk.json context, served once for this file."""
    assembly = _assembly(APPS / "passwordless_app", tmp_path_factory)
    with LocalApi.from_cdk_out(assembly, port=0) as api:
        yield api


@pytest.fixture
def client(passwordless_api: LocalApi) -> CognitoApiClient:
    return CognitoApiClient(passwordless_api.url)


def _origin(api: LocalApi) -> str:
    """``http://localhost:<the emulator's port>``: where a local page would run."""
    return f"http://localhost:{urlsplit(api.url).port}"


def _new_user(api: LocalApi, client: CognitoApiClient) -> tuple[str, str]:
    """A self-service user, confirmed with the outbox code (so the email is verified)."""
    name = f"pwless-{uuid.uuid4().hex[:10]}"
    email = f"{name}@example.com"
    client.sign_up(name, email, password=PASSWORD)
    client.confirm_sign_up(name, str(api.outbox(email)[-1]["code"]))
    return name, email


def _sign_in_code(api: LocalApi, email: str) -> str:
    """The newest sign-in code sent to ``email``: 8 digits, in the message's body too."""
    (*_, message) = [
        m for m in api.outbox(email) if m["trigger_source"] == "CustomMessage_Authentication"
    ]
    code = str(message["code"])
    assert re.fullmatch(r"\d{8}", code), message
    assert code in message["body"]
    return code


def _wrong(code: str) -> str:
    """Another 8-digit code."""
    return f"{(int(code) + 1) % 10**8:08d}"


def test_an_email_code_signs_a_user_in_after_a_wrong_one_is_refused(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """``POST /auth/start`` with ``EMAIL_OTP``, then ``/challenge`` with the outbox code.

    InitiateAuth ``USER_AUTH`` with ``PREFERRED_CHALLENGE`` answers the ``EMAIL_OTP``
    challenge with ``CODE_DELIVERY_DESTINATION`` (masked) and ``..._DELIVERY_MEDIUM``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html);
    RespondToAuthChallenge takes ``EMAIL_OTP_CODE``, a wrong one is
    ``CodeMismatchException`` and the session stays usable
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    # given a confirmed user, whose email the confirmation verified
    name, email = _new_user(passwordless_api, client)

    # when they start a sign-in preferring an email code
    challenge = client.start_sign_in(name, "EMAIL_OTP")

    # then the API answers the EMAIL_OTP challenge and where the code went, masked
    assert isinstance(challenge, Challenge)
    assert challenge.name == "EMAIL_OTP"
    assert challenge.parameters["delivery"] == {
        "destination": f"{name[0]}***@e***",
        "medium": "EMAIL",
    }
    code = _sign_in_code(passwordless_api, email)

    # when they answer a wrong code
    with pytest.raises(CognitoApiError) as refused:
        client.respond_to_challenge(challenge, {"USERNAME": name, "EMAIL_OTP_CODE": _wrong(code)})

    # then it is refused with 400 CodeMismatch, and no tokens are kept
    assert (refused.value.status, refused.value.error) == (400, "CodeMismatch")
    assert client.tokens is None

    # when they answer the code from the outbox, on the same session
    tokens = client.respond_to_challenge(challenge, {"USERNAME": name, "EMAIL_OTP_CODE": code})

    # then they hold tokens, and the protected route knows them
    assert isinstance(tokens, Tokens)
    assert client.request("GET", "/whoami") == {"user": name}


def test_without_a_preference_the_user_chooses_among_the_factors_they_can_use(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """No ``preferred_challenge``: ``SELECT_CHALLENGE`` with ``available_challenges``.

    InitiateAuth ``USER_AUTH`` without ``PREFERRED_CHALLENGE`` answers
    ``SELECT_CHALLENGE`` and ``AvailableChallenges``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html);
    RespondToAuthChallenge answers it with ``ANSWER`` (plus ``PASSWORD`` when that is
    the choice)
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    # given a confirmed user with a password and a verified email, and no passkey
    name, email = _new_user(passwordless_api, client)

    # when they start a sign-in without a preference
    select = client.start_sign_in(name)

    # then they choose among the password and an email code
    assert isinstance(select, Challenge)
    assert select.name == "SELECT_CHALLENGE"
    assert select.parameters["available_challenges"] == PASSWORD_AND_EMAIL

    # when they choose the email code, then answer it
    emailed = client.respond_to_challenge(select, {"USERNAME": name, "ANSWER": "EMAIL_OTP"})
    assert isinstance(emailed, Challenge)
    assert emailed.name == "EMAIL_OTP"
    code = _sign_in_code(passwordless_api, email)
    tokens = client.respond_to_challenge(emailed, {"USERNAME": name, "EMAIL_OTP_CODE": code})

    # then they are signed in
    assert isinstance(tokens, Tokens)

    # and choosing the password with it signs in at once
    again = client.start_sign_in(name)
    assert isinstance(again, Challenge)
    answer = {"USERNAME": name, "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert isinstance(client.respond_to_challenge(again, answer), Tokens)


@pytest.mark.parametrize("preferred", [None, "EMAIL_OTP"])
def test_an_unknown_user_gets_the_same_status_and_shape_as_a_known_one(
    passwordless_api: LocalApi, client: CognitoApiClient, preferred: str | None
) -> None:
    """The app client prevents user existence errors: Cognito simulates the challenge.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    (InitiateAuth: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    """
    # given a known user and a name nobody has
    known, _ = _new_user(passwordless_api, client)
    unknown = f"nobody-{uuid.uuid4().hex[:10]}"
    url = f"{passwordless_api.url}auth/start"

    # when each starts a sign-in with the same body
    body = {} if preferred is None else {"preferred_challenge": preferred}
    answers = [call("POST", url, {"username": name, **body}) for name in (known, unknown)]

    # then both get the same status, the same keys, the same challenge and parameters
    known_answer, unknown_answer = answers
    assert known_answer.status == unknown_answer.status == 200
    shapes = [_shape(answer.json()) for answer in answers]
    assert shapes[0] == shapes[1]
    assert known_answer.json()["challenge_name"] == (preferred or "SELECT_CHALLENGE")
    if preferred is None:
        assert unknown_answer.json()["challenge_parameters"]["available_challenges"] == (
            PASSWORD_AND_EMAIL
        )

    # and the unknown user's challenge takes no code: a wrong code's answer
    if preferred == "EMAIL_OTP":
        challenge = client.start_sign_in(unknown, "EMAIL_OTP")
        assert isinstance(challenge, Challenge)
        with pytest.raises(CognitoApiError) as refused:
            client.respond_to_challenge(
                challenge, {"USERNAME": unknown, "EMAIL_OTP_CODE": "12345678"}
            )
        assert (refused.value.status, refused.value.error) == (400, "CodeMismatch")


def _shape(document: Any) -> Any:
    """The keys and value types of a JSON document, recursively (lists by their items)."""
    if isinstance(document, dict):
        return {key: _shape(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_shape(item) for item in document]
    return type(document).__name__


def test_a_passkey_is_registered_listed_used_to_sign_in_and_deleted(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """The four passkey routes and a ``WEB_AUTHN`` sign-in, with a software authenticator.

    StartWebAuthnRegistration gives ``CredentialCreationOptions``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html),
    CompleteWebAuthnRegistration takes the ``credential.toJSON()`` of the new passkey
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html),
    ListWebAuthnCredentials lists it
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html),
    InitiateAuth ``USER_AUTH`` with ``WEB_AUTHN`` answers ``CREDENTIAL_REQUEST_OPTIONS``
    and RespondToAuthChallenge takes ``CREDENTIAL``, the assertion's JSON
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html),
    DeleteWebAuthnCredential removes it, a second time ``ResourceNotFoundException``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html).
    """
    # given a user signed in with their password, and an authenticator on a local page
    name, _ = _new_user(passwordless_api, client)
    assert isinstance(client.authenticate(name, PASSWORD), Tokens)
    authenticator = Authenticator()
    origin = _origin(passwordless_api)

    # when they ask for creation options
    options = client.start_passkey_registration()

    # then the options name the relying party, the user, a challenge and ES256/RS256
    assert options["rp"]["id"] == "localhost"
    assert options["user"]["name"] == name
    assert len(unb64url(options["challenge"])) >= 16
    assert {param["alg"] for param in options["pubKeyCredParams"]} == {-7, -257}
    assert options["authenticatorSelection"]["residentKey"] == "required"

    # when the authenticator makes the passkey and the API registers it
    client.complete_passkey_registration(authenticator.create(options, origin=origin))

    # then the list shows it, for the relying party localhost
    (passkey,) = client.list_passkeys()
    assert isinstance(passkey, Passkey)
    assert passkey.credential_id == b64url(authenticator.credential_id)
    assert passkey.relying_party_id == "localhost"
    assert passkey.authenticator_attachment == "platform"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", passkey.created_at)

    # when a new client signs in with the passkey alone
    passkey_client = CognitoApiClient(passwordless_api.url)
    challenge = passkey_client.start_sign_in(name, "WEB_AUTHN")

    # then the challenge carries the request options as an object, allowing that passkey
    assert isinstance(challenge, Challenge)
    assert challenge.name == "WEB_AUTHN"
    request_options = challenge.parameters["credential_request_options"]
    assert request_options["rpId"] == "localhost"
    assert [c["id"] for c in request_options["allowCredentials"]] == [passkey.credential_id]

    # and the assertion, JSON-encoded as a browser's credential.toJSON(), gives tokens
    assertion = authenticator.get(request_options, origin=origin)
    tokens = passkey_client.respond_to_challenge(
        challenge, {"USERNAME": name, "CREDENTIAL": assertion}
    )
    assert isinstance(tokens, Tokens)
    assert passkey_client.request("GET", "/whoami") == {"user": name}

    # and with a passkey, the choice offers it too
    select = passkey_client.start_sign_in(name)
    assert isinstance(select, Challenge)
    assert select.parameters["available_challenges"] == [*PASSWORD_AND_EMAIL, "WEB_AUTHN"]

    # when the passkey is deleted
    client.delete_passkey(passkey.credential_id)

    # then the list is empty, and deleting it again is 404 NotFound
    assert client.list_passkeys() == []
    with pytest.raises(CognitoApiError) as missing:
        client.delete_passkey(passkey.credential_id)
    assert (missing.value.status, missing.value.error) == (404, "NotFound")


def test_the_passkey_routes_answer_their_declared_statuses_over_raw_http(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """The contract's statuses: 200, 201 ``{}``, 200, 204 with no body; no token is 401.

    (StartWebAuthnRegistration and the others take the access token:
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html.)
    """
    # given a signed-in user's access token in the token header
    name, _ = _new_user(passwordless_api, client)
    tokens = client.authenticate(name, PASSWORD)
    assert isinstance(tokens, Tokens)
    header = {"Authorization": tokens.access_token}
    api = passwordless_api.url
    authenticator = Authenticator()

    # when each passkey route is called as the README documents it
    started = call("POST", f"{api}passkeys/register", {}, header)
    credential = authenticator.create(
        started.json()["credential_creation_options"], origin=_origin(passwordless_api)
    )
    completed = call("POST", f"{api}passkeys/register/complete", {"credential": credential}, header)
    listed = call("GET", f"{api}passkeys", headers=header)
    credential_id = listed.json()["passkeys"][0]["credential_id"]
    deleted = call("DELETE", f"{api}passkeys/{credential_id}", headers=header)
    anonymous = call("GET", f"{api}passkeys")

    # then each answers its declared status and body
    assert started.status == 200, started
    assert (completed.status, completed.json()) == (201, {}), completed
    assert listed.status == 200
    assert set(listed.json()["passkeys"][0]) == {
        "credential_id", "friendly_name", "relying_party_id", "authenticator_attachment",
        "created_at",
    }  # fmt: skip
    assert (deleted.status, deleted.body) == (204, b"")
    assert anonymous.status == 401
    assert anonymous.json()["error"] == "MissingToken"


def test_a_passkey_made_on_a_foreign_origin_is_refused_as_an_invalid_credential(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """CompleteWebAuthnRegistration refuses a ceremony on an origin the relying party
    does not cover (``WebAuthnOriginNotAllowedException``), which the API answers
    ``400 InvalidCredential``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html).
    """
    # given a signed-in user and creation options
    name, _ = _new_user(passwordless_api, client)
    assert isinstance(client.authenticate(name, PASSWORD), Tokens)
    options = client.start_passkey_registration()

    # when a page on another site made the passkey
    credential = Authenticator().create(options, origin="https://evil.example")

    # then it is refused, and the user has no passkey
    with pytest.raises(CognitoApiError) as refused:
        client.complete_passkey_registration(credential)
    assert (refused.value.status, refused.value.error) == (400, "InvalidCredential")
    assert client.list_passkeys() == []


def test_an_assertion_of_another_passkey_is_not_authorized(
    passwordless_api: LocalApi, client: CognitoApiClient
) -> None:
    """A ``CREDENTIAL`` that is not one of the user's passkeys: ``NotAuthorizedException``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    # given a user with a registered passkey
    name, _ = _new_user(passwordless_api, client)
    assert isinstance(client.authenticate(name, PASSWORD), Tokens)
    origin = _origin(passwordless_api)
    owned = Authenticator()
    client.complete_passkey_registration(
        owned.create(client.start_passkey_registration(), origin=origin)
    )

    # when a sign-in is answered with another authenticator's assertion
    challenge = client.start_sign_in(name, "WEB_AUTHN")
    assert isinstance(challenge, Challenge)
    options = challenge.parameters["credential_request_options"]
    foreign = json.loads(Authenticator().get(options, origin=origin))

    # then it is refused as a wrong password would be
    with pytest.raises(CognitoApiError) as refused:
        client.respond_to_challenge(
            challenge, {"USERNAME": name, "CREDENTIAL": json.dumps(foreign)}
        )
    assert (refused.value.status, refused.value.error) == (401, "NotAuthorized")
