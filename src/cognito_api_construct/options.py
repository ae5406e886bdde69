"""Typed options of ``CognitoApi`` and the defaults it applies, stated once.

Owns the public option types (``SignUpFlow``, ``CustomDomain``) and the default
values the builders fall back to. It builds nothing: constructs live in the
private builder modules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
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

#: Every other method of the stage (your protected and public routes) unless its route
#: sets ``throttle=``: API Gateway's account default is 10,000 requests/s shared by every
#: API in the region, so a stage without its own limit lets one route take all of it.
DEFAULT_STAGE_THROTTLE_RATE: Final = 100.0
DEFAULT_STAGE_THROTTLE_BURST: Final = 200
DEFAULT_STAGE_THROTTLE: Final = apigateway.ThrottleSettings(
    rate_limit=DEFAULT_STAGE_THROTTLE_RATE, burst_limit=DEFAULT_STAGE_THROTTLE_BURST
)

#: ``waf=True``: requests per 5 minutes from one IP address to the auth routes before
#: AWS WAF blocks that address (a sign-in takes 1 to 4 requests, so about 75 sign-ins of
#: one office behind one address; a password sprayer gets 1 guess/s per address).
DEFAULT_AUTH_RATE_LIMIT_PER_5_MINUTES: Final = 300

#: Auth function sizing: it only forwards small JSON to Cognito.
AUTH_FUNCTION_MEMORY_MB: Final = 256
AUTH_FUNCTION_TIMEOUT_SECONDS: Final = 20
AUTH_FUNCTION_LOG_LEVEL: Final = "INFO"
#: Sign-in logs are audit material: keep them a year.
LOG_RETENTION: Final = logs.RetentionDays.ONE_YEAR


@dataclass(frozen=True)
class PoolSettings:
    """The props that configure the user pool the construct creates, and their defaults.

    The one place these props are listed and resolved: ``CognitoApi`` takes them as
    keyword arguments (documented there), refuses them all with an existing pool, and
    builds its pool from the resolved values. A field left ``None`` takes its default.
    """

    password_policy: cognito.PasswordPolicy | None = None
    mfa: cognito.Mfa | None = None
    mfa_second_factor: cognito.MfaSecondFactor | None = None
    mfa_message: str | None = None
    sms_role: iam.IRole | None = None
    lambda_triggers: cognito.UserPoolTriggers | None = None
    user_invitation: cognito.UserInvitationConfig | None = None
    user_verification: cognito.UserVerificationConfig | None = None
    feature_plan: cognito.FeaturePlan | None = None
    removal_policy: RemovalPolicy | None = None
    deletion_protection: bool | None = None
    sign_in_policy: cognito.SignInPolicy | None = None
    passkey_relying_party_id: str | None = None
    passkey_user_verification: cognito.PasskeyUserVerification | None = None

    def given(self) -> dict[str, object]:
        """Every prop by name, ``None`` where the caller left it out."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @property
    def resolved_password_policy(self) -> cognito.PasswordPolicy:
        """The caller's policy fields over :data:`DEFAULT_PASSWORD_POLICY` (a new object)."""
        given, d = self.password_policy, DEFAULT_PASSWORD_POLICY
        if given is None:
            return d
        return cognito.PasswordPolicy(
            min_length=d.min_length if given.min_length is None else given.min_length,
            require_lowercase=(
                d.require_lowercase if given.require_lowercase is None else given.require_lowercase
            ),
            require_uppercase=(
                d.require_uppercase if given.require_uppercase is None else given.require_uppercase
            ),
            require_digits=(
                d.require_digits if given.require_digits is None else given.require_digits
            ),
            require_symbols=(
                d.require_symbols if given.require_symbols is None else given.require_symbols
            ),
            temp_password_validity=(
                d.temp_password_validity
                if given.temp_password_validity is None
                else given.temp_password_validity
            ),
            password_history_size=given.password_history_size,
        )

    @property
    def resolved_mfa(self) -> cognito.Mfa:
        """``mfa``, by default :data:`DEFAULT_MFA`."""
        return DEFAULT_MFA if self.mfa is None else self.mfa

    @property
    def resolved_second_factor(self) -> cognito.MfaSecondFactor | None:
        """The second factors; None when MFA is off."""
        if self.resolved_mfa == cognito.Mfa.OFF:
            return None
        return (
            DEFAULT_MFA_SECOND_FACTOR if self.mfa_second_factor is None else self.mfa_second_factor
        )

    @property
    def first_factors(self) -> frozenset[str]:
        """The first factors ``sign_in_policy`` allows: PASSWORD, EMAIL_OTP, SMS_OTP, PASSKEY."""
        factors = self.sign_in_policy.allowed_first_auth_factors if self.sign_in_policy else None
        if factors is None:
            return frozenset({"PASSWORD"})
        named = {
            "PASSWORD": factors.password,
            "EMAIL_OTP": factors.email_otp,
            "SMS_OTP": factors.sms_otp,
            "PASSKEY": factors.passkey,
        }
        return frozenset(name for name, on in named.items() if on)

    @property
    def auth_features(self) -> frozenset[str]:
        """The optional routes the factors need (the contract's ``USER_AUTH``, ``PASSKEYS``)."""
        features = set()
        if self.first_factors - {"PASSWORD"}:
            features.add("USER_AUTH")
        if "PASSKEY" in self.first_factors:
            features.add("PASSKEYS")
        return frozenset(features)

    @property
    def uses_sms(self) -> bool:
        """Whether Cognito sends SMS: an SMS second factor, or SMS sign-in codes."""
        factor = self.resolved_second_factor
        return bool(factor is not None and factor.sms) or "SMS_OTP" in self.first_factors

    @property
    def resolved_feature_plan(self) -> cognito.FeaturePlan:
        """``feature_plan``, by default :data:`DEFAULT_FEATURE_PLAN`."""
        return DEFAULT_FEATURE_PLAN if self.feature_plan is None else self.feature_plan

    @property
    def resolved_removal_policy(self) -> RemovalPolicy:
        """``removal_policy``, by default :data:`DEFAULT_REMOVAL_POLICY`."""
        return DEFAULT_REMOVAL_POLICY if self.removal_policy is None else self.removal_policy

    @property
    def resolved_deletion_protection(self) -> bool:
        """``deletion_protection``; by default on exactly when the pool is retained."""
        if self.deletion_protection is not None:
            return self.deletion_protection
        return self.resolved_removal_policy == RemovalPolicy.RETAIN
