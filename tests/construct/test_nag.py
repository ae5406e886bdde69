"""cdk-nag's AwsSolutions pack: no unacknowledged error, every acknowledgment reasoned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cognito_api_construct import CognitoApi
from cognito_api_construct.runtime.contract import ADMIN_CREATE_ROUTES, routes_for

from .conftest import ENV, route_handler


@pytest.fixture(scope="session")
def nag_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # given an app with the construct and one protected route, checked by cdk-nag
    outdir = tmp_path_factory.mktemp("nag")
    app = App(outdir=str(outdir))
    stack = Stack(app, "Nagged", env=ENV)
    auth = CognitoApi(stack, "Auth")
    auth.add_protected_route("reports", route_handler(stack), methods=["GET"])
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))

    # when it is synthesized (raises on any unacknowledged error)
    app.synth()

    report: dict[str, Any] = json.loads(Path(outdir, "validation-report.json").read_text())
    return report


def _plugin(report: dict[str, Any]) -> dict[str, Any]:
    plugins: list[dict[str, Any]] = report["pluginReports"]
    (plugin,) = [p for p in plugins if p["pluginName"] == "AwsSolutions"]
    return plugin


def test_no_unacknowledged_error(nag_report: dict[str, Any]) -> None:
    # then
    plugin = _plugin(nag_report)
    errors = [v["ruleName"] for v in plugin.get("violations", []) if v["severity"] == "error"]
    assert errors == []
    assert plugin["conclusion"] == "success"


def test_every_acknowledgment_has_a_reason_next_to_its_resource(
    nag_report: dict[str, Any],
) -> None:
    # then
    suppressed = _plugin(nag_report)["suppressedViolations"]
    assert suppressed
    for violation in suppressed:
        assert violation["reason"].strip(), violation["ruleName"]
        for construct in violation["violatingConstructs"]:
            # acknowledged on the resource itself or its owning L2, not on the app
            assert construct["constructPath"].startswith(violation["acknowledgedAt"])
            assert violation["acknowledgedAt"].startswith("Nagged/Auth/")


def test_only_the_expected_rules_are_acknowledged(nag_report: dict[str, Any]) -> None:
    # then: public auth routes (APIG4, COG4), the LITE plan (COG8), X-Ray's wildcard (IAM5)
    suppressed = _plugin(nag_report)["suppressedViolations"]
    acknowledged = {(v["ruleName"], v["acknowledgedAt"].split("/")[-2:][0]) for v in suppressed}
    rules = {rule for rule, _ in acknowledged}
    assert rules == {
        "AwsSolutions-APIG4",
        "AwsSolutions-COG4",
        "AwsSolutions-COG8",
        "AwsSolutions-IAM5[Resource::*]",
    }
    apig4_paths = sorted(
        c["constructPath"]
        for v in suppressed
        if v["ruleName"] == "AwsSolutions-APIG4"
        for c in v["violatingConstructs"]
    )
    assert apig4_paths == sorted(
        f"Nagged/Auth/Api/Default/{route.path}/{route.method}/Resource"
        for route in routes_for("ADMIN_CREATE")
    )


def test_the_opt_in_cloud_watch_role_passes_cdk_nag(tmp_path: Path) -> None:
    # given an app that asks for the account-level API Gateway logging role
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "WithRole", env=ENV)
    CognitoApi(stack, "Auth", cloud_watch_role=True)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))

    # when it is synthesized (raises on any unacknowledged error)
    app.synth()

    # then the role's AWS managed policy is acknowledged on the role, with a reason
    suppressed = _plugin(json.loads(Path(tmp_path, "validation-report.json").read_text()))[
        "suppressedViolations"
    ]
    (role_ack,) = [v for v in suppressed if v["ruleName"].startswith("AwsSolutions-IAM4")]
    assert "AmazonAPIGatewayPushToCloudWatchLogs" in role_ack["ruleName"]
    assert role_ack["acknowledgedAt"].endswith("/Api/CloudWatchRole")
    assert role_ack["reason"]


def test_public_auth_methods_carry_a_reasoned_checkov_skip_and_user_routes_none(
    tmp_path: Path,
) -> None:
    # given the construct with one protected route of the user's
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Checked", env=ENV)
    auth = CognitoApi(stack, "Auth")
    auth.add_protected_route("reports", route_handler(stack), methods=["GET"])

    # when
    template = app.synth().get_stack_by_name("Checked").template

    # then each public auth method skips CKV_AWS_59 with its reason, and nothing else does
    skips = {
        logical_id: resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::ApiGateway::Method"
    }
    skipped = {logical_id for logical_id, found in skips.items() if found}
    assert len(skipped) == len(ADMIN_CREATE_ROUTES)
    for logical_id in skipped:
        (skip,) = skips[logical_id]
        assert skip["id"] == "CKV_AWS_59"
        assert skip["comment"]
    (user_method,) = [i for i in skips if "reports" in i.lower()]
    assert user_method not in skipped
