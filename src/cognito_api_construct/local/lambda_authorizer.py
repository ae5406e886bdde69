"""API Gateway's Lambda (custom) authorizers of a REST API: ``TOKEN`` and ``REQUEST``.

It owns what happens between the route match and the integration when a method's
authorizer is a Lambda function, as the AWS docs describe it: the identity sources
(missing or empty, or a token the ``IdentityValidationExpression`` refuses: 401 and the
function never runs), the event (``TOKEN``: the token and the method ARN; ``REQUEST``:
the request's headers, query, path parameters and context, as the proxy event has them),
the function's answer (``principalId``, an IAM ``policyDocument``, a flat ``context``),
the policy evaluated for the request's method ARN with IAM's wildcards (an explicit
``Deny`` wins; no ``Allow``: denied; 403 either way), the answer cached per identity
source values for ``AuthorizerResultTtlInSeconds`` and applied to the method ARN of each
later request, and the failures (the function's ``Unauthorized`` error: 401; any other
error, a timeout or a malformed answer: 500). The functions run in the emulator's workers
through ``invoke``; the gateway turns a refusal into its gateway response.

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .apimodel import Authorizer, RestApi
from .workers import FunctionCrashedError, FunctionError, FunctionTimeoutError

__all__ = [
    "DENY_TEMPLATE",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "LAMBDA_AUTHORIZER_TYPES",
    "AuthorizerRefusedError",
    "LambdaAuthorizer",
    "MalformedAnswerError",
    "Policy",
    "evaluate",
    "lambda_authorizers",
    "method_arn",
    "parse_answer",
    "request_event",
    "token_event",
]

_LOG = logging.getLogger(__name__)
LAMBDA_AUTHORIZER_TYPES = ("TOKEN", "REQUEST")
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"
IMPLICIT_DENY = "User is not authorized to access this resource"
#: API Gateway's own body for a Lambda authorizer's deny (note the capital M), used
#: when the template customizes neither ACCESS_DENIED nor DEFAULT_4XX.
DENY_TEMPLATE = '{"Message":$context.error.messageString}'
_INVOKE_ACTION = "execute-api:Invoke"
#: The REQUEST event's fields taken from the proxy event, in the docs' order.
_REQUEST_FIELDS = (
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
)
_MAX_CACHED = 4096
#: Identity source prefixes, and the proxy event field each one reads.
_SOURCES = {
    "method.request.header.": "headers",
    "method.request.multivalueheader.": "multiValueHeaders",
    "method.request.querystring.": "queryStringParameters",
    "method.request.multivaluequerystring.": "multiValueQueryStringParameters",
    "stageVariables.": "stageVariables",
}

Invoke = Callable[[str, Mapping[str, Any]], Any]


class AuthorizerRefusedError(Exception):
    """The gateway must answer the gateway response ``response_type`` and stop there.

    Attributes:
        response_type: ``UNAUTHORIZED``, ``ACCESS_DENIED`` or
            ``AUTHORIZER_CONFIGURATION_ERROR``.
        message: the gateway response's message (None: the type's own).
        reason: why, for the emulator's log only.
    """

    def __init__(self, response_type: str, reason: str, message: str | None = None) -> None:
        super().__init__(reason)
        self.response_type = response_type
        self.reason = reason
        self.message = message


class MalformedAnswerError(Exception):
    """The function's answer is not a valid authorizer output (API Gateway answers 500)."""


@dataclass(frozen=True)
class Statement:
    """One statement of the policy: ``Action``/``NotAction`` and ``Resource``/``NotResource``."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_action: bool = False
    not_resource: bool = False
    conditional: bool = False

    def applies(self, arn: str) -> bool:
        """Whether the statement covers ``execute-api:Invoke`` on ``arn``."""
        if self.conditional:
            return False  # conditions are not evaluated: the statement never applies
        action = any(_action_matches(pattern) for pattern in self.actions) != self.not_action
        resource = any(_arn_matches(p, arn) for p in self.resources) != self.not_resource
        return action and resource


@dataclass(frozen=True)
class Policy:
    """A function's valid answer: principal, statements and its context as strings."""

    principal_id: str
    statements: tuple[Statement, ...]
    context: Mapping[str, str | None]


