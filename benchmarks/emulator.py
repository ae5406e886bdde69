"""The local emulator's overhead: two figures, each against its floor measured in the same run.

1. New-user workflow per second: sign up -> authenticate -> NEW_PASSWORD_REQUIRED ->
   respond to the challenge -> tokens, over HTTP through the emulator (gateway, the
   auth Lambda in its worker process, moto), against the floor: the same three
   Cognito calls (admin_create_user, initiate_auth, respond_to_auth_challenge) made
   with boto3 straight to the emulator's moto server. The two alternate in rounds so
   machine noise hits both alike.
2. Latency of a protected call (``POST /echo`` with the id token in ``Authorization``)
   through the emulator, against the floor: a bare loopback HTTP round trip (a stdlib
   ``ThreadingHTTPServer`` answering a small JSON) plus one RS256 verification (PyJWT
   ``jwt.decode`` of a real id token with the pool's JWKS key). Emulator and bare calls
   alternate, and both go through the same ``CognitoApiClient`` (urllib.request, a new
   connection per call, the same headers).

Absolute times depend on the machine (2 shared cores here); the ratios are what the
emulator adds on top of the work it cannot avoid, so they are the figures to compare
across machines and commits. Target: protected-call p50 <= 3x the floor.

The app (benchmarks/echo_app: a CognitoApi with one protected route whose Lambda
answers at once) is synthesized once at start, not counted. Calls are sequential.

Usage: python benchmarks/emulator.py [--users 200] [--calls 1000]   (about 25 s here)
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import jwt

from cognito_api_construct.client import CognitoApiClient, Tokens
from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.synth import read_app_command, synthesize

APP = Path(__file__).resolve().parent / "echo_app"
TARGET_RATIO = 3.0
ROUNDS = 4
WARMUP = 5
RS256_RUNS = 500
ECHO_BODY = {"message": "hello"}


# --- the floors --------------------------------------------------------------------


class _BareHandler(BaseHTTPRequestHandler):
    """Answers any POST with a small JSON, like the echo Lambda, and nothing else."""

    # As the emulator's gateway: HTTP/1.1 with Content-Length.
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"user": "bench", "bytes": 20}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def bare_server() -> Iterator[str]:
    """A loopback ``ThreadingHTTPServer`` on a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BareHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/prod/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def moto_cognito(api: LocalApi) -> Any:
    """A boto3 ``cognito-idp`` client straight to the emulator's moto server."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=api.services_url,
        region_name=api.user_pool_id.split("_")[0],
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts anything
    )


def rs256_seconds(api: LocalApi, id_token: str, runs: int) -> float:
    """Median time of one PyJWT RS256 verification of ``id_token`` with the pool's key."""
    url = f"{api.services_url}/{api.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback http
        key_set = jwt.PyJWKSet.from_dict(json.loads(answer.read()))
    key = key_set[jwt.get_unverified_header(id_token)["kid"]].key
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        jwt.decode(id_token, key, algorithms=["RS256"], options={"verify_aud": False})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- workflow: users per second -------------------------------------------------------


def passwords() -> tuple[str, str]:
    """A temporary and a permanent password that satisfy the default policy."""
    return f"Tmp-{secrets.token_hex(6)}!Aa1", f"New-{secrets.token_hex(8)}!Bb2"


def emulator_user(api: LocalApi, username: str) -> Tokens:
    """The whole new-user workflow over HTTP through the emulator."""
    client = CognitoApiClient(api.url)
    temporary, permanent = passwords()
    client.sign_up(username, f"{username}@example.com", temporary)
    return client.complete_new_password(username, temporary, permanent)


def moto_user(cognito: Any, api: LocalApi, username: str) -> None:
    """The same Cognito calls as the auth Lambda makes (SECRET_HASH included), straight to
    the emulator's Cognito.
    """
    temporary, permanent = passwords()
    secret = _client_secret(cognito, api)
    digest = hmac.new(secret.encode(), (username + api.client_id).encode(), hashlib.sha256)
    secret_hash = base64.b64encode(digest.digest()).decode()
    cognito.admin_create_user(
        UserPoolId=api.user_pool_id,
        Username=username,
        TemporaryPassword=temporary,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        MessageAction="SUPPRESS",
    )
    challenge = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=api.client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": temporary, "SECRET_HASH": secret_hash},
    )
    answer = cognito.respond_to_auth_challenge(
        ClientId=api.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": username,
            "NEW_PASSWORD": permanent,
            "SECRET_HASH": secret_hash,
        },
    )
    if "IdToken" not in answer.get("AuthenticationResult", {}):
        raise RuntimeError(f"moto gave no tokens to {username}: {answer!r}")


@functools.cache
def _client_secret(cognito: Any, api: LocalApi) -> str:
    described = cognito.describe_user_pool_client(
        UserPoolId=api.user_pool_id, ClientId=api.client_id
    )
    return str(described["UserPoolClient"]["ClientSecret"])


def timed_users(make_user: Callable[[str], object], prefix: str, count: int) -> float:
    """Seconds to run ``make_user`` for ``count`` fresh user names, one after another."""
    started = time.perf_counter()
    for index in range(count):
        make_user(f"{prefix}-{index}")
    return time.perf_counter() - started


