"""The route methods of ``CognitoApi``: authorizer, routes, groups, machine clients.

A mixin of :class:`cognito_api_construct.construct.CognitoApi`, which builds the
attributes these methods use (``rest_api``, ``user_pool``, the route guard, the groups
gate, the machine clients); kept apart so each file reads in one sitting.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from constructs import Node

from ._access import GroupsGate, MachineClients, build_group, check_groups, qualified_scopes
from ._cors import CorsPolicy
from ._problems import Problems
from ._rest_api import add_method_throttle
from ._route_guard import RouteGuard, build_authorizer
from ._user_routes import check_authorization_scopes, prepare_route, tell_cors
from ._validation import throttle_or_default
from .runtime.contract import RESERVED_SEGMENTS

__all__ = ["RouteMethods"]


class RouteMethods:
    """The methods that add routes and callers to a ``CognitoApi``."""

    node: Node
    rest_api: apigateway.RestApi
    user_pool: cognito.IUserPool
    _token_header: str
    _cors: CorsPolicy | None
    _guard: RouteGuard
    _groups: GroupsGate
    _machines: MachineClients
    _stage_throttle: apigateway.ThrottleSettings
    _authorizer: apigateway.CognitoUserPoolsAuthorizer | None

    @property
    def authorizer(self) -> apigateway.CognitoUserPoolsAuthorizer:
        """The Cognito authorizer on ``token_header``, created on first use.

        It is created lazily because an authorizer no method uses fails synthesis.
        Pass it as ``authorizer=`` when you add a method to ``rest_api`` yourself.
        """
        if self._authorizer is None:
            self._authorizer = build_authorizer(self, self.user_pool, self._token_header)  # type: ignore[arg-type]
        return self._authorizer

    def add_protected_route(
        self,
        path: str,
        handler: lambda_.IFunction,
        *,
        methods: Sequence[str] = ("POST",),
        authorization_scopes: Sequence[str] | None = None,
        throttle: apigateway.ThrottleSettings | None = None,
        groups: Sequence[str] | None = None,
    ) -> apigateway.Resource:
        """Serve ``handler`` at ``path`` for callers with a valid Cognito token.

        Example::

            auth.add_protected_route("v1/reports", reports_fn, methods=["GET", "POST"])

        Args:
            path: Path parts separated by "/", e.g. ``"v1/reports/{id}"``; existing
                parts are reused. Not an auth route, no greedy ``{proxy+}``.
            handler: The Lambda function, invoked with the proxy integration.
            methods: HTTP methods from GET, POST, PUT, PATCH, DELETE, HEAD (ANY and
                OPTIONS are refused). Defaults to ``("POST",)``.
            authorization_scopes: OAuth scopes the access token must carry (a machine
                client's short scope name, e.g. ``"reports.read"``, is prefixed with the
                resource server: ``"api/reports.read"``). Defaults to none, and then the
                authorizer accepts ID tokens only.
            throttle: Rate and burst of each of these methods (a field left out keeps
                ``stage_throttle``'s). Defaults to ``stage_throttle``.
            groups: Only members of at least one of these Cognito groups reach the
                handler (their id token's ``cognito:groups``); anyone else gets the
                gateway's 403 and the handler never runs. Checked by the construct's
                Lambda authorizer (``GroupsAuthorizer``), whose answer API Gateway
                caches per token for 5 minutes. Not with ``authorization_scopes``.
                Defaults to every signed-in user.

        Returns:
            The API Gateway resource at ``path``.
        """
        problems = Problems()
        scopes = check_authorization_scopes(authorization_scopes, problems)
        admitted = check_groups(groups, problems)
        if admitted is not None and scopes is not None:
            problems.add(
                "groups",
                list(admitted),
                "a route takes either groups (members' id tokens) or authorization_scopes "
                "(access tokens), not both",
                "Drop one; for machine callers use authorization_scopes alone.",
            )
        limit = self._route_throttle(throttle, problems)
        verbs, resource = self._prepare_route(path, methods, problems)
        if admitted is not None:
            self._groups.check(verbs, resource.path, admitted, problems)
            problems.raise_if_any(self.node.path)
        tell_cors(handler, self._cors)
        integration = apigateway.LambdaIntegration(handler, allow_test_invoke=False)
        for verb in verbs:
            if admitted is not None:
                method = resource.add_method(
                    verb,
                    integration,
                    authorizer=self._groups.authorizer(),
                    authorization_type=apigateway.AuthorizationType.CUSTOM,
                )
                self._groups.admit(method, resource.path, admitted)
            else:
                method = resource.add_method(
                    verb,
                    integration,
                    authorizer=self.authorizer,
                    authorization_type=apigateway.AuthorizationType.COGNITO,
                    authorization_scopes=qualified_scopes(scopes, self._machines),
                )
            if limit is not None:
                add_method_throttle(self.rest_api, method, limit)
        return resource

    def add_group(
        self, name: str, *, description: str | None = None, precedence: int | None = None
    ) -> cognito.CfnUserPoolGroup:
        """Create the pool's group ``name`` (construct id ``Group<Name>``).

        Args:
            name: The group's name, as routes' ``groups`` and ``cognito:groups`` name it.
            description: For administrators. Defaults to none.
            precedence: Cognito's order among a user's groups (lower first). Defaults to
                none.

        Returns:
            The group.
        """
        return build_group(
            self,  # type: ignore[arg-type]
            self.user_pool,
            name,
            description=description,
            precedence=precedence,
        )

    def add_machine_client(self, id: str, *, scopes: Sequence[str]) -> cognito.UserPoolClient:
        """A client for services calling the API (OAuth 2.0 client credentials).

        It has a secret and only the client-credentials flow; its access tokens carry
        ``scopes`` under the construct's resource server (``api/<scope>``), which routes
        name in ``authorization_scopes``. It gets them from :attr:`token_url`.

        Args:
            id: The client's construct id.
            scopes: The scopes it may ask for (short names, e.g. ``"reports.read"``).

        Raises:
            CognitoApiPropsError: Without ``oauth_domain_prefix``, or with bad scopes.
        """
        return self._machines.add(id, scopes)

    def add_public_route(
        self,
        path: str,
        handler: lambda_.IFunction,
        *,
        methods: Sequence[str] = ("POST",),
        throttle: apigateway.ThrottleSettings | None = None,
    ) -> apigateway.Resource:
        """Serve ``handler`` at ``path`` without authentication, as an explicit opt-in.

        cdk-nag's AwsSolutions pack reports such methods (APIG4, COG4): acknowledge
        them on the returned resource's methods with your reason.

        Example::

            auth.add_public_route("health", health_fn, methods=["GET"])

        Args:
            path: As for ``add_protected_route``.
            handler: The Lambda function, invoked with the proxy integration.
            methods: As for ``add_protected_route``. Defaults to ``("POST",)``.
            throttle: As for ``add_protected_route``.

        Returns:
            The API Gateway resource at ``path``.
        """
        problems = Problems()
        limit = self._route_throttle(throttle, problems)
        verbs, resource = self._prepare_route(path, methods, problems)
        tell_cors(handler, self._cors)
        integration = apigateway.LambdaIntegration(handler, allow_test_invoke=False)
        for verb in verbs:
            method = resource.add_method(
                verb, integration, authorization_type=apigateway.AuthorizationType.NONE
            )
            self._guard.allow_public(method)
            if limit is not None:
                add_method_throttle(self.rest_api, method, limit)
        return resource

    def _route_throttle(
        self, throttle: apigateway.ThrottleSettings | None, problems: Problems
    ) -> apigateway.ThrottleSettings | None:
        """A route's ``throttle=``, stage defaults filled in; None keeps the stage's."""
        if throttle is None:
            return None
        return throttle_or_default("throttle", throttle, self._stage_throttle, problems)

    def _prepare_route(
        self, path: str, methods: Sequence[str], problems: Problems
    ) -> tuple[tuple[str, ...], apigateway.Resource]:
        """Check a route fully (raising every problem at once), then find its resource."""
        verbs, resource = prepare_route(
            self.rest_api, path, methods, problems, reserved=RESERVED_SEGMENTS
        )
        problems.raise_if_any(self.node.path)
        assert resource is not None  # no problem, so the resource exists
        return verbs, resource
