"""Where the API key comes from when the body has none: a Secrets Manager secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .errors import SecretsUnavailableError, UpstreamNotConfiguredError
from .request import KEY_PATTERN


def api_key_from_secret_string(secret_string: str) -> str | None:
    """Return the key stored in a secret: the raw value or its ``api_key`` field.

    A JSON object without a usable ``api_key`` (the placeholder the example stack
    creates) gives ``None``.
    """
    text = secret_string.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            return None
        value = document.get("api_key") if isinstance(document, dict) else None
        text = value.strip() if isinstance(value, str) else ""
    return text if text and KEY_PATTERN.match(text) else None


class SecretApiKeyCache:
    """Reads the API key from Secrets Manager once per warm container.

    Only a usable key is cached, so putting the key into a placeholder secret takes
    effect at once. ``forget`` drops it when the model service refuses it (rotated).
    """

    def __init__(self, client_factory: Callable[[], Any]) -> None:
        """Create the cache; ``client_factory`` builds a Secrets Manager client on demand."""
        self._client_factory = client_factory
        self._client: Any = None
        self._keys: dict[str, str] = {}

    def get(self, secret_id: str) -> str | None:
        """Return the key in ``secret_id``, or ``None`` if the secret holds none.

        Raises:
            UpstreamNotConfiguredError: the secret does not exist or may not be read.
            SecretsUnavailableError: Secrets Manager failed otherwise.
        """
        if secret_id in self._keys:
            return self._keys[secret_id]
        if self._client is None:
            self._client = self._client_factory()
        try:
            response = self._client.get_secret_value(SecretId=secret_id)
        except Exception as error:  # botocore's error classes are built at runtime
            code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
            if code in ("ResourceNotFoundException", "AccessDeniedException"):
                raise UpstreamNotConfiguredError(
                    "The secret named in OPENAI_API_KEY_SECRET does not exist or this "
                    "function may not read it; check the name and the grant."
                ) from None
            raise SecretsUnavailableError(
                "The API key could not be read from Secrets Manager; try again."
            ) from None
        key = api_key_from_secret_string(response.get("SecretString") or "")
        if key is not None:
            self._keys[secret_id] = key
        return key

    def forget(self, secret_id: str) -> None:
        """Drop the cached key so the next request reads the secret again."""
        self._keys.pop(secret_id, None)


def secrets_manager_client() -> Any:
    """Build the Secrets Manager client of the function's region."""
    # Imported here: boto3 costs ~0.1 s of cold start, paid only when a secret is used.
    import boto3

    return boto3.client("secretsmanager")
