"""The gpt example written with aws-cdk-lib alone: the baseline of benchmarks/synth.py.

Same resources as examples/gpt_app: user pool + app client, REST API with access
logs, a Cognito authorizer on the ``Auth`` header, the auth Lambda (the same asset)
behind the same eleven POST routes (sign-up, sign-in, challenge, refresh, sign-out,
passwords, MFA) with request models, and the gpt Lambda behind a protected
``POST /gpt`` with its secret. Run it like the example: ``CDK_OUTDIR=... python
handwritten_app.py``.
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

from cognito_api_construct.runtime.contract import request_schemas

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "src" / "cognito_api_construct"
EXAMPLE_DIR = ROOT / "examples" / "gpt_app"

#: The same request schemas the construct uses (plain dictionaries: importing them does
#: not load the construct). A hand-written app would paste them; the synth cost is alike.
SCHEMAS = request_schemas("ADMIN_CREATE")


class HandwrittenStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
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
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        client = pool.add_client(
            "Client",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True),
            prevent_user_existence_errors=True,
            disable_o_auth=True,
            enable_token_revocation=True,
            access_token_validity=cdk.Duration.minutes(60),
            id_token_validity=cdk.Duration.minutes(60),
            refresh_token_validity=cdk.Duration.days(30),
        )

        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_YEAR)
        api = apigateway.RestApi(
            self,
            "Api",
            cloud_watch_role=False,
            deploy_options=apigateway.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                method_options={
                    f"/{path}/POST": apigateway.MethodDeploymentOptions(
                        throttling_rate_limit=20, throttling_burst_limit=40
                    )
                    for path in SCHEMAS
                },
            ),
        )
        api.add_gateway_response(
            "BadRequestBody",
            type=apigateway.ResponseType.BAD_REQUEST_BODY,
            templates={
                "application/json": json.dumps(
                    {
                        "error": "InvalidRequestBody",
                        "message": "$context.error.validationErrorString",
                    }
                )
            },
        )
        validator = api.add_request_validator(
            "BodyValidator", validate_request_body=True, validate_request_parameters=True
        )

        auth_role = iam.Role(
            self, "AuthFunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        auth_role.add_to_policy(
            iam.PolicyStatement(
                actions=["cognito-idp:AdminCreateUser"],
                resources=[pool.user_pool_arn],
            )
        )
        auth_logs = logs.LogGroup(self, "AuthFunctionLogs", retention=logs.RetentionDays.ONE_MONTH)
        auth_logs.grant_write(auth_role)
        auth_function = lambda_.Function(
            self,
            "AuthFunction",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="runtime.handler.handler",
            code=lambda_.Code.from_asset(
                str(PACKAGE_DIR),
                exclude=["*", "!runtime", "!runtime/**", "__pycache__", "*.pyc"],
            ),
            role=auth_role,
            log_group=auth_logs,
            timeout=cdk.Duration.seconds(20),
            environment={
                "USER_POOL_ID": pool.user_pool_id,
                "USER_POOL_CLIENT_ID": client.user_pool_client_id,
                "LOG_LEVEL": "INFO",
            },
        )
        integration = apigateway.LambdaIntegration(auth_function, allow_test_invoke=False)
        for path, schema in SCHEMAS.items():
            name = "".join(part.capitalize() for part in path.split("/"))
            model = apigateway.CfnModel(
                self,
                f"{name}Model",
                rest_api_id=api.rest_api_id,
                content_type="application/json",
                schema=schema,
            )
            resource: apigateway.IResource = api.root
            for part in path.split("/"):
                resource = resource.get_resource(part) or resource.add_resource(part)
            resource.add_method(
                "POST",
                integration,
                request_validator=validator,
                request_models={
                    "application/json": apigateway.Model.from_model_name(
                        self, f"{name}ModelRef", model.ref
                    )
                },
            )

        authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self,
            "Authorizer",
            cognito_user_pools=[pool],
            identity_source="method.request.header.Auth",
        )
        secret = secretsmanager.Secret(
            self,
            "OpenAiApiKey",
            secret_string_value=cdk.SecretValue.unsafe_plain_text(json.dumps({"api_key": ""})),
        )
        gpt_role = iam.Role(
            self, "GptFunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        gpt_logs = logs.LogGroup(self, "GptFunctionLogs", retention=logs.RetentionDays.ONE_MONTH)
        gpt_logs.grant_write(gpt_role)
        secret.grant_read(gpt_role)
        gpt_function = lambda_.Function(
            self,
            "GptFunction",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="gpt.handler.handler",
            code=lambda_.Code.from_asset(
                str(EXAMPLE_DIR), exclude=["*", ".*", "!gpt", "!gpt/**", "__pycache__", "*.pyc"]
            ),
            memory_size=256,
            timeout=cdk.Duration.seconds(25),
            role=gpt_role,
            log_group=gpt_logs,
            environment={
                "OPENAI_BASE_URL": "https://api.openai.com",
                "OPENAI_MODEL": "gpt-4o-mini",
                "OPENAI_TIMEOUT_SECONDS": "20",
                "OPENAI_API_KEY_SECRET": secret.secret_arn,
                "LOG_LEVEL": "INFO",
            },
        )
        api.root.add_resource("gpt").add_method(
            "POST",
            apigateway.LambdaIntegration(gpt_function, allow_test_invoke=False),
            authorizer=authorizer,
            authorization_type=apigateway.AuthorizationType.COGNITO,
        )

        cdk.CfnOutput(self, "ApiUrl", value=api.url)
        cdk.CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
        cdk.CfnOutput(self, "OpenAiApiKeySecret", value=secret.secret_arn)


if __name__ == "__main__":
    app = cdk.App()
    HandwrittenStack(app, "HandwrittenGptAppStack")
    app.synth()
