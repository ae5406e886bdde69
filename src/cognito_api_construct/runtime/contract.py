"""The auth routes, each declared once: everything else derives from these declarations.

A :class:`Route` says what a route is: its path and method, its request schema, its
success status and answer, the errors it can answer, what authenticates its Cognito
calls, which Cognito operations it makes, and its function. From them:

- the runtime dispatches and validates (``handler``);
- the construct builds the gateway's request model, the method's declared responses
  (``MethodResponses`` with a model per status) and the stage's throttles
  (``_auth_endpoints``);
- the OpenAPI document is read back from the template (``local/openapi``);
- the client finds each route's path (``client``).

Adding a route is one declaration here plus its function and its tests. Standard
library only: the construct imports this module at synth time, where boto3 may not be
installed, so functions are named (``"routes.sign_in"``) and resolved by the handler.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from . import schemas as s
from .contract_account import ACCOUNT_ROUTES
from .contract_passwordless import PASSWORDLESS_ROUTES
from .errors import (
    AlreadyConfirmedError,
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    InvalidPasswordError,
    InvalidRefreshTokenError,
    InvalidSessionError,
    InvalidTokenError,
    MissingTokenError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    RecentSignInRequiredError,
    RequestRejectedError,
    UserExistsError,
    UserNotConfirmedError,
)
from .route_types import (
    ADMIN_CREATE,
    COMMON_ERRORS,
    FEATURES,
    FLOWS,
    PASSKEYS,
    SELF_SERVICE,
    SESSION_OR_ACCESS_TOKEN,
    USER_AUTH,
    Credential,
    Route,
    RouteCredential,
)
from .schemas import MAX_BODY_BYTES, Schema

__all__ = [
    "ACCESS_TOKEN_ROUTES",
    "ADMIN_CREATE",
    "ADMIN_CREATE_ROUTES",
    "COMMON_ERRORS",
    "FEATURES",
    "FLOWS",
    "MAX_BODY_BYTES",
    "PASSKEYS",
    "RESERVED_SEGMENTS",
    "ROUTES",
    "SELF_SERVICE",
    "USER_AUTH",
    "Credential",
    "Route",
    "RouteCredential",
    "request_schemas",
    "route",
    "routes_for",
]

_SIGN_IN_ERRORS: Final = (
    NotAuthorizedError,
    UserNotConfirmedError,
    PasswordResetRequiredError,
    RequestRejectedError,
    InvalidParameterError,
)
_AUTH = s.body(
    "AuthRequest", {"username": s.USERNAME, "password": s.PASSWORD}, ["username", "password"]
)
_ADMIN_ONLY = frozenset({ADMIN_CREATE})
_SELF_ONLY = frozenset({SELF_SERVICE})

#: Every auth route of every flow, in the order the API lists them.
ROUTES: Final[tuple[Route, ...]] = (
    Route(
        "signup",
        "routes.sign_up",
        s.body(
            "SignUpRequest",
            {"username": s.USERNAME, "email": s.EMAIL, "temporary_password": s.PASSWORD},
            ["username", "email", "temporary_password"],
        ),
        201,
        s.SIGN_UP_RESULT,
        (UserExistsError, InvalidPasswordError, InvalidParameterError, RequestRejectedError),
        ("AdminCreateUser",),
        flows=_ADMIN_ONLY,
        summary="Create a user with a temporary password (AdminCreateUser).",
    ),
    Route(
        "signup",
        "routes.self_sign_up",
        s.body(
            "SelfSignUpRequest",
            {"username": s.USERNAME, "email": s.EMAIL, "password": s.PASSWORD},
            ["username", "email", "password"],
        ),
        201,
        s.SELF_SIGN_UP_RESULT,
        (
            UserExistsError,
            InvalidPasswordError,
            InvalidParameterError,
            RequestRejectedError,
            NotAuthorizedError,
        ),
        ("SignUp",),
        flows=_SELF_ONLY,
        summary="Register a user who chose a password; Cognito sends a code.",
    ),
    Route(
        "signup/confirm",
        "routes.confirm_sign_up",
        s.body(
            "ConfirmSignUpRequest", {"username": s.USERNAME, "code": s.CODE}, ["username", "code"]
        ),
        200,
        s.SIGN_UP_CONFIRMATION,
        (
            CodeMismatchError,
            ExpiredCodeError,
            AlreadyConfirmedError,
            InvalidParameterError,
            RequestRejectedError,
        ),
        ("ConfirmSignUp",),
        flows=_SELF_ONLY,
        summary="Confirm a self-service account with its code.",
    ),
    Route(
        "signup/resend",
        "routes.resend_confirmation_code",
        s.body("ResendCodeRequest", {"username": s.USERNAME}, ["username"]),
        202,
        s.ACCEPTED,
        (RequestRejectedError,),
        ("ResendConfirmationCode",),
        flows=_SELF_ONLY,
        summary="Send a new sign-up code; the same answer whether the user exists.",
    ),
    Route(
        "auth",
        "routes.sign_in",
        _AUTH,
        200,
        s.TOKENS_OR_CHALLENGE,
        _SIGN_IN_ERRORS,
        ("InitiateAuth",),
        summary="Sign in with a password: tokens, or a challenge.",
    ),
    Route(
        # /auth under the name the original clients call.
        "login",
        "routes.sign_in",
        _AUTH,
        200,
        s.TOKENS_OR_CHALLENGE,
        _SIGN_IN_ERRORS,
        ("InitiateAuth",),
        summary="The same as /auth, under the original clients' name.",
    ),
    Route(
        "challenge",
        "routes.answer_challenge",
        s.body(
            "ChallengeRequest",
            {
                "challenge_name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": s.CHALLENGE_NAME_MAX,
                    "pattern": r"^[A-Z_]+$",
                },
                "session": s.SESSION,
                "challenge_responses": s.CHALLENGE_RESPONSES,
            },
            ["challenge_name", "session", "challenge_responses"],
        ),
        200,
        s.TOKENS_OR_CHALLENGE,
        (
            InvalidSessionError,
            CodeMismatchError,
            InvalidPasswordError,
            *_SIGN_IN_ERRORS,
        ),
        ("RespondToAuthChallenge",),
        credential="session",
        summary="Answer a sign-in challenge: tokens, or the next challenge.",
    ),
    Route(
        "refresh",
        "routes.refresh",
        s.body("RefreshRequest", {"refresh_token": s.TOKEN}, ["refresh_token"]),
        200,
        s.TOKENS,
        (InvalidRefreshTokenError, NotAuthorizedError, RequestRejectedError, InvalidParameterError),
        ("GetTokensFromRefreshToken",),
        credential="refresh_token",
        summary="New id and access tokens for a refresh token.",
    ),
    Route(
        "signout",
        "account.sign_out",
        # The access token travels in the token header; a refresh token is revoked too.
        s.body("SignOutRequest", {"refresh_token": s.TOKEN}),
        204,
        None,
        (MissingTokenError, InvalidTokenError, InvalidParameterError),
        ("RevokeToken", "GlobalSignOut"),
        credential="access_token",
        summary="Sign the user out everywhere.",
    ),
    Route(
        "password/forgot",
        "account.forgot_password",
        s.body("ForgotPasswordRequest", {"username": s.USERNAME}, ["username"]),
        202,
        s.ACCEPTED,
        (RequestRejectedError,),
        ("ForgotPassword",),
        summary="Send a password reset code; the same answer whether the user exists.",
    ),
    Route(
        "password/confirm",
        "account.confirm_forgot_password",
        s.body(
            "ConfirmForgotPasswordRequest",
            {"username": s.USERNAME, "code": s.CODE, "new_password": s.PASSWORD},
            ["username", "code", "new_password"],
        ),
        200,
        s.EMPTY,
        (
            CodeMismatchError,
            ExpiredCodeError,
            InvalidPasswordError,
            NotAuthorizedError,
            UserNotConfirmedError,
            InvalidParameterError,
            RequestRejectedError,
        ),
        ("ConfirmForgotPassword",),
        summary="Set a new password with the reset code.",
    ),
    Route(
        "password/change",
        "account.change_password",
        s.body(
            "ChangePasswordRequest",
            {"old_password": s.PASSWORD, "new_password": s.PASSWORD},
            ["old_password", "new_password"],
        ),
        200,
        s.EMPTY,
        (
            MissingTokenError,
            InvalidTokenError,
            NotAuthorizedError,
            InvalidPasswordError,
            PasswordResetRequiredError,
            UserNotConfirmedError,
            InvalidParameterError,
        ),
        ("ChangePassword",),
        credential="access_token",
        summary="Change the signed-in user's password.",
    ),
    Route(
        "mfa/setup",
        "mfa.set_up_totp",
        # A session during sign-in, or the access token in the token header.
        s.body("MfaSetupRequest", {"session": s.SESSION, "username": s.USERNAME}),
        200,
        s.TOTP_SETUP,
        (
            MissingTokenError,
            InvalidTokenError,
            InvalidSessionError,
            InvalidParameterError,
            RecentSignInRequiredError,
        ),
        ("AssociateSoftwareToken",),
        credential=SESSION_OR_ACCESS_TOKEN,
        summary="A TOTP secret for an authenticator app.",
    ),
    Route(
        "mfa/verify",
        "mfa.verify_totp",
        s.body("MfaVerifyRequest", {"session": s.SESSION, "code": s.TOTP_CODE}, ["code"]),
        200,
        s.TOTP_VERIFICATION,
        (
            MissingTokenError,
            InvalidTokenError,
            InvalidSessionError,
            CodeMismatchError,
            InvalidParameterError,
            RecentSignInRequiredError,
        ),
        ("VerifySoftwareToken", "SetUserMFAPreference"),
        credential=SESSION_OR_ACCESS_TOKEN,
        summary="Check the authenticator app's code.",
    ),
    *PASSWORDLESS_ROUTES,
    *ACCOUNT_ROUTES,
)


def routes_for(flow: str, features: frozenset[str] | set[str] = frozenset()) -> tuple[Route, ...]:
    """The auth routes a sign-up flow serves with ``features`` on, in the API's order.

    Raises:
        KeyError: For an unknown flow.
    """
    if flow not in FLOWS:
        raise KeyError(flow)
    return tuple(r for r in ROUTES if flow in r.flows and r.features <= set(features))


def route(
    path: str, flow: str = ADMIN_CREATE, method: str = "POST", features: frozenset[str] = FEATURES
) -> Route:
    """The declaration of one route of a flow, e.g. ``route("password/forgot")``.

    Raises:
        KeyError: When the flow serves no such route.
    """
    for declared in routes_for(flow, features):
        if declared.path == path and declared.method == method:
            return declared
    raise KeyError(f"{method} /{path} ({flow})")


def _segments() -> Iterator[str]:
    for declared in ROUTES:
        yield declared.path.split("/", 1)[0]


#: Top-level path segments of every flow's routes: never available to user routes, so
#: switching flows cannot collide with them.
RESERVED_SEGMENTS: Final[frozenset[str]] = frozenset(_segments())
#: The keys of the ADMIN_CREATE flow's routes (:attr:`Route.key`: the path of a POST).
ADMIN_CREATE_ROUTES: Final[tuple[str, ...]] = tuple(r.key for r in routes_for(ADMIN_CREATE))
#: Routes that read the access token from the token header (the MFA routes only when
#: the body carries no session).
ACCESS_TOKEN_ROUTES: Final[frozenset[str]] = frozenset(
    r.path for r in ROUTES if r.takes_access_token
)


def request_schemas(flow: str) -> dict[str, Schema]:
    """The request schema of each route of a flow, by :attr:`Route.key`."""
    return {declared.key: declared.request for declared in routes_for(flow)}