def users_per_second(api: LocalApi, users: int) -> tuple[float, float]:
    """(emulator, moto) new users per second, alternating in ``ROUNDS`` rounds."""
    cognito = moto_cognito(api)
    run = secrets.token_hex(3)
    timed_users(lambda name: emulator_user(api, name), f"warm-e-{run}", WARMUP)
    timed_users(lambda name: moto_user(cognito, api, name), f"warm-m-{run}", WARMUP)
    per_round = max(1, users // ROUNDS)
    emulator_seconds = moto_seconds = 0.0
    for round_number in range(ROUNDS):
        emulator_seconds += timed_users(
            lambda name: emulator_user(api, name), f"e-{run}-{round_number}", per_round
        )
        moto_seconds += timed_users(
            lambda name: moto_user(cognito, api, name), f"m-{run}-{round_number}", per_round
        )
    total = per_round * ROUNDS
    return total / emulator_seconds, total / moto_seconds


# --- protected call: latency ----------------------------------------------------------


def signed_in_client(api: LocalApi) -> CognitoApiClient:
    """A client holding a fresh user's tokens (so ``request`` sends the id token)."""
    client = CognitoApiClient(api.url)
    temporary, permanent = passwords()
    username = f"caller-{secrets.token_hex(3)}"
    client.sign_up(username, f"{username}@example.com", temporary)
    client.complete_new_password(username, temporary, permanent)
    return client


def call_seconds(client: CognitoApiClient) -> float:
    started = time.perf_counter()
    client.request("POST", "/echo", json=ECHO_BODY)
    return time.perf_counter() - started


def protected_call_latencies(
    emulator: CognitoApiClient, bare: CognitoApiClient, calls: int
) -> tuple[list[float], list[float]]:
    """Interleaved latencies (emulator, bare) of ``calls`` calls each, after a warm-up."""
    reply = emulator.request("POST", "/echo", json=ECHO_BODY)
    # The call must really pass the authorizer and reach the Lambda (a 401 would raise).
    if not isinstance(reply, dict) or not reply.get("user"):
        raise RuntimeError(f"POST /echo answered {reply!r}, not the echo Lambda's reply")
    for _ in range(WARMUP):
        call_seconds(emulator)
        call_seconds(bare)
    emulator_times, bare_times = [], []
    for _ in range(calls):
        emulator_times.append(call_seconds(emulator))
        bare_times.append(call_seconds(bare))
    return emulator_times, bare_times


def p50_p99(times: list[float]) -> tuple[float, float]:
    """Median and 99th percentile, in milliseconds."""
    return statistics.median(times) * 1000, statistics.quantiles(times, n=100)[98] * 1000


# --- report ------------------------------------------------------------------------


def print_table(workflow: tuple[float, float], latency: dict[str, tuple[float, float]]) -> None:
    emulator_rate, moto_rate = workflow
    floor = latency["bare loopback"][0] + latency["RS256 verify"][0]
    ratio = latency["emulator POST /echo"][0] / floor
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print("\nnew-user workflow, sequential       users/s   ms/user")
    print(f"  through the emulator (HTTP)      {emulator_rate:8.1f} {1000 / emulator_rate:9.2f}")
    print(f"  floor: boto3 straight to moto    {moto_rate:8.1f} {1000 / moto_rate:9.2f}")
    print(f"  ratio emulator / floor (time)    {moto_rate / emulator_rate:8.2f}x")
    print("\nprotected call                      p50 ms    p99 ms")
    for name, (p50, p99) in latency.items():
        p99_text = f"{p99:9.2f}" if name != "RS256 verify" else "        -"
        print(f"  {name:<32} {p50:8.2f} {p99_text}")
    print(f"  floor = bare p50 + RS256 p50     {floor:8.2f}")
    print(
        f"  ratio emulator p50 / floor       {ratio:8.2f}x",
        f"(target <= {TARGET_RATIO:.0f}x: {verdict})",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="new users each way (>= 4)")
    parser.add_argument("--calls", type=int, default=1000, help="protected calls each way (>= 2)")
    args = parser.parse_args()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    with tempfile.TemporaryDirectory(prefix="emulator-bench-") as tmp:
        print(f"Synthesizing {APP.name} (not counted) ...", flush=True)
        out_dir = synthesize(read_app_command(APP), APP, Path(tmp) / "cdk.out")
        with LocalApi.from_cdk_out(out_dir, port=0) as api, bare_server() as bare_url:
            print(f"Workflow: {args.users} users each way, {ROUNDS} alternating rounds ...")
            workflow = users_per_second(api, args.users)
            print(f"Protected call: {args.calls} calls each way, interleaved ...", flush=True)
            emulator = signed_in_client(api)
            bare = CognitoApiClient(bare_url)
            bare.tokens = emulator.tokens  # the same Authorization header on both
            emulator_times, bare_times = protected_call_latencies(emulator, bare, args.calls)
            assert emulator.tokens is not None
            rs256 = rs256_seconds(api, emulator.tokens.id_token, RS256_RUNS) * 1000
    print_table(
        workflow,
        {
            "emulator POST /echo": p50_p99(emulator_times),
            "bare loopback": p50_p99(bare_times),
            "RS256 verify": (rs256, rs256),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
