"""The workflows run only code that was reviewed: actions by commit, tools by version.

A tag (``@v4``) or branch (``@release/v1``) can be moved by whoever controls the action's
repository, and the release job then runs the new code with an OIDC token that PyPI
accepts. A commit SHA cannot be moved, so every external action is pinned by its full
SHA, with the tag it was taken from in a comment for the reader and for updates
(https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions).
Likewise every ``pip install`` in a workflow names exact versions, or the project itself
(whose own dependencies are pyproject.toml's business), and the token is read-only unless
a job asks for more.

To update an action: take the commit of the new release tag from the action's release
page, and write ``uses: owner/repo@<sha> # vX.Y.Z``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))

#: ``uses: value # comment`` on one line, as a step (``- uses:``) or a job (reusable workflow).
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
#: ``owner/repo[/path]@<40 hex>``: an action (or reusable workflow) at one commit.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
#: A container action at one image digest.
PINNED_IMAGE = re.compile(r"^docker://[^@\s]+@sha256:[0-9a-f]{64}$")
#: The tag the SHA was taken from: ``v1.2.3``.
TAG_COMMENT = re.compile(r"^v\d+\.\d+\.\d+$")
#: A requirement pinned to one version: ``name==1.2.3`` (extras allowed).
EXACT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?==[A-Za-z0-9.!+_-]+$")
#: The project itself, from the checkout: ``.``, ``.[dev]``, ``./``.
THE_PROJECT = re.compile(r"^\./?(?:\[[A-Za-z0-9._,-]+\])?$")
#: A pip install command, however pip is invoked (``python -m pip``, ``pip3``, ``uv pip``).
PIP_INSTALL = re.compile(r"\bpip3?\s+install\b")
#: pip options that take no value; any other option is refused (``-r``, ``--index-url``...).
FLAGS = {"-U", "--upgrade", "-q", "--quiet", "-v", "--verbose", "--no-cache-dir",
         "--disable-pip-version-check", "--no-input", "--require-hashes", "--user"}  # fmt: skip
#: Permissions that only read.
READ_ONLY = {"read", "none"}


def unpinned_uses(text: str) -> list[str]:
    """The ``uses:`` lines of a workflow that are not pinned by commit with a tag comment."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = USES_LINE.match(line)
        if not match:
            continue
        value, comment = match["value"].strip("'\""), (match["comment"] or "").strip()
        if value.startswith("./"):
            continue  # an action of this repository, pinned by the checkout itself
        if value.startswith("docker://"):
            if not PINNED_IMAGE.match(value):
                problems.append(f"line {number}: {value} is not pinned by image digest")
            continue
        if not PINNED.match(value):
            problems.append(f"line {number}: {value} is not pinned by a 40-hex commit SHA")
        elif not TAG_COMMENT.match(comment):
            problems.append(f"line {number}: {value} has no '# vX.Y.Z' tag comment")
    return problems


def unpinned_installs(script: str) -> list[str]:
    """The ``pip install`` commands of a ``run:`` script that install an unpinned package."""
    problems = []
    joined = re.sub(r"\\\n", " ", script)
    for command in re.split(r"\n|&&|;|\|\|", joined):
        if not PIP_INSTALL.search(command):
            continue
        try:
            words = shlex.split(command, comments=True)
        except ValueError:
            problems.append(f"{command.strip()!r}: not a command this check can read")
            continue
        starts = [
            i
            for i in range(len(words) - 1)
            if words[i] in ("pip", "pip3") and words[i + 1] == "install"
        ]
        for start in starts:
            arguments = words[start + 2 :]
            while arguments:
                word = arguments.pop(0)
                if word == "-e" and arguments and THE_PROJECT.match(arguments[0]):
                    arguments.pop(0)
                elif word in FLAGS or EXACT.match(word) or THE_PROJECT.match(word):
                    continue
                else:
                    problems.append(f"{command.strip()!r}: {word!r} is not pinned with ==")
    return problems


def _document(path: Path) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def _scripts(document: dict[Any, Any]) -> list[str]:
    return [
        step["run"]
        for job in document.get("jobs", {}).values()
        for step in job.get("steps", [])
        if isinstance(step, dict) and "run" in step
    ]


