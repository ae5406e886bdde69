"""Lambda triggers of sign-up, confirmation, sign-in and migration; how failures answer.

Every event has the shared shape ``{"version", "triggerSource", "region", "userPoolId",
"userName", "callerContext": {"awsSdkVersion", "clientId"}, "request", "response"}``
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#cognito-user-pools-lambda-trigger-syntax-shared);
which operation invokes which source is that page's "Connecting API operations to
Lambda triggers" table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .support import (
    PASSWORD,
    TEMPORARY_PASSWORD,
    Lambdas,
    Pool,
    Refused,
    admin_user,
    call,
    codes,
    confirm,
    confirmed_user,
    email_of,
    new_password,
    refusal,
    shared_shape,
    sign_in,
    sign_up,
)


def _password_refusal(pool: Pool, username: str, password: str = PASSWORD) -> tuple[str, str]:
    return refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )  # fmt: skip


def test_sign_up_invokes_pre_sign_up_with_the_request(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PreSignUp_SignUp gets the attributes, validation data and client metadata.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html:
    request userAttributes, validationData, clientMetadata; response autoConfirmUser,
    autoVerifyPhone, autoVerifyEmail (false when Cognito sends them).
    """
    # given a PreSignUp trigger
    pool = make_pool(triggers=["PreSignUp"])

    # when alice signs up with validation data and metadata
    sign_up(
        pool, "alice", ValidationData=[{"Name": "invite", "Value": "x1"}],
        ClientMetadata={"source": "web"},
    )  # fmt: skip

    # then the trigger got the documented event
    (event,) = lambdas.of("PreSignUp_SignUp")
    shared_shape(event, pool, "alice", pool.client_id)
    assert event["version"] == "1"
    assert event["request"] == {
        "userAttributes": {"email": "alice@example.com"},
        "validationData": {"invite": "x1"},
        "clientMetadata": {"source": "web"},
    }
    assert event["response"] == {
        "autoConfirmUser": False,
        "autoVerifyPhone": False,
        "autoVerifyEmail": False,
    }


