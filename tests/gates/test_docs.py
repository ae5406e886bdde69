"""What the code cites lives in the repository: every ``docs/<page>.md#<section>`` exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"docs/([a-z0-9_-]+\.md)#([a-z0-9-]+)")


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_cited_section_exists() -> None:
    # given every citation in the tracked sources
    tracked = subprocess.run(
        ["git", "ls-files", "src", "tests", "examples", "benchmarks", "scripts"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    cited = {
        (page, anchor)
        for name in tracked
        if name.endswith((".py", ".js", ".md"))
        for page, anchor in CITATION.findall((ROOT / name).read_text(encoding="utf-8"))
    }

    # then each names a page of docs/ and one of its headings, and nothing cites a file
    # outside the repository
    assert cited
    for page, anchor in cited:
        assert anchor in _anchors(ROOT / "docs" / page), (page, anchor)
    outside = re.compile(r"FACTS\.md")  # the shared notes this repository must not cite
    for name in tracked:
        if name.endswith(".py"):
            assert not outside.search((ROOT / name).read_text(encoding="utf-8")), name
