"""The smallest CognitoApi app for benchmarks/emulator.py: one protected ``POST /echo``.

The echo function answers a small JSON without calling anything, so the benchmark
measures the emulator (gateway, authorizer, worker), not an upstream service.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from cognito_api_construct import CognitoApi

app = cdk.App()
stack = cdk.Stack(app, "EchoApp")
auth = CognitoApi(stack, "Auth")
echo_fn = lambda_.Function(
    stack,
    "EchoFunction",
    runtime=lambda_.Runtime.PYTHON_3_14,
    architecture=lambda_.Architecture.ARM_64,
    handler="handler.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "echo")),
    timeout=cdk.Duration.seconds(5),
)
auth.add_protected_route("echo", echo_fn)
app.synth()
