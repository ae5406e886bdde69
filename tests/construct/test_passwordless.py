"""Passwordless sign-in props: the pool's first factors, passkeys, and their routes.

aws-cdk-lib's own types (``SignInPolicy``, ``PasskeyUserVerification``) configure the
pool; the construct adds the choice-based sign-in route and the passkey routes only
where a factor needs them, gives its client ``ALLOW_USER_AUTH``, and refuses at
construction what cannot deploy, naming the prop and the fix
(https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html).
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Template

from cognito_api_construct import CognitoApi, CognitoApiPropsError

from .conftest import ENV
from .helpers import methods_by_route

ESSENTIALS = cognito.FeaturePlan.ESSENTIALS


def _policy(**factors: bool) -> cognito.SignInPolicy:
    return cognito.SignInPolicy(
        allowed_first_auth_factors=cognito.AllowedFirstAuthFactors(password=True, **factors)
    )


@pytest.fixture(scope="module")
def passwordless() -> dict[str, Any]:
    """Email codes and passkeys on, user verification required."""
    stack = Stack(App(), "Passwordless", env=ENV)
    CognitoApi(
        stack,
        "Auth",
        feature_plan=ESSENTIALS,
        sign_in_policy=_policy(email_otp=True, passkey=True),
        passkey_relying_party_id="example.com",
        passkey_user_verification=cognito.PasskeyUserVerification.REQUIRED,
    )
    return Template.from_stack(stack).to_json()


def _one(template: dict[str, Any], type_: str) -> dict[str, Any]:
    (found,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == type_]
    return found


def test_the_pool_allows_the_factors_with_the_relying_party(passwordless: dict[str, Any]) -> None:
    pool = _one(passwordless, "AWS::Cognito::UserPool")
    assert pool["Policies"]["SignInPolicy"] == {
        "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]
    }
    assert pool["WebAuthnRelyingPartyID"] == "example.com"
    assert pool["WebAuthnUserVerification"] == "required"
    assert pool["UserPoolTier"] == "ESSENTIALS"


def test_the_client_may_use_choice_based_sign_in(passwordless: dict[str, Any]) -> None:
    client = _one(passwordless, "AWS::Cognito::UserPoolClient")
    assert "ALLOW_USER_AUTH" in client["ExplicitAuthFlows"]
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]


def test_the_routes_and_the_function_know_the_features(passwordless: dict[str, Any]) -> None:
    methods = methods_by_route(Template.from_json(passwordless))
    expected = {
        ("/auth/start", "POST"),
        ("/passkeys/register", "POST"),
        ("/passkeys/register/complete", "POST"),
        ("/passkeys", "GET"),
        ("/passkeys/{credential_id}", "DELETE"),
    }
    assert expected <= set(methods)
    for key in expected:
        assert methods[key]["AuthorizationType"] == "NONE"  # Cognito checks the token
    delete = methods[("/passkeys/{credential_id}", "DELETE")]
    assert delete["RequestParameters"] == {"method.request.path.credential_id": True}
    assert "RequestModels" not in delete
    assert "RequestModels" not in methods[("/passkeys", "GET")]
    (function,) = [
        r["Properties"]
        for key, r in passwordless["Resources"].items()
        if r["Type"] == "AWS::Lambda::Function" and key.startswith("AuthAuthFunction")
    ]
    assert function["Environment"]["Variables"]["AUTH_FEATURES"] == "PASSKEYS,USER_AUTH"


def test_email_codes_alone_add_only_the_choice_based_route(stack: Stack) -> None:
    CognitoApi(stack, "Auth", feature_plan=ESSENTIALS, sign_in_policy=_policy(email_otp=True))
    methods = methods_by_route(Template.from_stack(stack))
    assert ("/auth/start", "POST") in methods
    assert not [key for key in methods if key[0].startswith("/passkeys")]


def test_without_a_policy_there_is_no_passwordless_route(defaults: Any) -> None:
    methods = methods_by_route(defaults.template)
    assert not [key for key in methods if key[0] in ("/auth/start",) or "passkeys" in key[0]]
    client = defaults.one("AWS::Cognito::UserPoolClient")
    assert "ALLOW_USER_AUTH" not in client["ExplicitAuthFlows"]


def test_the_relying_party_defaults_to_the_custom_domain(stack: Stack) -> None:
    from aws_cdk import aws_certificatemanager as acm

    from cognito_api_construct import CustomDomain

    certificate = acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    )
    CognitoApi(
        stack,
        "Auth",
        feature_plan=ESSENTIALS,
        sign_in_policy=_policy(passkey=True),
        domain=CustomDomain(domain_name="auth.example.com", certificate=certificate),
    )
    pool = Template.from_stack(stack).find_resources("AWS::Cognito::UserPool")
    assert next(iter(pool.values()))["Properties"]["WebAuthnRelyingPartyID"] == "auth.example.com"


def test_sms_codes_verify_phone_numbers(stack: Stack) -> None:
    CognitoApi(stack, "Auth", feature_plan=ESSENTIALS, sign_in_policy=_policy(sms_otp=True))
    pool = next(iter(Template.from_stack(stack).find_resources("AWS::Cognito::UserPool").values()))
    assert sorted(pool["Properties"]["AutoVerifiedAttributes"]) == ["email", "phone_number"]
    assert "SmsConfiguration" in pool["Properties"]


@pytest.mark.parametrize(
    ("props", "named", "fix"),
    [
        ({"sign_in_policy": _policy(email_otp=True)}, "sign_in_policy", "FeaturePlan.ESSENTIALS"),
        (
            {"feature_plan": ESSENTIALS, "sign_in_policy": _policy(passkey=True)},
            "passkey_relying_party_id",
            "passkey_relying_party_id='example.com'",
        ),
        (
            {"passkey_relying_party_id": "example.com"},
            "passkey_relying_party_id",
            "passkey=True",
        ),
        (
            {
                "feature_plan": ESSENTIALS,
                "sign_in_policy": cognito.SignInPolicy(
                    allowed_first_auth_factors=cognito.AllowedFirstAuthFactors(
                        password=False, email_otp=True
                    )
                ),
            },
            "sign_in_policy.allowed_first_auth_factors.password",
            "password=True",
        ),
    ],
    ids=["lite-plan", "no-relying-party", "relying-party-without-passkeys", "no-password"],
)
def test_what_cannot_deploy_is_refused_naming_the_prop_and_the_fix(
    stack: Stack, props: dict[str, Any], named: str, fix: str
) -> None:
    with pytest.raises(CognitoApiPropsError) as refused:
        CognitoApi(stack, "Auth", **props)
    assert named in str(refused.value)
    assert fix in str(refused.value)


def test_passwordless_props_are_refused_with_an_existing_pool(stack: Stack) -> None:
    pool = cognito.UserPool.from_user_pool_id(stack, "Existing", "eu-west-1_AbCdEfGhI")
    with pytest.raises(CognitoApiPropsError, match="sign_in_policy"):
        CognitoApi(stack, "Auth", user_pool=pool, sign_in_policy=_policy(email_otp=True))


def test_passwordless_factors_with_required_mfa_are_refused(stack: Stack) -> None:
    """Cognito offers passwordless first factors only where MFA is not required."""
    with pytest.raises(CognitoApiPropsError, match=r"Mfa\.OPTIONAL"):
        CognitoApi(
            stack,
            "Auth",
            feature_plan=ESSENTIALS,
            mfa=cognito.Mfa.REQUIRED,
            sign_in_policy=_policy(email_otp=True),
        )


def test_email_codes_with_admin_created_users_warn_that_emails_need_verifying(
    stack: Stack,
) -> None:
    from aws_cdk.assertions import Annotations, Match

    CognitoApi(stack, "Auth", feature_plan=ESSENTIALS, sign_in_policy=_policy(email_otp=True))
    Annotations.from_stack(stack).has_warning(
        "/Stack/Auth", Match.string_like_regexp("email codes go only to verified emails")
    )
