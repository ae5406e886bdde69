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

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function as kit_function
from app_kit import nag_if_asked

from cognito_api_construct import CognitoApi, SignUpFlow

HERE = Path(__file__).parent


def function(stack: cdk.Stack, id: str, handler: str) -> lambda_.Function:
    """A route function of ``routes/routes.py`` (the kit's, with its own role and logs)."""
    return kit_function(stack, id, HERE / "routes", f"routes.{handler}")


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
nag_if_asked(app)
app.synth()
