"""The ``cognito-api-local`` command's words to the developer."""

from __future__ import annotations

import pytest

from cognito_api_construct.local.cli import build_parser, host_warning


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_need_no_warning(host: str) -> None:
    assert host_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "my-laptop.lan"])  # noqa: S104
def test_any_other_host_warns_that_tokens_are_forgeable(host: str) -> None:
    """Emulator tokens are signed with moto's key, which ships in moto's source: served
    beyond the machine, anyone who reaches it can mint tokens its authorizer accepts.
    """
    warning = host_warning(host)
    assert warning is not None
    assert f"--host {host}" in warning
    assert "forge" in warning


def test_serve_defaults_to_loopback() -> None:
    options = build_parser().parse_args(["serve"])
    assert options.host == "127.0.0.1"
    assert host_warning(options.host) is None
