"""SignUpFlow.SELF_SERVICE: /signup with a password, /signup/confirm, /signup/resend.

Against the emulator's Cognito, whose confirmation codes are real (read from its
outbox); rows it cannot produce use botocore's Stubber against the real service model.
"""

from __future__ import annotations

import uuid

import pytest

PASSWORD = "Self-Serv1ce!pass"
RESEND_BODY = {
    "message": "If the account exists and is not confirmed yet, a new code has been sent."
}


@pytest.fixture
def self_service(cognito, monkeypatch):
    """The handler in SELF_SERVICE mode on a pool that verifies email, as the construct's."""
    monkeypatch.setenv("SIGN_UP_FLOW", "SELF_SERVICE")
    pool_id = cognito.admin.create_user_pool(
        PoolName="self-service",
        AutoVerifiedAttributes=["email"],
        # The construct's AccountRecovery.EMAIL_ONLY.
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": True}},
    )["UserPool"]["Id"]
    # A client without a secret: the runtime sends SECRET_HASH only with one.
    client_id = cognito.admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="self-service",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    monkeypatch.delenv("USER_POOL_CLIENT_SECRET")
    return pool_id


def sign_up_body(username: str, password: str = PASSWORD) -> dict[str, str]:
    return {"username": username, "email": f"{username}@example.com", "password": password}


def test_self_sign_up_creates_an_unconfirmed_user_and_says_where_the_code_went(
    invoke, make_event, cognito, self_service, username
):
    # given / when
    reply = invoke(make_event("/signup", sign_up_body(username)))

    # then
    assert reply.status == 201
    assert reply.body["user_confirmed"] is False
    assert reply.body["delivery"] == {
        "destination": reply.body["delivery"]["destination"],
        "medium": "EMAIL",
        "attribute": "email",
    }
    # masked, never the whole address
    assert f"{username}@example.com" not in reply.raw_body
    user = cognito.admin.admin_get_user(UserPoolId=self_service, Username=username)
    assert user["UserStatus"] == "UNCONFIRMED"


def test_self_service_user_signs_in_only_after_confirming(
    invoke, make_event, self_service, username, emulated_cognito
):
    # given
    invoke(make_event("/signup", sign_up_body(username)))
    before = invoke(make_event("/auth", {"username": username, "password": PASSWORD}))
    (code,) = emulated_cognito.codes(f"{username}@example.com")

    # when
    confirmed = invoke(make_event("/signup/confirm", {"username": username, "code": code}))
    after = invoke(make_event("/auth", {"username": username, "password": PASSWORD}))

    # then
    assert before.status == 403
    assert before.body["error"] == "UserNotConfirmed"
    assert confirmed.status == 200
    assert confirmed.body == {"user_confirmed": True}
    assert after.status == 200
    assert "access_token" in after.body


