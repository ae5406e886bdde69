"""The ``cognito-api-local`` command: parse options, start ``LocalApi``, print how to use it.

It owns the command line and the terminal: ``serve`` and ``openapi`` (the document
on stdout), arguments, the startup banner (base URL, routes with protected/public, the
token header, pool and client ids, the machine clients and the token URL (never a
secret), the triggers the pool runs, the functions that cannot run locally, the outbox,
a copy-paste ``curl``), each email or SMS printed as
the embedded Cognito sends it, a warning when ``--host`` is not loopback, and the
clean stop on Ctrl-C or SIGTERM. Everything it starts belongs to ``LocalApi``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .api import LocalApi, LocalApiError, parse_assignments
from .assembly import AssemblyError, read_assembly, select_api
from .oauth import is_machine_client, resolved_properties
from .openapi import dumps, openapi_document
from .services import ServicesError
from .synth import SynthesisError, read_app_command, synthesize
from .workers import UnsupportedFunctionError

__all__ = ["banner", "build_parser", "main"]

_EXPECTED_ERRORS = (
    AssemblyError,
    LocalApiError,
    ServicesError,
    SynthesisError,
    UnsupportedFunctionError,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cognito-api-local``."""
    parser = argparse.ArgumentParser(
        prog="cognito-api-local",
        description="Run a synthesized CognitoApi app locally: API Gateway, its Cognito "
        "authorizer, the Lambda functions and an embedded Cognito (moto).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="synthesize (or read) the app and serve it")
    source = serve.add_mutually_exclusive_group()
    source.add_argument("--app", help="the CDK app command (default: cdk.json's app)")
    source.add_argument("--cdk-out", type=Path, help="an already synthesized cloud assembly")
    serve.add_argument("--stack", help="the stack to serve when the app has several APIs")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="gateway port (default 8787)")
    serve.add_argument(
        "--env",
        action="append",
        metavar="FUNCTION.VAR=VALUE",
        help="override a function's environment variable (repeatable; FUNCTION may be *)",
    )
    serve.add_argument(
        "--secret",
        action="append",
        metavar="NAME=VALUE",
        help="the value of a Secrets Manager secret of the stack (repeatable)",
    )
    document = commands.add_parser(
        "openapi",
        help="print the API's OpenAPI 3.0 document (generated from the synthesized template)",
    )
    source = document.add_mutually_exclusive_group()
    source.add_argument("--app", help="the CDK app command (default: cdk.json's app)")
    source.add_argument("--cdk-out", type=Path, help="an already synthesized cloud assembly")
    document.add_argument("--stack", help="the stack to describe when the app has several APIs")
    document.add_argument(
        "--server",
        action="append",
        metavar="URL",
        help="a base URL to list first under servers (repeatable; default: only the "
        "deployed stage's URL template)",
    )
    return parser


def banner(api: LocalApi) -> str:
    """What the command prints once serving: URL, routes, ids, triggers, a ``curl``."""
    lines = [f"Serving stack {api.stack.name} at {api.url}", "", "Routes:"]
    for route in api.routes:
        if route.method == "OPTIONS" and route.integration.type == "MOCK":
            continue
        guard = "protected" if route.protected else "public"
        lines.append(f"  {route.method:<7} {api.url.rstrip('/')}{route.path}  ({guard})")
    headers = sorted({a.token_header for a in api.api.authorizers.values() if a.token_header})
    if headers:
        lines.append(f"Protected routes take the id token in the {', '.join(headers)} header.")
    # The construct's auth function reads the access token of /signout, /me, /mfa... from
    # the header its TOKEN_HEADER names: there is one even in an app with no protected route.
    public = {route.integration.function_id for route in api.routes if not route.protected}
    signed_in = sorted(
        {
            header
            for logical_id, function in api.functions.runnable.items()
            if logical_id in public
            and isinstance(header := function.environment.get("TOKEN_HEADER"), str)
        }
    )
    if signed_in:
        lines.append(
            "Routes for a signed-in user (/signout, /me, /mfa...) take the access token "
            f"in the {', '.join(signed_in)} header."
        )
    scoped = sorted({scope for route in api.routes for scope in route.authorization_scopes})
    if scoped:
        lines.append(
            f"Routes with scopes take an access token granting one of: {', '.join(scoped)}"
        )
    with contextlib.suppress(LocalApiError):  # an API without a user pool
        lines += ["", f"User pool: {api.user_pool_id}", f"App client: {api.client_id}"]
    triggers = sorted(
        f"{', '.join(kinds)} ({logical_id})" for logical_id, kinds in api.functions.triggers.items()
    )
    if triggers:
        lines.append(f"Triggers the pool runs in the workers: {'; '.join(triggers)}")
    for _, reason in sorted(api.functions.unrunnable.items()):
        lines.append(f"Cannot run locally (its routes answer 502): {reason}")
    lines.append(
        f"Embedded AWS services (moto with its Cognito front, for SDK calls): "
        f"{api.cognito_url} with any dummy credentials"
    )
    lines.append(f"Emails and SMS Cognito sends: printed here, and GET {api.root_url}/_outbox")
    lines += _machine_clients(api)
    if any(route.path == "/auth" for route in api.routes):
        body = '{"username": "alice", "password": "<password>"}'
        lines += [
            "",
            "Try it (credentials go in the JSON body, never in the URL):",
            f"  curl -s -X POST {api.url}auth -H 'Content-Type: application/json' "
            f"-d {shlex.quote(body)}",
        ]
    lines += ["", "Ctrl-C stops everything."]
    return "\n".join(lines)


