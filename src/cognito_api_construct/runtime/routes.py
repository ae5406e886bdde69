"""The sign-up and sign-in routes: one plain function each.

Every route function takes the Cognito client, the settings, the validated body and the
caller (its declaration in :mod:`.contract` names it), so tests can hand it any client
(moto's, or one wrapped in botocore's Stubber); a function that does not need the
caller or the settings still takes them. Cognito's exceptions are left to propagate:
:func:`.cognito_errors.from_cognito` is the one place that maps them. The account
routes (sign-out, passwords) are in :mod:`.account`, the MFA set-up in :mod:`.mfa`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, cast

from . import account
from .context import Caller, Payload, Settings
from .errors import BadRequestError
from .schemas import CHALLENGE_RESPONSES
from .validation import SchemaValidationError, loads_json, validate

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ChallengeNameTypeType
else:
    CognitoIdentityProviderClient = Any


class UnexpectedCognitoResponseError(RuntimeError):
    """Cognito answered with neither tokens nor a challenge."""


def sign_up(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Create a user with a temporary password; the first sign-in must replace it.

    ``POST /signup`` of the ``ADMIN_CREATE`` flow.

    Body: ``{"username", "email", "temporary_password"}``, already validated.

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


def sign_in(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Sign in with a username and password (``/auth`` and ``/login``).

    Body: ``{"username", "password"}``, already validated.

    Returns:
        Tokens, or the challenge to answer on ``/challenge``.
    """
    response = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=settings.client_id,
        AuthParameters={
            "USERNAME": body["username"],
            "PASSWORD": body["password"],
            **settings.secret_hash(body["username"]),
        },
    )
    return _tokens_or_challenge(cast("Mapping[str, Any]", response))


