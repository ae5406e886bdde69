"""A CognitoApi app in the self-service sign-up flow, for the emulator's end-to-end tests.

``SignUpFlow.SELF_SERVICE``: ``/signup`` takes the user's own password, the account works
after ``/signup/confirm``, and ``/signup/resend`` exists. Every other prop keeps its
default (header ``Authorization``, stage ``prod``, the default password policy), and one
protected route ``whoami`` (GET) answers with the caller's username.
"""

import sys
from pathlib import Path

import aws_cdk as cdk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function, nag_if_asked

from cognito_api_construct import CognitoApi, SignUpFlow

HERE = Path(__file__).parent
app = cdk.App()
stack = cdk.Stack(app, "SelfServiceApp")
auth = CognitoApi(stack, "Auth", sign_up_flow=SignUpFlow.SELF_SERVICE)
whoami = function(stack, "WhoamiFunction", HERE / "whoami", "whoami.handler")
auth.add_protected_route("whoami", whoami, methods=["GET"])
nag_if_asked(app)
app.synth()
