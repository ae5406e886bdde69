"""The Cognito the routes call: the standard-library client, and boto3 only when needed.

The routes call Cognito by boto3's method names (``cognito.initiate_auth(...)``). The
operations Cognito authenticates by what the request carries (a password, a session,
a token, a code) go through :class:`.cognito_client.CognitoClient`, which imports no
boto3: that import and a botocore client are most of a cold start. The others need
AWS credentials and SigV4 (``AdminCreateUser``, the ``ADMIN_CREATE`` flow's
``/signup``): they go through a boto3 client created, with boto3 imported, on first use.
Both answer alike (``tests/runtime/test_cognito_client.py``), and both clients' errors
are mapped by :mod:`.cognito_errors`.
"""

from __future__ import annotations

import os
from typing import Any, Final

from .cognito_client import OPERATION_METHODS, CognitoClient

__all__ = ["CONNECT_TIMEOUT", "READ_TIMEOUT", "TOTAL_MAX_ATTEMPTS", "Cognito"]

#: Three attempts of at most 2 s + 3 s, plus standard-mode backoff (at most 1 s, then
#: 2 s), end within 18 s: inside the function's 20 s timeout, so a stalled Cognito gives
#: our 503 rather than a Lambda timeout. The same for both clients.
CONNECT_TIMEOUT: Final = 2
READ_TIMEOUT: Final = 3
TOTAL_MAX_ATTEMPTS: Final = 3


class Cognito:
    """``cognito-idp`` by boto3's method names, over the cheapest client that can call it.

    Args:
        region: The function's region (``AWS_REGION``).
    """

    def __init__(self, region: str | None) -> None:
        self.region = region
        #: The unauthenticated operations' client (no AWS credentials, no boto3).
        self.plain = CognitoClient(
            region,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            total_max_attempts=TOTAL_MAX_ATTEMPTS,
        )
        self._signed: Any = None

    def __getattr__(self, name: str) -> Any:
        if name in OPERATION_METHODS:
            return getattr(self.plain, name)
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.signed(), name)

    def signed(self) -> Any:
        """The boto3 client for the operations that need SigV4, created on first use."""
        if self._signed is None:
            self._signed = boto3_client(self.region)
        return self._signed


def boto3_client(region: str | None) -> Any:
    """A boto3 ``cognito-idp`` client configured as the standard-library one.

    boto3 resolves the endpoint itself, honouring ``AWS_ENDPOINT_URL`` for emulators;
    ``total_max_attempts`` counts the first try (botocore's ``max_attempts`` would not).
    """
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": TOTAL_MAX_ATTEMPTS},
    )
    return boto3.client(
        "cognito-idp", region_name=region or os.environ.get("AWS_REGION"), config=config
    )