def answer_challenge(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Answer a sign-in challenge, e.g. NEW_PASSWORD_REQUIRED after ``/signup``.

    Every challenge passes through as Cognito names it: ``NEW_PASSWORD_REQUIRED``
    (``NEW_PASSWORD`` and any required ``userAttributes.<name>``), ``MFA_SETUP`` (with
    the session ``/mfa/verify`` returned), ``SOFTWARE_TOKEN_MFA``, ``SMS_MFA``,
    ``SELECT_MFA_TYPE`` (``ANSWER``)...

    Body: ``{"challenge_name", "session", "challenge_responses"}``, already validated;
    ``challenge_responses`` may be a JSON-encoded string.

    Returns:
        Tokens, or the next challenge (any challenge Cognito asks passes through).

    Raises:
        BadRequestError: When ``challenge_responses`` is not an object of strings or
            lacks ``USERNAME``.
    """
    responses = challenge_responses(body["challenge_responses"])
    responses.update(settings.secret_hash(responses["USERNAME"]))
    response = cognito.respond_to_auth_challenge(
        ClientId=settings.client_id,
        ChallengeName=cast("ChallengeNameTypeType", body["challenge_name"]),
        Session=body["session"],
        ChallengeResponses=responses,
    )
    return _tokens_or_challenge(cast("Mapping[str, Any]", response))


def refresh(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Trade a refresh token for new id and access tokens (``/refresh``).

    Body: ``{"refresh_token"}``, already validated.

    GetTokensFromRefreshToken takes the client secret itself: InitiateAuth's
    ``REFRESH_TOKEN_AUTH`` would need a ``SECRET_HASH`` of the username, which a refresh
    token does not tell
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html).

    Returns:
        Tokens; ``refresh_token`` is the new one when the app client rotates refresh
        tokens, otherwise null (keep using the one you have).
    """
    response = cognito.get_tokens_from_refresh_token(
        ClientId=settings.client_id,
        RefreshToken=body["refresh_token"],
        **settings.client_secret_parameter(),
    )
    return _tokens_or_challenge(cast("Mapping[str, Any]", response))


def self_sign_up(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Register a user who chose their password; Cognito sends them a code.

    ``POST /signup`` of the ``SELF_SERVICE`` flow.

    Body: ``{"username", "email", "password"}``, already validated.

    Returns:
        ``{"user_confirmed", "delivery"}``: whether the account is usable already (a
        pre sign-up trigger can confirm it) and where the code went
        (``{"destination", "medium", "attribute"}``, the destination masked), or null.
    """
    response = cognito.sign_up(
        ClientId=settings.client_id,
        Username=body["username"],
        Password=body["password"],
        UserAttributes=[{"Name": "email", "Value": body["email"]}],
        **settings.secret_hash_parameter(body["username"]),
    )
    return {
        "user_confirmed": bool(response.get("UserConfirmed")),
        "delivery": _delivery(response.get("CodeDeliveryDetails")),
    }


def confirm_sign_up(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Confirm a self-service account with the code Cognito sent (``/signup/confirm``).

    Body: ``{"username", "code"}``, already validated.

    Returns:
        ``{"user_confirmed": true}``.
    """
    cognito.confirm_sign_up(
        ClientId=settings.client_id,
        Username=body["username"],
        ConfirmationCode=body["code"],
        **settings.secret_hash_parameter(body["username"]),
    )
    return {"user_confirmed": True}


def resend_confirmation_code(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Send a new sign-up code (``/signup/resend``): one answer whether the user exists.

    Body: ``{"username"}``, already validated.

    Returns:
        The same body for every username (see :func:`.account.send_code_uniformly`).
    """
    return account.send_code_uniformly(
        lambda: cognito.resend_confirmation_code(
            ClientId=settings.client_id,
            Username=body["username"],
            **settings.secret_hash_parameter(body["username"]),
        ),
        account.CODE_SENT_IF_UNCONFIRMED,
    )


def _delivery(details: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not details:
        return None
    return {
        "destination": str(details.get("Destination", "")),
        "medium": str(details.get("DeliveryMedium", "")),
        "attribute": str(details.get("AttributeName", "")),
    }


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
            decoded: Any = loads_json(value)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise BadRequestError(
                "field 'challenge_responses' must be a JSON object of strings, "
                "or that object JSON-encoded in a string"
            )
        value = decoded
    schema = dict(CHALLENGE_RESPONSES)
    # Once decoded it must be the object form, and name the user it answers for.
    schema.update(type="object", required=["USERNAME"])
    try:
        validate(value, schema, "challenge_responses")
    except SchemaValidationError as error:
        raise BadRequestError(str(error)) from None
    return cast("dict[str, str]", value)


def tokens_or_challenge(response: Mapping[str, Any]) -> Payload:
    """The answer of a sign-in step: the tokens, or the next challenge."""
    return _tokens_or_challenge(response)


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
            "challenge_parameters": challenge_parameters(response),
        }
    raise UnexpectedCognitoResponseError("neither AuthenticationResult nor ChallengeName")


#: Choices of SELECT_CHALLENGE that no request to this API can answer.
_UNANSWERABLE: Final = frozenset({"PASSWORD_SRP"})


def challenge_parameters(response: Mapping[str, Any]) -> Payload:
    """Cognito's challenge parameters, plus what a client would otherwise decode itself.

    - ``available_challenges``: the choices of ``SELECT_CHALLENGE`` (Cognito's
      ``AvailableChallenges``), a list, less ``PASSWORD_SRP``: Cognito offers it with
      every password, and the API cannot answer it (``/challenge`` takes the password
      itself: ``PASSWORD``);
    - ``delivery``: where an ``EMAIL_OTP`` or ``SMS_OTP`` code went,
      ``{"destination" (masked), "medium"}``;
    - ``credential_request_options``: a ``WEB_AUTHN`` challenge's options as an object,
      the form ``PublicKeyCredential.parseRequestOptionsFromJSON`` takes (Cognito sends
      them JSON-encoded in ``CREDENTIAL_REQUEST_OPTIONS``).
    """
    parameters: Payload = dict(response.get("ChallengeParameters") or {})
    available = response.get("AvailableChallenges")
    if isinstance(available, list):
        parameters["available_challenges"] = [
            str(name) for name in available if name not in _UNANSWERABLE
        ]
    destination = parameters.get("CODE_DELIVERY_DESTINATION")
    if destination is not None:
        parameters["delivery"] = {
            "destination": str(destination),
            "medium": str(parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM", "")),
        }
    options = parameters.get("CREDENTIAL_REQUEST_OPTIONS")
    if isinstance(options, str):
        try:
            decoded = json.loads(options)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            parameters["credential_request_options"] = decoded
    return parameters
