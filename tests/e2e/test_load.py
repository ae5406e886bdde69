"""Load, bounded: concurrent simulated users doing the whole workflow through the emulator.

The workflow and the count of users afterwards are benchmarks/load.py's (``make proof``
runs it with 32 threads x 50 users); here 8 threads x 5 users keep it to a few seconds.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.slow

LOAD_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"
THREADS, USERS_PER_THREAD = 8, 5


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_load", LOAD_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_concurrent_users_all_finish_the_workflow_and_exist_once(
    gpt_cdk_out: Path, upstream: Any
) -> None:
    # given the example served against the stand-in model service
    from .helpers import chat_completion

    load = _load_module()
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        chat_completion
    )

    # when 8 threads each walk 5 new users through signup -> ... -> /gpt
    with load.gpt_app(gpt_cdk_out, upstream.url_for("/")) as api:
        result = load.run_load(api, THREADS, USERS_PER_THREAD, "loadtest")
    summary = result.summary()
    print(f"\nload: {summary}")

    # then no step failed, and each user is in the pool exactly once, confirmed
    assert result.errors == []
    assert result.missing_or_duplicated() == []
    assert len(result.latencies["workflow"]) == THREADS * USERS_PER_THREAD
    assert summary["p99_ms"]["workflow"] >= summary["p50_ms"]["workflow"] > 0
