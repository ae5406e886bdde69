"""Evaluating intrinsic functions against the emulator's ids."""

from __future__ import annotations

import pytest

from cognito_api_construct.local.resolve import References, UnresolvedReferenceError, resolve

REFS = References(
    region="eu-west-1",
    account="111122223333",
    stack_name="Demo",
    refs={"Pool": "eu-west-1_abc", "Client": "client123"},
    attributes={
        ("Pool", "Arn"): "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_abc"
    },
    parameters={"Stage": "beta"},
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        (42, "42"),
        (True, "true"),
        ({"Ref": "Pool"}, "eu-west-1_abc"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Ref": "AWS::AccountId"}, "111122223333"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "AWS::StackName"}, "Demo"),
        ({"Ref": "Stage"}, "beta"),
        ({"Fn::GetAtt": ["Pool", "Arn"]}, REFS.attributes[("Pool", "Arn")]),
        ({"Fn::GetAtt": "Pool.Arn"}, REFS.attributes[("Pool", "Arn")]),
        ({"Fn::Join": ["/", ["a", {"Ref": "Client"}, "b"]]}, "a/client123/b"),
        (
            {"Fn::Sub": "${AWS::Region}:${Pool}:${Pool.Arn}"},
            f"eu-west-1:eu-west-1_abc:{REFS.attributes[('Pool', 'Arn')]}",
        ),
        ({"Fn::Sub": ["${X}-${!Literal}", {"X": {"Ref": "Client"}}]}, "client123-${Literal}"),
        ({"Fn::Select": [1, ["a", {"Ref": "Client"}]]}, "client123"),
    ],
)
def test_values_resolve_to_emulator_ids(value: object, expected: str) -> None:
    # given a template value
    # when it is resolved
    # then it holds what a deployed stack would, with the emulator's ids
    assert resolve(value, REFS) == expected


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"Ref": "Table"}, "Ref Table"),
        ({"Fn::GetAtt": ["Pool", "ProviderURL"]}, "Pool.ProviderURL"),
        ({"Fn::ImportValue": "x"}, "Fn::ImportValue"),
        ({"Fn::Sub": "${Missing}"}, "Ref Missing"),
    ],
)
def test_unresolvable_values_name_what_is_missing(value: object, named: str) -> None:
    # given a reference to something the emulator does not create
    # when it is resolved
    # then the error names it
    with pytest.raises(UnresolvedReferenceError, match=named):
        resolve(value, REFS)
