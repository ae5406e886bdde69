"""The stack's OAuth 2.0 side: resource servers, domains, machine clients, the token URL.

It owns the creation in moto of each ``AWS::Cognito::UserPoolResourceServer`` (its
``Ref``: the identifier) and ``AWS::Cognito::UserPoolDomain`` (its ``Ref``: the prefix)
of the template, the app clients' properties with their intrinsic functions resolved
(``AllowedOAuthScopes`` joining a resource server's ``Ref`` and a scope name, as CDK
writes them), the checks CloudFormation's CreateUserPoolClient makes of a machine client
(``client_credentials``: a secret, no user-facing OAuth flow), which clients are machine
clients, and the forwarding of ``POST /oauth2/token`` from the gateway's root to the
embedded services, where ``cognito/token_endpoint.py`` answers it. ``services`` calls it
while it creates the stack's resources; ``LocalApi`` for the token URL.
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from .assembly import Stack
from .events import Request
from .gateway_responses import HttpResponse
from .resolve import References, UnresolvedReferenceError, resolve

__all__ = [
    "TOKEN_PATH",
    "OAuthSetupError",
    "check_client",
    "create_domains",
    "create_resource_servers",
    "forward_token_request",
    "is_machine_client",
    "resolved_properties",
]

_LOG = logging.getLogger(__name__)
#: Where a pool's domain serves its token endpoint; the emulator serves it at its root.
TOKEN_PATH: Final = "/oauth2/token"  # noqa: S105 - a URL path, not a password
CLIENT_CREDENTIALS: Final = "client_credentials"
#: The scopes Cognito defines itself (no resource server needed).
_STANDARD_SCOPES: Final = frozenset(
    {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
)
#: The token endpoint's answer headers passed on to the caller.
_ANSWER_HEADERS: Final = ("content-type", "cache-control", "pragma", "allow")


class OAuthSetupError(Exception):
    """A template resource of the OAuth side that CloudFormation would refuse, or moto did."""


def is_machine_client(properties: Mapping[str, Any]) -> bool:
    """Whether an ``AWS::Cognito::UserPoolClient`` allows the client credentials grant."""
    flows = properties.get("AllowedOAuthFlows")
    return isinstance(flows, list) and CLIENT_CREDENTIALS in flows


def create_resource_servers(
    cognito: Any,
    stack: Stack,
    references: References,
    refs: dict[str, str],
) -> dict[str, frozenset[str]]:
    """Create the template's resource servers; return each pool's ``identifier/scope`` set.

    ``refs`` gets each server's ``Ref`` (its identifier).

    Raises:
        OAuthSetupError: a server's pool is not in the stack, or moto refused it.
    """
    scopes: dict[str, set[str]] = {}
    for logical_id, properties in stack.of_type("AWS::Cognito::UserPoolResourceServer"):
        try:
            pool_id = resolve(properties.get("UserPoolId"), references)
            identifier = resolve(properties.get("Identifier"), references)
            name = resolve(properties.get("Name", identifier), references)
            listed = resolved_properties(properties, ("Scopes",), references, logical_id)
        except UnresolvedReferenceError as error:
            raise OAuthSetupError(f"Resource server {logical_id}: {error}") from error
        server_scopes = [
            {
                "ScopeName": str(s["ScopeName"]),
                "ScopeDescription": str(s.get("ScopeDescription") or s["ScopeName"]),
            }
            for s in listed.get("Scopes") or ()
            if isinstance(s, Mapping) and "ScopeName" in s
        ]
        try:
            cognito.create_resource_server(
                UserPoolId=pool_id, Identifier=identifier, Name=name, Scopes=server_scopes
            )
        except (BotoCoreError, ClientError) as error:
            raise OAuthSetupError(f"Resource server {logical_id}: {error}") from error
        refs[logical_id] = identifier
        scopes.setdefault(pool_id, set()).update(
            f"{identifier}/{scope['ScopeName']}" for scope in server_scopes
        )
    return {pool_id: frozenset(names) for pool_id, names in scopes.items()}


def create_domains(
    cognito: Any,
    stack: Stack,
    references: References,
    refs: dict[str, str],
    attributes: dict[tuple[str, str], str],
) -> None:
    """Create the template's user pool domains (their prefix; a custom domain's name).

    ``refs`` gets each domain's ``Ref`` (the domain), ``attributes`` its
    ``CloudFrontDistribution``. The emulator serves every pool's token endpoint at its
    own root whatever the domain: the domain only says that the pool has one.

    Raises:
        OAuthSetupError: a domain's pool is not in the stack, or moto refused it.
    """
    for logical_id, properties in stack.of_type("AWS::Cognito::UserPoolDomain"):
        try:
            pool_id = resolve(properties.get("UserPoolId"), references)
            domain = resolve(properties.get("Domain"), references)
            answer = cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
        except UnresolvedReferenceError as error:
            raise OAuthSetupError(f"User pool domain {logical_id}: {error}") from error
        except (BotoCoreError, ClientError) as error:
            raise OAuthSetupError(f"User pool domain {logical_id}: {error}") from error
        refs[logical_id] = domain
        distribution = answer.get("CloudFrontDomain")
        if isinstance(distribution, str):
            attributes[(logical_id, "CloudFrontDistribution")] = distribution


def resolved_properties(
    properties: Mapping[str, Any], names: tuple[str, ...], references: References, owner: str
) -> dict[str, Any]:
    """The named properties with every intrinsic function in them evaluated.

    Lists and objects are walked; literals stay as written (booleans and numbers too). A
    property with a reference the emulator cannot evaluate is left out, with a warning.
    """
    chosen = {}
    for name in names:
        if name not in properties:
            continue
        try:
            chosen[name] = _evaluate(properties[name], references)
        except UnresolvedReferenceError as error:
            _LOG.warning("%s: %s is not emulated (%s)", owner, name, error)
    return chosen


def _evaluate(value: Any, references: References) -> Any:
    if isinstance(value, Mapping):
        if len(value) == 1 and any(key == "Ref" or key.startswith("Fn::") for key in value):
            return resolve(value, references)
        return {key: _evaluate(item, references) for key, item in value.items()}
    if isinstance(value, list):
        return [_evaluate(item, references) for item in value]
    return value


def check_client(logical_id: str, arguments: Mapping[str, Any], defined: frozenset[str]) -> None:
    """Refuse a client CreateUserPoolClient refuses; warn of scopes no server defines.

    Args:
        logical_id: the client's logical id (for messages).
        arguments: its CreateUserPoolClient arguments, resolved.
        defined: the ``identifier/scope`` names its pool's resource servers define.

    Raises:
        OAuthSetupError: ``client_credentials`` without ``GenerateSecret``, or with the
            ``code`` or ``implicit`` flow (Cognito's InvalidOAuthFlowException).
    """
    flows = arguments.get("AllowedOAuthFlows") or []
    if CLIENT_CREDENTIALS in flows:
        if arguments.get("GenerateSecret") is not True:
            raise OAuthSetupError(
                f"User pool client {logical_id}: the client_credentials flow needs a client "
                "secret (GenerateSecret: true); Cognito refuses it (InvalidOAuthFlowException)"
            )
        if set(flows) & {"code", "implicit"}:
            raise OAuthSetupError(
                f"User pool client {logical_id}: client_credentials cannot be combined with "
                "the code or implicit flow; Cognito refuses it (InvalidOAuthFlowException)"
            )
    for scope in arguments.get("AllowedOAuthScopes") or []:
        if scope not in _STANDARD_SCOPES and scope not in defined:
            _LOG.warning(
                "%s: scope %s is defined by no resource server of its pool in this stack; "
                "the token endpoint will not grant it",
                logical_id,
                scope,
            )


def forward_token_request(endpoint_url: str, request: Request) -> HttpResponse:
    """Send ``POST /oauth2/token`` to the embedded services; return their answer.

    Only the body, ``Content-Type`` and ``Authorization`` go on (no ``Origin``: the
    services refuse browsers, the token endpoint is for a machine's back end).
    """
    target = urlsplit(endpoint_url)
    headers = {"Content-Length": str(len(request.body))}
    for name in ("Content-Type", "Authorization"):
        value = request.header(name)
        if value is not None:
            headers[name] = value
    connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
    try:
        connection.request("POST", TOKEN_PATH, body=request.body, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        kept = [(k, v) for k, v in answer.getheaders() if k.lower() in _ANSWER_HEADERS]
        return HttpResponse(answer.status, kept, body)
    finally:
        connection.close()
