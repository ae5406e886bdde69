"""Passkeys: the pool's settings, registration, the user's list, and WEB_AUTHN sign-in.

The front verifies what a browser sends with py_webauthn; the credentials here come from
``tests/webauthn_authenticator.py``, a software authenticator written apart from it.
Cognito's shapes:
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html,
API_CompleteWebAuthnRegistration.html, API_ListWebAuthnCredentials.html,
API_DeleteWebAuthnCredential.html (same folder); the options a deployed pool sends were
recorded in aws-amplify/amplify-js ``packages/auth/__tests__/mockData.ts``
(``passkeyCredentialCreateOptions``, ``passkeyCredentialRequestOptions``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from cognito_api_construct.local import services
from webauthn_authenticator import Authenticator, b64url, unb64url

from .support import (
    PASSWORD,
    Clock,
    Pool,
    call,
    choice_pool,
    claims,
    confirmed_user,
    refusal,
    respond,
    respond_refusal,
    user_auth,
)

API = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"


def _access_token(pool: Pool, username: str) -> str:
    """Signed in with the password through USER_AUTH: the access token."""
    answer = user_auth(pool, username, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    return str(answer["AuthenticationResult"]["AccessToken"])


def _register(
    pool: Pool, token: str, authenticator: Authenticator, **forged: Any
) -> dict[str, Any]:
    """StartWebAuthnRegistration, the authenticator's credential, CompleteWebAuthnRegistration."""
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.create(options, **forged)
    return call("CompleteWebAuthnRegistration", AccessToken=token, Credential=credential)


def _registration_refusal(
    pool: Pool, token: str, authenticator: Authenticator, **forged: Any
) -> tuple[str, str]:
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.create(options, **forged)
    return refusal("CompleteWebAuthnRegistration", AccessToken=token, Credential=credential)


def _passkey_user(
    make_pool: Callable[..., Pool], username: str = "alice", **settings: Any
) -> tuple[Pool, Authenticator]:
    """A pool allowing passkeys, and a confirmed user with one registered."""
    pool = choice_pool(make_pool, **settings)
    confirmed_user(pool, username)
    authenticator = Authenticator()
    _register(pool, _access_token(pool, username), authenticator)
    return pool, authenticator


def _web_authn_challenge(pool: Pool, username: str) -> dict[str, Any]:
    challenge = user_auth(pool, username, PREFERRED_CHALLENGE="WEB_AUTHN")
    assert challenge["ChallengeName"] == "WEB_AUTHN", challenge
    return challenge


