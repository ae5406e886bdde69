"""Cold start of the auth Lambda: a first request in a fresh process vs bare boto3.

Each run starts a new interpreter and times, inside it, from before the first import
to the answer of one Cognito call, made to a loopback stand-in for Cognito that answers
at once (so the figures are the client's cost, not the network's):

- baseline: ``import boto3; boto3.client("cognito-idp").initiate_auth(...)``;
- ``/auth``: ``import runtime.handler`` and its answer to a ``POST /auth`` event (the
  standard-library client: no boto3);
- ``/signup`` of each sign-up flow: ``SELF_SERVICE`` (SignUp, standard library) and
  ``ADMIN_CREATE`` (AdminCreateUser, which needs SigV4: boto3 is imported on first use).

The handler runs from a copy of the asset as it ships (only the runtime/ sources, no
``__pycache__``, bytecode writing off: Lambda's /var/task is read-only, so our modules
are compiled at every cold start, while boto3's are precompiled in the Lambda runtime
and here in the venv). Runs alternate between the sides so drift hits all of them.
Prints the medians, each ratio to the baseline (target for ``/auth``: <= 0.5) and the
asset's size.

Usage: python benchmarks/cold_start.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).resolve().parents[1] / "src" / "cognito_api_construct" / "runtime"
TARGET = 0.5

#: What the stand-in answers per operation (enough for each route to succeed).
ANSWERS: dict[str, dict[str, Any]] = {
    "InitiateAuth": {
        "ChallengeName": "NEW_PASSWORD_REQUIRED",
        "Session": "s" * 40,
        "ChallengeParameters": {},
    },
    "SignUp": {
        "UserConfirmed": False,
        "UserSub": "0f4e0a4e-1111-2222-3333-444455556666",
        "CodeDeliveryDetails": {
            "Destination": "a***@e***",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        },
    },
    "AdminCreateUser": {"User": {"Username": "ana", "UserStatus": "FORCE_CHANGE_PASSWORD"}},
}

BASELINE = """
import time
started = time.perf_counter()
import boto3
boto3.client("cognito-idp").initiate_auth(
    AuthFlow="USER_PASSWORD_AUTH", ClientId="benchclient",
    AuthParameters={"USERNAME": "ana", "PASSWORD": "Temp-Passw0rd!x"},
)
print(time.perf_counter() - started)
"""

ROUTE = """
import json, time
started = time.perf_counter()
import runtime.handler
event = {{"resource": "{path}", "path": "{path}", "httpMethod": "POST",
         "headers": {{"Content-Type": "application/json"}},
         "requestContext": {{"requestId": "r", "resourcePath": "{path}"}},
         "body": json.dumps({body}), "isBase64Encoded": False}}
answer = runtime.handler.handler(event, None)
assert answer["statusCode"] in (200, 201), answer
print(time.perf_counter() - started)
"""

SIDES: dict[str, tuple[str, dict[str, str]]] = {
    "baseline": (BASELINE, {}),
    "/auth": (
        ROUTE.format(path="/auth", body={"username": "ana", "password": "Temp-Passw0rd!x"}),
        {"SIGN_UP_FLOW": "ADMIN_CREATE"},
    ),
    "/signup SELF_SERVICE": (
        ROUTE.format(
            path="/signup",
            body={"username": "ana", "email": "ana@example.com", "password": "Temp-Passw0rd!x"},
        ),
        {"SIGN_UP_FLOW": "SELF_SERVICE"},
    ),
    "/signup ADMIN_CREATE": (
        ROUTE.format(
            path="/signup",
            body={
                "username": "ana",
                "email": "ana@example.com",
                "temporary_password": "Temp-Passw0rd!x",
            },
        ),
        {"SIGN_UP_FLOW": "ADMIN_CREATE"},
    ),
}


class _StandIn(BaseHTTPRequestHandler):
    """Cognito answering every call at once, keeping connections alive."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        body = json.dumps(ANSWERS.get(operation, {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "bench")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def shipped_files(runtime: Path) -> list[Path]:
    """The files of runtime/ that the asset ships: no caches, no bytecode."""
    return sorted(
        path
        for path in runtime.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def copy_asset(destination: Path) -> None:
    for path in shipped_files(RUNTIME):
        target = destination / "runtime" / path.relative_to(RUNTIME)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def run_once(script: str, cwd: Path, env: dict[str, str]) -> float:
    """The time measured inside a fresh interpreter running ``script``."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark side failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each side (>= 9)")
    args = parser.parse_args()
    runs = max(args.runs, 9)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "AWS_"))
    }
    env.update(
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
        # Lambda passes credentials in the environment; without them botocore would
        # probe the instance metadata service and time that instead.
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - a dummy, never sent anywhere
        USER_POOL_ID="us-east-1_bench",
        USER_POOL_CLIENT_ID="benchclient",
        PYTHONDONTWRITEBYTECODE="1",
    )

    measured: dict[str, list[float]] = {name: [] for name in SIDES}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as temp:
        asset = Path(temp)
        copy_asset(asset)
        # One warm-up each: the first process pays for filling the OS file cache.
        for script, extra in SIDES.values():
            run_once(script, asset, {**env, **extra})
        names = list(SIDES)
        for index in range(runs):
            order = names if index % 2 == 0 else names[::-1]
            for name in order:
                script, extra = SIDES[name]
                measured[name].append(run_once(script, asset, {**env, **extra}))
    server.shutdown()

    base = statistics.median(measured["baseline"])
    print(f"runs per side: {runs} (alternating, fresh interpreter each, median)")
    print(f"{'baseline: import boto3, client, InitiateAuth':<46} {base * 1000:8.1f} ms")
    ratios = {}
    for name in names[1:]:
        median = statistics.median(measured[name])
        ratios[name] = median / base
        print(f"{'first ' + name + ' in a fresh process':<46} {median * 1000:8.1f} ms"
              f"   ratio {ratios[name]:.3f}")  # fmt: skip
    size_kb = sum(path.stat().st_size for path in shipped_files(RUNTIME)) / 1024
    files = len(shipped_files(RUNTIME))
    print(f"asset size (runtime/, shipped): {size_kb:.1f} KB in {files} files")
    met = ratios["/auth"] <= TARGET
    print(f"/auth target <= {TARGET}: {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
