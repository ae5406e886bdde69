"""Helpers of the Cognito front's rule tests: calling the front, the flows, fakes.

The front is called in this process as the emulator's server calls it
(``front.answer``), over moto's objects (``mock_aws``). Pools are made like the
construct's (``src/cognito_api_construct/_user_pool.py``, ``tests/auth_function.py``):
usernames case-insensitive, MFA optional with TOTP, email auto-verified and the only
recovery channel, a 12-character password policy with every character class; the app
client allows USER_PASSWORD_AUTH and refresh, prevents user existence errors and can
revoke tokens.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from cognito_api_construct.local.cognito import front, messages
from totp_codes import STEP_SECONDS, totp

REGION = "us-east-1"
#: Passwords the construct-like policy accepts (12 characters, all four classes).
PASSWORD = "Passw0rd!long"
NEW_PASSWORD = "N3w-Passw0rd!long"
TEMPORARY_PASSWORD = "Temp-Passw0rd!x"
POLICY: Mapping[str, Any] = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}

Event = dict[str, Any]
Behaviour = Callable[[Event], dict[str, Any]]


def arn(function: str) -> str:
    """The ARN of a fake trigger function (its name is the trigger's)."""
    return f"arn:aws:lambda:{REGION}:123456789012:function:{function}"


class Refused(Exception):
    """An error answer of the front: Cognito's ``__type`` and message."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def call(action: str, **body: Any) -> dict[str, Any]:
    """Call the front as the emulator's server does; its error answers raise Refused."""
    answer = front.answer(action, json.dumps(body).encode())
    assert isinstance(answer, tuple), f"{action} is not answered by the front"
    status, headers, payload = answer
    decoded: dict[str, Any] = json.loads(payload)
    if status != 200:
        assert ("x-amzn-ErrorType", decoded["__type"]) in headers
        raise Refused(decoded["__type"], decoded["message"], status)
    return decoded


def refusal(action: str, **body: Any) -> tuple[str, str]:
    """The (code, message) the front refuses a call with; fails if it is answered."""
    with pytest.raises(Refused) as caught:
        call(action, **body)
    return caught.value.code, caught.value.message


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload (unverified: the tests read what the front put in it)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """SECRET_HASH as the developer guide computes it: Base64(HMAC-SHA256(secret, user+client))."""
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def codes(to: str) -> list[str]:
    """The codes sent to ``to`` so far, oldest first."""
    return [str(message["code"]) for message in messages.sent(to)]


def email_of(username: str) -> str:
    """The email address a test gives a user."""
    return f"{username.lower()}@example.com"


@dataclass
class Clock:
    """``time.time`` under the test's control."""

    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward (or back, with a negative value)."""
        self.now += seconds


@dataclass
class Lambdas:
    """The fake trigger functions: each call's event recorded, answers set per trigger.

    A trigger without a behaviour returns the event it got, as a function that changes
    nothing does.
    """

    events: list[Event] = field(default_factory=list)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)

    def __call__(self, function_arn: str, event: Mapping[str, Any]) -> dict[str, Any]:
        recorded = copy.deepcopy(dict(event))
        self.events.append(recorded)
        behaviour = self.behaviours.get(function_arn.rpartition(":")[2])
        if behaviour is None:
            return {"result": copy.deepcopy(recorded)}
        return behaviour(copy.deepcopy(recorded))

    def respond(self, trigger: str, response: Mapping[str, Any]) -> None:
        """Make ``trigger``'s function set these fields of the event's ``response``."""

        def behaviour(event: Event) -> dict[str, Any]:
            return {"result": {**event, "response": {**event["response"], **response}}}

        self.behaviours[trigger] = behaviour

    def outcome(self, trigger: str, outcome: Mapping[str, Any]) -> None:
        """Make ``trigger``'s invocation end with this invoker outcome (an error...)."""
        self.behaviours[trigger] = lambda event: dict(outcome)

    def of(self, source: str) -> list[Event]:
        """The events of one trigger source, in order."""
        return [e for e in self.events if e["triggerSource"] == source]

    def sources(self) -> list[str]:
        """Every trigger source invoked, in order."""
        return [str(e["triggerSource"]) for e in self.events]


@dataclass
class Pool:
    """A user pool and its one app client in moto."""

    id: str
    client_id: str
    client_secret: str | None
    admin: Any  # boto3's cognito-idp client, for moto's own (admin) calls

    def hash(self, username: str) -> dict[str, str]:
        """``{"SECRET_HASH": ...}`` for ``username`` when the client has a secret, else {}."""
        if self.client_secret is None:
            return {}
        return {"SECRET_HASH": secret_hash(self.client_secret, username, self.client_id)}

    def secret_hash(self, username: str) -> dict[str, str]:
        """``{"SecretHash": ...}`` (the parameter of SignUp, ConfirmSignUp...), or {}."""
        value = self.hash(username)
        return {"SecretHash": value["SECRET_HASH"]} if value else {}


# The flows the tests go through, each with Cognito's calls.


def sign_up(pool: Pool, username: str, password: str = PASSWORD, **body: Any) -> dict[str, Any]:
    """SignUp with an email (``email_of(username)``) unless UserAttributes are given."""
    attributes = body.pop("UserAttributes", [{"Name": "email", "Value": email_of(username)}])
    return call(
        "SignUp", ClientId=pool.client_id, Username=username, Password=password,
        UserAttributes=attributes, **pool.secret_hash(username), **body,
    )  # fmt: skip


def confirm(pool: Pool, username: str) -> None:
    """ConfirmSignUp with the last code sent to the user's email."""
    call(
        "ConfirmSignUp", ClientId=pool.client_id, Username=username,
        ConfirmationCode=codes(email_of(username))[-1], **pool.secret_hash(username),
    )  # fmt: skip


def confirmed_user(pool: Pool, username: str, password: str = PASSWORD) -> str:
    """A self-service user, signed up and confirmed with the code sent to the email."""
    sign_up(pool, username, password)
    confirm(pool, username)
    return username


def admin_user(pool: Pool, username: str, temporary: str = TEMPORARY_PASSWORD) -> str:
    """An admin-created user (FORCE_CHANGE_PASSWORD), as POST /signup creates them."""
    call(
        "AdminCreateUser", UserPoolId=pool.id, Username=username, TemporaryPassword=temporary,
        UserAttributes=[{"Name": "email", "Value": email_of(username)},
                        {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )  # fmt: skip
    return username


def sign_in(pool: Pool, username: str, password: str = PASSWORD, **body: Any) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH (with SECRET_HASH when the client has a secret)."""
    return call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **pool.hash(username)},
        **body,
    )  # fmt: skip


def respond(
    pool: Pool, challenge: str, session: str, username: str, **responses: str
) -> dict[str, Any]:
    """RespondToAuthChallenge with USERNAME (and SECRET_HASH) and ``responses``."""
    return call(
        "RespondToAuthChallenge", ClientId=pool.client_id, ChallengeName=challenge,
        Session=session,
        ChallengeResponses={"USERNAME": username, **pool.hash(username), **responses},
    )  # fmt: skip


def tokens_of(pool: Pool, username: str, password: str = PASSWORD) -> dict[str, Any]:
    """A confirmed user's sign-in that ends in tokens: the AuthenticationResult."""
    answer = sign_in(pool, username, password)
    assert "AuthenticationResult" in answer, answer
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


def new_password(pool: Pool, username: str, password: str = NEW_PASSWORD) -> dict[str, Any]:
    """An admin-created user's first sign-in, answering NEW_PASSWORD_REQUIRED."""
    challenge = sign_in(pool, username, TEMPORARY_PASSWORD)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED", challenge
    return respond(
        pool, "NEW_PASSWORD_REQUIRED", challenge["Session"], username, NEW_PASSWORD=password
    )


def totp_now(secret: str, clock: Clock, steps: int = 0) -> str:
    """The authenticator's code for ``secret`` at the clock's time, ``steps`` steps away."""
    return totp(secret, clock.now + steps * STEP_SECONDS)


def totp_with_token(pool: Pool, access_token: str, clock: Clock) -> str:
    """TOTP set up with an access token and made preferred; returns the secret.

    The verifying code's step is used up, so the clock moves on to the next step.
    """
    secret = str(call("AssociateSoftwareToken", AccessToken=access_token)["SecretCode"])
    verified = call(
        "VerifySoftwareToken", AccessToken=access_token, UserCode=totp_now(secret, clock)
    )
    assert verified["Status"] == "SUCCESS"
    call(
        "SetUserMFAPreference", AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )  # fmt: skip
    clock.advance(STEP_SECONDS)
    return secret


def mfa_setup(
    pool: Pool, challenge: Mapping[str, Any], username: str, clock: Clock
) -> tuple[str, dict[str, Any]]:
    """Answer an MFA_SETUP challenge with a new authenticator: (secret, the answer).

    AssociateSoftwareToken and VerifySoftwareToken with the session, then MFA_SETUP with
    VerifySoftwareToken's session; the clock moves on past the verifying code's step.
    """
    assert challenge["ChallengeName"] == "MFA_SETUP", challenge
    associated = call("AssociateSoftwareToken", Session=challenge["Session"])
    secret = str(associated["SecretCode"])
    verified = call(
        "VerifySoftwareToken", Session=associated["Session"], UserCode=totp_now(secret, clock)
    )
    assert verified["Status"] == "SUCCESS"
    clock.advance(STEP_SECONDS)
    return secret, respond(pool, "MFA_SETUP", verified["Session"], username)


def respond_refusal(
    pool: Pool, challenge: str, session: str, username: str, **responses: str
) -> tuple[str, str]:
    """The (code, message) a RespondToAuthChallenge is refused with."""
    with pytest.raises(Refused) as caught:
        respond(pool, challenge, session, username, **responses)
    return caught.value.code, caught.value.message


SHAPE = {"version", "triggerSource", "region", "userPoolId", "userName", "callerContext",
         "request", "response"}  # fmt: skip


def shared_shape(event: Event, pool: Pool, username: str, client_id: str | None) -> None:
    """Assert the trigger event has the shared shape, for this pool, user and caller."""
    assert set(event) == SHAPE
    assert (event["region"], event["userPoolId"], event["userName"]) == (REGION, pool.id, username)
    assert event["callerContext"] == {
        "awsSdkVersion": "aws-sdk-unknown-unknown",
        "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
    }


# Choice-based sign-in (USER_AUTH) and passkeys.

#: Every first factor a pool may allow.
ALL_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")


def choice_pool(
    make_pool: Callable[..., Pool],
    factors: tuple[str, ...] = ALL_FACTORS,
    *,
    webauthn: Mapping[str, str] | None = None,
    **settings: Any,
) -> Pool:
    """A pool like the construct's allowing ``factors`` first, its client ALLOW_USER_AUTH.

    ``webauthn`` is set with SetUserPoolMfaConfig, as the emulator sets the template's
    WebAuthnRelyingPartyID and WebAuthnUserVerification.
    """
    pool_settings = {
        "Policies": {
            "PasswordPolicy": dict(POLICY),
            "SignInPolicy": {"AllowedFirstAuthFactors": list(factors)},
        },
        "UserPoolTier": "ESSENTIALS",
        **settings.pop("pool", {}),
    }
    client = {
        "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **settings.pop("client", {}),
    }
    pool = make_pool(pool=pool_settings, client=client, **settings)
    if webauthn is not None:
        call("SetUserPoolMfaConfig", UserPoolId=pool.id, WebAuthnConfiguration=dict(webauthn))
    return pool


def user_auth(pool: Pool, username: str, **parameters: str) -> dict[str, Any]:
    """InitiateAuth USER_AUTH for ``username`` (SECRET_HASH added when the client has one)."""
    return call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": username, **pool.hash(username), **parameters},
    )  # fmt: skip


def user_auth_refusal(pool: Pool, username: str, **parameters: str) -> tuple[str, str]:
    """The (code, message) an InitiateAuth USER_AUTH is refused with."""
    with pytest.raises(Refused) as caught:
        user_auth(pool, username, **parameters)
    return caught.value.code, caught.value.message


def with_phone(pool: Pool, username: str, phone: str = "+15555550123") -> None:
    """Give a user a verified phone number (an admin call, to moto)."""
    pool.admin.admin_update_user_attributes(
        UserPoolId=pool.id, Username=username,
        UserAttributes=[{"Name": "phone_number", "Value": phone},
                        {"Name": "phone_number_verified", "Value": "true"}],
    )  # fmt: skip
