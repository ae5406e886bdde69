"""Builds the REST API: stage, access logs, gateway responses, CORS and custom domain.

Owns everything about the API itself; routes are added by the auth-endpoint and
route-guard builders, and nothing here knows about Cognito or Lambda.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from ._cors import CorsPolicy
from .options import LOG_RETENTION, CustomDomain

#: The body API Gateway sends when a request does not match the route's model. Gateway
#: response templates are not Velocity templates, so ``$util.escapeJavaScript`` does not
#: exist there, and ``$context.error.validationErrorString`` holds double quotes
#: (``["password"]``): embedded in a JSON string it would render invalid JSON. The body is
#: therefore static and always valid; the Lambda, which sees the same schema, names the
#: field when the gateway lets a request through.
BAD_REQUEST_BODY_TEMPLATE: Final = json.dumps(
    {
        "error": "InvalidRequestBody",
        "message": "The request body does not match this route's JSON schema: "
        "send a JSON object with exactly the documented fields.",
    },
    separators=(",", ":"),
)

#: Gateway responses that carry the CORS headers when ``cors`` is set: the defaults
#: cover every 4XX/5XX, and the authorizer's own two are named for readers.
CORS_GATEWAY_RESPONSES: Final = (
    apigateway.ResponseType.DEFAULT_4_XX,
    apigateway.ResponseType.DEFAULT_5_XX,
    apigateway.ResponseType.UNAUTHORIZED,
    apigateway.ResponseType.ACCESS_DENIED,
)


def build_rest_api(
    scope: Construct,
    *,
    stage_name: str,
    cloud_watch_role: bool,
    cors: CorsPolicy | None,
    stage_throttle: apigateway.ThrottleSettings,
    method_throttles: Mapping[str, apigateway.ThrottleSettings],
    log_removal_policy: RemovalPolicy,
) -> apigateway.RestApi:
    """Create the REST API (construct id ``Api``) with its stage and gateway responses.

    Args:
        scope: The CognitoApi.
        stage_name: The deployed stage.
        cloud_watch_role: Whether to create the account-wide API Gateway CloudWatch role.
        cors: The CORS policy, or ``None`` for no CORS.
        stage_throttle: The throttle of every method without its own.
        method_throttles: Throttle per stage method path, e.g. ``"/auth/POST"``.
        log_removal_policy: What happens to the access log group with the stack.
    """
    access_logs = logs.LogGroup(
        scope,
        "AccessLogs",
        retention=LOG_RETENTION,
        removal_policy=log_removal_policy,
    )
    api = apigateway.RestApi(
        scope,
        "Api",
        description="Sign-up and sign-in API backed by Cognito (cognito-api-construct).",
        cloud_watch_role=cloud_watch_role,
        endpoint_types=[apigateway.EndpointType.REGIONAL],
        default_cors_preflight_options=None if cors is None else cors.options,
        deploy_options=apigateway.StageOptions(
            stage_name=stage_name,
            access_log_destination=apigateway.LogGroupLogDestination(access_logs),
            # The standard fields hold no header, body or query string: no secret can
            # reach these logs.
            access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            tracing_enabled=True,
            metrics_enabled=True,
            throttling_rate_limit=stage_throttle.rate_limit,
            throttling_burst_limit=stage_throttle.burst_limit,
            # Execution logs at ERROR; data tracing would log whole request bodies,
            # passwords included, so it stays off.
            logging_level=apigateway.MethodLoggingLevel.ERROR,
            data_trace_enabled=False,
            method_options={
                # A method override replaces the stage-wide settings: restate them.
                path: apigateway.MethodDeploymentOptions(
                    throttling_rate_limit=throttle.rate_limit,
                    throttling_burst_limit=throttle.burst_limit,
                    logging_level=apigateway.MethodLoggingLevel.ERROR,
                    data_trace_enabled=False,
                    metrics_enabled=True,
                )
                for path, throttle in method_throttles.items()
            },
        ),
    )
    if cloud_watch_role:
        _acknowledge_cloud_watch_role(api)
    cors_headers = cors.gateway_response_headers() if cors is not None else None
    api.add_gateway_response(
        "BadRequestBodyResponse",
        type=apigateway.ResponseType.BAD_REQUEST_BODY,
        status_code="400",
        templates={"application/json": BAD_REQUEST_BODY_TEMPLATE},
        # Like every answer of the auth function: nothing here is for a cache.
        response_headers={"Cache-Control": "'no-store'", **(cors_headers or {})},
    )
    if cors is not None and cors_headers is not None:
        for response_type in CORS_GATEWAY_RESPONSES:
            api.add_gateway_response(
                f"{response_type.response_type}CorsResponse",
                type=response_type,
                response_headers=cors_headers,
            )
        if cors.needs_origin_check:
            # WAF's block answer must not copy the Origin it refused: no CORS headers.
            api.add_gateway_response(
                "WafFilteredResponse", type=apigateway.ResponseType.WAF_FILTERED
            )
    return api


def add_method_throttle(
    api: apigateway.RestApi, method: apigateway.Method, throttle: apigateway.ThrottleSettings
) -> None:
    """Give one method of the stage its own throttle (``throttle=`` of a route).

    A method's settings replace the stage-wide ones: logging and metrics are restated.
    """
    stage = api.deployment_stage.node.default_child
    assert isinstance(stage, apigateway.CfnStage)
    resource_path = "/" + method.resource.path.replace("/", "~1")
    stage.method_settings = [
        *(stage.method_settings or []),  # type: ignore[misc]
        apigateway.CfnStage.MethodSettingProperty(
            resource_path=resource_path,
            http_method=method.http_method,
            throttling_rate_limit=throttle.rate_limit,
            throttling_burst_limit=throttle.burst_limit,
            logging_level=apigateway.MethodLoggingLevel.ERROR.value,
            data_trace_enabled=False,
            metrics_enabled=True,
        ),
    ]


def _acknowledge_cloud_watch_role(api: apigateway.RestApi) -> None:
    """The account-level logging role the user asked for uses AWS's own managed policy."""
    role = api.node.try_find_child("CloudWatchRole")
    if role is None:
        return
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            reason="cloud_watch_role=True asks for API Gateway's account-level logging role; "
            "AmazonAPIGatewayPushToCloudWatchLogs is AWS's policy for exactly that role and "
            "AWS keeps it current.",
        )
    )


def build_custom_domain(
    scope: Construct, api: apigateway.RestApi, domain: CustomDomain
) -> apigateway.DomainName:
    """Map ``domain`` onto the API's stage (ids ``Domain``, ``DomainAliasRecord``)."""
    domain_name = apigateway.DomainName(
        scope,
        "Domain",
        domain_name=domain.domain_name,
        certificate=domain.certificate,
        endpoint_type=apigateway.EndpointType.REGIONAL,
        security_policy=apigateway.SecurityPolicy.TLS_1_2,
        mapping=api,
    )
    if domain.hosted_zone is not None:
        route53.ARecord(
            scope,
            "DomainAliasRecord",
            zone=domain.hosted_zone,
            record_name=domain.domain_name,
            target=route53.RecordTarget.from_alias(route53_targets.ApiGatewayDomain(domain_name)),
        )
    return domain_name