def _all_uses(document: dict[Any, Any]) -> set[str]:
    uses = set()
    for job in document.get("jobs", {}).values():
        if "uses" in job:
            uses.add(job["uses"])
        uses |= {step["uses"] for step in job.get("steps", []) if "uses" in step}
    return uses


def test_there_are_workflows_to_check() -> None:
    # given / when / then: a moved folder would make every test below pass vacuously
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "release.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit_with_its_tag(path: Path) -> None:
    """A tag can be moved to other code; a commit SHA cannot."""
    # given the workflow's text (comments included) and its parsed form
    text = path.read_text(encoding="utf-8")
    parsed = _all_uses(_document(path))

    # when its uses: lines are read
    lines = {m["value"].strip("'\"") for line in text.splitlines() if (m := USES_LINE.match(line))}

    # then each is pinned, and the line reading saw every uses: that YAML sees
    assert unpinned_uses(text) == []
    assert lines == parsed


def test_one_action_is_pinned_to_one_commit_and_tag_everywhere() -> None:
    """Two SHAs for one action (or two tags for one SHA) mean one pin was not updated."""
    # given every pinned uses: of every workflow
    seen: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = USES_LINE.match(line)
            if match and "@" in match["value"] and not match["value"].startswith("./"):
                action, _, sha = match["value"].partition("@")
                seen.setdefault(action, set()).add(f"{sha} # {match['comment']}")

    # then each action has one pin
    assert {action: pins for action, pins in seen.items() if len(pins) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_pip_install_pins_exact_versions(path: Path) -> None:
    """An unpinned build tool is whatever PyPI serves on release day."""
    # given / when
    problems = [problem for run in _scripts(_document(path)) for problem in unpinned_installs(run)]

    # then
    assert problems == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_the_token_is_read_only_by_default(path: Path) -> None:
    """Jobs that need more ask for it themselves (the publish job's id-token)."""
    # given / when
    permissions = _document(path).get("permissions")

    # then the workflow sets its default, and it only reads
    assert permissions is not None, "no top-level permissions: the repository default applies"
    if isinstance(permissions, str):
        assert permissions == "read-all"
    else:
        assert set(permissions.values()) <= READ_ONLY


@pytest.mark.parametrize(
    "line",
    [
        "      - uses: actions/checkout@v4",
        "      - uses: pypa/gh-action-pypi-publish@release/v1",
        "      - uses: actions/checkout@11bd719",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # latest",
        "    uses: octo/workflows/.github/workflows/build.yml@main",
        "      - uses: docker://alpine:3.20",
    ],
)
def test_the_uses_check_refuses_a_movable_ref(line: str) -> None:
    # given / when / then
    assert len(unpinned_uses(line)) == 1


@pytest.mark.parametrize(
    "line",
    [
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
        "    uses: o/w/.github/workflows/b.yml@11bd71901bbe5b1630ceea73d27597364c9af683 # v1.0.0",
        "      - uses: ./.github/actions/local",
        "      - uses: docker://alpine@sha256:" + "a" * 64,
    ],
)
def test_the_uses_check_accepts_a_pinned_ref(line: str) -> None:
    # given / when / then
    assert unpinned_uses(line) == []


@pytest.mark.parametrize(
    "script",
    [
        "python -m pip install build twine",
        "python -m pip install build==1.2 twine",
        "pip install -U pip",
        "pip install 'build>=1.2'",
        "pip install -r requirements.txt",
        "pip install --index-url https://example.org/simple build==1.2",
        "python -m pip install \\\n  build==1.2 \\\n  twine",
        "echo hi && pip install twine",
    ],
)
def test_the_install_check_refuses_an_unpinned_package(script: str) -> None:
    # given / when / then
    assert unpinned_installs(script) != []


@pytest.mark.parametrize(
    "script",
    [
        "python -m pip install build==1.6.1 twine==7.0.0",
        "python -m pip install --upgrade pip==25.1 && python -m pip install -e '.[dev]'",
        "pip install .",
        "pip install -q .[local]",
        "make test PYTHON=python",
        "python -m build",
    ],
)
def test_the_install_check_accepts_exact_versions_and_the_project(script: str) -> None:
    # given / when / then
    assert unpinned_installs(script) == []
