"""Readers over a synthesized template: methods by path, statements by action."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template


def resource_paths(template: Template) -> dict[str, str]:
    """Map each AWS::ApiGateway::Resource logical id to its full path ("/v1/reports")."""
    resources = template.find_resources("AWS::ApiGateway::Resource")
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            parent = props["ParentId"]
            parent_path = path_of(parent["Ref"]) if "Ref" in parent else ""
            paths[logical_id] = f"{parent_path}/{props['PathPart']}"
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return paths


def methods_by_route(template: Template) -> dict[tuple[str, str], dict[str, Any]]:
    """Map (path, HTTP method) to each AWS::ApiGateway::Method's properties."""
    paths = resource_paths(template)
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        resource_id = props["ResourceId"]
        path = paths[resource_id["Ref"]] if "Ref" in resource_id else "/"
        table[(path, props["HttpMethod"])] = props
    return table


def statements(template: Template) -> list[dict[str, Any]]:
    """Every statement of every AWS::IAM::Policy in the template."""
    found: list[dict[str, Any]] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def logical_id_of(template: Template, type_: str, path_suffix: str) -> str:
    """The logical id of the one resource of ``type_`` whose id starts with ``path_suffix``."""
    matches = [k for k in template.find_resources(type_) if k.startswith(path_suffix)]
    assert len(matches) == 1, f"{type_} {path_suffix}: {matches}"
    return matches[0]