def _machine_clients(api: LocalApi) -> list[str]:
    """The machine clients (id, name, scopes), the token URL, how to read a secret.

    A secret is never printed: the banner may end up in a log or a screen share.
    """
    if not api.machine_client_ids or api.references is None:
        return []
    lines = ["", "Machine clients (client credentials grant):"]
    pools = []
    for logical_id, properties in api.stack.of_type("AWS::Cognito::UserPoolClient"):
        if is_machine_client(properties):
            chosen = resolved_properties(
                properties, ("AllowedOAuthScopes", "UserPoolId"), api.references, logical_id
            )
            pools.append(chosen.get("UserPoolId", "<pool>"))
            name = properties.get("ClientName") or logical_id
            scopes = " ".join(map(str, chosen.get("AllowedOAuthScopes", [])))
            lines.append(f"  {api.references.refs[logical_id]}  {name}  scopes: {scopes}")
    first = api.machine_client_ids[0]
    return [
        *lines,
        f"Token URL: POST {api.token_url}  (form grant_type=client_credentials, optional "
        "scope; HTTP Basic client_id:client_secret)",
        "A client's secret: LocalApi.client_secret(client_id), or aws cognito-idp "
        f"describe-user-pool-client --endpoint-url {api.services_url} --region "
        f"{api.stack.region} --user-pool-id {pools[0]} --client-id <id>",
        f'  curl -s -X POST {api.token_url} -u "{first}:$CLIENT_SECRET" '
        "-d grant_type=client_credentials",
    ]


def _openapi(options: argparse.Namespace) -> int:
    if options.cdk_out is not None:
        stack, api = select_api(read_assembly(options.cdk_out), options.stack)
    else:
        command = options.app or read_app_command(Path.cwd())
        print(f"Synthesizing with `{command}`...", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="cognito-api-local-") as out_dir:
            assembly = read_assembly(synthesize(command, Path.cwd(), Path(out_dir)))
            stack, api = select_api(assembly, options.stack)
    document = openapi_document(api, region=stack.region, server_urls=options.server or ())
    sys.stdout.write(dumps(document))
    return 0


def host_warning(host: str) -> str | None:
    """The warning ``serve`` prints for a ``--host`` other than loopback, else None."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return None
    return (
        f"WARNING: --host {host} serves the emulator beyond this machine. Its tokens are "
        "signed with moto's published key: anyone can forge them. Never put real data "
        "behind it."
    )


def _serve(options: argparse.Namespace) -> int:
    env = parse_assignments(options.env, "--env")
    secrets = parse_assignments(options.secret, "--secret")
    settings = {
        "env": env,
        "secrets": secrets,
        "host": options.host,
        "port": options.port,
        "on_message": _print_message,
    }
    warning = host_warning(options.host)
    if warning:
        print(warning, file=sys.stderr)
    if options.cdk_out is not None:
        api = LocalApi.from_cdk_out(options.cdk_out, options.stack, **settings)
    else:
        command = options.app or read_app_command(Path.cwd())
        print(f"Synthesizing with `{command}`...", file=sys.stderr)
        api = LocalApi.from_app(command, Path.cwd(), options.stack, **settings)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with api:
        print(banner(api), flush=True)
        stop.wait()
        print("\nStopping...", file=sys.stderr)
    return 0


def _print_message(message: dict[str, Any]) -> None:
    """One email or SMS, as the embedded Cognito sent it (the emulator's mailbox)."""
    subject = f" ({message['subject']})" if message.get("subject") else ""
    print(
        f"\n[outbox] {message['channel']} to {message['to']}{subject}, "
        f"{message['trigger_source']}:\n  {message['body']}",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cognito-api-local``; returns the exit status.

    Example:
        >>> main(["serve", "--cdk-out", "cdk.out", "--port", "8787"])  # doctest: +SKIP
        >>> main(["openapi", "--cdk-out", "cdk.out"])  # doctest: +SKIP
    """
    options = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    try:
        return _openapi(options) if options.command == "openapi" else _serve(options)
    except _EXPECTED_ERRORS as error:
        print(f"cognito-api-local: {error}", file=sys.stderr)
        return 2
