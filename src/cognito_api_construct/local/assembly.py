"""Read a synthesized cloud assembly (``cdk.out``) into plain data the emulator can run.

It owns the mapping from CloudFormation to the emulator's model: stacks from
``manifest.json``, and from each template the REST API (routes with their full paths,
methods, authorizers, models, validators, gateway responses), the Lambda functions
(runtime, handler, timeout, environment, asset directory), the user pools and clients
and the Secrets Manager secrets. Everything here is data: nothing is started, nothing
is resolved against running services (that is ``resolve``), and the only I/O is
reading the assembly's files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .apimodel import RestApi, read_rest_apis

__all__ = [
    "AssemblyError",
    "CloudAssembly",
    "LambdaFunction",
    "Stack",
    "read_assembly",
    "select_api",
]

_DEFAULT_REGION = "us-east-1"
# moto's default account: ids and ARNs the embedded services mint carry it.
_DEFAULT_ACCOUNT = "123456789012"
_LAMBDA_DEFAULT_TIMEOUT = 3
_LAMBDA_DEFAULT_MEMORY = 128


class AssemblyError(Exception):
    """The cloud assembly cannot be read or does not hold exactly one API to serve."""


@dataclass(frozen=True)
class LambdaFunction:
    """An ``AWS::Lambda::Function`` as the template declares it.

    ``environment`` values are raw template values (strings or intrinsic functions);
    ``code_dir`` is the asset directory on disk, or None for inline code
    (``inline_code``) and container images.
    """

    logical_id: str
    function_name: str
    runtime: str | None
    handler: str | None
    package_type: str
    timeout_seconds: int
    memory_mb: int
    environment: Mapping[str, Any]
    code_dir: Path | None
    inline_code: str | None


@dataclass(frozen=True)
class Stack:
    """One CloudFormation stack of the assembly, with the resources the emulator uses."""

    name: str
    region: str
    account: str
    resources: Mapping[str, Mapping[str, Any]]
    parameters: Mapping[str, Any]
    apis: tuple[RestApi, ...]
    functions: Mapping[str, LambdaFunction]

    def of_type(self, resource_type: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Yield ``(logical_id, properties)`` of every resource of ``resource_type``."""
        for logical_id, resource in self.resources.items():
            if resource.get("Type") == resource_type:
                yield logical_id, resource.get("Properties", {})


@dataclass(frozen=True)
class CloudAssembly:
    """Every stack of a cloud assembly directory, nested stages included."""

    directory: Path
    stacks: tuple[Stack, ...] = field(default_factory=tuple)


def read_assembly(directory: Path | str) -> CloudAssembly:
    """Read ``manifest.json`` of a cloud assembly and every stack template it lists.

    Args:
        directory: the ``cdk.out`` directory written by ``app.synth()``.

    Returns:
        The assembly with one ``Stack`` per CloudFormation stack artifact.

    Raises:
        AssemblyError: the directory has no manifest or a template cannot be read.

    Example:
        >>> assembly = read_assembly("cdk.out")  # doctest: +SKIP
        >>> stack, api = select_api(assembly)  # doctest: +SKIP
    """
    root = Path(directory)
    return CloudAssembly(directory=root, stacks=tuple(_read_stacks(root)))


def select_api(assembly: CloudAssembly, stack: str | None = None) -> tuple[Stack, RestApi]:
    """Pick the one REST API to serve, by stack name when several exist.

    Args:
        assembly: the assembly read by ``read_assembly``.
        stack: the stack name (``--stack``). Defaults to the only stack with a REST API.

    Raises:
        AssemblyError: no API, or several and no (or an unknown) ``stack``; the
            message lists the candidates.
    """
    candidates = [(s, api) for s in assembly.stacks for api in s.apis]
    listing = ", ".join(f"{s.name} ({api.logical_id})" for s, api in candidates) or "none"
    if stack is not None:
        candidates = [(s, api) for s, api in candidates if s.name == stack]
        if not candidates:
            raise AssemblyError(
                f"--stack {stack!r}: no stack of that name with an AWS::ApiGateway::RestApi "
                f"in {assembly.directory}. Stacks with an API: {listing}."
            )
    if not candidates:
        raise AssemblyError(
            f"No AWS::ApiGateway::RestApi in the cloud assembly {assembly.directory}: "
            "nothing to serve. Is this the right app?"
        )
    if len(candidates) > 1:
        raise AssemblyError(
            f"Several REST APIs in {assembly.directory}: {listing}. Choose one with "
            "--stack NAME (the emulator serves one API per stack)."
        )
    return candidates[0]


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise AssemblyError(
            f"{path} not found: is this a cloud assembly (the cdk.out directory)?"
        ) from error
    except json.JSONDecodeError as error:
        raise AssemblyError(f"{path} is not valid JSON: {error}") from error


