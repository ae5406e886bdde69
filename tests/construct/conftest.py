"""Session-scoped synthesized apps for the construct tests.

Synthesis costs seconds, so each app configuration is built and synthesized once per
session and shared: ``defaults`` (every prop left out), ``configured`` (every prop set
to a non-default value), ``imported`` (an existing user pool). Validation tests build
a fresh stack per test and never synthesize.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Template

from cognito_api_construct import CognitoApi, CustomDomain

ENV = {"account": "123456789012", "region": "eu-west-1"}
IMPORTED_WEB_ACL_ARN = (
    "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/"
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
)


@dataclass
class Synthesized:
    """One synthesized app: the construct, its template and the assembly directory."""

    auth: CognitoApi
    stack: Stack
    template: Template
    outdir: Path
    handler: lambda_.Function

    def resources(self, type_: str) -> dict[str, Any]:
        return dict(self.template.find_resources(type_))

    def one(self, type_: str) -> dict[str, Any]:
        found = self.resources(type_)
        assert len(found) == 1, f"expected one {type_}, found {len(found)}"
        properties: dict[str, Any] = next(iter(found.values()))["Properties"]
        return properties


def route_handler(scope: Stack, id: str = "ReportsFunction") -> lambda_.Function:
    """A user's route handler with its own role (no AWS managed policy)."""
    role = iam.Role(scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    return lambda_.Function(
        scope,
        id,
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        role=role,
    )


@pytest.fixture
def stack() -> Stack:
    """A fresh stack for tests that construct but do not synthesize."""
    return Stack(App(), "Stack", env=ENV)


def _synth(app: App, stack: Stack, auth: CognitoApi, handler: lambda_.Function) -> Synthesized:
    assembly = app.synth()
    return Synthesized(
        auth=auth,
        stack=stack,
        template=Template.from_stack(stack),
        outdir=Path(assembly.directory),
        handler=handler,
    )


@pytest.fixture(scope="session")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Every prop left out; a nested protected route, a public one, an own method."""
    app = App(outdir=str(tmp_path_factory.mktemp("defaults")))
    stack = Stack(app, "Defaults", env=ENV)
    auth = CognitoApi(stack, "Auth")
    handler = route_handler(stack)
    auth.add_protected_route("v1/reports", handler, methods=["GET", "POST"])
    auth.add_protected_route("/v1/reports/{report_id}/", handler, methods=["delete"])
    auth.add_public_route("health", handler, methods=["GET"])
    # A method the user adds straight on rest_api, authorized: the guard lets it pass.
    auth.rest_api.root.add_resource("own").add_method(
        "GET",
        apigateway.LambdaIntegration(handler),
        authorizer=auth.authorizer,
        authorization_type=apigateway.AuthorizationType.COGNITO,
    )
    return _synth(app, stack, auth, handler)


@dataclass
class ConfiguredInputs:
    """The objects passed to the configured app, to prove none was mutated."""

    password_policy: cognito.PasswordPolicy
    cors: apigateway.CorsOptions
    auth_throttle: apigateway.ThrottleSettings


@pytest.fixture(scope="session")
def configured_inputs() -> ConfiguredInputs:
    return ConfiguredInputs(
        password_policy=cognito.PasswordPolicy(min_length=14, require_symbols=False),
        cors=apigateway.CorsOptions(
            allow_origins=["https://app.example.com", "https://admin.example.com"],
            allow_credentials=True,
        ),
        auth_throttle=apigateway.ThrottleSettings(rate_limit=5),
    )


@pytest.fixture(scope="session")
def configured(
    tmp_path_factory: pytest.TempPathFactory, configured_inputs: ConfiguredInputs
) -> Synthesized:
    """Every prop set to a non-default value."""
    app = App(outdir=str(tmp_path_factory.mktemp("configured")))
    stack = Stack(app, "Configured", env=ENV)
    handler = route_handler(stack)
    trigger = route_handler(stack, "PreSignUpFunction")
    sms_role = iam.Role(
        stack, "SmsRole", assumed_by=iam.ServicePrincipal("cognito-idp.amazonaws.com")
    )
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )
    certificate = acm.Certificate.from_certificate_arn(
        stack,
        "Certificate",
        "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    )
    auth = CognitoApi(
        stack,
        "Auth",
        password_policy=configured_inputs.password_policy,
        mfa=cognito.Mfa.REQUIRED,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=True),
        mfa_message="Your code is {####}",
        sms_role=sms_role,
        lambda_triggers=cognito.UserPoolTriggers(pre_sign_up=trigger),
        user_invitation=cognito.UserInvitationConfig(
            email_subject="Welcome", email_body="Hello {username}, code {####}"
        ),
        user_verification=cognito.UserVerificationConfig(
            email_subject="Verify", email_body="Your code is {####}"
        ),
        feature_plan=cognito.FeaturePlan.ESSENTIALS,
        removal_policy=RemovalPolicy.DESTROY,
        access_token_validity=Duration.minutes(15),
        id_token_validity=Duration.minutes(20),
        refresh_token_validity=Duration.days(7),
        token_header="Auth",
        domain=CustomDomain(
            domain_name="auth.example.com", certificate=certificate, hosted_zone=zone
        ),
        cors=configured_inputs.cors,
        auth_throttle=configured_inputs.auth_throttle,
        stage_throttle=apigateway.ThrottleSettings(rate_limit=50, burst_limit=80),
        auth_reserved_concurrency=5,
        waf=True,
        stage_name="v1",
        cloud_watch_role=True,
    )
    auth.add_protected_route(
        "reports",
        handler,
        methods=["GET"],
        authorization_scopes=["aws.cognito.signin.user.admin"],
        throttle=apigateway.ThrottleSettings(rate_limit=2),
    )
    return _synth(app, stack, auth, handler)


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """An existing user pool, one CORS origin, a custom domain without a zone."""
    app = App(outdir=str(tmp_path_factory.mktemp("imported")))
    stack = Stack(app, "Imported", env=ENV)
    pool = cognito.UserPool.from_user_pool_id(stack, "ExistingPool", "eu-west-1_AbCdEfGhI")
    certificate = acm.Certificate.from_certificate_arn(
        stack,
        "Certificate",
        "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    )
    auth = CognitoApi(
        stack,
        "Auth",
        user_pool=pool,
        cors=apigateway.CorsOptions(allow_origins=["https://app.example.com"]),
        domain=CustomDomain(domain_name="api.example.org", certificate=certificate),
        web_acl=IMPORTED_WEB_ACL_ARN,
    )
    handler = route_handler(stack)
    auth.add_protected_route("reports", handler)
    return _synth(app, stack, auth, handler)


@pytest.fixture(scope="session")
def self_service(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """SignUpFlow.SELF_SERVICE with a custom header and TOTP issuer."""
    from cognito_api_construct import SignUpFlow

    app = App(outdir=str(tmp_path_factory.mktemp("self_service")))
    stack = Stack(app, "SelfService", env=ENV)
    auth = CognitoApi(
        stack,
        "Auth",
        sign_up_flow=SignUpFlow.SELF_SERVICE,
        token_header="X-Access",
        totp_issuer="Acme Reports",
        mfa=cognito.Mfa.REQUIRED,
    )
    handler = route_handler(stack)
    auth.add_protected_route("reports", handler)
    return _synth(app, stack, auth, handler)


@pytest.fixture(scope="session")
def all_origins(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """cors=Cors.ALL_ORIGINS (no credentials) and a protected route."""
    app = App(outdir=str(tmp_path_factory.mktemp("all_origins")))
    stack = Stack(app, "AllOrigins", env=ENV)
    auth = CognitoApi(
        stack, "Auth", cors=apigateway.CorsOptions(allow_origins=apigateway.Cors.ALL_ORIGINS)
    )
    handler = route_handler(stack)
    auth.add_protected_route("reports", handler)
    return _synth(app, stack, auth, handler)
