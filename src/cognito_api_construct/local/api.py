"""``LocalApi``: the whole emulator for one stack, started and stopped as one thing.

It owns the wiring and the lifecycle: read the assembly, check every integrated
function can run (before starting anything), start the embedded services (and their
Cognito front, ``cognito_front``) and create
the stack's resources, resolve each function's environment, start the workers, the
authorizers and the gateway; and stop all of it, in reverse, on ``close()``. The
parts it wires know nothing of each other.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from .apimodel import RestApi, Route
from .assembly import LambdaFunction, Stack, read_assembly, select_api
from .authorizer import CognitoAuthorizer, UserPoolKeys
from .cognito_front import CognitoFront
from .gateway import Gateway, GatewayServer
from .openapi import DOCUMENT_PATH, dumps, openapi_document
from .resolve import References, UnresolvedReferenceError, resolve
from .services import DUMMY_CREDENTIALS, EmbeddedServices
from .synth import synthesize
from .waf import read_web_acls
from .workers import LambdaWorkers, check_runnable, lambda_environment

__all__ = ["LocalApi", "LocalApiError", "parse_assignments"]

_LOG = logging.getLogger(__name__)


class LocalApiError(Exception):
    """The emulator cannot serve this app as configured; the message says how to fix it."""


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
    ) -> None:
        self.stack = stack
        self._log_stream = log_stream
        self.api = api
        self.host = host
        self._port = port
        self._env = dict(env or {})
        self._secrets = dict(secrets or {})
        self._max_workers = max_workers
        self._services: EmbeddedServices | None = None
        self._front: CognitoFront | None = None
        self._workers: LambdaWorkers | None = None
        self._server: GatewayServer | None = None
        self._temporary: list[Path] = []
        self.references: References | None = None

    @classmethod
    def from_cdk_out(
        cls,
        directory: Path | str,
        stack: str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_workers: int = 4,
        log_stream: TextIO | None = None,
    ) -> LocalApi:
        """Emulate the API of a synthesized cloud assembly.

        Args:
            directory: the cloud assembly (``cdk.out``).
            stack: the stack to serve. Defaults to the only one with a REST API.
            env: see the class. Defaults to no override.
            secrets: see the class. Defaults to generated values.
            host: see the class. Defaults to 127.0.0.1.
            port: see the class. Defaults to 0 (a free port).
            max_workers: see the class. Defaults to 4.
            log_stream: see the class. Defaults to stderr.

        Raises:
            AssemblyError: no API, or several and no ``stack``.
        """
        found_stack, api = select_api(read_assembly(directory), stack)
        return cls(
            found_stack,
            api,
            env=env,
            secrets=secrets,
            host=host,
            port=port,
            max_workers=max_workers,
            log_stream=log_stream,
        )

    @classmethod
    def from_app(
        cls,
        app_command: str,
        cwd: Path | str,
        stack: str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_workers: int = 4,
        log_stream: TextIO | None = None,
    ) -> LocalApi:
        """Synthesize a CDK app to a temporary directory and emulate its API.

        Args:
            app_command: the ``app`` command of ``cdk.json``, e.g. ``python3 app.py``.
            cwd: the app's directory.
            stack: as in ``from_cdk_out``; so are the other options.
            env: see the class.
            secrets: see the class.
            host: see the class.
            port: see the class.
            max_workers: see the class.
            log_stream: see the class.

        Raises:
            SynthesisError: the app failed to synthesize.
        """
        out_dir = Path(tempfile.mkdtemp(prefix="cognito-api-local-"))
        try:
            local = cls.from_cdk_out(
                synthesize(app_command, cwd, out_dir),
                stack,
                env=env,
                secrets=secrets,
                host=host,
                port=port,
                max_workers=max_workers,
                log_stream=log_stream,
            )
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
    def integrated_functions(self) -> dict[str, LambdaFunction]:
        """The functions the API's routes invoke, by logical id."""
        ids = {route.integration.function_id for route in self.api.routes}
        return {key: fn for key, fn in self.stack.functions.items() if key in ids}

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
    def services_url(self) -> str:
        """The embedded AWS services' endpoint (moto)."""
        return self._services.endpoint_url if self._services else ""

    @property
    def cognito_url(self) -> str:
        """The Lambdas' ``AWS_ENDPOINT_URL``: the proxy before moto (``cognito_front``)."""
        return self._front.url if self._front else ""

    @property
    def user_pool_id(self) -> str:
        """The id of the pool the API's authorizer trusts (else the stack's first pool)."""
        return self._physical(self._pool_logical_id())

    @property
    def client_id(self) -> str:
        """The id of the first app client of that pool."""
        pool = self._pool_logical_id()
        for logical_id, properties in self.stack.of_type("AWS::Cognito::UserPoolClient"):
            if properties.get("UserPoolId") == {"Ref": pool}:
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

    def start(self) -> None:
        """Start Cognito, the Lambda workers and the gateway; all or nothing.

        Raises:
            LocalApiError: a function cannot run, an ``--env`` target is unknown, or an
                environment variable cannot be resolved.
        """
        functions = self.integrated_functions
        for function in functions.values():
            check_runnable(function)
        overrides = self._overrides(functions)
        self._check_secret_names()
        try:
            # The services are the emulator's insides: loopback whatever host serves the API.
            self._services = EmbeddedServices("127.0.0.1")
            self._services.start()
            self._front = CognitoFront(self._services.endpoint_url)
            self._front.start()
            self.references = self._services.create_resources(self.stack, self._secrets)
            for logical_id, properties in self.stack.of_type("AWS::Cognito::UserPoolClient"):
                self._front.register_client(
                    self.references.refs[logical_id],
                    prevent_user_existence_errors=(
                        properties.get("PreventUserExistenceErrors") == "ENABLED"
                    ),
                )
            self._start_workers(functions, overrides, self.references)
            self._start_gateway(self.references)
        except BaseException:
            self.close()
            raise

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

    def _overrides(self, functions: Mapping[str, LambdaFunction]) -> dict[str, dict[str, str]]:
        overrides: dict[str, dict[str, str]] = {key: {} for key in functions}
        for target, value in self._env.items():
            name, _, variable = target.rpartition(".")
            if not name or not variable:
                raise LocalApiError(f"--env {target}=...: expected FUNCTION.VAR=VALUE")
            for logical_id in _functions_named(name, functions):
                overrides[logical_id][variable] = value
        return overrides

    def _start_workers(
        self,
        functions: Mapping[str, LambdaFunction],
        overrides: Mapping[str, Mapping[str, str]],
        references: References,
    ) -> None:
        assert self._services is not None
        environments, code_dirs = {}, {}
        for logical_id, function in functions.items():
            code_dirs[logical_id] = function.code_dir or self._inline(function)
            variables = {}
            for name, value in function.environment.items():
                if name in overrides[logical_id]:
                    continue
                try:
                    variables[name] = resolve(value, references)
                except UnresolvedReferenceError as error:
                    raise LocalApiError(
                        f"Lambda function {logical_id}, environment variable {name}: {error}. "
                        f"Set it with --env {logical_id}.{name}=VALUE."
                    ) from error
            variables.update(overrides[logical_id])
            environments[logical_id] = lambda_environment(
                function,
                variables,
                endpoint_url=self.cognito_url,
                region=self.stack.region,
                credentials=DUMMY_CREDENTIALS,
                task_root=code_dirs[logical_id],
            )
        self._workers = LambdaWorkers(
            functions, environments, code_dirs, self._max_workers, self._log_stream
        )
        self._workers.warm()

    def _inline(self, function: LambdaFunction) -> Path:
        # CloudFormation stores inline (ZipFile) code as index.py, or index.js (CommonJS)
        # for Node.js: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html
        directory = Path(tempfile.mkdtemp(prefix=f"cognito-api-local-{function.logical_id}-"))
        self._temporary.append(directory)
        name = "index.js" if (function.runtime or "").startswith("nodejs") else "index.py"
        (directory / name).write_text(function.inline_code or "", encoding="utf-8")
        return directory

    def _start_gateway(self, references: References) -> None:
        assert self._services is not None
        assert self._workers is not None
        keys = UserPoolKeys(self._services.endpoint_url)
        authorizers = {}
        for logical_id, authorizer in self.api.authorizers.items():
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
        )
        self._server = GatewayServer(gateway, self.host, self._port)
        # Bound by now: the document can name the real stage URL as its server.
        gateway.extras[DOCUMENT_PATH] = dumps(self.openapi()).encode()
        self._server.start()

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
        front, self._front = self._front, None
        if front is not None:
            front.stop()
        services, self._services = self._services, None
        if services is not None:
            services.stop()
        for directory in self._temporary:
            shutil.rmtree(directory, ignore_errors=True)
        self._temporary.clear()


def _functions_named(name: str, functions: Mapping[str, LambdaFunction]) -> list[str]:
    """The functions an ``--env`` target designates (see ``LocalApi``)."""
    if name == "*":
        return list(functions)
    exact = [key for key, fn in functions.items() if name in (key, fn.function_name)]
    if exact:
        return exact
    prefixed = [key for key in functions if key.startswith(name)]
    if len(prefixed) == 1:
        return prefixed
    listing = ", ".join(sorted(functions)) or "none"
    problem = "matches several functions" if prefixed else "matches no integrated function"
    raise LocalApiError(f"--env {name}.VAR: {name!r} {problem}. Functions: {listing}.")
