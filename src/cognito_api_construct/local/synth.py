"""Synthesize a CDK app into a cloud assembly without the cdk CLI.

It owns running ``cdk.json``'s ``app`` command the way the CLI would for ``cdk synth``:
``CDK_OUTDIR`` set to the output directory, the context of ``cdk.json`` and
``cdk.context.json`` passed in ``CDK_CONTEXT_JSON``, and the running interpreter first
on ``PATH`` so ``python``/``python3`` in the command mean this environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["SynthesisError", "read_app_command", "synthesize"]

_OUTPUT_LINES = 30


class SynthesisError(Exception):
    """The app command is missing or failed; the message carries its last output lines."""


def read_app_command(directory: Path | str) -> str:
    """The ``app`` command of ``cdk.json`` in ``directory``.

    Raises:
        SynthesisError: no ``cdk.json`` or no ``app`` in it.
    """
    path = Path(directory) / "cdk.json"
    try:
        app = json.loads(path.read_text(encoding="utf-8")).get("app")
    except FileNotFoundError:
        raise SynthesisError(
            f"No cdk.json in {Path(directory).resolve()}: run from the CDK app's folder, "
            "or pass --app CMD or --cdk-out DIR."
        ) from None
    if not isinstance(app, str) or not app:
        raise SynthesisError(f'{path} has no "app" command.')
    return app


def _context(directory: Path) -> dict[str, object]:
    context: dict[str, object] = {}
    for name, key in (("cdk.json", "context"), ("cdk.context.json", None)):
        path = directory / name
        if path.is_file():
            document = json.loads(path.read_text(encoding="utf-8"))
            context.update(document.get(key, {}) if key else document)
    return context


def synthesize(
    app_command: str,
    cwd: Path | str,
    out_dir: Path | str,
    *,
    context: Mapping[str, object] | None = None,
) -> Path:
    """Run ``app_command`` in ``cwd`` so that it writes its cloud assembly to ``out_dir``.

    Args:
        app_command: the shell command of ``cdk.json``'s ``app``, e.g. ``python3 app.py``.
        cwd: the CDK app's directory.
        out_dir: where the assembly goes (created if needed).
        context: extra context values, as ``-c name=value`` gives them (e.g.
            ``{"nag": True}``). Defaults to none beyond cdk.json's.

    Returns:
        ``out_dir``.

    Raises:
        SynthesisError: the command failed (its last output lines are in the message).

    Example:
        >>> synthesize("python3 app.py", "examples/gpt_app", "/tmp/out")  # doctest: +SKIP
    """
    directory, output = Path(cwd), Path(out_dir)
    output.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "CDK_OUTDIR": str(output),
        "CDK_CONTEXT_JSON": json.dumps({**_context(directory), **(context or {})}),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    environment.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # The command is the user's own cdk.json entry, run as the cdk CLI runs it: by a shell.
    completed = subprocess.run(  # noqa: S602
        app_command,
        shell=True,
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join((completed.stderr or completed.stdout).splitlines()[-_OUTPUT_LINES:])
        raise SynthesisError(
            f"`{app_command}` failed in {directory} (exit {completed.returncode}):\n{tail}"
        )
    if not (output / "manifest.json").is_file():
        raise SynthesisError(
            f"`{app_command}` wrote no cloud assembly: does the app call app.synth()?"
        )
    return output
