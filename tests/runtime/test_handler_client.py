"""The handler's Cognito: region, endpoint and resilience settings of both clients.

The standard-library client calls the unauthenticated operations; boto3, imported on
first use, the others. Both must use the function's region and the emulator's
endpoint, and end a stalled call inside the function's timeout.
"""

from __future__ import annotations

import subprocess
import sys

from runtime_asset import ASSET_ROOT


def test_both_clients_use_the_function_region(cognito, monkeypatch):
    # given
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL")

    # when
    client = cognito.module.new_cognito_client()

    # then
    assert client.plain.endpoint_url == "https://cognito-idp.eu-west-1.amazonaws.com"
    assert client.signed().meta.region_name == "eu-west-1"
    config = client.signed().meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 3)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (client.plain.connect_timeout, client.plain.read_timeout) == (2, 3)
    assert client.plain.total_max_attempts == 3


def test_both_clients_honour_the_emulators_endpoint(cognito, monkeypatch):
    # given: how the local emulator points the function at its Cognito
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")

    # when
    client = cognito.module.new_cognito_client()

    # then
    assert client.plain.endpoint_url == "http://127.0.0.1:4566"
    assert client.signed().meta.endpoint_url == "http://127.0.0.1:4566"


def test_the_unauthenticated_operations_never_import_boto3() -> None:
    """A fresh process imports the handler and signs in (to a closed port): boto3 and
    botocore stay unloaded; ``admin_create_user`` loads them.
    """
    script = f"""
import os, sys
sys.path.insert(0, {str(ASSET_ROOT)!r})
os.environ.update(AWS_REGION="us-east-1", AWS_ENDPOINT_URL="http://127.0.0.1:9",
                  USER_POOL_ID="p", USER_POOL_CLIENT_ID="c")
import runtime.handler as h
h._cognito.plain.total_max_attempts = 1
try:
    h._cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="c", AuthParameters={{}})
except Exception as error:
    print(type(error).__name__)
print(sorted(m for m in ("boto3", "botocore") if m in sys.modules))
h._cognito.admin_create_user
print(sorted(m for m in ("boto3", "botocore") if m in sys.modules))
"""
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split("\n")[:3] == [
        "CognitoUnreachableError",
        "[]",
        "['boto3', 'botocore']",
    ]


def test_module_client_is_created_once_and_reused(invoke, make_event, cognito):
    # given
    client = cognito.module._cognito

    # when
    invoke(make_event("/auth", {"username": "ana", "password": "x"}))
    invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert cognito.module._cognito is client


def test_worst_case_cognito_call_ends_inside_the_function_timeout():
    # given: what the construct deploys, and the client's retry budget
    from runtime.cognito_api import CONNECT_TIMEOUT, READ_TIMEOUT, TOTAL_MAX_ATTEMPTS
    from runtime.cognito_client import worst_case_seconds

    from cognito_api_construct.options import AUTH_FUNCTION_TIMEOUT_SECONDS

    # when
    worst = worst_case_seconds(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        total_max_attempts=TOTAL_MAX_ATTEMPTS,
    )

    # then: a stalled Cognito gives our 503, not a Lambda timeout
    assert worst < AUTH_FUNCTION_TIMEOUT_SECONDS


def test_a_stalled_cognito_is_503_before_the_function_times_out(
    invoke, make_event, cognito, monkeypatch
):
    """Cognito accepts the connection and never answers: the handler answers 503
    ``ServiceUnavailable`` after the client's attempts, not a Lambda timeout (here with
    short read timeouts and no backoff sleeps, so the test stays quick; the deployed
    budget is :func:`test_worst_case_cognito_call_ends_inside_the_function_timeout`'s).
    """
    import socket
    import threading
    import time

    from runtime.cognito_client import CognitoClient

    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)  # read nothing, answer nothing

    threading.Thread(target=accept, daemon=True).start()
    stalled = CognitoClient(
        "us-east-1",
        endpoint_url=f"http://127.0.0.1:{listener.getsockname()[1]}",
        read_timeout=0.3,
        sleep=lambda seconds: None,
    )
    monkeypatch.setattr(cognito.module._cognito, "plain", stalled)
    try:
        started = time.monotonic()
        reply = invoke(make_event("/auth", {"username": "ana", "password": "Any-Passw0rd!x"}))
        elapsed = time.monotonic() - started
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    assert (reply.status, reply.body["error"]) == (503, "ServiceUnavailable")
    assert len(accepted) == 3  # every attempt was made
    assert elapsed < 5
