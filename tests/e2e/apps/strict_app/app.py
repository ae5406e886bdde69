"""A CognitoApi app with non-default props, for the emulator's end-to-end tests.

Custom token header ``X-Api-Token``, MFA required with TOTP, a 16-character password
policy, a custom stage name, and a nested protected route ``v1/reports`` (GET, POST).
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cognito_api_construct import CognitoApi

app = cdk.App()
stack = cdk.Stack(app, "StrictApp")
auth = CognitoApi(
    stack,
    "Auth",
    password_policy=cognito.PasswordPolicy(
        min_length=16,
        require_digits=True,
        require_lowercase=True,
        require_uppercase=True,
        require_symbols=True,
    ),
    mfa=cognito.Mfa.REQUIRED,
    mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
    token_header="X-Api-Token",
    stage_name="v2",
    # The construct's web ACL (managed rules, the auth routes' rate limit) on the stage
    # and the pool: the gates check it synthesizes clean; the emulator evaluates none of
    # its rules (managed and rate-based), so requests pass as without it.
    waf=True,
    auth_reserved_concurrency=5,
    stage_throttle=apigateway.ThrottleSettings(rate_limit=50, burst_limit=100),
)
# Its own role and log group instead of AWSLambdaBasicExecutionRole, which may write to
# every log group in the account (cdk-nag AwsSolutions-IAM4).
log_group = logs.LogGroup(
    stack,
    "ReportsFunctionLogs",
    retention=logs.RetentionDays.ONE_WEEK,
    removal_policy=cdk.RemovalPolicy.DESTROY,
)
role = iam.Role(
    stack, "ReportsFunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
log_group.grant_write(role)
reports = lambda_.Function(
    stack,
    "ReportsFunction",
    runtime=lambda_.Runtime.PYTHON_3_14,
    architecture=lambda_.Architecture.ARM_64,
    handler="reports.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "reports")),
    timeout=cdk.Duration.seconds(5),
    role=role,
    log_group=log_group,
)
auth.add_protected_route("v1/reports", reports, methods=["GET", "POST"])
if str(app.node.try_get_context("nag")).lower() in ("true", "1", "yes"):
    # `-c nag=true`: cdk-nag's AWS Solutions checks (tests/gates runs every app so).
    # Imported only then: cdk-nag is a development dependency.
    from cdk_nag import AwsSolutionsChecks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
app.synth()
