"""Prove the built sdist holds the project's sources and nothing from a working checkout.

Usage: ``python scripts/check_sdist.py DIST_DIR``. Fails (exit 1, with the offending
paths) when the one ``.tar.gz`` in DIST_DIR has a top-level entry outside the expected
set, or any virtual environment, cloud assembly, build output or bytecode, or lacks a
file the package cannot do without.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path, PurePosixPath

EXPECTED_TOP_LEVEL = {
    "src",
    "tests",
    "examples",
    "benchmarks",
    "scripts",
    "docs",
    "README.md",
    "CHANGELOG.md",
    "SECURITY.md",
    "LICENSE",
    "Makefile",
    "pyproject.toml",
    "PKG-INFO",
    ".gitignore",
    ".cfnlintrc.yaml",
    ".checkov.yaml",
}
REQUIRED = {
    "src/cognito_api_construct/__init__.py",
    "src/cognito_api_construct/_version.py",
    "src/cognito_api_construct/py.typed",
    "src/cognito_api_construct/runtime/handler.py",
    "LICENSE",
    "README.md",
    "docs/facts.md",
}
FORBIDDEN_PARTS = {"cdk.out", "__pycache__", ".git", "build", "dist", "node_modules"}


def problems(names: list[str]) -> list[str]:
    found: list[str] = []
    relative = [PurePosixPath(*PurePosixPath(name).parts[1:]) for name in names]
    for path in relative:
        if not path.parts:
            continue
        if path.parts[0] not in EXPECTED_TOP_LEVEL:
            found.append(f"unexpected top-level entry: {path}")
        bad = [p for p in path.parts if p in FORBIDDEN_PARTS or p.startswith(".venv")]
        if bad or path.suffix == ".pyc":
            found.append(f"build or environment output: {path}")
    present = {str(path) for path in relative}
    found += [f"missing: {name}" for name in sorted(REQUIRED - present)]
    return found


def main(dist: Path) -> int:
    sdists = sorted(dist.glob("cognito_api_construct-*.tar.gz"))
    if len(sdists) != 1:
        print(f"expected exactly one sdist in {dist}, found {[s.name for s in sdists]}")
        return 1
    with tarfile.open(sdists[0]) as archive:
        names = archive.getnames()
    found = problems(names)
    for problem in found[:50]:
        print(f"{sdists[0].name}: {problem}")
    if not found:
        print(f"{sdists[0].name}: {len(names)} entries, all expected")
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
