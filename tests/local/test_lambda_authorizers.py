"""Lambda (TOKEN and REQUEST) authorizers as API Gateway runs them for a REST API.

Each test's docstring names the AWS page it follows, by these short names:
- "input page": https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
- "output page": https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
- "console page" (identity sources, caching): https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html
- "API_Authorizer": https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html
- "use-lambda-authorizer example": https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
- "supported-gateway-response-types": https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
- "IAM Resource element": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from cognito_api_construct.local.apimodel import Authorizer, RestApi, read_rest_apis
from cognito_api_construct.local.assembly import LambdaFunction, Stack
from cognito_api_construct.local.events import Request, proxy_event
from cognito_api_construct.local.functions import plan_functions
from cognito_api_construct.local.gateway import Gateway
from cognito_api_construct.local.lambda_authorizer import (
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    AuthorizerRefusedError,
    LambdaAuthorizer,
    MalformedAnswerError,
    evaluate,
    method_arn,
    parse_answer,
    request_event,
    token_event,
)
from cognito_api_construct.local.workers import (
    FunctionCrashedError,
    FunctionError,
    FunctionTimeoutError,
)

INPUT_PAGE = "api-gateway-lambda-authorizer-input.html"
ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/items/42"
OTHER_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/DELETE/items/42"


def _event(
    path: str = "/items/42",
    *,
    headers: tuple[tuple[str, str], ...] = (("X-Token", "allow"),),
    query: str = "",
    method: str = "GET",
) -> dict[str, Any]:
    request = Request(method, path, query, headers, b"", "203.0.113.9", "req-1")
    return proxy_event(
        request,
        resource="/items/{id}",
        path_parameters={"id": path.rsplit("/", 1)[-1]},
        stage="dev",
        api_id="abc123",
        account="123456789012",
        binary_media_types=(),
        claims=None,
    )


def _policy(effect: str = "Allow", resource: Any = ARN, **extra: Any) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {
        "principalId": "user-1",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        **extra,
    }


class FakeFunction:
    """The authorizer function: answers ``answer`` (or raises it) and counts its events."""

    def __init__(self, answer: Any = None) -> None:
        self.answer = answer if answer is not None else _policy()
        self.events: list[Mapping[str, Any]] = []

    def __call__(self, function_id: str, event: Mapping[str, Any]) -> Any:
        assert function_id == "AuthFn"
        self.events.append(event)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _authorizer(
    kind: str = "TOKEN",
    *,
    sources: tuple[str, ...] = ("method.request.header.X-Token",),
    ttl: int = 300,
    expression: str | None = None,
) -> Authorizer:
    return Authorizer(
        logical_id="Auth",
        type=kind,
        token_header="X-Token",
        user_pool_ids=(),
        function_id="AuthFn",
        identity_sources=sources,
        validation_expression=expression,
        ttl_seconds=ttl,
    )


def _refusal(
    authorizer: LambdaAuthorizer, event: Mapping[str, Any], arn: str = ARN
) -> AuthorizerRefusedError:
    with pytest.raises(AuthorizerRefusedError) as caught:
        authorizer.authorize(event, arn)
    return caught.value


# --- The event -----------------------------------------------------------------------


def test_method_arn_names_the_request_with_its_actual_path_values() -> None:
    """input page: arn:aws:execute-api:{region}:{account}:{api}/{stage}/{verb}/{path}."""
    assert method_arn("us-east-1", "123456789012", "abc123", "dev", "GET", "/items/42") == ARN
    root = method_arn("eu-west-1", "111122223333", "api", "prod", "POST", "/")
    assert root == "arn:aws:execute-api:eu-west-1:111122223333:api/prod/POST/"


def test_token_event_is_type_token_and_method_arn() -> None:
    """input page, TOKEN input format: exactly type, authorizationToken and methodArn."""
    assert token_event("abc", ARN) == {
        "type": "TOKEN",
        "authorizationToken": "abc",
        "methodArn": ARN,
    }


def test_request_event_carries_the_proxy_events_request_fields() -> None:
    """input page, REQUEST input format: the request's parameters and context, no body."""
    proxy = _event(query="tenant=acme&tenant=beta")
    proxy["requestContext"]["authorizer"] = {"principalId": "x"}
    event = request_event(proxy, ARN)
    assert list(event) == [
        "type",
        "methodArn",
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
    ]
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == ARN
    for name in list(event)[2:-1]:
        assert event[name] == proxy[name], name
    assert event["queryStringParameters"] == {"tenant": "beta"}
    assert event["multiValueQueryStringParameters"] == {"tenant": ["acme", "beta"]}
    assert "authorizer" not in event["requestContext"]
    assert event["requestContext"]["identity"]["sourceIp"] == "203.0.113.9"
    assert "body" not in event