def _options(challenge: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = json.loads(
        challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    )
    return options


def _list(token: str, **body: Any) -> dict[str, Any]:
    return call("ListWebAuthnCredentials", AccessToken=token, **body)


# The pool's settings


def test_moto_keeps_the_sign_in_policy(make_pool: Callable[..., Pool]) -> None:
    """The pool's AllowedFirstAuthFactors are kept as CreateUserPool received them.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html:
    AllowedFirstAuthFactors, "The sign-in methods that a user pool supports as the first
    factor"; the emulator creates pools from the template's ``Policies.SignInPolicy``.
    """
    # given a pool allowing passwords and email codes
    pool = choice_pool(make_pool, ("PASSWORD", "EMAIL_OTP"))

    # when it is described
    described = pool.admin.describe_user_pool(UserPoolId=pool.id)["UserPool"]

    # then its sign-in policy is there
    assert described["Policies"]["SignInPolicy"] == {
        "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]
    }


def test_the_relying_party_defaults_to_localhost(make_pool: Callable[..., Pool]) -> None:
    """Without a RelyingPartyId the passkeys are localhost's; user verification preferred.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html
    (a response parameter of GetUserPoolMfaConfig; UserVerification "required |
    preferred"). A deployed pool defaults to its domain; the emulator has none, and a
    browser on http://localhost may use passkeys only of relying party ``localhost``.
    """
    # given a pool allowing passkeys that names no relying party
    pool = choice_pool(make_pool)

    # when its configuration is read
    answer = call("GetUserPoolMfaConfig", UserPoolId=pool.id)

    # then the relying party is localhost
    assert answer["WebAuthnConfiguration"] == {
        "RelyingPartyId": "localhost",
        "UserVerification": "preferred",
    }
    assert answer["MfaConfiguration"] == "OPTIONAL"


class _FrontClient:
    """The boto3 calls ``services`` makes, answered by the front (as the server does)."""

    def set_user_pool_mfa_config(self, **body: Any) -> dict[str, Any]:
        return call("SetUserPoolMfaConfig", **body)


def test_the_templates_passkey_settings_reach_the_front(make_pool: Callable[..., Pool]) -> None:
    """WebAuthnRelyingPartyID, WebAuthnUserVerification and the sign-in email reach the front.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html
    names them on AWS::Cognito::UserPool; the API sets them with SetUserPoolMfaConfig
    (WebAuthnConfiguration, EmailMfaConfiguration), "independent of the MFA configuration
    options in this operation"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html).
    """
    # given a pool with TOTP MFA, and a template naming passkey and email settings
    pool = choice_pool(make_pool)
    properties = {
        "WebAuthnRelyingPartyID": "auth.example.com",
        "WebAuthnUserVerification": "required",
        "EmailAuthenticationMessage": "Sign in with {####}",
        "EmailAuthenticationSubject": "Your code",
    }

    # when the emulator configures the pool from it
    services._configure_sign_in(_FrontClient(), pool.id, properties, "Pool")
    answer = call("GetUserPoolMfaConfig", UserPoolId=pool.id)

    # then the front has them, and the MFA settings are as they were
    assert answer["WebAuthnConfiguration"] == {
        "RelyingPartyId": "auth.example.com",
        "UserVerification": "required",
    }
    assert answer["EmailMfaConfiguration"] == {
        "Message": "Sign in with {####}",
        "Subject": "Your code",
    }
    assert answer["MfaConfiguration"] == "OPTIONAL"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_user_verification_is_required_or_preferred(make_pool: Callable[..., Pool]) -> None:
    """Any other UserVerification is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html:
    "Valid Values: required | preferred".
    """
    # given a pool
    pool = choice_pool(make_pool)

    # when its user verification is set to discouraged
    refused = refusal(
        "SetUserPoolMfaConfig", UserPoolId=pool.id,
        WebAuthnConfiguration={"UserVerification": "discouraged"},
    )  # fmt: skip

    # then it is refused
    assert refused[0] == "InvalidParameterException"


# Registration


def test_start_registration_answers_creation_options(make_pool: Callable[..., Pool]) -> None:
    """CredentialCreationOptions: the relying party, the user, a challenge, ES256 and RS256.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html:
    "Returns information about the user pool, the user profile, and authentication
    requirements"; the shape follows a deployed pool's answer recorded in amplify-js
    (rp id and name, user id the sub in base64url, name the username, a 16-byte
    challenge, algorithms -7 and -257, timeout 60000, a required resident key); ES256 and
    RS256 per
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html.
    """
    # given alice, signed in, in a pool allowing passkeys
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when she starts a registration
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]

    # then the options are a passkey's for localhost, her user handle her sub
    sub = claims(token)["sub"]
    assert options["rp"] == {"id": "localhost", "name": "localhost"}
    assert options["user"] == {"id": b64url(sub.encode()), "name": "alice", "displayName": ""}
    assert len(unb64url(options["challenge"])) == 16
    assert options["pubKeyCredParams"] == [
        {"type": "public-key", "alg": -7},
        {"type": "public-key", "alg": -257},
    ]
    assert options["timeout"] == 60000
    assert options["excludeCredentials"] == []
    assert options["authenticatorSelection"] == {
        "requireResidentKey": True,
        "residentKey": "required",
        "userVerification": "preferred",
    }


