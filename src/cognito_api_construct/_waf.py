"""Builds the AWS WAF web ACLs of the API: the origin check, the managed default, yours.

Three cases, one web ACL per stage (AWS WAF associates at most one with a resource):

- ``waf=True``: a web ACL (construct id ``WebAcl``) with AWS's managed common and
  known-bad-inputs rule groups, a rate-based rule on the auth routes
  (``DEFAULT_AUTH_RATE_LIMIT_PER_5_MINUTES`` requests per IP address), and the origin
  check when ``cors`` allows several origins; associated with the stage and the user
  pool (``WebAclStageAssociation``, ``WebAclUserPoolAssociation``).
- ``web_acl=`` (a ``CfnWebACL`` or an ARN): associated with the stage and the user pool;
  a ``CfnWebACL`` also gets the origin check rule when ``cors`` needs it.
- neither: when ``cors`` allows several origins, a web ACL with the origin check only
  (``OriginCheck``, ``OriginCheckAssociation``) on the stage.

The origin check blocks a request that carries an ``Origin`` header whose value is not
one of the allowed origins before API Gateway routes, authorizes or answers it, so the
gateway responses may copy the request's ``Origin`` without ever showing an answer to
another origin. Requests without ``Origin`` (servers, curl) are not affected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ._problems import Problems
from .options import DEFAULT_AUTH_RATE_LIMIT_PER_5_MINUTES

#: The rules' names, also their CloudWatch metrics.
ORIGIN_RULE: Final = "RefuseOtherOrigins"
AUTH_RATE_RULE: Final = "AuthRoutesRateLimit"
#: AWS's managed rule groups in ``waf=True``'s web ACL, in evaluation order.
MANAGED_RULE_GROUPS: Final = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
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
    any_allowed = _any_of(allowed)
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


def _any_of(
    statements: Sequence[wafv2.CfnWebACL.StatementProperty],
) -> wafv2.CfnWebACL.StatementProperty:
    """One statement, or an OR of several (WAF refuses an OR of one)."""
    if len(statements) == 1:
        return statements[0]
    return wafv2.CfnWebACL.StatementProperty(
        or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=list(statements))
    )


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _origin_rule(origins: Sequence[str], priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=ORIGIN_RULE,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=origin_statement(origins),
        visibility_config=_visibility(ORIGIN_RULE),
    )


def _auth_rate_rule(auth_paths: Sequence[str], priority: int) -> wafv2.CfnWebACL.RuleProperty:
    """Block an IP address past the limit of requests to the auth routes in 5 minutes.

    The paths match by their end (``/auth``), so the rule holds with the stage in the
    URL and behind a custom domain alike.
    """
    ends = [
        wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                positional_constraint="ENDS_WITH",
                search_string=f"/{path}",
                text_transformations=_AS_IS,
            )
        )
        for path in auth_paths
    ]
    scope_down = _any_of(ends)
    return wafv2.CfnWebACL.RuleProperty(
        name=AUTH_RATE_RULE,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=DEFAULT_AUTH_RATE_LIMIT_PER_5_MINUTES,
                aggregate_key_type="IP",
                evaluation_window_sec=300,
                scope_down_statement=scope_down,
            )
        ),
        visibility_config=_visibility(AUTH_RATE_RULE),
    )


def _managed_rule(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=name
            )
        ),
        visibility_config=_visibility(name),
    )


@dataclass(frozen=True)
class WebAclChoice:
    """The web ACL props: ``web_acl`` (yours) or ``waf`` (the managed default)."""

    web_acl: wafv2.CfnWebACL | str | None
    managed: bool

    def check(self, origins: Sequence[str], problems: Problems) -> None:
        """Refuse combinations that cannot be built (one web ACL per stage)."""
        if self.managed and self.web_acl is not None:
            problems.add(
                "waf",
                True,
                "waf=True and web_acl both name the stage's web ACL, and a stage has one",
                "Pass one: web_acl for yours, or waf=True for the construct's.",
            )
        if isinstance(self.web_acl, str) and len(origins) > 1:
            problems.add(
                "web_acl",
                self.web_acl,
                "with several cors origins the construct must add its origin check to the "
                "stage's web ACL, and it cannot change one given by ARN",
                "Pass the wafv2.CfnWebACL itself (the rule is added to it), or waf=True.",
            )
        if isinstance(self.web_acl, wafv2.CfnWebACL) and len(origins) > 1:
            rules = self.web_acl.rules
            if rules is not None and (Token.is_unresolved(rules) or not isinstance(rules, list)):
                problems.add(
                    "web_acl.rules",
                    "a token",
                    "the construct must add its origin check rule to the web ACL's rules",
                    "Give the CfnWebACL its rules as a list.",
                )


def build_web_acl(
    scope: Construct,
    api: apigateway.RestApi,
    user_pool: cognito.IUserPool,
    *,
    choice: WebAclChoice,
    origins: Sequence[str],
    auth_paths: Sequence[str],
) -> wafv2.CfnWebACL | None:
    """Create or attach the stage's web ACL, per the module's three cases.

    Returns:
        The web ACL holding the origin check (or the managed one, or yours when given
        as a ``CfnWebACL``); None when there is none to return.
    """
    needs_origin_check = len(origins) > 1
    if choice.managed:
        rules = [_origin_rule(origins, 0)] if needs_origin_check else []
        rules.append(_auth_rate_rule(auth_paths, len(rules)))
        rules += [_managed_rule(name, len(rules) + n) for n, name in enumerate(MANAGED_RULE_GROUPS)]
        acl = wafv2.CfnWebACL(
            scope,
            "WebAcl",
            scope="REGIONAL",
            description="cognito-api-construct: managed rules, a rate limit on the auth "
            "routes" + (", the origin check." if needs_origin_check else "."),
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("CognitoApiWebAcl"),
            rules=rules,
        )
        _associate(scope, "WebAcl", acl.attr_arn, api, user_pool)
        return acl
    if choice.web_acl is not None:
        given = choice.web_acl
        if isinstance(given, wafv2.CfnWebACL):
            if needs_origin_check:
                current = given.rules
                existing = list(current) if isinstance(current, list) else []
                priorities = [_priority(rule) for rule in existing]
                given.rules = [*existing, _origin_rule(origins, max(priorities, default=-1) + 1)]
            _associate(scope, "WebAcl", given.attr_arn, api, user_pool)
            return given
        _associate(scope, "WebAcl", given, api, user_pool)
        return None
    if needs_origin_check:
        return build_origin_check(scope, api, origins)
    return None


def _priority(rule: object) -> int:
    priority = (
        rule.get("priority", rule.get("Priority"))
        if isinstance(rule, dict)
        else getattr(rule, "priority", 0)
    )
    return int(priority) if isinstance(priority, (int, float)) else 0


def _associate(
    scope: Construct,
    prefix: str,
    acl_arn: str,
    api: apigateway.RestApi,
    user_pool: cognito.IUserPool,
) -> None:
    """Associate the web ACL with the stage and the user pool."""
    wafv2.CfnWebACLAssociation(
        scope,
        f"{prefix}StageAssociation",
        resource_arn=api.deployment_stage.stage_arn,
        web_acl_arn=acl_arn,
    )
    wafv2.CfnWebACLAssociation(
        scope,
        f"{prefix}UserPoolAssociation",
        resource_arn=user_pool.user_pool_arn,
        web_acl_arn=acl_arn,
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
        rules=[_origin_rule(origins, 0)],
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