# --- The policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        ARN,
        "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/items/4?",
        "arn:aws:execute-api:*:*:abc123/*",
        "arn:aws:execute-api:*",
        "arn:aws:execute-api:us-east-1:*2:abc123/dev/GET/items/42",
        "*",
        [OTHER_ARN, ARN],
    ],
)
def test_allow_with_iam_wildcards(resource: Any) -> None:
    """output page and IAM Resource element: ``*`` and ``?`` match in the Resource."""
    assert evaluate(parse_answer(_policy(resource=resource)), ARN) is None


@pytest.mark.parametrize(
    "resource",
    [
        OTHER_ARN,
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/items",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/items/4",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*",
        # A ``*`` inside a segment stays in it: "us*2" cannot reach past the region.
        "arn:aws:execute-api:us*2:abc123/dev/GET/items/42",
        "arn:aws:execute-api:us-east-1:123456789012:ABC123/dev/GET/items/42",
    ],
)
def test_no_matching_allow_is_an_implicit_deny(resource: Any) -> None:
    """output page: only what the policy allows is invoked; resource ARNs are case-sensitive."""
    assert evaluate(parse_answer(_policy(resource=resource)), ARN) == IMPLICIT_DENY


def test_an_explicit_deny_wins_over_an_allow() -> None:
    """output page (Effect Allow|Deny) and IAM's evaluation logic: an explicit Deny wins."""
    answer = _policy(resource="*")
    answer["policyDocument"]["Statement"].append(
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": ARN}
    )
    assert evaluate(parse_answer(answer), ARN) == EXPLICIT_DENY
    assert evaluate(parse_answer(answer), OTHER_ARN) is None


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("execute-api:Invoke", True),
        ("execute-api:invoke", True),
        ("execute-api:*", True),
        ("*", True),
        (["s3:GetObject", "execute-api:Invoke"], True),
        ("execute-api:ManageConnections", False),
        ("s3:*", False),
    ],
)
def test_the_action_must_cover_execute_api_invoke(action: Any, allowed: bool) -> None:
    """output page: the statement allows the execute-api:Invoke action (IAM wildcards)."""
    answer = _policy()
    answer["policyDocument"]["Statement"][0]["Action"] = action
    assert (evaluate(parse_answer(answer), ARN) is None) is allowed


def test_single_statement_object_not_resource_and_conditions() -> None:
    """output page: a policy document's Statement; NotResource inverts; Conditions ignored."""
    single = _policy()
    single["policyDocument"]["Statement"] = single["policyDocument"]["Statement"][0]
    assert evaluate(parse_answer(single), ARN) is None
    negated = _policy()
    del negated["policyDocument"]["Statement"][0]["Resource"]
    negated["policyDocument"]["Statement"][0]["NotResource"] = OTHER_ARN
    assert evaluate(parse_answer(negated), ARN) is None
    assert evaluate(parse_answer(negated), OTHER_ARN) == IMPLICIT_DENY
    conditional = _policy()
    conditional["policyDocument"]["Statement"][0]["Condition"] = {"IpAddress": {}}
    assert evaluate(parse_answer(conditional), ARN) == IMPLICIT_DENY


