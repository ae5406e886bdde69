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

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function, nag_if_asked

from cognito_api_construct import CognitoApi, SignUpFlow

HERE = Path(__file__).parent
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
whoami = function(stack, "WhoamiFunction", HERE / "whoami", "whoami.handler")
auth.add_protected_route("whoami", whoami, methods=["GET"])
nag_if_asked(app)
app.synth()
