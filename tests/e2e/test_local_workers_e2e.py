"""Lambda workers through the gateway: timeouts, crashes, restarts, concurrency."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cognito_api_construct.local import LocalApi

from .helpers import call


def test_timeout_is_504_and_the_next_invocation_gets_a_fresh_worker(tiny_api: LocalApi) -> None:
    # given a function with Timeout 1 whose warm worker has a known pid
    warm_pid = call("POST", f"{tiny_api.url}slow", {"seconds": 0}).json()["pid"]

    # when an invocation runs past the timeout
    started = time.monotonic()
    reply = call("POST", f"{tiny_api.url}slow", {"seconds": 5})
    elapsed = time.monotonic() - started

    # then API Gateway's 504 answers at the timeout, and the stuck worker was replaced
    assert reply.status == 504
    assert reply.json() == {"message": "Endpoint request timed out"}
    assert elapsed < 3
    after = call("POST", f"{tiny_api.url}slow", {"seconds": 0})
    assert after.status == 200
    assert after.json()["pid"] != warm_pid


@pytest.mark.parametrize("how", ["exit", "raise", "malformed"])
def test_crash_is_502_and_the_function_recovers(tiny_api: LocalApi, how: str) -> None:
    # given a function that dies, raises, or returns no statusCode
    # when it is invoked
    reply = call("POST", f"{tiny_api.url}crash", {"how": how})

    # then 502 Internal server error, and the next invocation works
    assert reply.status == 502
    assert reply.json() == {"message": "Internal server error"}
    assert call("POST", f"{tiny_api.url}crash", {"how": "ok"}).status == 200


def test_sixteen_concurrent_callers_all_succeed(tiny_api: LocalApi) -> None:
    # given 16 threads each making 4 calls to the same function
    def caller(index: int) -> list[int]:
        return [call("GET", f"{tiny_api.url}public/c{index}-{n}").status for n in range(4)]

    # when they run at once
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [status for result in pool.map(caller, range(16)) for status in result]

    # then every call succeeded, served by at most the pool's 4 workers
    assert statuses == [200] * 64
