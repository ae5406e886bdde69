"""Every CDK app of the repository, synthesized once per session with cdk-nag on.

The apps are found and synthesized by ``scripts/synth_apps.py`` (also used by
``make checkov``), side by side, one process each: a few seconds in all.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_synth_apps() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth_apps", ROOT / "scripts" / "synth_apps.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth_apps", module)
    spec.loader.exec_module(module)
    return module


synth_apps = _load_synth_apps()
#: Discovered at collection, so a new app folder is gated without touching the tests.
APPS: list[str] = synth_apps.discover()


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Each app's synthesis with ``-c nag=true``, by app folder (e.g. ``examples/gpt_app``)."""
    results: dict[str, object] = synth_apps.synthesize_all(
        tmp_path_factory.mktemp("gates"), nag=True, apps=APPS
    )
    return results
