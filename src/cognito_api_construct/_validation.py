"""Checks on the props of ``CognitoApi`` and on the routes users add.

Every check adds to a :class:`Problems` list instead of stopping at the first: a message
that names the prop, the value received, what is allowed and how to fix it. The caller
raises once, with every problem and the construct's path
(:class:`CognitoApiPropsError`, a ``ValueError``). Values that are unresolved CDK tokens
are skipped: they are only known at deploy time. Nothing here builds a construct.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from aws_cdk import Duration, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito

from ._cors import CorsPolicy, cors_policy
from ._problems import Problems
from ._waf import WebAclChoice
from .options import (
    DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES,
    DEFAULT_AUTH_THROTTLE,
    DEFAULT_ID_TOKEN_VALIDITY_MINUTES,
    DEFAULT_REFRESH_TOKEN_VALIDITY_DAYS,
    DEFAULT_STAGE_THROTTLE,
    CustomDomain,
    PoolSettings,
    SignUpFlow,
)
from .runtime.context import DEFAULT_STEP_UP_SECONDS

# RFC 7230 section 3.2.6 "token" characters.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# Headers a client cannot set freely or that API Gateway consumes or rewrites.
_RESERVED_HEADERS: Final = frozenset(
    {
        "connection",
        "content-length",
        "content-type",
        "expect",
        "host",
        "keep-alive",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_DOMAIN_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)

_ACCESS_ID_MIN_S: Final = 5 * 60
_ACCESS_ID_MAX_S: Final = 24 * 60 * 60
_REFRESH_MIN_S: Final = 60 * 60
_REFRESH_MAX_S: Final = 3650 * 24 * 60 * 60


class _Shown(str):
    """A value already rendered for a message: shown as is, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def refuse_pool_props_with_existing_pool(given: Mapping[str, object], problems: Problems) -> None:
    """Refuse pool-level props when ``user_pool`` is an existing pool.

    Args:
        given: Every pool-level prop by name, ``None`` when not given.
        problems: Where the problem goes: one message listing every such prop.
    """
    offending = [name for name, value in given.items() if value is not None]
    if offending:
        problems.note(
            "user_pool is an existing pool, so the pool-level props "
            f"{', '.join(offending)} cannot be applied (they configure a pool this "
            "construct would create). Either configure those settings on your pool and "
            "drop them here, or drop user_pool and let CognitoApi create the pool."
        )


def check_sign_up_flow(sign_up_flow: SignUpFlow, problems: Problems) -> None:
    """Accept a ``SignUpFlow`` member only."""
    if not isinstance(sign_up_flow, SignUpFlow):
        problems.add(
            "sign_up_flow",
            sign_up_flow,
            "expected a SignUpFlow member",
            "Pass SignUpFlow.ADMIN_CREATE or SignUpFlow.SELF_SERVICE.",
        )


#: Authenticator apps show the issuer next to every code; keep it readable.
TOTP_ISSUER_MAX: Final = 64


def check_totp_issuer(totp_issuer: str | None, problems: Problems) -> None:
    """Accept an issuer that fits an otpauth URI label (no ':'), 1-64 characters."""
    if totp_issuer is None or Token.is_unresolved(totp_issuer):
        return
    if not isinstance(totp_issuer, str) or not totp_issuer.strip():
        problems.add(
            "totp_issuer",
            totp_issuer,
            "the issuer must be a non-empty string",
            'Pass the name users know your service by, e.g. "Acme Reports", or leave it out.',
        )
    elif ":" in totp_issuer or len(totp_issuer) > TOTP_ISSUER_MAX:
        problems.add(
            "totp_issuer",
            totp_issuer,
            f"the issuer must be at most {TOTP_ISSUER_MAX} characters without ':' "
            "(':' separates issuer and account in the otpauth URI)",
            "Shorten it and drop any ':'.",
        )


