"""What the test apps share: a route or trigger function with its own role and log
group, and cdk-nag when asked (``-c nag=true``, as tests/gates synthesizes every app).

Each app imports it from the folder above its own (``sys.path``), since the cdk CLI and
the tests run ``python3 app.py`` in the app's folder.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct


def function(
    scope: Construct,
    id: str,
    folder: Path,
    handler: str,
    *,
    runtime: lambda_.Runtime = lambda_.Runtime.PYTHON_3_14,
    environment: dict[str, str] | None = None,
) -> lambda_.Function:
    """A function (``id``) with its own role (``<id>Role``) and log group (``<id>Logs``).

    Not AWSLambdaBasicExecutionRole, which may write to every log group in the account
    (cdk-nag AwsSolutions-IAM4).
    """
    log_group = logs.LogGroup(
        scope,
        f"{id}Logs",
        retention=logs.RetentionDays.ONE_WEEK,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    role = iam.Role(scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group.grant_write(role)
    return lambda_.Function(
        scope,
        id,
        runtime=runtime,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        code=lambda_.Code.from_asset(str(folder)),
        timeout=cdk.Duration.seconds(5),
        role=role,
        log_group=log_group,
        environment=environment,
    )


def nag_if_asked(app: cdk.App) -> None:
    """``-c nag=true``: cdk-nag's AWS Solutions checks (a development dependency)."""
    if str(app.node.try_get_context("nag")).lower() in ("true", "1", "yes"):
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
