"""Load: N concurrent simulated users doing the whole new-user workflow through the emulator.

Each user, through ``CognitoApiClient`` over HTTP: sign up -> authenticate ->
NEW_PASSWORD_REQUIRED -> respond to the challenge -> tokens -> ``POST /gpt`` with the
id token (examples/gpt_app; the model service is the loopback stand-in in
examples/openai_standin.py). Threads each run their users one after another, and all
start their first user at the same instant (a barrier): a burst of simultaneous
connections, as a page load or a test suite under xdist makes.

Passing means: zero errors, and afterwards every user exists in the embedded Cognito
exactly once, confirmed (listed with boto3 against the emulator's moto). It prints the
user count, the workflow rate, p50/p99 of each step and of the whole workflow, and the
errors in two counts: connection-level failures (no HTTP answer at all: a reset, a
refused connection, a timeout) apart from HTTP errors (an answer with an error status).

Absolute times depend on the machine (2 shared cores here, and every auth call is one
Lambda invocation in a worker process plus moto); the emulator runs at most 4 warm
workers per function, so 32 threads also measure queueing, as a throttled stage would.

Usage: python benchmarks/load.py [--threads 32] [--users 50] [--json PATH]
(about 1-2 minutes here with the defaults; tests/e2e/test_load.py runs a bounded one.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from cognito_api_construct.client import CognitoApiClient, CognitoApiError
from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.assembly import read_assembly, select_api

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "gpt_app"
STEPS = ("signup", "auth", "challenge", "gpt", "workflow")
TEMPORARY_PASSWORD = "Tmp-Load1!word"  # noqa: S105 - a throwaway local user
NEW_PASSWORD = "N3w-Load!word-long"  # noqa: S105 - a throwaway local user


@dataclass
class LoadResult:
    """What a load run measured: latencies per step (seconds), errors, users found after."""

    threads: int
    users_per_thread: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[str] = field(default_factory=list)
    #: Of ``errors``, those without any HTTP answer (reset, refused, timed out).
    connection_failures: int = 0
    usernames: list[str] = field(default_factory=list)
    listed: dict[str, int] = field(default_factory=dict)

    @property
    def users(self) -> int:
        return self.threads * self.users_per_thread

    def percentile(self, step: str, fraction: float) -> float:
        values = sorted(self.latencies[step])
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]

    def missing_or_duplicated(self) -> list[str]:
        return [name for name in self.usernames if self.listed.get(name) != 1]

    def summary(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "threads": self.threads,
            "errors": len(self.errors),
            "connection_failures": self.connection_failures,
            "http_errors": len(self.errors) - self.connection_failures,
            "users_missing_or_duplicated": len(self.missing_or_duplicated()),
            "workflows_per_second": round(self.users / self.seconds, 1) if self.seconds else 0,
            "p50_ms": {s: round(self.percentile(s, 0.50) * 1000, 1) for s in STEPS},
            "p99_ms": {s: round(self.percentile(s, 0.99) * 1000, 1) for s in STEPS},
        }


def _one_user(api_url: str, username: str, result: LoadResult, lock: threading.Lock) -> None:
    client = CognitoApiClient(api_url, token_header="Auth")  # noqa: S106 - a header name
    timings: dict[str, float] = {}

    def timed(step: str, action: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = action()
        timings[step] = time.perf_counter() - started
        return value

    started = time.perf_counter()
    try:
        timed(
            "signup",
            lambda: client.sign_up(username, f"{username}@example.com", TEMPORARY_PASSWORD),
        )
        challenge = timed("auth", lambda: client.authenticate(username, TEMPORARY_PASSWORD))
        tokens = timed(
            "challenge",
            lambda: client.respond_to_challenge(
                challenge, {"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD}
            ),
        )
        reply = timed("gpt", lambda: client.request("POST", "/gpt", json={"message": username}))
        # Both stand-ins (examples/ and the tests' pytest-httpserver) quote the prompt.
        if not hasattr(tokens, "id_token") or username not in str(reply.get("reply")):
            raise AssertionError(f"unexpected answer: {type(tokens).__name__}, {reply}")
    except (CognitoApiError, AssertionError, KeyError, TypeError) as error:
        with lock:
            result.errors.append(f"{username}: {error}")
            if isinstance(error, CognitoApiError) and error.status == 0:
                result.connection_failures += 1
        return
    timings["workflow"] = time.perf_counter() - started
    with lock:
        for step, seconds in timings.items():
            result.latencies[step].append(seconds)


def run_load(api: LocalApi, threads: int, users_per_thread: int, prefix: str) -> LoadResult:
    """Run ``threads`` x ``users_per_thread`` workflows against a started gpt_app emulator.

    Usernames are ``{prefix}-{thread}-{n}``; afterwards the pool is listed with boto3
    and each of them is counted.
    """
    result = LoadResult(threads, users_per_thread)
    lock = threading.Lock()
    start_together = threading.Barrier(threads)

    def worker(thread: int) -> None:
        start_together.wait()
        for number in range(users_per_thread):
            _one_user(api.url, f"{prefix}-{thread}-{number}", result, lock)

    result.usernames = [
        f"{prefix}-{t}-{n}" for t in range(threads) for n in range(users_per_thread)
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, range(threads)))
    result.seconds = time.perf_counter() - started
    result.listed = _count_users(api, prefix)
    return result


def _count_users(api: LocalApi, prefix: str) -> dict[str, int]:
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=api.services_url,
        region_name=api.stack.region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto's dummy credentials
    )
    counts: dict[str, int] = {}
    for page in cognito.get_paginator("list_users").paginate(UserPoolId=api.user_pool_id):
        for user in page["Users"]:
            name = user["Username"]
            if name.startswith(prefix + "-") and user.get("UserStatus") == "CONFIRMED":
                counts[name] = counts.get(name, 0) + 1
    return counts


def gpt_app(cdk_out: Path, upstream_url: str, **options: Any) -> LocalApi:
    """examples/gpt_app from an assembly, its model service at ``upstream_url``.

    The stack's key secret (an empty placeholder in the template) gets a stand-in key.
    """
    stack, _ = select_api(read_assembly(cdk_out))
    secret_id = next(logical_id for logical_id, _ in stack.of_type("AWS::SecretsManager::Secret"))
    return LocalApi.from_cdk_out(
        cdk_out,
        env={"GptFunction.OPENAI_BASE_URL": upstream_url},
        secrets={secret_id: json.dumps({"api_key": "sk-load-stand-in-key"})},
        port=0,
        **options,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--users", type=int, default=50, help="users per thread")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument(
        "--lambda-logs", action="store_true", help="show the functions' log lines on stderr"
    )
    options = parser.parse_args()

    from cognito_api_construct.local.synth import read_app_command, synthesize

    sys.path.insert(0, str(ROOT / "examples"))
    from openai_standin import StandIn

    with tempfile.TemporaryDirectory() as out_dir, StandIn() as stand_in:
        print("Synthesizing examples/gpt_app...", file=sys.stderr)
        cdk_out = synthesize(read_app_command(EXAMPLE), EXAMPLE, Path(out_dir))
        # A default run's 6,400 Lambda log lines would cost time in the measured run.
        with contextlib.ExitStack() as stack:
            logs = None if options.lambda_logs else stack.enter_context(open(os.devnull, "w"))
            api = stack.enter_context(gpt_app(cdk_out, stand_in.base_url, log_stream=logs))
            result = run_load(api, options.threads, options.users, "load")
    summary = result.summary()
    print(f"users loaded: {result.users} ({options.threads} threads x {options.users})")
    print(
        f"errors: {len(result.errors)} ({result.connection_failures} connection-level, "
        f"{summary['http_errors']} HTTP); missing or duplicated users: "
        f"{summary['users_missing_or_duplicated']}"
    )
    print(f"workflows/s: {summary['workflows_per_second']} in {result.seconds:.1f} s")
    print(f"{'step':<10} {'p50 ms':>8} {'p99 ms':>8}")
    for step in STEPS:
        print(f"{step:<10} {summary['p50_ms'][step]:>8} {summary['p99_ms'][step]:>8}")
    for error in result.errors[:5]:
        print(f"  error: {error}", file=sys.stderr)
    if options.json:
        options.json.write_text(json.dumps(summary), encoding="utf-8")
    return 0 if not result.errors and not result.missing_or_duplicated() else 1


if __name__ == "__main__":
    sys.exit(main())