def test_context_values_reach_the_integration_as_strings() -> None:
    """output page: context values are strings, numbers or booleans, all stringified."""
    answer = _policy(context={"s": "x", "n": 1, "f": 1.5, "yes": True, "no": False, "z": None})
    assert parse_answer(answer).context == {
        "s": "x",
        "n": "1",
        "f": "1.5",
        "yes": "true",
        "no": "false",
        "z": None,
    }


MALFORMED = {
    "not an object": "Allow",
    "no principalId": {"policyDocument": _policy()["policyDocument"]},
    "principalId not a string": {**_policy(), "principalId": 7},
    "no policyDocument": {"principalId": "u"},
    "no Statement": {"principalId": "u", "policyDocument": {"Version": "2012-10-17"}},
    "lower-case effect": _policy(effect="allow"),
    "no Resource": {
        "principalId": "u",
        "policyDocument": {"Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow"}]},
    },
    "Resource not strings": _policy(resource=[1]),
    "nested context object": _policy(context={"user": {"id": 3}}),
    "context array": _policy(context={"groups": ["a"]}),
    "context not an object": _policy(context="x"),
}


@pytest.mark.parametrize("answer", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_answers_are_refused(answer: Any) -> None:
    """output page: principalId and policyDocument required; no object or array in context."""
    with pytest.raises(MalformedAnswerError):
        parse_answer(answer)


# --- Identity sources ----------------------------------------------------------------


@pytest.mark.parametrize("headers", [(), (("X-Token", ""),), (("Other", "allow"),)])
def test_token_authorizer_without_its_header_is_401_and_never_invoked(
    headers: tuple[tuple[str, str], ...],
) -> None:
    """API_Authorizer identitySource, console page: a missing or empty token: 401, no call."""
    function = FakeFunction()
    authorizer = LambdaAuthorizer(_authorizer(), function)
    refusal = _refusal(authorizer, _event(headers=headers))
    assert refusal.response_type == "UNAUTHORIZED"
    assert function.events == []


def test_token_the_validation_expression_refuses_is_401_and_never_invoked() -> None:
    """console page: the token is validated against the RegEx before the function runs."""
    function = FakeFunction()
    authorizer = LambdaAuthorizer(_authorizer(expression="^[a-z]+$"), function)
    for token in ("Allow", "allow1", "xallow!"):
        refusal = _refusal(authorizer, _event(headers=(("x-token", token),)))
        assert refusal.response_type == "UNAUTHORIZED"
    assert function.events == []
    authorizer.authorize(_event(headers=(("x-token", "allow"),)), ARN)
    assert function.events == [token_event("allow", ARN)]


def test_request_authorizer_needs_every_identity_source() -> None:
    """API_Authorizer identitySource: each source present, not null, non-empty; else 401."""
    function = FakeFunction()
    sources = ("method.request.header.X-Token", "method.request.querystring.tenant")
    authorizer = LambdaAuthorizer(_authorizer("REQUEST", sources=sources), function)
    for query in ("", "tenant=", "other=acme"):
        refusal = _refusal(authorizer, _event(query=query))
        assert refusal.response_type == "UNAUTHORIZED"
    assert function.events == []
    proxy = _event(query="tenant=acme")
    authorizer.authorize(proxy, ARN)
    assert function.events == [request_event(proxy, ARN)]


# --- Caching -------------------------------------------------------------------------


def test_token_cache_is_keyed_by_the_token_and_expires_after_the_ttl() -> None:
    """console page: with a TTL the token is the cache key; the function is not re-invoked."""
    function, clock = FakeFunction(_policy(resource="*", context={"k": 1})), Clock()
    authorizer = LambdaAuthorizer(_authorizer(ttl=60), function, clock=clock)
    first = authorizer.authorize(_event(), ARN)
    assert (first["principalId"], first["k"]) == ("user-1", "1")
    clock.now += 59.9
    cached = authorizer.authorize(_event(), OTHER_ARN)
    assert cached == {"k": "1", "principalId": "user-1", "integrationLatency": 0}
    assert len(function.events) == 1
    authorizer.authorize(_event(headers=(("X-Token", "other"),)), ARN)
    assert len(function.events) == 2
    clock.now += 0.1
    authorizer.authorize(_event(), ARN)
    assert len(function.events) == 3


def test_ttl_zero_invokes_the_function_for_every_request() -> None:
    """API_Authorizer authorizerResultTtlInSeconds: 0 disables caching."""
    function = FakeFunction()
    authorizer = LambdaAuthorizer(_authorizer(ttl=0), function)
    for _ in range(3):
        authorizer.authorize(_event(), ARN)
    assert len(function.events) == 3


def test_a_cached_policy_is_applied_to_the_next_method_arn() -> None:
    """console page: with caching, the policy must cover every method; else it is denied."""
    function = FakeFunction(_policy(resource=ARN))
    authorizer = LambdaAuthorizer(_authorizer(), function)
    authorizer.authorize(_event(), ARN)
    refusal = _refusal(authorizer, _event(method="DELETE"), OTHER_ARN)
    assert (refusal.response_type, refusal.message) == ("ACCESS_DENIED", IMPLICIT_DENY)
    assert len(function.events) == 1


def test_an_explicit_deny_is_cached_too() -> None:
    """console page: the policy the function returned is cached, whatever it says."""
    function = FakeFunction(_policy(effect="Deny"))
    authorizer = LambdaAuthorizer(_authorizer(), function)
    for _ in range(2):
        refusal = _refusal(authorizer, _event())
        assert (refusal.response_type, refusal.message) == ("ACCESS_DENIED", EXPLICIT_DENY)
    assert len(function.events) == 1


def test_request_cache_is_keyed_by_all_identity_source_values() -> None:
    """console page: every identity source makes up the key; changing one re-invokes."""
    function, clock = FakeFunction(_policy(resource="*")), Clock()
    sources = ("method.request.header.X-Token", "method.request.querystring.tenant")
    authorizer = LambdaAuthorizer(_authorizer("REQUEST", sources=sources), function, clock=clock)
    authorizer.authorize(_event(query="tenant=acme"), ARN)
    authorizer.authorize(_event(query="tenant=acme&page=2"), ARN)
    assert len(function.events) == 1
    authorizer.authorize(_event(query="tenant=beta"), ARN)
    authorizer.authorize(_event(query="tenant=acme", headers=(("X-Token", "t2"),)), ARN)
    assert len(function.events) == 3
    clock.now += 301
    authorizer.authorize(_event(query="tenant=acme"), ARN)
    assert len(function.events) == 4


def test_request_authorizer_without_identity_sources_is_never_cached() -> None:
    """API_Authorizer identitySource: the sources are the cache key; without them, no cache."""
    function = FakeFunction()
    authorizer = LambdaAuthorizer(_authorizer("REQUEST", sources=()), function)
    authorizer.authorize(_event(headers=()), ARN)
    authorizer.authorize(_event(headers=()), ARN)
    assert len(function.events) == 2


def test_context_identity_source() -> None:
    """console page: Context identity sources ($context variables) are part of the key."""
    function = FakeFunction()
    source = ("context.identity.sourceIp",)
    authorizer = LambdaAuthorizer(_authorizer("REQUEST", sources=source), function)
    authorizer.authorize(_event(headers=()), ARN)
    authorizer.authorize(_event(headers=()), ARN)
    assert len(function.events) == 1


# --- Failures ------------------------------------------------------------------------


FAILURES = {
    "Unauthorized": (FunctionError("AuthFn", "Exception", "Unauthorized"), "UNAUTHORIZED"),
    "other error": (
        FunctionError("AuthFn", "Error", "Invalid token"),
        "AUTHORIZER_CONFIGURATION_ERROR",
    ),
    "unauthorized (lower case)": (
        FunctionError("AuthFn", "Error", "unauthorized"),
        "AUTHORIZER_CONFIGURATION_ERROR",
    ),
    "timeout": (FunctionTimeoutError("AuthFn"), "AUTHORIZER_CONFIGURATION_ERROR"),
    "crash": (
        FunctionCrashedError("AuthFn: worker process exited"),
        "AUTHORIZER_CONFIGURATION_ERROR",
    ),
    "malformed": ({"principalId": "u"}, "AUTHORIZER_CONFIGURATION_ERROR"),
}


@pytest.mark.parametrize(("answer", "kind"), FAILURES.values(), ids=FAILURES.keys())
def test_failures_answer_401_or_500_and_are_not_cached(answer: Any, kind: str) -> None:
    """apigateway-use-lambda-authorizer example: "Unauthorized" is 401, anything else 500."""
    function = FakeFunction(answer)
    authorizer = LambdaAuthorizer(_authorizer(), function)
    for _ in range(2):
        assert _refusal(authorizer, _event()).response_type == kind
    assert len(function.events) == 2


def test_an_authorizer_whose_function_cannot_run_answers_500() -> None:
    """supported-gateway-response-types: AUTHORIZER_CONFIGURATION_ERROR, cannot connect."""
    function = FakeFunction()
    authorizer = LambdaAuthorizer(_authorizer(), function, unrunnable="runtime 'java21'")
    refusal = _refusal(authorizer, _event())
    assert refusal.response_type == "AUTHORIZER_CONFIGURATION_ERROR"
    assert function.events == []


# --- Through the gateway -------------------------------------------------------------


def _resources(*, default_4xx: bool = False) -> dict[str, Any]:
    api = {"Ref": "Api"}
    resources: dict[str, Any] = {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "t"}},
        "Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {"RestApiId": api, "StageName": "dev"},
        },
        "AuthFn": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "EchoFn": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Auth": {
            "Type": "AWS::ApiGateway::Authorizer",
            "Properties": {
                "RestApiId": api,
                "Type": "TOKEN",
                "IdentitySource": "method.request.header.X-Token",
                "AuthorizerUri": {"Fn::Join": ["", ["arn:", {"Fn::GetAtt": ["AuthFn", "Arn"]}]]},
            },
        },
        "Items": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": api,
                "PathPart": "items",
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
            },
        },
        "Item": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {"RestApiId": api, "PathPart": "{id}", "ParentId": {"Ref": "Items"}},
        },
        "ItemAny": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": api,
                "ResourceId": {"Ref": "Item"},
                "HttpMethod": "ANY",
                "AuthorizationType": "CUSTOM",
                "AuthorizerId": {"Ref": "Auth"},
                "Integration": {"Type": "AWS_PROXY", "Uri": {"Fn::GetAtt": ["EchoFn", "Arn"]}},
            },
        },
    }
    if default_4xx:
        resources["Default4xx"] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": {
                "RestApiId": api,
                "ResponseType": "DEFAULT_4XX",
                "ResponseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
            },
        }
    return resources


