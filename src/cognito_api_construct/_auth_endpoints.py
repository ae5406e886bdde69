"""Builds the auth Lambda and its public routes (/signup, /auth, ... /mfa/verify).

Owns the function (asset, role, log group) and, for every route the contract declares
for the sign-up flow (``runtime/contract.py``), its method: the request model the
gateway enforces, the request validator, the declared responses (a model for the
success status and the route's error model for each error status), and the method
path the stage throttles. It never imports the runtime's handler: only the contract's
data, which is standard library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ._cors import CorsPolicy
from ._route_guard import RouteGuard
from .options import (
    AUTH_FUNCTION_LOG_LEVEL,
    AUTH_FUNCTION_MEMORY_MB,
    AUTH_FUNCTION_TIMEOUT_SECONDS,
    LOG_RETENTION,
    SignUpFlow,
)
from .runtime.contract import Route, routes_for
from .runtime.schemas import Schema

#: The asset root is this package's directory; only ``runtime/`` ships, so the
#: handler is ``runtime.handler.handler`` and the runtime imports itself relatively.
ASSET_DIR: Final = Path(__file__).resolve().parent
# "*" does not match dotfiles: ".*" keeps tool caches (.mypy_cache...) out too.
ASSET_EXCLUDE: Final = ("*", "!runtime", "!runtime/**", ".*", "__pycache__", "*.pyc", "*.pyo")
HANDLER: Final = "runtime.handler.handler"
JSON: Final = "application/json"


#: The admin actions each flow's function may call, on its own pool only. Every other
#: Cognito call it makes (SignUp, InitiateAuth, RespondToAuthChallenge, GlobalSignOut,
#: RevokeToken, ChangePassword, ForgotPassword, the TOTP calls...) is a public API
#: authenticated by the client id, a session or the user's own access token.
ADMIN_ACTIONS_BY_FLOW: Final[dict[SignUpFlow, tuple[str, ...]]] = {
    SignUpFlow.ADMIN_CREATE: ("cognito-idp:AdminCreateUser",),
    SignUpFlow.SELF_SERVICE: (),
}


def auth_method_paths(
    sign_up_flow: SignUpFlow = SignUpFlow.ADMIN_CREATE, features: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Stage method paths of a flow's auth routes, as ``MethodSetting`` keys them."""
    return tuple(
        f"{route.resource}/{route.method}" for route in routes_for(sign_up_flow.value, features)
    )


def client_secret_of(client: cognito.UserPoolClient) -> str:
    """``Fn::GetAtt <client>.ClientSecret``, the client's secret as CloudFormation reads it.

    aws-cdk-lib's ``user_pool_client_secret`` would add a custom resource (a Lambda
    function) that reads it at deploy time.
    """
    resource = client.node.default_child
    assert isinstance(resource, cognito.CfnUserPoolClient)
    return resource.attr_client_secret


