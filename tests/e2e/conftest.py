"""Fixtures of the emulator's end-to-end tests: a running LocalApi and real Cognito tokens.

The tiny cloud assembly in fixtures/ is hand-written in the shape ``app.synth()``
produces; its handlers let each test prove one behaviour from the outside. The CDK apps
(examples/gpt_app, apps/*) are served once per session, so every test file of a worker
shares one emulator per app (``make test`` runs ``-n 2 --dist loadfile``: each worker
serves its own), and synthesized once per run, shared by the workers: a synth costs
seconds of both cores (docs/facts.md#aws-cdk-lib-and-jsii), a start of the emulator
about one. Tests that share an app create their own users with unique names.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.synth import read_app_command, synthesize

from .helpers import SECRET_VALUE, TINY_ASSEMBLY, sign_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gpt_app"
APPS = Path(__file__).parent / "apps"
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


def _assembly(app: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``app`` synthesized with its cdk.json command, once per test run.

    Under xdist each worker's temporary folder sits in the run's own: the first worker
    to need the app synthesizes it there under a lock, the others wait and reuse it.
    Without xdist the parent folder outlives the run, so the session's own is used.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out_dir, done = shared / f"{app.name}.out", shared / f"{app.name}.synthesized"
    with (shared / f"{app.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            synthesize(read_app_command(app), app, out_dir)
            done.touch()
    return out_dir


@pytest.fixture(scope="session")
def gpt_cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/gpt_app synthesized once per run (each test may serve it its own way)."""
    return _assembly(EXAMPLE, tmp_path_factory)


@pytest.fixture(scope="session")
def gpt_api(gpt_cdk_out: Path, upstream: Any) -> Iterator[LocalApi]:
    """examples/gpt_app, served once per session against ``upstream``."""
    api = LocalApi.from_cdk_out(
        gpt_cdk_out, env={"GptFunction.OPENAI_BASE_URL": upstream.url_for("/")}, port=0
    )
    with api:
        yield api


@pytest.fixture(scope="session")
def strict_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """apps/strict_app (MFA required, header ``X-Api-Token``, stage ``v2``), served once."""
    with LocalApi.from_cdk_out(_assembly(APPS / "strict_app", tmp_path_factory), port=0) as api:
        yield api


@pytest.fixture(scope="session")
def self_service_messages() -> list[dict[str, Any]]:
    """Every message ``self_service_api`` sent, as its ``on_message`` received them."""
    return []


@pytest.fixture(scope="session")
def self_service_api(
    tmp_path_factory: pytest.TempPathFactory, self_service_messages: list[dict[str, Any]]
) -> Iterator[LocalApi]:
    """apps/self_service_app (``SignUpFlow.SELF_SERVICE``), served once."""
    assembly = _assembly(APPS / "self_service_app", tmp_path_factory)
    with LocalApi.from_cdk_out(assembly, port=0, on_message=self_service_messages.append) as api:
        yield api


@pytest.fixture(scope="session")
def trigger_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """apps/trigger_app synthesized once per run: its two stacks differ in the token trigger."""
    return _assembly(APPS / "trigger_app", tmp_path_factory)


@pytest.fixture(scope="session")
def trigger_v1_api(trigger_assembly: Path) -> Iterator[LocalApi]:
    """apps/trigger_app's ``TriggerV1Stack`` (pre token generation V1_0), served once."""
    with LocalApi.from_cdk_out(trigger_assembly, stack="TriggerV1Stack", port=0) as api:
        yield api


@pytest.fixture(scope="session")
def trigger_v2_api(trigger_assembly: Path) -> Iterator[LocalApi]:
    """apps/trigger_app's ``TriggerV2Stack`` (pre token generation V2_0), served once."""
    with LocalApi.from_cdk_out(trigger_assembly, stack="TriggerV2Stack", port=0) as api:
        yield api


@pytest.fixture(scope="session")
def access_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file apps/access_app's admins-only route appends each caller's username to."""
    return tmp_path_factory.mktemp("access") / "admin_reports.log"


@pytest.fixture(scope="session")
def access_api(tmp_path_factory: pytest.TempPathFactory, access_log: Path) -> Iterator[LocalApi]:
    """apps/access_app (groups, a machine client, scoped routes, /me), served once."""
    assembly = _assembly(APPS / "access_app", tmp_path_factory)
    env = {"AdminReportsFunction.INVOCATION_LOG": str(access_log)}
    with LocalApi.from_cdk_out(assembly, env=env, port=0) as api:
        yield api
