"""Every default of CognitoApi as it lands in CloudFormation."""

from __future__ import annotations

import json

from cognito_api_construct.runtime.contract import request_schemas, routes_for

from .conftest import Synthesized
from .helpers import logical_id_of, methods_by_route


def test_user_pool_defaults_are_hardened(defaults: Synthesized) -> None:
    # given the construct with no props
    # when it is synthesized
    pool = defaults.one("AWS::Cognito::UserPool")

    # then the defaults apply
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireLowercase": True,
        "RequireUppercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UserPoolTier"] == "LITE"
    assert pool["DeletionProtection"] == "ACTIVE"


def test_user_pool_is_retained_by_default(defaults: Synthesized) -> None:
    # given / when
    pools = defaults.resources("AWS::Cognito::UserPool")

    # then
    (pool,) = pools.values()
    assert pool["DeletionPolicy"] == "Retain"
    assert pool["UpdateReplacePolicy"] == "Retain"


def test_one_client_with_a_secret_and_no_oauth(defaults: Synthesized) -> None:
    # given / when
    client = defaults.one("AWS::Cognito::UserPoolClient")

    # then: a secret (SECRET_HASH on every call naming a user), password sign-in only
    assert client["GenerateSecret"] is True
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert "AllowedOAuthFlows" not in client
    assert "CallbackURLs" not in client


def test_token_validities_default_to_60_minutes_and_30_days(defaults: Synthesized) -> None:
    # given / when
    client = defaults.one("AWS::Cognito::UserPoolClient")
    units = client["TokenValidityUnits"]

    # then (everything in minutes)
    assert units == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"}
    assert client["AccessTokenValidity"] == 60
    assert client["IdTokenValidity"] == 60
    assert client["RefreshTokenValidity"] == 30 * 24 * 60


def test_rest_api_is_regional_without_account_singleton(defaults: Synthesized) -> None:
    # given / when
    api = defaults.one("AWS::ApiGateway::RestApi")

    # then
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    defaults.template.resource_count_is("AWS::ApiGateway::Account", 0)
    roles = defaults.resources("AWS::IAM::Role").values()
    assert not any(
        "apigateway.amazonaws.com" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
        for role in roles
    )


def test_stage_logs_json_access_logs_and_traces(defaults: Synthesized) -> None:
    # given / when
    stage = defaults.one("AWS::ApiGateway::Stage")

    # then the stage is "prod", traced, with JSON access logs free of secrets
    assert stage["StageName"] == "prod"
    assert stage["TracingEnabled"] is True
    access_log_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert "requestId" in access_log_format
    assert "status" in access_log_format
    secret_bearing = ("header", "body", "querystring", "authorizer", "input")
    assert not any(word in json.dumps(access_log_format).lower() for word in secret_bearing)
    access_logs = logical_id_of(defaults.template, "AWS::Logs::LogGroup", "AuthAccessLogs")
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": [access_logs, "Arn"]}


def test_stage_never_traces_request_bodies(defaults: Synthesized) -> None:
    # given / when
    settings = defaults.one("AWS::ApiGateway::Stage")["MethodSettings"]

    # then every method setting logs errors only, never data
    assert settings
    assert all(s["DataTraceEnabled"] is False for s in settings)
    assert all(s["LoggingLevel"] == "ERROR" for s in settings)


