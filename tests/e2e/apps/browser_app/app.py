"""A CognitoApi app with CORS for several origins, for the real-browser tests.

``cors`` allows the origins of the ``allowed_origins`` context value (comma-separated;
the test passes the loopback origins of its page servers), which makes the construct
guard the stage with its origin-check web ACL. One protected route, ``whoami`` (GET),
answers with the caller's username and adds the CORS headers the README's snippet
computes, as any route function of a user must.
"""

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function, nag_if_asked

from cognito_api_construct import CognitoApi

HERE = Path(__file__).parent
app = cdk.App()
stack = cdk.Stack(app, "BrowserApp")
origins = str(app.node.try_get_context("allowed_origins")).split(",")
auth = CognitoApi(stack, "Auth", cors=apigateway.CorsOptions(allow_origins=origins))
whoami = function(stack, "WhoamiFunction", HERE / "whoami", "whoami.handler")
auth.add_protected_route("whoami", whoami, methods=["GET"])
nag_if_asked(app)
app.synth()
