"""Messages: the pool's templates, the custom message trigger, the SMS sign-in code.

Templates: ``VerificationMessageTemplate`` for codes
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerificationMessageTemplateType.html),
``AdminCreateUserConfig.InviteMessageTemplate`` for invitations
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html).
The custom message trigger rewrites them
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cognito_api_construct.local.cognito import messages

from .support import (
    PASSWORD,
    TEMPORARY_PASSWORD,
    Lambdas,
    Pool,
    call,
    codes,
    confirmed_user,
    email_of,
    refusal,
    respond,
    shared_shape,
    sign_in,
    sign_up,
    tokens_of,
)


def _invite(pool: Pool, username: str = "alice", **body: Any) -> None:
    call(
        "AdminCreateUser", UserPoolId=pool.id, Username=username,
        TemporaryPassword=TEMPORARY_PASSWORD, DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[{"Name": "email", "Value": email_of(username)}], **body,
    )  # fmt: skip


def test_the_pools_verification_template_is_used(make_pool: Callable[..., Pool]) -> None:
    """A sign-up code is sent in the pool's VerificationMessageTemplate.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerificationMessageTemplateType.html:
    EmailMessage and EmailSubject, the message with the {####} placeholder.
    """
    # given a pool with its own verification email
    template = {"EmailMessage": "Welcome! Your code: {####}", "EmailSubject": "Welcome"}
    pool = make_pool(pool={"VerificationMessageTemplate": template})

    # when alice signs up
    sign_up(pool, "alice")

    # then the email is the template with her code
    (message,) = messages.sent(email_of("alice"))
    assert (message["subject"], message["body"]) == (
        "Welcome",
        f"Welcome! Your code: {message['code']}",
    )


def test_an_invitation_has_the_username_and_temporary_password(
    make_pool: Callable[..., Pool],
) -> None:
    """AdminCreateUser sends the invitation with {username} and {####}; SUPPRESS sends none.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html:
    the invitation goes by DesiredDeliveryMediums unless MessageAction is SUPPRESS; the
    template "must include the {####} temporary password placeholder"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html).
    Default texts as moto and Cognito have them (research notes, section 7.2).
    """
    # given the construct-like pool
    pool = make_pool()

    # when alice is invited by email, and bob with the message suppressed
    _invite(pool, "alice")
    _invite(pool, "bob", MessageAction="SUPPRESS")

    # then alice got her username and temporary password, bob nothing
    (message,) = messages.sent(email_of("alice"))
    assert message["subject"] == "Your temporary password"
    assert (
        message["body"]
        == f"Your username is alice and temporary password is {TEMPORARY_PASSWORD}. "
    )
    assert messages.sent(email_of("bob")) == []


def test_the_custom_message_trigger_writes_the_sign_up_email(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """CustomMessage_SignUp: the event's placeholders, and its emailSubject/emailMessage sent.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    "Insert the codeParameter string into the message body where you want the
    verification code to appear"; request codeParameter, linkParameter,
    usernameParameter, userAttributes, clientMetadata; response smsMessage, emailMessage,
    emailSubject.
    """
    # given a custom message trigger
    pool = make_pool(triggers=["CustomMessage"])
    lambdas.respond(
        "CustomMessage", {"emailSubject": "Hello", "emailMessage": "Code <b>{####}</b>"}
    )

    # when alice signs up with metadata
    sign_up(pool, "alice", ClientMetadata={"k": "v"})

    # then the trigger's email carries her code
    (event,) = lambdas.of("CustomMessage_SignUp")
    shared_shape(event, pool, "alice", pool.client_id)
    request = event["request"]
    assert request["codeParameter"] == "{####}"
    assert request["usernameParameter"] is None
    assert request["userAttributes"]["email"] == "alice@example.com"
    assert request["clientMetadata"] == {"k": "v"}
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    (message,) = messages.sent(email_of("alice"))
    assert (message["subject"], message["body"]) == ("Hello", f"Code <b>{message['code']}</b>")


def test_a_custom_message_without_the_code_is_not_sent(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """A custom message lacking codeParameter cannot carry the code: the default is sent.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    the message must contain the codeParameter. What Cognito does otherwise is not
    documented (default message or InvalidLambdaResponseException, research notes 6.8);
    the front sends the pool's message.
    """
    # given a trigger whose message forgets the code
    pool = make_pool(triggers=["CustomMessage"])
    lambdas.respond("CustomMessage", {"emailMessage": "Welcome aboard"})

    # when alice signs up
    sign_up(pool, "alice")

    # then she still gets her code
    (message,) = messages.sent(email_of("alice"))
    assert message["body"] == f"Your verification code is {message['code']}. "


def test_resend_and_forgot_password_have_their_sources(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """ResendConfirmationCode is CustomMessage_ResendCode; ForgotPassword _ForgotPassword.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    CustomMessage_ResendCode is the source that resends the confirmation code to an
    existing user, CustomMessage_ForgotPassword the one that sends the code of a forgot
    password request.
    """
    # given a custom message trigger, bob unconfirmed, alice confirmed
    pool = make_pool(triggers=["CustomMessage"])
    lambdas.respond("CustomMessage", {"emailMessage": "Your code is {####}"})
    sign_up(pool, "bob")
    confirmed_user(pool, "alice")

    # when bob asks for his code again and alice for a reset code
    call("ResendConfirmationCode", ClientId=pool.client_id, Username="bob")
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")

    # then each message came through its source, with the latest code
    assert lambdas.sources() == [
        "CustomMessage_SignUp",
        "CustomMessage_SignUp",
        "CustomMessage_ResendCode",
        "CustomMessage_ForgotPassword",
    ]
    assert (
        messages.sent(email_of("bob"))[-1]["body"] == f"Your code is {codes(email_of('bob'))[-1]}"
    )
    assert messages.sent(email_of("alice"))[-1]["body"] == (
        f"Your code is {codes(email_of('alice'))[-1]}"
    )


def test_an_invitation_message_needs_username_and_code(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """CustomMessage_AdminCreateUser: a message with both placeholders is sent; without the
    username placeholder the default invitation is.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    "Because an admin-created user must receive both their user name and code, the
    response from your function must include placeholder variables for the username and
    code", ``request.usernameParameter`` and ``request.codeParameter``.
    """
    # given a trigger writing invitations, one of them without the username
    pool = make_pool(triggers=["CustomMessage"])
    lambdas.respond("CustomMessage", {"emailMessage": "Hi {username}, use {####}"})
    _invite(pool, "alice")
    lambdas.respond("CustomMessage", {"emailMessage": "Use {####}"})

    # when bob is invited with the second
    _invite(pool, "bob")

    # then alice's used the trigger's text and bob got the default invitation
    (event, _) = lambdas.of("CustomMessage_AdminCreateUser")
    shared_shape(event, pool, "alice", None)
    assert event["request"]["usernameParameter"] == "{username}"
    assert messages.sent(email_of("alice"))[0]["body"] == f"Hi alice, use {TEMPORARY_PASSWORD}"
    assert messages.sent(email_of("bob"))[0]["body"] == (
        f"Your username is bob and temporary password is {TEMPORARY_PASSWORD}. "
    )


def test_a_failed_custom_message_fails_the_call(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """A custom message function that raises fails the call, and nothing is sent.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html:
    an error of the function is the call's UserLambdaValidationException.
    """
    # given alice confirmed, and a failing custom message trigger
    pool = make_pool(triggers=["CustomMessage"])
    confirmed_user(pool, "alice")
    lambdas.outcome("CustomMessage", {"error": "raised", "message": "template missing"})

    # when she asks for a reset code
    refused = refusal("ForgotPassword", ClientId=pool.client_id, Username="alice")

    # then the call fails and no reset code went out
    assert refused == (
        "UserLambdaValidationException",
        "CustomMessage failed with error template missing.",
    )
    assert [m["trigger_source"] for m in messages.sent()] == ["CustomMessage_SignUp"]


def test_an_sms_sign_in_code_is_sent_and_answers_sms_mfa(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """SMS MFA: the code goes by SMS (CustomMessage_Authentication) and answers SMS_MFA.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    CustomMessage_Authentication is the source of an MFA code at sign-in; SMS_MFA is
    answered with SMS_MFA_CODE
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html);
    the destination is masked (observed "+*******9934").
    """
    # given a pool with SMS MFA, and alice with a phone who turned it on
    pool = make_pool(triggers=["CustomMessage"])
    pool.admin.set_user_pool_mfa_config(
        UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Sign-in code {####}",
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"},
        },
    )  # fmt: skip
    confirmed_user(pool, "alice")
    pool.admin.admin_update_user_attributes(
        UserPoolId=pool.id, Username="alice",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555551234"}],
    )  # fmt: skip
    token = tokens_of(pool, "alice")["AccessToken"]
    call("SetUserMFAPreference", AccessToken=token,
         SMSMfaSettings={"Enabled": True, "PreferredMfa": True})  # fmt: skip

    # when she signs in, and answers with the code sent to her phone
    challenge = sign_in(pool, "alice", PASSWORD)
    (message,) = messages.sent("+15555551234")
    answer = respond(pool, "SMS_MFA", challenge["Session"], "alice", SMS_MFA_CODE=message["code"])

    # then the code went by SMS, through the trigger, and signed her in
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******1234",
    }
    assert (message["channel"], message["body"]) == ("SMS", f"Sign-in code {message['code']}")
    assert lambdas.sources()[-1] == "CustomMessage_Authentication"
    assert "AuthenticationResult" in answer
