"""The user pool's Lambda triggers, invoked in the emulator's workers with Cognito's events.

Cognito calls a trigger synchronously with an event ``{"version", "triggerSource",
"region", "userPoolId", "userName", "callerContext": {"awsSdkVersion", "clientId"},
"request", "response"}`` and waits 5 seconds
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
A function that raises fails the API call with UserLambdaValidationException
("<Trigger> failed with error <message>."), one that times out or cannot run with
UnexpectedLambdaException, one that answers what Cognito cannot use with
InvalidLambdaResponseException. The functions run in the emulator's own process (its
Lambda workers), reached over loopback at the URL and with the token the emulator
passes in ``COGNITO_API_LOCAL_INVOKE_URL`` and ``COGNITO_API_LOCAL_INVOKE_TOKEN``;
``store.LOCK`` is released while one runs, so a trigger may call the pool itself.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, Final

from .errors import CognitoError
from .store import LOCK, Pool

__all__ = ["TIMEOUT_SECONDS", "function_of", "run"]

_LOG = logging.getLogger(__name__)
#: Cognito waits this long for a trigger.
TIMEOUT_SECONDS: Final = 5
#: ``callerContext.clientId`` of calls made without an app client (admin calls).
NO_CLIENT: Final = "CLIENT_ID_NOT_APPLICABLE"


def function_of(pool: Pool, trigger: str) -> tuple[str, str] | None:
    """The ARN of the pool's ``trigger`` function and the event version, if configured.

    ``PreTokenGeneration`` is configured either as ``PreTokenGenerationConfig`` (with its
    ``LambdaVersion``: V1_0, V2_0, V3_0) or as the legacy ``PreTokenGeneration`` ARN (V1).
    """
    config = pool.lambda_config
    if trigger == "PreTokenGeneration":
        versioned = config.get("PreTokenGenerationConfig") or {}
        if versioned.get("LambdaArn"):
            version = str(versioned.get("LambdaVersion") or "V1_0")
            return str(versioned["LambdaArn"]), version.split("_")[0].lstrip("V")
        if config.get("PreTokenGeneration"):
            return str(config["PreTokenGeneration"]), "1"
        return None
    arn = config.get(trigger)
    return (str(arn), "1") if arn else None


def run(
    pool: Pool,
    trigger: str,
    source: str,
    *,
    username: str,
    client_id: str | None,
    request: Mapping[str, Any],
    response: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Invoke the pool's ``trigger`` (a ``LambdaConfig`` key) for ``source``.

    Args:
        pool: The user pool.
        trigger: ``PreSignUp``, ``PostConfirmation``, ``PreAuthentication``,
            ``PostAuthentication``, ``PreTokenGeneration``, ``CustomMessage`` or
            ``UserMigration``.
        source: The ``triggerSource``, e.g. ``PreSignUp_SignUp``.
        username: ``userName``.
        client_id: The app client of the call; None for an admin call.
        request: The event's ``request``.
        response: The event's ``response`` as Cognito sends it (its fields null).

    Returns:
        The ``response`` the function returned; None when the pool has no such trigger.

    Raises:
        CognitoError: UserLambdaValidationException, UnexpectedLambdaException or
            InvalidLambdaResponseException, as Cognito refuses a failed trigger.
    """
    configured = function_of(pool, trigger)
    if configured is None:
        return None
    arn, version = configured
    event = {
        "version": version,
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client_id or NO_CLIENT,
        },
        "request": dict(request),
        "response": dict(response or {}),
    }
    LOCK.release()
    try:
        outcome = _invoke(arn, event)
    finally:
        LOCK.acquire()
    if "error" in outcome:
        if outcome["error"] == "raised":
            raise CognitoError(
                "UserLambdaValidationException",
                f"{trigger} failed with error {outcome.get('message', '')}.",
            )
        raise CognitoError(
            "UnexpectedLambdaException",
            f"{trigger} invocation failed due to error {outcome.get('message', 'unknown')}.",
        )
    result = outcome.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("response", {}), dict):
        raise CognitoError("InvalidLambdaResponseException", "Unrecognizable lambda output")
    returned: dict[str, Any] = result.get("response") or {}
    return returned


def _invoke(arn: str, event: Mapping[str, Any]) -> dict[str, Any]:
    url = os.environ.get("COGNITO_API_LOCAL_INVOKE_URL")
    if not url:
        _LOG.warning("No Lambda invoker: trigger %s cannot run", arn)
        return {"error": "unavailable", "message": "AccessDeniedException"}
    body = json.dumps({"function": arn, "event": event, "timeout": TIMEOUT_SECONDS}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback, the emulator's own process
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Invoke-Token": os.environ.get("COGNITO_API_LOCAL_INVOKE_TOKEN", ""),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS + 30) as answer:  # noqa: S310
            outcome: dict[str, Any] = json.loads(answer.read())
    except (OSError, ValueError, urllib.error.URLError) as error:
        _LOG.warning("Trigger %s could not be invoked: %s", arn, error)
        return {"error": "unavailable", "message": "Socket timeout while invoking Lambda function"}
    return outcome