def test_each_auth_method_is_throttled_below_cognito_quotas(defaults: Synthesized) -> None:
    # given / when
    settings = defaults.one("AWS::ApiGateway::Stage")["MethodSettings"]
    throttled = {
        s["ResourcePath"]: (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"])
        for s in settings
        if "ThrottlingRateLimit" in s and s["ResourcePath"] != "/*"
    }

    # then one setting per auth route, and their sum stays below Cognito's 120 sign-ins/s
    assert set(throttled) == {
        "/~1" + route.path.replace("/", "~1") for route in routes_for("ADMIN_CREATE")
    }
    sign_in_rate = sum(throttled[f"/~1{r}"][0] for r in ("auth", "login", "challenge", "refresh"))
    assert sign_in_rate < 120
    assert throttled["/~1signup"][0] < 50
    assert all(burst >= rate for rate, burst in throttled.values())


def test_auth_routes_are_public_posts_with_validated_models(defaults: Synthesized) -> None:
    # given / when
    methods = methods_by_route(defaults.template)
    validators = defaults.resources("AWS::ApiGateway::RequestValidator")
    (validator_id,) = validators

    # then each route is public at the gateway (the function reads any credential) and
    # validated: its body's model, or (GET, DELETE) its path parameters
    declared = routes_for("ADMIN_CREATE")
    for route in declared:
        method = methods[(route.resource, route.method)]
        assert method["AuthorizationType"] == "NONE"
        assert method["RequestValidatorId"] == {"Ref": validator_id}
        assert ("application/json" in method.get("RequestModels", {})) is route.has_body
        assert method["Integration"]["Type"] == "AWS_PROXY"
    auth_paths = {route.resource for route in declared}
    assert {key for key in methods if key[0] in auth_paths} == {
        (route.resource, route.method) for route in declared
    }


def test_request_validator_checks_body_and_parameters(defaults: Synthesized) -> None:
    # given / when
    validator = defaults.one("AWS::ApiGateway::RequestValidator")

    # then
    assert validator["ValidateRequestBody"] is True
    assert validator["ValidateRequestParameters"] is True


def test_models_carry_the_contract_schemas_verbatim(defaults: Synthesized) -> None:
    # given / when
    methods = methods_by_route(defaults.template)
    models = defaults.resources("AWS::ApiGateway::Model")

    # then each route's model is exactly the contract's schema
    for route in routes_for("ADMIN_CREATE"):
        if not route.has_body:
            continue
        model_ref = methods[(route.resource, "POST" if route.method == "POST" else route.method)][
            "RequestModels"
        ]["application/json"]
        model = models[model_ref["Ref"]]["Properties"]
        assert model["ContentType"] == "application/json"
        assert model["Schema"] == request_schemas("ADMIN_CREATE")[route.key]
    challenge_ref = methods[("/challenge", "POST")]["RequestModels"]["application/json"]
    schema = models[challenge_ref["Ref"]]["Properties"]["Schema"]
    assert schema["properties"]["challenge_responses"]["type"] == ["object", "string"]


def test_no_cors_by_default(defaults: Synthesized) -> None:
    # given / when
    methods = methods_by_route(defaults.template)
    responses = defaults.resources("AWS::ApiGateway::GatewayResponse").values()

    # then no preflight and no CORS header anywhere
    assert not [route for route in methods if route[1] == "OPTIONS"]
    assert "Access-Control" not in json.dumps(list(responses))


def test_bad_request_body_response_uses_the_error_shape(defaults: Synthesized) -> None:
    # given / when
    responses = [
        r["Properties"]
        for r in defaults.resources("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == "BAD_REQUEST_BODY"
    ]

    # then
    (response,) = responses
    assert response["StatusCode"] == "400"
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert body["error"] == "InvalidRequestBody"
    assert body["message"]


def test_authorizer_reads_the_authorization_header(defaults: Synthesized) -> None:
    # given / when
    authorizer = defaults.one("AWS::ApiGateway::Authorizer")

    # then
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["IdentitySource"] == "method.request.header.Authorization"


def test_auth_function_runtime_and_settings(defaults: Synthesized) -> None:
    # given / when
    functions = defaults.template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "runtime.handler.handler"}}
    )

    # then
    (function,) = (f["Properties"] for f in functions.values())
    assert function["Runtime"] == "python3.14"
    assert function["Architectures"] == ["arm64"]
    assert function["MemorySize"] == 256
    assert function["Timeout"] == 20
    assert function["TracingConfig"] == {"Mode": "Active"}
    env = function["Environment"]["Variables"]
    assert set(env) >= {"USER_POOL_ID", "USER_POOL_CLIENT_ID", "LOG_LEVEL"}
    assert env["LOG_LEVEL"] == "INFO"
    assert env["SIGN_UP_FLOW"] == "ADMIN_CREATE"
    assert "Ref" in env["USER_POOL_ID"]
    assert "Ref" in env["USER_POOL_CLIENT_ID"]
    assert "LogGroup" in function["LoggingConfig"]


def test_log_groups_have_retention_and_are_retained(defaults: Synthesized) -> None:
    # given / when
    log_groups = defaults.resources("AWS::Logs::LogGroup").values()

    # then the access logs and the function logs expire after a year and stay with the stack
    assert len(log_groups) == 2
    for log_group in log_groups:
        assert log_group["Properties"]["RetentionInDays"] == 365
        assert log_group["DeletionPolicy"] == "Retain"


def test_url_is_the_stage_url(defaults: Synthesized) -> None:
    # given / when
    url = defaults.stack.resolve(defaults.auth.url)

    # then
    assert url == defaults.stack.resolve(defaults.auth.rest_api.url)
    assert "execute-api" in json.dumps(url)


def test_construct_ids_are_stable(defaults: Synthesized) -> None:
    # given the public contract of construct ids
    expected = {
        "UserPool",
        "UserPoolClient",
        "Api",
        "AccessLogs",
        "AuthFunction",
        "AuthFunctionRole",
        "AuthFunctionLogs",
        "Authorizer",
        "RequestValidator",
    }

    # when / then
    assert expected <= {child.node.id for child in defaults.auth.node.children}
    assert defaults.auth.node.find_child("UserPool") is defaults.auth.user_pool
    assert defaults.auth.node.find_child("Api") is defaults.auth.rest_api
    assert defaults.auth.node.find_child("AuthFunction") is defaults.auth.auth_function
    assert defaults.auth.node.find_child("Authorizer") is defaults.auth.authorizer
