"""``make demo``: the original new-user workflow of examples/gpt_app, run locally.

Synthesizes the example app, serves it with the local emulator (moto as Cognito, the
real auth and gpt Lambdas in worker processes) next to a loopback OpenAI-compatible
STAND-IN, and walks the workflow through the Python client: sign up, authenticate,
answer NEW_PASSWORD_REQUIRED, call ``/gpt`` with the id token, then show that ``/gpt``
without a token is refused. Then a passwordless sign-in (the example synthesized with
``-c passwordless=true``: email codes next to the password): an administrator verifies
the user's email, ``/auth/start`` sends an 8-digit code, read from the emulator's outbox
and answered on ``/challenge``, and ``/gpt`` takes the new tokens. Each step prints what
happened; the exit status is 0 only if every step did what it should.

``--serve`` (``make serve``) starts the same thing and waits for Ctrl-C instead.
Set ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` to use a real service instead of the
stand-in; the key goes into the emulated Secrets Manager secret, never into a URL.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import boto3

from cognito_api_construct.client import Challenge, CognitoApiClient, CognitoApiError, Tokens
from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.assembly import read_assembly
from cognito_api_construct.local.cli import banner
from cognito_api_construct.local.services import DUMMY_CREDENTIALS
from cognito_api_construct.local.synth import read_app_command, synthesize

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "gpt_app"
sys.path.insert(0, str(ROOT / "examples"))
from openai_standin import StandIn  # noqa: E402 - lives beside the example, not a package

TOKEN_HEADER = "Auth"  # noqa: S105 - the example's header name, as in the original project
#: The example's context for the demo: its default app, plus sign-in with emailed codes.
CONTEXT = {"passwordless": True}


class StepFailedError(Exception):
    """A step of the walk-through did not do what it should."""


def step(number: int, total: int, title: str) -> Callable[[Callable[[], str]], str]:
    """Run one step, print its title, outcome and duration; raise if it failed."""

    def run(action: Callable[[], str]) -> str:
        print(f"[{number}/{total}] {title} ...", flush=True)
        started = time.perf_counter()
        try:
            outcome = action()
        except (StepFailedError, CognitoApiError) as failure:
            print(f"      FAILED: {failure}")
            raise StepFailedError(title) from failure
        print(f"      ok ({time.perf_counter() - started:.1f} s): {outcome}")
        return outcome

    return run


@contextlib.contextmanager
def upstream() -> Iterator[tuple[str, str, str]]:
    """The OpenAI-compatible service: the real one if configured, else the stand-in."""
    base_url, key = os.environ.get("OPENAI_BASE_URL"), os.environ.get("OPENAI_API_KEY")
    if base_url:
        if not key:
            raise SystemExit("OPENAI_BASE_URL is set but OPENAI_API_KEY is not.")
        yield base_url, key, f"the service at {base_url}"
        return
    with StandIn() as stand_in:
        yield stand_in.base_url, "sk-local-stand-in", f"the loopback STAND-IN {stand_in.base_url}"


def serve_example(
    out_dir: Path, base_url: str, key: str, port: int, log_stream: TextIO | None
) -> LocalApi:
    """The emulator for the synthesized example, pointed at ``base_url`` with ``key``."""
    (stack,) = read_assembly(out_dir).stacks
    secret_ids = [logical_id for logical_id, _ in stack.of_type("AWS::SecretsManager::Secret")]
    return LocalApi.from_cdk_out(
        out_dir,
        env={"GptFunction.OPENAI_BASE_URL": base_url},
        secrets=dict.fromkeys(secret_ids, key),
        port=port,
        log_stream=log_stream,
    )


def resources_summary(out_dir: Path) -> str:
    """What the template would deploy: resource types and how many of each."""
    lines = []
    for stack in read_assembly(out_dir).stacks:
        counts = Counter(resource.get("Type", "?") for resource in stack.resources.values())
        counts.pop("AWS::CDK::Metadata", None)
        lines.append(f"Stack {stack.name}: {sum(counts.values())} resources")
        lines += [f"  {count:>3} x {kind}" for kind, count in sorted(counts.items())]
    return "\n".join(lines)


def walk(api: LocalApi, upstream_name: str, lambda_logs: io.StringIO, key: str) -> None:
    """The original README's new-user workflow, step by step, through the client."""
    client = CognitoApiClient(api.url, token_header=TOKEN_HEADER)
    username = f"demo-{secrets.token_hex(3)}"
    temporary = f"Tmp-{secrets.token_urlsafe(9)}!a1"
    new_password = f"New-{secrets.token_urlsafe(12)}!b2"
    total = 12
    state: dict[str, Any] = {}

    def sign_up() -> str:
        result = client.sign_up(username, f"{username}@example.com", temporary)
        if result.user_status != "FORCE_CHANGE_PASSWORD":
            raise StepFailedError(f"user_status {result.user_status}")
        return f"POST /signup -> 201, {result.username} is {result.user_status}"

    def authenticate() -> str:
        answer = client.authenticate(username, temporary)
        if not isinstance(answer, Challenge) or answer.name != "NEW_PASSWORD_REQUIRED":
            raise StepFailedError(f"expected NEW_PASSWORD_REQUIRED, got {answer!r}")
        state["challenge"] = answer
        return "POST /auth -> 200, challenge NEW_PASSWORD_REQUIRED with a session"

    def answer_challenge() -> str:
        answer = client.respond_to_challenge(
            state["challenge"], {"USERNAME": username, "NEW_PASSWORD": new_password}
        )
        if not isinstance(answer, Tokens):
            raise StepFailedError(f"expected tokens, got {answer!r}")
        state["session"] = state["challenge"].session
        return (
            f"POST /challenge -> 200, id/access/refresh tokens, expire in "
            f"{answer.expires_in} s (tokens are never printed)"
        )

    def call_gpt() -> str:
        reply = client.request("POST", "/gpt", json={"message": "Hello from make demo"})
        if not isinstance(reply, dict) or not reply.get("reply"):
            raise StepFailedError(f"no reply in {reply!r}")
        return f"POST /gpt with the id token in '{TOKEN_HEADER}' -> 200: {reply['reply']!r}"

    def gpt_without_token() -> str:
        anonymous = CognitoApiClient(api.url, token_header=TOKEN_HEADER)
        try:
            anonymous.request("POST", "/gpt", json={"message": "no token"})
        except CognitoApiError as refused:
            if refused.status == 401:
                return f"POST /gpt without a token -> 401 {refused.message!r} from the authorizer"
            raise
        raise StepFailedError("/gpt answered without a token")

    print(f"Upstream model service: {upstream_name}")
    step(1, total, f"sign up {username} with a temporary password")(sign_up)
    step(2, total, "authenticate with the temporary password")(authenticate)
    step(3, total, "answer NEW_PASSWORD_REQUIRED with a new password")(answer_challenge)
    step(4, total, "call the protected /gpt route")(call_gpt)
    step(5, total, "call /gpt without a token")(gpt_without_token)

    def sign_in_again() -> str:
        if not isinstance(client.authenticate(username, new_password), Tokens):
            raise StepFailedError("the new password did not give tokens")
        return "POST /auth -> 200, tokens straight away: the account is set up"

    step(6, total, "sign in again with the new password")(sign_in_again)
    passwordless_sign_in(api, client, username, state, total)

    def logs_hold_no_secret() -> str:
        lines = lambda_logs.getvalue().splitlines()
        tokens = client.tokens
        assert tokens is not None  # step 6 signed in
        secrets_used = {
            "temporary password": temporary,
            "new password": new_password,
            "session": state["session"],
            "id token": tokens.id_token,
            "access token": tokens.access_token,
            "refresh token": tokens.refresh_token or "",
            "API key": key,
            "sign-in code": state["code"],
            "code session": state["emailed"].session,
            "passwordless id token": state["passwordless tokens"].id_token,
            "passwordless access token": state["passwordless tokens"].access_token,
        }
        leaked = [
            name for name, value in secrets_used.items() if value and value in "\n".join(lines)
        ]
        if leaked or not lines:
            raise StepFailedError(f"{len(lines)} lines; leaked: {leaked}")
        return f"{len(lines)} Lambda log lines, none holds a password, session, token or key"

    step(total, total, "check what the Lambdas logged")(logs_hold_no_secret)


