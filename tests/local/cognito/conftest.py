"""Fixtures of the Cognito front's rule tests (the helpers are in ``support``).

Each test gets a front with nothing remembered (sessions, codes, TOTP secrets, used
sessions, the outbox), its messages kept off stdout, and fake Lambda triggers recording
every event; ``aws`` and ``make_pool`` give it moto in this process and pools like the
construct's; ``clock`` freezes time for the expiry rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cognito_api_construct.local.cognito import messages, signin, state, triggers

from .support import POLICY, REGION, Clock, Lambdas, Pool, arn


@pytest.fixture(autouse=True)
def fresh_front(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lambdas]:
    """A front with nothing remembered, its messages kept off stdout, fake triggers."""
    state.STATE.__dict__.update(state.State().__dict__)
    signin._USED.clear()
    with messages._lock:
        messages._sent.clear()
    messages.set_outbox(emit=lambda message: None)
    lambdas = Lambdas()
    monkeypatch.setattr(triggers, "_invoke", lambdas)
    yield lambdas
    messages.set_outbox(emit=None)


@pytest.fixture
def lambdas(fresh_front: Lambdas) -> Lambdas:
    """The fake trigger functions of this test."""
    return fresh_front


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``time.time`` frozen 10 s into a 30-second TOTP step, moved only by ``advance``."""
    moment = Clock((int(time.time()) // 30) * 30 + 10.0)
    monkeypatch.setattr(time, "time", moment)
    return moment


@pytest.fixture(scope="session")
def admin_client() -> Any:
    """One boto3 cognito-idp client (making one takes longer than a test)."""
    with mock_aws():
        return boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def aws(admin_client: Any) -> Iterator[Any]:
    """moto's Cognito in this process, fresh for the test; its admin client."""
    with mock_aws():
        yield admin_client


@pytest.fixture
def make_pool(aws: Any) -> Callable[..., Pool]:
    """A factory of pools like the construct's; keywords change one setting each.

    Keywords: ``mfa`` (OFF, OPTIONAL, ON), ``case_sensitive``, ``prevent`` (the client's
    PreventUserExistenceErrors ENABLED), ``secret`` (a client secret), ``triggers``
    (LambdaConfig keys, each a fake function named after it), ``pre_token_version``
    (``V1_0``/``V2_0`` for PreTokenGenerationConfig instead of the legacy key),
    ``client`` (more CreateUserPoolClient settings), ``pool`` (more CreateUserPool
    settings).
    """

    def make(
        *,
        mfa: str = "OPTIONAL",
        case_sensitive: bool = False,
        prevent: bool = True,
        secret: bool = False,
        triggers: Iterable[str] = (),
        pre_token_version: str | None = None,
        client: Mapping[str, Any] | None = None,
        pool: Mapping[str, Any] | None = None,
    ) -> Pool:
        lambda_config: dict[str, Any] = {}
        for trigger in triggers:
            if trigger == "PreTokenGeneration" and pre_token_version:
                lambda_config["PreTokenGenerationConfig"] = {
                    "LambdaArn": arn(trigger),
                    "LambdaVersion": pre_token_version,
                }
            else:
                lambda_config[trigger] = arn(trigger)
        settings: dict[str, Any] = {
            "PoolName": "pool",
            "MfaConfiguration": mfa,
            "UsernameConfiguration": {"CaseSensitive": case_sensitive},
            "AutoVerifiedAttributes": ["email"],
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
            },
            "Policies": {"PasswordPolicy": dict(POLICY)},
            **({"LambdaConfig": lambda_config} if lambda_config else {}),
            **(pool or {}),
        }
        pool_id = aws.create_user_pool(**settings)["UserPool"]["Id"]
        if mfa != "OFF":
            aws.set_user_pool_mfa_config(
                UserPoolId=pool_id,
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=mfa,
            )
        client_settings: dict[str, Any] = {
            "UserPoolId": pool_id,
            "ClientName": "client",
            "GenerateSecret": secret,
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": "ENABLED" if prevent else "LEGACY",
            "EnableTokenRevocation": True,
            **(client or {}),
        }
        created = aws.create_user_pool_client(**client_settings)["UserPoolClient"]
        return Pool(pool_id, created["ClientId"], created.get("ClientSecret"), aws)

    return make
