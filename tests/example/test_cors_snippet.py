"""The README's CORS snippets answer exactly as the auth function does.

Users copy the snippet into their own route functions (this package is not inside them
at run time), so the README's Python block, ``examples/gpt_app/gpt/cors.py`` and the
browser test app's copy must be the same text, and the Python and Node.js snippets must
compute, for every environment the construct writes and any Origin, the headers the
auth runtime computes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_api_construct.runtime.cors import CorsSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gpt_app" / "gpt" / "cors.py"
BROWSER_APP_COPY = ROOT / "tests" / "e2e" / "apps" / "browser_app" / "whoami" / "cors.py"
ORIGINS = ["https://app.example.com", "https://admin.example.com", "http://localhost:5173"]


def _readme_block(language: str, starts: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(rf"```{language}\n(.*?)```", readme, flags=re.DOTALL)
    (block,) = [b for b in blocks if b.startswith(starts)]
    return block


def _snippet() -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), "exec"), namespace)  # noqa: S102
    return namespace["cors_headers"]


def test_the_readme_block_is_the_examples_file_and_the_apps_copy() -> None:
    # given the README's Python snippet
    block = _readme_block("python", "import os")

    # then the example and the browser app carry exactly that code
    example = EXAMPLE.read_text(encoding="utf-8")
    assert example.endswith(block)
    assert BROWSER_APP_COPY.read_text(encoding="utf-8") == example


environments = st.fixed_dictionaries(
    {
        "CORS_ALLOW_ORIGINS": st.one_of(
            st.just("*"),
            st.lists(st.sampled_from(ORIGINS), min_size=1, max_size=3, unique=True).map(",".join),
        ),
        "CORS_ALLOW_CREDENTIALS": st.sampled_from(["true", "false"]),
        "CORS_EXPOSE_HEADERS": st.sampled_from(["Retry-After", "Retry-After,X-Request-Id"]),
    }
)
origins = st.one_of(st.none(), st.sampled_from([*ORIGINS, "https://evil.example", "null", ""]))
header_names = st.sampled_from(["origin", "Origin", "ORIGIN"])


@contextmanager
def cors_environment(environment: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with exactly these ``CORS_*`` variables, restored afterwards."""
    saved = dict(os.environ)
    for variable in ("CORS_ALLOW_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_EXPOSE_HEADERS"):
        os.environ.pop(variable, None)
    os.environ.update(environment)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@settings(max_examples=200, deadline=None)
@given(environment=environments, origin=origins, name=header_names)
def test_the_python_snippet_answers_as_the_auth_function(
    environment: dict[str, str], origin: str | None, name: str
) -> None:
    # given an environment the construct writes and a request from ``origin``
    if environment["CORS_ALLOW_ORIGINS"] == "*":
        environment["CORS_ALLOW_CREDENTIALS"] = "false"  # refused at synthesis
    event = {"headers": {} if origin is None else {name: origin}}

    # when both compute the headers
    with cors_environment(environment):
        snippet = _snippet()(event)
    runtime = CorsSettings.from_environment(environment).headers_for(origin)

    # then they agree
    assert snippet == runtime


def test_the_node_snippet_answers_as_the_python_one() -> None:
    # given Node.js, the README's JavaScript snippet and a grid of cases
    node = shutil.which("node")
    assert node, "Node.js is needed (aws-cdk-lib needs it too)"
    function = _readme_block("js", "function corsHeaders")
    cases = [
        ({"CORS_ALLOW_ORIGINS": allowed, "CORS_ALLOW_CREDENTIALS": creds,
          "CORS_EXPOSE_HEADERS": "Retry-After"}, origin)
        for allowed in ("*", ORIGINS[0], ",".join(ORIGINS[:2]), "")
        for creds in (("false",) if allowed == "*" else ("true", "false"))
        for origin in (None, ORIGINS[0], ORIGINS[1], "https://evil.example")
    ]  # fmt: skip
    script = function + (
        "\nconst cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "const out = cases.map(([env, origin]) => {\n"
        "  for (const k of ['CORS_ALLOW_ORIGINS','CORS_ALLOW_CREDENTIALS','CORS_EXPOSE_HEADERS'])"
        " delete process.env[k];\n"
        "  Object.assign(process.env, env);\n"
        "  return corsHeaders({headers: origin === null ? {} : {Origin: origin}});\n"
        "});\nprocess.stdout.write(JSON.stringify(out));\n"
    )

    # when Node runs each case
    completed = subprocess.run(  # noqa: S603
        [node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    )

    # then every answer is the Python snippet's
    python = _snippet()
    expected = []
    for environment, origin in cases:
        with cors_environment(environment):
            expected.append(python({"headers": {} if origin is None else {"Origin": origin}}))
    assert json.loads(completed.stdout) == expected