def test_a_verified_registration_is_listed(make_pool: Callable[..., Pool]) -> None:
    """CompleteWebAuthnRegistration keeps the passkey; ListWebAuthnCredentials shows it.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html
    (an empty answer) and
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnCredentialDescription.html
    (CredentialId, FriendlyCredentialName, RelyingPartyId, AuthenticatorAttachment,
    AuthenticatorTransports, CreatedAt in epoch seconds). A new registration excludes it.
    """
    # given alice, signed in
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")
    authenticator = Authenticator()

    # when she registers a passkey
    answer = _register(pool, token, authenticator)

    # then it is hers, and excluded from the next registration
    assert answer == {}
    [listed] = _list(token)["Credentials"]
    assert listed["CredentialId"] == b64url(authenticator.credential_id)
    assert listed["RelyingPartyId"] == "localhost"
    assert listed["AuthenticatorAttachment"] == "platform"
    assert listed["AuthenticatorTransports"] == ["internal", "hybrid"]
    assert listed["FriendlyCredentialName"]
    assert isinstance(listed["CreatedAt"], float)
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    assert options["excludeCredentials"] == [
        {"type": "public-key", "id": b64url(authenticator.credential_id)}
    ]


def test_the_credential_may_come_json_encoded(make_pool: Callable[..., Pool]) -> None:
    """Credential is a JSON document; a JSON-encoded one (as Amplify sends it) is taken too.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html:
    Credential, "A RegistrationResponseJSON public-key credential response"; amplify-js
    sends ``JSON.stringify(...)`` of it (``associateWebAuthnCredential.test.ts``).
    """
    # given alice's options
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]

    # when the credential is sent as a string
    credential = json.dumps(Authenticator().create(options))
    answer = call("CompleteWebAuthnRegistration", AccessToken=token, Credential=credential)

    # then it is registered
    assert answer == {}
    assert len(_list(token)["Credentials"]) == 1


def test_a_registration_challenge_works_once(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """A registration answers its StartWebAuthnRegistration once, and within 5 minutes.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html:
    WebAuthnChallengeNotFoundException, "thrown when the challenge from StartWebAuthn
    registration has expired". How long it lives is undocumented; the emulator keeps it
    5 minutes.
    """
    # given alice's completed registration
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    credential = Authenticator().create(options)
    call("CompleteWebAuthnRegistration", AccessToken=token, Credential=credential)

    # when it is sent again, and when another registration is answered 5 minutes late
    again = refusal("CompleteWebAuthnRegistration", AccessToken=token, Credential=credential)
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    clock.advance(301)
    late = refusal(
        "CompleteWebAuthnRegistration",
        AccessToken=token,
        Credential=Authenticator().create(options),
    )

    # then both are refused
    assert again[0] == late[0] == "WebAuthnChallengeNotFoundException"


def test_another_clients_token_cannot_complete_a_registration(
    make_pool: Callable[..., Pool],
) -> None:
    """The registration is completed with a token of the client that started it.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html:
    WebAuthnClientMismatchException, "thrown when the access token is for a different
    client than the one in the original StartWebAuthnRegistration request".
    """
    # given alice signed in with two clients, a registration started with the first
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    other = pool.admin.create_user_pool_client(
        UserPoolId=pool.id, ClientName="other", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    signed_in = call(
        "InitiateAuth", ClientId=other, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD",
                        "PASSWORD": PASSWORD},
    )  # fmt: skip
    first = _access_token(pool, "alice")
    options = call("StartWebAuthnRegistration", AccessToken=first)["CredentialCreationOptions"]

    # when the second client's token completes it
    refused = refusal(
        "CompleteWebAuthnRegistration",
        AccessToken=signed_in["AuthenticationResult"]["AccessToken"],
        Credential=Authenticator().create(options),
    )

    # then it is refused
    assert refused[0] == "WebAuthnClientMismatchException"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://127.0.0.1:5173", "https://localhost.evil.example"]
)
def test_a_registration_from_a_foreign_origin_is_refused(
    make_pool: Callable[..., Pool], origin: str
) -> None:
    """A credential created on a page not of the relying party is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html:
    WebAuthnOriginNotAllowedException, "the passkey credential's registration origin does
    not align with the user pool relying party id". The emulator accepts
    http://localhost on any port and https:// the relying party or its subdomains.
    """
    # given alice, signed in
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when her credential comes from another origin
    refused = _registration_refusal(pool, token, Authenticator(), origin=origin)

    # then it is refused
    assert refused[0] == "WebAuthnOriginNotAllowedException"


