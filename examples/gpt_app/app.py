"""The gpt example app, as the cdk CLI runs it: `python3 app.py` (see cdk.json).

Settings, each from CDK context (``-c name=value``) or else the environment:
``openai_base_url`` / ``OPENAI_BASE_URL`` (defaults to the public OpenAI API),
``openai_model`` / ``OPENAI_MODEL`` (defaults to ``gpt-4o-mini``),
``openai_secret_name`` / ``OPENAI_SECRET_NAME`` (defaults to a secret the stack
creates), ``allowed_email_domains`` / ``ALLOWED_EMAIL_DOMAINS`` (comma-separated; when
set, only those email domains may sign up). ``-c passwordless=true`` also lets users
sign in with an emailed code (the ``ESSENTIALS`` feature plan; off by default).
``-c nag=true`` runs the cdk-nag AWS Solutions checks during synthesis (cdk-nag is a
development dependency: the app does not need it otherwise).
"""

from __future__ import annotations

import os

import aws_cdk as cdk
from gpt_app_stack import DEFAULT_OPENAI_BASE_URL, DEFAULT_OPENAI_MODEL, GptAppStack


def setting(app: cdk.App, context_key: str, env_key: str) -> str | None:
    """Return a setting from context, else the environment, else ``None``."""
    value = app.node.try_get_context(context_key)
    if value is None or value == "":
        return os.environ.get(env_key) or None
    return str(value)


def context_flag(app: cdk.App, name: str) -> bool:
    """Read a boolean context flag given as JSON ``true`` or as ``-c name=true``."""
    return str(app.node.try_get_context(name)).lower() in ("true", "1", "yes")


def build(app: cdk.App) -> GptAppStack:
    """Add the example stack (and cdk-nag when asked) to ``app``."""
    stack = GptAppStack(
        app,
        "GptAppStack",
        openai_base_url=setting(app, "openai_base_url", "OPENAI_BASE_URL")
        or DEFAULT_OPENAI_BASE_URL,
        openai_model=setting(app, "openai_model", "OPENAI_MODEL") or DEFAULT_OPENAI_MODEL,
        openai_secret_name=setting(app, "openai_secret_name", "OPENAI_SECRET_NAME"),
        allowed_email_domains=[
            domain.strip()
            for domain in (
                setting(app, "allowed_email_domains", "ALLOWED_EMAIL_DOMAINS") or ""
            ).split(",")
            if domain.strip()
        ],
        passwordless=context_flag(app, "passwordless"),
    )
    if context_flag(app, "nag"):
        # Imported here so that deploying the example never requires cdk-nag.
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


if __name__ == "__main__":
    cdk_app = cdk.App()
    build(cdk_app)
    cdk_app.synth()