def method_arn(region: str, account: str, api_id: str, stage: str, method: str, path: str) -> str:
    """``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}``.

    ``path`` is the request's path in the stage (actual values, not the resource's
    ``{name}`` placeholders), ``/`` for the root, which ends the ARN with ``/``.
    """
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def token_event(token: str, arn: str) -> dict[str, Any]:
    """The event of a ``TOKEN`` authorizer."""
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}


def request_event(proxy_event: Mapping[str, Any], arn: str) -> dict[str, Any]:
    """The event of a ``REQUEST`` authorizer: the proxy event's request fields, no body."""
    context = {k: v for k, v in proxy_event["requestContext"].items() if k != "authorizer"}
    event: dict[str, Any] = {"type": "REQUEST", "methodArn": arn}
    event.update({name: proxy_event.get(name) for name in _REQUEST_FIELDS})
    event["requestContext"] = context
    return event


def parse_answer(result: Any) -> Policy:
    """Read the function's answer.

    Raises:
        MalformedAnswerError: no string ``principalId``, no ``policyDocument`` with
            statements of ``Effect`` Allow/Deny, an action and a resource, or a
            ``context`` value that is an object or an array.
    """
    if not isinstance(result, Mapping):
        raise MalformedAnswerError("the answer is not an object")
    principal = result.get("principalId")
    if not isinstance(principal, str):
        raise MalformedAnswerError("principalId is missing or not a string")
    document = result.get("policyDocument")
    if not isinstance(document, Mapping):
        raise MalformedAnswerError("policyDocument is missing or not an object")
    raw = document.get("Statement")
    raw_statements = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(raw_statements, list):
        raise MalformedAnswerError("policyDocument.Statement is missing")
    context = result.get("context")
    if context is not None and not isinstance(context, Mapping):
        raise MalformedAnswerError("context is not an object")
    return Policy(
        principal_id=principal,
        statements=tuple(_statement(item) for item in raw_statements),
        context={str(key): _context_value(key, value) for key, value in (context or {}).items()},
    )


def evaluate(policy: Policy, arn: str) -> str | None:
    """None when ``policy`` allows invoking ``arn``, else the deny message.

    IAM's logic: an applicable ``Deny`` wins, else an applicable ``Allow`` is needed.
    """
    allowed = False
    for statement in policy.statements:
        if statement.applies(arn):
            if statement.effect == "Deny":
                return EXPLICIT_DENY
            allowed = True
    return None if allowed else IMPLICIT_DENY


