"""The group-restricted routes and the IAM policy one caller's groups earn, for the authorizer.

Design note.

What it owns: the ``ROUTE_GROUPS`` list (method, resource path, groups), the method-ARN
pattern of each route (``GET/admin/reports/*`` for ``/admin/reports/{id}``), and the
policy document a Lambda authorizer returns for one caller. API Gateway caches that
policy per token and applies it to every method behind the authorizer, so it covers them
all, not only the one requested
(https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors).

The wildcard problem, and its answer. In a policy's ``Resource``, ``*`` matches any run of
characters, slashes included, while a path parameter is one segment: the pattern
``GET/admin/reports/*`` of ``/admin/reports/{id}`` also matches every ARN of
``/admin/reports/{id}/delete``, and ``*/admin/x`` (method ``ANY``) even matches
``GET/other/admin/x``. An Allow alone would therefore admit a caller to routes whose
groups they lack. So the policy holds, besides the Allow for the caller's routes, an
explicit Deny for every other route one of those Allow patterns can reach, and an
explicit Deny wins over any Allow (IAM policy evaluation). Which patterns reach which
routes is decided exactly, as the emptiness of the intersection of two regular languages
(:func:`pattern_reaches`), over-approximating a greedy ``{proxy+}`` only, which can only
add Deny statements. The result: a caller never reaches a route whose groups they lack.
The price, when two routes' paths overlap (``/admin/{x}`` and ``/admin/reports`` with
different groups), is that a member of one may be refused on it (403);
:func:`shadowed_routes` finds such routes so that the construct can refuse them.

What it must not do: import anything but the standard library; read tokens or claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any, Final, NamedTuple

__all__ = [
    "METHODS",
    "Route",
    "method_arn_prefix",
    "parse_routes",
    "pattern_reaches",
    "policy_statements",
    "resource_pattern",
    "shadowed_routes",
]

#: The methods a route may name; ``ANY`` becomes ``*`` in its ARN pattern.
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"})
#: aws-cdk-lib's check of a resource path part (``validateResourcePathPart``): a literal,
#: ``{name}`` or, last only, ``{name+}``.
_PART: Final = r"[A-Za-z0-9:._$-]+"
_LITERAL: Final = re.compile(_PART)
_PARAMETER: Final = re.compile(r"\{" + _PART + r"\}")
_GREEDY: Final = re.compile(r"\{" + _PART + r"\+\}")
_ARN_PIECE: Final = re.compile(r"[^*?/]+")


class Route(NamedTuple):
    """A group-restricted route: only members of one of ``groups`` may call it."""

    method: str
    path: str
    groups: frozenset[str]


def parse_routes(text: str) -> tuple[Route, ...]:
    """The routes of ``ROUTE_GROUPS``: ``[{"method": ..., "path": ..., "groups": [...]}]``.

    Raises:
        ValueError: Not such a list, an unknown method, a path that is not an API
            Gateway resource path, a route without groups, or a route listed twice.
    """
    try:
        entries = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("ROUTE_GROUPS is not JSON") from None
    if not isinstance(entries, list):
        raise ValueError("ROUTE_GROUPS is not a list")
    routes = tuple(_route(entry) for entry in entries)
    if len({(route.method, route.path) for route in routes}) != len(routes):
        raise ValueError("ROUTE_GROUPS lists a route twice")
    return routes


def _route(entry: object) -> Route:
    if not isinstance(entry, dict):
        raise ValueError("a ROUTE_GROUPS entry is not an object")
    method, path, groups = entry.get("method"), entry.get("path"), entry.get("groups")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ValueError(f"ROUTE_GROUPS: unknown method {method!r}")
    if not isinstance(path, str) or not _is_resource_path(path):
        raise ValueError(f"ROUTE_GROUPS: {path!r} is not a resource path")
    if (
        not isinstance(groups, list)
        or not groups
        or not all(isinstance(group, str) and group for group in groups)
    ):
        raise ValueError(f"ROUTE_GROUPS: {path!r} needs a non-empty list of group names")
    return Route(method=method.upper(), path=path, groups=frozenset(groups))


def _is_resource_path(path: str) -> bool:
    if path == "/":
        return True
    if not path.startswith("/"):
        return False
    parts = path[1:].split("/")
    return all(
        _LITERAL.fullmatch(part)
        or _PARAMETER.fullmatch(part)
        or (index == len(parts) - 1 and _GREEDY.fullmatch(part))
        for index, part in enumerate(parts)
    )


def resource_pattern(route: Route) -> str:
    """The route's method-ARN pattern after ``{apiId}/{stage}/``: ``GET/admin/reports/*``.

    ``ANY`` becomes ``*``, and each ``{param}`` or ``{proxy+}`` segment ``*``. The root
    resource ``/`` gives ``GET/``, as its method ARN ends.
    """
    method = "*" if route.method == "ANY" else route.method
    parts = _parts(route.path)
    return method + "/" + "/".join("*" if part.startswith("{") else part for part in parts)


def method_arn_prefix(method_arn: str) -> str:
    """``arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/`` of a method ARN.

    Raises:
        ValueError: Not an execute-api method ARN, or one whose pieces hold ``*`` or ``?``
            (they would widen every pattern of the policy).
    """
    pieces = method_arn.split(":", 5)
    if len(pieces) != 6 or pieces[0] != "arn" or pieces[2] != "execute-api":
        raise ValueError("not an execute-api method ARN")
    api_stage = pieces[5].split("/", 2)
    if len(api_stage) != 3:
        raise ValueError("not an execute-api method ARN")
    named = [*pieces[1:5], *api_stage[:2]]
    if not all(_ARN_PIECE.fullmatch(piece) for piece in named):
        raise ValueError("not an execute-api method ARN")
    return ":".join(pieces[:5]) + f":{api_stage[0]}/{api_stage[1]}/"


def policy_statements(
    prefix: str, routes: Sequence[Route], groups: Collection[str]
) -> tuple[list[dict[str, Any]], int]:
    """The statements of the policy for a caller in ``groups``, and how many routes it admits.

    An Allow for the routes whose groups meet the caller's, an explicit Deny for each
    other route that those Allow patterns reach (see the module's note). A caller whom
    no route admits gets one explicit Deny for the whole stage, ``{prefix}*/*``: 403 with
    "User is not authorized to access this resource with an explicit deny"
    (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer).

    Args:
        prefix: :func:`method_arn_prefix` of the request's method ARN.
        routes: Every group-restricted route (every method behind the authorizer).
        groups: The caller's ``cognito:groups``.
    """
    caller = frozenset(groups)
    allowed = [route for route in routes if route.groups & caller]
    if not allowed:
        return [_statement("Deny", [prefix + "*/*"])], 0
    patterns = sorted({resource_pattern(route) for route in allowed})
    denied = sorted(
        {
            resource_pattern(route)
            for route in routes
            if not route.groups & caller
            and any(pattern_reaches(pattern, route) for pattern in patterns)
        }
    )
    statements = [_statement("Allow", [prefix + pattern for pattern in patterns])]
    if denied:
        statements.append(_statement("Deny", [prefix + pattern for pattern in denied]))
    return statements, len(allowed)


def _statement(effect: str, resources: list[str]) -> dict[str, Any]:
    return {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resources}


def shadowed_routes(routes: Sequence[Route]) -> list[tuple[Route, Route]]:
    """The pairs ``(route, by)`` where a member of ``route``'s groups may be refused on it.

    ``by``'s pattern reaches ``route``'s ARNs, and some caller is in ``route``'s groups
    but in none of ``by``'s: for that caller the policy may hold an explicit Deny for
    ``by`` that also covers ``route``. Empty for a list whose paths do not overlap;
    every caller then reaches exactly the routes their groups admit.
    """
    return [
        (route, by)
        for route in routes
        for by in routes
        if by is not route
        and not route.groups <= by.groups
        and pattern_reaches(resource_pattern(by), route)
    ]


# Regular-language intersection -------------------------------------------------------
# A language is a sequence of tokens (character class, repeated?): a class is one
# literal character, _ANY (any character) or _SEGMENT (any but "/"); a repeated token
# matches zero or more of its class. Both sides are such sequences, so a pattern reaches
# a route when some string walks both to their ends: a search of the product automaton.
_ANY: Final = 0
_SEGMENT: Final = 1
_Token = tuple[str | int, bool]


@lru_cache(maxsize=4096)
def pattern_reaches(pattern: str, route: Route) -> bool:
    """Whether the ARN pattern ``pattern`` (``*`` for any run) matches an ARN of ``route``.

    The route's ARNs are ``METHOD/path`` with each ``{param}`` one non-empty segment
    (any method for ``ANY``). A ``{proxy+}`` is taken as any non-empty text: a superset
    of its segments, so the answer may be a ``True`` too many, never a ``False``.
    """
    tokens: list[_Token] = [(_ANY, True) if char == "*" else (char, False) for char in pattern]
    return _intersects(tokens, _route_tokens(route))


def _route_tokens(route: Route) -> list[_Token]:
    tokens: list[_Token] = []
    if route.method == "ANY":
        tokens += [(_SEGMENT, False), (_SEGMENT, True)]
    else:
        tokens += [(char, False) for char in route.method]
    for part in _parts(route.path) or [""]:
        tokens.append(("/", False))
        if part.endswith("+}"):
            tokens += [(_ANY, False), (_ANY, True)]
        elif part.startswith("{"):
            tokens += [(_SEGMENT, False), (_SEGMENT, True)]
        else:
            tokens += [(char, False) for char in part]
    return tokens


def _parts(path: str) -> list[str]:
    return [] if path == "/" else path[1:].split("/")


def _intersects(left: Sequence[_Token], right: Sequence[_Token]) -> bool:
    seen: set[tuple[int, int]] = set()
    pending = [(0, 0)]
    while pending:
        state = pending.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == len(left) and j == len(right):
            return True
        if i < len(left) and left[i][1]:
            pending.append((i + 1, j))
        if j < len(right) and right[j][1]:
            pending.append((i, j + 1))
        if i < len(left) and j < len(right) and _meet(left[i][0], right[j][0]):
            pending.append((i if left[i][1] else i + 1, j if right[j][1] else j + 1))
    return False


def _meet(one: str | int, other: str | int) -> bool:
    if one == _ANY or other == _ANY:
        return True
    if one == _SEGMENT:
        return other != "/"
    if other == _SEGMENT:
        return one != "/"
    return one == other
