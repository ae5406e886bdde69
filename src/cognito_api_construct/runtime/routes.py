"""One plain function per auth route: a validated body in, a JSON payload out.

Each function takes the Cognito client and the settings as arguments, so tests can hand
it any client (moto's, or one wrapped in botocore's Stubber). Cognito's exceptions are
left to propagate: :func:`.errors.from_cognito` is the one place that maps them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from .contract import REQUEST_SCHEMAS
from .errors import BadRequestError
from .validation import SchemaValidationError, validate

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ChallengeNameTypeType
else:
    CognitoIdentityProviderClient = Any


@dataclass(frozen=True)
class Settings:
    """Where the auth routes point, read from the Lambda environment.

    Attributes:
        user_pool_id: The user pool new users are created in (``USER_POOL_ID``).
        client_id: The app client users sign in with (``USER_POOL_CLIENT_ID``).
    """

    user_pool_id: str
    client_id: str


Payload = dict[str, Any]
RouteFunction = Callable[[CognitoIdentityProviderClient, Settings, Payload], Payload]


class Route(NamedTuple):
    """An auth route: the schema of its body, its function, its success status."""

    schema: dict[str, Any]
    function: RouteFunction
    status: int


class UnexpectedCognitoResponseError(RuntimeError):
    """Cognito answered with neither tokens nor a challenge."""


def sign_up(cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload) -> Payload:
    """Create a user with a temporary password; the first sign-in must replace it.

    Args:
        cognito: A ``cognito-idp`` client.
        settings: The user pool to create the user in.
        body: ``{"username", "email", "temporary_password"}``, already validated.

    Returns:
        ``{"username", "user_status"}``, the status as Cognito reports it
        (``FORCE_CHANGE_PASSWORD`` for a new user).
    """
    response = cognito.admin_create_user(
        UserPoolId=settings.user_pool_id,
        Username=body["username"],
        TemporaryPassword=body["temporary_password"],
        # email_verified is deliberately not set: anyone can type anyone's address.
        UserAttributes=[{"Name": "email", "Value": body["email"]}],
        # The caller chose the temporary password: Cognito must not mail one.
        MessageAction="SUPPRESS",
    )
    return {
        # The name the user signs in with, even where Cognito keys users by a sub.
        "username": body["username"],
        "user_status": response.get("User", {}).get("UserStatus", ""),
    }


def sign_in(cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload) -> Payload:
    """Sign in with a username and password (``/auth`` and ``/login``).

    Args:
        cognito: A ``cognito-idp`` client.
        settings: The app client to sign in with.
        body: ``{"username", "password"}``, already validated.

    Returns:
        Tokens, or the challenge to answer on ``/challenge``.
    """
    response = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=settings.client_id,
        AuthParameters={"USERNAME": body["username"], "PASSWORD": body["password"]},
    )
    return _tokens_or_challenge(cast("Mapping[str, Any]", response))


def answer_challenge(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload
) -> Payload:
    """Answer a sign-in challenge, e.g. NEW_PASSWORD_REQUIRED after ``/signup``.

    Args:
        cognito: A ``cognito-idp`` client.
        settings: The app client the sign-in started with.
        body: ``{"challenge_name", "session", "challenge_responses"}``, already
            validated; ``challenge_responses`` may be a JSON-encoded string.

    Returns:
        Tokens, or the next challenge (any challenge Cognito asks passes through).

    Raises:
        BadRequestError: When ``challenge_responses`` is not an object of strings or
            lacks ``USERNAME``.
    """
    responses = challenge_responses(body["challenge_responses"])
    response = cognito.respond_to_auth_challenge(
        ClientId=settings.client_id,
        ChallengeName=cast("ChallengeNameTypeType", body["challenge_name"]),
        Session=body["session"],
        ChallengeResponses=responses,
    )
    return _tokens_or_challenge(cast("Mapping[str, Any]", response))


def challenge_responses(value: dict[str, Any] | str) -> dict[str, str]:
    """Normalise ``challenge_responses``: an object of strings, possibly JSON-encoded.

    Args:
        value: The field as validated against the schema (an object or a string).

    Returns:
        The responses as a dictionary of strings, containing ``USERNAME``.

    Raises:
        BadRequestError: Naming ``challenge_responses`` or the offending key.
    """
    if isinstance(value, str):
        try:
            decoded: Any = json.loads(value)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise BadRequestError(
                "field 'challenge_responses' must be a JSON object of strings, "
                "or that object JSON-encoded in a string"
            )
        value = decoded
    schema = dict(REQUEST_SCHEMAS["challenge"]["properties"]["challenge_responses"])
    # Once decoded it must be the object form, and name the user it answers for.
    schema.update(type="object", required=["USERNAME"])
    try:
        validate(value, schema, "challenge_responses")
    except SchemaValidationError as error:
        raise BadRequestError(str(error)) from None
    return cast("dict[str, str]", value)


def _tokens_or_challenge(response: Mapping[str, Any]) -> Payload:
    result = response.get("AuthenticationResult")
    if result:
        return {
            "id_token": result.get("IdToken"),
            "access_token": result.get("AccessToken"),
            "refresh_token": result.get("RefreshToken"),
            "expires_in": result.get("ExpiresIn"),
            "token_type": result.get("TokenType"),
        }
    if response.get("ChallengeName"):
        return {
            "challenge_name": response["ChallengeName"],
            "session": response.get("Session"),
            "challenge_parameters": response.get("ChallengeParameters") or {},
        }
    raise UnexpectedCognitoResponseError("neither AuthenticationResult nor ChallengeName")


#: The auth routes by API Gateway resource path; all of them are POST.
ROUTES: dict[str, Route] = {
    "/signup": Route(REQUEST_SCHEMAS["signup"], sign_up, 201),
    "/auth": Route(REQUEST_SCHEMAS["auth"], sign_in, 200),
    # The name the original clients call.
    "/login": Route(REQUEST_SCHEMAS["login"], sign_in, 200),
    "/challenge": Route(REQUEST_SCHEMAS["challenge"], answer_challenge, 200),
}
