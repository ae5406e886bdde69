"""Shared test settings and fixtures.

No test may reach a real AWS account or wait on the network. ``cfn_lint`` lints a template
with the repository's one cfn-lint configuration.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Set before anything imports boto3 or jsii: dummy credentials and a fixed region, so a
# test that forgot its moto fixture fails on moto's absence instead of calling AWS.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)

#: cfn-lint's settings for every template the tests synthesize; each ignore has its reason.
CFN_LINT_CONFIG = Path(__file__).resolve().parents[1] / ".cfnlintrc.yaml"


@pytest.fixture(scope="session")
def cfn_lint() -> Callable[[str, str], list[str]]:
    """Lint a template for one region with the repository's ``.cfnlintrc.yaml``.

    The one place cfn-lint is configured for every test: the returned function takes the
    template's JSON text and the region, and gives each error or warning left as a
    ``"RULE message (path)"`` line (informational findings are not reported).
    """
    from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]
    from cfnlint.config import ConfigFileArgs  # type: ignore[import-untyped]

    settings = ConfigFileArgs(config_file=CFN_LINT_CONFIG).file_args
    ignored = list(settings.get("ignore_checks", []))

    def run(template: str, region: str) -> list[str]:
        matches = lint(template, config=ManualArgs(regions=[region], ignore_checks=ignored))
        return [
            f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})"
            for m in matches
            if m.rule.id[0] in "EW"
        ]

    return run
