"""make proof: the heavier versions of the proof tests, and one summary table.

Runs, each in its own process, on the example app through the emulator:
1. schemathesis over every operation of the served OpenAPI document, positive and
   negative, every check, ``--examples`` per operation and mode (default 300); then
   raw HTTP fuzzing (tests/e2e/test_http_fuzz.py: unknown methods, malformed HTTP,
   foreign hosts), ``--http-examples`` requests (default 2000), 0 server errors;
2. benchmarks/load.py with its defaults (32 threads x 50 users starting together,
   whole workflow; connection-level failures counted apart from HTTP errors);
3. the fault tests (Cognito throttling and unreachable, model service slow and
   failing, worker crash and timeout) and the log-hygiene test;
4. benchmarks/emulator.py (workflow rate and protected-call latency vs their floors).
Then prints: requests fuzzed, users loaded, p50/p99, faults injected, findings. Exits
non-zero if any part failed; each failing part's output tail is printed.

Usage: python scripts/proof.py [--examples 300] [--http-examples 2000] [--threads 32]
[--users 50]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAULT_TESTS = [
    "tests/e2e/test_faults.py",
    "tests/e2e/test_local_workers_e2e.py::test_crash_is_502_and_the_function_recovers",
    "tests/e2e/test_local_workers_e2e.py::test_timeout_is_504_and_the_next_invocation_gets_a_fresh_worker",
]


@dataclass
class Part:
    """One part of the proof: whether it passed, how long it took, what it printed."""

    name: str
    ok: bool
    seconds: float
    stdout: str
    stderr: str


def _run(name: str, command: list[str], env: dict[str, str] | None = None) -> Part:
    print(f"== {name}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    part = Part(
        name,
        completed.returncode == 0,
        time.perf_counter() - started,
        completed.stdout,
        completed.stderr,
    )
    print(f"   {'ok' if part.ok else 'FAILED'} in {part.seconds:.0f} s", flush=True)
    return part


def _pytest(*targets: str, junit: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-s",
        f"--junitxml={junit}",
        *targets,
    ]


def _cases(junit: Path) -> tuple[int, list[str]]:
    """(passed, findings) from a JUnit XML report: failures, and known bugs (strict xfails)."""
    if not junit.exists():
        return 0, ["(no report)"]
    passed, findings = 0, []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):  # noqa: S314 - our own file
        name = f"{case.get('classname')}::{case.get('name')}"
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            findings.append(f"FAILED {name}")
        elif skipped is not None and skipped.get("type") == "pytest.xfail":
            findings.append(f"known bug (xfail) {name}: {skipped.get('message', '')}")
        elif skipped is None:
            passed += 1
    return passed, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="per operation and mode")
    parser.add_argument("--http-examples", type=int, default=2000, help="raw HTTP requests")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--users", type=int, default=50, help="per thread")
    options = parser.parse_args()
    parts: list[Part] = []
    with tempfile.TemporaryDirectory(prefix="proof-") as work:
        out = Path(work)
        parts.append(
            _run(
                "schemathesis",
                _pytest("tests/e2e/test_schemathesis.py", junit=out / "fuzz.xml"),
                {
                    "SCHEMATHESIS_MAX_EXAMPLES": str(options.examples),
                    "FUZZ_REPORT": str(out / "fuzz.json"),
                },
            )
        )
        parts.append(
            _run(
                "http fuzz",
                _pytest("tests/e2e/test_http_fuzz.py", junit=out / "http_fuzz.xml"),
                {
                    "HTTP_FUZZ_EXAMPLES": str(options.http_examples),
                    "HTTP_FUZZ_REPORT": str(out / "http_fuzz.json"),
                },
            )
        )
        parts.append(
            _run(
                "load",
                [
                    sys.executable,
                    "benchmarks/load.py",
                    "--threads",
                    str(options.threads),
                    "--users",
                    str(options.users),
                    "--json",
                    str(out / "load.json"),
                ],
            )
        )
        parts.append(_run("faults", _pytest(*FAULT_TESTS, junit=out / "faults.xml")))
        parts.append(
            _run(
                "log hygiene",
                _pytest("tests/e2e/test_log_hygiene.py", junit=out / "hygiene.xml"),
            )
        )
        parts.append(_run("emulator benchmark", [sys.executable, "benchmarks/emulator.py"]))

        fuzz = _json(out / "fuzz.json")
        http_fuzz = _json(out / "http_fuzz.json")
        load = _json(out / "load.json")
        faults_passed, faults_failed = _cases(out / "faults.xml")
        _, fuzz_failed = _cases(out / "fuzz.xml")
        _, http_fuzz_failed = _cases(out / "http_fuzz.xml")
        _, hygiene_failed = _cases(out / "hygiene.xml")

    for part in parts:
        if not part.ok:
            # The Lambda functions' log lines go to stderr: the verdicts are on stdout.
            print(f"\n---- {part.name}: stdout (tail) ----")
            print("\n".join(part.stdout.splitlines()[-60:]))
            print(f"---- {part.name}: stderr (tail) ----")
            print("\n".join(part.stderr.splitlines()[-15:]))
    print("\n---- emulator benchmark ----")
    print(parts[-1].stdout.strip())

    findings = fuzz_failed + http_fuzz_failed + faults_failed + hygiene_failed
    if load and (load.get("errors") or load.get("users_missing_or_duplicated")):
        findings.append(
            f"load: {load['errors']} errors ({load.get('connection_failures', 0)} "
            f"connection-level), {load['users_missing_or_duplicated']} users missing or "
            "duplicated"
        )
    hygiene_ran = next(part.ok for part in parts if part.name == "log hygiene")
    rows = [
        ("requests fuzzed", _figure(fuzz, "requests")),
        ("  by status", json.dumps(fuzz.get("by_status", {})) if fuzz else "-"),
        ("raw HTTP requests fuzzed", _figure(http_fuzz, "requests")),
        ("  by status", json.dumps(http_fuzz.get("by_status", {})) if http_fuzz else "-"),
        ("  server errors", _figure(http_fuzz, "server_errors")),
        ("users loaded", f"{load['users']} ({load['threads']} threads)" if load else "-"),
        ("  connection-level failures", _figure(load, "connection_failures")),
        ("  HTTP errors", _figure(load, "http_errors")),
        ("workflows/s", _figure(load, "workflows_per_second")),
        ("workflow p50 / p99 ms", _pair(load, "workflow")),
        ("protected call p50 / p99 ms", _pair(load, "gpt")),
        ("fault scenarios passed", str(faults_passed)),
        ("log hygiene", "clean" if not hygiene_failed and hygiene_ran else "LEAK or failure"),
        ("findings", str(len(findings))),
    ]
    width = max(len(label) for label, _ in rows)
    print("\n---- proof ----")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for finding in findings:
        print(f"  finding: {finding}")
    return 0 if all(part.ok for part in parts) else 1


def _json(path: Path) -> dict[str, object]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def _figure(data: dict[str, object], key: str) -> str:
    return str(data.get(key, "-")) if data else "-"


def _pair(load: dict[str, object], step: str) -> str:
    if not load:
        return "-"
    p50, p99 = load["p50_ms"], load["p99_ms"]
    assert isinstance(p50, dict)
    assert isinstance(p99, dict)
    return f"{p50[step]} / {p99[step]}"


if __name__ == "__main__":
    sys.exit(main())
