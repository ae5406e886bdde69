"""Checks on the props of ``CognitoApi`` and on the routes users add.

Every check raises ``ValueError`` whose message names the prop, the value received,
what is allowed and how to fix it. Values that are unresolved CDK tokens are skipped:
they are only known at deploy time. Nothing here builds a construct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from aws_cdk import Duration, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito

from .options import (
    DEFAULT_AUTH_THROTTLE,
    DEFAULT_AUTH_THROTTLE_BURST,
    DEFAULT_AUTH_THROTTLE_RATE,
    DEFAULT_FEATURE_PLAN,
    DEFAULT_MFA,
    DEFAULT_MFA_SECOND_FACTOR,
    CustomDomain,
    SignUpFlow,
)

#: Props that configure a user pool: meaningless when the caller brings its own.
POOL_PROPS: Final = (
    "password_policy",
    "mfa",
    "mfa_second_factor",
    "mfa_message",
    "sms_role",
    "lambda_triggers",
    "user_invitation",
    "user_verification",
    "feature_plan",
    "removal_policy",
    "deletion_protection",
)

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
_PATH_PART = re.compile(r"^[A-Za-z0-9:._$-]+$")
_PATH_PARAMETER = re.compile(r"^\{[A-Za-z_][A-Za-z0-9_]*\}$")
_DOMAIN_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)

#: Methods a route may have. ANY would be a catch-all; OPTIONS belongs to CORS.
ROUTE_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")

_ACCESS_ID_MIN_S: Final = 5 * 60
_ACCESS_ID_MAX_S: Final = 24 * 60 * 60
_REFRESH_MIN_S: Final = 60 * 60
_REFRESH_MAX_S: Final = 3650 * 24 * 60 * 60


class _Shown(str):
    """A value already rendered for a message: shown as is, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def _fail(prop: str, value: object, allowed: str, fix: str) -> ValueError:
    return ValueError(f"CognitoApi: {prop}={value!r} is invalid: {allowed}. {fix}")


def refuse_pool_props_with_existing_pool(given: Mapping[str, object]) -> None:
    """Refuse pool-level props when ``user_pool`` is an existing pool.

    Args:
        given: Every pool-level prop by name, ``None`` when not given.

    Raises:
        ValueError: Listing every pool-level prop that was given.
    """
    offending = [name for name in POOL_PROPS if given.get(name) is not None]
    if offending:
        raise ValueError(
            "CognitoApi: user_pool is an existing pool, so the pool-level props "
            f"{', '.join(offending)} cannot be applied (they configure a pool this "
            "construct would create). Either configure those settings on your pool and "
            "drop them here, or drop user_pool and let CognitoApi create the pool."
        )


def check_sign_up_flow(sign_up_flow: SignUpFlow) -> None:
    """Accept a ``SignUpFlow`` member only."""
    if not isinstance(sign_up_flow, SignUpFlow):
        raise _fail(
            "sign_up_flow",
            sign_up_flow,
            "expected a SignUpFlow member",
            "Pass SignUpFlow.ADMIN_CREATE or SignUpFlow.SELF_SERVICE.",
        )


#: Authenticator apps show the issuer next to every code; keep it readable.
TOTP_ISSUER_MAX: Final = 64


def check_totp_issuer(totp_issuer: str | None) -> None:
    """Accept an issuer that fits an otpauth URI label (no ':'), 1-64 characters."""
    if totp_issuer is None or Token.is_unresolved(totp_issuer):
        return
    if not isinstance(totp_issuer, str) or not totp_issuer.strip():
        raise _fail(
            "totp_issuer",
            totp_issuer,
            "the issuer must be a non-empty string",
            'Pass the name users know your service by, e.g. "Acme Reports", or leave it out.',
        )
    if ":" in totp_issuer or len(totp_issuer) > TOTP_ISSUER_MAX:
        raise _fail(
            "totp_issuer",
            totp_issuer,
            f"the issuer must be at most {TOTP_ISSUER_MAX} characters without ':' "
            "(':' separates issuer and account in the otpauth URI)",
            "Shorten it and drop any ':'.",
        )


