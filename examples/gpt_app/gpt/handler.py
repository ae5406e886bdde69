"""The /gpt route: forward one message to an OpenAI-compatible chat completions API.

API Gateway calls this Lambda only after the Cognito authorizer accepted the caller's
ID token, so the handler trusts ``requestContext.authorizer.claims``. It owns the
HTTP contract of ``POST /gpt``: this module is the thin entry point (one log line,
errors to responses); ``request`` validates the event, ``api_key`` reads the secret,
``upstream`` calls the model service, ``errors`` holds the stable codes.

Request: ``{"message": "<1..8000 characters>", "key": "<optional API key>"}``.
Success: ``200 {"reply": "<assistant text>", "model": "<model that answered>"}``.
Errors: ``{"error": "<StableCode>", "message": "<text for humans>"}`` with

===  =========================  ==================================================
400  CredentialsInQueryString   any query string: keys never travel in a URL
400  InvalidRequestBody         not a JSON object, or a field missing/wrong/too long
415  UnsupportedMediaType       Content-Type is not application/json
500  InternalError              a bug: the message carries the request id
502  UpstreamError              the model service failed, refused, or answered
                                something that is not a chat completion
503  UpstreamNotConfigured      no API key in the body nor in the secret, or bad
                                OPENAI_* settings
503  ServiceUnavailable         Secrets Manager could not be read right now
504  UpstreamTimeout            the model service did not answer in time
===  =========================  ==================================================

Environment: ``OPENAI_BASE_URL`` (defaults to the public OpenAI API; a URL that
already ends in ``/v1`` works too), ``OPENAI_MODEL`` (defaults to ``gpt-4o-mini``),
``OPENAI_TIMEOUT_SECONDS`` (defaults to 20), ``OPENAI_API_KEY_SECRET`` (name or ARN
of the secret holding the key, either raw or as ``{"api_key": "..."}``; defaults to
no secret, so every request must carry ``key``), ``LOG_LEVEL`` (defaults to INFO).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from .api_key import SecretApiKeyCache, secrets_manager_client
from .cors import cors_headers
from .errors import GptRouteError, UpstreamError, UpstreamNotConfiguredError
from .request import parse_request
from .upstream import OPENER, ChatReply, ask_chat_completion, load_config

logger = logging.getLogger("gpt")
_level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())
logger.setLevel(_level if isinstance(_level, int) else logging.INFO)
# botocore at DEBUG logs whole responses, the secret value included: operators may
# turn the Lambda's log level to DEBUG, these loggers must stay quiet regardless.
for _noisy in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


def answer(
    event: Mapping[str, Any],
    *,
    environ: Mapping[str, str],
    secret_keys: SecretApiKeyCache,
    open_url: Callable[..., Any] = OPENER.open,
) -> ChatReply:
    """Run one /gpt request: validate, find the API key, ask the model.

    The key in the body wins over the secret, as in the original app.

    Raises:
        GptRouteError: any failure the caller should see, with its status and code.
    """
    request = parse_request(event)
    config = load_config(environ)
    api_key = request.key
    if api_key is None and config.api_key_secret:
        api_key = secret_keys.get(config.api_key_secret)
    if api_key is None:
        raise UpstreamNotConfiguredError(
            'No API key: send "key" in the body, or put the key into the secret named '
            'in OPENAI_API_KEY_SECRET (as the raw key or {"api_key": "..."}).'
        )
    try:
        return ask_chat_completion(
            request.message, api_key=api_key, config=config, open_url=open_url
        )
    except UpstreamError as error:
        if request.key is None and config.api_key_secret and error.upstream_status == 401:
            secret_keys.forget(config.api_key_secret)
        raise


def _response(status: int, body: Mapping[str, Any], event: Mapping[str, Any]) -> dict[str, Any]:
    # Every answer, errors included, carries the CORS headers (the README's snippet):
    # API Gateway passes these headers through as they are.
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": "application/json",
            "Cache-Control": "no-store",
            **cors_headers(event),
        },
        "body": json.dumps(body),
    }


_SECRET_KEYS = SecretApiKeyCache(secrets_manager_client)


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point for ``POST /gpt`` behind the Cognito authorizer."""
    started = time.perf_counter()
    request_id = getattr(context, "aws_request_id", None) or "unknown"
    request_context = event.get("requestContext") or {}
    claims = (request_context.get("authorizer") or {}).get("claims") or {}
    log: dict[str, Any] = {
        "route": "/gpt",
        "username": claims.get("cognito:username"),
        "request_id": request_id,
        "api_request_id": request_context.get("requestId"),
    }
    try:
        reply = answer(event, environ=os.environ, secret_keys=_SECRET_KEYS)
        response = _response(200, {"reply": reply.reply, "model": reply.model}, event)
        log["model"] = reply.model
    except GptRouteError as error:
        response = _response(error.status, {"error": error.code, "message": error.message}, event)
        log["error"] = error.code
        if isinstance(error, UpstreamError) and error.upstream_status is not None:
            log["upstream_status"] = error.upstream_status
    except Exception as error:
        # Only the class name: some exception messages quote header values (the key).
        log["error"] = "InternalError"
        log["exception"] = type(error).__name__
        response = _response(
            500,
            {
                "error": "InternalError",
                "message": f"Something went wrong on our side (request id {request_id}).",
            },
            event,
        )
    log["status"] = response["statusCode"]
    log["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    logger.info(json.dumps(log))
    return response
