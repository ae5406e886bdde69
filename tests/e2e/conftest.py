"""Fixtures of the emulator's end-to-end tests: a running LocalApi and real Cognito tokens.

The tiny cloud assembly in fixtures/ is hand-written in the shape ``app.synth()``
produces; its handlers let each test prove one behaviour from the outside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.synth import read_app_command, synthesize

from .helpers import SECRET_VALUE, TINY_ASSEMBLY, sign_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gpt_app"
API_KEY = "sk-local-test-key"


@pytest.fixture(scope="session")
def invocation_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiny") / "invocations.log"


@pytest.fixture(scope="session")
def tiny_api(invocation_log: Path) -> Iterator[LocalApi]:
    api = LocalApi.from_cdk_out(
        TINY_ASSEMBLY,
        env={"EchoFunction.INVOCATION_LOG": str(invocation_log)},
        secrets={"tiny-api-key": SECRET_VALUE},
        port=0,
    )
    with api:
        yield api


@pytest.fixture(scope="session")
def tokens(tiny_api: LocalApi) -> dict[str, str]:
    return sign_in(tiny_api, tiny_api.user_pool_id, tiny_api.client_id, "alice")


@pytest.fixture
def invocations(invocation_log: Path) -> Callable[[], int]:
    """Counts the echo function's invocations since the test started."""
    start = len(invocation_log.read_text().splitlines()) if invocation_log.exists() else 0

    def count() -> int:
        lines = invocation_log.read_text().splitlines() if invocation_log.exists() else []
        return len(lines) - start

    return count


@pytest.fixture(scope="session")
def upstream(make_httpserver: Any) -> Any:
    """A loopback OpenAI-compatible stand-in; tests set its expectations."""
    return make_httpserver


@pytest.fixture(scope="session")
def gpt_api(tmp_path_factory: pytest.TempPathFactory, upstream: Any) -> Iterator[LocalApi]:
    """examples/gpt_app, synthesized once per session and served against ``upstream``."""
    out_dir = synthesize(read_app_command(EXAMPLE), EXAMPLE, tmp_path_factory.mktemp("gpt_out"))
    api = LocalApi.from_cdk_out(
        out_dir, env={"GptFunction.OPENAI_BASE_URL": upstream.url_for("/")}, port=0
    )
    with api:
        yield api