def check_mfa(
    *,
    mfa: cognito.Mfa | None,
    mfa_second_factor: cognito.MfaSecondFactor | None,
    mfa_message: str | None,
    feature_plan: cognito.FeaturePlan | None,
) -> None:
    """Refuse MFA settings that contradict each other or cannot deploy."""
    effective_mfa = mfa if mfa is not None else DEFAULT_MFA
    factor = mfa_second_factor if mfa_second_factor is not None else DEFAULT_MFA_SECOND_FACTOR
    if effective_mfa == cognito.Mfa.OFF:
        if mfa_second_factor is not None:
            raise _fail(
                "mfa_second_factor",
                _describe_factor(mfa_second_factor),
                "a second factor has no effect when mfa=Mfa.OFF",
                "Set mfa to Mfa.OPTIONAL or Mfa.REQUIRED, or drop mfa_second_factor.",
            )
        return
    if not (factor.otp or factor.sms or factor.email):
        raise _fail(
            "mfa_second_factor",
            _describe_factor(factor),
            f"mfa={effective_mfa} needs at least one of otp, sms or email enabled",
            "Pass cognito.MfaSecondFactor(otp=True, sms=False) (TOTP, the default) or "
            "set mfa=cognito.Mfa.OFF.",
        )
    plan = feature_plan if feature_plan is not None else DEFAULT_FEATURE_PLAN
    if factor.email and plan == cognito.FeaturePlan.LITE:
        raise _fail(
            "mfa_second_factor",
            _describe_factor(factor),
            f"email MFA is not available on the {plan} feature plan",
            "Pass feature_plan=cognito.FeaturePlan.ESSENTIALS (or PLUS), or use otp.",
        )
    if mfa_message is not None and not factor.sms:
        raise _fail(
            "mfa_message",
            mfa_message,
            "the MFA message is the SMS text, so it needs SMS as a second factor",
            "Enable sms in mfa_second_factor, or drop mfa_message.",
        )


def _describe_factor(factor: cognito.MfaSecondFactor) -> str:
    return _Shown(f"MfaSecondFactor(otp={factor.otp}, sms={factor.sms}, email={factor.email})")


def check_token_header(token_header: str) -> None:
    """Accept an HTTP header name (RFC 7230 token) a client may set."""
    if Token.is_unresolved(token_header):
        return
    if not isinstance(token_header, str) or not _HEADER_NAME.match(token_header):
        raise _fail(
            "token_header",
            token_header,
            "a header name is one or more letters, digits or !#$%&'*+-.^_`|~ (RFC 7230)",
            'Use a plain name such as "Authorization" (the default) or "Auth".',
        )
    lowered = token_header.lower()
    if lowered in _RESERVED_HEADERS or lowered.startswith(("x-amz-", "x-amzn-")):
        raise _fail(
            "token_header",
            token_header,
            "this header is reserved by HTTP or API Gateway and cannot carry the token",
            'Use "Authorization" (the default) or a header of your own such as "Auth".',
        )


def _seconds(duration: Duration) -> int | None:
    return None if duration.is_unresolved() else int(duration.to_seconds())


def check_token_validities(
    *,
    access: Duration,
    id_token: Duration,
    refresh: Duration,
) -> None:
    """Check token lifetimes against Cognito's ranges and each other."""
    for prop, duration in (("access_token_validity", access), ("id_token_validity", id_token)):
        seconds = _seconds(duration)
        if seconds is not None and not _ACCESS_ID_MIN_S <= seconds <= _ACCESS_ID_MAX_S:
            raise _fail(
                prop,
                _Shown(duration.to_human_string()),
                "Cognito allows 5 minutes to 1 day",
                "Pass a Duration in that range, e.g. Duration.minutes(60) (the default).",
            )
    refresh_s = _seconds(refresh)
    if refresh_s is None:
        return
    if not _REFRESH_MIN_S <= refresh_s <= _REFRESH_MAX_S:
        raise _fail(
            "refresh_token_validity",
            _Shown(refresh.to_human_string()),
            "Cognito allows 60 minutes to 10 years (3650 days)",
            "Pass a Duration in that range, e.g. Duration.days(30) (the default).",
        )
    for prop, duration in (("access_token_validity", access), ("id_token_validity", id_token)):
        seconds = _seconds(duration)
        if seconds is not None and refresh_s <= seconds:
            raise _fail(
                "refresh_token_validity",
                _Shown(refresh.to_human_string()),
                f"it must be longer than {prop} ({duration.to_human_string()})",
                f"Lengthen refresh_token_validity or shorten {prop}.",
            )


def auth_throttle_or_default(
    auth_throttle: apigateway.ThrottleSettings | None,
) -> apigateway.ThrottleSettings:
    """Return the throttle of each auth method, the caller's fields over the defaults."""
    if auth_throttle is None:
        return DEFAULT_AUTH_THROTTLE
    rate = auth_throttle.rate_limit
    burst = auth_throttle.burst_limit
    if rate is not None and not Token.is_unresolved(rate) and rate <= 0:
        raise _fail(
            "auth_throttle.rate_limit",
            rate,
            "requests per second must be greater than 0",
            f"Pass a positive rate, e.g. {DEFAULT_AUTH_THROTTLE_RATE} (the default).",
        )
    if burst is not None and not Token.is_unresolved(burst) and burst <= 0:
        raise _fail(
            "auth_throttle.burst_limit",
            burst,
            "the burst must be greater than 0",
            f"Pass a positive burst, e.g. {DEFAULT_AUTH_THROTTLE_BURST} (the default).",
        )
    return apigateway.ThrottleSettings(
        rate_limit=DEFAULT_AUTH_THROTTLE_RATE if rate is None else rate,
        burst_limit=DEFAULT_AUTH_THROTTLE_BURST if burst is None else burst,
    )


