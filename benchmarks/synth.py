"""Synthesis time of the gpt example app vs the same app written with aws-cdk-lib alone.

Each run is a fresh `python app.py` with CDK_OUTDIR in a temporary directory, as the
cdk CLI does it; the two apps alternate so machine noise hits both alike. Prints the
medians and their ratio (target: example / hand-written <= 1.10).

    python benchmarks/synth.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = {
    "example (CognitoApi)": (ROOT / "examples" / "gpt_app", "app.py"),
    "hand-written aws-cdk-lib": (ROOT / "benchmarks", "handwritten_app.py"),
}
TARGET_RATIO = 1.10


def synth_seconds(folder: Path, script: str) -> float:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as outdir:
        env = {
            **os.environ,
            "CDK_OUTDIR": outdir,
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
        env.pop("CDK_CONTEXT_JSON", None)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, script], cwd=folder, env=env, check=True, capture_output=True
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per app (default 5)")
    runs = max(parser.parse_args().runs, 1)

    # One unmeasured run each: the first jsii start after an install unpacks its cache.
    for folder, script in APPS.values():
        synth_seconds(folder, script)
    timings: dict[str, list[float]] = {name: [] for name in APPS}
    for _ in range(runs):
        for name, (folder, script) in APPS.items():
            timings[name].append(synth_seconds(folder, script))

    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        runs_text = " ".join(f"{value:.2f}" for value in values)
        print(f"{name:26} median {medians[name]:.2f} s   runs: {runs_text}")
    example, handwritten = medians.values()
    ratio = example / handwritten
    verdict = "ok" if ratio <= TARGET_RATIO else "over target"
    print(f"ratio example / hand-written: {ratio:.3f} (target <= {TARGET_RATIO:.2f}, {verdict})")


if __name__ == "__main__":
    main()