@pytest.mark.parametrize(
    "origin", ["https://auth.example.com", "https://app.auth.example.com:8443", "http://localhost"]
)
def test_the_relying_partys_https_origins_are_accepted(
    make_pool: Callable[..., Pool], origin: str
) -> None:
    """With relying party auth.example.com, its https origins (and localhost) register.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html:
    RelyingPartyId, "the authentication domain ... that passkey providers must use as a
    relying party"; a page of that domain or a subdomain may use it
    (https://www.w3.org/TR/webauthn-3/#relying-party-identifier).
    """
    # given a pool whose relying party is auth.example.com
    pool = choice_pool(make_pool, webauthn={"RelyingPartyId": "auth.example.com"})
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when a credential of that relying party comes from the origin
    answer = _register(pool, token, Authenticator(), origin=origin)

    # then it is registered
    assert answer == {}


def test_a_credential_of_another_relying_party_is_refused(
    make_pool: Callable[..., Pool],
) -> None:
    """A credential whose authenticator data names another relying party is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html:
    WebAuthnRelyingPartyMismatchException, "the given passkey credential is associated
    with a different relying party ID than the user pool relying party ID".
    """
    # given alice, signed in
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when her credential is for example.org
    refused = _registration_refusal(pool, token, Authenticator(), rp_id="example.org")

    # then it is refused
    assert refused[0] == "WebAuthnRelyingPartyMismatchException"


def test_only_es256_and_rs256_passkeys(make_pool: Callable[..., Pool]) -> None:
    """An Ed25519 passkey is refused.

    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
    (ES256 and RS256); CompleteWebAuthnRegistration's
    WebAuthnCredentialNotSupportedException, "passkey credentials from an unsupported
    device or provider".
    """
    # given alice, signed in
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when she registers an EdDSA key
    refused = _registration_refusal(pool, token, Authenticator(algorithm=-8))

    # then it is refused
    assert refused[0] == "WebAuthnCredentialNotSupportedException"


def test_passkeys_need_the_pool_to_allow_them(make_pool: Callable[..., Pool]) -> None:
    """Without WEB_AUTHN among the first factors, registration is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html:
    WebAuthnNotEnabledException, "thrown when the passkey feature isn't enabled for the
    user pool".
    """
    # given a pool allowing passwords and email codes only
    pool = choice_pool(make_pool, ("PASSWORD", "EMAIL_OTP"))
    confirmed_user(pool, "alice")

    # when alice starts a registration
    refused = refusal("StartWebAuthnRegistration", AccessToken=_access_token(pool, "alice"))

    # then it is refused
    assert refused[0] == "WebAuthnNotEnabledException"


def test_required_user_verification_refuses_a_passkey_without_it(
    make_pool: Callable[..., Pool],
) -> None:
    """With UserVerification required, a passkey that did not verify the user is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html:
    "When required, users can only register and sign in users with passkeys that are
    capable of user verification".
    """
    # given a pool requiring user verification
    pool = choice_pool(make_pool, webauthn={"UserVerification": "required"})
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")

    # when a passkey that skips it registers
    refused = _registration_refusal(pool, token, Authenticator(verifies_user=False))

    # then it is refused
    assert refused[0] == "InvalidParameterException"
    assert "verif" in refused[1].lower()


# The user's passkeys


def test_a_passkey_is_deleted_by_its_id(make_pool: Callable[..., Pool]) -> None:
    """DeleteWebAuthnCredential removes one of the user's passkeys; an unknown id is not found.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html
    (CredentialId; ResourceNotFoundException).
    """
    # given alice with a passkey
    pool, authenticator = _passkey_user(make_pool)
    token = _access_token(pool, "alice")

    # when she deletes it, and then an unknown one
    answer = call(
        "DeleteWebAuthnCredential",
        AccessToken=token,
        CredentialId=b64url(authenticator.credential_id),
    )
    unknown = refusal("DeleteWebAuthnCredential", AccessToken=token, CredentialId="bm9wZQ")

    # then it is gone, and the unknown one is not found
    assert answer == {}
    assert _list(token)["Credentials"] == []
    assert unknown[0] == "ResourceNotFoundException"