def check_stage_name(stage_name: str) -> None:
    """Accept an API Gateway stage name."""
    if Token.is_unresolved(stage_name):
        return
    if not isinstance(stage_name, str) or not _STAGE_NAME.match(stage_name):
        raise _fail(
            "stage_name",
            stage_name,
            "1 to 128 letters, digits, hyphens or underscores",
            'Use a name such as "prod" (the default) or "v1".',
        )


def check_domain(domain: CustomDomain | None) -> None:
    """Accept a bare host name, inside the hosted zone when one is given."""
    if domain is None or Token.is_unresolved(domain.domain_name):
        return
    if not _DOMAIN_NAME.match(domain.domain_name):
        raise _fail(
            "domain.domain_name",
            domain.domain_name,
            "a lower-case host name without scheme, port or path",
            'Pass e.g. CustomDomain(domain_name="auth.example.com", certificate=...).',
        )
    zone = domain.hosted_zone
    if zone is None or Token.is_unresolved(zone.zone_name):
        return
    zone_name = zone.zone_name.rstrip(".")
    if domain.domain_name != zone_name and not domain.domain_name.endswith("." + zone_name):
        raise _fail(
            "domain.domain_name",
            domain.domain_name,
            f"it is not inside the hosted zone {zone_name!r}, so no record can point at it",
            "Pass the hosted zone that holds the name, or drop hosted_zone.",
        )


def route_segments(path: str, *, reserved: Iterable[str]) -> tuple[str, ...]:
    """Split a route path into API Gateway path parts, refusing unsafe ones.

    Args:
        path: ``"reports"`` or ``"v1/reports/{id}"``; one leading slash is accepted.
        reserved: Top-level parts taken by the auth routes.

    Returns:
        The path parts in order.
    """
    if Token.is_unresolved(path):
        raise _fail("path", path, "a route path must be known at synth time", "Pass a str.")
    if not isinstance(path, str) or not path.strip("/"):
        raise _fail("path", path, "a route needs at least one path part", 'Pass e.g. "reports".')
    parts = tuple(path.removeprefix("/").removesuffix("/").split("/"))
    for part in parts:
        if part.endswith("+}"):
            raise _fail(
                "path",
                path,
                f"{part!r} is a greedy proxy path that would catch every route below it",
                "Add each route explicitly; CognitoApi never creates catch-all routes.",
            )
        if not (_PATH_PART.match(part) or _PATH_PARAMETER.match(part)):
            raise _fail(
                "path",
                path,
                f"path part {part!r} must be letters, digits, ':', '.', '_', '$' or '-', "
                "or a parameter such as '{id}'",
                'Use a path such as "v1/reports/{id}".',
            )
    if parts[0] in set(reserved):
        raise _fail(
            "path",
            path,
            f"/{parts[0]} is one of CognitoApi's auth routes (reserved: "
            f"{', '.join(sorted(set(reserved)))})",
            'Choose another top-level path, e.g. "app/' + "/".join(parts) + '".',
        )
    return parts


def route_methods(methods: Sequence[str]) -> tuple[str, ...]:
    """Upper-case and check the HTTP methods of a route."""
    if isinstance(methods, str):
        raise _fail(
            "methods",
            methods,
            "methods is a sequence of method names, not one string",
            f'Pass methods=["{methods}"].',
        )
    if not methods:
        raise _fail(
            "methods",
            methods,
            "a route needs at least one method",
            'Pass e.g. methods=["POST"] (the default).',
        )
    normalised: list[str] = []
    for method in methods:
        upper = method.upper() if isinstance(method, str) else method
        if upper == "ANY":
            raise _fail(
                "methods",
                list(methods),
                "ANY is a catch-all method, refused so that every method is deliberate",
                f"List the methods you serve, from {', '.join(ROUTE_METHODS)}.",
            )
        if upper == "OPTIONS":
            raise _fail(
                "methods",
                list(methods),
                "OPTIONS is the CORS preflight, which CognitoApi answers when cors is set",
                "Drop OPTIONS and pass cors=apigateway.CorsOptions(...) to CognitoApi.",
            )
        if upper not in ROUTE_METHODS:
            raise _fail(
                "methods",
                list(methods),
                f"{method!r} is not one of {', '.join(ROUTE_METHODS)}",
                "Use standard HTTP method names.",
            )
        if upper in normalised:
            raise _fail(
                "methods", list(methods), f"{upper} is listed twice", "List each method once."
            )
        normalised.append(upper)
    return tuple(normalised)


def check_authorization_scopes(scopes: Sequence[str] | None) -> tuple[str, ...] | None:
    """Accept ``None`` or a non-empty sequence of non-empty scope names."""
    if scopes is None:
        return None
    if isinstance(scopes, str) or not scopes or not all(isinstance(s, str) and s for s in scopes):
        raise _fail(
            "authorization_scopes",
            scopes,
            "a non-empty list of OAuth scope names",
            'Pass e.g. ["aws.cognito.signin.user.admin"], or None to accept ID tokens.',
        )
    return tuple(scopes)