def _gateway(answer: Any, *, default_4xx: bool = False) -> tuple[Gateway, list[Mapping[str, Any]]]:
    api: RestApi = next(read_rest_apis(_resources(default_4xx=default_4xx)))
    authorizer_function = FakeFunction(answer)
    integrated: list[Mapping[str, Any]] = []

    def invoke(function_id: str, event: Mapping[str, Any]) -> Any:
        if function_id == "AuthFn":
            return authorizer_function(function_id, event)
        integrated.append(event)
        return {"statusCode": 200, "body": "{}"}

    authorizers = {"Auth": LambdaAuthorizer(api.authorizers["Auth"], invoke)}
    gateway = Gateway(
        api, api_id="abc123", account="123456789012", authorizers=authorizers, invoke=invoke
    )
    return gateway, integrated


def _get(gateway: Gateway, token: str | None, method: str = "GET") -> Any:
    headers = (("X-Token", token),) if token is not None else ()
    return gateway.handle(Request(method, "/dev/items/42", "", headers, b"", "127.0.0.1", "r-1"))


def test_allowed_request_reaches_the_integration_with_the_authorizer_context() -> None:
    """output page: the proxy integration's requestContext.authorizer has the context
    values (stringified), principalId and integrationLatency."""
    gateway, integrated = _gateway(_policy(resource="*", context={"tenant": "acme", "n": 2}))
    response = _get(gateway, "t", "PATCH")
    assert response.status == 200
    (event,) = integrated
    assert event["requestContext"]["authorizer"] == {
        "tenant": "acme",
        "n": "2",
        "principalId": "user-1",
        "integrationLatency": event["requestContext"]["authorizer"]["integrationLatency"],
    }
    assert isinstance(event["requestContext"]["authorizer"]["integrationLatency"], int)


