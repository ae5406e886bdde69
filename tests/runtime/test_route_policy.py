"""The policy one caller earns (runtime.route_policy), judged by IAM's own evaluation.

API Gateway evaluates the cached policy for every method behind the authorizer
(https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors) with IAM's
rules: ``*`` in a Resource matches any run of characters (slashes included), an explicit
Deny wins over any Allow, and without a matching Allow the request is denied
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
``evaluate`` below is those rules; the properties check every request of every route.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from group_tokens import PREFIX
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime_asset import import_runtime_as_deployed

import_runtime_as_deployed()

from runtime.route_policy import (  # noqa: E402 - registered just above
    Route,
    method_arn_prefix,
    parse_routes,
    pattern_reaches,
    policy_statements,
    resource_pattern,
    shadowed_routes,
)


def route(method: str, path: str, *groups: str) -> Route:
    return Route(method=method, path=path, groups=frozenset(groups))


def evaluate(statements: list[dict[str, Any]], arn: str) -> bool:
    """IAM's decision for ``arn``: explicit Deny wins, then an Allow is needed."""

    def matches(pattern: str) -> bool:
        regex = ".*".join(re.escape(piece) for piece in pattern.split("*"))
        return re.fullmatch(regex, arn, re.DOTALL) is not None

    def hit(effect: str) -> bool:
        return any(
            matches(resource)
            for statement in statements
            if statement["Effect"] == effect
            for resource in statement["Resource"]
        )

    return not hit("Deny") and hit("Allow")


@pytest.mark.parametrize(
    ("method", "path", "pattern"),
    [
        ("GET", "/", "GET/"),
        ("GET", "/admin", "GET/admin"),
        ("POST", "/admin/reports/{id}/notes/{note}", "POST/admin/reports/*/notes/*"),
        ("ANY", "/ops/{proxy+}", "*/ops/*"),
        ("DELETE", "/v1.2/a-b_c:d$e", "DELETE/v1.2/a-b_c:d$e"),
    ],
)
def test_the_method_arn_pattern_of_a_route(method: str, path: str, pattern: str) -> None:
    """The output page's Resource: {httpVerb}/{resource}/{child-resources}, * for ANY and for
    each path parameter, whose value is only known at request time."""
    assert resource_pattern(route(method, path, "g")) == pattern


@pytest.mark.parametrize(
    ("arn", "prefix"),
    [
        (PREFIX + "GET/admin/reports/42", PREFIX),
        (PREFIX + "GET/", PREFIX),
        (
            "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/POST/a",
            "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/",
        ),
    ],
)
def test_the_prefix_of_a_method_arn(arn: str, prefix: str) -> None:
    """arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/, from the event."""
    assert method_arn_prefix(arn) == prefix


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "arn:aws:lambda:us-east-1:123456789012:function/x/y",
        "arn:aws:execute-api:us-east-1:123456789012:abc/prod",
        "arn:aws:execute-api:us-east-1:123456789012:*/prod/GET/",
        "arn:aws:execute-api:us-east-1:*:abc/prod/GET/",
        "arn:aws:execute-api:us-east-1:123456789012:abc/?/GET/",
    ],
)
def test_method_arns_that_would_widen_the_policy_are_refused(arn: str) -> None:
    """The prefix is copied into every Resource: a wildcard there would grant every API."""
    with pytest.raises(ValueError, match="method ARN"):
        method_arn_prefix(arn)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        "[1]",
        '[{"method": "GET", "path": "admin", "groups": ["g"]}]',
        '[{"method": "GET", "path": "/a//b", "groups": ["g"]}]',
        '[{"method": "GET", "path": "/{p+}/b", "groups": ["g"]}]',
        '[{"method": "GET", "path": "/a*", "groups": ["g"]}]',
        '[{"method": "GET", "path": "/a", "groups": "g"}]',
        '[{"method": "GET", "path": "/a", "groups": [""]}]',
        '[{"method": "GET", "path": "/a", "groups": ["g"]}, {"method": "get", "path": "/a", "groups": ["h"]}]',  # noqa: E501
    ],
)
def test_route_groups_that_are_not_routes_are_refused(text: str) -> None:
    """ROUTE_GROUPS paths are API Gateway resource paths (aws-cdk-lib's path-part check:
    [a-zA-Z0-9:._$-], {name}, a last {name+}); each route once, with at least one group."""
    with pytest.raises(ValueError, match="ROUTE_GROUPS"):
        parse_routes(text)


def test_a_wildcard_that_reaches_a_stricter_route_is_denied_explicitly() -> None:
    """The cached policy applies to every method: the Allow GET/admin/reports/* would also
    match /admin/reports/7/history, so that route, not the caller's, gets an explicit Deny."""
    routes = [
        route("GET", "/admin/reports/{id}", "admins", "auditors"),
        route("GET", "/admin/reports/{id}/history", "admins"),
        route("POST", "/admin/reports/{id}", "admins"),
    ]

    statements, admitted = policy_statements(PREFIX, routes, ["auditors"])

    assert admitted == 1
    assert statements == [
        {
            "Action": "execute-api:Invoke",
            "Effect": "Allow",
            "Resource": [PREFIX + "GET/admin/reports/*"],
        },
        {
            "Action": "execute-api:Invoke",
            "Effect": "Deny",
            "Resource": [PREFIX + "GET/admin/reports/*/history"],
        },
    ]
    assert evaluate(statements, PREFIX + "GET/admin/reports/7")
    assert not evaluate(statements, PREFIX + "GET/admin/reports/7/history")
    assert not evaluate(statements, PREFIX + "POST/admin/reports/7")


