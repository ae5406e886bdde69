"""``LocalApi``: the whole emulator for one stack, started and stopped as one thing.

It owns the wiring and the lifecycle: read the assembly, plan the functions (those of
the routes, of the Lambda authorizers and of the pools' triggers; one the emulator
cannot run only makes its own routes answer 502, or 500 for an authorizer's), start
the Lambda invoker (the pools' triggers run in the workers through it), the embedded
services (moto and its Cognito front) and the stack's resources, the workers, the
authorizers (Cognito, and Lambda ones run in the workers) and the gateway with its
extras (``/openapi.json``, ``/_outbox``, the token endpoint ``POST /oauth2/token``
forwarded to the services); and stop all of it, in reverse, on ``close()``. The parts
it wires know nothing of each other.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import parse_qs

from .apimodel import RestApi, Route
from .assembly import Stack, read_assembly, select_api
from .authorizer import CognitoAuthorizer, UserPoolKeys
from .functions import (
    FunctionPlan,
    LocalApiError,
    environments,
    inline_code_dir,
    overrides_of,
    plan_functions,
)
from .gateway import Gateway
from .gateway_responses import HttpResponse
from .gateway_server import GatewayServer
from .invoker import LambdaInvoker
from .lambda_authorizer import LAMBDA_AUTHORIZER_TYPES, LambdaAuthorizer, lambda_authorizers
from .oauth import TOKEN_PATH, forward_token_request, is_machine_client
from .openapi import DOCUMENT_PATH, dumps, openapi_document
from .resolve import References
from .services import EmbeddedServices, function_arn
from .synth import synthesize
from .waf import read_web_acls
from .workers import LambdaWorkers

__all__ = ["OUTBOX_PATH", "LocalApi", "LocalApiError", "parse_assignments"]

_LOG = logging.getLogger(__name__)
#: Where the emulator serves the messages Cognito would have sent (outside the stage).
OUTBOX_PATH = "/_outbox"


def parse_assignments(items: list[str] | None, option: str) -> dict[str, str]:
    """Parse ``KEY=VALUE`` command-line items into a dictionary.

    Raises:
        LocalApiError: an item has no ``=`` (the message names the option).
    """
    parsed = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise LocalApiError(f"{option} {item!r}: expected {option} NAME=VALUE")
        parsed[key] = value
    return parsed


class LocalApi:
    """The emulated API of one stack: gateway, authorizer, Lambda workers, Cognito.

    Args:
        stack: the stack to emulate.
        api: its REST API.
        env: ``FUNCTION.VAR`` -> value overrides of function environments. FUNCTION is
            a function's logical id, a unique prefix of one, its name, or ``*``.
        secrets: Secrets Manager values by secret name or logical id. Defaults to a
            generated value per secret.
        host: the address to bind. Defaults to 127.0.0.1.
        port: the gateway's port; 0 picks a free one. Defaults to 0.
        max_workers: concurrent invocations per function. Defaults to 4.
        log_stream: where the Lambda functions' output goes, each line tagged with the
            function's logical id (the gateway logs through ``logging``). Defaults to
            the emulator's stderr.
        on_message: called with each message (email or SMS) the embedded Cognito sends,
            as ``outbox()`` lists them. Defaults to none.

    Example:
        >>> with LocalApi.from_cdk_out("cdk.out") as api:  # doctest: +SKIP
        ...     print(api.url, api.user_pool_id, api.client_id)
    """

    def __init__(
        self,
        stack: Stack,
        api: RestApi,
        *,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_workers: int = 4,
        log_stream: TextIO | None = None,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.stack = stack
        self._log_stream = log_stream
        self.api = api
        self.host = host
        self._port = port
        self._env = dict(env or {})
        self._secrets = dict(secrets or {})
        self._max_workers = max_workers
        self._on_message = on_message
        self.functions: FunctionPlan = plan_functions(stack, api)
        self._services: EmbeddedServices | None = None
        self._invoker: LambdaInvoker | None = None
        self._workers: LambdaWorkers | None = None
        self._server: GatewayServer | None = None
        self._temporary: list[Path] = []
        self.references: References | None = None

    @classmethod
    def from_cdk_out(
        cls, directory: Path | str, stack: str | None = None, **options: Any
    ) -> LocalApi:
        """Emulate the API of a synthesized cloud assembly.

        Args:
            directory: the cloud assembly (``cdk.out``).
            stack: the stack to serve. Defaults to the only one with a REST API.
            **options: as for the class (``env``, ``secrets``, ``host``, ``port``,
                ``max_workers``, ``log_stream``, ``on_message``).

        Raises:
            AssemblyError: no API, or several and no ``stack``.
        """
        found_stack, api = select_api(read_assembly(directory), stack)
        return cls(found_stack, api, **options)

    @classmethod
    def from_app(
        cls, app_command: str, cwd: Path | str, stack: str | None = None, **options: Any
    ) -> LocalApi:
        """Synthesize a CDK app to a temporary directory and emulate its API.

        Args:
            app_command: the ``app`` command of ``cdk.json``, e.g. ``python3 app.py``.
            cwd: the app's directory.
            stack: as in ``from_cdk_out``.
            **options: as for the class.

        Raises:
            SynthesisError: the app failed to synthesize.
        """
        import tempfile

        out_dir = Path(tempfile.mkdtemp(prefix="cognito-api-local-"))
        try:
            local = cls.from_cdk_out(synthesize(app_command, cwd, out_dir), stack, **options)
        except BaseException:
            shutil.rmtree(out_dir, ignore_errors=True)
            raise
        local._temporary.append(out_dir)
        return local

    def __enter__(self) -> LocalApi:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def routes(self) -> tuple[Route, ...]:
        """The API's routes, CORS preflights included."""
        return self.api.routes

    @property
    def port(self) -> int:
        """The gateway's bound port (after ``start``)."""
        return self._server.port if self._server else self._port

    @property
    def url(self) -> str:
        """The stage's base URL, like the deployed one: ``http://127.0.0.1:PORT/prod/``."""
        return f"http://{self.host}:{self.port}/{self.api.stage_name}/"

    @property
    def root_url(self) -> str:
        """The gateway's root, where the emulator's extras are (``/openapi.json``...)."""
        return f"http://{self.host}:{self.port}"

    @property
    def services_url(self) -> str:
        """The embedded AWS services' endpoint: moto, with the Cognito front before it."""
        return self._services.endpoint_url if self._services else ""

    @property
    def cognito_url(self) -> str:
        """The Lambdas' ``AWS_ENDPOINT_URL`` (the same endpoint as ``services_url``)."""
        return self.services_url

    @property
    def token_url(self) -> str:
        """The token endpoint (client credentials grant): ``{root_url}/oauth2/token``.

        A deployed pool serves it at its domain; the emulator at its root for every pool.
        """
        return f"{self.root_url}{TOKEN_PATH}"

    @property
    def machine_client_ids(self) -> list[str]:
        """The ids of the template's clients that allow the client credentials grant."""
        return [
            self._physical(logical_id)
            for logical_id, properties in self.stack.of_type("AWS::Cognito::UserPoolClient")
            if is_machine_client(properties)
        ]

    def client_secret(self, client_id: str) -> str:
        """The secret of the template's app client ``client_id`` (for the token endpoint).

        Raises:
            LocalApiError: not started, no such client in the template, or no secret.
        """
        if self.references is None:
            raise LocalApiError("LocalApi is not started: use it in a `with` block.")
        for logical_id, _ in self.stack.of_type("AWS::Cognito::UserPoolClient"):
            if self.references.refs.get(logical_id) == client_id:
                secret = self.references.attributes.get((logical_id, "ClientSecret"))
                if secret is None:
                    raise LocalApiError(f"App client {client_id} has no secret.")
                return secret
        raise LocalApiError(f"App client {client_id} is not a client of the template.")

    @property
    def user_pool_id(self) -> str:
        """The id of the pool the API's authorizer trusts (else the stack's first pool)."""
        return self._physical(self._pool_logical_id())

    @property
    def client_id(self) -> str:
        """The id of the first app client of that pool that signs users in (not a machine's)."""
        pool = self._pool_logical_id()
        for logical_id, properties in self.stack.of_type("AWS::Cognito::UserPoolClient"):
            if properties.get("UserPoolId") == {"Ref": pool} and not is_machine_client(properties):
                return self._physical(logical_id)
        raise LocalApiError(f"User pool {pool} has no app client in the template.")

    def _pool_logical_id(self) -> str:
        for authorizer in self.api.authorizers.values():
            if authorizer.user_pool_ids:
                return authorizer.user_pool_ids[0]
        for logical_id, _ in self.stack.of_type("AWS::Cognito::UserPool"):
            return logical_id
        raise LocalApiError(f"Stack {self.stack.name} has no user pool.")

    def _physical(self, logical_id: str) -> str:
        if self.references is None:
            raise LocalApiError("LocalApi is not started: use it in a `with` block.")
        return self.references.refs[logical_id]

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        """Every email and SMS the embedded Cognito sent, oldest first.

        Each is ``{"to", "channel", "trigger_source", "code", "subject", "body",
        "sent_at"}``; with ``to``, only those sent to that address or number. The running
        emulator serves the same list at ``GET /_outbox`` (outside the stage).
        """
        return self._services.outbox(to) if self._services else []

    def start(self) -> None:
        """Start the invoker, the services, the workers and the gateway; all or nothing.

        Raises:
            LocalApiError: an ``--env`` target is unknown, a secret is not in the
                stack, or an environment variable cannot be resolved.
        """
        functions = self.functions.runnable
        overrides = overrides_of(self._env, functions)
        self._check_secret_names()
        for logical_id, reason in self.functions.unrunnable.items():
            _LOG.warning("%s: its routes answer 502 (%s)", logical_id, reason)
        try:
            self._invoker = LambdaInvoker(
                self._invoke_trigger,
                {function_arn(self.stack, fn): key for key, fn in self.stack.functions.items()},
                self.functions.unrunnable,
            )
            self._invoker.start()
            # The services are the emulator's insides: loopback whatever host serves the API.
            self._services = EmbeddedServices(
                "127.0.0.1",
                invoker=(self._invoker.url, self._invoker.token),
                on_message=self._on_message,
            )
            self._services.start()
            self.references = self._services.create_resources(self.stack, self._secrets)
            code_dirs = {
                key: fn.code_dir or self._temporary_dir(inline_code_dir(fn))
                for key, fn in functions.items()
            }
            self._workers = LambdaWorkers(
                functions,
                environments(
                    functions,
                    overrides,
                    self.references,
                    endpoint_url=self.cognito_url,
                    region=self.stack.region,
                    code_dirs=code_dirs,
                ),
                code_dirs,
                self._max_workers,
                self._log_stream,
            )
            self._workers.warm()
            self._start_gateway(self.references)
        except BaseException:
            self.close()
            raise

    def _temporary_dir(self, directory: Path) -> Path:
        self._temporary.append(directory)
        return directory

    def _invoke_trigger(self, logical_id: str, event: Mapping[str, Any], timeout: float) -> Any:
        if self._workers is None:
            raise LocalApiError("the workers are not started")
        return self._workers.invoke(logical_id, event, timeout)

    def _check_secret_names(self) -> None:
        known = {}
        for logical_id, properties in self.stack.of_type("AWS::SecretsManager::Secret"):
            known[logical_id] = logical_id
            if isinstance(properties.get("Name"), str):
                known[properties["Name"]] = logical_id
        for name in self._secrets:
            if name not in known:
                listing = ", ".join(sorted(known)) or "none"
                raise LocalApiError(
                    f"--secret {name}=...: the stack has no such secret. Secrets (name or "
                    f"logical id): {listing}."
                )

    def _start_gateway(self, references: References) -> None:
        assert self._services is not None
        assert self._workers is not None
        keys = UserPoolKeys(self._services.endpoint_url)
        authorizers: dict[str, CognitoAuthorizer | LambdaAuthorizer] = {}
        authorizers.update(
            lambda_authorizers(self.api, self._workers.invoke, self.functions.unrunnable)
        )
        for logical_id, authorizer in self.api.authorizers.items():
            if authorizer.type in LAMBDA_AUTHORIZER_TYPES:
                continue
            pools = {}
            for pool in authorizer.user_pool_ids:
                clients = [
                    references.refs[client_id]
                    for client_id, props in self.stack.of_type("AWS::Cognito::UserPoolClient")
                    if props.get("UserPoolId") == {"Ref": pool} and client_id in references.refs
                ]
                pools[references.refs[pool]] = clients
            authorizers[logical_id] = CognitoAuthorizer(keys, self.stack.region, pools)
        web_acls = read_web_acls(self.stack.resources, self.api.logical_id)
        for acl in web_acls:
            if acl.not_emulated:
                _LOG.warning(
                    "Web ACL %s: rules %s are not emulated (managed rule groups, rate-based "
                    "rules and IP sets never match locally)",
                    acl.logical_id,
                    ", ".join(acl.not_emulated),
                )
        gateway = Gateway(
            self.api,
            api_id=references.refs.get(self.api.logical_id, "local"),
            account=self.stack.account,
            authorizers=authorizers,
            invoke=self._workers.invoke,
            web_acls=web_acls,
            unrunnable=self.functions.unrunnable,
            region=self.stack.region,
        )
        self._server = GatewayServer(
            gateway,
            self.host,
            self._port,
            extras={OUTBOX_PATH: self._serve_outbox},
            post_extras={TOKEN_PATH: partial(forward_token_request, self._services.endpoint_url)},
        )
        # Bound by now: the document can name the real stage URL as its server.
        document = dumps(self.openapi()).encode()
        self._server.extras[DOCUMENT_PATH] = lambda query: _json(200, document)
        self._server.start()

    def _serve_outbox(self, query: str) -> HttpResponse:
        wanted = parse_qs(query).get("to")
        to = wanted[0] if wanted else None
        return _json(200, json.dumps({"messages": self.outbox(to)}).encode())

    def openapi(self) -> dict[str, Any]:
        """The API's OpenAPI 3.0 document, this emulator's stage URL as its first server.

        The running emulator also serves it at ``GET /openapi.json`` (outside the stage;
        an emulator extra, a deployed API has no such route).
        """
        servers = [self.url] if self._server is not None else []
        return openapi_document(self.api, region=self.stack.region, server_urls=servers)

    def worker_pids(self) -> list[int]:
        """Process ids of the live Lambda workers."""
        return self._workers.pids() if self._workers else []

    def close(self) -> None:
        """Stop the gateway, the workers and the services; free the ports. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            self._port = server.port
            server.stop()
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.close()
        services, self._services = self._services, None
        if services is not None:
            services.stop()
        invoker, self._invoker = self._invoker, None
        if invoker is not None:
            invoker.stop()
        for directory in self._temporary:
            shutil.rmtree(directory, ignore_errors=True)
        self._temporary.clear()


def _json(status: int, body: bytes) -> HttpResponse:
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return HttpResponse(status, headers, body)
