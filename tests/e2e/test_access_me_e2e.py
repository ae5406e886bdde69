"""The signed-in user's own account (``/me``) with the client, through the emulator.

The app is apps/access_app (``SignUpFlow.SELF_SERVICE``): a user signs up and confirms
with the code the outbox holds, then reads their account, changes their email (the new
address takes effect once its emailed code is verified, ``AttributesRequireVerification
BeforeUpdate``) and deletes the account. Each ``/me`` call sends the access token; the
construct's Lambda passes it to Cognito, which decides whose account it is.
"""

from __future__ import annotations

import pytest

from cognito_api_construct.client import CognitoApiError, Me
from cognito_api_construct.local import LocalApi

from .helpers import PASSWORD, call, self_signed_up

pytestmark = pytest.mark.slow


def _email(me: Me) -> tuple[str, str]:
    return me.attributes["email"], me.attributes["email_verified"]


def test_get_me_reads_the_user_s_own_account(access_api: LocalApi) -> None:
    """``GET /me``: the username, the readable attributes, the MFA settings.

    Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
    (the user of the access token: ``Username``, ``UserAttributes``,
    ``PreferredMfaSetting``, ``UserMFASettingList``).
    """
    # given a signed-up, confirmed and signed-in user
    name, client, _ = self_signed_up(access_api, "me")

    # when they read their account
    me = client.get_me()

    # then it is theirs, the email confirmed at sign-up verified, no MFA set up
    assert me.username == name
    assert _email(me) == (f"{name}@example.com", "true")
    assert me.attributes["sub"]
    assert (me.preferred_mfa, me.enabled_mfa) == (None, ())


def test_a_new_email_takes_effect_once_its_code_is_verified(access_api: LocalApi) -> None:
    """``PATCH /me`` then ``POST /me/verify`` with the code emailed to the new address.

    Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
    (a code goes to a new email: ``CodeDeliveryDetailsList``),
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html
    (with ``AttributesRequireVerificationBeforeUpdate`` the old value stays until the
    new one is verified) and
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html.
    """
    # given a signed-in user with a verified email
    name, client, _ = self_signed_up(access_api, "me")
    old, new = f"{name}@example.com", f"{name}-new@example.com"

    # when they change it, read their account, then verify with the emailed code
    pending = client.update_me({"email": new})
    meanwhile = client.get_me()
    (message,) = access_api.outbox(new)
    code = str(message["code"])
    with pytest.raises(CognitoApiError) as wrong:
        client.verify_attribute("email", f"{(int(code) + 1) % 1_000_000:06d}")
    client.verify_attribute("email", code)
    after = client.get_me()

    # then the old address held until the code, the new one is then verified
    assert pending == ["email"]
    assert message["trigger_source"] == "CustomMessage_UpdateUserAttribute"
    assert _email(meanwhile) == (old, "true")
    assert (wrong.value.status, wrong.value.error) == (400, "CodeMismatch")
    assert _email(after) == (new, "true")


def test_delete_me_ends_the_account_its_tokens_and_its_password(access_api: LocalApi) -> None:
    """``DELETE /me``: 204; then sign-in is 401 NotAuthorized, the old tokens 401.

    Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html
    (the user of the access token is deleted, and with it its tokens),
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
    and
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    (an unknown user with ``PreventUserExistenceErrors``: ``NotAuthorizedException``).
    """
    # given a signed-in user
    name, client, tokens = self_signed_up(access_api, "me")

    # when they delete their account over HTTP once, then as the client would go on
    reply = call("DELETE", access_api.url + "me", headers={"Authorization": tokens.access_token})
    with pytest.raises(CognitoApiError) as sign_in:
        client.authenticate(name, PASSWORD)
    with pytest.raises(CognitoApiError) as read:
        client.get_me()  # ``tokens`` still holds the deleted user's access token
    with pytest.raises(CognitoApiError) as refresh:
        client.refresh(tokens.refresh_token)

    # then the account is gone: its password, access and refresh tokens no longer work
    assert (reply.status, reply.body) == (204, b"")
    assert (sign_in.value.status, sign_in.value.error) == (401, "NotAuthorized")
    assert (read.value.status, read.value.error) == (401, "InvalidToken")
    assert (refresh.value.status, refresh.value.error) == (401, "InvalidRefreshToken")


def test_the_client_s_delete_me_forgets_the_tokens(access_api: LocalApi) -> None:
    """``delete_me()`` clears ``tokens``; the same access token then reads nothing (401).

    Follows https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html.
    """
    # given a signed-in user
    name, client, tokens = self_signed_up(access_api, "me")

    # when the client deletes the account, and the old tokens are tried again
    client.delete_me()
    forgotten = client.tokens
    client.tokens = tokens
    with pytest.raises(CognitoApiError) as read:
        client.get_me()

    # then the client kept nothing, and Cognito refuses the deleted user's token
    assert forgotten is None
    assert (read.value.status, read.value.error) == (401, "InvalidToken")
    with pytest.raises(CognitoApiError) as sign_in:
        client.authenticate(name, PASSWORD)
    assert (sign_in.value.status, sign_in.value.error) == (401, "NotAuthorized")
