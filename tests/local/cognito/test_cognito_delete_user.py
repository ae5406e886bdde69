"""DeleteUser: the signed-in user deletes their own profile, and nothing of it remains.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
"Deletes the profile of the currently signed-in user. A deleted user profile can no
longer be used to sign in and can't be restored."
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cognito_api_construct.local.cognito.state import STATE

from .support import (
    PASSWORD,
    Clock,
    Pool,
    call,
    claims,
    confirmed_user,
    refusal,
    sign_in,
    tokens_of,
    totp_with_token,
)


def _refresh_refusal(pool: Pool, refresh_token: str) -> tuple[str, str]:
    return refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )  # fmt: skip


@pytest.mark.parametrize("prevent", [True, False])
def test_a_deleted_user_is_gone(make_pool: Callable[..., Pool], prevent: bool) -> None:
    """After DeleteUser the user is not in the pool, and signs in as an unknown user.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    "A deleted user profile can no longer be used to sign in and can't be restored."
    An unknown user's sign-in is NotAuthorizedException when the client prevents user
    existence errors, else UserNotFoundException
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    # given alice, signed in
    pool = make_pool(prevent=prevent)
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]

    # when she deletes herself
    answer = call("DeleteUser", AccessToken=token)

    # then the pool has no alice, and her password signs no one in
    assert answer == {}
    with pytest.raises(pool.admin.exceptions.UserNotFoundException):
        pool.admin.admin_get_user(UserPoolId=pool.id, Username="alice")
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    if prevent:
        assert refused == ("NotAuthorizedException", "Incorrect username or password.")
    else:
        assert refused == ("UserNotFoundException", "User does not exist.")


def test_the_deleted_users_tokens_stop_working(make_pool: Callable[..., Pool]) -> None:
    """Every access and refresh token of a deleted user is refused (NotAuthorizedException).

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    the profile "can no longer be used to sign in"; its tokens end as GlobalSignOut's do
    ("Access Token has been revoked",
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html).
    What Cognito answers for a deleted user's token is not documented; the front revokes
    them, so no later user of the same name inherits them.
    """
    # given alice, signed in twice, and bob
    pool = make_pool()
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    first, second = tokens_of(pool, "alice"), tokens_of(pool, "alice")
    bobs = tokens_of(pool, "bob")

    # when she deletes herself with her first token
    call("DeleteUser", AccessToken=first["AccessToken"])

    # then none of her tokens work any more; bob's do
    for tokens in (first, second):
        assert refusal("GetUser", AccessToken=tokens["AccessToken"]) == (
            "NotAuthorizedException", "Access Token has been revoked",
        )  # fmt: skip
        assert _refresh_refusal(pool, tokens["RefreshToken"])[0] == "NotAuthorizedException"
    assert call("GetUser", AccessToken=bobs["AccessToken"])["Username"] == "bob"


def test_nothing_of_the_deleted_user_is_left_in_the_front(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """The front forgets the deleted user: codes, TOTP secret, sessions, failed sign-ins.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    a deleted profile "can't be restored": a new user of the same name starts with
    nothing of the old one (no authenticator, no codes).
    """
    # given alice with an authenticator, a pending email code, a reset code, a failed
    # sign-in and a sign-in session waiting for her TOTP code
    pool = make_pool()
    confirmed_user(pool, "alice")
    token = tokens_of(pool, "alice")["AccessToken"]
    totp_with_token(pool, token, clock)
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    call(
        "UpdateUserAttributes", AccessToken=token,
        UserAttributes=[{"Name": "email", "Value": "alice2@example.com"}],
    )  # fmt: skip
    challenge = sign_in(pool, "alice")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd!x"},
    )[0] == "NotAuthorizedException"  # fmt: skip
    sub = claims(token)["sub"]
    assert {
        ("reset" if key[1] == "reset" else "verify") for key in STATE.codes if key[0] == sub
    } == {"reset", "verify"}
    assert sub in STATE.lockouts

    # when she deletes herself
    call("DeleteUser", AccessToken=token)

    # then the front keeps nothing of hers
    assert not [key for key in STATE.codes if key[0] == sub]
    assert sub not in STATE.totp_secrets
    assert sub not in STATE.lockouts
    assert challenge["Session"] not in STATE.sessions
    assert not [key for key in STATE.pending_attributes if key[0] == sub]

    # and a new alice signs in without an authenticator
    confirmed_user(pool, "alice")
    assert "AuthenticationResult" in sign_in(pool, "alice")


def test_an_old_token_does_not_act_for_a_new_user_of_the_same_name(
    make_pool: Callable[..., Pool],
) -> None:
    """A token of a user deleted by an admin finds no user, even once the name is taken again.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    a deleted profile "can't be restored"; its token's calls answer "User does not
    exist." (observed, research notes section 10), also when a new user has the name.
    """
    # given alice's access token, alice deleted by an admin, and a new alice
    pool = make_pool()
    confirmed_user(pool, "alice")
    old = tokens_of(pool, "alice")["AccessToken"]
    pool.admin.admin_delete_user(UserPoolId=pool.id, Username="alice")
    confirmed_user(pool, "alice")

    # when the old token is used
    refused = refusal("GetUser", AccessToken=old)
    delete = refusal("DeleteUser", AccessToken=old)

    # then it finds no user, and the new alice is still there
    assert refused == delete == ("UserNotFoundException", "User does not exist.")
    assert pool.admin.admin_get_user(UserPoolId=pool.id, Username="alice")["Username"] == "alice"


def test_delete_user_needs_a_valid_access_token(make_pool: Callable[..., Pool]) -> None:
    """DeleteUser with something not an access token is NotAuthorizedException.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html:
    "Authorize this action with a signed-in user's access token"; NotAuthorizedException
    is among its errors ("Invalid Access Token" observed, research notes section 8.4).
    """
    # given alice and her id token
    pool = make_pool()
    confirmed_user(pool, "alice")
    id_token = tokens_of(pool, "alice")["IdToken"]

    # when she deletes herself with it, or with garbage
    refused = [refusal("DeleteUser", AccessToken=value) for value in (id_token, "garbage")]

    # then both are refused and she is still there
    assert refused == [("NotAuthorizedException", "Invalid Access Token")] * 2
    assert pool.admin.admin_get_user(UserPoolId=pool.id, Username="alice")["Username"] == "alice"
