"""cdk-nag's AwsSolutions pack: no unacknowledged error, every acknowledgment reasoned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cognito_api_construct import CognitoApi
from cognito_api_construct.runtime.contract import ADMIN_CREATE_ROUTES

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
        f"Nagged/Auth/Api/Default/{route}/POST/Resource" for route in ADMIN_CREATE_ROUTES
    )
