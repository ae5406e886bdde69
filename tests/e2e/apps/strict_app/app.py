"""A CognitoApi app with non-default props, for the emulator's end-to-end tests.

Custom token header ``X-Api-Token``, MFA required with TOTP, a 16-character password
policy, a custom stage name, and a nested protected route ``v1/reports`` (GET, POST).
"""

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_kit import function, nag_if_asked

from cognito_api_construct import CognitoApi

HERE = Path(__file__).parent
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
    # The construct's web ACL (managed rules, the auth routes' rate limit) on the stage
    # and the pool: the gates check it synthesizes clean; the emulator evaluates none of
    # its rules (managed and rate-based), so requests pass as without it.
    waf=True,
    auth_reserved_concurrency=5,
    stage_throttle=apigateway.ThrottleSettings(rate_limit=50, burst_limit=100),
)
reports = function(stack, "ReportsFunction", HERE / "reports", "reports.handler")
auth.add_protected_route("v1/reports", reports, methods=["GET", "POST"])
nag_if_asked(app)
app.synth()
