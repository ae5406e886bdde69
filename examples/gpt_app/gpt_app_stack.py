"""GptAppStack: the Cognito-protected ``POST /gpt`` route of the original app.

Owns the example's own resources (the API key secret, the gpt Lambda with its role
and log group) and wires them onto a ``CognitoApi``. Everything about sign-up,
sign-in and the authorizer belongs to the construct; this file only adds a route.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import (
    Acknowledgment,
    CfnOutput,
    Duration,
    RemovalPolicy,
    SecretValue,
    Stack,
    Validations,
)
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cognito_api_construct import CognitoApi

EXAMPLE_DIR = Path(__file__).resolve().parent
#: The Lambda asset is the `gpt` package alone (like the construct's runtime asset).
GPT_ASSET_EXCLUDE = ["*", ".*", "!gpt", "!gpt/**", "__pycache__", "*.pyc"]
GATE_ASSET_EXCLUDE = ["*", ".*", "!signup_gate", "!signup_gate/**", "__pycache__", "*.pyc"]
#: Each signed-in user's calls spend the operator's model-service key: /gpt gets its
#: own limit, well below the stage's default of 100 requests/s.
GPT_THROTTLE = apigateway.ThrottleSettings(rate_limit=5, burst_limit=10)
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
#: The handler gives up on the model service after this long and answers 504.
UPSTREAM_TIMEOUT_SECONDS = 20
#: Above the upstream timeout (so the handler answers 504 itself, with a body) and
#: below API Gateway's 29 s integration timeout (so the caller never gets a bare 504).
FUNCTION_TIMEOUT_SECONDS = 25


class GptAppStack(Stack):
    """A ``CognitoApi`` (token header ``Auth``) with a protected ``POST /gpt`` route.

    Example:
        app = App()
        GptAppStack(app, "GptAppStack")
        app.synth()
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        openai_base_url: str = DEFAULT_OPENAI_BASE_URL,
        openai_model: str = DEFAULT_OPENAI_MODEL,
        openai_secret_name: str | None = None,
        allowed_email_domains: Sequence[str] = (),
        passwordless: bool = False,
    ) -> None:
        """Build the stack.

        Args:
            scope: The app.
            construct_id: The stack id (``GptAppStack`` in ``app.py``).
            openai_base_url: The OpenAI-compatible API the route calls. Defaults to
                the public OpenAI API.
            openai_model: The model asked. Defaults to ``gpt-4o-mini``.
            openai_secret_name: An existing Secrets Manager secret holding the API
                key (raw or ``{"api_key": "..."}``). Defaults to a new secret with an
                empty ``api_key`` that you fill after deploying.
            allowed_email_domains: When given, a pre sign-up trigger refuses every
                email address outside these domains. Defaults to none: anyone may
                sign up, and so spend the model-service key through ``/gpt``.
            passwordless: Also let users sign in with a code emailed to them
                (``POST /auth/start``): the ``ESSENTIALS`` feature plan, billed per
                monthly active user. Codes go to a verified email only, which the
                ``ADMIN_CREATE`` sign-up leaves to an administrator. Defaults to off
                (the password only, the ``LITE`` plan).
        """
        super().__init__(scope, construct_id)

        gate = self._sign_up_gate(allowed_email_domains) if allowed_email_domains else None
        # "Auth" is the header the original clients send the ID token in.
        auth = CognitoApi(
            self,
            "Auth",
            token_header="Auth",  # noqa: S106 - a header name
            lambda_triggers=cognito.UserPoolTriggers(pre_sign_up=gate) if gate else None,
            **(self._email_codes() if passwordless else {}),
        )

        if openai_secret_name:
            api_key_secret = secretsmanager.Secret.from_secret_name_v2(
                self, "OpenAiApiKey", openai_secret_name
            )
            secret_reference = openai_secret_name
        else:
            # The key never passes through CloudFormation: the secret starts with an
            # empty api_key (the handler answers 503 UpstreamNotConfigured until it is
            # set) and you put the real key with `aws secretsmanager put-secret-value`.
            # Later deploys leave that value alone because this template value is fixed.
            created = secretsmanager.Secret(
                self,
                "OpenAiApiKey",
                description="API key of the OpenAI-compatible service behind POST /gpt.",
                secret_string_value=SecretValue.unsafe_plain_text(json.dumps({"api_key": ""})),
            )
            Validations.of(created).acknowledge(
                Acknowledgment(
                    id="AwsSolutions::AwsSolutions-SMG4",
                    reason=(
                        "The secret holds an API key issued by an external service; "
                        "Secrets Manager cannot rotate it. Rotate it at the provider and "
                        "put the new value into the secret."
                    ),
                )
            )
            api_key_secret = created
            secret_reference = created.secret_arn

        log_group, role = self._logs_and_role(
            "GptFunction", "Runs the /gpt function: writes its own logs, reads the API key."
        )
        api_key_secret.grant_read(role)

        gpt_function = lambda_.Function(
            self,
            "GptFunction",
            description="POST /gpt: forwards one message to an OpenAI-compatible API.",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="gpt.handler.handler",
            code=lambda_.Code.from_asset(str(EXAMPLE_DIR), exclude=GPT_ASSET_EXCLUDE),
            memory_size=256,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            role=role,
            log_group=log_group,
            environment={
                "OPENAI_BASE_URL": openai_base_url,
                "OPENAI_MODEL": openai_model,
                "OPENAI_TIMEOUT_SECONDS": str(UPSTREAM_TIMEOUT_SECONDS),
                "OPENAI_API_KEY_SECRET": secret_reference,
                "LOG_LEVEL": "INFO",
            },
        )

        auth.add_protected_route("gpt", gpt_function, throttle=GPT_THROTTLE)

        CfnOutput(self, "ApiUrl", value=auth.url, description="Base URL of the API.")
        CfnOutput(self, "UserPoolId", value=auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=auth.user_pool_client.user_pool_client_id)
        CfnOutput(
            self,
            "OpenAiApiKeySecret",
            value=secret_reference,
            description="Put the API key here: aws secretsmanager put-secret-value "
            '--secret-id <this> --secret-string \'{"api_key": "sk-..."}\'',
        )

    @staticmethod
    def _email_codes() -> dict[str, Any]:
        """``CognitoApi`` props for sign-in with an emailed code next to the password."""
        return {
            "feature_plan": cognito.FeaturePlan.ESSENTIALS,
            "sign_in_policy": cognito.SignInPolicy(
                allowed_first_auth_factors=cognito.AllowedFirstAuthFactors(
                    password=True, email_otp=True
                )
            ),
        }

    def _sign_up_gate(self, domains: Sequence[str]) -> lambda_.Function:
        """The pre sign-up trigger allowing only ``domains`` (id ``SignUpGate``)."""
        log_group, role = self._logs_and_role(
            "SignUpGate", "Runs the sign-up gate: writes its own logs, nothing else."
        )
        return lambda_.Function(
            self,
            "SignUpGate",
            description="Pre sign-up trigger: only the allowed email domains may sign up.",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="signup_gate.gate.handler",
            code=lambda_.Code.from_asset(str(EXAMPLE_DIR), exclude=GATE_ASSET_EXCLUDE),
            memory_size=128,
            timeout=Duration.seconds(5),
            role=role,
            log_group=log_group,
            environment={"ALLOWED_EMAIL_DOMAINS": ",".join(domains)},
        )

    def _logs_and_role(self, function_id: str, description: str) -> tuple[logs.LogGroup, iam.Role]:
        """A function's own log group (``<id>Logs``) and role (``<id>Role``) writing to it.

        An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy lets
        the function write to every log group in the account.
        """
        log_group = logs.LogGroup(
            self,
            f"{function_id}Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{function_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=description,
        )
        log_group.grant_write(role)
        return log_group, role
