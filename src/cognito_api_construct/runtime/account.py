"""The account routes of a user who has one: sign-out and the password routes.

One plain function per route, as in :mod:`.routes`. The routes that send a code
(``/password/forgot`` and ``/signup/resend``) answer the same body whether the user
exists or not, so they cannot be used to find out which accounts exist.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from .cognito_errors import service_error_parts
from .context import Caller, Payload, Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
else:
    CognitoIdentityProviderClient = Any

#: The one body of ``/password/forgot``.
CODE_SENT_IF_EXISTS: Final[Payload] = {
    "message": "If the account exists and has a verified email address or phone number, "
    "a code to reset its password has been sent there."
}
#: The one body of ``/signup/resend``.
CODE_SENT_IF_UNCONFIRMED: Final[Payload] = {
    "message": "If the account exists and is not confirmed yet, a new code has been sent."
}

# What Cognito answers for an unknown user (without PreventUserExistenceErrors), a user
# with no verified address, an already confirmed user, or a user who asked too often:
# each would tell the caller something about the account, so each gets the same 202.
# TooManyRequestsException (the account-wide quota) still answers 429: it says
# nothing about any user.
_SILENT_CODE_ERRORS: Final = frozenset(
    {
        "UserNotFoundException",
        "InvalidParameterException",
        "NotAuthorizedException",
        "UserNotConfirmedException",
        "LimitExceededException",
        "CodeDeliveryFailureException",
    }
)
# A refresh token RevokeToken refuses (another client's, not a refresh token,
# malformed): GlobalSignOut ends it anyway, so sign-out goes on.
_IGNORED_REVOKE_ERRORS: Final = frozenset(
    {"UnauthorizedException", "UnsupportedTokenTypeException", "InvalidParameterException"}
)


def sign_out(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> None:
    """Sign the user out everywhere (``/signout``): 204, no body.

    Ends every session of the user (GlobalSignOut): their refresh tokens stop working;
    then revokes ``refresh_token`` when given (RevokeToken), even when the access token
    was refused. That order matters: RevokeToken also revokes the access tokens issued
    with that refresh token, the one sign-out is made with among them
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html).
    Id and access tokens already issued stay valid at API Gateway until they expire.

    Body: ``{}`` or ``{"refresh_token"}``, already validated.
    The caller carries the access token.

    Raises:
        MissingTokenError: Without an access token.
    """
    access_token = caller.require_access_token()
    refresh_token = body.get("refresh_token")
    try:
        cognito.global_sign_out(AccessToken=access_token)
    except Exception:
        if refresh_token:
            # Best effort: the caller hears why sign-out failed, not this.
            with contextlib.suppress(Exception):
                _revoke(cognito, settings, refresh_token)
        raise
    if refresh_token:
        _revoke(cognito, settings, refresh_token)


def _revoke(cognito: CognitoIdentityProviderClient, settings: Settings, token: str) -> None:
    try:
        cognito.revoke_token(
            Token=token, ClientId=settings.client_id, **settings.client_secret_parameter()
        )
    except Exception as error:
        if _code(error) not in _IGNORED_REVOKE_ERRORS:
            raise


def forgot_password(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Send a password reset code (``/password/forgot``): one answer for every username.

    Cognito sends the code to the user's verified email address or phone number; a user
    without one cannot reset (in the ``ADMIN_CREATE`` flow nobody verifies the email
    until an administrator does).

    Body: ``{"username"}``, already validated.

    Returns:
        :data:`CODE_SENT_IF_EXISTS`, never Cognito's delivery details: they differ
        between real and unknown users.
    """
    return send_code_uniformly(
        lambda: cognito.forgot_password(
            ClientId=settings.client_id,
            Username=body["username"],
            **settings.secret_hash_parameter(body["username"]),
        ),
        CODE_SENT_IF_EXISTS,
    )


def confirm_forgot_password(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Set a new password with the reset code (``/password/confirm``).

    Body: ``{"username", "code", "new_password"}``, already validated.

    Returns:
        ``{}``. A wrong code, and an unknown user, answer 400 ``CodeMismatch``.
    """
    cognito.confirm_forgot_password(
        ClientId=settings.client_id,
        Username=body["username"],
        ConfirmationCode=body["code"],
        Password=body["new_password"],
        **settings.secret_hash_parameter(body["username"]),
    )
    return {}


def change_password(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Change the signed-in user's password (``/password/change``).

    Body: ``{"old_password", "new_password"}``, already validated.
    The caller carries the access token.

    Returns:
        ``{}``. A wrong old password answers 401 ``NotAuthorized``.

    Raises:
        MissingTokenError: Without an access token.
    """
    cognito.change_password(
        AccessToken=caller.require_access_token(),
        PreviousPassword=body["old_password"],
        ProposedPassword=body["new_password"],
    )
    return {}


def send_code_uniformly(send: Callable[[], object], answer: Payload) -> Payload:
    """Call Cognito to send a code, answering ``answer`` whatever it says about the user.

    Args:
        send: The Cognito call.
        answer: The one body to return.

    Returns:
        A copy of ``answer``.

    Raises:
        Exception: Cognito's errors that say nothing about the user (throttling, ...),
            and any failure to reach it.
    """
    try:
        send()
    except Exception as error:
        # Not logged either: the request's one log line must not tell an operator
        # reading it, or anyone the logs leak to, which usernames exist.
        if _code(error) not in _SILENT_CODE_ERRORS:
            raise
    return dict(answer)


def _code(error: BaseException) -> str | None:
    parts = service_error_parts(error)
    return parts[1] if parts is not None else None
