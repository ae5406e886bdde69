"""API Gateway's own responses (401, 403, 400, 502, 504...) and the template's overrides.

It owns what the gateway answers when it, not the Lambda, produces the response:
the built-in status and message per response type, the template's
``AWS::ApiGateway::GatewayResponse`` overrides (status code, headers such as CORS,
body template) with DEFAULT_4XX/DEFAULT_5XX as fallbacks, and the rendering of the
small part of VTL those templates use: ``$context...`` references,
``$util.escapeJavaScript(...)`` and chained ``.replaceAll("a","b")`` calls.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .apimodel import GatewayResponse

__all__ = [
    "GatewayResponses",
    "HttpResponse",
    "escape_javascript",
    "origin_overrides",
    "render_template",
]

_LOG = logging.getLogger(__name__)
_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
_BUILT_IN: Mapping[str, tuple[int, str | None, str]] = {
    # type: (status, message, x-amzn-ErrorType); a None message renders as JSON null.
    "UNAUTHORIZED": (401, "Unauthorized", "UnauthorizedException"),
    # A Lambda authorizer that raised (not "Unauthorized"), timed out or answered nonsense.
    "AUTHORIZER_CONFIGURATION_ERROR": (500, None, "AuthorizerConfigurationException"),
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        "Missing Authentication Token",
        "MissingAuthenticationTokenException",
    ),
    "ACCESS_DENIED": (403, "Forbidden", "ForbiddenException"),
    "WAF_FILTERED": (403, "Forbidden", "ForbiddenException"),
    "BAD_REQUEST_BODY": (400, "Invalid request body", "BadRequestException"),
    "BAD_REQUEST_PARAMETERS": (400, "Missing required request parameters", "BadRequestException"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", "RequestTooLargeException"),
    "THROTTLED": (429, "Too Many Requests", "TooManyRequestsException"),
    "INTEGRATION_TIMEOUT": (504, "Endpoint request timed out", "InternalServerErrorException"),
    # Lambda errors and malformed proxy responses have no type of their own: DEFAULT_5XX.
    "DEFAULT_5XX": (502, "Internal server error", "InternalServerErrorException"),
}
_REFERENCE = re.compile(r"\$!?(?:\{(context(?:\.\w+)+)\}|(context(?:\.\w+)+))")
_ESCAPE_CALL = "$util.escapeJavaScript("
_REPLACE_ALL = re.compile(r'\.replaceAll\("((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)')


@dataclass(frozen=True)
class HttpResponse:
    """A response ready for the wire: status, headers (repeatable), body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class GatewayResponses:
    """Renders the gateway's responses, the template's overrides first.

    Args:
        overrides: the API's gateway responses by ``ResponseType``.
    """

    def __init__(self, overrides: Mapping[str, GatewayResponse]) -> None:
        self._overrides = overrides

    def render(
        self,
        response_type: str,
        context: Mapping[str, str],
        request_headers: Mapping[str, str],
        *,
        message: str | None = None,
        error_type: str | None = None,
        built_in_template: str | None = None,
        customized: bool = True,
    ) -> HttpResponse:
        """Build the response of ``response_type`` for one request.

        Args:
            response_type: e.g. ``UNAUTHORIZED``, ``BAD_REQUEST_BODY``, ``DEFAULT_5XX``.
            context: ``$context`` values (``requestId``, ``error.validationErrorString``...).
            request_headers: the request's headers, keys lower-cased, for
                ``method.request.header.X`` header values.
            message: overrides the built-in message (``$context.error.message``).
            error_type: overrides the built-in ``x-amzn-ErrorType``.
            built_in_template: the body template when the template overrides neither
                this type nor its DEFAULT_4XX/5XX group (a Lambda authorizer's deny
                answers ``{"Message": ...}``). Defaults to ``{"message": ...}``.
            customized: False for API Gateway's own response, without the API's
                overrides (a request for a stage that does not exist reaches no
                deployment, so none of its gateway responses).
        """
        status, default_message, built_in_type = _BUILT_IN[response_type]
        group = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        override = (
            self._overrides.get(response_type) or self._overrides.get(group) if customized else None
        )
        text = message or default_message
        values = {
            **context,
            "error.message": text or "",
            "error.messageString": json.dumps(text),
            "error.responseType": response_type,
        }
        template = built_in_template or _DEFAULT_TEMPLATE
        headers = [("Content-Type", "application/json")]
        if override is not None:
            if override.status_code is not None and override.response_type == response_type:
                status = override.status_code
            # A customized response (or group) renders its own template, else the default.
            template = override.templates.get("application/json", _DEFAULT_TEMPLATE)
            for name, value in override.headers.items():
                headers.append((name, _header_value(value, request_headers)))
        headers += [
            ("x-amzn-RequestId", context.get("requestId", "")),
            ("x-amzn-ErrorType", error_type or built_in_type),
        ]
        return HttpResponse(status, headers, render_template(template, values).encode())


