"""The gpt example written with aws-cdk-lib alone: the baseline of benchmarks/synth.py.

It builds the template examples/gpt_app builds with ``CognitoApi``, resource for
resource and property for property (logical ids aside): the user pool with keep-original
email and its app client (secret, write attributes), the REST API (regional, access
logs, tracing, a stage-wide throttle and one per auth method and for ``/gpt``), the
``BAD_REQUEST_BODY`` gateway response, the request validator, the auth Lambda (the same
asset, the client secret through ``Fn::GetAtt ClientSecret``) with its role and log
group, and every auth route of the ``ADMIN_CREATE`` flow with its request model, its
declared responses (a success model, an error model per route, Cache-Control and
Retry-After) and the cdk-nag acknowledgments and checkov metadata the construct adds;
then the example's own part: the secret, the gpt Lambda with its role and log group, and
``POST /gpt`` behind a Cognito authorizer on the ``Auth`` header.

The routes and their schemas come from the construct's runtime contract
(``cognito_api_construct.runtime.contract``): plain data, standard library only, which
does not load the construct. A hand-written app would paste the same data; the synth
cost is alike. ``tests/gates/test_synth_benchmark_parity.py`` keeps the two templates
alike. Run it like the example: ``CDK_OUTDIR=... python handwritten_app.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import IConstruct

from cognito_api_construct.runtime.contract import ADMIN_CREATE, Route, routes_for

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "src" / "cognito_api_construct"
EXAMPLE_DIR = ROOT / "examples" / "gpt_app"
#: The same asset as the construct's auth function: the runtime package alone.
AUTH_ASSET_EXCLUDE = ["*", "!runtime", "!runtime/**", ".*", "__pycache__", "*.pyc", "*.pyo"]
GPT_ASSET_EXCLUDE = ["*", ".*", "!gpt", "!gpt/**", "__pycache__", "*.pyc"]
JSON = "application/json"
CACHE_CONTROL = "method.response.header.Cache-Control"
RETRY_AFTER = "method.response.header.Retry-After"
TOKEN_HEADER = "Auth"  # noqa: S105 - a header name

#: The auth routes of the example's sign-up flow (``ADMIN_CREATE``, no optional feature).
ROUTES = routes_for(ADMIN_CREATE)
#: Stage throttles: every method, each auth method, and /gpt (rate, burst).
STAGE_THROTTLE = (100, 200)
AUTH_THROTTLE = (20, 40)
GPT_THROTTLE = (5, 10)

PUBLIC_ROUTE_REASON = (
    "This is a sign-up/sign-in route: callers have no token yet, so it cannot require "
    "one. The body is validated against a model and the method is throttled."
)
SIGNED_IN_ROUTE_REASON = (
    "This route acts for a signed-in user, and Cognito itself validates the access token "
    "it reads from the token header (revocation and global sign-out included, which a "
    "gateway authorizer cannot see); /mfa also serves sign-in with a session. The body "
    "is validated against a model and the method is throttled."
)


def acknowledge(scope: IConstruct, reason: str, *rules: str) -> None:
    """The cdk-nag acknowledgments the example's resources carry, with their reason."""
    cdk.Validations.of(scope).acknowledge(
        *(cdk.Acknowledgment(id=f"AwsSolutions::{rule}", reason=reason) for rule in rules)
    )


def method_options(rate_burst: tuple[int, int]) -> apigateway.MethodDeploymentOptions:
    """One method's stage settings: a method override restates logging and metrics."""
    rate, burst = rate_burst
    return apigateway.MethodDeploymentOptions(
        throttling_rate_limit=rate,
        throttling_burst_limit=burst,
        logging_level=apigateway.MethodLoggingLevel.ERROR,
        data_trace_enabled=False,
        metrics_enabled=True,
    )


class HandwrittenStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        pool, client = self._user_pool()
        api = self._rest_api()
        auth_function = self._auth_function(pool, client)
        self._auth_routes(api, auth_function)
        secret, gpt_function = self._gpt_function()
        authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self,
            "Authorizer",
            cognito_user_pools=[pool],
            identity_source=apigateway.IdentitySource.header(TOKEN_HEADER),
        )
        api.root.add_resource("gpt").add_method(
            "POST",
            apigateway.LambdaIntegration(gpt_function, allow_test_invoke=False),
            authorizer=authorizer,
            authorization_type=apigateway.AuthorizationType.COGNITO,
        )

        cdk.CfnOutput(self, "ApiUrl", value=api.url, description="Base URL of the API.")
        cdk.CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
        cdk.CfnOutput(
            self,
            "OpenAiApiKeySecret",
            value=secret.secret_arn,
            description="Put the API key here: aws secretsmanager put-secret-value "
            '--secret-id <this> --secret-string \'{"api_key": "sk-..."}\'',
        )

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True, phone=False),
            keep_original=cognito.KeepOriginalAttrs(email=True, phone=False),
            sign_in_aliases=cognito.SignInAliases(username=True),
            sign_in_case_sensitive=False,
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=False, mutable=True)
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(7),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.LITE,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            deletion_protection=True,
        )
        acknowledge(
            pool,
            "Threat protection (the PLUS plan) is billed per user; LITE covers password "
            "sign-in with TOTP MFA, and the auth routes are throttled.",
            "AwsSolutions-COG8",
        )
        client = pool.add_client(
            "UserPoolClient",
            generate_secret=True,
            # Every standard attribute but the verified flags.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                address=True,
                birthdate=True,
                email=True,
                family_name=True,
                fullname=True,
                gender=True,
                given_name=True,
                last_update_time=True,
                locale=True,
                middle_name=True,
                nickname=True,
                phone_number=True,
                preferred_username=True,
                profile_page=True,
                profile_picture=True,
                timezone=True,
                website=True,
                email_verified=False,
                phone_number_verified=False,
            ),
            auth_flows=cognito.AuthFlow(user_password=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=cdk.Duration.minutes(60),
            id_token_validity=cdk.Duration.minutes(60),
            refresh_token_validity=cdk.Duration.days(30),
        )
        return pool, client

    def _rest_api(self) -> apigateway.RestApi:
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        stage_rate, stage_burst = STAGE_THROTTLE
        api = apigateway.RestApi(
            self,
            "Api",
            description="Sign-up and sign-in API backed by Cognito (cognito-api-construct).",
            cloud_watch_role=False,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(
                stage_name="prod",
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                tracing_enabled=True,
                metrics_enabled=True,
                throttling_rate_limit=stage_rate,
                throttling_burst_limit=stage_burst,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                method_options={
                    **{
                        f"{route.resource}/{route.method}": method_options(AUTH_THROTTLE)
                        for route in ROUTES
                    },
                    "/gpt/POST": method_options(GPT_THROTTLE),
                },
            ),
        )
        api.add_gateway_response(
            "BadRequestBodyResponse",
            type=apigateway.ResponseType.BAD_REQUEST_BODY,
            status_code="400",
            templates={
                JSON: json.dumps(
                    {
                        "error": "InvalidRequestBody",
                        "message": "The request body does not match this route's JSON "
                        "schema: send a JSON object with exactly the documented fields.",
                    },
                    separators=(",", ":"),
                )
            },
            response_headers={"Cache-Control": "'no-store'"},
        )
        return api

    def _auth_function(
        self, pool: cognito.UserPool, client: cognito.UserPoolClient
    ) -> lambda_.Function:
        log_group = logs.LogGroup(
            self,
            "AuthFunctionLogs",
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        role = iam.Role(
            self,
            "AuthFunctionRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Auth function of cognito-api-construct: "
            "cognito-idp:AdminCreateUser on one pool.",
        )
        cfn_client = client.node.default_child
        assert isinstance(cfn_client, cognito.CfnUserPoolClient)
        function = lambda_.Function(
            self,
            "AuthFunction",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            code=lambda_.Code.from_asset(str(PACKAGE_DIR), exclude=AUTH_ASSET_EXCLUDE),
            handler="runtime.handler.handler",
            memory_size=256,
            timeout=cdk.Duration.seconds(20),
            environment={
                "USER_POOL_ID": pool.user_pool_id,
                "USER_POOL_CLIENT_ID": client.user_pool_client_id,
                # Fn::GetAtt ClientSecret: user_pool_client_secret would add a custom resource.
                "USER_POOL_CLIENT_SECRET": cfn_client.attr_client_secret,
                "LOG_LEVEL": "INFO",
                "SIGN_UP_FLOW": ADMIN_CREATE,
                "TOKEN_HEADER": TOKEN_HEADER,
                "TOTP_ISSUER": self.stack_name,
                "MFA_STEP_UP_SECONDS": "300",
            },
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            role=role,
            description="Sign-up and sign-in routes of cognito-api-construct.",
        )
        log_group.grant_write(role)
        pool.grant(role, "cognito-idp:AdminCreateUser")
        acknowledge(
            role,
            "The only wildcard is the X-Ray statement that active tracing adds: X-Ray has "
            "no resource-level permissions.",
            "AwsSolutions-IAM5[Resource::*]",
        )
        return function

    def _auth_routes(self, api: apigateway.RestApi, function: lambda_.Function) -> None:
        validator = apigateway.RequestValidator(
            self,
            "RequestValidator",
            rest_api=api,
            validate_request_body=True,
            validate_request_parameters=True,
        )
        integration = apigateway.LambdaIntegration(function, allow_test_invoke=False)
        models: dict[str, apigateway.IModel] = {}

        def model(name: str, schema: dict[str, object]) -> apigateway.IModel:
            if name not in models:
                cfn_model = apigateway.CfnModel(
                    self, name, rest_api_id=api.rest_api_id, content_type=JSON, schema=schema
                )
                models[name] = apigateway.Model.from_model_name(self, f"{name}Ref", cfn_model.ref)
            return models[name]

        for route in ROUTES:
            resource: apigateway.IResource = api.root
            for part in route.path.split("/"):
                resource = resource.get_resource(part) or resource.add_resource(part)
            error_model = model(f"{route.name}ErrorModel", route.error_schema)
            responses = [
                apigateway.MethodResponse(
                    status_code=str(route.status),
                    response_models=None
                    if route.response is None
                    else {JSON: model(f"{route.response['title']}ResponseModel", route.response)},
                    response_parameters={CACHE_CONTROL: True},
                ),
                *(
                    apigateway.MethodResponse(
                        status_code=str(status),
                        response_models={JSON: error_model},
                        response_parameters={CACHE_CONTROL: False, RETRY_AFTER: False}
                        if status == 429
                        else {CACHE_CONTROL: False},
                    )
                    for status in route.errors_by_status()
                ),
            ]
            method = resource.add_method(
                route.method,
                integration,
                authorization_type=apigateway.AuthorizationType.NONE,
                request_validator=validator,
                request_models={JSON: model(f"{route.name}RequestModel", route.request)}
                if route.has_body
                else None,
                request_parameters={
                    f"method.request.path.{name}": True for name in route.path_parameters
                }
                or None,
                method_responses=responses,
            )
            self._acknowledge_public(method, route)

    @staticmethod
    def _acknowledge_public(method: apigateway.Method, route: Route) -> None:
        reason = SIGNED_IN_ROUTE_REASON if route.takes_access_token else PUBLIC_ROUTE_REASON
        acknowledge(method, reason, "AwsSolutions-APIG4", "AwsSolutions-COG4")
        cfn_method = method.node.default_child
        assert isinstance(cfn_method, apigateway.CfnMethod)
        cfn_method.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_59", "comment": reason}]})

    def _gpt_function(self) -> tuple[secretsmanager.Secret, lambda_.Function]:
        secret = secretsmanager.Secret(
            self,
            "OpenAiApiKey",
            description="API key of the OpenAI-compatible service behind POST /gpt.",
            secret_string_value=cdk.SecretValue.unsafe_plain_text(json.dumps({"api_key": ""})),
        )
        acknowledge(
            secret,
            "The secret holds an API key issued by an external service; Secrets Manager "
            "cannot rotate it.",
            "AwsSolutions-SMG4",
        )
        log_group = logs.LogGroup(
            self,
            "GptFunctionLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "GptFunctionRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Runs the /gpt function: writes its own logs, reads the API key.",
        )
        log_group.grant_write(role)
        secret.grant_read(role)
        function = lambda_.Function(
            self,
            "GptFunction",
            description="POST /gpt: forwards one message to an OpenAI-compatible API.",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="gpt.handler.handler",
            code=lambda_.Code.from_asset(str(EXAMPLE_DIR), exclude=GPT_ASSET_EXCLUDE),
            memory_size=256,
            timeout=cdk.Duration.seconds(25),
            role=role,
            log_group=log_group,
            environment={
                "OPENAI_BASE_URL": "https://api.openai.com",
                "OPENAI_MODEL": "gpt-4o-mini",
                "OPENAI_TIMEOUT_SECONDS": "20",
                "OPENAI_API_KEY_SECRET": secret.secret_arn,
                "LOG_LEVEL": "INFO",
            },
        )
        return secret, function


if __name__ == "__main__":
    app = cdk.App()
    HandwrittenStack(app, "HandwrittenGptAppStack")
    app.synth()
