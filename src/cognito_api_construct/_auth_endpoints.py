"""Builds the auth Lambda and its public routes: /signup, /auth, /login, /challenge.

Owns the function (asset, role, log group), the request models taken from
``runtime/contract.py``, the request validator and the method paths the stage
throttles. It never imports the runtime's handler: only the contract's data.
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

from ._route_guard import RouteGuard
from .options import (
    AUTH_FUNCTION_LOG_LEVEL,
    AUTH_FUNCTION_MEMORY_MB,
    AUTH_FUNCTION_TIMEOUT_SECONDS,
    LOG_RETENTION,
    SignUpFlow,
)
from .runtime.contract import ADMIN_CREATE_ROUTES, REQUEST_SCHEMAS

#: The asset root is this package's directory; only ``runtime/`` ships, so the
#: handler is ``runtime.handler.handler`` and the runtime imports itself relatively.
ASSET_DIR: Final = Path(__file__).resolve().parent
# "*" does not match dotfiles: ".*" keeps tool caches (.mypy_cache...) out too.
ASSET_EXCLUDE: Final = ("*", "!runtime", "!runtime/**", ".*", "__pycache__", "*.pyc", "*.pyo")
HANDLER: Final = "runtime.handler.handler"
AUTH_METHOD: Final = "POST"


def auth_method_paths() -> tuple[str, ...]:
    """Stage method paths of the auth routes, as ``MethodSetting`` keys them."""
    return tuple(f"/{route}/{AUTH_METHOD}" for route in ADMIN_CREATE_ROUTES)


def build_auth_function(
    scope: Construct,
    *,
    user_pool: cognito.IUserPool,
    user_pool_client: cognito.IUserPoolClient,
    sign_up_flow: SignUpFlow,
    log_removal_policy: RemovalPolicy,
) -> lambda_.Function:
    """Create the auth function (ids ``AuthFunction``, its role and log group)."""
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
        description="Auth function of cognito-api-construct: AdminCreateUser on one pool.",
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
            "LOG_LEVEL": AUTH_FUNCTION_LOG_LEVEL,
            "SIGN_UP_FLOW": sign_up_flow.value,
        },
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE,
        role=role,
        description="Sign-up and sign-in routes of cognito-api-construct.",
    )
    log_group.grant_write(role)
    # InitiateAuth and RespondToAuthChallenge are unauthenticated Cognito APIs: the
    # only call that needs IAM is AdminCreateUser, on this pool only.
    user_pool.grant(role, "cognito-idp:AdminCreateUser")
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
) -> dict[str, apigateway.Method]:
    """Add ``POST /<route>`` for every auth route, with a model and body validation.

    Returns:
        The methods by route name (``"signup"``, ``"auth"``, ...).
    """
    validator = apigateway.RequestValidator(
        scope,
        "RequestValidator",
        rest_api=api,
        validate_request_body=True,
        validate_request_parameters=True,
    )
    integration = apigateway.LambdaIntegration(function, allow_test_invoke=False)
    methods: dict[str, apigateway.Method] = {}
    for route in ADMIN_CREATE_ROUTES:
        model_id = f"{route.capitalize()}RequestModel"
        # A CfnModel takes the contract's schema verbatim (``"type": ["object",
        # "string"]`` included), so gateway and Lambda validate the same document.
        model = apigateway.CfnModel(
            scope,
            model_id,
            rest_api_id=api.rest_api_id,
            content_type="application/json",
            schema=REQUEST_SCHEMAS[route],
        )
        method = api.root.add_resource(route).add_method(
            AUTH_METHOD,
            integration,
            authorization_type=apigateway.AuthorizationType.NONE,
            request_validator=validator,
            request_models={
                "application/json": apigateway.Model.from_model_name(
                    scope, f"{model_id}Ref", model.ref
                )
            },
        )
        _acknowledge_public_auth_route(method)
        guard.allow_public(method)
        methods[route] = method
    return methods


def _acknowledge_public_auth_route(method: apigateway.Method) -> None:
    reason = (
        "This is a sign-up/sign-in route: callers have no token yet, so it cannot "
        "require one. The body is validated against a model and the method is throttled."
    )
    Validations.of(method).acknowledge(
        Acknowledgment(id="AwsSolutions::AwsSolutions-APIG4", reason=reason),
        Acknowledgment(id="AwsSolutions::AwsSolutions-COG4", reason=reason),
    )