def _read_stacks(root: Path) -> Iterator[Stack]:
    manifest = _load_json(root / "manifest.json")
    artifacts: Mapping[str, Any] = manifest.get("artifacts", {})
    assets = _asset_paths(root, artifacts)
    for name, artifact in artifacts.items():
        kind = artifact.get("type")
        properties = artifact.get("properties", {})
        if kind == "cdk:cloud-assembly":
            # A cdk.Stage: its stacks live in a nested assembly directory.
            yield from _read_stacks(root / properties["directoryName"])
        elif kind == "aws:cloudformation:stack":
            template = _load_json(root / properties["templateFile"])
            account, region = _environment(artifact.get("environment", ""))
            yield _stack(artifact.get("displayName", name), region, account, template, root, assets)


def _environment(environment: str) -> tuple[str, str]:
    """Account and region of ``aws://ACCOUNT/REGION``, with defaults for unknown ones."""
    account, region = _DEFAULT_ACCOUNT, _DEFAULT_REGION
    if environment.startswith("aws://"):
        parts = environment[len("aws://") :].split("/")
        if len(parts) == 2:
            if parts[0].isdigit():
                account = parts[0]
            if parts[1] and not parts[1].startswith("unknown"):
                region = parts[1]
    return account, region


def _asset_paths(root: Path, artifacts: Mapping[str, Any]) -> dict[str, Path]:
    """Map asset object keys (``<hash>.zip``) to asset directories, from the asset manifests."""
    paths: dict[str, Path] = {}
    for artifact in artifacts.values():
        if artifact.get("type") != "cdk:asset-manifest":
            continue
        files = _load_json(root / artifact["properties"]["file"]).get("files", {})
        for asset in files.values():
            source = root / asset.get("source", {}).get("path", "")
            for destination in asset.get("destinations", {}).values():
                paths[destination.get("objectKey", "")] = source
    return paths


def _stack(
    name: str,
    region: str,
    account: str,
    template: Mapping[str, Any],
    root: Path,
    assets: Mapping[str, Path],
) -> Stack:
    resources: Mapping[str, Mapping[str, Any]] = template.get("Resources", {})
    parameters = {
        key: value.get("Default")
        for key, value in template.get("Parameters", {}).items()
        if "Default" in value
    }
    functions = {
        logical_id: _function(name, logical_id, resource, root, assets)
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::Lambda::Function"
    }
    return Stack(
        name=name,
        region=region,
        account=account,
        resources=resources,
        parameters=parameters,
        apis=tuple(read_rest_apis(resources)),
        functions=functions,
    )


def _function(
    stack_name: str,
    logical_id: str,
    resource: Mapping[str, Any],
    root: Path,
    assets: Mapping[str, Path],
) -> LambdaFunction:
    properties = resource.get("Properties", {})
    code = properties.get("Code", {})
    name = properties.get("FunctionName")
    return LambdaFunction(
        logical_id=logical_id,
        # CloudFormation generates names like this one when FunctionName is absent.
        function_name=name if isinstance(name, str) else f"{stack_name}-{logical_id}"[:64],
        runtime=properties.get("Runtime"),
        handler=properties.get("Handler"),
        package_type=properties.get("PackageType", "Image" if "ImageUri" in code else "Zip"),
        timeout_seconds=int(properties.get("Timeout", _LAMBDA_DEFAULT_TIMEOUT)),
        memory_mb=int(properties.get("MemorySize", _LAMBDA_DEFAULT_MEMORY)),
        environment=properties.get("Environment", {}).get("Variables", {}),
        code_dir=_code_dir(resource, code, root, assets),
        inline_code=code.get("ZipFile") if isinstance(code.get("ZipFile"), str) else None,
    )


def _code_dir(
    resource: Mapping[str, Any],
    code: Mapping[str, Any],
    root: Path,
    assets: Mapping[str, Path],
) -> Path | None:
    # The CDK CLI adds aws:asset:path metadata; a plain `python app.py` synth does not,
    # so fall back to the asset manifest, keyed by the S3 object key of the code.
    asset_path = resource.get("Metadata", {}).get("aws:asset:path")
    if isinstance(asset_path, str):
        return root / asset_path
    key = code.get("S3Key")
    if isinstance(key, str) and key in assets:
        return assets[key]
    return None
