"""The authorizer and the synth-time guard that keeps every route authorized.

Owns the one Cognito authorizer (created when the first route needs it, because an
authorizer no method uses fails synthesis) and a validation that fails ``cdk synth``
when a method on the API is unauthenticated without an explicit opt-in. It adds no
routes itself.
"""

from __future__ import annotations

from typing import Final

import jsii
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from constructs import Construct, IValidation

#: CfnMethod authorization types that prove the caller's identity.
AUTHORIZED_TYPES: Final = frozenset({"COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM"})


def build_authorizer(
    scope: Construct, user_pool: cognito.IUserPool, token_header: str
) -> apigateway.CognitoUserPoolsAuthorizer:
    """Create the Cognito user pools authorizer (construct id ``Authorizer``)."""
    return apigateway.CognitoUserPoolsAuthorizer(
        scope,
        "Authorizer",
        cognito_user_pools=[user_pool],
        identity_source=apigateway.IdentitySource.header(token_header),
    )


@jsii.implements(IValidation)
class RouteGuard:
    """Fails synthesis when a method of the API is open without an explicit opt-in.

    A method passes when it is authorized (Cognito, IAM or a custom authorizer), is a
    CORS preflight answered by the gateway itself (OPTIONS with a mock integration:
    browsers send preflights without credentials), or was registered as public: the
    construct's own auth routes and routes added with ``add_public_route``.
    """

    def __init__(self, api: apigateway.RestApi, owner_path: str) -> None:
        """Guard ``api``; ``owner_path`` names the CognitoApi in messages."""
        self._api = api
        self._owner_path = owner_path
        self._public: set[str] = set()

    def allow_public(self, method: apigateway.Method) -> None:
        """Record ``method`` as deliberately unauthenticated."""
        self._public.add(method.node.path)

    def validate(self) -> list[str]:
        """Return one self-contained message per unauthenticated method."""
        errors: list[str] = []
        for child in self._api.node.find_all():
            if not isinstance(child, apigateway.CfnMethod):
                continue
            owner = child.node.scope
            if isinstance(owner, apigateway.Method):
                if owner.node.path in self._public:
                    continue
                http_method, path = owner.http_method, owner.resource.path
            else:
                http_method, path = str(child.http_method), child.node.path
            if str(child.authorization_type) in AUTHORIZED_TYPES:
                continue
            if http_method == "OPTIONS" and _is_mock(child):
                continue
            errors.append(self._message(http_method, path))
        return errors

    def _message(self, http_method: str, path: str) -> str:
        route = path.strip("/") or "<root>"
        return (
            f"CognitoApi at {self._owner_path}: method {http_method} {path} on its rest_api "
            "has no authorization, and every method of this API must be authorized or "
            "opted in as public. To protect it, add it with "
            f'add_protected_route("{route}", handler, methods=["{http_method}"]) (or pass '
            "authorizer=<CognitoApi>.authorizer when you add the method yourself); to serve "
            f'it without authentication on purpose, use add_public_route("{route}", handler, '
            f'methods=["{http_method}"]).'
        )


def _is_mock(method: apigateway.CfnMethod) -> bool:
    integration = method.integration
    return getattr(integration, "type", None) == "MOCK"