def build_auth_function(
    scope: Construct,
    *,
    user_pool: cognito.IUserPool,
    user_pool_client: cognito.UserPoolClient,
    sign_up_flow: SignUpFlow,
    token_header: str,
    totp_issuer: str,
    log_removal_policy: RemovalPolicy,
    cors: CorsPolicy | None = None,
    reserved_concurrency: int | None = None,
    step_up_seconds: int | None = None,
    features: frozenset[str] = frozenset(),
) -> lambda_.Function:
    """Create the auth function (ids ``AuthFunction``, its role and log group).

    With ``cors``, its environment names the allowed origins: every answer it gives
    carries the CORS headers for the request's Origin when that origin is allowed.
    """
    admin_actions = ADMIN_ACTIONS_BY_FLOW[sign_up_flow]
    log_group = logs.LogGroup(
        scope,
        "AuthFunctionLogs",
        retention=LOG_RETENTION,
        removal_policy=log_removal_policy,
    )
    # An own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    # function write to any log group in the account.
    role = iam.Role(
        scope,
        "AuthFunctionRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=(
            f"Auth function of cognito-api-construct: {', '.join(admin_actions)} on one pool."
            if admin_actions
            else "Auth function of cognito-api-construct: no Cognito admin action."
        ),
    )
    function = lambda_.Function(
        scope,
        "AuthFunction",
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(str(ASSET_DIR), exclude=list(ASSET_EXCLUDE)),
        handler=HANDLER,
        memory_size=AUTH_FUNCTION_MEMORY_MB,
        timeout=Duration.seconds(AUTH_FUNCTION_TIMEOUT_SECONDS),
        environment={
            "USER_POOL_ID": user_pool.user_pool_id,
            "USER_POOL_CLIENT_ID": user_pool_client.user_pool_client_id,
            # The client's secret, read by CloudFormation from the client itself
            # (Fn::GetAtt ClientSecret): it is in no template, output or log, only in
            # this function's configuration (encrypted at rest; readable with
            # lambda:GetFunctionConfiguration, as cognito-idp:DescribeUserPoolClient
            # reads it from the pool). An environment variable costs nothing at cold start.
            "USER_POOL_CLIENT_SECRET": client_secret_of(user_pool_client),
            "LOG_LEVEL": AUTH_FUNCTION_LOG_LEVEL,
            "SIGN_UP_FLOW": sign_up_flow.value,
            # Where /signout, /password/change and the signed-in /mfa routes read the
            # access token: the header the authorizer reads, so clients send one header.
            "TOKEN_HEADER": token_header,
            "TOTP_ISSUER": totp_issuer,
            **({"MFA_STEP_UP_SECONDS": str(step_up_seconds)} if step_up_seconds else {}),
            # Which optional routes exist (choice-based sign-in, passkeys).
            **({"AUTH_FEATURES": ",".join(sorted(features))} if features else {}),
            **(cors.function_environment() if cors is not None else {}),
        },
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE,
        role=role,
        reserved_concurrent_executions=reserved_concurrency,
        description="Sign-up and sign-in routes of cognito-api-construct.",
    )
    log_group.grant_write(role)
    if admin_actions:
        user_pool.grant(role, *admin_actions)
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            reason="The only wildcard is the X-Ray PutTraceSegments/PutTelemetryRecords "
            "statement that active tracing adds: X-Ray has no resource-level permissions.",
        )
    )
    return function


def add_auth_routes(
    scope: Construct,
    api: apigateway.RestApi,
    function: lambda_.IFunction,
    guard: RouteGuard,
    sign_up_flow: SignUpFlow = SignUpFlow.ADMIN_CREATE,
    features: frozenset[str] = frozenset(),
) -> dict[str, apigateway.Method]:
    """Add every auth route the contract declares for the flow, with its models.

    Construct ids: ``<Route>RequestModel`` (e.g. ``PasswordForgotRequestModel``), one
    ``<Title>ResponseModel`` per distinct success body (``TokensOrChallengeResponseModel``)
    and ``<Route>ErrorModel`` per route.

    Returns:
        The methods by route path without the leading slash (``"signup"``,
        ``"auth"``, ``"password/forgot"``...); a route of another method than POST by
        method and path (``"GET me"``, ``"DELETE passkeys/{credential_id}"``).
    """
    validator = apigateway.RequestValidator(
        scope,
        "RequestValidator",
        rest_api=api,
        validate_request_body=True,
        validate_request_parameters=True,
    )
    integration = apigateway.LambdaIntegration(function, allow_test_invoke=False)
    models = _Models(scope, api)
    methods: dict[str, apigateway.Method] = {}
    for route in routes_for(sign_up_flow.value, features):
        method = _resource(api, route.path).add_method(
            route.method,
            integration,
            # No authorizer even where an access token is read: Cognito checks it (and
            # honours revocation, which the gateway cannot), and /mfa/setup must also
            # work during sign-in with only a session.
            authorization_type=apigateway.AuthorizationType.NONE,
            request_validator=validator,
            # GET and DELETE routes take no body: their input is the path.
            request_models=(
                {JSON: models.get(f"{route.name}RequestModel", route.request)}
                if route.has_body
                else None
            ),
            request_parameters={
                f"method.request.path.{name}": True for name in route.path_parameters
            }
            or None,
            method_responses=_method_responses(route, models),
        )
        _acknowledge_public_auth_route(method, takes_access_token=route.takes_access_token)
        guard.allow_public(method)
        methods[route.key] = method
    return methods


