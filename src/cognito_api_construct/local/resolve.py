"""Resolve CloudFormation intrinsic functions against the emulator's physical ids.

It owns the evaluation of ``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``,
``Fn::Select`` and the pseudo parameters (``AWS::Region``, ``AWS::AccountId``,
``AWS::Partition``, ``AWS::URLSuffix``, ``AWS::StackName``) in values such as Lambda
environment variables. It knows nothing of how the ids were obtained: ``services``
creates the resources and hands over the ids; this module only substitutes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["References", "UnresolvedReferenceError", "resolve"]

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]*)\}")


class UnresolvedReferenceError(Exception):
    """A value refers to something the emulator did not create or cannot evaluate."""


@dataclass(frozen=True)
class References:
    """What ``Ref`` and ``Fn::GetAtt`` evaluate to in the emulator.

    Args:
        region: the region the emulator pretends to run in.
        account: the account id (moto's default unless the stack names one).
        stack_name: the stack's name, for ``AWS::StackName``.
        refs: logical id -> the value of ``Ref`` (pool id, client id, secret ARN...).
        attributes: ``(logical id, attribute)`` -> the value of ``Fn::GetAtt``.
        parameters: template parameter defaults, by name.
    """

    region: str
    account: str
    stack_name: str = "local"
    refs: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def pseudo(self, name: str) -> str | None:
        """The value of a pseudo parameter such as ``AWS::Region``, else None."""
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account}:stack/{self.stack_name}/local"
            ),
        }.get(name)


def resolve(value: Any, references: References) -> str:
    """Evaluate a template value to the string a deployed stack would have.

    Args:
        value: a literal (string, number, boolean) or an intrinsic function.
        references: the physical ids to substitute.

    Raises:
        UnresolvedReferenceError: a reference to something the emulator has no id for,
            or an intrinsic function it does not evaluate (the message names it).

    Example:
        >>> refs = References(region="us-east-1", account="123456789012")
        >>> resolve({"Fn::Sub": "${AWS::Region}-x"}, refs)
        'us-east-1-x'
    """
    result = _evaluate(value, references)
    if isinstance(result, list):
        raise UnresolvedReferenceError(f"{value!r} evaluates to a list, not a string")
    return result


def _evaluate(value: Any, references: References) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list):
        return [resolve(item, references) for item in value]
    if not isinstance(value, Mapping) or len(value) != 1:
        raise UnresolvedReferenceError(f"cannot evaluate {value!r}")
    ((function, argument),) = value.items()
    if function == "Ref":
        return _ref(str(argument), references)
    if function == "Fn::GetAtt":
        logical_id, attribute = (
            argument.split(".", 1) if isinstance(argument, str) else (argument[0], argument[1])
        )
        return _get_att(str(logical_id), str(attribute), references)
    if function == "Fn::Join":
        delimiter, items = argument
        parts = _evaluate(items, references)
        return str(delimiter).join(parts if isinstance(parts, list) else [parts])
    if function == "Fn::Sub":
        return _sub(argument, references)
    if function == "Fn::Select":
        index, items = argument
        options = _evaluate(items, references)
        if not isinstance(options, list):
            raise UnresolvedReferenceError(f"Fn::Select over a non-list: {value!r}")
        return options[int(resolve(index, references))]
    raise UnresolvedReferenceError(f"{function} is not evaluated by the local emulator")


def _ref(name: str, references: References) -> str:
    pseudo = references.pseudo(name)
    if pseudo is not None:
        return pseudo
    if name in references.refs:
        return references.refs[name]
    if name in references.parameters:
        return resolve(references.parameters[name], references)
    raise UnresolvedReferenceError(f"Ref {name}: the emulator does not create this resource")


def _get_att(logical_id: str, attribute: str, references: References) -> str:
    try:
        return references.attributes[(logical_id, attribute)]
    except KeyError:
        raise UnresolvedReferenceError(
            f"Fn::GetAtt {logical_id}.{attribute}: the emulator does not create this resource "
            "or attribute"
        ) from None


def _sub(argument: Any, references: References) -> str:
    if isinstance(argument, list):
        template, variables = str(argument[0]), argument[1]
    else:
        template, variables = str(argument), {}

    def substitute(match: re.Match[str]) -> str:
        literal, name = match.group(1), match.group(2)
        if literal:  # ${!Literal} stays as ${Literal}
            return "${" + name + "}"
        if name in variables:
            return resolve(variables[name], references)
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            return _get_att(logical_id, attribute, references)
        return _ref(name, references)

    return _SUB_VARIABLE.sub(substitute, template)
