"""Builds the user pool (unless the caller brings one) and its one app client.

Owns the Cognito side of the construct; knows nothing about API Gateway or Lambda.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from .options import PoolSettings, SignUpFlow


def build_user_pool(
    scope: Construct,
    settings: PoolSettings,
    sign_up_flow: SignUpFlow = SignUpFlow.ADMIN_CREATE,
    relying_party_id: str | None = None,
) -> cognito.UserPool:
    """Create the user pool (construct id ``UserPool``) with hardened defaults.

    ``relying_party_id`` is the passkeys' (``passkey_relying_party_id``, else the custom
    domain's name), when passkeys are a first factor.
    """
    self_service = sign_up_flow is SignUpFlow.SELF_SERVICE
    sms = settings.uses_sms
    effective_plan = settings.resolved_feature_plan
    pool = cognito.UserPool(
        scope,
        "UserPool",
        # ADMIN_CREATE: users come in through POST /signup (AdminCreateUser) only.
        # SELF_SERVICE: Cognito's SignUp, confirmed by a code sent to the email, which
        # confirming verifies (so it can receive password reset codes).
        self_sign_up_enabled=self_service,
        # Cognito verifies email addresses with a code: at self sign-up, and whenever a
        # user changes theirs, when the old address stays until the new one is verified
        # (keep_original), so a stolen token cannot move the account's reset address.
        auto_verify=cognito.AutoVerifiedAttrs(email=True, phone=sms),
        keep_original=cognito.KeepOriginalAttrs(email=True, phone=sms),
        sign_in_aliases=cognito.SignInAliases(username=True),
        sign_in_case_sensitive=False,
        standard_attributes=cognito.StandardAttributes(
            email=cognito.StandardAttribute(required=False, mutable=True)
        ),
        # Recovery by SMS costs money and is weaker; email is enough here.
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        password_policy=settings.resolved_password_policy,
        mfa=settings.resolved_mfa,
        mfa_second_factor=settings.resolved_second_factor,
        mfa_message=settings.mfa_message,
        sms_role=settings.sms_role,
        lambda_triggers=settings.lambda_triggers,
        user_invitation=settings.user_invitation,
        user_verification=settings.user_verification,
        feature_plan=effective_plan,
        removal_policy=settings.resolved_removal_policy,
        deletion_protection=settings.resolved_deletion_protection,
        sign_in_policy=settings.sign_in_policy,
        passkey_relying_party_id=relying_party_id if "PASSKEY" in settings.first_factors else None,
        passkey_user_verification=settings.passkey_user_verification,
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


#: The attributes users may write themselves: every standard attribute but
#: ``email_verified`` and ``phone_number_verified``.
WRITABLE_ATTRIBUTES: Final = cognito.ClientAttributes().with_standard_attributes(
    address=True,
    birthdate=True,
    email=True,
    family_name=True,
    fullname=True,
    gender=True,
    given_name=True,
    last_update_time=True,
    locale=True,
    middle_name=True,
    nickname=True,
    phone_number=True,
    preferred_username=True,
    profile_page=True,
    profile_picture=True,
    timezone=True,
    website=True,
    email_verified=False,
    phone_number_verified=False,
)


def build_user_pool_client(
    scope: Construct,
    user_pool: cognito.IUserPool,
    *,
    access_token_validity: Duration,
    id_token_validity: Duration,
    refresh_token_validity: Duration,
    choice_based: bool = False,
) -> cognito.UserPoolClient:
    """Create the one app client (construct id ``UserPoolClient``) the auth routes use.

    ``choice_based`` adds ``ALLOW_USER_AUTH`` (sign-in with a first factor other than the
    password: ``/auth/start``).
    """
    return cognito.UserPoolClient(
        scope,
        "UserPoolClient",
        user_pool=user_pool,
        # A secret only the auth function holds: every Cognito call that names a user
        # needs its SECRET_HASH, so the client id in every id token's aud opens nothing
        # by itself (no direct InitiateAuth, SignUp or ForgotPassword around the API).
        generate_secret=True,
        # What a user may change on their own account: the standard attributes but the
        # verified flags, which only Cognito (a code) or an administrator may set.
        write_attributes=WRITABLE_ATTRIBUTES,
        # USER_PASSWORD_AUTH (and USER_AUTH for passwordless); refresh is always allowed.
        auth_flows=cognito.AuthFlow(user_password=True, user=choice_based or None),
        # aws-cdk-lib turns the OAuth implicit and code flows on by default: this API
        # signs in with USER_PASSWORD_AUTH and has no hosted UI, so OAuth stays off.
        disable_o_auth=True,
        prevent_user_existence_errors=True,
        enable_token_revocation=True,
        access_token_validity=access_token_validity,
        id_token_validity=id_token_validity,
        refresh_token_validity=refresh_token_validity,
    )