class _Models:
    """The API's models, created once each: the same schema twice is one model."""

    def __init__(self, scope: Construct, api: apigateway.RestApi) -> None:
        self._scope = scope
        self._api = api
        self._created: dict[str, apigateway.IModel] = {}

    def get(self, construct_id: str, schema: Schema) -> apigateway.IModel:
        if construct_id not in self._created:
            # A CfnModel takes the contract's schema verbatim (``"type": ["object",
            # "string"]`` included), so gateway and Lambda validate the same document.
            model = apigateway.CfnModel(
                self._scope,
                construct_id,
                rest_api_id=self._api.rest_api_id,
                content_type=JSON,
                schema=schema,
            )
            self._created[construct_id] = apigateway.Model.from_model_name(
                self._scope, f"{construct_id}Ref", model.ref
            )
        return self._created[construct_id]


def _method_responses(route: Route, models: _Models) -> list[apigateway.MethodResponse]:
    """The success status with its body's model, each error status with the error model.

    ``Cache-Control`` is declared everywhere: required on success (the function always
    sends ``no-store``), optional on errors, which API Gateway itself may answer
    (throttling); ``Retry-After`` is optional on 429 for the same reason.
    """
    success = apigateway.MethodResponse(
        status_code=str(route.status),
        response_models=(
            None
            if route.response is None
            else {JSON: models.get(f"{route.response['title']}ResponseModel", route.response)}
        ),
        response_parameters={_CACHE_CONTROL: True},
    )
    error_model = models.get(f"{route.name}ErrorModel", route.error_schema)
    errors = [
        apigateway.MethodResponse(
            status_code=str(status),
            response_models={JSON: error_model},
            response_parameters=(
                {_CACHE_CONTROL: False, _RETRY_AFTER: False}
                if status == 429
                else {_CACHE_CONTROL: False}
            ),
        )
        for status in route.errors_by_status()
    ]
    return [success, *errors]


_CACHE_CONTROL: Final = "method.response.header.Cache-Control"
_RETRY_AFTER: Final = "method.response.header.Retry-After"


def _resource(api: apigateway.RestApi, route: str) -> apigateway.IResource:
    current: apigateway.IResource = api.root
    for part in route.split("/"):
        current = current.get_resource(part) or current.add_resource(part)
    return current


def _acknowledge_public_auth_route(method: apigateway.Method, *, takes_access_token: bool) -> None:
    if takes_access_token:
        reason = (
            "This route acts for a signed-in user, and Cognito itself validates the access "
            "token it reads from the token header (revocation and global sign-out "
            "included, which a gateway authorizer cannot see); /mfa also serves sign-in "
            "with a session. The body is validated against a model and the method is "
            "throttled."
        )
    else:
        reason = (
            "This is a sign-up/sign-in route: callers have no token yet, so it cannot "
            "require one. The body is validated against a model and the method is throttled."
        )
    Validations.of(method).acknowledge(
        Acknowledgment(id="AwsSolutions::AwsSolutions-APIG4", reason=reason),
        Acknowledgment(id="AwsSolutions::AwsSolutions-COG4", reason=reason),
    )
    # The same decision for checkov, on this method only, so its "open access" check
    # (CKV_AWS_59) still flags any other unauthenticated method of the user's.
    cfn_method = method.node.default_child
    if isinstance(cfn_method, apigateway.CfnMethod):
        cfn_method.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_59", "comment": reason}]})
