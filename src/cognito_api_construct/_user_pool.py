"""Builds the user pool (unless the caller brings one) and its one app client.

Owns the Cognito side of the construct; knows nothing about API Gateway or Lambda.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from constructs import Construct

from .options import (
    DEFAULT_FEATURE_PLAN,
    DEFAULT_MFA,
    DEFAULT_MFA_SECOND_FACTOR,
    DEFAULT_PASSWORD_POLICY,
    DEFAULT_REMOVAL_POLICY,
    SignUpFlow,
)


def password_policy_or_default(given: cognito.PasswordPolicy | None) -> cognito.PasswordPolicy:
    """Return a new policy: the caller's fields over the construct's defaults."""
    if given is None:
        return DEFAULT_PASSWORD_POLICY

    d = DEFAULT_PASSWORD_POLICY
    return cognito.PasswordPolicy(
        min_length=d.min_length if given.min_length is None else given.min_length,
        require_lowercase=(
            d.require_lowercase if given.require_lowercase is None else given.require_lowercase
        ),
        require_uppercase=(
            d.require_uppercase if given.require_uppercase is None else given.require_uppercase
        ),
        require_digits=d.require_digits if given.require_digits is None else given.require_digits,
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


def build_user_pool(
    scope: Construct,
    *,
    password_policy: cognito.PasswordPolicy | None,
    mfa: cognito.Mfa | None,
    mfa_second_factor: cognito.MfaSecondFactor | None,
    mfa_message: str | None,
    sms_role: iam.IRole | None,
    lambda_triggers: cognito.UserPoolTriggers | None,
    user_invitation: cognito.UserInvitationConfig | None,
    user_verification: cognito.UserVerificationConfig | None,
    feature_plan: cognito.FeaturePlan | None,
    removal_policy: RemovalPolicy | None,
    deletion_protection: bool | None,
    sign_up_flow: SignUpFlow = SignUpFlow.ADMIN_CREATE,
) -> cognito.UserPool:
    """Create the user pool (construct id ``UserPool``) with hardened defaults."""
    self_service = sign_up_flow is SignUpFlow.SELF_SERVICE
    effective_mfa = DEFAULT_MFA if mfa is None else mfa
    effective_removal = DEFAULT_REMOVAL_POLICY if removal_policy is None else removal_policy
    effective_plan = DEFAULT_FEATURE_PLAN if feature_plan is None else feature_plan
    pool = cognito.UserPool(
        scope,
        "UserPool",
        # ADMIN_CREATE: users come in through POST /signup (AdminCreateUser) only.
        # SELF_SERVICE: Cognito's SignUp, confirmed by a code sent to the email, which
        # confirming verifies (so it can receive password reset codes).
        self_sign_up_enabled=self_service,
        auto_verify=cognito.AutoVerifiedAttrs(email=True) if self_service else None,
        sign_in_aliases=cognito.SignInAliases(username=True),
        sign_in_case_sensitive=False,
        standard_attributes=cognito.StandardAttributes(
            email=cognito.StandardAttribute(required=False, mutable=True)
        ),
        # Recovery by SMS costs money and is weaker; email is enough here.
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        password_policy=password_policy_or_default(password_policy),
        mfa=effective_mfa,
        mfa_second_factor=(
            None
            if effective_mfa == cognito.Mfa.OFF
            else (DEFAULT_MFA_SECOND_FACTOR if mfa_second_factor is None else mfa_second_factor)
        ),
        mfa_message=mfa_message,
        sms_role=sms_role,
        lambda_triggers=lambda_triggers,
        user_invitation=user_invitation,
        user_verification=user_verification,
        feature_plan=effective_plan,
        removal_policy=effective_removal,
        deletion_protection=(
            effective_removal == RemovalPolicy.RETAIN
            if deletion_protection is None
            else deletion_protection
        ),
    )
    if effective_plan != cognito.FeaturePlan.PLUS:
        Validations.of(pool).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-COG8",
                reason="Threat protection (the PLUS plan) is billed per user and is opt-in "
                "with feature_plan=FeaturePlan.PLUS; the default LITE plan covers password "
                "sign-in with TOTP MFA, and the auth routes are throttled.",
            )
        )
    return pool


def build_user_pool_client(
    scope: Construct,
    user_pool: cognito.IUserPool,
    *,
    access_token_validity: Duration,
    id_token_validity: Duration,
    refresh_token_validity: Duration,
) -> cognito.UserPoolClient:
    """Create the one app client (construct id ``UserPoolClient``) the auth routes use."""
    return cognito.UserPoolClient(
        scope,
        "UserPoolClient",
        user_pool=user_pool,
        # A secret would need SECRET_HASH on every call, and a public API cannot keep it.
        generate_secret=False,
        # USER_PASSWORD_AUTH only; refresh is always allowed by Cognito.
        auth_flows=cognito.AuthFlow(user_password=True),
        # aws-cdk-lib turns the OAuth implicit and code flows on by default: this API
        # signs in with USER_PASSWORD_AUTH and has no hosted UI, so OAuth stays off.
        disable_o_auth=True,
        prevent_user_existence_errors=True,
        enable_token_revocation=True,
        access_token_validity=access_token_validity,
        id_token_validity=id_token_validity,
        refresh_token_validity=refresh_token_validity,
    )
