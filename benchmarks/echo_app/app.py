"""The smallest CognitoApi app for benchmarks/emulator.py: one protected ``POST /echo``.

The echo function answers a small JSON without calling anything, so the benchmark
measures the emulator (gateway, authorizer, worker), not an upstream service.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cognito_api_construct import CognitoApi

app = cdk.App()
stack = cdk.Stack(app, "EchoApp")
auth = CognitoApi(stack, "Auth")
# Its own role and log group instead of AWSLambdaBasicExecutionRole, which may write to
# every log group in the account (cdk-nag AwsSolutions-IAM4).
log_group = logs.LogGroup(
    stack,
    "EchoFunctionLogs",
    retention=logs.RetentionDays.ONE_WEEK,
    removal_policy=cdk.RemovalPolicy.DESTROY,
)
role = iam.Role(stack, "EchoFunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
log_group.grant_write(role)
echo_fn = lambda_.Function(
    stack,
    "EchoFunction",
    runtime=lambda_.Runtime.PYTHON_3_14,
    architecture=lambda_.Architecture.ARM_64,
    handler="handler.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "echo")),
    timeout=cdk.Duration.seconds(5),
    role=role,
    log_group=log_group,
)
auth.add_protected_route("echo", echo_fn)
if str(app.node.try_get_context("nag")).lower() in ("true", "1", "yes"):
    # `-c nag=true`: cdk-nag's AWS Solutions checks (tests/gates runs every app so).
    # Imported only then: cdk-nag is a development dependency.
    from cdk_nag import AwsSolutionsChecks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
app.synth()
