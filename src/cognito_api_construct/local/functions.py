"""Which of the stack's Lambda functions the emulator runs, and with what environment.

It owns the choice of functions (those the API's routes integrate, those its Lambda
authorizers call, and those the user pools call as triggers), which of them the
emulator cannot run and why (their routes then answer 502 naming them, or 500 for an
authorizer's; the rest of the app still serves), the ``--env``
overrides and their targets, the resolution of each function's template environment,
and the directories of inline code. It starts no process: ``workers`` does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .apimodel import RestApi, references
from .assembly import LambdaFunction, Stack
from .resolve import References, UnresolvedReferenceError, resolve
from .services import DUMMY_CREDENTIALS
from .workers import UnsupportedFunctionError, check_runnable, lambda_environment

__all__ = [
    "FunctionPlan",
    "LocalApiError",
    "environments",
    "inline_code_dir",
    "overrides_of",
    "plan_functions",
]


class LocalApiError(Exception):
    """The emulator cannot serve this app as configured; the message says how to fix it."""


@dataclass
class FunctionPlan:
    """The functions to run and those that cannot run.

    Attributes:
        runnable: by logical id, the functions the workers run.
        unrunnable: by logical id, why a function cannot run locally.
        triggers: by logical id, the triggers a user pool calls the function as
            (``PreSignUp``, ``PreTokenGeneration V2_0``...).
    """

    runnable: dict[str, LambdaFunction] = field(default_factory=dict)
    unrunnable: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, list[str]] = field(default_factory=dict)


def plan_functions(stack: Stack, api: RestApi) -> FunctionPlan:
    """The functions of the API's routes, its Lambda authorizers and the pools' triggers.

    Each is runnable or not (with the reason).
    """
    wanted = {route.integration.function_id for route in api.routes}
    wanted |= {authorizer.function_id for authorizer in api.authorizers.values()}
    plan = FunctionPlan()
    for _, properties in stack.of_type("AWS::Cognito::UserPool"):
        for name, value in (properties.get("LambdaConfig") or {}).items():
            if name == "PreTokenGenerationConfig" and isinstance(value, dict):
                name = f"PreTokenGeneration {value.get('LambdaVersion', 'V1_0')}"
            for target in references(value):
                if target in stack.functions:
                    plan.triggers.setdefault(target, []).append(str(name))
    for logical_id, function in stack.functions.items():
        if logical_id not in wanted and logical_id not in plan.triggers:
            continue
        try:
            check_runnable(function)
        except UnsupportedFunctionError as error:
            plan.unrunnable[logical_id] = str(error)
            continue
        plan.runnable[logical_id] = function
    return plan


def overrides_of(
    env: Mapping[str, str], functions: Mapping[str, LambdaFunction]
) -> dict[str, dict[str, str]]:
    """``--env FUNCTION.VAR=VALUE`` items as per-function overrides.

    Raises:
        LocalApiError: a malformed item, or a FUNCTION that names none or several.
    """
    overrides: dict[str, dict[str, str]] = {key: {} for key in functions}
    for target, value in env.items():
        name, _, variable = target.rpartition(".")
        if not name or not variable:
            raise LocalApiError(f"--env {target}=...: expected FUNCTION.VAR=VALUE")
        for logical_id in _functions_named(name, functions):
            overrides[logical_id][variable] = value
    return overrides


def _functions_named(name: str, functions: Mapping[str, LambdaFunction]) -> list[str]:
    """The functions an ``--env`` target designates.

    ``*``, a logical id, a function name, or a unique prefix of a logical id.
    """
    if name == "*":
        return list(functions)
    exact = [key for key, fn in functions.items() if name in (key, fn.function_name)]
    if exact:
        return exact
    prefixed = [key for key in functions if key.startswith(name)]
    if len(prefixed) == 1:
        return prefixed
    listing = ", ".join(sorted(functions)) or "none"
    problem = "matches several functions" if prefixed else "matches no function the app runs"
    raise LocalApiError(f"--env {name}.VAR: {name!r} {problem}. Functions: {listing}.")


def environments(
    functions: Mapping[str, LambdaFunction],
    overrides: Mapping[str, Mapping[str, str]],
    references_: References,
    *,
    endpoint_url: str,
    region: str,
    code_dirs: Mapping[str, Path],
) -> dict[str, dict[str, str]]:
    """Each function's whole environment: the template's, resolved, then the overrides.

    Raises:
        LocalApiError: a variable refers to something the emulator cannot evaluate.
    """
    result = {}
    for logical_id, function in functions.items():
        variables = {}
        for name, value in function.environment.items():
            if name in overrides[logical_id]:
                continue
            try:
                variables[name] = resolve(value, references_)
            except UnresolvedReferenceError as error:
                raise LocalApiError(
                    f"Lambda function {logical_id}, environment variable {name}: {error}. "
                    f"Set it with --env {logical_id}.{name}=VALUE."
                ) from error
        variables.update(overrides[logical_id])
        result[logical_id] = lambda_environment(
            function,
            variables,
            endpoint_url=endpoint_url,
            region=region,
            credentials=DUMMY_CREDENTIALS,
            task_root=code_dirs[logical_id],
        )
    return result


def inline_code_dir(function: LambdaFunction) -> Path:
    """A new temporary directory holding an inline function's code; the caller removes it.

    CloudFormation stores inline (ZipFile) code as index.py, or index.js (CommonJS) for
    Node.js: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html
    """
    directory = Path(tempfile.mkdtemp(prefix=f"cognito-api-local-{function.logical_id}-"))
    name = "index.js" if (function.runtime or "").startswith("nodejs") else "index.py"
    (directory / name).write_text(function.inline_code or "", encoding="utf-8")
    return directory
