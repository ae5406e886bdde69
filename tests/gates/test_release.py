"""Release engineering rules: one version, CI runs make test, PyPI only by trusted publishing.

actionlint does not install from the package registries (its PyPI wrapper downloads the
binary at build time), so the workflows' security-relevant shape is pinned here instead.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
#: Where the version may be written: its one home, and the changelog's headings.
VERSION_HOME = ROOT / "src" / "cognito_api_construct" / "_version.py"
#: Folders that are build output, not sources.
NOT_SOURCES = {"dist", "build", "cdk.out", "node_modules", "__pycache__", "__snapshots__"}


def package_version() -> str:
    version: str = runpy.run_path(str(VERSION_HOME))["__version__"]
    return version


def workflow(name: str) -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as the boolean true.
    document["on"] = document.pop(True, document.get("on"))
    return document


def source_files() -> list[Path]:
    files = []
    for directory, subdirectories, names in os.walk(ROOT):
        # Pruned in place, so environments and caches are never walked into.
        subdirectories[:] = [name for name in subdirectories if _is_source_directory(name)]
        files += [Path(directory, name) for name in names]
    return files


def _is_source_directory(name: str) -> bool:
    # Hidden folders are environments, caches and .git, except the CI ones.
    if name in {".github", ".ci"}:
        return True
    return not name.startswith(".") and name not in NOT_SOURCES


def test_the_version_is_written_in_one_place() -> None:
    # given the package version
    version = package_version()

    # when every source file but its home and the changelog is searched for it
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in source_files()
        if path not in (VERSION_HOME, ROOT / "CHANGELOG.md")
        and f'"{version}"' in path.read_text(errors="ignore")
    ]

    # then it is nowhere else (hatch reads it from there for the builds)
    assert elsewhere == []
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "src/cognito_api_construct/_version.py"' in pyproject


def test_ci_runs_make_test_on_every_push_and_pull_request() -> None:
    # given the CI workflow
    ci = workflow("ci.yml")

    # when its triggers, permissions and steps are read
    steps = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]

    # then make test runs for pushes and pull requests with a read-only token
    assert {"push", "pull_request"} <= set(ci["on"])
    assert ci["permissions"] == {"contents": "read"}
    assert any(run.startswith("make test") for run in steps)


def test_release_publishes_by_trusted_publishing_from_one_job_only() -> None:
    # given the release workflow
    release = workflow("release.yml")
    text = (WORKFLOWS / "release.yml").read_text()

    # when its jobs are read
    jobs = release["jobs"]
    publishers = {
        name: job
        for name, job in jobs.items()
        if any("pypa/gh-action-pypi-publish" in step.get("uses", "") for step in job["steps"])
    }

    # then one job publishes, in the pypi environment, with an OIDC token and no secret
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    ((name, publisher),) = publishers.items()
    assert publisher["environment"]["name"] == "pypi"
    assert publisher["permissions"] == {"id-token": "write"}
    assert set(publisher["needs"]) >= {"build", "test"}
    others = [job for other, job in jobs.items() if other != name]
    assert all("id-token" not in job.get("permissions", {}) for job in others)
    assert "secrets." not in text
    assert "password:" not in text


@pytest.mark.parametrize("tag_matches", [True, False])
def test_release_refuses_a_tag_that_is_not_the_package_version(
    tag_matches: bool, tmp_path: Path
) -> None:
    # given the release workflow's tag check, run as the runner would
    release = workflow("release.yml")
    (check,) = [
        step
        for step in release["jobs"]["build"]["steps"]
        if step.get("name") == "The tag names the package version"
    ]
    tag = f"v{package_version()}" if tag_matches else "v999.0.0"

    # when it runs for a tag
    bash = shutil.which("bash")
    assert bash is not None
    completed = subprocess.run(  # noqa: S603 - our own workflow's script
        [bash, "-e", "-c", check["run"]],
        cwd=ROOT,
        env={"TAG": tag, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )

    # then only the matching tag passes
    assert (completed.returncode == 0) is tag_matches, completed.stdout + completed.stderr


def test_the_sdist_checker_allows_exactly_what_the_sdist_includes() -> None:
    """A folder added to the sdist but not to the checker fails only at `make package`."""
    # given the sdist's include list and the checker's allowed top-level entries
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = {
        entry.strip("/")
        for entry in config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    }
    allowed = runpy.run_path(str(ROOT / "scripts" / "check_sdist.py"))["EXPECTED_TOP_LEVEL"]
    # then every included entry is allowed, and beyond them only what hatchling always adds
    assert included | {"PKG-INFO", "pyproject.toml", ".gitignore"} == allowed