def test_denied_request_is_403_with_api_gateways_own_body() -> None:
    """supported-gateway-response-types ACCESS_DENIED 403; the method ARN names the verb."""
    gateway, integrated = _gateway(_policy(resource=ARN))
    allowed = _get(gateway, "t")
    assert allowed.status == 200
    denied = _get(gateway, "t", "DELETE")  # the cached policy names GET only
    assert denied.status == 403
    assert json.loads(denied.body) == {"Message": IMPLICIT_DENY}
    assert ("x-amzn-ErrorType", "AccessDeniedException") in denied.headers
    explicit, _ = _gateway(_policy(effect="Deny"))
    assert json.loads(_get(explicit, "t").body) == {"Message": EXPLICIT_DENY}
    assert len(integrated) == 1


def test_a_customized_default_4xx_renders_the_deny_with_its_template() -> None:
    """supported-gateway-response-types: ACCESS_DENIED falls back to DEFAULT_4XX."""
    gateway, _ = _gateway(_policy(effect="Deny"), default_4xx=True)
    denied = _get(gateway, "t")
    assert denied.status == 403
    assert json.loads(denied.body) == {"message": EXPLICIT_DENY}
    assert ("Access-Control-Allow-Origin", "*") in denied.headers


def test_401_and_500_gateway_responses() -> None:
    """supported-gateway-response-types: UNAUTHORIZED 401, AUTHORIZER_CONFIGURATION_ERROR 500."""
    gateway, integrated = _gateway(FunctionError("AuthFn", "Error", "boom"))
    failed = _get(gateway, "t")
    assert (failed.status, json.loads(failed.body)) == (500, {"message": None})
    assert ("x-amzn-ErrorType", "AuthorizerConfigurationException") in failed.headers
    missing = _get(gateway, None)
    assert (missing.status, json.loads(missing.body)) == (401, {"message": "Unauthorized"})
    assert integrated == []


