"""The embedded AWS services: moto and its Cognito front on loopback, the stack's resources.

It owns the services' process (``python -m cognito_api_construct.local.cognito``: moto
with the Cognito front before it, on 127.0.0.1 and a free port, stopped with the
emulator), the outbox it reports (every email and SMS Cognito would send, one JSON line
each), and the creation in it of each ``AWS::Cognito::UserPool`` (its Lambda triggers
resolved to the emulator's functions), ``AWS::Cognito::UserPoolResourceServer`` and
``AWS::Cognito::UserPoolDomain`` (``oauth``), ``AWS::Cognito::UserPoolGroup`` (its
``Ref``: the name; members get ``cognito:groups`` in their tokens, as from Cognito),
``AWS::Cognito::UserPoolClient`` (its
properties' references resolved, e.g. scopes naming a resource server) and
``AWS::SecretsManager::Secret`` of the stack with the template's properties. It returns
the physical ids as ``References`` for ``resolve``; it runs no Lambda itself.
"""

from __future__ import annotations

import json
import logging
import os
import secrets as token_source
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import oauth
from .assembly import LambdaFunction, Stack
from .resolve import References, UnresolvedReferenceError, resolve

__all__ = ["DUMMY_CREDENTIALS", "EmbeddedServices", "ServicesError", "function_arn"]

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
    "LambdaConfig",
)
# Pool properties CloudFormation sets with SetUserPoolMfaConfig: (argument, its member).
_SIGN_IN_SETTINGS = {
    "WebAuthnRelyingPartyID": ("WebAuthnConfiguration", "RelyingPartyId"),
    "WebAuthnUserVerification": ("WebAuthnConfiguration", "UserVerification"),
    "EmailAuthenticationMessage": ("EmailMfaConfiguration", "Message"),
    "EmailAuthenticationSubject": ("EmailMfaConfiguration", "Subject"),
}
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
    """The services' process, bound to ``host`` on a free port.

    Args:
        host: the loopback address to bind. Defaults to 127.0.0.1.
        invoker: the URL and token of the emulator's Lambda invoker, which runs the user
            pools' triggers. Defaults to none: a pool's trigger then fails as one that
            cannot run.
        on_message: called with each message the front sends (from a reader thread).
            Defaults to none; ``outbox()`` keeps them all anyway.

    Example:
        >>> with EmbeddedServices() as services:  # doctest: +SKIP
        ...     references = services.create_resources(stack, secret_values={})
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        invoker: tuple[str, str] | None = None,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.host = host
        self._invoker = invoker
        self._on_message = on_message
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
        """Start the services' process and wait until it listens."""
        environment = dict(os.environ)
        if self._invoker is not None:
            environment["COGNITO_API_LOCAL_INVOKE_URL"] = self._invoker[0]
            environment["COGNITO_API_LOCAL_INVOKE_TOKEN"] = self._invoker[1]
        self._process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "cognito_api_construct.local.cognito", self.host],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            text=True,
            encoding="utf-8",
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise ServicesError(
                "The embedded AWS services did not start: is the `local` extra installed "
                "(pip install 'cognito-api-construct[local]')?"
            )
        port = json.loads(line)["port"]
        self.endpoint_url = f"http://{self.host}:{port}"
        threading.Thread(
            target=self._read_outbox, args=(self._process.stdout,), daemon=True
        ).start()

    def _read_outbox(self, stream: Any) -> None:
        # The live copy of each message, for ``on_message`` (e.g. to print it).
        for line in stream:
            try:
                message = json.loads(line)["outbox"]
            except (ValueError, KeyError, TypeError):
                continue
            if self._on_message is not None:
                self._on_message(message)

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        """Every message sent so far, oldest first; only those to ``to`` when given.

        Read from the services' process, which holds them: a message is there as soon
        as the call that sent it has been answered.
        """
        query = "" if to is None else "?" + urlencode({"to": to})
        with urllib.request.urlopen(  # noqa: S310 - the emulator's own loopback service
            f"{self.endpoint_url}/_outbox{query}", timeout=10
        ) as answer:
            messages: list[dict[str, Any]] = json.loads(answer.read())["messages"]
        return messages

    def stop(self) -> None:
        """Stop the services' process and reap it (its state is in memory only)."""
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
        """Create the stack's user pools, groups, clients and secrets; return every physical id.

        Args:
            stack: the stack to emulate.
            secret_values: ``--secret`` values by secret name or logical id.

        Raises:
            ServicesError: a resource could not be created (the message names it).
        """
        refs: dict[str, str] = {}
        attributes: dict[tuple[str, str], str] = {}
        # The functions' ARNs first: a pool's triggers name them.
        _add_local_resources(stack, refs, attributes)
        self._create_pools(stack, refs, attributes)
        self._create_groups(stack, refs, attributes)
        scopes = self._create_oauth(stack, refs, attributes)
        self._create_clients(stack, refs, attributes, scopes)
        self._create_secrets(stack, secret_values, refs, attributes)
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
        functions = References(stack.region, stack.account, stack.name, refs, attributes)
        for logical_id, properties in stack.of_type("AWS::Cognito::UserPool"):
            arguments = _literal(
                {**properties, "LambdaConfig": _triggers(properties, functions, logical_id)},
                _POOL_PROPERTIES,
                logical_id,
            )
            name = properties.get("UserPoolName")
            arguments["PoolName"] = name if isinstance(name, str) else f"{stack.name}-{logical_id}"
            try:
                pool = cognito.create_user_pool(**arguments)["UserPool"]
                _configure_mfa(cognito, pool["Id"], properties)
                _configure_sign_in(cognito, pool["Id"], properties, logical_id)
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

    def _create_groups(
        self, stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
    ) -> None:
        """The pools' groups (``Ref``: the group's name), each empty as deployed."""
        cognito = self.client("cognito-idp", stack.region)
        partial = References(stack.region, stack.account, stack.name, refs, attributes)
        for logical_id, properties in stack.of_type("AWS::Cognito::UserPoolGroup"):
            try:
                pool_id = resolve(properties.get("UserPoolId"), partial)
                name = resolve(properties.get("GroupName", logical_id), partial)
            except UnresolvedReferenceError as error:
                raise ServicesError(
                    f"User pool group {logical_id}: its pool is not in this stack ({error})"
                ) from error
            arguments = _literal(properties, ("Description", "Precedence"), logical_id)
            try:
                cognito.create_group(UserPoolId=pool_id, GroupName=name, **arguments)
            except (BotoCoreError, ClientError) as error:
                raise ServicesError(f"User pool group {logical_id}: {error}") from error
            refs[logical_id] = name

    def _create_oauth(
        self, stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
    ) -> dict[str, frozenset[str]]:
        """The resource servers and domains; each pool's ``identifier/scope`` names."""
        cognito = self.client("cognito-idp", stack.region)
        partial = References(stack.region, stack.account, stack.name, refs, attributes)
        try:
            scopes = oauth.create_resource_servers(cognito, stack, partial, refs)
            oauth.create_domains(cognito, stack, partial, refs, attributes)
        except oauth.OAuthSetupError as error:
            raise ServicesError(str(error)) from error
        return scopes

    def _create_clients(
        self,
        stack: Stack,
        refs: dict[str, str],
        attributes: dict[tuple[str, str], str],
        scopes: Mapping[str, frozenset[str]],
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
            arguments = oauth.resolved_properties(
                properties, _CLIENT_PROPERTIES, partial, logical_id
            )
            name = properties.get("ClientName")
            arguments["ClientName"] = name if isinstance(name, str) else logical_id
            try:
                oauth.check_client(logical_id, arguments, scopes.get(pool_id, frozenset()))
                client = cognito.create_user_pool_client(UserPoolId=pool_id, **arguments)
            except oauth.OAuthSetupError as error:
                raise ServicesError(str(error)) from error
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


def _triggers(properties: Mapping[str, Any], functions: References, owner: str) -> dict[str, Any]:
    """The pool's ``LambdaConfig`` with each function's ARN resolved.

    A versioned trigger (``PreTokenGenerationConfig``, ``CustomEmailSender``... an
    object such as ``{"LambdaArn": ..., "LambdaVersion": "V2_0"}``) has each field
    resolved. A trigger that names a function outside the stack is dropped, with a warning.
    """
    resolved: dict[str, Any] = {}
    for trigger, value in (properties.get("LambdaConfig") or {}).items():
        try:
            if isinstance(value, Mapping) and not any(
                key == "Ref" or key.startswith("Fn::") for key in value
            ):
                resolved[trigger] = {key: resolve(item, functions) for key, item in value.items()}
            else:
                resolved[trigger] = resolve(value, functions)
        except UnresolvedReferenceError as error:
            _LOG.warning("%s: trigger %s is not emulated (%s)", owner, trigger, error)
    return resolved


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


def _configure_sign_in(
    cognito: Any, pool_id: str, properties: Mapping[str, Any], owner: str
) -> None:
    """The passkeys' relying party and user verification, and the sign-in email's template.

    CloudFormation names them on the pool (``WebAuthnRelyingPartyID``,
    ``WebAuthnUserVerification``, ``EmailAuthenticationMessage``,
    ``EmailAuthenticationSubject``); the API in SetUserPoolMfaConfig, which the Cognito
    front keeps (moto drops them). Without a relying party the front uses ``localhost``.
    """
    literal = _literal(properties, tuple(_SIGN_IN_SETTINGS), owner)
    arguments: dict[str, dict[str, Any]] = {}
    for name, value in literal.items():
        group, key = _SIGN_IN_SETTINGS[name]
        arguments.setdefault(group, {})[key] = value
    if arguments:
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **arguments)


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


def function_arn(stack: Stack, function: LambdaFunction) -> str:
    """The ARN the emulator gives a function (what ``Fn::GetAtt [F, Arn]`` resolves to)."""
    return f"arn:aws:lambda:{stack.region}:{stack.account}:function:{function.function_name}"


def _add_local_resources(
    stack: Stack, refs: dict[str, str], attributes: dict[tuple[str, str], str]
) -> None:
    """Ids of what the emulator plays itself: Lambda functions, the REST API, its stage."""
    for function in stack.functions.values():
        refs[function.logical_id] = function.function_name
        attributes[(function.logical_id, "Arn")] = function_arn(stack, function)
    for api in stack.apis:
        api_id = "local" + api.logical_id.lower()[:5]
        refs[api.logical_id] = api_id
        attributes[(api.logical_id, "RootResourceId")] = "root"
        for logical_id, _ in stack.of_type("AWS::ApiGateway::Stage"):
            refs[logical_id] = api.stage_name
