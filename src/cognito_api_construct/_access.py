"""Who may call what: Cognito groups on routes, the pool's groups, machine clients.

Owns three things the routes of ``CognitoApi`` can ask for:

- **groups on a route** (``add_protected_route(..., groups=[...])``): one Lambda REQUEST
  authorizer (construct ids ``GroupsAuthorizer``, ``GroupsAuthorizerFunction``) that
  verifies the caller's id token itself and admits the members of the route's groups
  (``runtime/group_authorizer.py``). API Gateway caches its answer per token for
  :data:`GROUPS_CACHE_TTL`, one policy covering every group route, so a user's requests
  cost one invocation per token and TTL. It reads ``cognito:groups`` from the id token,
  so a user's own pre token generation trigger (which may change the groups) composes
  with it, and clients send the same id token as on any protected route.
- **the pool's groups** (``add_group``): ``AWS::Cognito::UserPoolGroup`` each.
- **machine clients** (``add_machine_client``): the pool's Cognito domain
  (``oauth_domain_prefix``; construct id ``OAuthDomain``), one resource server (``api``
  unless ``resource_server_id`` says otherwise; ``ResourceServer``) whose scopes the
  clients declare, and a client with a secret and only the client-credentials flow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

import jsii
from aws_cdk import (
    Acknowledgment,
    Duration,
    IStableAnyProducer,
    IStableStringProducer,
    Lazy,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ._problems import Problems
from .options import LOG_RETENTION
from .runtime.route_policy import Route as GroupRoute
from .runtime.route_policy import shadowed_routes

__all__ = [
    "GROUPS_CACHE_TTL",
    "GroupsGate",
    "MachineClients",
    "build_group",
    "check_groups",
    "check_machine_props",
    "qualified_scopes",
]

#: How long API Gateway keeps the groups authorizer's answer for one token: a user
#: added to or removed from a group is seen after this and a new sign-in (or refresh),
#: since the groups are the token's.
GROUPS_CACHE_TTL: Final = Duration.minutes(5)
_GROUP_NAME: Final = re.compile(r"^[^\s\x00-\x1f]{1,128}$")
#: Scopes of Cognito's own: never prefixed with the resource server.
_STANDARD_SCOPES: Final = frozenset(
    {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
)
_RESOURCE_SERVER_ID: Final = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,256}$")
_SCOPE_NAME: Final = re.compile(r"^[\x21\x23-\x2e\x30-\x5b\x5d-\x7e]{1,256}$")
_DOMAIN_PREFIX: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@jsii.implements(IStableStringProducer)
class _ProduceString:
    """A string computed at synthesis, when every route has been added."""

    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self) -> str:
        """The value, now."""
        return self._produce()


@jsii.implements(IStableAnyProducer)
class _ProduceAny:
    """A value computed at synthesis, when every client has been added."""

    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self) -> Any:
        """The value, now."""
        return self._produce()


def check_groups(groups: Sequence[str] | None, problems: Problems) -> tuple[str, ...] | None:
    """Accept ``None`` or a non-empty list of Cognito group names."""
    if groups is None:
        return None
    if (
        isinstance(groups, str)
        or not groups
        or not all(isinstance(name, str) and _GROUP_NAME.match(name) for name in groups)
    ):
        problems.add(
            "groups",
            groups,
            "a non-empty list of Cognito group names (1-128 characters, no spaces)",
            'Pass e.g. ["admins"], or None to admit every signed-in user.',
        )
        return None
    return tuple(dict.fromkeys(groups))


def build_group(
    scope: Construct,
    user_pool: cognito.IUserPool,
    name: str,
    *,
    description: str | None,
    precedence: int | None,
) -> cognito.CfnUserPoolGroup:
    """The pool's group ``name`` (construct id ``Group<Name>``)."""
    problems = Problems()
    check_groups([name], problems)
    if precedence is not None and (isinstance(precedence, bool) or precedence < 0):
        problems.add("precedence", precedence, "a whole number from 0", "Pass e.g. 0 or 10.")
    problems.raise_if_any(scope.node.path)
    construct_id = "Group" + re.sub(r"[^A-Za-z0-9]", "", name.title())
    return cognito.CfnUserPoolGroup(
        scope,
        construct_id,
        user_pool_id=user_pool.user_pool_id,
        group_name=name,
        description=description,
        precedence=precedence,
    )