# --- The template and the plan -------------------------------------------------------


def test_the_template_authorizer_is_read_with_api_gateways_defaults() -> None:
    """API_Authorizer: authorizerResultTtlInSeconds defaults to 300; AuthorizerUri's function."""
    resources = _resources()
    authorizer = next(read_rest_apis(resources)).authorizers["Auth"]
    assert (authorizer.type, authorizer.function_id, authorizer.ttl_seconds) == (
        "TOKEN",
        "AuthFn",
        300,
    )
    assert authorizer.identity_sources == ("method.request.header.X-Token",)
    resources["Auth"]["Properties"].update(
        Type="REQUEST",
        IdentitySource="method.request.querystring.t, method.request.header.Auth",
        AuthorizerResultTtlInSeconds=0,
        IdentityValidationExpression="^x$",
    )
    authorizer = next(read_rest_apis(resources)).authorizers["Auth"]
    assert authorizer.identity_sources == (
        "method.request.querystring.t",
        "method.request.header.Auth",
    )
    assert (authorizer.token_header, authorizer.ttl_seconds) == ("Auth", 0)


def test_a_function_used_only_as_an_authorizer_is_planned_as_runnable() -> None:
    """The emulator runs every function an authorizer's AuthorizerUri names."""
    resources = _resources()
    api = next(read_rest_apis(resources))

    def function(logical_id: str) -> LambdaFunction:
        return LambdaFunction(
            logical_id, logical_id, "python3.13", "index.handler", "Zip", 3, 128, {}, None, "x"
        )

    stack = Stack(
        "S", "us-east-1", "123456789012", resources, {}, (api,),
        {"AuthFn": function("AuthFn"), "EchoFn": function("EchoFn"), "Unused": function("Unused")},
    )  # fmt: skip
    assert sorted(plan_functions(stack, api).runnable) == ["AuthFn", "EchoFn"]
