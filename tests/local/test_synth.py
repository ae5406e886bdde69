"""Synthesis without the cdk CLI, and which functions the emulator can run."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from cognito_api_construct.local.assembly import LambdaFunction
from cognito_api_construct.local.synth import SynthesisError, read_app_command, synthesize
from cognito_api_construct.local.workers import UnsupportedFunctionError, check_runnable

FAKE_APP = (
    "import json, os, pathlib; "
    "out = pathlib.Path(os.environ['CDK_OUTDIR']); "
    "context = json.loads(os.environ['CDK_CONTEXT_JSON']); "
    "(out / 'manifest.json').write_text(json.dumps({'context': context}))"
)


def test_app_command_runs_with_outdir_and_context(tmp_path: Path) -> None:
    # given an app folder whose cdk.json has context, and an app writing what it got
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "x", "context": {"flag": True}}))
    (tmp_path / "cdk.context.json").write_text(json.dumps({"cached": "v"}))
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(FAKE_APP)}"

    # when it is synthesized
    out = synthesize(command, tmp_path, tmp_path / "out")

    # then the app wrote its assembly where told, having received the context
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["context"] == {"flag": True, "cached": "v"}


def test_failing_app_reports_its_output(tmp_path: Path) -> None:
    # given an app that fails
    command = f"{shlex.quote(sys.executable)} -c \"raise SystemExit('no such construct prop')\""

    # when it is synthesized
    # then the error carries the app's own message
    with pytest.raises(SynthesisError, match="no such construct prop"):
        synthesize(command, tmp_path, tmp_path / "out")


def test_missing_cdk_json_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SynthesisError, match=r"No cdk.json.*--app CMD or --cdk-out DIR"):
        read_app_command(tmp_path)


def _function(**changes: object) -> LambdaFunction:
    values: dict[str, object] = {
        "logical_id": "Fn1",
        "function_name": "Stack-Fn1",
        "runtime": "python3.13",
        "handler": "app.handler",
        "package_type": "Zip",
        "timeout_seconds": 3,
        "memory_mb": 128,
        "environment": {},
        "code_dir": Path("/tmp"),
        "inline_code": None,
    }
    values.update(changes)
    return LambdaFunction(**values)  # type: ignore[arg-type]


def test_python_zip_function_is_runnable() -> None:
    check_runnable(_function())


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"runtime": "ruby3.3"}, "runtime 'ruby3.3'"),
        ({"package_type": "Image", "runtime": None}, "container image"),
        ({"handler": None}, "Handler"),
        ({"code_dir": None}, "asset was not found"),
    ],
)
def test_unrunnable_functions_are_named_with_the_reason(
    changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(UnsupportedFunctionError, match=rf"Fn1 \(Stack-Fn1\).*{reason}"):
        check_runnable(_function(**changes))
