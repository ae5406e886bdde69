"""The embedded AWS services: moto's server on loopback, and the template's resources in it.

It owns the moto process (started on 127.0.0.1 and a free port, TOTP checking on,
stopped with the emulator) and the creation in it of each ``AWS::Cognito::UserPool``,
``AWS::Cognito::UserPoolClient`` and ``AWS::SecretsManager::Secret`` of the stack with
the template's properties. It returns the physical ids as ``References`` for
``resolve``; it does not serve HTTP or run Lambdas.
"""

from __future__ import annotations

import json
import logging
import os
import secrets as token_source
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .assembly import Stack
from .resolve import References, UnresolvedReferenceError, resolve

__all__ = ["DUMMY_CREDENTIALS", "EmbeddedServices", "ServicesError"]

_LOG = logging.getLogger(__name__)
_STARTUP_SECONDS = 60
#: moto accepts any credentials; these keep boto3 from looking for real ones.
DUMMY_CREDENTIALS: Mapping[str, str] = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",  # not a secret: moto accepts anything
    "AWS_SESSION_TOKEN": "local",
}
# Pool properties passed to CreateUserPool as written (same names in both APIs).
_POOL_PROPERTIES = (
    "Policies",
    "DeletionProtection",
    "AutoVerifiedAttributes",
    "AliasAttributes",
    "UsernameAttributes",
    "SmsVerificationMessage",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "VerificationMessageTemplate",
    "SmsAuthenticationMessage",
    "MfaConfiguration",
    "UserAttributeUpdateSettings",
    "DeviceConfiguration",
    "AdminCreateUserConfig",
    "Schema",
    "UsernameConfiguration",
    "AccountRecoverySetting",
    "UserPoolTier",
)
_CLIENT_PROPERTIES = (
    "GenerateSecret",
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AuthSessionValidity",
)


class ServicesError(Exception):
    """The embedded services could not start or a template resource could not be created."""