def _header_value(expression: str, request_headers: Mapping[str, str]) -> str:
    """A ResponseParameters value: a quoted literal or a request header mapping."""
    if len(expression) >= 2 and expression[0] == expression[-1] == "'":
        return expression[1:-1]
    prefix = "method.request.header."
    if expression.startswith(prefix):
        return request_headers.get(expression[len(prefix) :].lower(), "")
    return expression


def escape_javascript(text: str) -> str:
    r"""``$util.escapeJavaScript``: escape as a JavaScript string literal body.

    Quotes (both kinds), backslash and slash are backslash-escaped, control characters
    use the short forms or ``\uXXXX``, and every non-ASCII character becomes ``\uXXXX``.
    """
    short = {"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\n": "\\n"}
    short.update({"\t": "\\t", "\f": "\\f", "\r": "\\r"})
    out = []
    for char in text:
        if char in short:
            out.append(short[char])
        elif ord(char) < 32 or ord(char) > 0x7E:
            for unit in _utf16_units(char):
                out.append(f"\\u{unit:04X}")
        else:
            out.append(char)
    return "".join(out)


def _utf16_units(char: str) -> list[int]:
    encoded = char.encode("utf-16-be")
    return [int.from_bytes(encoded[i : i + 2], "big") for i in range(0, len(encoded), 2)]


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Render the VTL subset of gateway-response templates.

    ``$context.a.b`` (also ``$!context...``/``${context...}``) becomes ``values["a.b"]``
    (unknown references stay as written, as Velocity leaves them);
    ``$util.escapeJavaScript(REF)`` escapes the value, and any ``.replaceAll("re","s")``
    chained after it is applied in order.
    """
    if "#if" in template or "#set" in template or "#foreach" in template:
        _LOG.warning("Gateway response template uses VTL directives; rendered literally")
    out: list[str] = []
    position = 0
    while position < len(template):
        if template.startswith(_ESCAPE_CALL, position):
            end = template.find(")", position)
            inner = template[position + len(_ESCAPE_CALL) : end]
            value = escape_javascript(_substitute(inner, values))
            position = end + 1
            while match := _REPLACE_ALL.match(template, position):
                pattern, replacement = match.group(1), _java_replacement(match.group(2))
                value = re.sub(pattern, lambda _, r=replacement: r, value)
                position = match.end()
            out.append(value)
            continue
        match = _REFERENCE.match(template, position)
        if match:
            out.append(_value(match, values))
            position = match.end()
            continue
        out.append(template[position])
        position += 1
    return "".join(out)


def _substitute(text: str, values: Mapping[str, str]) -> str:
    return _REFERENCE.sub(lambda match: _value(match, values), text)


def _value(match: re.Match[str], values: Mapping[str, str]) -> str:
    name = (match.group(1) or match.group(2))[len("context.") :]
    return values.get(name, match.group(0))


def _java_replacement(text: str) -> str:
    # In a Java replacement string a backslash quotes the next character.
    return re.sub(r"\\(.)", r"\1", text)


_IF_BLOCK = re.compile(r"#if\((.*?)\)(.*?)#end", re.DOTALL)
_ORIGIN_TEST = re.compile(r'\$origin\s*==\s*"((?:[^"\\]|\\.)*)"')
_ORIGIN_OVERRIDE = re.compile(
    r"#set\(\$context\.responseOverride\.header\.([A-Za-z0-9-]+)\s*=\s*\$origin\)"
)


def origin_overrides(template: str, request_headers: Mapping[str, str]) -> dict[str, str]:
    """The headers a MOCK integration response template overrides with the request's Origin.

    aws-cdk-lib's CORS preflight for several origins answers the first origin as a fixed
    header and carries a template that sets ``Access-Control-Allow-Origin`` to the
    request's ``Origin`` when it equals one of the others:
    ``#if($origin == "b" || $origin == "c") #set($context.responseOverride.header.
    Access-Control-Allow-Origin = $origin) #end``. Those blocks are evaluated here; an
    origin the template does not name overrides nothing.

    Args:
        template: The integration response's ``application/json`` template.
        request_headers: The request's headers, names lower-cased.

    Returns:
        Header name -> value to put in place of the fixed one.
    """
    origin = request_headers.get("origin", "")
    overrides: dict[str, str] = {}
    if not origin or "$origin" not in template:
        return overrides
    for condition, body in _IF_BLOCK.findall(template):
        allowed = [literal.replace('\\"', '"') for literal in _ORIGIN_TEST.findall(condition)]
        if origin in allowed:
            for header in _ORIGIN_OVERRIDE.findall(body):
                overrides[header] = origin
    return overrides
