"""Choice-based sign-in (``/auth/start``): a first factor other than the password.

Cognito's ``USER_AUTH`` flow: the user names themselves (and may name the factor they
prefer); Cognito answers the factor's challenge (``EMAIL_OTP``, ``SMS_OTP``,
``WEB_AUTHN``, ``PASSWORD``), a ``SELECT_CHALLENGE`` listing the factors this user can
use, or tokens. The challenges are answered on ``/challenge`` like the others
(https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from .context import Caller, Payload, Settings
from .routes import tokens_or_challenge

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
else:
    CognitoIdentityProviderClient = Any


def start_sign_in(
    cognito: CognitoIdentityProviderClient, settings: Settings, body: Payload, caller: Caller
) -> Payload:
    """Start a choice-based sign-in (``POST /auth/start``).

    Body: ``{"username", "preferred_challenge"?}``, already validated.

    An unknown user gets an answer of the same status and shape as a known one's: the
    construct's app client prevents user existence errors, so Cognito itself answers a
    simulated challenge
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).

    Returns:
        The first challenge (``challenge_parameters`` read for you, see
        :func:`.routes.challenge_parameters`), or tokens.
    """
    parameters = {"USERNAME": body["username"], **settings.secret_hash(body["username"])}
    if body.get("preferred_challenge"):
        parameters["PREFERRED_CHALLENGE"] = body["preferred_challenge"]
    response = cognito.initiate_auth(
        AuthFlow="USER_AUTH", ClientId=settings.client_id, AuthParameters=parameters
    )
    return tokens_or_challenge(cast("Mapping[str, Any]", response))
