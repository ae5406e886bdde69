"""Fixtures for the gpt example: its handler module, proxy events, and its synthesized app."""

from __future__ import annotations

import base64
import importlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "gpt_app"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE_DIR


def import_from_example(module: str) -> ModuleType:
    """A module of the example folder, imported as Lambda imports its handler."""
    sys.path.insert(0, str(EXAMPLE_DIR))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(EXAMPLE_DIR))


@pytest.fixture(scope="session")
def example_module() -> Callable[[str], ModuleType]:
    """:func:`import_from_example`, as a fixture (conftest is not importable)."""
    return import_from_example


@pytest.fixture(scope="session")
def gpt_handler() -> ModuleType:
    """The /gpt Lambda's entry module, imported as Lambda does: ``gpt.handler``."""
    return import_from_example("gpt.handler")


@pytest.fixture(scope="session")
def app_module() -> ModuleType:
    """The example's ``app.py``, loaded as a module (its ``build(app)`` adds the stack)."""
    sys.path.insert(0, str(EXAMPLE_DIR))
    try:
        spec = importlib.util.spec_from_file_location("gpt_app_main", EXAMPLE_DIR / "app.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLE_DIR))
    return module


@pytest.fixture
def lambda_context() -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id="3c2b1a00-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        function_name="GptAppStack-GptFunction",
        get_remaining_time_in_millis=lambda: 25_000,
    )


@pytest.fixture
def gpt_event() -> Callable[..., dict[str, Any]]:
    """Build an API Gateway REST proxy (v1) event for POST /gpt, as the authorizer passes it."""

    def build(
        body: Any = None,
        *,
        raw_body: str | None = None,
        content_type: str | None = "application/json",
        query: dict[str, str] | None = None,
        username: str = "alice",
        base64_encoded: bool = False,
    ) -> dict[str, Any]:
        text = raw_body if raw_body is not None else json.dumps(body)
        headers = {"Auth": "eyJraWQiOi.header.signature", "Host": "abc123.execute-api"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if base64_encoded:
            text = base64.b64encode(text.encode()).decode()
        return {
            "resource": "/gpt",
            "path": "/gpt",
            "httpMethod": "POST",
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": (
                {name: [value] for name, value in query.items()} if query else None
            ),
            "pathParameters": None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": "/gpt",
                "httpMethod": "POST",
                "path": "/prod/gpt",
                "stage": "prod",
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "identity": {"sourceIp": "203.0.113.7", "userAgent": "python-requests/2.32"},
                "authorizer": {
                    "claims": {
                        "sub": "8a1b2c3d-0000-4000-8000-123456789abc",
                        "cognito:username": username,
                        "email": f"{username}@example.com",
                        "token_use": "id",
                    }
                },
            },
            "body": text,
            "isBase64Encoded": base64_encoded,
        }

    return build


@pytest.fixture
def upstream_env(monkeypatch: pytest.MonkeyPatch, httpserver: Any, gpt_handler: ModuleType) -> None:
    """Point the handler at the loopback model server, with no secret and fresh caches."""
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("OPENAI_MODEL", "test-model-mini")
    monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "5")
    monkeypatch.delenv("OPENAI_API_KEY_SECRET", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(
        gpt_handler,
        "_SECRET_KEYS",
        gpt_handler.SecretApiKeyCache(gpt_handler.secrets_manager_client),
    )


@dataclass(frozen=True)
class SynthesizedApp:
    """The example app as `python app.py` wrote it."""

    outdir: Path
    template: dict[str, Any]
    template_path: Path


@pytest.fixture(scope="session")
def synthesized_app(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedApp:
    """Run the example exactly as the cdk CLI would (`python3 app.py` in its folder), once."""
    outdir = tmp_path_factory.mktemp("gpt_app_cdk_out")
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    for name in ("OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_SECRET_NAME"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"app.py failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    template_path = outdir / "GptAppStack.template.json"
    return SynthesizedApp(
        outdir=outdir,
        template=json.loads(template_path.read_text()),
        template_path=template_path,
    )