def check_mfa(pool: PoolSettings, problems: Problems) -> None:
    """Refuse MFA settings that contradict each other or cannot deploy."""
    effective_mfa = pool.resolved_mfa
    factor = pool.resolved_second_factor
    if effective_mfa == cognito.Mfa.OFF:
        if pool.mfa_second_factor is not None:
            problems.add(
                "mfa_second_factor",
                _describe_factor(pool.mfa_second_factor),
                "a second factor has no effect when mfa=Mfa.OFF",
                "Set mfa to Mfa.OPTIONAL or Mfa.REQUIRED, or drop mfa_second_factor.",
            )
        return
    assert factor is not None  # MFA is on
    if not (factor.otp or factor.sms or factor.email):
        problems.add(
            "mfa_second_factor",
            _describe_factor(factor),
            f"mfa={effective_mfa} needs at least one of otp, sms or email enabled",
            "Pass cognito.MfaSecondFactor(otp=True, sms=False) (TOTP, the default) or "
            "set mfa=cognito.Mfa.OFF.",
        )
    plan = pool.resolved_feature_plan
    if factor.email and plan == cognito.FeaturePlan.LITE:
        problems.add(
            "mfa_second_factor",
            _describe_factor(factor),
            f"email MFA is not available on the {plan} feature plan",
            "Pass feature_plan=cognito.FeaturePlan.ESSENTIALS (or PLUS), or use otp.",
        )
    if pool.mfa_message is not None and not factor.sms:
        problems.add(
            "mfa_message",
            pool.mfa_message,
            "the MFA message is the SMS text, so it needs SMS as a second factor",
            "Enable sms in mfa_second_factor, or drop mfa_message.",
        )


def _describe_factor(factor: cognito.MfaSecondFactor) -> str:
    return _Shown(f"MfaSecondFactor(otp={factor.otp}, sms={factor.sms}, email={factor.email})")


def check_token_header(token_header: str, problems: Problems) -> None:
    """Accept an HTTP header name (RFC 7230 token) a client may set."""
    if Token.is_unresolved(token_header):
        return
    if not isinstance(token_header, str) or not _HEADER_NAME.match(token_header):
        problems.add(
            "token_header",
            token_header,
            "a header name is one or more letters, digits or !#$%&'*+-.^_`|~ (RFC 7230)",
            'Use a plain name such as "Authorization" (the default) or "Auth".',
        )
        return
    lowered = token_header.lower()
    if lowered in _RESERVED_HEADERS or lowered.startswith(("x-amz-", "x-amzn-")):
        problems.add(
            "token_header",
            token_header,
            "this header is reserved by HTTP or API Gateway and cannot carry the token",
            'Use "Authorization" (the default) or a header of your own such as "Auth".',
        )


def _seconds(duration: Duration) -> int | None:
    return None if duration.is_unresolved() else int(duration.to_seconds())


def check_token_validities(
    *, access: Duration, id_token: Duration, refresh: Duration, problems: Problems
) -> None:
    """Check token lifetimes against Cognito's ranges and each other."""
    for prop, duration in (("access_token_validity", access), ("id_token_validity", id_token)):
        seconds = _seconds(duration)
        if seconds is not None and not _ACCESS_ID_MIN_S <= seconds <= _ACCESS_ID_MAX_S:
            problems.add(
                prop,
                _Shown(duration.to_human_string()),
                "Cognito allows 5 minutes to 1 day",
                "Pass a Duration in that range, e.g. Duration.minutes(60) (the default).",
            )
    refresh_s = _seconds(refresh)
    if refresh_s is None:
        return
    if not _REFRESH_MIN_S <= refresh_s <= _REFRESH_MAX_S:
        problems.add(
            "refresh_token_validity",
            _Shown(refresh.to_human_string()),
            "Cognito allows 60 minutes to 10 years (3650 days)",
            "Pass a Duration in that range, e.g. Duration.days(30) (the default).",
        )
        return
    for prop, duration in (("access_token_validity", access), ("id_token_validity", id_token)):
        seconds = _seconds(duration)
        if seconds is not None and refresh_s <= seconds:
            problems.add(
                "refresh_token_validity",
                _Shown(refresh.to_human_string()),
                f"it must be longer than {prop} ({duration.to_human_string()})",
                f"Lengthen refresh_token_validity or shorten {prop}.",
            )


