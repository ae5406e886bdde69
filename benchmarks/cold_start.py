"""Cold start of the auth Lambda: our handler module vs bare boto3, in fresh processes.

Each run starts a new interpreter and times, inside it, from before the first import
to a ready ``cognito-idp`` client:

- baseline: ``import boto3; boto3.client("cognito-idp")``
- handler:  ``import runtime.handler`` (which creates its client at import), from a
  copy of the asset as it ships: only the runtime/ sources, no ``__pycache__``, and
  bytecode writing off, because Lambda's /var/task is read-only and our modules are
  compiled at every cold start (boto3's are precompiled in the Lambda runtime, and
  here in the venv).

Runs alternate (baseline, handler, handler, baseline, ...) so drift hits both sides.
Prints the medians, the ratio (target <= 1.05) and the asset size in KB.

Usage: python benchmarks/cold_start.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[1] / "src" / "cognito_api_construct" / "runtime"
TARGET = 1.05

BASELINE = """
import time
started = time.perf_counter()
import boto3
boto3.client("cognito-idp")
print(time.perf_counter() - started)
"""

HANDLER = """
import time
started = time.perf_counter()
import runtime.handler
assert runtime.handler._cognito is not None
print(time.perf_counter() - started)
"""


def shipped_files(runtime: Path) -> list[Path]:
    """The files of runtime/ that the asset ships: no caches, no bytecode."""
    return sorted(
        path
        for path in runtime.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def copy_asset(destination: Path) -> None:
    for path in shipped_files(RUNTIME):
        target = destination / "runtime" / path.relative_to(RUNTIME)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def run_once(script: str, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Return (time measured inside the process, wall time of the whole process)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    return float(done.stdout.strip().splitlines()[-1]), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each side (>= 7)")
    args = parser.parse_args()
    runs = max(args.runs, 7)

    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "AWS_"))
    }
    env.update(
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        # Lambda passes credentials in the environment; without them botocore would
        # probe the instance metadata service and time that instead.
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - a dummy, never sent anywhere
        USER_POOL_ID="us-east-1_bench",
        USER_POOL_CLIENT_ID="benchclient",
        PYTHONDONTWRITEBYTECODE="1",
    )

    with tempfile.TemporaryDirectory(prefix="cold-start-") as temp:
        asset = Path(temp)
        copy_asset(asset)
        sides = {"baseline": BASELINE, "handler": HANDLER}
        inside: dict[str, list[float]] = {name: [] for name in sides}
        wall: dict[str, list[float]] = {name: [] for name in sides}
        # One warm-up each: the first process pays for filling the OS file cache.
        for script in sides.values():
            run_once(script, asset, env)
        for index in range(runs):
            order = ("baseline", "handler") if index % 2 == 0 else ("handler", "baseline")
            for name in order:
                measured, elapsed = run_once(sides[name], asset, env)
                inside[name].append(measured)
                wall[name].append(elapsed)

    size_kb = sum(path.stat().st_size for path in shipped_files(RUNTIME)) / 1024
    base = statistics.median(inside["baseline"])
    ours = statistics.median(inside["handler"])
    ratio = ours / base
    wall_ratio = statistics.median(wall["handler"]) / statistics.median(wall["baseline"])
    print(f"runs per side:                  {runs} (alternating, fresh interpreter each)")
    print(f"baseline import boto3 + client: {base * 1000:8.1f} ms (median)")
    print(f"import runtime.handler:         {ours * 1000:8.1f} ms (median)")
    print(f"ratio handler / baseline:       {ratio:8.3f} (target <= {TARGET})")
    print(f"ratio incl. interpreter start:  {wall_ratio:8.3f}")
    files = len(shipped_files(RUNTIME))
    print(f"asset size (runtime/, shipped): {size_kb:8.1f} KB in {files} files")
    print("target met" if ratio <= TARGET else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
