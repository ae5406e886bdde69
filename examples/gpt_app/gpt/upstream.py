"""The model service: its settings, one chat completion call, and its answer."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import UpstreamError, UpstreamNotConfiguredError, UpstreamTimeoutError

DEFAULT_BASE_URL = "https://api.openai.com"
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_SECONDS = 20.0
MAX_UPSTREAM_BYTES = 1024 * 1024


@dataclass(frozen=True)
class UpstreamConfig:
    """Where and how to call the model service, read from the environment."""

    chat_completions_url: str
    model: str
    timeout_seconds: float
    api_key_secret: str | None


@dataclass(frozen=True)
class ChatReply:
    """What the model answered."""

    reply: str
    model: str


def chat_completions_url(base_url: str) -> str:
    """Return the chat completions endpoint under ``base_url``.

    Args:
        base_url: ``https://api.openai.com`` or ``https://host/v1``, with or without a
            trailing slash.

    Raises:
        UpstreamNotConfiguredError: the URL is not http(s) with a host.
    """
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UpstreamNotConfiguredError(
            "OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com; "
            "fix the function's environment."
        )
    root = base_url.strip().rstrip("/")
    # Many OpenAI-compatible servers document their base URL with /v1 included.
    if root.endswith("/v1"):
        root = root[: -len("/v1")]
    return f"{root}/v1/chat/completions"


def load_config(environ: Mapping[str, str]) -> UpstreamConfig:
    """Read the OPENAI_* settings, applying the documented defaults.

    Raises:
        UpstreamNotConfiguredError: a setting is present but unusable.
    """
    raw_timeout = environ.get("OPENAI_TIMEOUT_SECONDS", "") or str(DEFAULT_TIMEOUT_SECONDS)
    try:
        timeout_seconds = float(raw_timeout)
    except ValueError:
        timeout_seconds = 0.0
    if not timeout_seconds > 0:
        raise UpstreamNotConfiguredError(
            "OPENAI_TIMEOUT_SECONDS must be a positive number of seconds, below the "
            "function's timeout; fix the function's environment."
        )
    return UpstreamConfig(
        chat_completions_url=chat_completions_url(
            environ.get("OPENAI_BASE_URL", "") or DEFAULT_BASE_URL
        ),
        model=environ.get("OPENAI_MODEL", "") or DEFAULT_MODEL,
        timeout_seconds=timeout_seconds,
        api_key_secret=environ.get("OPENAI_API_KEY_SECRET") or None,
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would resend the prompt (and possibly the key) somewhere else:
    # treat it as an upstream error instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: The opener every call uses: no redirects followed.
OPENER = urllib.request.build_opener(_NoRedirect)


def ask_chat_completion(
    message: str,
    *,
    api_key: str,
    config: UpstreamConfig,
    open_url: Callable[..., Any] = OPENER.open,
) -> ChatReply:
    """Send one user message to the chat completions endpoint and return the reply.

    Raises:
        UpstreamTimeoutError: no answer within ``config.timeout_seconds``.
        UpstreamError: unreachable, a non-2xx status, or a body that is not a chat
            completion. The upstream body is never passed on: it may echo the key.
    """
    payload = {"model": config.model, "messages": [{"role": "user", "content": message}]}
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in load_config
        config.chat_completions_url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    request.add_unredirected_header("Authorization", f"Bearer {api_key}")
    try:
        with open_url(request, timeout=config.timeout_seconds) as response:
            raw = response.read(MAX_UPSTREAM_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise UpstreamError(
            f"The model service answered HTTP {error.code}.", upstream_status=error.code
        ) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timeout(config) from None
        raise UpstreamError("The model service could not be reached.") from None
    except TimeoutError:
        raise _timeout(config) from None
    except OSError:
        raise UpstreamError("The connection to the model service failed.") from None
    if len(raw) > MAX_UPSTREAM_BYTES:
        raise UpstreamError("The model service answered more than 1 MiB.")
    return _parse_completion(raw, default_model=config.model)


def _timeout(config: UpstreamConfig) -> UpstreamTimeoutError:
    return UpstreamTimeoutError(
        f"The model service did not answer within {config.timeout_seconds:g} seconds."
    )


def _parse_completion(raw: bytes, *, default_model: str) -> ChatReply:
    try:
        document = json.loads(raw)
        content = document["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str):
        raise UpstreamError("The model service answered something that is not a chat reply.")
    model = document.get("model")
    return ChatReply(reply=content, model=model if isinstance(model, str) else default_model)
