"""CORS for browsers: one policy, applied to every answer the API can give.

Owns the reading of the ``cors`` prop into a :class:`CorsPolicy` and what follows from
it: the preflight options (the token header allowed), the headers of API Gateway's own
responses, the environment that tells Lambda functions (the auth function and the
user's route handlers) which origins to answer, and whether several origins need the
web ACL of :mod:`._waf` to refuse the others. It builds no resource itself.

API Gateway's gateway responses (the authorizer's 401, an unknown path's 403, a body
the model refuses...) cannot look at the request: their headers are fixed strings or a
copy of a request header. So:

- one origin: that origin, as a fixed string; another origin cannot read the answer;
- ``Cors.ALL_ORIGINS`` (without credentials): ``*``;
- several origins: the request's own ``Origin`` is copied, which is safe only because a
  web ACL associated with the stage refuses every request whose ``Origin`` is not one of
  them before API Gateway answers anything (see ``_waf``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import Token
from aws_cdk import aws_apigateway as apigateway

from ._problems import Problems

#: Response headers a browser script may read besides the CORS-safelisted ones: the
#: auth routes' 429 says when to retry.
EXPOSED_HEADERS: Final = ("Retry-After",)
ALL_ORIGINS: Final = "*"
#: Environment variables the construct sets on the auth function and on the functions of
#: add_protected_route / add_public_route when ``cors`` is set (see the README).
ORIGINS_VARIABLE: Final = "CORS_ALLOW_ORIGINS"
CREDENTIALS_VARIABLE: Final = "CORS_ALLOW_CREDENTIALS"
EXPOSE_VARIABLE: Final = "CORS_EXPOSE_HEADERS"

# A serialized origin (RFC 6454 section 6.1) as browsers send it: scheme, lower-case
# host, optional port; no path, no trailing slash.
_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[a-z0-9.\-\[\]:]+(:[0-9]{1,5})?$")


@dataclass(frozen=True)
class CorsPolicy:
    """The ``cors`` prop, checked, with the token header allowed.

    Attributes:
        options: What the preflights answer (the caller's options with the token
            header added to the allowed headers).
        origins: The allowed origins, or ``("*",)`` for every origin.
        allow_credentials: Whether ``Access-Control-Allow-Credentials: true`` is sent.
        expose_headers: The headers a browser script may read.
    """

    options: apigateway.CorsOptions
    origins: tuple[str, ...]
    allow_credentials: bool
    expose_headers: tuple[str, ...]

    @property
    def all_origins(self) -> bool:
        """Whether every origin may read the answers (``Cors.ALL_ORIGINS``)."""
        return self.origins == (ALL_ORIGINS,)

    @property
    def needs_origin_check(self) -> bool:
        """Whether gateway responses copy the request's origin, so WAF must check it."""
        return not self.all_origins and len(self.origins) > 1

    def function_environment(self) -> dict[str, str]:
        """The variables a Lambda function reads to answer with the same CORS headers."""
        return {
            ORIGINS_VARIABLE: ",".join(self.origins),
            CREDENTIALS_VARIABLE: "true" if self.allow_credentials else "false",
            EXPOSE_VARIABLE: ",".join(self.expose_headers),
        }

    def gateway_response_headers(self) -> dict[str, str]:
        """The headers of API Gateway's own 4XX/5XX answers, as response parameters."""
        headers: dict[str, str] = {
            "Access-Control-Allow-Headers": _quoted(self.options.allow_headers or ()),
            "Access-Control-Allow-Methods": _quoted(
                self.options.allow_methods or apigateway.Cors.ALL_METHODS
            ),
            "Access-Control-Expose-Headers": _quoted(self.expose_headers),
        }
        if self.needs_origin_check:
            # Safe only because the origin-check web ACL refused every other origin.
            headers["Access-Control-Allow-Origin"] = "method.request.header.Origin"
            headers["Vary"] = "'Origin'"
        else:
            headers["Access-Control-Allow-Origin"] = f"'{self.origins[0]}'"
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "'true'"
        return headers


def _quoted(values: Sequence[str]) -> str:
    return "'" + ",".join(values) + "'"


def cors_policy(
    cors: apigateway.CorsOptions, token_header: str, problems: Problems
) -> CorsPolicy | None:
    """Check ``cors`` and return its policy, the token header allowed.

    Browsers refuse to send a header the preflight did not allow, so a custom token
    header (``Auth``) is added to the allowed headers. The caller's object is not
    changed. Refused, each with its fix: ``ALL_ORIGINS`` with credentials (browsers
    refuse ``*`` then), an empty list, ``*`` among other origins, an origin that is not
    ``scheme://host[:port]`` in lower case.

    Returns:
        The policy, or None when ``cors`` has a problem (added to ``problems``).
    """
    origins = tuple(cors.allow_origins)
    found = len(problems.messages)
    _check_origins(origins, bool(cors.allow_credentials), problems)
    if len(problems.messages) > found:
        return None
    headers = list(cors.allow_headers or apigateway.Cors.DEFAULT_HEADERS)
    if token_header.lower() not in {h.lower() for h in headers}:
        headers.append(token_header)
    expose = list(cors.expose_headers or ())
    for name in EXPOSED_HEADERS:
        if name.lower() not in {h.lower() for h in expose}:
            expose.append(name)
    options = apigateway.CorsOptions(
        allow_origins=list(origins),
        allow_credentials=cors.allow_credentials,
        allow_headers=headers,
        allow_methods=cors.allow_methods,
        disable_cache=cors.disable_cache,
        expose_headers=expose,
        max_age=cors.max_age,
        status_code=cors.status_code,
    )
    return CorsPolicy(
        options=options,
        origins=origins,
        allow_credentials=bool(cors.allow_credentials),
        expose_headers=tuple(expose),
    )


def _check_origins(origins: tuple[str, ...], allow_credentials: bool, problems: Problems) -> None:
    if not origins:
        problems.note(
            "cors.allow_origins=[] is invalid: a browser needs at least one allowed origin. "
            'Pass e.g. allow_origins=["https://app.example.com"], or drop cors.'
        )
        return
    if ALL_ORIGINS in origins:
        if len(origins) > 1:
            problems.note(
                f"cors.allow_origins={list(origins)!r} is invalid: '*' already allows every "
                "origin. Pass apigateway.Cors.ALL_ORIGINS alone, or list the origins "
                "without '*'."
            )
        elif allow_credentials:
            problems.note(
                "cors.allow_origins=Cors.ALL_ORIGINS with allow_credentials=True is invalid: "
                "browsers refuse credentialed answers whose Access-Control-Allow-Origin is "
                "'*'. List your front end's origins, e.g. "
                'allow_origins=["https://app.example.com"], or drop allow_credentials.'
            )
        return
    for origin in origins:
        if Token.is_unresolved(origin):
            problems.note(
                f"cors.allow_origins holds {origin!r}, a value known only at deploy time: the "
                "origins must be known at synth time (the auth function compares them with "
                "each request's Origin). Pass them as plain strings."
            )
        elif not _ORIGIN.match(origin):
            problems.note(
                f"cors.allow_origins holds {origin!r}, which is not an origin as a browser "
                "sends it: scheme://host[:port] in lower case, with no path and no trailing "
                'slash. Pass e.g. "https://app.example.com" or "http://localhost:5173".'
            )
