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


def cors_with_token_header(
    cors: apigateway.CorsOptions, token_header: str
) -> apigateway.CorsOptions:
    """Return new CORS options whose allowed headers include ``token_header``.

    Browsers refuse to send a header the preflight did not allow, so a custom token
    header (``Auth``) must be listed.
    """
    headers = list(cors.allow_headers or apigateway.Cors.DEFAULT_HEADERS)
    if token_header.lower() not in {h.lower() for h in headers}:
        headers.append(token_header)
    return apigateway.CorsOptions(
        allow_origins=cors.allow_origins,
        allow_credentials=cors.allow_credentials,
        allow_headers=headers,
        allow_methods=cors.allow_methods,
        disable_cache=cors.disable_cache,
        expose_headers=cors.expose_headers,
        max_age=cors.max_age,
        status_code=cors.status_code,
    )


def cors_response_headers(cors: apigateway.CorsOptions) -> dict[str, str]:
    """Return the gateway-response headers that make an error readable by a browser."""
    origins = list(cors.allow_origins)
    headers: dict[str, str] = {
        "Access-Control-Allow-Headers": "'" + ",".join(cors.allow_headers or ()) + "'",
        "Access-Control-Allow-Methods": "'"
        + ",".join(cors.allow_methods or apigateway.Cors.ALL_METHODS)
        + "'",
    }
    if len(origins) == 1:
        headers["Access-Control-Allow-Origin"] = f"'{origins[0]}'"
    else:
        # A header holds one origin: echo the caller's. Only error bodies travel this
        # way, and the preflight (which checks the list) still guards real requests.
        headers["Access-Control-Allow-Origin"] = "method.request.header.Origin"
        headers["Vary"] = "'Origin'"
    if cors.allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "'true'"
    return headers


def build_rest_api(
    scope: Construct,
    *,
    stage_name: str,
    cloud_watch_role: bool,
    cors: apigateway.CorsOptions | None,
    method_throttles: Mapping[str, apigateway.ThrottleSettings],
    log_removal_policy: RemovalPolicy,
) -> apigateway.RestApi:
    """Create the REST API (construct id ``Api``) with its stage and gateway responses.

    Args:
        scope: The CognitoApi.
        stage_name: The deployed stage.
        cloud_watch_role: Whether to create the account-wide API Gateway CloudWatch role.
        cors: CORS options (token header already allowed), or ``None`` for no CORS.
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
        default_cors_preflight_options=cors,
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
    cors_headers = cors_response_headers(cors) if cors is not None else None
    api.add_gateway_response(
        "BadRequestBodyResponse",
        type=apigateway.ResponseType.BAD_REQUEST_BODY,
        status_code="400",
        templates={"application/json": BAD_REQUEST_BODY_TEMPLATE},
        response_headers=cors_headers,
    )
    if cors_headers is not None:
        for response_type in CORS_GATEWAY_RESPONSES:
            api.add_gateway_response(
                f"{response_type.response_type}CorsResponse",
                type=response_type,
                response_headers=cors_headers,
            )
    return api


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
