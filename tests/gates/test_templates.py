"""Template gates on every CDK app in examples/, tests/ and benchmarks/.

For each app folder with a ``cdk.json``, synthesized once with ``-c nag=true``:
- cdk-nag's AwsSolutions pack ran, left no unacknowledged error, and every acknowledgment
  carries a written reason and sits on the resource it concerns (or its owning construct),
  never on the app or the whole stack;
- cfn-lint finds no error and no warning in any stack template, for the stack's region,
  beyond the checks ``.cfnlintrc.yaml`` ignores with a reason.

A new app is gated by adding its folder; it only has to honour the ``nag`` context flag
(see examples/gpt_app/app.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import APPS, ROOT

pytestmark = pytest.mark.slow

#: Env-agnostic stacks have no region; cfn-lint then checks against the region with the
#: most resource types, where every resource these apps use exists.
DEFAULT_REGION = "us-east-1"
#: The apps present when this gate was written: discovery must keep finding them.
KNOWN_APPS = {"examples/gpt_app", "tests/e2e/apps/strict_app", "benchmarks/echo_app"}


def nag_plugin(synthesis: Any) -> dict[str, Any]:
    report_path = synthesis.out_dir / "validation-report.json"
    assert report_path.is_file(), (
        f"{synthesis.app} wrote no validation report: synthesis failed before validation "
        f"(exit {synthesis.returncode}):\n{synthesis.output}"
    )
    report = json.loads(report_path.read_text())
    plugins = [p for p in report.get("pluginReports", []) if p["pluginName"] == "AwsSolutions"]
    assert plugins, (
        f"{synthesis.app} did not run cdk-nag: make its app.py add AwsSolutionsChecks "
        "when the context flag `nag` is true (as examples/gpt_app/app.py does)"
    )
    (plugin,) = plugins
    return plugin  # type: ignore[no-any-return]


def stack_templates(out_dir: Path) -> list[tuple[Path, str]]:
    """Each stack template of a cloud assembly with the region it deploys to."""
    manifest = json.loads((out_dir / "manifest.json").read_text())
    stacks = []
    for artifact in manifest["artifacts"].values():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        region = artifact["environment"].rsplit("/", 1)[-1]
        template = out_dir / artifact["properties"]["templateFile"]
        stacks.append((template, DEFAULT_REGION if region == "unknown-region" else region))
    return stacks


def test_discovery_finds_every_app_folder() -> None:
    # given the apps the repository holds today
    # when they are discovered
    # then none is missed (a broken discovery would pass every gate by gating nothing)
    assert set(APPS) >= KNOWN_APPS


@pytest.mark.parametrize("app", APPS)
def test_cdk_nag_leaves_no_unacknowledged_error(app: str, synthesized: dict[str, Any]) -> None:
    # given the app synthesized with cdk-nag on
    synthesis = synthesized[app]

    # when its AwsSolutions report is read
    plugin = nag_plugin(synthesis)

    # then no error is left (warnings are advice: they are printed, never hidden)
    errors = [
        f"{v['ruleName']} on {[c['constructPath'] for c in v['violatingConstructs']]}"
        for v in plugin.get("violations", [])
        if v["severity"] == "error"
    ]
    assert errors == []
    assert plugin["conclusion"] == "success"
    assert synthesis.ok, synthesis.output


@pytest.mark.parametrize("app", APPS)
def test_every_nag_acknowledgment_has_a_reason_next_to_its_resource(
    app: str, synthesized: dict[str, Any]
) -> None:
    # given the app's acknowledged cdk-nag findings
    acknowledged = nag_plugin(synthesized[app]).get("suppressedViolations", [])

    # when each is checked
    # then it says why, and is acknowledged on the resource or the construct owning it:
    # never on the app or a whole stack, where it would silence every future finding
    for violation in acknowledged:
        rule = violation["ruleName"]
        assert len(violation.get("reason", "").strip()) >= 20, f"{rule}: no written reason"
        at = violation["acknowledgedAt"]
        assert at.count("/") >= 1, f"{rule} is acknowledged on the whole stack {at!r}"
        for construct in violation["violatingConstructs"]:
            assert construct["constructPath"].startswith(at), (rule, at, construct)


@pytest.mark.parametrize("app", APPS)
def test_cfn_lint_finds_nothing_beyond_the_justified_ignores(
    app: str, synthesized: dict[str, Any], cfn_lint: Callable[[str, str], list[str]]
) -> None:
    # given the app's stack templates
    synthesis = synthesized[app]
    assert synthesis.ok, synthesis.output
    templates = stack_templates(synthesis.out_dir)
    assert templates

    # when each is linted for its own region with .cfnlintrc.yaml
    findings = {
        template.name: cfn_lint(template.read_text(), region) for template, region in templates
    }

    # then no error and no warning
    assert findings == {template.name: [] for template, _ in templates}


@pytest.mark.parametrize(
    ("config", "list_key"), [(".cfnlintrc.yaml", "ignore_checks"), (".checkov.yaml", "skip-check")]
)
def test_every_ignored_check_is_justified_in_its_config_file(config: str, list_key: str) -> None:
    # given a linter's config file
    lines = (ROOT / config).read_text().splitlines()

    # when its list of ignored checks is read
    start = lines.index(f"{list_key}:")
    entries = []
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line and not line.startswith((" ", "#")):
            break  # the next top-level key
        match = re.match(r"\s+- ([A-Z][A-Z0-9_]+)\s*$", line)
        if match:
            entries.append((match.group(1), _comment_above(lines, number)))

    # then there is at least one, and each sits under a comment that gives its reason
    assert entries
    for check, reason in entries:
        assert len(reason) > 40, f"{config}: {check} needs its reason in a comment above it"


def _comment_above(lines: list[str], number: int) -> str:
    comment: list[str] = []
    while number > 0 and lines[number - 1].strip().startswith("#"):
        number -= 1
        comment.insert(0, lines[number].strip().lstrip("#").strip())
    return " ".join(comment)