def test_self_sign_up_refuses_the_admin_create_body(invoke, make_event, self_service, username):
    # given the other flow's field
    body = {"username": username, "email": "a@example.com", "temporary_password": PASSWORD}

    # when
    reply = invoke(make_event("/signup", body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"


def test_self_sign_up_of_an_existing_user_is_409(invoke, make_event, self_service, username):
    # given
    invoke(make_event("/signup", sign_up_body(username)))

    # when
    reply = invoke(make_event("/signup", sign_up_body(username)))

    # then
    assert reply.status == 409
    assert reply.body["error"] == "UserExists"


def test_self_sign_up_with_a_weak_password_is_400(invoke, make_event, self_service, username):
    # given / when
    reply = invoke(make_event("/signup", sign_up_body(username, "sh0rt!")))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidPassword"


def test_confirming_an_unknown_user_looks_like_a_wrong_code(invoke, make_event, self_service):
    # given / when
    reply = invoke(
        make_event("/signup/confirm", {"username": f"nobody-{uuid.uuid4().hex[:8]}", "code": "1"})
    )

    # then
    assert reply.status == 400
    assert reply.body["error"] == "CodeMismatch"


def test_confirming_a_confirmed_account_again_is_409_already_confirmed(
    invoke, make_event, self_service, username, emulated_cognito
):
    """A second click on the confirm link: Cognito's ConfirmSignUp refuses a user who is not
    UNCONFIRMED with NotAuthorizedException ("User cannot be confirmed. Current status is
    CONFIRMED"), which must not read as "Incorrect username or password" on a route that
    takes no password
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html).
    """
    # given a user who confirmed their account
    invoke(make_event("/signup", sign_up_body(username)))
    (code,) = emulated_cognito.codes(f"{username}@example.com")
    assert invoke(make_event("/signup/confirm", {"username": username, "code": code})).status == 200

    # when the code is sent again
    again = invoke(make_event("/signup/confirm", {"username": username, "code": code}))

    # then the answer says what happened, and signing in works
    assert again.status == 409
    assert again.body == {
        "error": "AlreadyConfirmed",
        "message": "This account is already confirmed: sign in.",
    }
    assert invoke(make_event("/auth", {"username": username, "password": PASSWORD})).status == 200


@pytest.mark.parametrize(
    ("code", "error"),
    [("CodeMismatchException", "CodeMismatch"), ("ExpiredCodeException", "ExpiredCode")],
)
def test_confirm_sign_up_code_errors(invoke, make_event, self_service, stubbed, code, error):
    # given (Stubber: moto confirms with any code)
    stubbed.add_client_error("confirm_sign_up", service_error_code=code, http_status_code=400)

    # when
    reply = invoke(make_event("/signup/confirm", {"username": "ana", "code": "000000"}))

    # then
    assert reply.status == 400
    assert reply.body["error"] == error


def test_resend_sends_a_new_code(invoke, make_event, self_service, stubbed, cognito):
    # given (Stubber: moto has no ResendConfirmationCode)
    client_id = cognito.module._settings().client_id
    stubbed.add_response(
        "resend_confirmation_code",
        {
            "CodeDeliveryDetails": {
                "Destination": "a***@e***",
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        },
        {"ClientId": client_id, "Username": "ana"},
    )

    # when
    reply = invoke(make_event("/signup/resend", {"username": "ana"}))

    # then
    assert reply.status == 202
    assert reply.body == RESEND_BODY
    stubbed.assert_no_pending_responses()


@pytest.mark.parametrize(
    "code", ["UserNotFoundException", "InvalidParameterException", "LimitExceededException"]
)
def test_resend_answers_the_same_whatever_the_user(invoke, make_event, self_service, stubbed, code):
    # given: unknown, already confirmed ("InvalidParameter"), or asking too often
    stubbed.add_client_error(
        "resend_confirmation_code", service_error_code=code, http_status_code=400
    )

    # when
    reply = invoke(make_event("/signup/resend", {"username": "ana"}))

    # then
    assert reply.status == 202
    assert reply.body == RESEND_BODY


@pytest.mark.parametrize("route", ["/signup/confirm", "/signup/resend"])
def test_admin_create_flow_has_no_self_service_routes(invoke, make_event, route):
    # given the default flow
    # when
    reply = invoke(make_event(route, {"username": "ana", "code": "1"}))

    # then
    assert reply.status == 404
    assert reply.body["error"] == "NotFound"


def test_an_unknown_flow_is_a_500_naming_nothing(invoke, make_event, monkeypatch, caplog):
    # given a misconfigured function
    monkeypatch.setenv("SIGN_UP_FLOW", "OPEN_DOOR")

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then the caller gets the generic 500, the log names the variable
    assert reply.status == 500
    assert reply.body["error"] == "InternalError"
    assert "SIGN_UP_FLOW" in caplog.text


@pytest.mark.parametrize(
    ("flow", "operation", "body"),
    [
        (
            "SELF_SERVICE",
            "sign_up",
            {"username": "ana", "email": "a@example.com", "password": PASSWORD},
        ),
        (
            "ADMIN_CREATE",
            "admin_create_user",
            {"username": "ana", "email": "a@example.com", "temporary_password": PASSWORD},
        ),
    ],
)
def test_a_pre_sign_up_trigger_refusal_is_403_without_its_text(
    invoke, make_event, stubbed, monkeypatch, flow, operation, body
):
    # given a pre_sign_up trigger that refuses (Stubber: moto never invokes triggers)
    monkeypatch.setenv("SIGN_UP_FLOW", flow)
    stubbed.add_client_error(
        operation,
        service_error_code="UserLambdaValidationException",
        service_message="PreSignUp failed with error ana@example.com is not allowed.",
        http_status_code=400,
    )

    # when
    reply = invoke(make_event("/signup", body))

    # then
    assert reply.status == 403
    assert reply.body == {
        "error": "RequestRejected",
        "message": "The user pool refused this request.",
    }
