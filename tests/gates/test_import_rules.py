"""The import rules between the four parts name every module of the construct side.

``lint-imports`` (``make lint``) enforces the contracts of pyproject.toml; they list the
construct's modules one by one, so a new module of the construct must be added there or
the runtime could import it unnoticed. This keeps the lists complete.
"""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "cognito_api_construct"
#: Top-level modules that are not the construct side: the public API, the version, the
#: client, and the runtime and emulator packages.
NOT_CONSTRUCT = {
    "__init__",
    "_version",
    "client",
    "_client_errors",
    "_client_results",
    "_client_http",
    "_client_passwordless",
    "_client_account",
    "_client_machine",
    "_client_mfa",
}


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_construct_module_is_in_the_contracts() -> None:
    # given the construct side: every top-level module but the API, version and client
    construct = {
        f"cognito_api_construct.{path.stem}"
        for path in PACKAGE.glob("*.py")
        if path.stem not in NOT_CONSTRUCT
    }
    contracts = _contracts()

    # then the runtime and the client may import none of them, and none may import the
    # emulator
    assert construct <= set(contracts["runtime-alone"]["forbidden_modules"])
    assert construct <= set(contracts["client-not-construct"]["forbidden_modules"])
    assert construct == set(contracts["construct-not-emulator"]["source_modules"])