class LambdaAuthorizer:
    """Runs one ``TOKEN`` or ``REQUEST`` authorizer, its cache included.

    Args:
        authorizer: the template's authorizer.
        invoke: calls a function by logical id with an event (the workers' invoke:
            the function's own ``Timeout`` applies, at most 29 s).
        unrunnable: why the emulator cannot run the function (its routes answer 500).
        clock: seconds, monotonic; the cache's time. Defaults to ``time.monotonic``.
    """

    def __init__(
        self,
        authorizer: Authorizer,
        invoke: Invoke,
        *,
        unrunnable: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.authorizer = authorizer
        self._invoke = invoke
        self._unrunnable = unrunnable
        self._clock = clock
        self._cache: dict[tuple[str, ...], tuple[float, Policy]] = {}
        self._lock = threading.Lock()
        self._validation = _validation(authorizer)

    def authorize(self, proxy_event: Mapping[str, Any], arn: str) -> dict[str, Any]:
        """What the integration gets as ``requestContext.authorizer`` if allowed.

        Args:
            proxy_event: the request's proxy event (for the identity sources and the
                ``REQUEST`` event's fields).
            arn: the request's method ARN.

        Returns:
            The context's values (as strings), ``principalId`` and
            ``integrationLatency`` (milliseconds; 0 from the cache).

        Raises:
            AuthorizerRefusedError: 401, 403 or 500; the integration must not run.
        """
        identity = self._identity(proxy_event)
        key = identity if self.authorizer.ttl_seconds > 0 and identity else None
        policy, latency = self._cached(key), 0
        if policy is None:
            started = time.perf_counter()
            policy = self._call(proxy_event, arn, identity)
            latency = int((time.perf_counter() - started) * 1000)
            if key is not None:
                self._store(key, policy)
        denied = evaluate(policy, arn)
        if denied is not None:
            raise AuthorizerRefusedError("ACCESS_DENIED", f"policy denies {arn}", denied)
        return {**policy.context, "principalId": policy.principal_id, "integrationLatency": latency}

    def _identity(self, proxy_event: Mapping[str, Any]) -> tuple[str, ...]:
        """The identity source values; a missing or empty one refuses with 401."""
        values = []
        for source in self.authorizer.identity_sources:
            value = _source_value(source, proxy_event)
            if not value:
                raise AuthorizerRefusedError("UNAUTHORIZED", f"identity source {source} missing")
            values.append(value)
        if self.authorizer.type == "TOKEN":
            if not values:
                raise AuthorizerRefusedError("UNAUTHORIZED", "no token header configured")
            if self._validation is not None and not self._validation.fullmatch(values[0]):
                raise AuthorizerRefusedError("UNAUTHORIZED", "IdentityValidationExpression")
        return tuple(values)

    def _call(self, proxy_event: Mapping[str, Any], arn: str, identity: tuple[str, ...]) -> Policy:
        function_id = self.authorizer.function_id
        if function_id is None or self._unrunnable is not None:
            raise _failure(self._unrunnable or "AuthorizerUri names no function of the template")
        if self.authorizer.type == "TOKEN":
            event = token_event(identity[0], arn)
        else:
            event = request_event(proxy_event, arn)
        try:
            result = self._invoke(function_id, event)
        except FunctionError as error:
            if error.error_message == "Unauthorized":
                raise AuthorizerRefusedError("UNAUTHORIZED", "the function said so") from None
            raise _failure(f"{function_id} raised {error.error_type}") from error
        except FunctionTimeoutError as error:
            raise _failure(f"{function_id} timed out") from error
        except FunctionCrashedError as error:
            raise _failure(f"{function_id} failed: {error}") from error
        try:
            policy = parse_answer(result)
        except MalformedAnswerError as error:
            raise _failure(f"{function_id} answered no valid authorizer output: {error}") from None
        if any(statement.conditional for statement in policy.statements):
            _LOG.warning("%s: policy Conditions are not evaluated locally", function_id)
        return policy

    def _cached(self, key: tuple[str, ...] | None) -> Policy | None:
        if key is None:
            return None
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry[0] <= self._clock():
                self._cache.pop(key, None)
                return None
            return entry[1]

    def _store(self, key: tuple[str, ...], policy: Policy) -> None:
        now = self._clock()
        with self._lock:
            if len(self._cache) >= _MAX_CACHED:  # forget the oldest entry
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = (now + self.authorizer.ttl_seconds, policy)


def lambda_authorizers(
    api: RestApi, invoke: Invoke, unrunnable: Mapping[str, str]
) -> dict[str, LambdaAuthorizer]:
    """A ``LambdaAuthorizer`` per TOKEN/REQUEST authorizer of ``api``, by logical id.

    One whose function the emulator cannot run (or that names none) is logged: its
    routes answer 500, as API Gateway does when it cannot invoke an authorizer.
    """
    result = {}
    for logical_id, authorizer in api.authorizers.items():
        if authorizer.type not in LAMBDA_AUTHORIZER_TYPES:
            continue
        function_id = authorizer.function_id
        reason = unrunnable.get(function_id or "")
        if function_id is None:
            reason = f"authorizer {logical_id}: its AuthorizerUri names no function of the stack"
        if reason is not None:
            _LOG.warning("Authorizer %s: its routes answer 500 (%s)", logical_id, reason)
        result[logical_id] = LambdaAuthorizer(authorizer, invoke, unrunnable=reason)
    return result


def _validation(authorizer: Authorizer) -> re.Pattern[str] | None:
    """A TOKEN authorizer's ``IdentityValidationExpression``, compiled (Python's ``re``)."""
    pattern = authorizer.validation_expression
    if not pattern or authorizer.type != "TOKEN":
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        message = "Authorizer %s: %r is no Python regex (%s): tokens are not validated"
        _LOG.warning(message, authorizer.logical_id, pattern, error)
        return None


def _failure(reason: str) -> AuthorizerRefusedError:
    return AuthorizerRefusedError("AUTHORIZER_CONFIGURATION_ERROR", reason)


def _source_value(source: str, event: Mapping[str, Any]) -> str | None:
    """The value of one identity source expression in the request, else None."""
    for prefix, field in _SOURCES.items():
        if source.startswith(prefix):
            name = source[len(prefix) :]
            values = event.get(field) or {}
            if "eader" in field:  # header names whatever their case
                values = {key.lower(): value for key, value in values.items()}
                name = name.lower()
            found = values.get(name)
            if isinstance(found, list):
                found = ",".join(str(item) for item in found)
            return found if isinstance(found, str) else None
    if source.startswith("context."):
        found = event.get("requestContext")
        for part in source.split(".")[1:]:
            found = found.get(part) if isinstance(found, Mapping) else None
        return str(found) if isinstance(found, (str, int, float)) else None
    _LOG.warning("Identity source %r is not emulated: treated as missing", source)
    return None


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, Mapping):
        raise MalformedAnswerError("a statement is not an object")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedAnswerError(f"Effect {effect!r} is neither Allow nor Deny")
    actions, not_action = _either(raw, "Action", "NotAction")
    resources, not_resource = _either(raw, "Resource", "NotResource")
    return Statement(
        effect=str(effect),
        actions=actions,
        resources=resources,
        not_action=not_action,
        not_resource=not_resource,
        conditional="Condition" in raw,
    )


