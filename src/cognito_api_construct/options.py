"""Typed options of ``CognitoApi`` and the defaults it applies, stated once.

Owns the public option types (``SignUpFlow``, ``CustomDomain``) and the default
values the builders fall back to. It builds nothing: constructs live in the
private builder modules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53

__all__ = ["CustomDomain", "SignUpFlow"]


class SignUpFlow(enum.Enum):
    """How users come into the user pool.

    ``ADMIN_CREATE``: ``POST /signup`` creates the user with a temporary password
    (AdminCreateUser, invitation suppressed); the first sign-in answers the
    ``NEW_PASSWORD_REQUIRED`` challenge. The pool's own self sign-up stays disabled.

    ``SELF_SERVICE``: Cognito's own self sign-up. ``POST /signup`` takes the user's
    password and Cognito emails a code (the email is auto-verified on confirmation);
    ``POST /signup/confirm`` confirms the account, ``POST /signup/resend`` sends a
    new code. The function needs no admin permission at all.
    """

    ADMIN_CREATE = "ADMIN_CREATE"
    SELF_SERVICE = "SELF_SERVICE"


@dataclass(frozen=True)
class CustomDomain:
    """A custom domain for the API.

    Attributes:
        domain_name: The fully qualified name, e.g. ``"auth.example.com"`` (no scheme,
            no path).
        certificate: An ACM certificate for ``domain_name`` in the stack's region
            (the API endpoint is regional).
        hosted_zone: The Route 53 zone that holds ``domain_name``. When given, an A
            alias record pointing at the API is added. Defaults to no DNS record: you
            point the name at the API yourself.
    """

    domain_name: str
    certificate: acm.ICertificate
    hosted_zone: route53.IHostedZone | None = None


#: Minimum password length. Cognito allows 6 to 99; NIST SP 800-63B asks for at
#: least 8, and 12 keeps offline guessing of a leaked hash out of reach.
DEFAULT_PASSWORD_MIN_LENGTH: Final = 12
#: How long the temporary password of an admin-created user stays valid.
DEFAULT_TEMP_PASSWORD_VALIDITY_DAYS: Final = 7
DEFAULT_PASSWORD_POLICY: Final = cognito.PasswordPolicy(
    min_length=DEFAULT_PASSWORD_MIN_LENGTH,
    require_lowercase=True,
    require_uppercase=True,
    require_digits=True,
    require_symbols=True,
    temp_password_validity=Duration.days(DEFAULT_TEMP_PASSWORD_VALIDITY_DAYS),
)
DEFAULT_MFA: Final = cognito.Mfa.OPTIONAL
#: TOTP only: SMS costs money per message, needs an SNS role and leaving the SMS
#: sandbox, and is the weaker factor.
DEFAULT_MFA_SECOND_FACTOR: Final = cognito.MfaSecondFactor(otp=True, sms=False)
#: LITE is the cheapest plan and has everything this construct uses (password
#: sign-in, TOTP MFA, triggers, token revocation). Threat protection needs PLUS,
#: email MFA needs ESSENTIALS or PLUS.
DEFAULT_FEATURE_PLAN: Final = cognito.FeaturePlan.LITE
#: A user pool holds accounts that cannot be recreated: keep it when the stack goes.
DEFAULT_REMOVAL_POLICY: Final = RemovalPolicy.RETAIN

DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES: Final = 60
DEFAULT_ID_TOKEN_VALIDITY_MINUTES: Final = 60
DEFAULT_REFRESH_TOKEN_VALIDITY_DAYS: Final = 30

DEFAULT_TOKEN_HEADER: Final = "Authorization"  # noqa: S105 - a header name, not a secret
DEFAULT_STAGE_NAME: Final = "prod"

#: Per auth method. Cognito's default quotas are 120 requests/s for UserAuthentication
#: (shared by /auth, /login, /challenge and /refresh: 4 x 20 = 80, leaving a third for
#: the account's other clients) and 50 requests/s for UserCreation (/signup: 20).
#: Smaller categories (e.g. 30/s for ForgotPassword + ConfirmForgotPassword) may
#: still throttle first: the runtime answers that 429 too.
DEFAULT_AUTH_THROTTLE_RATE: Final = 20.0
DEFAULT_AUTH_THROTTLE_BURST: Final = 40
DEFAULT_AUTH_THROTTLE: Final = apigateway.ThrottleSettings(
    rate_limit=DEFAULT_AUTH_THROTTLE_RATE, burst_limit=DEFAULT_AUTH_THROTTLE_BURST
)

#: Auth function sizing: it only forwards small JSON to Cognito.
AUTH_FUNCTION_MEMORY_MB: Final = 256
AUTH_FUNCTION_TIMEOUT_SECONDS: Final = 20
AUTH_FUNCTION_LOG_LEVEL: Final = "INFO"
#: Sign-in logs are audit material: keep them a year.
LOG_RETENTION: Final = logs.RetentionDays.ONE_YEAR
