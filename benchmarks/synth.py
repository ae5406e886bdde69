"""Synthesis time of the gpt example app vs the same app written with aws-cdk-lib alone.

Each run is a fresh `python app.py` with CDK_OUTDIR in a temporary directory, as the
cdk CLI does it; the two apps alternate so machine noise hits both alike. Prints the
medians and their ratio (target: example / hand-written <= 1.10), wall clock, and the
same for CPU time (user + system of the app and its jsii Node process), which a busy
machine disturbs less. tests/gates/test_synth_benchmark_parity.py checks that both apps
synthesize the same template (resources, properties, models, throttles, assets).

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


def _children_cpu_seconds() -> float:
    """User + system time of every child waited for so far (0 where unmeasurable)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def synth_seconds(folder: Path, script: str) -> tuple[float, float]:
    """One synthesis: its wall-clock seconds and its CPU seconds."""
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as outdir:
        env = {
            **os.environ,
            "CDK_OUTDIR": outdir,
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
        env.pop("CDK_CONTEXT_JSON", None)
        cpu_before = _children_cpu_seconds()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, script], cwd=folder, env=env, check=True, capture_output=True
        )
        return time.perf_counter() - started, _children_cpu_seconds() - cpu_before


def report(label: str, timings: dict[str, list[float]]) -> float:
    """Print each app's median and runs; return the ratio example / hand-written."""
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        runs_text = " ".join(f"{value:.2f}" for value in values)
        print(f"{name:26} {label:4} median {medians[name]:.2f} s   runs: {runs_text}")
    example, handwritten = medians.values()
    return example / handwritten if handwritten else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per app (default 5)")
    runs = max(parser.parse_args().runs, 1)

    # One unmeasured run each: the first jsii start after an install unpacks its cache.
    for folder, script in APPS.values():
        synth_seconds(folder, script)
    wall: dict[str, list[float]] = {name: [] for name in APPS}
    cpu: dict[str, list[float]] = {name: [] for name in APPS}
    for _ in range(runs):
        for name, (folder, script) in APPS.items():
            wall_seconds, cpu_seconds = synth_seconds(folder, script)
            wall[name].append(wall_seconds)
            cpu[name].append(cpu_seconds)

    ratio = report("wall", wall)
    cpu_ratio = report("cpu", cpu)
    verdict = "ok" if ratio <= TARGET_RATIO else "over target"
    print(f"ratio example / hand-written: {ratio:.3f} (target <= {TARGET_RATIO:.2f}, {verdict})")
    print(f"cpu-time ratio example / hand-written: {cpu_ratio:.3f}")


if __name__ == "__main__":
    main()
