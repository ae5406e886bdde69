"""Builds the web ACL that refuses browsers on origins ``cors`` does not allow.

Owns one AWS WAF web ACL (construct id ``OriginCheck``) associated with the API's
stage, built only when ``cors`` allows several origins (see ``_cors``): a request that
carries an ``Origin`` header whose value is not one of them is blocked before API
Gateway routes, authorizes or answers it, so the gateway responses may copy the
request's ``Origin`` without ever showing an answer to another origin. Requests
without ``Origin`` (servers, curl, same-origin navigation) are not affected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

#: The rule's name, also its CloudWatch metric.
ORIGIN_RULE: Final = "RefuseOtherOrigins"
_ORIGIN_HEADER: Final = wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": "origin"})
_AS_IS: Final = [wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]


def origin_statement(origins: Sequence[str]) -> wafv2.CfnWebACL.StatementProperty:
    """Match a request whose ``Origin`` header is present and none of ``origins``.

    "Present" is a size constraint above 0: AWS WAF's documented way to test that a
    header exists and has a value (a missing header matches no byte-match statement).
    """
    present = wafv2.CfnWebACL.StatementProperty(
        size_constraint_statement=wafv2.CfnWebACL.SizeConstraintStatementProperty(
            field_to_match=_ORIGIN_HEADER,
            comparison_operator="GT",
            size=0,
            text_transformations=_AS_IS,
        )
    )
    allowed = [
        wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=_ORIGIN_HEADER,
                positional_constraint="EXACTLY",
                search_string=origin,
                text_transformations=_AS_IS,
            )
        )
        for origin in origins
    ]
    any_allowed = (
        allowed[0]
        if len(allowed) == 1
        else wafv2.CfnWebACL.StatementProperty(
            or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=allowed)
        )
    )
    return wafv2.CfnWebACL.StatementProperty(
        and_statement=wafv2.CfnWebACL.AndStatementProperty(
            statements=[
                present,
                wafv2.CfnWebACL.StatementProperty(
                    not_statement=wafv2.CfnWebACL.NotStatementProperty(statement=any_allowed)
                ),
            ]
        )
    )


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def build_origin_check(
    scope: Construct, api: apigateway.RestApi, origins: Sequence[str]
) -> wafv2.CfnWebACL:
    """Create the ``OriginCheck`` web ACL and associate it with the API's stage.

    Args:
        scope: The CognitoApi.
        api: The REST API whose deployment stage the ACL guards.
        origins: The allowed origins (two or more).

    Returns:
        The web ACL; it allows every request its rule does not block.
    """
    acl = wafv2.CfnWebACL(
        scope,
        "OriginCheck",
        scope="REGIONAL",
        description="cognito-api-construct: refuses requests from origins cors does not allow.",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility("CognitoApiOriginCheck"),
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name=ORIGIN_RULE,
                priority=0,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=origin_statement(origins),
                visibility_config=_visibility(ORIGIN_RULE),
            )
        ],
    )
    # checkov's CKV_AWS_192 wants AWS's Log4j rule group in every web ACL. This one has
    # a single purpose and guards Lambda functions, none of them Java.
    acl.add_metadata(
        "checkov",
        {
            "skip": [
                {
                    "id": "CKV_AWS_192",
                    "comment": "The origin-check web ACL only compares the Origin header "
                    "with the allowed origins; the API's functions run no Log4j.",
                }
            ]
        },
    )
    wafv2.CfnWebACLAssociation(
        scope,
        "OriginCheckAssociation",
        resource_arn=api.deployment_stage.stage_arn,
        web_acl_arn=acl.attr_arn,
    )
    return acl