class EmbeddedServices:
    """moto's server in a child process, bound to ``host`` on a free port.

    Args:
        host: the loopback address to bind. Defaults to 127.0.0.1.

    Example:
        >>> with EmbeddedServices() as services:  # doctest: +SKIP
        ...     references = services.create_resources(stack, secret_values={})
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._process: subprocess.Popen[str] | None = None
        self.endpoint_url = ""

    def __enter__(self) -> EmbeddedServices:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start moto's server and wait until it listens."""
        environment = {**os.environ, "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true"}
        self._process = subprocess.Popen(  # noqa: S603 - our own script, no shell
            [sys.executable, str(Path(__file__).with_name("_moto_main.py")), self.host],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise ServicesError(
                "moto's server did not start: is the `local` extra installed "
                "(pip install 'cognito-api-construct[local]')?"
            )
        port = json.loads(line)["port"]
        self.endpoint_url = f"http://{self.host}:{port}"

    def stop(self) -> None:
        """Stop moto's server and reap its process (its state is in memory only)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def client(self, service: str, region: str) -> Any:
        """A boto3 client for ``service`` talking to the embedded server."""
        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.endpoint_url,
            region_name=region,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"max_attempts": 2}),
        )

    def create_resources(self, stack: Stack, secret_values: Mapping[str, str]) -> References:
        """Create the stack's user pools, clients and secrets; return every physical id.

        Args:
            stack: the stack to emulate.
            secret_values: ``--secret`` values by secret name or logical id.

        Raises:
            ServicesError: a resource could not be created (the message names it).
        """
        refs: dict[str, str] = {}
        attributes: dict[tuple[str, str], str] = {}
        self._create_pools(stack, refs, attributes)
        self._create_clients(stack, refs, attributes)
        self._create_secrets(stack, secret_values, refs, attributes)
        _add_local_resources(stack, refs, attributes)
        return References(
            region=stack.region,
            account=stack.account,
            stack_name=stack.name,
            refs=refs,
            attributes=attributes,
            parameters=stack.parameters,
        )

    def _create_pools(
        self, stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
    ) -> None:
        cognito = self.client("cognito-idp", stack.region)
        for logical_id, properties in stack.of_type("AWS::Cognito::UserPool"):
            arguments = _literal(properties, _POOL_PROPERTIES, logical_id)
            name = properties.get("UserPoolName")
            arguments["PoolName"] = name if isinstance(name, str) else f"{stack.name}-{logical_id}"
            try:
                pool = cognito.create_user_pool(**arguments)["UserPool"]
                _configure_mfa(cognito, pool["Id"], properties)
            except (BotoCoreError, ClientError) as error:
                raise ServicesError(f"User pool {logical_id}: moto refused it: {error}") from error
            pool_id, arn = pool["Id"], pool["Arn"]
            provider = f"cognito-idp.{stack.region}.amazonaws.com/{pool_id}"
            refs[logical_id] = pool_id
            attributes.update(
                {
                    (logical_id, "Arn"): arn,
                    (logical_id, "UserPoolId"): pool_id,
                    (logical_id, "ProviderName"): provider,
                    (logical_id, "ProviderURL"): f"https://{provider}",
                }
            )

    def _create_clients(
        self, stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
    ) -> None:
        cognito = self.client("cognito-idp", stack.region)
        partial = References(stack.region, stack.account, stack.name, refs, attributes)
        for logical_id, properties in stack.of_type("AWS::Cognito::UserPoolClient"):
            try:
                pool_id = resolve(properties.get("UserPoolId"), partial)
            except UnresolvedReferenceError as error:
                raise ServicesError(
                    f"User pool client {logical_id}: its pool is not in this stack ({error})"
                ) from error
            arguments = _literal(properties, _CLIENT_PROPERTIES, logical_id)
            name = properties.get("ClientName")
            arguments["ClientName"] = name if isinstance(name, str) else logical_id
            try:
                client = cognito.create_user_pool_client(UserPoolId=pool_id, **arguments)
            except (BotoCoreError, ClientError) as error:
                raise ServicesError(f"User pool client {logical_id}: {error}") from error
            client_id = client["UserPoolClient"]["ClientId"]
            refs[logical_id] = client_id
            attributes[(logical_id, "ClientId")] = client_id
            attributes[(logical_id, "Name")] = arguments["ClientName"]
            if "ClientSecret" in client["UserPoolClient"]:
                attributes[(logical_id, "ClientSecret")] = client["UserPoolClient"]["ClientSecret"]

    def _create_secrets(
        self,
        stack: Stack,
        secret_values: Mapping[str, str],
        refs: dict[str, str],
        attributes: dict[tuple[str, str], str],
    ) -> None:
        manager = self.client("secretsmanager", stack.region)
        for logical_id, properties in stack.of_type("AWS::SecretsManager::Secret"):
            name = properties.get("Name")
            name = name if isinstance(name, str) else f"{logical_id}-local"
            value = secret_values.get(name, secret_values.get(logical_id))
            if value is None:
                value = _initial_secret_value(properties)
            try:
                arn = manager.create_secret(Name=name, SecretString=value)["ARN"]
            except (BotoCoreError, ClientError) as error:
                raise ServicesError(f"Secret {logical_id}: {error}") from error
            refs[logical_id] = arn
            attributes[(logical_id, "Id")] = arn


def _literal(properties: Mapping[str, Any], names: tuple[str, ...], owner: str) -> dict[str, Any]:
    """The named properties whose values hold no intrinsic function (moto needs literals)."""
    chosen = {}
    for name in names:
        if name not in properties:
            continue
        if _has_intrinsic(properties[name]):
            _LOG.warning("%s: %s uses a CloudFormation function; not emulated", owner, name)
            continue
        chosen[name] = properties[name]
    return chosen


def _has_intrinsic(value: Any) -> bool:
    if isinstance(value, dict):
        return any(key == "Ref" or key.startswith("Fn::") for key in value) or any(
            _has_intrinsic(item) for item in value.values()
        )
    if isinstance(value, list):
        return any(_has_intrinsic(item) for item in value)
    return False


def _configure_mfa(cognito: Any, pool_id: str, properties: Mapping[str, Any]) -> None:
    # moto issues MFA challenges only after SetUserPoolMfaConfig: the MfaConfiguration
    # given to CreateUserPool alone is stored but not acted upon (docs/facts.md#moto).
    mfa = properties.get("MfaConfiguration", "OFF")
    enabled = properties.get("EnabledMfas") or []
    if mfa == "OFF" or "SOFTWARE_TOKEN_MFA" not in enabled:
        return
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration=mfa,
    )


def _initial_secret_value(properties: Mapping[str, Any]) -> str:
    literal = properties.get("SecretString")
    if isinstance(literal, str):
        return literal
    generate = properties.get("GenerateSecretString") or {}
    generated = token_source.token_urlsafe(24)
    template, key = generate.get("SecretStringTemplate"), generate.get("GenerateStringKey")
    if isinstance(template, str) and isinstance(key, str):
        return json.dumps({**json.loads(template), key: generated})
    return generated


def _add_local_resources(
    stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
) -> None:
    """Ids of what the emulator plays itself: Lambda functions, the REST API, its stage."""
    for function in stack.functions.values():
        arn = f"arn:aws:lambda:{stack.region}:{stack.account}:function:{function.function_name}"
        refs[function.logical_id] = function.function_name
        attributes[(function.logical_id, "Arn")] = arn
    for api in stack.apis:
        api_id = "local" + api.logical_id.lower()[:5]
        refs[api.logical_id] = api_id
        attributes[(api.logical_id, "RootResourceId")] = "root"
        for logical_id, _ in stack.of_type("AWS::ApiGateway::Stage"):
            refs[logical_id] = api.stage_name