def _either(raw: Mapping[str, Any], name: str, negated: str) -> tuple[tuple[str, ...], bool]:
    """The strings of ``name`` (False) or of ``negated`` (True): exactly one is given."""
    if (name in raw) == (negated in raw):
        raise MalformedAnswerError(f"a statement needs exactly one of {name} and {negated}")
    value = raw[name] if name in raw else raw[negated]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise MalformedAnswerError(f"{name} is not a string or a list of strings")
    return tuple(items), negated in raw


def _context_value(key: Any, value: Any) -> str | None:
    """A context value as the integration sees it: stringified (null stays null)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise MalformedAnswerError(f"context value {key!r} is an object or an array")


def _action_matches(pattern: str) -> bool:
    # Actions compare case-insensitively in IAM.
    regex = _wildcard(pattern.lower(), last_segment=True)
    return regex.fullmatch(_INVOKE_ACTION.lower()) is not None


def _arn_matches(pattern: str, arn: str) -> bool:
    """IAM's ARN match of ``pattern`` (wildcards ``*`` and ``?``) against ``arn``.

    A wildcard stays inside its colon-separated segment, except a ``*`` that ends a
    segment (it may expand past colons); the resource part (after the fifth colon) is
    one segment.
    """
    segments = pattern.split(":", 5)
    regex = ":".join(
        _wildcard(part, last_segment=index == 5).pattern for index, part in enumerate(segments)
    )
    return re.fullmatch(regex, arn, re.DOTALL) is not None


@functools.lru_cache(maxsize=1024)
def _wildcard(segment: str, *, last_segment: bool) -> re.Pattern[str]:
    parts = []
    for index, char in enumerate(segment):
        if char == "*":
            parts.append(".*" if last_segment or index == len(segment) - 1 else "[^:]*")
        elif char == "?":
            parts.append("." if last_segment else "[^:]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)