def test_pre_sign_up_can_confirm_and_verify(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """autoConfirmUser and autoVerifyEmail are honoured: no code, a verified email.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html:
    "autoConfirmUser: Set to true to auto-confirm the user"; "autoVerifyEmail: Set to
    true to set as verified the email address of a user who is signing up". PostConfirmation
    is not invoked for such a user (observed, research notes section 6.4).
    """
    # given a PreSignUp trigger confirming and verifying everyone
    pool = make_pool(triggers=["PreSignUp", "PostConfirmation"])
    lambdas.respond("PreSignUp", {"autoConfirmUser": True, "autoVerifyEmail": True})

    # when alice signs up
    answer = sign_up(pool, "alice")

    # then she is confirmed, got no code, and can sign in and reset her password
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer
    assert codes(email_of("alice")) == []
    assert "AuthenticationResult" in sign_in(pool, "alice")
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    assert len(codes(email_of("alice"))) == 1
    assert lambdas.of("PostConfirmation_ConfirmSignUp") == []


def test_admin_create_user_invokes_pre_sign_up_without_a_client(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PreSignUp_AdminCreateUser: no app client, and its auto-confirm is not honoured.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html:
    the source of AdminCreateUser; admin-created users stay FORCE_CHANGE_PASSWORD. The
    clientId of an admin call is "CLIENT_ID_NOT_APPLICABLE" (observed).
    """
    # given a PreSignUp trigger answering autoConfirmUser
    pool = make_pool(triggers=["PreSignUp"])
    lambdas.respond("PreSignUp", {"autoConfirmUser": True})

    # when an admin creates alice
    admin_user(pool, "alice")

    # then the event had no client and alice must still set her password
    (event,) = lambdas.of("PreSignUp_AdminCreateUser")
    shared_shape(event, pool, "alice", None)
    assert sign_in(pool, "alice", TEMPORARY_PASSWORD)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_confirming_invokes_post_confirmation(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """ConfirmSignUp invokes PostConfirmation_ConfirmSignUp with the confirmed user.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html:
    the request's userAttributes include sub, cognito:user_status "CONFIRMED" and
    email_verified "true" (strings), and clientMetadata.
    """
    # given alice signed up, with a PostConfirmation trigger
    pool = make_pool(triggers=["PostConfirmation"])
    sub = sign_up(pool, "alice")["UserSub"]

    # when she confirms with metadata
    call(
        "ConfirmSignUp", ClientId=pool.client_id, Username="alice",
        ConfirmationCode=codes(email_of("alice"))[-1], ClientMetadata={"k": "v"},
    )  # fmt: skip

    # then the trigger saw her confirmed
    (event,) = lambdas.of("PostConfirmation_ConfirmSignUp")
    shared_shape(event, pool, "alice", pool.client_id)
    assert event["request"]["userAttributes"] == {
        "sub": sub,
        "email": "alice@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }
    assert event["request"]["clientMetadata"] == {"k": "v"}


def test_a_reset_invokes_post_confirmation_for_forgot_password(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """ConfirmForgotPassword invokes PostConfirmation_ConfirmForgotPassword.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html:
    PostConfirmation_ConfirmForgotPassword is the source after a forgotten password is
    reset.
    """
    # given alice, confirmed, who asked for a reset code
    pool = make_pool(triggers=["PostConfirmation"])
    confirmed_user(pool, "alice")
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")

    # when she resets her password
    call(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username="alice",
        ConfirmationCode=codes(email_of("alice"))[-1], Password="N3w-Passw0rd!long",
    )  # fmt: skip

    # then the forgot-password confirmation was seen
    (event,) = lambdas.of("PostConfirmation_ConfirmForgotPassword")
    shared_shape(event, pool, "alice", pool.client_id)
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_sign_in_invokes_pre_and_post_authentication(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PreAuthentication gets ClientMetadata as validationData; PostAuthentication does not.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html
    (request userAttributes, validationData, userNotFound) and
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html
    (request userAttributes, newDeviceUsed, clientMetadata). InitiateAuth's ClientMetadata
    goes only to pre authentication and migration
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#CognitoUserPools-InitiateAuth-request-ClientMetadata).
    """
    # given both triggers, and alice
    pool = make_pool(triggers=["PreAuthentication", "PostAuthentication"])
    confirmed_user(pool, "alice")

    # when she signs in with metadata
    sign_in(pool, "alice", ClientMetadata={"k": "v"})

    # then pre then post authentication, with their requests
    assert lambdas.sources() == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
    ]
    pre, post = lambdas.events
    shared_shape(pre, pool, "alice", pool.client_id)
    shared_shape(post, pool, "alice", pool.client_id)
    assert pre["request"]["validationData"] == {"k": "v"}
    assert pre["request"]["userNotFound"] is False
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert post["request"]["newDeviceUsed"] is False
    assert post["request"]["clientMetadata"] == {}


def test_pre_authentication_runs_before_the_password_is_checked(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """A refusing PreAuthentication is the answer even to a wrong password.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html:
    "Amazon Cognito invokes this trigger when a user attempts to sign in"; that it runs
    before the password check is observed (research notes, section 6.2).
    """
    # given a PreAuthentication trigger that refuses alice
    pool = make_pool(triggers=["PreAuthentication"])
    confirmed_user(pool, "alice")
    lambdas.outcome("PreAuthentication", {"error": "raised", "message": "Account locked"})

    # when she signs in with a wrong password
    refused = _password_refusal(pool, "alice", "Wr0ng-Passw0rd!")

    # then the trigger's refusal
    assert refused == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Account locked.",
    )


def test_pre_authentication_sees_unknown_users_when_they_are_hidden(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """With PreventUserExistenceErrors, PreAuthentication runs with userNotFound true.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html:
    the request's userNotFound is set when the app client's PreventUserExistenceErrors is
    ENABLED.
    """
    # given a client hiding users, with a PreAuthentication trigger
    pool = make_pool(triggers=["PreAuthentication"], prevent=True)

    # when nobody signs in
    refused = _password_refusal(pool, "nobody")

    # then the trigger saw an unknown user, and the answer is a wrong password
    (event,) = lambdas.of("PreAuthentication_Authentication")
    assert event["request"]["userNotFound"] is True
    assert refused == ("NotAuthorizedException", "Incorrect username or password.")


def test_post_authentication_runs_only_when_tokens_are_issued(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PostAuthentication runs after the last challenge, with its ClientMetadata; a refusal
    means no tokens.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html:
    invoked after a user is authenticated; RespondToAuthChallenge passes ClientMetadata to
    it (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    # given an admin-created user and a PostAuthentication trigger
    pool = make_pool(triggers=["PostAuthentication"])
    admin_user(pool, "alice")

    # when she signs in (a challenge: no trigger yet) and answers it with metadata
    challenge = sign_in(pool, "alice", TEMPORARY_PASSWORD)
    assert lambdas.events == []
    answer = call(
        "RespondToAuthChallenge", ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"], ClientMetadata={"k": "v"},
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": "N3w-Passw0rd!long"},
    )  # fmt: skip

    # then it ran once, with the metadata; a refusing trigger then denies the next sign-in
    assert "AuthenticationResult" in answer
    (event,) = lambdas.of("PostAuthentication_Authentication")
    assert event["request"]["clientMetadata"] == {"k": "v"}
    lambdas.outcome("PostAuthentication", {"error": "raised", "message": "No"})
    assert _password_refusal(pool, "alice", "N3w-Passw0rd!long") == (
        "UserLambdaValidationException",
        "PostAuthentication failed with error No.",
    )


TIMEOUT = "Socket timeout while invoking Lambda function"
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
FAILURES = {
    "raised": (
        {"error": "raised", "message": "Email domain not allowed"},
        ("UserLambdaValidationException", "PreSignUp failed with error Email domain not allowed."),
    ),
    "timeout": (
        {"error": "timeout", "message": TIMEOUT},
        ("UnexpectedLambdaException", f"PreSignUp invocation failed due to error {TIMEOUT}."),
    ),
    "unavailable": (
        {"error": "unavailable", "message": "AccessDeniedException"},
        (
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error AccessDeniedException.",
        ),
    ),
    "not-an-object": ({"result": "not an event"}, UNRECOGNIZABLE),
    "response-not-an-object": ({"result": {"response": ["x"]}}, UNRECOGNIZABLE),
}


@pytest.mark.parametrize(("outcome", "expected"), FAILURES.values(), ids=FAILURES.keys())
def test_a_failed_trigger_fails_the_call(
    make_pool: Callable[..., Pool],
    lambdas: Lambdas,
    outcome: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    """A trigger that raises, times out, cannot run or answers garbage fails SignUp.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html:
    an error in the function fails the call ("<trigger> failed with error <message>");
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html:
    UserLambdaValidationException, UnexpectedLambdaException ("an unexpected exception
    with Lambda"), InvalidLambdaResponseException ("an invalid Lambda response"). Messages
    as observed (research notes, section 6.1). The user is not created.
    """
    # given a PreSignUp trigger that fails so
    pool = make_pool(triggers=["PreSignUp"])
    lambdas.outcome("PreSignUp", outcome)

    # when alice signs up
    refused = refusal(
        "SignUp", ClientId=pool.client_id, Username="alice", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email_of("alice")}],
    )  # fmt: skip

    # then Cognito's error, and no alice
    assert refused == expected
    assert pool.admin.list_users(UserPoolId=pool.id)["Users"] == []


def test_a_failed_post_confirmation_leaves_the_user_confirmed(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """PostConfirmation's error fails ConfirmSignUp, but the user stays confirmed.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html:
    the trigger runs after the user is confirmed; its error is the call's
    UserLambdaValidationException (observed: the user stays confirmed, research notes 6.4).
    """
    # given alice signed up, and a failing PostConfirmation
    pool = make_pool(triggers=["PostConfirmation"])
    sign_up(pool, "alice")
    lambdas.outcome("PostConfirmation", {"error": "raised", "message": "CRM down"})

    # when she confirms
    with pytest.raises(Refused) as caught:
        confirm(pool, "alice")

    # then the call failed and she is confirmed anyway
    assert (caught.value.code, caught.value.message) == (
        "UserLambdaValidationException",
        "PostConfirmation failed with error CRM down.",
    )
    assert "AuthenticationResult" in sign_in(pool, "alice")


def test_the_new_password_flow_reaches_its_triggers_in_order(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """Admin-created user, first sign-in: PreAuthentication, then at the answer PostAuthentication
    and TokenGeneration_NewPasswordChallenge.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#working-with-lambda-trigger-sources:
    InitiateAuth invokes pre authentication; RespondToAuthChallenge post authentication
    and token generation, and "No PreAuthentication".
    """
    # given every sign-in trigger, and an admin-created user
    pool = make_pool(triggers=["PreSignUp", "PreAuthentication", "PostAuthentication",
                               "PreTokenGeneration"])  # fmt: skip
    admin_user(pool, "alice")

    # when she signs in and sets her password
    new_password(pool, "alice")

    # then each trigger once, in Cognito's order
    assert lambdas.sources() == [
        "PreSignUp_AdminCreateUser",
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_NewPasswordChallenge",
    ]
