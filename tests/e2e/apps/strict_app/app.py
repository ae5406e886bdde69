"""A CognitoApi app with non-default props, for the emulator's end-to-end tests.

Custom token header ``X-Api-Token``, MFA required with TOTP, a 16-character password
policy, a custom stage name, and a nested protected route ``v1/reports`` (GET, POST).
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_

from cognito_api_construct import CognitoApi

app = cdk.App()
stack = cdk.Stack(app, "StrictApp")
auth = CognitoApi(
    stack,
    "Auth",
    password_policy=cognito.PasswordPolicy(
        min_length=16,
        require_digits=True,
        require_lowercase=True,
        require_uppercase=True,
        require_symbols=True,
    ),
    mfa=cognito.Mfa.REQUIRED,
    mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
    token_header="X-Api-Token",
    stage_name="v2",
)
reports = lambda_.Function(
    stack,
    "ReportsFunction",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="reports.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "reports")),
    timeout=cdk.Duration.seconds(5),
)
auth.add_protected_route("v1/reports", reports, methods=["GET", "POST"])
app.synth()