class GroupsGate:
    """The groups authorizer and the routes behind it, created with the first such route.

    Args:
        scope: The CognitoApi.
        user_pool: The pool whose id tokens are verified.
        client: The app client the id tokens are issued to.
        token_header: The header carrying the id token.
        log_removal_policy: What happens to the function's log group.
        code: The runtime's asset (the auth function's own).
    """

    def __init__(
        self,
        scope: Construct,
        *,
        user_pool: cognito.IUserPool,
        client: cognito.IUserPoolClient,
        token_header: str,
        log_removal_policy: RemovalPolicy,
        code: lambda_.Code,
    ) -> None:
        self._scope = scope
        self._pool = user_pool
        self._client = client
        self._header = token_header
        self._log_removal = log_removal_policy
        self._code = code
        self._routes: list[dict[str, Any]] = []
        self._authorizer: apigateway.RequestAuthorizer | None = None
        #: The authorizer's function, once a group route exists.
        self.function: lambda_.Function | None = None

    def authorizer(self) -> apigateway.RequestAuthorizer:
        """The REQUEST authorizer (created on first use)."""
        if self._authorizer is None:
            self.function = self._function()
            self._authorizer = apigateway.RequestAuthorizer(
                self._scope,
                "GroupsAuthorizer",
                handler=self.function,
                identity_sources=[apigateway.IdentitySource.header(self._header)],
                results_cache_ttl=GROUPS_CACHE_TTL,
            )
        return self._authorizer

    def check(
        self, methods: Sequence[str], path: str, groups: Sequence[str], problems: Problems
    ) -> None:
        """Refuse routes whose paths overlap another group route's with other groups.

        API Gateway caches one policy per token for every route, and a path parameter's
        ``*`` also matches deeper paths; the authorizer then fences each Allow with
        explicit Denys, so a member of one of two such routes' groups could be refused
        on the other (never wrongly admitted). Refused here instead, at construction.
        """
        new = [GroupRoute(m, path, frozenset(groups)) for m in methods]
        existing = [
            GroupRoute(r["method"], r["path"], frozenset(r["groups"])) for r in self._routes
        ]
        clashes = [
            (route, by)
            for route, by in shadowed_routes([*existing, *new])
            if route in new or by in new
        ]
        for route, by in clashes[:1]:
            problems.add(
                "groups",
                list(groups),
                f"{route.method} {route.path} ({', '.join(sorted(route.groups))}) and "
                f"{by.method} {by.path} ({', '.join(sorted(by.groups))}) overlap with "
                "other groups: one cached policy cannot admit the members of one and not "
                "the other",
                "Give overlapping routes the same groups, or move one to a path of its own.",
            )

    def admit(self, method: apigateway.Method, path: str, groups: Sequence[str]) -> None:
        """Record that ``groups`` may call ``method`` (at the resource ``path``)."""
        self._routes.append({"method": method.http_method, "path": path, "groups": list(groups)})
        reason = (
            "This route admits members of Cognito groups: the construct's Lambda authorizer "
            "verifies the caller's Cognito id token (signature, issuer, audience, expiry) "
            "and its cognito:groups, which a Cognito user pools authorizer cannot check."
        )
        Validations.of(method).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-COG4", reason=reason)
        )

    def _function(self) -> lambda_.Function:
        log_group = logs.LogGroup(
            self._scope,
            "GroupsAuthorizerLogs",
            retention=LOG_RETENTION,
            removal_policy=self._log_removal,
        )
        role = iam.Role(
            self._scope,
            "GroupsAuthorizerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Groups authorizer of cognito-api-construct: writes its own logs.",
        )
        log_group.grant_write(role)
        function = lambda_.Function(
            self._scope,
            "GroupsAuthorizerFunction",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            code=self._code,
            handler="runtime.group_authorizer.handler",
            memory_size=256,
            timeout=Duration.seconds(10),
            environment={
                "USER_POOL_ID": self._pool.user_pool_id,
                "USER_POOL_CLIENT_ID": self._client.user_pool_client_id,
                "TOKEN_HEADER": self._header,
                "LOG_LEVEL": "INFO",
                # Every route behind the authorizer, known once all routes are added.
                "ROUTE_GROUPS": Lazy.string(
                    _ProduceString(lambda: json.dumps(self._routes, separators=(",", ":")))
                ),
            },
            log_group=log_group,
            role=role,
            description="Admits the members of a route's Cognito groups (cognito-api-construct).",
        )
        return function