def test_another_users_passkey_cannot_be_deleted(make_pool: Callable[..., Pool]) -> None:
    """A user deletes only their own passkeys.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html:
    "Deletes a registered passkey ... for the currently signed-in user".
    """
    # given alice with a passkey, and bob
    pool, authenticator = _passkey_user(make_pool)
    confirmed_user(pool, "bob")

    # when bob deletes alice's passkey
    refused = refusal(
        "DeleteWebAuthnCredential",
        AccessToken=_access_token(pool, "bob"),
        CredentialId=b64url(authenticator.credential_id),
    )

    # then it is not found, and still alice's
    assert refused[0] == "ResourceNotFoundException"
    assert len(_list(_access_token(pool, "alice"))["Credentials"]) == 1


def test_the_list_comes_in_pages(make_pool: Callable[..., Pool]) -> None:
    """ListWebAuthnCredentials pages with MaxResults (0 to 20) and NextToken.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html
    (MaxResults "Valid Range: Minimum value of 0. Maximum value of 20", NextToken).
    """
    # given alice with three passkeys
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")
    keys = [Authenticator() for _ in range(3)]
    for authenticator in keys:
        _register(pool, token, authenticator)

    # when they are listed two at a time, and with 21
    first = _list(token, MaxResults=2)
    second = _list(token, MaxResults=2, NextToken=first["NextToken"])
    too_many = refusal("ListWebAuthnCredentials", AccessToken=token, MaxResults=21)

    # then two, then the last one, in order; 21 is refused
    ids = [c["CredentialId"] for c in first["Credentials"] + second["Credentials"]]
    assert ids == [b64url(a.credential_id) for a in keys]
    assert "NextToken" not in second
    assert too_many[0] == "InvalidParameterException"


def test_a_deleted_users_passkeys_are_forgotten(make_pool: Callable[..., Pool]) -> None:
    """A user deleted and signed up again has no passkey of the old one.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    "A deleted user profile can no longer be used to sign in and can't be restored."
    """
    # given alice with a passkey, who deletes herself and signs up again
    pool, _ = _passkey_user(make_pool)
    call("DeleteUser", AccessToken=_access_token(pool, "alice"))
    confirmed_user(pool, "alice")

    # when the new alice lists her passkeys
    listed = _list(_access_token(pool, "alice"))

    # then there are none
    assert listed["Credentials"] == []


# Signing in with a passkey


def test_web_authn_is_offered_once_the_user_has_a_passkey(make_pool: Callable[..., Pool]) -> None:
    """WEB_AUTHN is among AvailableChallenges only for a user with a passkey.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    AvailableChallenges "lists the available authentication challenges that users can
    select from"; a user without a passkey cannot answer WEB_AUTHN (observed: research
    notes, section 11.2).
    """
    # given alice with a passkey and bob without
    pool, _ = _passkey_user(make_pool)
    confirmed_user(pool, "bob")

    # when both start a choice-based sign-in
    alice, bob = user_auth(pool, "alice"), user_auth(pool, "bob")

    # then only alice is offered WEB_AUTHN
    assert "WEB_AUTHN" in alice["AvailableChallenges"]
    assert "WEB_AUTHN" not in bob["AvailableChallenges"]


def test_the_web_authn_challenge_carries_request_options(make_pool: Callable[..., Pool]) -> None:
    """CREDENTIAL_REQUEST_OPTIONS: a JSON string of the challenge, rpId, allowed credentials.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    (ChallengeParameters a map of strings); the content as a deployed pool sent it,
    recorded in amplify-js (``passkeyCredentialRequestOptions``: challenge, timeout 180000
    for a 3-minute session, rpId, allowCredentials of id and type, userVerification).
    """
    # given alice with a passkey
    pool, authenticator = _passkey_user(make_pool)

    # when she prefers WEB_AUTHN
    challenge = _web_authn_challenge(pool, "alice")

    # then the options ask for her passkey, for localhost, within the session
    options = _options(challenge)
    assert len(unb64url(options["challenge"])) == 16
    assert options["rpId"] == "localhost"
    assert options["timeout"] == 180000
    assert options["userVerification"] == "preferred"
    assert options["allowCredentials"] == [
        {"id": b64url(authenticator.credential_id), "type": "public-key"}
    ]


