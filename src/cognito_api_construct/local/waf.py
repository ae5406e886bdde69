"""AWS WAF web ACLs associated with the API's stage, evaluated as WAF evaluates them.

It owns the reading of ``AWS::WAFv2::WebACL`` resources that an
``AWS::WAFv2::WebACLAssociation`` ties to the stage, and the decision allow/block for
one request: rules in priority order, the first terminating action wins (``Allow`` and
``Block`` terminate, ``Count`` does not), else the ACL's default action. A blocked
request never reaches API Gateway: the gateway answers its ``WAF_FILTERED`` response.

Emulated statements: ``ByteMatchStatement``, ``SizeConstraintStatement``,
``AndStatement``, ``OrStatement``, ``NotStatement`` on a single header, the URI path,
the method or the query string, with the ``NONE``, ``LOWERCASE`` and
``URL_DECODE`` transformations. Any other statement (managed rule groups, rate-based
rules, IP sets...) never matches locally; such rules are listed in ``not_emulated`` so
the emulator can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .apimodel import references

__all__ = ["WafRequest", "WebAcl", "read_web_acls"]


@dataclass(frozen=True)
class WafRequest:
    """What WAF inspects of a request: method, path, query and headers."""

    method: str
    path: str
    query: str
    headers: Sequence[tuple[str, str]]

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive), else None.

        Which of a repeated header's values AWS WAF inspects is not documented; the
        last is the one API Gateway hands on (``method.request.header.X``, the proxy
        event's ``headers``), so the check and what the gateway echoes see one value.
        """
        found = None
        for key, value in self.headers:
            if key.lower() == name.lower():
                found = value
        return found


@dataclass(frozen=True)
class WebAcl:
    """One web ACL: its rules (priority order) and default action."""

    logical_id: str
    rules: tuple[Mapping[str, Any], ...]
    default_allows: bool
    not_emulated: tuple[str, ...] = field(default=())

    def blocks(self, request: WafRequest) -> str | None:
        """The rule that blocks ``request`` (``default``: the default action), or None."""
        for rule in self.rules:
            if not _matches(rule.get("Statement", {}), request):
                continue
            action = rule.get("Action") or {}
            if "Block" in action:
                return str(rule.get("Name", "rule"))
            if "Allow" in action:
                return None
        return None if self.default_allows else "default"


def read_web_acls(
    resources: Mapping[str, Mapping[str, Any]], api_logical_id: str
) -> tuple[WebAcl, ...]:
    """The web ACLs associated with ``api_logical_id``'s stage, in the template."""
    acls = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::WAFv2::WebACLAssociation":
            continue
        properties = resource.get("Properties", {})
        if api_logical_id not in set(references(properties.get("ResourceArn"))):
            continue
        for acl_id in references(properties.get("WebACLArn")):
            acl = resources.get(acl_id, {})
            if acl.get("Type") == "AWS::WAFv2::WebACL":
                acls.append(_web_acl(acl_id, acl.get("Properties", {})))
    return tuple(acls)


def _web_acl(logical_id: str, properties: Mapping[str, Any]) -> WebAcl:
    rules = sorted(properties.get("Rules", []), key=lambda rule: int(rule.get("Priority", 0)))
    return WebAcl(
        logical_id=logical_id,
        rules=tuple(rules),
        default_allows="Allow" in (properties.get("DefaultAction") or {}),
        not_emulated=tuple(
            str(rule.get("Name")) for rule in rules if not _emulated(rule.get("Statement", {}))
        ),
    )


_COMPOUND = {"AndStatement", "OrStatement"}
_LEAVES = {"ByteMatchStatement", "SizeConstraintStatement"}


def _emulated(statement: Mapping[str, Any]) -> bool:
    if not statement:
        return False
    kind, body = next(iter(statement.items()))
    if kind in _COMPOUND:
        return all(_emulated(s) for s in body.get("Statements", []))
    if kind == "NotStatement":
        return _emulated(body.get("Statement", {}))
    return kind in _LEAVES and _field(body.get("FieldToMatch", {}), None) is not _UNSUPPORTED


def _matches(statement: Mapping[str, Any], request: WafRequest) -> bool:
    if not statement:
        return False
    kind, body = next(iter(statement.items()))
    if kind == "AndStatement":
        return all(_matches(s, request) for s in body.get("Statements", []))
    if kind == "OrStatement":
        return any(_matches(s, request) for s in body.get("Statements", []))
    if kind == "NotStatement":
        return not _matches(body.get("Statement", {}), request)
    if kind == "ByteMatchStatement":
        value = _field(body.get("FieldToMatch", {}), request)
        # A missing header matches no byte-match statement (WAF's documented rule).
        if value is None or value is _UNSUPPORTED:
            return False
        return _byte_match(
            _transform(str(value), body.get("TextTransformations", [])),
            _transform(str(body.get("SearchString", "")), body.get("TextTransformations", [])),
            str(body.get("PositionalConstraint", "EXACTLY")),
        )
    if kind == "SizeConstraintStatement":
        value = _field(body.get("FieldToMatch", {}), request)
        if value is _UNSUPPORTED:
            return False
        size = len(_transform(str(value or ""), body.get("TextTransformations", [])).encode())
        return _compare(size, str(body.get("ComparisonOperator", "")), int(body.get("Size", 0)))
    return False  # not emulated: never matches locally


class _Unsupported:
    pass


_UNSUPPORTED: Any = _Unsupported()


def _field(field_to_match: Mapping[str, Any], request: WafRequest | None) -> Any:
    if "SingleHeader" in field_to_match:
        name = str(field_to_match["SingleHeader"].get("Name", ""))
        return request.header(name) if request is not None else None
    if "UriPath" in field_to_match:
        return request.path if request is not None else None
    if "Method" in field_to_match:
        return request.method if request is not None else None
    if "QueryString" in field_to_match:
        return request.query if request is not None else None
    return _UNSUPPORTED


def _transform(value: str, transformations: Sequence[Mapping[str, Any]]) -> str:
    for step in sorted(transformations, key=lambda t: int(t.get("Priority", 0))):
        kind = step.get("Type")
        if kind == "LOWERCASE":
            value = value.lower()
        elif kind == "URL_DECODE":
            value = unquote(value)
    return value


def _byte_match(value: str, search: str, constraint: str) -> bool:
    if constraint == "EXACTLY":
        return value == search
    if constraint == "STARTS_WITH":
        return value.startswith(search)
    if constraint == "ENDS_WITH":
        return value.endswith(search)
    if constraint == "CONTAINS":
        return search in value
    return False


def _compare(size: int, operator: str, limit: int) -> bool:
    return {
        "EQ": size == limit,
        "NE": size != limit,
        "LE": size <= limit,
        "LT": size < limit,
        "GE": size >= limit,
        "GT": size > limit,
    }.get(operator, False)
