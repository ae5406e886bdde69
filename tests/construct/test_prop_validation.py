"""Props are validated at construction: both sides of every boundary, no synthesis."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_route53 as route53

from cognito_api_construct import CognitoApi, CustomDomain, SignUpFlow

OTP = cognito.MfaSecondFactor(otp=True, sms=False)
SMS = cognito.MfaSecondFactor(otp=False, sms=True)
NONE = cognito.MfaSecondFactor(otp=False, sms=False)
EMAIL = cognito.MfaSecondFactor(otp=False, sms=False, email=True)


def build(stack: Stack, **props: Any) -> CognitoApi:
    return CognitoApi(stack, "Auth", **props)


# sign_up_flow


def test_self_service_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(stack, sign_up_flow=SignUpFlow.SELF_SERVICE)

    # then
    assert "signup/confirm" in auth.auth_methods


def test_a_sign_up_flow_that_is_not_the_enum_is_refused(stack: Stack) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"sign_up_flow='SELF_SERVICE'.*SignUpFlow member"):
        build(stack, sign_up_flow="SELF_SERVICE")


def test_admin_create_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(stack, sign_up_flow=SignUpFlow.ADMIN_CREATE)

    # then
    assert auth.auth_function is not None


# mfa


@pytest.mark.parametrize("mfa", [cognito.Mfa.REQUIRED, cognito.Mfa.OPTIONAL])
def test_mfa_without_any_factor_is_refused(stack: Stack, mfa: cognito.Mfa) -> None:
    # given / when / then
    with pytest.raises(
        ValueError,
        match=r"mfa_second_factor=MfaSecondFactor\(otp=False, sms=False.*needs at least one",
    ):
        build(stack, mfa=mfa, mfa_second_factor=NONE)


@pytest.mark.parametrize("factor", [OTP, SMS], ids=["otp", "sms"])
def test_mfa_required_with_one_factor_is_accepted(
    stack: Stack, factor: cognito.MfaSecondFactor
) -> None:
    # given / when
    auth = build(stack, mfa=cognito.Mfa.REQUIRED, mfa_second_factor=factor)

    # then
    assert auth.user_pool is not None


def test_second_factor_with_mfa_off_is_refused(stack: Stack) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"mfa_second_factor=.*no effect when mfa=Mfa.OFF"):
        build(stack, mfa=cognito.Mfa.OFF, mfa_second_factor=OTP)


def test_mfa_off_alone_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(stack, mfa=cognito.Mfa.OFF)

    # then
    pool = stack.resolve(auth.user_pool.node.default_child.mfa_configuration)  # type: ignore[union-attr]
    assert pool == "OFF"


def test_email_mfa_on_lite_is_refused(stack: Stack) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"email MFA is not available on the .*LITE.*ESSENTIALS"):
        build(stack, mfa_second_factor=EMAIL)


def test_email_mfa_on_essentials_passes_our_check(stack: Stack) -> None:
    # given / when: aws-cdk-lib then asks for SES email settings, a different error
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the point is which error
        build(stack, mfa_second_factor=EMAIL, feature_plan=cognito.FeaturePlan.ESSENTIALS)

    # then
    assert "feature plan" not in str(raised.value)


def test_mfa_message_without_sms_is_refused(stack: Stack) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"mfa_message=.*needs SMS as a second factor"):
        build(stack, mfa_message="Code {####}")


def test_mfa_message_with_sms_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(stack, mfa_second_factor=SMS, mfa_message="Code {####}")

    # then
    assert auth.user_pool is not None


# token_header


@pytest.mark.parametrize("header", ["Auth", "Authorization", "X-Token", "x_token.v2", "X-Amazing"])
def test_valid_token_headers_are_accepted(stack: Stack, header: str) -> None:
    # given / when
    build(stack, token_header=header).add_protected_route("r", _handler(stack))

    # then
    authorizer = stack.resolve(
        stack.node.find_child("Auth")
        .node.find_child("Authorizer")
        .node.default_child.identity_source  # type: ignore[union-attr]
    )
    assert authorizer == f"method.request.header.{header}"


@pytest.mark.parametrize("header", ["", "Auth Header", "Auth:", "Tok\u00e9n", "a/b", "(x)"])
def test_malformed_token_headers_are_refused(stack: Stack, header: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=re.escape(f"token_header={header!r}") + ".*RFC 7230"):
        build(stack, token_header=header)


@pytest.mark.parametrize(
    "header", ["Host", "host", "Content-Length", "Content-Type", "X-Amz-Date", "X-Amzn-Trace-Id"]
)
def test_reserved_token_headers_are_refused(stack: Stack, header: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=re.escape(f"token_header={header!r}") + ".*reserved"):
        build(stack, token_header=header)


# token validities


@pytest.mark.parametrize("prop", ["access_token_validity", "id_token_validity"])
@pytest.mark.parametrize("duration", [Duration.minutes(5), Duration.days(1)], ids=["5min", "1day"])
def test_access_and_id_validity_bounds_are_accepted(
    stack: Stack, prop: str, duration: Duration
) -> None:
    # given / when
    auth = build(stack, **{prop: duration})

    # then
    assert auth.user_pool_client is not None


@pytest.mark.parametrize("prop", ["access_token_validity", "id_token_validity"])
@pytest.mark.parametrize(
    "duration",
    [Duration.seconds(299), Duration.minutes(4), Duration.minutes(24 * 60 + 1)],
    ids=["299s", "4min", "1day1min"],
)
def test_access_and_id_validity_outside_range_are_refused(
    stack: Stack, prop: str, duration: Duration
) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=rf"{prop}=.*5 minutes to 1 day"):
        build(stack, **{prop: duration})


@pytest.mark.parametrize(
    "refresh", [Duration.minutes(60), Duration.days(3650)], ids=["60min", "10years"]
)
def test_refresh_validity_bounds_are_accepted(stack: Stack, refresh: Duration) -> None:
    # given short access and id tokens
    # when
    auth = build(
        stack,
        access_token_validity=Duration.minutes(5),
        id_token_validity=Duration.minutes(5),
        refresh_token_validity=refresh,
    )

    # then
    assert auth.user_pool_client is not None


@pytest.mark.parametrize(
    "refresh", [Duration.minutes(59), Duration.days(3651)], ids=["59min", "3651days"]
)
def test_refresh_validity_outside_range_is_refused(stack: Stack, refresh: Duration) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"refresh_token_validity=.*60 minutes to 10 years"):
        build(
            stack,
            access_token_validity=Duration.minutes(5),
            id_token_validity=Duration.minutes(5),
            refresh_token_validity=refresh,
        )


@pytest.mark.parametrize("prop", ["access_token_validity", "id_token_validity"])
def test_refresh_not_longer_than_other_tokens_is_refused(stack: Stack, prop: str) -> None:
    # given a refresh token as long as the other token
    # when / then
    with pytest.raises(ValueError, match=rf"refresh_token_validity=.*longer than {prop}"):
        build(stack, **{prop: Duration.hours(2)}, refresh_token_validity=Duration.hours(2))


def test_refresh_just_longer_than_other_tokens_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(
        stack,
        access_token_validity=Duration.hours(2),
        id_token_validity=Duration.hours(2),
        refresh_token_validity=Duration.minutes(121),
    )

    # then
    assert auth.user_pool_client is not None


def test_unresolved_stage_name_and_header_are_skipped(stack: Stack) -> None:
    # given values known only at deploy time
    stage = CfnParameter(stack, "Stage").value_as_string
    header = CfnParameter(stack, "Header").value_as_string

    # when
    auth = build(stack, stage_name=stage, token_header=header)

    # then
    assert Token.is_unresolved(stage)
    assert auth.rest_api is not None


# auth_throttle


@pytest.mark.parametrize(
    ("throttle", "prop"),
    [
        (apigateway.ThrottleSettings(rate_limit=0), "rate_limit"),
        (apigateway.ThrottleSettings(rate_limit=-1), "rate_limit"),
        (apigateway.ThrottleSettings(burst_limit=0), "burst_limit"),
        (apigateway.ThrottleSettings(rate_limit=10, burst_limit=-5), "burst_limit"),
    ],
)
def test_non_positive_throttle_is_refused(
    stack: Stack, throttle: apigateway.ThrottleSettings, prop: str
) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=rf"auth_throttle.{prop}=.*greater than 0"):
        build(stack, auth_throttle=throttle)


def test_smallest_positive_throttle_is_accepted(stack: Stack) -> None:
    # given / when
    auth = build(stack, auth_throttle=apigateway.ThrottleSettings(rate_limit=0.5, burst_limit=1))

    # then
    assert auth.rest_api is not None


# stage_name


@pytest.mark.parametrize("name", ["prod", "v1", "dev-2_b", "a" * 128])
def test_valid_stage_names_are_accepted(stack: Stack, name: str) -> None:
    # given / when
    auth = build(stack, stage_name=name)

    # then
    stage = auth.rest_api.deployment_stage.node.default_child
    assert stack.resolve(stage.stage_name) == name  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["", "pro d", "prod/1", "a" * 129, "stage.1"])
def test_invalid_stage_names_are_refused(stack: Stack, name: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"stage_name=.*1 to 128 letters"):
        build(stack, stage_name=name)


# domain


def _certificate(stack: Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    )


def _zone(stack: Stack) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z1", zone_name="example.com"
    )


@pytest.mark.parametrize(
    "name", ["https://auth.example.com", "Auth.Example.com", "auth.example.com/", "auth", ""]
)
def test_invalid_domain_names_are_refused(stack: Stack, name: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"domain.domain_name=.*host name"):
        build(stack, domain=CustomDomain(domain_name=name, certificate=_certificate(stack)))


def test_domain_outside_zone_is_refused(stack: Stack) -> None:
    # given / when / then
    with pytest.raises(ValueError, match=r"not inside the hosted zone 'example.com'"):
        build(
            stack,
            domain=CustomDomain(
                domain_name="auth.notexample.com",
                certificate=_certificate(stack),
                hosted_zone=_zone(stack),
            ),
        )


@pytest.mark.parametrize("name", ["example.com", "auth.example.com", "a.b.example.com"])
def test_domain_inside_zone_is_accepted(stack: Stack, name: str) -> None:
    # given / when
    auth = build(
        stack,
        domain=CustomDomain(
            domain_name=name, certificate=_certificate(stack), hosted_zone=_zone(stack)
        ),
    )

    # then
    assert auth.url == f"https://{name}/"


def _handler(stack: Stack) -> Any:
    from .conftest import route_handler

    return route_handler(stack)


def test_every_problem_is_reported_at_once_naming_the_construct(stack) -> None:
    # given three unrelated mistakes in one CognitoApi
    from aws_cdk import aws_apigateway as apigateway

    from cognito_api_construct._problems import CognitoApiPropsError

    # when it is built
    with pytest.raises(CognitoApiPropsError) as raised:
        CognitoApi(
            stack,
            "Auth",
            token_header="Bad Header",
            stage_name="has space",
            cors=apigateway.CorsOptions(allow_origins=["https://app.example.com/"]),
        )

    # then one error names its construct path and lists each prop with its fix
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.path == "Stack/Auth"
    assert len(error.problems) == 3
    message = str(error)
    assert message.startswith("CognitoApi at Stack/Auth: 3 problems:")
    for prop in ("token_header='Bad Header'", "stage_name='has space'", "cors.allow_origins"):
        assert prop in message


def test_a_route_reports_all_its_problems_at_once(stack) -> None:
    # given a CognitoApi
    auth = CognitoApi(stack, "Auth")
    from .conftest import route_handler

    # when a route has a bad path part, a bad method and empty scopes
    with pytest.raises(ValueError, match="3 problems") as raised:
        auth.add_protected_route(
            "bad part/x", route_handler(stack), methods=["GET", "ANY"], authorization_scopes=[]
        )

    # then all three are named, under the construct's path
    message = str(raised.value)
    assert message.startswith("CognitoApi at Stack/Auth: 3 problems:")
    assert "path part 'bad part'" in message
    assert "ANY is a catch-all" in message
    assert "authorization_scopes=[]" in message
