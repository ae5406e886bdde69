"""The stage's web ACLs, evaluated locally as AWS WAF evaluates them.

Rules run in priority order and the first terminating action wins; a request no rule
blocks gets the default action
(https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html).
A header that is missing matches no byte-match statement, so "present" is a size
constraint above 0
(https://docs.aws.amazon.com/waf/latest/developerguide/waf-rate-based-example-limit-missing-header.html).
"""

from __future__ import annotations

from typing import Any

import pytest

from cognito_api_construct.local.waf import WafRequest, WebAcl, read_web_acls

ORIGIN = {"SingleHeader": {"Name": "origin"}}
NONE = [{"Priority": 0, "Type": "NONE"}]


def _byte(value: str, field: dict[str, Any] = ORIGIN, how: str = "EXACTLY") -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "FieldToMatch": field,
            "PositionalConstraint": how,
            "SearchString": value,
            "TextTransformations": NONE,
        }
    }


def _request(origin: str | None = None, method: str = "POST", path: str = "/prod/auth"):
    headers = [("Origin", origin)] if origin is not None else []
    return WafRequest(method, path, "", headers)


def test_first_terminating_rule_wins_and_count_does_not_terminate() -> None:
    # given a Count rule that matches, then Allow for one origin, then Block for any origin
    acl = WebAcl(
        "Acl",
        rules=(
            {"Name": "count", "Priority": 0, "Action": {"Count": {}}, "Statement": _byte("a")},
            {"Name": "allow", "Priority": 1, "Action": {"Allow": {}}, "Statement": _byte("a")},
            {
                "Name": "block",
                "Priority": 2,
                "Action": {"Block": {}},
                "Statement": {
                    "SizeConstraintStatement": {
                        "FieldToMatch": ORIGIN,
                        "ComparisonOperator": "GT",
                        "Size": 0,
                        "TextTransformations": NONE,
                    }
                },
            },
        ),
        default_allows=True,
    )

    # then "a" is allowed by the second rule, "b" blocked by the third, none by default
    assert acl.blocks(_request("a")) is None
    assert acl.blocks(_request("b")) == "block"
    assert acl.blocks(_request()) is None


def test_missing_header_matches_no_byte_match_even_under_not() -> None:
    # given a rule blocking requests whose origin is NOT "a" (no presence test)
    acl = WebAcl(
        "Acl",
        rules=(
            {
                "Name": "not-a",
                "Priority": 0,
                "Action": {"Block": {}},
                "Statement": {"NotStatement": {"Statement": _byte("a")}},
            },
        ),
        default_allows=True,
    )

    # then a request without the header is blocked too: that is why the construct adds
    # a size constraint before its NOT
    assert acl.blocks(_request()) == "not-a"
    assert acl.blocks(_request("a")) is None


@pytest.mark.parametrize(
    ("how", "value", "matches"),
    [
        ("EXACTLY", "/prod/auth", True),
        ("EXACTLY", "/prod/aut", False),
        ("STARTS_WITH", "/prod/", True),
        ("ENDS_WITH", "/auth", True),
        ("CONTAINS", "rod/a", True),
        ("CONTAINS_WORD", "auth", False),  # not emulated: never matches
    ],
)
def test_positional_constraints(how: str, value: str, matches: bool) -> None:
    acl = WebAcl(
        "Acl",
        rules=(
            {
                "Name": "r",
                "Priority": 0,
                "Action": {"Block": {}},
                "Statement": _byte(value, {"UriPath": {}}, how),
            },
        ),
        default_allows=True,
    )
    assert (acl.blocks(_request("x")) is not None) is matches


def test_default_block_and_unemulated_rules_are_reported() -> None:
    # given an ACL with a managed rule group and a default Block
    resources = {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {}},
        "Acl": {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "DefaultAction": {"Block": {}},
                "Rules": [
                    {
                        "Name": "Common",
                        "Priority": 1,
                        "OverrideAction": {"None": {}},
                        "Statement": {
                            "ManagedRuleGroupStatement": {
                                "VendorName": "AWS",
                                "Name": "AWSManagedRulesCommonRuleSet",
                            }
                        },
                    }
                ],
            },
        },
        "Association": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Properties": {
                "ResourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "Api"}, "/stages/prod"]]},
                "WebACLArn": {"Fn::GetAtt": ["Acl", "Arn"]},
            },
        },
        "OtherApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {}},
    }

    # when
    (acl,) = read_web_acls(resources, "Api")

    # then the managed group is reported as not emulated, and the default action holds
    assert acl.not_emulated == ("Common",)
    assert acl.blocks(_request("a")) == "default"
    assert read_web_acls(resources, "OtherApi") == ()


def test_a_repeated_header_is_inspected_by_the_value_the_gateway_passes_on() -> None:
    """A repeated ``Origin``: the origin check must judge the value the gateway responses
    echo, or a non-browser client could pass the check with one value and have another
    echoed. API Gateway passes a repeated header's last value on ("headers" holds the
    last value,
    https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format);
    which one WAF inspects is not documented, so the emulator inspects that one too."""
    # given the construct's origin check: block a present Origin that is not allowed
    allowed = "https://app.example.com"
    check = {
        "AndStatement": {
            "Statements": [
                {
                    "SizeConstraintStatement": {
                        "FieldToMatch": ORIGIN,
                        "ComparisonOperator": "GT",
                        "Size": 0,
                        "TextTransformations": NONE,
                    }
                },
                {"NotStatement": {"Statement": _byte(allowed)}},
            ]
        }
    }
    acl = WebAcl(
        "Acl",
        rules=({"Name": "origin", "Priority": 0, "Action": {"Block": {}}, "Statement": check},),
        default_allows=True,
    )
    evil = "https://evil.example"

    def two(first: str, second: str) -> WafRequest:
        return WafRequest("GET", "/prod/whoami", "", [("Origin", first), ("origin", second)])

    # then the last value decides
    assert acl.blocks(two(allowed, evil)) == "origin"
    assert acl.blocks(two(evil, allowed)) is None
    assert two(evil, allowed).header("ORIGIN") == allowed
