"""The /gpt request: an API Gateway REST proxy (v1) event validated into a ``ChatRequest``."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import (
    CredentialsInQueryStringError,
    InvalidRequestBodyError,
    UnsupportedMediaTypeError,
)

MESSAGE_MAX = 8000
KEY_MAX = 512
# 8000 characters JSON-escaped as \uXXXX take 48000 bytes; anything beyond is not ours.
MAX_BODY_BYTES = 64 * 1024
ALLOWED_FIELDS = ("message", "key")
# Printable ASCII without spaces: anything else could split the Authorization header.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]+$")


@dataclass(frozen=True)
class ChatRequest:
    """A validated /gpt request body."""

    message: str
    key: str | None


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def parse_request(event: Mapping[str, Any]) -> ChatRequest:
    """Validate an API Gateway REST proxy (v1) event into a ``ChatRequest``.

    Raises:
        CredentialsInQueryStringError: the URL has a query string.
        UnsupportedMediaTypeError: Content-Type is not application/json.
        InvalidRequestBodyError: the body is not ``{"message": str, "key"?: str}``.
    """
    if event.get("queryStringParameters") or event.get("multiValueQueryStringParameters"):
        raise CredentialsInQueryStringError(
            "Query strings are refused on this route so that keys never appear in URLs "
            'or access logs; send a JSON body such as {"message": "..."} instead.'
        )
    content_type = _header(event.get("headers"), "content-type") or ""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaTypeError(
            "Send the request body as JSON with the header Content-Type: application/json."
        )
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidRequestBodyError("body: not valid base64-encoded UTF-8.") from None
    if len(raw.encode("utf-8")) > MAX_BODY_BYTES:
        raise InvalidRequestBodyError(f"body: larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidRequestBodyError(
            'body: not valid JSON; expected {"message": "..."}.'
        ) from None
    if not isinstance(body, dict):
        raise InvalidRequestBodyError('body: expected a JSON object like {"message": "..."}.')
    unknown = sorted(set(body) - set(ALLOWED_FIELDS))
    if unknown:
        raise InvalidRequestBodyError(
            f"{unknown[0]}: unknown field; allowed fields are {', '.join(ALLOWED_FIELDS)}."
        )
    message = body.get("message")
    if message is None:
        raise InvalidRequestBodyError("message: required.")
    if not isinstance(message, str) or not 1 <= len(message) <= MESSAGE_MAX:
        raise InvalidRequestBodyError(
            f"message: must be a string of 1 to {MESSAGE_MAX} characters."
        )
    key = body.get("key")
    if key is not None and (
        not isinstance(key, str) or len(key) > KEY_MAX or not KEY_PATTERN.match(key)
    ):
        raise InvalidRequestBodyError(
            f"key: must be a string of 1 to {KEY_MAX} printable characters without spaces."
        )
    return ChatRequest(message=message, key=key)