def throttle_or_default(
    name: str,
    given: apigateway.ThrottleSettings | None,
    default: apigateway.ThrottleSettings,
    problems: Problems,
) -> apigateway.ThrottleSettings:
    """Return ``given`` with ``default``'s values for its missing fields, checked.

    Args:
        name: The prop, for messages (``auth_throttle``, ``stage_throttle``, ``throttle``).
        given: The caller's settings, or None.
        default: The settings a missing field takes.
        problems: Where a rate or burst that is not positive is reported.
    """
    if given is None:
        return default
    rate, burst = given.rate_limit, given.burst_limit
    if rate is not None and not Token.is_unresolved(rate) and rate <= 0:
        problems.add(
            f"{name}.rate_limit",
            rate,
            "requests per second must be greater than 0",
            f"Pass a positive rate, e.g. {default.rate_limit} (the default).",
        )
    if burst is not None and not Token.is_unresolved(burst) and burst <= 0:
        problems.add(
            f"{name}.burst_limit",
            burst,
            "the burst must be greater than 0",
            f"Pass a positive burst, e.g. {default.burst_limit} (the default).",
        )
    return apigateway.ThrottleSettings(
        rate_limit=default.rate_limit if rate is None else rate,
        burst_limit=default.burst_limit if burst is None else burst,
    )


def check_stage_name(stage_name: str, problems: Problems) -> None:
    """Accept an API Gateway stage name."""
    if Token.is_unresolved(stage_name):
        return
    if not isinstance(stage_name, str) or not _STAGE_NAME.match(stage_name):
        problems.add(
            "stage_name",
            stage_name,
            "1 to 128 letters, digits, hyphens or underscores",
            'Use a name such as "prod" (the default) or "v1".',
        )


def check_domain(domain: CustomDomain | None, problems: Problems) -> None:
    """Accept a bare host name, inside the hosted zone when one is given."""
    if domain is None or Token.is_unresolved(domain.domain_name):
        return
    if not _DOMAIN_NAME.match(domain.domain_name):
        problems.add(
            "domain.domain_name",
            domain.domain_name,
            "a lower-case host name without scheme, port or path",
            'Pass e.g. CustomDomain(domain_name="auth.example.com", certificate=...).',
        )
        return
    zone = domain.hosted_zone
    if zone is None or Token.is_unresolved(zone.zone_name):
        return
    zone_name = zone.zone_name.rstrip(".")
    if domain.domain_name != zone_name and not domain.domain_name.endswith("." + zone_name):
        problems.add(
            "domain.domain_name",
            domain.domain_name,
            f"it is not inside the hosted zone {zone_name!r}, so no record can point at it",
            "Pass the hosted zone that holds the name, or drop hosted_zone.",
        )


@dataclass(frozen=True)
class CheckedProps:
    """The props that the checks also normalise: defaults applied, CORS read."""

    access_token_validity: Duration
    id_token_validity: Duration
    refresh_token_validity: Duration
    throttle: apigateway.ThrottleSettings
    cors: CorsPolicy | None
    stage_throttle: apigateway.ThrottleSettings
    web_acl: WebAclChoice
    step_up_seconds: int


def check_props(
    path: str,
    *,
    pool: PoolSettings,
    existing_pool: bool,
    token_validities: tuple[Duration | None, Duration | None, Duration | None],
    sign_up_flow: SignUpFlow,
    token_header: str,
    totp_issuer: str | None,
    step_up_window: Duration | None,
    domain: CustomDomain | None,
    cors: apigateway.CorsOptions | None,
    auth_throttle: apigateway.ThrottleSettings | None,
    stage_throttle: apigateway.ThrottleSettings | None,
    auth_reserved_concurrency: int | None,
    web_acl: WebAclChoice,
    stage_name: str,
) -> CheckedProps:
    """Check every prop, collecting problems; raise them at once, naming ``path``."""
    problems = Problems()
    if existing_pool:
        refuse_pool_props_with_existing_pool(pool.given(), problems)
    else:
        check_mfa(pool, problems)
        check_passwordless(pool, domain, problems)
    access, id_token, refresh = token_validities
    access = access or Duration.minutes(DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES)
    id_token = id_token or Duration.minutes(DEFAULT_ID_TOKEN_VALIDITY_MINUTES)
    refresh = refresh or Duration.days(DEFAULT_REFRESH_TOKEN_VALIDITY_DAYS)
    check_sign_up_flow(sign_up_flow, problems)
    check_token_header(token_header, problems)
    check_totp_issuer(totp_issuer, problems)
    check_token_validities(access=access, id_token=id_token, refresh=refresh, problems=problems)
    throttle = throttle_or_default("auth_throttle", auth_throttle, DEFAULT_AUTH_THROTTLE, problems)
    stage = throttle_or_default("stage_throttle", stage_throttle, DEFAULT_STAGE_THROTTLE, problems)
    check_reserved_concurrency(auth_reserved_concurrency, problems)
    step_up = check_step_up_window(step_up_window, problems)
    check_stage_name(stage_name, problems)
    check_domain(domain, problems)
    policy = None if cors is None else cors_policy(cors, token_header, problems)
    web_acl.check(policy.origins if policy and policy.needs_origin_check else (), problems)
    problems.raise_if_any(path)
    return CheckedProps(access, id_token, refresh, throttle, policy, stage, web_acl, step_up)


