"""The routes users add: their checks, their resources, and the CORS their functions need.

Owns what ``add_protected_route`` and ``add_public_route`` share before a method is
added: the path and methods checked (every problem collected, raised once), the
resource found or created part by part, and the CORS environment given to the route's
function. The methods themselves are added by ``CognitoApi``; nothing here knows about
Cognito.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from aws_cdk import Annotations, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_

from ._cors import CorsPolicy
from ._problems import Problems

_PATH_PART = re.compile(r"^[A-Za-z0-9:._$-]+$")
_PATH_PARAMETER = re.compile(r"^\{[A-Za-z_][A-Za-z0-9_]*\}$")

#: Methods a route may have. ANY would be a catch-all; OPTIONS belongs to CORS.
ROUTE_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


def prepare_route(
    api: apigateway.RestApi,
    path: str,
    methods: Sequence[str],
    problems: Problems,
    *,
    reserved: Iterable[str],
) -> tuple[tuple[str, ...], apigateway.Resource | None]:
    """Check a route fully, then return its methods and its (new or reused) resource.

    Nothing is created when a problem was found (the resource is None then).
    """
    parts = route_segments(path, problems, reserved=reserved)
    verbs = route_methods(methods, problems)
    if problems.messages:
        return verbs, None
    current: apigateway.IResource = api.root
    for part in parts:
        existing = current.get_resource(part)
        if existing is None:
            if not _sibling_parameter_is_free(current, part, path, problems):
                return verbs, None
            existing = current.add_resource(part)
        current = existing
    if not isinstance(current, apigateway.Resource):
        raise TypeError(f"CognitoApi: {path!r} resolved to a non-resource {current!r}.")
    for verb in verbs:
        if current.node.try_find_child(verb) is not None:
            problems.add(
                "path",
                path,
                f"{verb} {current.path} already exists on rest_api (methods={list(methods)!r})",
                "Each route and method is added once: drop it from methods or use another path.",
            )
    return verbs, None if problems.messages else current


def _sibling_parameter_is_free(
    parent: apigateway.IResource, part: str, path: str, problems: Problems
) -> bool:
    """API Gateway allows one path parameter per level: ``{id}`` next to ``{name}`` fails."""
    if not part.startswith("{"):
        return True
    for child in parent.node.children:
        if isinstance(child, apigateway.Resource) and child.node.id.startswith("{"):
            problems.add(
                "path",
                path,
                f"{part} sits next to {child.node.id} under {parent.path}, and API Gateway "
                "allows one path parameter per level",
                f"Reuse {child.node.id} in this path.",
            )
            return False
    return True


def tell_cors(handler: lambda_.IFunction, cors: CorsPolicy | None) -> None:
    """Give a route's function the CORS environment its answers need (see README).

    API Gateway passes a proxy integration's headers through untouched, so the function
    itself must add the CORS headers; it learns the allowed origins here.
    """
    if cors is None:
        return
    if isinstance(handler, lambda_.Function):
        for name, value in cors.function_environment().items():
            handler.add_environment(name, value)
        return
    names = ", ".join(cors.function_environment())
    Annotations.of(handler).add_warning_v2(
        "cognito-api-construct:cors-environment",
        f"CognitoApi could not set {names} on this function (it is not a lambda.Function "
        "defined in this app): set them yourself, or browsers cannot read its answers.",
    )


def route_segments(path: str, problems: Problems, *, reserved: Iterable[str]) -> tuple[str, ...]:
    """Split a route path into API Gateway path parts, refusing unsafe ones.

    Args:
        path: ``"reports"`` or ``"v1/reports/{id}"``; one leading slash is accepted.
        problems: Where each problem goes.
        reserved: Top-level parts taken by the auth routes.

    Returns:
        The path parts in order; empty when the path cannot be split.
    """
    if Token.is_unresolved(path):
        problems.add("path", path, "a route path must be known at synth time", "Pass a str.")
        return ()
    if not isinstance(path, str) or not path.strip("/"):
        problems.add("path", path, "a route needs at least one path part", 'Pass e.g. "reports".')
        return ()
    parts = tuple(path.removeprefix("/").removesuffix("/").split("/"))
    for part in parts:
        if part.endswith("+}"):
            problems.add(
                "path",
                path,
                f"{part!r} is a greedy proxy path that would catch every route below it",
                "Add each route explicitly; CognitoApi never creates catch-all routes.",
            )
        elif not (_PATH_PART.match(part) or _PATH_PARAMETER.match(part)):
            problems.add(
                "path",
                path,
                f"path part {part!r} must be letters, digits, ':', '.', '_', '$' or '-', "
                "or a parameter such as '{id}'",
                'Use a path such as "v1/reports/{id}".',
            )
    if parts[0] in set(reserved):
        problems.add(
            "path",
            path,
            f"/{parts[0]} is one of CognitoApi's auth routes (reserved: "
            f"{', '.join(sorted(set(reserved)))})",
            'Choose another top-level path, e.g. "app/' + "/".join(parts) + '".',
        )
    return parts


def route_methods(methods: Sequence[str], problems: Problems) -> tuple[str, ...]:
    """Upper-case and check the HTTP methods of a route."""
    if isinstance(methods, str):
        problems.add(
            "methods",
            methods,
            "methods is a sequence of method names, not one string",
            f'Pass methods=["{methods}"].',
        )
        return ()
    if not methods:
        problems.add(
            "methods",
            methods,
            "a route needs at least one method",
            'Pass e.g. methods=["POST"] (the default).',
        )
        return ()
    normalised: list[str] = []
    for method in methods:
        upper = method.upper() if isinstance(method, str) else method
        if upper == "ANY":
            problems.add(
                "methods",
                list(methods),
                "ANY is a catch-all method, refused so that every method is deliberate",
                f"List the methods you serve, from {', '.join(ROUTE_METHODS)}.",
            )
        elif upper == "OPTIONS":
            problems.add(
                "methods",
                list(methods),
                "OPTIONS is the CORS preflight, which CognitoApi answers when cors is set",
                "Drop OPTIONS and pass cors=apigateway.CorsOptions(...) to CognitoApi.",
            )
        elif upper not in ROUTE_METHODS:
            problems.add(
                "methods",
                list(methods),
                f"{method!r} is not one of {', '.join(ROUTE_METHODS)}",
                "Use standard HTTP method names.",
            )
        elif upper in normalised:
            problems.add(
                "methods", list(methods), f"{upper} is listed twice", "List each method once."
            )
        else:
            normalised.append(upper)
    return tuple(normalised)


def check_authorization_scopes(
    scopes: Sequence[str] | None, problems: Problems
) -> tuple[str, ...] | None:
    """Accept ``None`` or a non-empty sequence of non-empty scope names."""
    if scopes is None:
        return None
    if isinstance(scopes, str) or not scopes or not all(isinstance(s, str) and s for s in scopes):
        problems.add(
            "authorization_scopes",
            scopes,
            "a non-empty list of OAuth scope names",
            'Pass e.g. ["aws.cognito.signin.user.admin"], or None to accept ID tokens.',
        )
        return None
    return tuple(scopes)
