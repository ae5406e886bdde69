"""Synthesize every CDK app of this repository, concurrently, optionally with cdk-nag on.

Usage: ``python scripts/synth_apps.py OUT_DIR [--nag]``. An app is any folder with a
``cdk.json`` under ``examples/``, ``tests/`` or ``benchmarks/``; each is synthesized as the
cdk CLI would (its ``app`` command, ``CDK_OUTDIR``, the context of ``cdk.json`` and
``cdk.context.json``), into ``OUT_DIR/<folder path with "/" as "__">``. ``--nag`` adds the
context ``nag=true``, which every app honours by adding cdk-nag's AwsSolutions checks (a
failing check then fails the synthesis, and the report is ``validation-report.json``).

The template gates (``tests/gates``) and ``make checkov`` both synthesize through here.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cognito_api_construct.local import synth as local_synth

ROOT = Path(__file__).resolve().parents[1]
APP_ROOTS = ("examples", "tests", "benchmarks")
#: Folders that hold build output or environments, never an app of ours.
SKIPPED_PARTS = frozenset({"cdk.out", "node_modules", "__pycache__", ".venv"})


@dataclass(frozen=True)
class Synthesis:
    """One app's synthesis: where its assembly went and how the command ended."""

    app: str  # the app folder, relative to the repository root, e.g. "examples/gpt_app"
    out_dir: Path
    returncode: int
    output: str  # on failure, the command and its last output lines

    @property
    def ok(self) -> bool:
        """Whether the app command succeeded and wrote a cloud assembly."""
        return self.returncode == 0 and (self.out_dir / "manifest.json").is_file()


def discover(root: Path = ROOT) -> list[str]:
    """Every folder with a ``cdk.json`` under the app roots, relative to ``root``, sorted."""
    found = {
        path.parent.relative_to(root).as_posix()
        for top in APP_ROOTS
        for path in (root / top).rglob("cdk.json")
        if not SKIPPED_PARTS & set(path.relative_to(root).parts)
    }
    return sorted(found)


def out_dir_name(app: str) -> str:
    return app.replace("/", "__")


def synthesize(app: str, out_root: Path, *, nag: bool, root: Path = ROOT) -> Synthesis:
    """Synthesize one app as the emulator does (the cdk CLI's way), nag on if asked."""
    app_dir = root / app
    out_dir = out_root / out_dir_name(app)
    try:
        local_synth.synthesize(
            local_synth.read_app_command(app_dir),
            app_dir,
            out_dir,
            context={"nag": True} if nag else None,
        )
    except local_synth.SynthesisError as failure:
        return Synthesis(app=app, out_dir=out_dir, returncode=1, output=str(failure))
    return Synthesis(app=app, out_dir=out_dir, returncode=0, output="")


def synthesize_all(
    out_root: Path, *, nag: bool, apps: list[str] | None = None
) -> dict[str, Synthesis]:
    """Synthesize ``apps`` (default: every discovered app) side by side, one process each."""
    selected = discover() if apps is None else apps
    with ThreadPoolExecutor(max_workers=max(1, len(selected))) as pool:
        results = pool.map(lambda app: synthesize(app, out_root, nag=nag), selected)
        return {result.app: result for result in results}


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    results = synthesize_all(Path(argv[0]).resolve(), nag="--nag" in argv[1:])
    failed = [result for result in results.values() if not result.ok]
    for result in failed:
        print(f"{result.app}: synthesis failed (exit {result.returncode})\n{result.output}")
    print(f"synthesized {len(results) - len(failed)} of {len(results)} apps into {argv[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
