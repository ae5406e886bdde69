"""A CognitoApi app with groups, a machine client and scoped routes, for the e2e tests.

``SignUpFlow.SELF_SERVICE`` (``/signup/confirm`` verifies the email with the outbox's
code), the Cognito domain ``access-app-auth`` (the token endpoint of machine clients),
the pool's group ``admins``, and a machine client ``Reporter`` allowed ``reports.read``
(``api/reports.read``). Routes, all GET:

- ``admin/reports``: members of ``admins`` only (the construct's groups authorizer, an id
  token); its function appends the caller to the file ``INVOCATION_LOG`` names;
- ``machine/reports``: an access token with ``api/reports.read`` (the machine's);
- ``whoami``: any signed-in user (an id token).
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cognito_api_construct import CognitoApi, SignUpFlow

HERE = Path(__file__).parent


def function(stack: cdk.Stack, id: str, handler: str) -> lambda_.Function:
    """A route function with its own role and log group.

    Not AWSLambdaBasicExecutionRole, which may write to every log group in the account
    (cdk-nag AwsSolutions-IAM4).
    """
    log_group = logs.LogGroup(
        stack,
        f"{id}Logs",
        retention=logs.RetentionDays.ONE_WEEK,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    role = iam.Role(stack, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group.grant_write(role)
    return lambda_.Function(
        stack,
        id,
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        handler=f"routes.{handler}",
        code=lambda_.Code.from_asset(str(HERE / "routes")),
        timeout=cdk.Duration.seconds(5),
        role=role,
        log_group=log_group,
    )


app = cdk.App()
stack = cdk.Stack(app, "AccessApp")
auth = CognitoApi(
    stack,
    "Auth",
    sign_up_flow=SignUpFlow.SELF_SERVICE,
    oauth_domain_prefix="access-app-auth",
)
auth.add_group("admins", description="May read the admin reports.", precedence=0)
auth.add_machine_client("Reporter", scopes=["reports.read"])
auth.add_protected_route(
    "admin/reports",
    function(stack, "AdminReportsFunction", "admin_reports"),
    methods=["GET"],
    groups=["admins"],
)
auth.add_protected_route(
    "machine/reports",
    function(stack, "MachineReportsFunction", "machine_reports"),
    methods=["GET"],
    authorization_scopes=["reports.read"],
)
auth.add_protected_route("whoami", function(stack, "WhoamiFunction", "whoami"), methods=["GET"])
if str(app.node.try_get_context("nag")).lower() in ("true", "1", "yes"):
    # `-c nag=true`: cdk-nag's AWS Solutions checks (tests/gates runs every app so).
    # Imported only then: cdk-nag is a development dependency.
    from cdk_nag import AwsSolutionsChecks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
app.synth()
