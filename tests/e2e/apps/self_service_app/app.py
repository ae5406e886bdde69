"""A CognitoApi app in the self-service sign-up flow, for the emulator's end-to-end tests.

``SignUpFlow.SELF_SERVICE``: ``/signup`` takes the user's own password, the account works
after ``/signup/confirm``, and ``/signup/resend`` exists. Every other prop keeps its
default (header ``Authorization``, stage ``prod``, the default password policy), and one
protected route ``whoami`` (GET) answers with the caller's username.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from cognito_api_construct import CognitoApi, SignUpFlow

app = cdk.App()
stack = cdk.Stack(app, "SelfServiceApp")
auth = CognitoApi(stack, "Auth", sign_up_flow=SignUpFlow.SELF_SERVICE)
whoami = lambda_.Function(
    stack,
    "WhoamiFunction",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="whoami.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "whoami")),
    timeout=cdk.Duration.seconds(5),
)
auth.add_protected_route("whoami", whoami, methods=["GET"])
app.synth()
