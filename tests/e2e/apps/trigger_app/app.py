"""CognitoApi apps with Lambda triggers on the user pool, for the emulator's e2e tests.

Two stacks, both ``SignUpFlow.SELF_SERVICE`` with the same pre sign-up gate (Python:
only ``@example.com`` addresses may sign up) and custom message trigger (Node.js: the
sign-up and password reset emails in the app's words). They differ in the pre token
generation trigger, since a pool has one:

- ``TriggerV1Stack``: V1_0 through the construct's ``lambda_triggers`` prop; it adds
  the ``tenant`` claim to the id token. Protected route ``whoami`` (GET, id token).
- ``TriggerV2Stack``: V2_0, which ``cognito.UserPoolTriggers`` cannot choose, added on
  the construct's pool with ``UserPool.add_trigger(PRE_TOKEN_GENERATION_CONFIG, ...,
  LambdaVersion.V2_0)``; V2 needs the Essentials feature plan. It adds claims to both
  tokens and the ``reports/read`` scope to the access token. Protected routes ``whoami``
  (GET, id token) and ``reports`` (GET, an access token with ``reports/read``).
"""

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function as kit_function
from app_kit import nag_if_asked

from cognito_api_construct import CognitoApi, SignUpFlow

HERE = Path(__file__).parent


def function(
    scope: Construct,
    id: str,
    folder: str,
    handler: str,
    *,
    runtime: lambda_.Runtime = lambda_.Runtime.PYTHON_3_14,
    environment: dict[str, str] | None = None,
) -> lambda_.Function:
    """The kit's function, its code in this app's ``folder``."""
    return kit_function(scope, id, HERE / folder, handler, runtime=runtime, environment=environment)


ALLOWED_EMAIL_DOMAIN = "example.com"
REPORTS_SCOPE = "reports/read"


def common_triggers(stack: cdk.Stack) -> tuple[lambda_.Function, lambda_.Function]:
    """The pre sign-up gate (Python) and the custom message trigger (Node.js)."""
    gate = function(
        stack,
        "SignUpGate",
        "gate",
        "gate.handler",
        environment={"ALLOWED_EMAIL_DOMAIN": ALLOWED_EMAIL_DOMAIN},
    )
    messages = function(
        stack, "CustomMessages", "messages", "index.handler", runtime=lambda_.Runtime.NODEJS_24_X
    )
    return gate, messages


def v1_stack(app: cdk.App) -> cdk.Stack:
    stack = cdk.Stack(app, "TriggerV1Stack")
    gate, messages = common_triggers(stack)
    pre_token = function(stack, "PreTokenV1", "tokens", "pre_token.v1")
    auth = CognitoApi(
        stack,
        "Auth",
        sign_up_flow=SignUpFlow.SELF_SERVICE,
        lambda_triggers=cognito.UserPoolTriggers(
            pre_sign_up=gate, custom_message=messages, pre_token_generation=pre_token
        ),
    )
    whoami = function(stack, "WhoamiFunction", "whoami", "whoami.handler")
    auth.add_protected_route("whoami", whoami, methods=["GET"])
    return stack


def v2_stack(app: cdk.App) -> cdk.Stack:
    stack = cdk.Stack(app, "TriggerV2Stack")
    gate, messages = common_triggers(stack)
    pre_token = function(stack, "PreTokenV2", "tokens", "pre_token.v2")
    auth = CognitoApi(
        stack,
        "Auth",
        sign_up_flow=SignUpFlow.SELF_SERVICE,
        # Pre token generation V2_0 needs the Essentials (or Plus) feature plan.
        feature_plan=cognito.FeaturePlan.ESSENTIALS,
        lambda_triggers=cognito.UserPoolTriggers(pre_sign_up=gate, custom_message=messages),
    )
    # UserPoolTriggers.pre_token_generation is always V1_0; the version is chosen on the
    # pool. The construct created it, so it is a UserPool (typed IUserPool).
    pool = auth.user_pool
    assert isinstance(pool, cognito.UserPool)
    pool.add_trigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        pre_token,
        cognito.LambdaVersion.V2_0,
    )
    whoami = function(stack, "WhoamiFunction", "whoami", "whoami.handler")
    auth.add_protected_route("whoami", whoami, methods=["GET"])
    auth.add_protected_route(
        "reports", whoami, methods=["GET"], authorization_scopes=[REPORTS_SCOPE]
    )
    return stack


app = cdk.App()
v1_stack(app)
v2_stack(app)
nag_if_asked(app)
app.synth()
