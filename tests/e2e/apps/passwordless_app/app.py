"""A CognitoApi app with passwordless sign-in, for the emulator's end-to-end tests.

``sign_in_policy`` allows the password, email codes and passkeys as first factors (on the
``ESSENTIALS`` feature plan, which they need), with ``localhost`` as the passkeys'
relying party so a page on ``http://localhost:<port>`` can create and use them against the
emulator. Sign-up is ``SignUpFlow.SELF_SERVICE``: ``/signup/confirm`` verifies the email,
which email codes need. ``cors`` allows the origins of the ``allowed_origins`` context
value (comma-separated; the browser test passes its page's ``http://localhost:<port>``).
The token header keeps its default (``Authorization``); one protected route, ``whoami``
(GET), answers with the caller's username.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cognito_api_construct import CognitoApi, SignUpFlow

app = cdk.App()
stack = cdk.Stack(app, "PasswordlessApp")
origins = str(app.node.try_get_context("allowed_origins")).split(",")
auth = CognitoApi(
    stack,
    "Auth",
    feature_plan=cognito.FeaturePlan.ESSENTIALS,
    sign_in_policy=cognito.SignInPolicy(
        allowed_first_auth_factors=cognito.AllowedFirstAuthFactors(
            password=True, email_otp=True, passkey=True
        )
    ),
    passkey_relying_party_id="localhost",
    sign_up_flow=SignUpFlow.SELF_SERVICE,
    cors=apigateway.CorsOptions(allow_origins=origins),
)
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
