"""cfn-lint finds no error in the synthesized templates."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import lint  # type: ignore[import-untyped]

from .conftest import ENV, Synthesized


@pytest.mark.parametrize("app_name", ["defaults", "configured", "imported"])
def test_template_has_no_cfn_lint_error(app_name: str, request: pytest.FixtureRequest) -> None:
    # given a synthesized template
    app: Synthesized = request.getfixturevalue(app_name)
    template = json.dumps(app.template.to_json())

    # when
    matches = lint(template, regions=[ENV["region"]])

    # then no error (E...) finding, and no warning but W3005 (CDK's own DependsOn)
    errors = [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]
    assert errors == []
    warnings = {m.rule.id for m in matches if not m.rule.id.startswith("E")}
    assert warnings <= {"W3005"}
