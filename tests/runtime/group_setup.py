"""The group authorizer with its keys and clocks in memory, for its tests.

``Setup.decide`` calls the Lambda handler as API Gateway does; ``Setup.refuses`` checks
the one refusal API Gateway turns into 401: ``Exception("Unauthorized")``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from group_tokens import (
    CLIENT_ID,
    NOW,
    OTHER_CLIENT_ID,
    POOL_ID,
    REGION,
    ROUTES,
    event,
    jwk,
    rsa_key,
)

from runtime_asset import import_runtime_as_deployed

import_runtime_as_deployed()

import runtime.group_authorizer as group_authorizer  # noqa: E402 - registered just above
from runtime.group_authorizer import (  # noqa: E402
    AuthorizerError,
    GroupAuthorizer,
    SigningKeys,
    settings_from,
)
from runtime.jwt_rs256 import parse_jwks  # noqa: E402

__all__ = [
    "ENVIRONMENT",
    "Setup",
    "allowed",
    "denied",
    "fresh_authorizer",
    "group_authorizer",
    "make_setup",
    "setup_fixture",
]

ENVIRONMENT = {
    "USER_POOL_ID": POOL_ID,
    "USER_POOL_CLIENT_ID": f"{CLIENT_ID}, {OTHER_CLIENT_ID}",
    "AWS_REGION": REGION,
    "ROUTE_GROUPS": json.dumps(ROUTES),
    "JWKS_URL": "https://jwks.invalid/keys",
}


@dataclass
class Jwks:
    """A JWKS endpoint in memory: its document can change; fetches are counted."""

    keys: list[dict[str, Any]] = field(default_factory=lambda: [jwk(rsa_key("pool"), "k1")])
    fetches: int = 0
    down: bool = False

    def __call__(self, url: str) -> Any:
        self.fetches += 1
        if self.down:
            raise AuthorizerError("JWKS unavailable (TimeoutError)")
        return parse_jwks({"keys": self.keys})


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Setup:
    authorizer: GroupAuthorizer
    jwks: Jwks
    clock: Clock

    def decide(self, token: str | None, **kwargs: Any) -> dict[str, Any]:
        group_authorizer._authorizer = self.authorizer
        return group_authorizer.handler(event(token, **kwargs), None)

    def refuses(self, token: str | None, **kwargs: Any) -> None:
        with pytest.raises(Exception) as raised:  # noqa: PT011 - the contract is this exact one
            self.decide(token, **kwargs)
        assert type(raised.value) is Exception
        assert raised.value.args == ("Unauthorized",)
        assert raised.value.__cause__ is None
        assert raised.value.__suppress_context__


def make_setup(**environment: str) -> Setup:
    jwks, clock = Jwks(), Clock()
    keys = SigningKeys("https://jwks.invalid/keys", fetch=jwks, clock=clock)
    authorizer = GroupAuthorizer(settings_from({**ENVIRONMENT, **environment}), keys, lambda: NOW)
    return Setup(authorizer, jwks, clock)


@pytest.fixture
def fresh_authorizer() -> Iterator[None]:
    """No test leaves its authorizer in the module for the next one."""
    yield
    group_authorizer._authorizer = None


@pytest.fixture(name="setup")
def setup_fixture() -> Setup:
    """A fresh authorizer with its keys and clock in memory (the fixture ``setup``)."""
    return make_setup()


def resources(answer: dict[str, Any], effect: str) -> list[str]:
    statements = answer["policyDocument"]["Statement"]
    return [arn for item in statements if item["Effect"] == effect for arn in item["Resource"]]


def allowed(answer: dict[str, Any]) -> list[str]:
    return resources(answer, "Allow")


def denied(answer: dict[str, Any]) -> list[str]:
    return resources(answer, "Deny")
