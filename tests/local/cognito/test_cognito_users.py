"""Users: usernames matched as the pool says, and answers that hide who exists.

Case sensitivity is the pool's ``UsernameConfiguration``
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html);
hiding users is the app client's ``PreventUserExistenceErrors``
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from cognito_api_construct.local.cognito import front, messages

from .support import (
    PASSWORD,
    Pool,
    admin_user,
    call,
    claims,
    codes,
    confirmed_user,
    email_of,
    refusal,
    sign_in,
    sign_up,
    tokens_of,
)

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def test_sign_up_in_another_case_is_the_same_username(make_pool: Callable[..., Pool]) -> None:
    """Case-insensitive pool: SignUp "Alice" after "alice" is UsernameExistsException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html:
    when case insensitive, "Alice" and "alice" are the same user; moto ignores the setting.
    """
    # given alice, in a pool like the construct's (case-insensitive)
    pool = make_pool()
    sign_up(pool, "alice")

    # when Alice signs up, and an admin creates ALICE
    by_user = refusal(
        "SignUp", ClientId=pool.client_id, Username="Alice", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "other@example.com"}],
    )  # fmt: skip
    by_admin = refusal(
        "AdminCreateUser", UserPoolId=pool.id, Username="ALICE", MessageAction="SUPPRESS"
    )

    # then both are the existing user
    assert by_user == ("UsernameExistsException", "User already exists")
    assert by_admin[0] == "UsernameExistsException"
    assert [u["Username"] for u in pool.admin.list_users(UserPoolId=pool.id)["Users"]] == ["alice"]


def test_sign_in_works_in_any_case_and_keeps_the_name_as_created(
    make_pool: Callable[..., Pool],
) -> None:
    """Any casing signs in; tokens name the user as created.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html:
    sign-in with any casing works in a case-insensitive pool. The returned username keeps
    its created casing (observed, research notes section 4).
    """
    # given Alice, confirmed with a code sent to ALICE's name
    pool = make_pool()
    sign_up(pool, "Alice")
    call(
        "ConfirmSignUp", ClientId=pool.client_id, Username="ALICE",
        ConfirmationCode=codes(email_of("Alice"))[-1],
    )  # fmt: skip

    # when she signs in as alice
    tokens = tokens_of(pool, "alice")

    # then her tokens name Alice
    assert claims(tokens["IdToken"])["cognito:username"] == "Alice"
    assert claims(tokens["AccessToken"])["username"] == "Alice"
    assert call("GetUser", AccessToken=tokens["AccessToken"])["Username"] == "Alice"


def test_a_case_sensitive_pool_keeps_names_apart(make_pool: Callable[..., Pool]) -> None:
    """CaseSensitive true: "Alice" and "alice" are two users, and only the exact name signs in.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html:
    with case sensitivity, usernames that differ in case are different users.
    """
    # given a case-sensitive pool with alice
    pool = make_pool(case_sensitive=True)
    confirmed_user(pool, "alice")

    # when Alice signs up with another password, and ALICE signs in with alice's
    answer = sign_up(pool, "Alice", "An0ther-Passw0rd!")
    wrong_case = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ALICE", "PASSWORD": PASSWORD},
    )  # fmt: skip

    # then Alice is a new user, and ALICE is nobody
    alice_sub = claims(tokens_of(pool, "alice")["IdToken"])["sub"]
    assert answer["UserSub"] != alice_sub
    assert answer["UserConfirmed"] is False
    assert wrong_case == INCORRECT


def test_an_unknown_user_signs_in_like_a_wrong_password(make_pool: Callable[..., Pool]) -> None:
    """PreventUserExistenceErrors ENABLED: an unknown user is "Incorrect username or password."

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "When set to ENABLED and the user doesn't exist, authentication returns an error
    indicating either the username or password was incorrect."
    """
    # given a client hiding users, and alice
    pool = make_pool(prevent=True)
    confirmed_user(pool, "alice")

    # when nobody signs in, and alice with a wrong password
    unknown = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD},
    )  # fmt: skip
    wrong = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Wr0ng-Passw0rd!"},
    )  # fmt: skip

    # then the same answer
    assert unknown == wrong == INCORRECT


def test_forgot_password_for_an_unknown_user_simulates_a_delivery(
    make_pool: Callable[..., Pool],
) -> None:
    """ForgotPassword for nobody answers a plausible delivery and sends nothing.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    with ENABLED, "password recovery return a response indicating a code was sent to a
    simulated destination".
    """
    # given a client hiding users
    pool = make_pool(prevent=True)

    # when nobody asks for a reset code, and nobody asks for a sign-up code again
    reset = call("ForgotPassword", ClientId=pool.client_id, Username="nobody")
    resend = call("ResendConfirmationCode", ClientId=pool.client_id, Username="nobody")

    # then both look delivered by email, masked; nothing was sent
    for details in (reset["CodeDeliveryDetails"], resend["CodeDeliveryDetails"]):
        assert details["DeliveryMedium"] == "EMAIL"
        assert details["AttributeName"] == "email"
        assert "***@" in details["Destination"]
    assert messages.sent() == []


def test_confirming_for_an_unknown_user_is_a_code_mismatch(
    make_pool: Callable[..., Pool],
) -> None:
    """ConfirmSignUp and ConfirmForgotPassword for nobody never say UserNotFoundException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html:
    with ENABLED, ConfirmForgotPassword answers CodeMismatchException for users that do
    not exist, and ConfirmSignUp never UserNotFoundException.
    """
    # given a client hiding users
    pool = make_pool(prevent=True)

    # when nobody confirms a sign-up and a reset
    sign_up_code = refusal(
        "ConfirmSignUp", ClientId=pool.client_id, Username="nobody", ConfirmationCode="123456"
    )
    reset_code = refusal(
        "ConfirmForgotPassword", ClientId=pool.client_id, Username="nobody",
        ConfirmationCode="123456", Password=PASSWORD,
    )  # fmt: skip

    # then both are code mismatches
    assert sign_up_code[0] == reset_code[0] == "CodeMismatchException"


def test_sign_up_still_says_a_name_is_taken(make_pool: Callable[..., Pool]) -> None:
    """Hiding users does not hide them from SignUp.

    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html:
    SignUp returns UsernameExistsException whatever PreventUserExistenceErrors says.
    """
    # given a client hiding users, and alice
    pool = make_pool(prevent=True)
    sign_up(pool, "alice")

    # when alice signs up again
    refused = refusal(
        "SignUp", ClientId=pool.client_id, Username="alice", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email_of("alice")}],
    )  # fmt: skip

    # then the name is taken
    assert refused == ("UsernameExistsException", "User already exists")


def test_without_prevention_unknown_users_are_user_not_found(
    make_pool: Callable[..., Pool],
) -> None:
    """PreventUserExistenceErrors LEGACY: UserNotFoundException, and no simulated delivery.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "When set to LEGACY, those APIs return a UserNotFoundException exception".
    """
    # given a client that does not hide users
    pool = make_pool(prevent=False)
    not_found = ("UserNotFoundException", "User does not exist.")

    # when nobody signs in, asks for a reset code, or confirms
    signing_in = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD},
    )  # fmt: skip
    resetting = refusal("ForgotPassword", ClientId=pool.client_id, Username="nobody")
    confirming = refusal(
        "ConfirmSignUp", ClientId=pool.client_id, Username="nobody", ConfirmationCode="123456"
    )

    # then each says the user does not exist
    assert signing_in == resetting == confirming == not_found


def test_an_unconfirmed_user_with_the_right_password_is_told_so(
    make_pool: Callable[..., Pool],
) -> None:
    """A user who did not confirm the sign-up gets UserNotConfirmedException, not tokens.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    lists UserNotConfirmedException: "This exception is thrown when a user isn't
    confirmed successfully".
    """
    # given alice, signed up and not confirmed
    pool = make_pool()
    sign_up(pool, "alice")

    # when she signs in
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip

    # then she is told to confirm first
    assert refused[0] == "UserNotConfirmedException"


def test_an_admin_created_user_must_set_a_new_password(make_pool: Callable[..., Pool]) -> None:
    """A FORCE_CHANGE_PASSWORD user's sign-in is NEW_PASSWORD_REQUIRED with the attributes.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html:
    NEW_PASSWORD_REQUIRED is "For users who are required to change their passwords after
    successful first login"; the parameters carry userAttributes and requiredAttributes.
    """
    # given an admin-created user
    pool = make_pool()
    admin_user(pool, "alice")

    # when she signs in with the temporary password
    answer = sign_in(pool, "alice", "Temp-Passw0rd!x")

    # then she must set a new one first
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    parameters = answer["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == "alice"
    assert json.loads(parameters["userAttributes"])["email"] == "alice@example.com"
    assert "AuthenticationResult" not in answer


def test_an_admin_call_moto_answers_names_the_user_as_created(
    make_pool: Callable[..., Pool],
) -> None:
    """A call the front leaves to moto (``AdminGetUser``) finds "Alice" as "ALICE": moto
    matches names exactly, so the front hands it the stored name
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html).
    """
    # given Alice
    pool = make_pool()
    sign_up(pool, "Alice")
    body = {"UserPoolId": pool.id, "Username": "ALICE"}

    # when the front checks the call and prepares it for moto
    request = front.answer("AdminGetUser", json.dumps(body).encode())

    # then it is moto's, with the name as created; a call naming nobody is left as sent
    assert isinstance(request, dict)
    assert json.loads(front.forwarded_body(json.dumps(body).encode(), request)) == {
        **body,
        "Username": "Alice",
    }
    nobody = json.dumps({**body, "Username": "bob"}).encode()
    assert front.forwarded_body(nobody, json.loads(nobody)) == nobody
