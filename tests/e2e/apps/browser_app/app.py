"""A CognitoApi app with CORS for several origins, for the real-browser tests.

``cors`` allows the origins of the ``allowed_origins`` context value (comma-separated;
the test passes the loopback origins of its page servers), which makes the construct
guard the stage with its origin-check web ACL. One protected route, ``whoami`` (GET),
answers with the caller's username and adds the CORS headers the README's snippet
computes, as any route function of a user must.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cognito_api_construct import CognitoApi

app = cdk.App()
stack = cdk.Stack(app, "BrowserApp")
origins = str(app.node.try_get_context("allowed_origins")).split(",")
auth = CognitoApi(stack, "Auth", cors=apigateway.CorsOptions(allow_origins=origins))
# Its own role and log group instead of AWSLambdaBasicExecutionRole, which may write to
# every log group in the account (cdk-nag AwsSolutions-IAM4).
log_group = logs.LogGroup(
    stack,
    "WhoamiFunctionLogs",
    retention=logs.RetentionDays.ONE_WEEK,
    removal_policy=cdk.RemovalPolicy.DESTROY,
)
role = iam.Role(
    stack, "WhoamiFunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
log_group.grant_write(role)
whoami = lambda_.Function(
    stack,
    "WhoamiFunction",
    runtime=lambda_.Runtime.PYTHON_3_14,
    architecture=lambda_.Architecture.ARM_64,
    handler="whoami.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "whoami")),
    timeout=cdk.Duration.seconds(5),
    role=role,
    log_group=log_group,
)
auth.add_protected_route("whoami", whoami, methods=["GET"])
if str(app.node.try_get_context("nag")).lower() in ("true", "1", "yes"):
    # `-c nag=true`: cdk-nag's AWS Solutions checks (tests/gates runs every app so).
    # Imported only then: cdk-nag is a development dependency.
    from cdk_nag import AwsSolutionsChecks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
app.synth()
