"""cfn-lint finds nothing in the construct's templates beyond what .cfnlintrc.yaml justifies.

The apps in examples/, tests/ and benchmarks/ are linted by tests/gates; these are the
construct's own configurations (every default, every prop set, an imported pool).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from .conftest import ENV, Synthesized


@pytest.mark.parametrize("app_name", ["defaults", "configured", "imported"])
def test_template_has_no_cfn_lint_error_or_warning(
    app_name: str, request: pytest.FixtureRequest, cfn_lint: Callable[[str, str], list[str]]
) -> None:
    # given a synthesized template
    app: Synthesized = request.getfixturevalue(app_name)
    template = json.dumps(app.template.to_json())

    # when it is linted for the stack's region with the repository's configuration
    findings = cfn_lint(template, ENV["region"])

    # then no error and no warning
    assert findings == []