def passwordless_sign_in(
    api: LocalApi, client: CognitoApiClient, username: str, state: dict[str, Any], total: int
) -> None:
    """Steps 7 to 11: sign in with a code sent to the user's email, then call ``/gpt``."""
    email = f"{username}@example.com"
    passwordless = CognitoApiClient(api.url, token_header=TOKEN_HEADER)

    def verify_email() -> str:
        # /signup (ADMIN_CREATE) leaves the email unverified, and codes go to verified
        # addresses only: an administrator verifies it, as deployed (the emulated pool).
        cognito = boto3.client(
            "cognito-idp",
            endpoint_url=api.services_url,
            region_name=api.stack.region or "us-east-1",
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
        )
        cognito.admin_update_user_attributes(
            UserPoolId=api.user_pool_id,
            Username=username,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
        return f"AdminUpdateUserAttributes: {email} is verified"

    def start_sign_in() -> str:
        answer = passwordless.start_sign_in(username, "EMAIL_OTP")
        if not isinstance(answer, Challenge) or answer.name != "EMAIL_OTP":
            raise StepFailedError(f"expected EMAIL_OTP, got {answer!r}")
        state["emailed"] = answer
        delivery = answer.parameters["delivery"]
        return (
            f"POST /auth/start (EMAIL_OTP) -> 200, challenge EMAIL_OTP: a code went to "
            f"{delivery['destination']} ({delivery['medium']})"
        )

    def read_outbox() -> str:
        sent = [
            m for m in api.outbox(email) if m["trigger_source"] == "CustomMessage_Authentication"
        ]
        if not sent or not str(sent[-1]["code"]).isdigit():
            raise StepFailedError(f"no sign-in code in the outbox for {email}")
        state["code"] = str(sent[-1]["code"])
        return (
            f"the outbox (GET /_outbox?to=...) holds {sent[-1]['subject']!r}, its "
            f"{len(state['code'])}-digit code kept (not printed)"
        )

    def answer_code() -> str:
        answer = passwordless.respond_to_challenge(
            state["emailed"], {"USERNAME": username, "EMAIL_OTP_CODE": state["code"]}
        )
        if not isinstance(answer, Tokens):
            raise StepFailedError(f"expected tokens, got {answer!r}")
        state["passwordless tokens"] = answer
        return "POST /challenge (EMAIL_OTP_CODE) -> 200, tokens without the password"

    def call_gpt() -> str:
        reply = passwordless.request("POST", "/gpt", json={"message": "Hello, no password"})
        if not isinstance(reply, dict) or not reply.get("reply"):
            raise StepFailedError(f"no reply in {reply!r}")
        return f"POST /gpt with the new id token -> 200: {reply['reply']!r}"

    step(7, total, "an administrator verifies the user's email")(verify_email)
    step(8, total, "start a sign-in with an emailed code")(start_sign_in)
    step(9, total, "read the code from the emulator's outbox")(read_outbox)
    step(10, total, "answer EMAIL_OTP with the code")(answer_code)
    step(11, total, "call /gpt with the passwordless tokens")(call_gpt)


def main() -> int:
    """Run the walk-through (or serve, with ``--serve``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="serve until Ctrl-C")
    serve = parser.parse_args().serve
    with tempfile.TemporaryDirectory(prefix="gpt-app-") as tmp, upstream() as service:
        base_url, key, upstream_name = service
        print(
            f"Synthesizing {EXAMPLE.relative_to(ROOT)} (python app.py -c passwordless=true, "
            "no cdk CLI) ..."
        )
        started = time.perf_counter()
        out_dir = synthesize(
            read_app_command(EXAMPLE), EXAMPLE, Path(tmp) / "cdk.out", context=CONTEXT
        )
        print(f"      ok ({time.perf_counter() - started:.1f} s)")
        print(resources_summary(out_dir))
        # make serve listens where the CLI does (PORT overrides); the walk-through anywhere.
        port = int(os.environ.get("PORT", "8787" if serve else "0"))
        # The walk-through keeps the Lambdas' log lines to check them; serving shows them.
        lambda_logs = io.StringIO()
        with serve_example(out_dir, base_url, key, port, None if serve else lambda_logs) as api:
            text = banner(api)
            print(text if serve else text.rsplit("\n", 1)[0])
            if serve:
                print(f"\n/gpt forwards to {upstream_name}.")
                with contextlib.suppress(KeyboardInterrupt):
                    threading.Event().wait()
                return 0
            print()
            try:
                walk(api, upstream_name, lambda_logs, key)
            except StepFailedError as failed:
                print(f"\nDEMO FAILED at: {failed}")
                return 1
    print("\nDemo complete: every step did what it should; the emulator has stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