def check_step_up_window(window: Duration | None, problems: Problems) -> int:
    """Seconds of ``step_up_window``: 1 minute to 1 hour, 5 minutes by default."""
    if window is None:
        return DEFAULT_STEP_UP_SECONDS
    if Token.is_unresolved(window.to_seconds()) or not 60 <= window.to_seconds() <= 3600:
        problems.add(
            "step_up_window",
            window.to_human_string(),
            "the window must be between 1 minute and 1 hour",
            "Pass e.g. Duration.minutes(5) (the default).",
        )
        return DEFAULT_STEP_UP_SECONDS
    return int(window.to_seconds())


def check_passwordless(pool: PoolSettings, domain: CustomDomain | None, problems: Problems) -> None:
    """Refuse first factors the pool cannot offer as configured."""
    factors = pool.first_factors
    if factors - {"PASSWORD"} and pool.resolved_mfa == cognito.Mfa.REQUIRED:
        problems.add(
            "sign_in_policy",
            ", ".join(sorted(factors - {"PASSWORD"})),
            "Cognito offers passwordless first factors only where MFA is not required",
            "Pass mfa=cognito.Mfa.OPTIONAL (the default), or keep the password only.",
        )
    if pool.sign_in_policy is not None and "PASSWORD" not in factors:
        problems.add(
            "sign_in_policy.allowed_first_auth_factors.password",
            False,
            "the password cannot be turned off (Cognito keeps it as a first factor)",
            "Pass password=True next to the other factors.",
        )
    others = sorted(factors - {"PASSWORD"})
    plan = pool.resolved_feature_plan
    if others and plan == cognito.FeaturePlan.LITE:
        problems.add(
            "sign_in_policy",
            ", ".join(others),
            f"passwordless first factors are not available on the {plan} feature plan",
            "Pass feature_plan=cognito.FeaturePlan.ESSENTIALS (or PLUS).",
        )
    passkeys = "PASSKEY" in factors
    if passkeys and pool.passkey_relying_party_id is None and domain is None:
        problems.add(
            "passkey_relying_party_id",
            None,
            "passkeys need a relying party: the domain of the web app that creates them",
            "Pass passkey_relying_party_id='example.com' (your web app's domain), or domain=.",
        )
    for name in ("passkey_relying_party_id", "passkey_user_verification"):
        if getattr(pool, name) is not None and not passkeys:
            problems.add(
                name,
                str(getattr(pool, name)),
                "it has no effect unless passkeys are a first factor",
                "Add passkey=True to sign_in_policy's allowed_first_auth_factors, or drop it.",
            )


def check_reserved_concurrency(reserved: int | None, problems: Problems) -> None:
    """Accept a whole number of reserved executions, at least 1."""
    if reserved is None or Token.is_unresolved(reserved):
        return
    if isinstance(reserved, bool) or not isinstance(reserved, int) or reserved < 1:
        problems.add(
            "auth_reserved_concurrency",
            reserved,
            "reserved concurrency is a whole number of executions, at least 1",
            "Pass e.g. 10, or None to reserve nothing (the default).",
        )