def test_an_any_route_reaching_other_paths_is_fenced_too() -> None:
    """*/x (method ANY) matches GET/other/x as well: the route there is denied explicitly."""
    routes = [route("ANY", "/x", "users"), route("GET", "/other/x", "admins")]

    statements, _ = policy_statements(PREFIX, routes, ["users"])

    assert evaluate(statements, PREFIX + "PUT/x")
    assert not evaluate(statements, PREFIX + "GET/other/x")


@pytest.mark.parametrize(
    ("pattern", "target", "expected"),
    [
        ("GET/a/*", route("GET", "/a/{b}/c", "g"), True),
        ("GET/a/*/c", route("GET", "/a/{b}", "g"), False),
        ("GET/a/*", route("GET", "/a", "g"), False),
        ("GET/*", route("GET", "/", "g"), True),
        ("*/x", route("GET", "/other/x", "g"), True),
        ("GET/a/*/d", route("GET", "/a/{proxy+}", "g"), True),
        ("POST/a", route("GET", "/a", "g"), False),
        ("GET/a/b", route("ANY", "/a/{x}", "g"), True),
        ("GET/a/b", route("ANY", "/a/c", "g"), False),
    ],
)
def test_which_patterns_reach_which_routes(pattern: str, target: Route, expected: bool) -> None:
    """Whether some ARN of the route matches the pattern: a parameter is one non-empty
    segment, a method ANY any method, a proxy+ one or more segments."""
    assert pattern_reaches(pattern, target) is expected


def test_overlapping_paths_with_different_groups_are_reported() -> None:
    """/admin/{x} and /admin/reports overlap: the Deny one needs may refuse the other's
    members, so the construct can refuse such lists. Nested paths do not overlap."""
    literal = route("GET", "/admin/reports", "admins")
    parameter = route("GET", "/admin/{x}", "ops")
    nested = [route("GET", "/r/{id}", "a", "b"), route("GET", "/r/{id}/h", "a")]

    assert shadowed_routes([literal, parameter]) == [(literal, parameter), (parameter, literal)]
    assert shadowed_routes(nested) == []
    assert shadowed_routes([literal, route("GET", "/admin/{x}", "admins")]) == []


# Properties over random route lists ------------------------------------------------

LITERALS = ["a", "b", "ab"]
VALUES = ["a", "b", "ab", "x1", "a.b"]
GROUPS = ["g1", "g2", "g3"]


@st.composite
def routes_and_request(draw: st.DrawFn) -> tuple[list[Route], Route, str, frozenset[str]]:
    """Routes, one of them, a concrete method ARN of it, and a caller's groups."""
    routes: dict[tuple[str, str], Route] = {}
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        parts = draw(st.lists(st.sampled_from([*LITERALS, "{p}"]), max_size=3))
        if draw(st.booleans()):
            parts.append("{rest+}")
        method = draw(st.sampled_from(["GET", "POST", "ANY"]))
        groups = draw(st.frozensets(st.sampled_from(GROUPS), min_size=1))
        path = "/" + "/".join(parts)
        routes[method, path] = Route(method, path, groups)
    target = draw(st.sampled_from(list(routes.values())))
    method = target.method
    if method == "ANY":
        method = draw(st.sampled_from(["GET", "POST", "PUT"]))
    segments = []
    for part in [] if target.path == "/" else target.path[1:].split("/"):
        if part.endswith("+}"):
            segments += draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3))
        elif part.startswith("{"):
            segments.append(draw(st.sampled_from(VALUES)))
        else:
            segments.append(part)
    arn = PREFIX + method + "/" + "/".join(segments)
    caller = draw(st.frozensets(st.sampled_from([*GROUPS, "other"])))
    return list(routes.values()), target, arn, caller


@settings(max_examples=1000, deadline=None)
@given(case=routes_and_request())
def test_no_caller_reaches_a_route_whose_groups_they_lack(
    case: tuple[list[Route], Route, str, frozenset[str]],
) -> None:
    """Whatever the routes: every request of a route whose groups the caller lacks is
    denied by the policy, as IAM evaluates it (Allow patterns that reach it are fenced
    by an explicit Deny)."""
    routes, target, arn, caller = case

    statements, _ = policy_statements(PREFIX, routes, caller)

    if not target.groups & caller:
        assert not evaluate(statements, arn)


@settings(max_examples=500, deadline=None)
@given(case=routes_and_request())
def test_members_reach_their_routes_unless_reported(
    case: tuple[list[Route], Route, str, frozenset[str]],
) -> None:
    """A member reaches every request of their route, unless shadowed_routes reports the
    route (overlapping paths with other groups: then refused, never wrongly admitted)."""
    routes, target, arn, caller = case

    statements, _ = policy_statements(PREFIX, routes, caller)

    shadowed = {pair[0] for pair in shadowed_routes(routes)}
    if target.groups & caller and target not in shadowed:
        assert evaluate(statements, arn)


@settings(max_examples=500, deadline=None)
@given(case=routes_and_request(), other=st.data())
def test_pattern_reaches_is_never_wrong_about_an_arn(
    case: tuple[list[Route], Route, str, frozenset[str]], other: st.DataObject
) -> None:
    """Whenever a concrete ARN of a route matches a pattern, pattern_reaches says so (its
    False answers are exact: the Deny fence relies on them)."""
    routes, target, arn, _ = case
    pattern = resource_pattern(other.draw(st.sampled_from(routes)))

    if evaluate([{"Effect": "Allow", "Resource": [PREFIX + pattern]}], arn):
        assert pattern_reaches(pattern, target)