def test_a_passkey_signs_in_end_to_end(make_pool: Callable[..., Pool]) -> None:
    """Sign up, sign in with the password, register a passkey, sign in with it.

    The whole flow of
    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
    (choice-based authentication): InitiateAuth USER_AUTH answers SELECT_CHALLENGE; the
    answer WEB_AUTHN gets the WEB_AUTHN challenge; its answer, CREDENTIAL "the results of
    a successful authentication with a WebAuthn authenticator"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html),
    gets tokens.
    """
    # given alice, signed up and confirmed, who registers a passkey
    pool = choice_pool(make_pool)
    confirmed_user(pool, "alice")
    token = _access_token(pool, "alice")
    options = call("StartWebAuthnRegistration", AccessToken=token)["CredentialCreationOptions"]
    authenticator = Authenticator()
    call(
        "CompleteWebAuthnRegistration",
        AccessToken=token,
        Credential=authenticator.create(options),
    )

    # when she signs in choosing her passkey
    selection = user_auth(pool, "alice")
    assert selection["ChallengeName"] == "SELECT_CHALLENGE"
    challenge = respond(pool, "SELECT_CHALLENGE", selection["Session"], "alice", ANSWER="WEB_AUTHN")
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    user_handle = unb64url(options["user"]["id"])
    credential = authenticator.get(
        challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], user_handle=user_handle
    )
    answer = respond(pool, "WEB_AUTHN", challenge["Session"], "alice", CREDENTIAL=credential)

    # then she has tokens
    result = answer["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"
    user = call("GetUser", AccessToken=result["AccessToken"])
    assert user["Username"] == "alice"


def test_an_assertion_works_once(make_pool: Callable[..., Pool]) -> None:
    """A WEB_AUTHN challenge is answered once; its assertion does not answer another.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
    (a session per challenge); https://www.w3.org/TR/webauthn-3/#sctn-cryptographic-challenges:
    challenges "MUST be randomly generated by Relying Parties", so an old assertion
    answers no new one.
    """
    # given alice's successful passkey sign-in
    pool, authenticator = _passkey_user(make_pool)
    first = _web_authn_challenge(pool, "alice")
    credential = authenticator.get(first["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    respond(pool, "WEB_AUTHN", first["Session"], "alice", CREDENTIAL=credential)

    # when the same assertion answers again, and answers a new challenge
    replay = respond_refusal(pool, "WEB_AUTHN", first["Session"], "alice", CREDENTIAL=credential)
    second = _web_authn_challenge(pool, "alice")
    reused = respond_refusal(pool, "WEB_AUTHN", second["Session"], "alice", CREDENTIAL=credential)

    # then both are refused
    assert replay == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )
    assert reused[0] == "NotAuthorizedException"


def test_a_failed_assertion_uses_the_challenge_up(make_pool: Callable[..., Pool]) -> None:
    """After a wrong assertion the challenge is spent: the right one is refused too.

    Undocumented by AWS; chosen so that one WebAuthn challenge is verified once
    (https://www.w3.org/TR/webauthn-3/#sctn-cryptographic-challenges), unlike a wrong
    code, which keeps its session.
    """
    # given alice at the WEB_AUTHN challenge
    pool, authenticator = _passkey_user(make_pool)
    challenge = _web_authn_challenge(pool, "alice")
    request = challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]

    # when an assertion from another origin answers, then hers
    foreign = authenticator.get(request, origin="https://evil.example")
    refused = respond_refusal(pool, "WEB_AUTHN", challenge["Session"], "alice", CREDENTIAL=foreign)
    late = respond_refusal(
        pool, "WEB_AUTHN", challenge["Session"], "alice", CREDENTIAL=authenticator.get(request)
    )

    # then the first is refused for its origin, the second for the spent session
    assert refused[0] == "NotAuthorizedException"
    assert "origin" in refused[1]
    assert late[1] == "Invalid session for the user, session can only be used once."


def test_the_signature_counter_must_grow(make_pool: Callable[..., Pool]) -> None:
    """An assertion whose counter did not grow (a cloned authenticator) is refused.

    https://www.w3.org/TR/webauthn-3/#sctn-sign-counter: a counter not greater than the
    stored one "signals that the authenticator may be cloned"; the front keeps each
    passkey's counter (``verify_authentication_response``).
    """
    # given alice, who signed in with her passkey (counter 1)
    pool, authenticator = _passkey_user(make_pool)
    first = _web_authn_challenge(pool, "alice")
    credential = authenticator.get(first["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    respond(pool, "WEB_AUTHN", first["Session"], "alice", CREDENTIAL=credential)

    # when a copy of it signs with counter 1 again
    authenticator.sign_count = 0
    second = _web_authn_challenge(pool, "alice")
    clone = authenticator.get(second["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    refused = respond_refusal(pool, "WEB_AUTHN", second["Session"], "alice", CREDENTIAL=clone)

    # then it is refused
    assert refused[0] == "NotAuthorizedException"


def test_another_users_passkey_does_not_sign_in(make_pool: Callable[..., Pool]) -> None:
    """Bob's passkey does not answer alice's WEB_AUTHN challenge.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html:
    WEB_AUTHN "Respond to the challenge with the results of a successful authentication
    with a WebAuthn authenticator" - the user's own.
    """
    # given alice and bob with passkeys
    pool, _ = _passkey_user(make_pool)
    confirmed_user(pool, "bob")
    bobs = Authenticator()
    _register(pool, _access_token(pool, "bob"), bobs)

    # when bob's passkey answers alice's challenge
    challenge = _web_authn_challenge(pool, "alice")
    credential = bobs.get(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    refused = respond_refusal(
        pool, "WEB_AUTHN", challenge["Session"], "alice", CREDENTIAL=credential
    )

    # then it is refused
    assert refused[0] == "NotAuthorizedException"


def test_required_user_verification_refuses_an_assertion_without_it(
    make_pool: Callable[..., Pool],
) -> None:
    """With UserVerification required, an assertion without user verification is refused.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html:
    "When required, users can only register and sign in users with passkeys that are
    capable of user verification".
    """
    # given alice's passkey in a pool requiring user verification
    pool, authenticator = _passkey_user(make_pool, webauthn={"UserVerification": "required"})
    challenge = _web_authn_challenge(pool, "alice")
    assert _options(challenge)["userVerification"] == "required"

    # when it signs without verifying her
    authenticator.verifies_user = False
    credential = authenticator.get(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    refused = respond_refusal(
        pool, "WEB_AUTHN", challenge["Session"], "alice", CREDENTIAL=credential
    )

    # then it is refused
    assert refused[0] == "NotAuthorizedException"


def test_an_unknown_user_gets_a_simulated_web_authn_challenge(
    make_pool: Callable[..., Pool],
) -> None:
    """With PreventUserExistenceErrors an unknown user's WEB_AUTHN challenge looks real.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html:
    for choice-based sign-in Cognito answers an unknown user with a simulated challenge;
    no credential answers it.
    """
    # given a pool hiding which users exist, and a passkey of nobody's
    pool = choice_pool(make_pool)

    # when ghost prefers WEB_AUTHN and answers with a passkey
    challenge = _web_authn_challenge(pool, "ghost")
    options = _options(challenge)
    credential = Authenticator().get(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    refused = respond_refusal(
        pool, "WEB_AUTHN", challenge["Session"], "ghost", CREDENTIAL=credential
    )

    # then the options have a real one's shape, and the answer is refused like a wrong passkey
    assert set(options) == {
        "hints", "attestation", "attestationFormats", "challenge", "timeout", "rpId",
        "allowCredentials", "userVerification",
    }  # fmt: skip
    assert len(options["allowCredentials"]) == 1
    assert refused == (
        "NotAuthorizedException",
        "Passkey authentication failed: the credential is not registered for this user.",
    )