class MachineClients:
    """The pool's Cognito domain, its resource server, and the machine clients.

    Args:
        scope: The CognitoApi.
        user_pool: The pool.
        domain_prefix: ``oauth_domain_prefix``; None refuses machine clients.
        resource_server_id: The resource server's identifier (the scopes' prefix).
    """

    def __init__(
        self,
        scope: Construct,
        user_pool: cognito.IUserPool,
        domain_prefix: str | None,
        resource_server_id: str,
    ) -> None:
        self._scope = scope
        self._pool = user_pool
        self.resource_server_id = resource_server_id
        self._scopes: dict[str, str] = {}
        self._resource_server: cognito.CfnUserPoolResourceServer | None = None
        #: The Cognito domain serving ``/oauth2/token``, when ``oauth_domain_prefix`` is set.
        self.domain: cognito.UserPoolDomain | None = (
            None
            if domain_prefix is None
            else cognito.UserPoolDomain(
                scope,
                "OAuthDomain",
                user_pool=user_pool,
                cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix),
            )
        )

    @property
    def token_url(self) -> str | None:
        """``https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token``, or None."""
        if self.domain is None:
            return None
        return f"{self.domain.base_url()}/oauth2/token"

    def add(self, id: str, scopes: Sequence[str]) -> cognito.UserPoolClient:
        """A client with a secret and only the client-credentials flow, for ``scopes``.

        Raises:
            CognitoApiPropsError: Without ``oauth_domain_prefix``, or with bad scopes.
        """
        problems = Problems()
        if self.domain is None:
            problems.add(
                "oauth_domain_prefix",
                None,
                "machine clients get their tokens from the pool's Cognito domain "
                "(/oauth2/token), and there is none",
                "Pass oauth_domain_prefix='my-app-auth' to CognitoApi.",
            )
        names = [s for s in scopes] if not isinstance(scopes, str) else []
        if not names or not all(isinstance(s, str) and _SCOPE_NAME.match(s) for s in names):
            problems.add(
                "scopes",
                scopes,
                "a non-empty list of scope names (no spaces, quotes, slashes or backslashes)",
                'Pass e.g. ["reports.read"]; routes take them as authorization_scopes.',
            )
        problems.raise_if_any(self._scope.node.path)
        for name in names:
            self._scopes.setdefault(name, f"{name} (cognito-api-construct machine scope)")
        server = self._server()
        client = cognito.UserPoolClient(
            self._scope,
            id,
            user_pool=self._pool,
            generate_secret=True,
            auth_flows=cognito.AuthFlow(),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(client_credentials=True),
                scopes=[
                    cognito.OAuthScope.custom(f"{self.resource_server_id}/{name}") for name in names
                ],
            ),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
        )
        client.node.add_dependency(server)
        return client

    def qualified(self, scope: str) -> str:
        """``scope`` as a token carries it (``read`` -> ``api/read``).

        A short name (no ``/``, not one of Cognito's own scopes) gets the resource
        server's prefix.
        """
        if "/" in scope or scope in _STANDARD_SCOPES:
            return scope
        return f"{self.resource_server_id}/{scope}"

    def _server(self) -> cognito.CfnUserPoolResourceServer:
        if self._resource_server is None:
            self._resource_server = cognito.CfnUserPoolResourceServer(
                self._scope,
                "ResourceServer",
                user_pool_id=self._pool.user_pool_id,
                identifier=self.resource_server_id,
                name=f"{Stack.of(self._scope).stack_name} API",
                scopes=Lazy.any(
                    _ProduceAny(
                        lambda: [
                            cognito.CfnUserPoolResourceServer.ResourceServerScopeTypeProperty(
                                scope_name=name, scope_description=description
                            )
                            for name, description in self._scopes.items()
                        ]
                    )
                ),
            )
        return self._resource_server


def qualified_scopes(scopes: Sequence[str] | None, machines: MachineClients) -> list[str] | None:
    """A route's ``authorization_scopes`` with short names made full (``api/read``)."""
    return None if scopes is None else [machines.qualified(scope) for scope in scopes]


def check_machine_props(
    domain_prefix: str | None, resource_server_id: str, problems: Problems
) -> None:
    """Accept a Cognito domain prefix and a resource server identifier."""
    if domain_prefix is not None and (
        not isinstance(domain_prefix, str)
        or not _DOMAIN_PREFIX.match(domain_prefix)
        or any(word in domain_prefix for word in ("aws", "amazon", "cognito"))
    ):
        problems.add(
            "oauth_domain_prefix",
            domain_prefix,
            "a Cognito domain prefix: 1-63 lower-case letters, digits and hyphens, not "
            "starting or ending with a hyphen, without aws, amazon or cognito",
            "Pass e.g. 'my-app-auth' (it must be unique in the region).",
        )
    if not isinstance(resource_server_id, str) or not _RESOURCE_SERVER_ID.match(resource_server_id):
        problems.add(
            "resource_server_id",
            resource_server_id,
            "a resource server identifier: 1-256 printable characters, no quotes or spaces",
            "Pass e.g. 'api' (the default) or your API's URL.",
        )
