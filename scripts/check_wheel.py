"""Prove the built wheel is complete: install it into a clean venv and synthesize from it.

Usage: ``python scripts/check_wheel.py DIST_DIR``. A CDK app written in a temporary
folder (so nothing from this checkout can be imported) builds a ``CognitoApi`` with a
protected route; the script then checks that the auth function's staged asset holds the
runtime handler and nothing of the construct side. Exits non-zero with a reason otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

APP = """
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
import cognito_api_construct
from cognito_api_construct import CognitoApi

assert "site-packages" in cognito_api_construct.__file__, cognito_api_construct.__file__
app = cdk.App()
stack = cdk.Stack(app, "WheelCheck")
auth = CognitoApi(stack, "Auth")
hello = lambda_.Function(
    stack, "Hello", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\\n    return {}\\n"),
)
auth.add_protected_route("hello", hello)
app.synth()
"""


def main(dist: Path) -> int:
    wheels = sorted(dist.glob("cognito_api_construct-*.whl"))
    if len(wheels) != 1:
        print(f"expected exactly one wheel in {dist}, found {[w.name for w in wheels]}")
        return 1
    with tempfile.TemporaryDirectory(prefix="wheel-check-") as tmp:
        root = Path(tmp)
        venv.create(root / "venv", with_pip=True)
        python = root / "venv" / "bin" / "python"
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", str(wheels[0].resolve())], check=True
        )
        (root / "app.py").write_text(APP)
        out = root / "cdk.out"
        env = {**os.environ, "CDK_OUTDIR": str(out)}
        env.pop("PYTHONPATH", None)
        subprocess.run([python, "-I", "app.py"], cwd=root, env=env, check=True)
        return check_asset(out)


def check_asset(out: Path) -> int:
    template = json.loads((out / "WheelCheck.template.json").read_text())
    auth_functions = [
        resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
        and resource["Properties"].get("Handler") == "runtime.handler.handler"
    ]
    if len(auth_functions) != 1:
        print(f"expected one auth function, found {len(auth_functions)}")
        return 1
    # `python app.py` writes no aws:asset:path metadata; the S3 key is the asset's hash.
    asset_hash = auth_functions[0]["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    asset = out / f"asset.{asset_hash}"
    files = sorted(str(p.relative_to(asset)) for p in asset.rglob("*") if p.is_file())
    problems = []
    if "runtime/handler.py" not in files:
        problems.append("runtime/handler.py is missing from the asset")
    strays = [f for f in files if not f.startswith("runtime/") or f.endswith(".pyc")]
    if strays:
        problems.append(f"the asset ships files outside runtime/ or bytecode: {strays}")
    size_kb = sum((asset / f).stat().st_size for f in files) / 1024
    for problem in problems:
        print(f"wheel check: {problem}")
    if not problems:
        print(f"wheel check: ok, {len(files)} runtime files, {size_kb:.1f} KB asset")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
