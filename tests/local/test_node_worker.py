"""Node.js Lambda functions in the emulator's workers, driven without the gateway.

The handlers are in fixtures/node_functions (one export per behaviour). One
``LambdaWorkers`` serves most tests, so each function's worker starts once; tests that
need a worker of their own (crashes, signals, the raw protocol) start it themselves.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cognito_api_construct.local import workers
from cognito_api_construct.local.assembly import LambdaFunction
from cognito_api_construct.local.workers import (
    FunctionCrashedError,
    FunctionTimeoutError,
    LambdaWorkers,
    UnsupportedFunctionError,
    _Worker,
    check_runnable,
    lambda_environment,
    worker_command,
)

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node on PATH")

FUNCTIONS = Path(__file__).parent / "fixtures" / "node_functions"

HANDLERS = {
    "Echo": "index.echo",
    "Callback": "index.callback",
    "Succeed": "index.succeed",
    "Done": "index.done",
    "SyncReturn": "index.syncReturn",
    "Nested": "index.nested.deeper.handler",
    "Esm": "esm.handler",
    "Subfolder": "src/app.handler",
    "ModulePackage": "module_pkg/handler.handler",
    "FailByCallback": "index.failByCallback",
    "Hang": "index.hang",
    "Returns": "index.returns",
    "Logs": "index.logs",
    "Context": "index.context",
}


def node_function(
    logical_id: str, handler: str, *, timeout: int = 5, runtime: str = "nodejs20.x"
) -> LambdaFunction:
    return LambdaFunction(
        logical_id=logical_id,
        function_name=f"local-{logical_id.lower()}",
        runtime=runtime,
        handler=handler,
        package_type="Zip",
        timeout_seconds=timeout,
        memory_mb=256,
        environment={},
        code_dir=FUNCTIONS,
        inline_code=None,
    )


def environment(function: LambdaFunction) -> dict[str, str]:
    return lambda_environment(
        function,
        {"GREETING": "hola"},
        endpoint_url="http://127.0.0.1:9",
        region="eu-west-1",
        credentials={"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"},
        task_root=FUNCTIONS,
    )


def wait_for(log: io.StringIO, text: str) -> str:
    """The log once it holds ``text``: the relay thread may lag the reply a little."""
    deadline = time.monotonic() + 5
    while text not in log.getvalue():
        assert time.monotonic() < deadline, f"{text!r} never reached the log:\n{log.getvalue()}"
        time.sleep(0.01)
    return log.getvalue()


def run_worker(
    function: LambdaFunction, requests: list[dict[str, object]]
) -> subprocess.CompletedProcess[str]:
    """Run ``function``'s worker command on ``requests`` until it exits: the raw protocol."""
    return subprocess.run(  # noqa: S603 - our worker command
        worker_command(function),
        input="".join(json.dumps(request) + "\n" for request in requests),
        capture_output=True,
        cwd=FUNCTIONS,
        env=environment(function),
        text=True,
        timeout=10,
        check=False,
    )


@pytest.fixture(scope="module")
def log() -> io.StringIO:
    return io.StringIO()


@pytest.fixture(scope="module")
def lambdas(log: io.StringIO) -> Iterator[LambdaWorkers]:
    functions = {
        logical_id: node_function(logical_id, handler, timeout=1 if logical_id == "Hang" else 5)
        for logical_id, handler in HANDLERS.items()
    }
    pool = LambdaWorkers(
        functions,
        {logical_id: environment(function) for logical_id, function in functions.items()},
        dict.fromkeys(functions, FUNCTIONS),
        max_workers=2,
        log_stream=log,
    )
    yield pool
    pool.close()


@pytest.fixture
def lone_worker(log: io.StringIO) -> Iterator[_Worker]:
    """A worker of index.fail outside any pool, so that an error does not retire it."""
    function = node_function("Lone", "index.fail")
    worker = _Worker(function, environment(function), FUNCTIONS, log)
    worker.wait_ready()
    yield worker
    worker.kill()


def test_async_handler_answers_and_its_worker_stays_warm(lambdas: LambdaWorkers) -> None:
    # given an async handler
    # when it is invoked twice in a row
    first = lambdas.invoke("Echo", {"n": 1})
    second = lambdas.invoke("Echo", {"n": 2})

    # then each answer carries its own event, from the same warm process
    assert first["event"] == {"n": 1}
    assert second["event"] == {"n": 2}
    assert first["pid"] == second["pid"]


@pytest.mark.parametrize(
    ("logical_id", "style"),
    [("Callback", "callback"), ("Succeed", "context.succeed"), ("Done", "context.done")],
)
def test_callback_and_legacy_context_handlers_answer(
    lambdas: LambdaWorkers, logical_id: str, style: str
) -> None:
    # given a handler that answers later through callback, context.succeed or context.done
    # when it is invoked
    result = lambdas.invoke(logical_id, {"n": 3})

    # then what it passed is the answer
    assert result == {"style": style, "event": {"n": 3}}


def test_sync_handler_without_callback_answers_null_as_lambda_does(
    lambdas: LambdaWorkers,
) -> None:
    # given a plain (not async) handler with no callback parameter that returns a value
    # when it is invoked
    result = lambdas.invoke("SyncReturn", {})

    # then Lambda's answer: null, the returned value ignored
    assert result is None


@pytest.mark.parametrize(
    ("logical_id", "expected"),
    [
        ("Esm", {"module": "esm", "file": "esm.mjs", "event": {}}),
        ("ModulePackage", {"module": "esm", "file": "module_pkg/handler.js", "loaded": "number"}),
        ("Subfolder", {"file": "src/app.js"}),
        ("Nested", "nested export"),
    ],
)
def test_handler_is_found_as_lambda_finds_it(
    lambdas: LambdaWorkers, logical_id: str, expected: object
) -> None:
    # given a handler in an .mjs file, in a .js file of a "type": "module" folder, in a
    # subfolder, or nested in the exports
    # when it is invoked
    result = lambdas.invoke(logical_id, {})

    # then that module (loaded as ESM where Lambda would) and that export answered
    assert result == expected


@pytest.mark.parametrize(
    ("handler", "error_type"),
    [
        ("missing.handler", "Runtime.ImportModuleError"),
        ("index.nope", "Runtime.HandlerNotFound"),
        ("broken_syntax.handler", "Runtime.UserCodeSyntaxError"),
        ("throws_at_init.handler", "Error"),
    ],
)
def test_init_error_is_a_crash_named_as_lambda_names_it(
    log: io.StringIO, handler: str, error_type: str
) -> None:
    # given a function whose handler cannot be loaded
    function = node_function("Broken", handler)
    lambdas = LambdaWorkers(
        {"Broken": function}, {"Broken": environment(function)}, {"Broken": FUNCTIONS}, 1, log
    )

    # when it is invoked
    # then its worker reports the init error with Lambda's error type
    try:
        with pytest.raises(FunctionCrashedError, match=rf"^Broken: {re.escape(error_type)}$"):
            lambdas.invoke("Broken", {})
    finally:
        lambdas.close()


def test_errors_fail_the_invocation_and_the_worker_serves_the_next(
    lone_worker: _Worker, log: io.StringIO
) -> None:
    # given a warm worker
    pid = lone_worker.invoke({}, 5)["pid"]

    # when its handler throws, rejects with a custom error, then throws a bare string
    failures = []
    for how in ("throw", "reject", "string"):
        with pytest.raises(FunctionCrashedError) as raised:
            lone_worker.invoke({"how": how}, 5)
        failures.append(str(raised.value))

    # then each gives its error type, the stack trace is logged, and the same process
    # answers the next invocation
    assert failures == ["Lone: TypeError", "Lone: ValidationError", "Lone: string"]
    logged = wait_for(log, '"errorMessage":"not a function, as it happens"')
    invoke_error = r'\tERROR\tInvoke Error \t\{"errorType":"TypeError".*index\.js:\d+'
    assert re.search(invoke_error, logged)
    assert lone_worker.invoke({}, 5)["pid"] == pid


def test_callback_error_fails_the_invocation(lambdas: LambdaWorkers) -> None:
    # given a handler that calls back with an error
    # when it is invoked
    # then the invocation fails with that error's type
    with pytest.raises(FunctionCrashedError, match=r"^FailByCallback: RangeError$"):
        lambdas.invoke("FailByCallback", {})


def test_uncaught_exception_fails_the_invocation_and_ends_the_worker() -> None:
    # given a worker whose handler lets an exception escape from a timer
    function = node_function("Raw", "index.fail")
    deadline = int(time.time() * 1000) + 5000
    requests = [
        {"event": {"how": "uncaught"}, "request_id": "raw-1", "deadline_ms": deadline},
        {"event": {}, "request_id": "raw-2", "deadline_ms": deadline},
    ]

    # when it is sent two requests
    done = run_worker(function, requests)

    # then the first fails with the exception's type and the worker exits, as Lambda
    # ends the sandbox (the pool starts a fresh worker for the next invocation)
    assert done.stdout.splitlines() == [
        '{"ready":true}',
        '{"error":{"errorType":"RangeError","errorMessage":"thrown from a timer"}}',
    ]
    assert "\traw-1\tERROR\tUncaught Exception \t" in done.stderr
    assert done.returncode == 129


def test_timeout_kills_the_worker_and_a_fresh_one_answers(lambdas: LambdaWorkers) -> None:
    # given a function with Timeout 1 and its warm worker
    pid = lambdas.invoke("Hang", {})["pid"]

    # when an invocation never settles
    started = time.monotonic()
    with pytest.raises(FunctionTimeoutError):
        lambdas.invoke("Hang", {"hang": True})
    elapsed = time.monotonic() - started

    # then it times out at its timeout, and a new process answers the next invocation
    assert 0.9 < elapsed < 2.5
    assert lambdas.invoke("Hang", {})["pid"] != pid


@pytest.mark.parametrize("what", ["undefined", "function"])
def test_result_json_has_no_value_for_is_null(lambdas: LambdaWorkers, what: str) -> None:
    # given a handler resolving to undefined or to a function
    # when it is invoked
    # then the answer is null, as Lambda sends it
    assert lambdas.invoke("Returns", {"what": what}) is None


def test_result_json_cannot_encode_fails_the_invocation(
    lambdas: LambdaWorkers, log: io.StringIO
) -> None:
    # given a handler resolving to an object with a cycle
    # when it is invoked
    with pytest.raises(FunctionCrashedError, match=r"^Returns: Error$"):
        lambdas.invoke("Returns", {"what": "cycle"})

    # then it fails with Lambda's message, logged
    wait_for(log, "Unable to stringify response body")


def test_result_of_any_size_and_characters_arrives_whole(lambdas: LambdaWorkers) -> None:
    # given results with newlines, a line separator, an emoji, and one of a megabyte
    # when they are returned
    text = lambdas.invoke("Returns", {})
    big = lambdas.invoke("Returns", {"what": "big", "size": 1_000_000})

    # then each arrives intact on its one protocol line
    assert text == {"unicode": "caf\u00e9 \u2028 \U0001f600", "newline": "a\nb\r\nc"}
    assert big == "x" * 1_000_000


def test_logs_and_prints_reach_the_log_stream_never_the_protocol(
    lambdas: LambdaWorkers, log: io.StringIO
) -> None:
    # given a handler that logs at every level and writes to process.stdout, once a
    # line shaped like a protocol reply
    # when it is invoked twice
    first = lambdas.invoke("Logs", {})
    second = lambdas.invoke("Logs", {})

    # then both answers are the handler's own (the forged line was not read as a reply)
    request_id = first["requestId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id)
    assert second["requestId"] != request_id
    # and the console lines are in Lambda's format, with the invocation's request id,
    # tagged with the function's logical id
    logged = wait_for(log, f"{second['requestId']}\tDEBUG\ta debug line")
    timestamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    for level, message in [
        ("INFO", "hello from console.log 42"),
        ("INFO", "an info line"),
        ("WARN", "a warning"),
        ("ERROR", "an error line"),
        ("DEBUG", "a debug line"),
    ]:
        line = rf"^\[Logs\] {timestamp}\t{request_id}\t{level}\t{re.escape(message)}$"
        assert re.search(line, logged, re.MULTILINE), line
    for printed in ["written to process.stdout", "{ dir: true }", '{"result": "forged"}']:
        assert f"[Logs] {printed}\n" in logged


def test_context_and_environment_are_lambdas(lambdas: LambdaWorkers) -> None:
    # given a function (256 MB, Timeout 5) with a template variable GREETING=hola
    # when its handler reads the environment and the context object
    seen = lambdas.invoke("Context", {})

    # then they hold what Lambda gives a Node.js function
    assert 0 < seen.pop("remainingMillis") <= 5000
    assert re.fullmatch(r"[0-9a-f-]{36}", seen.pop("awsRequestId"))
    assert seen == {
        "greeting": "hola",
        "executionEnv": "AWS_Lambda_nodejs20.x",
        "taskRoot": str(FUNCTIONS),
        "cwd": str(FUNCTIONS),
        "functionName": "local-context",
        "functionVersion": "$LATEST",
        "invokedFunctionArn": "",
        "memoryLimitInMB": "256",
        "logGroupName": "/aws/lambda/local-context",
        "logStreamName": "local",
        "callbackWaitsForEmptyEventLoop": True,
        "identity": "undefined",
        "clientContext": "undefined",
    }


def test_ctrl_c_does_not_stop_a_worker(lone_worker: _Worker) -> None:
    # given a warm worker
    pid = lone_worker.invoke({}, 5)["pid"]

    # when it gets SIGINT, as a Ctrl-C in the emulator's terminal sends the group
    os.kill(pid, signal.SIGINT)
    time.sleep(0.1)

    # then it still answers
    assert lone_worker.invoke({}, 5) == {"ok": True, "pid": pid}


def test_protocol_is_ready_then_one_line_per_request_and_exit_at_end_of_stdin() -> None:
    # given the worker command of a function whose module leaves a timer running and
    # whose handler logs and prints
    function = node_function("Raw", "index.logs")
    request = {"event": {}, "request_id": "raw-1", "deadline_ms": int(time.time() * 1000) + 5000}

    # when one request is written and stdin is closed
    done = run_worker(function, [request])

    # then stdout holds exactly the ready line and the reply, the prints went to
    # stderr, and the worker exited cleanly despite its timer
    assert done.stdout.splitlines() == ['{"ready":true}', '{"result":{"requestId":"raw-1"}}']
    assert "\traw-1\tINFO\thello from console.log 42\n" in done.stderr
    assert "written to process.stdout\n" in done.stderr
    assert done.returncode == 0


def test_check_runnable_accepts_nodejs_when_node_is_on_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a nodejs20.x function
    function = node_function("Api", "index.handler")

    # when node is on PATH, then it is runnable, under node and the Node.js bootstrap
    check_runnable(function)
    command = worker_command(function)
    assert Path(command[0]).name == "node"
    assert Path(command[1]).name == "_bootstrap_node.js"
    assert Path(command[1]).is_file()
    assert command[2:] == ["index.handler"]

    # when node is not on PATH, then the refusal names the function and its runtime
    monkeypatch.setattr(workers.shutil, "which", lambda _name: None)
    with pytest.raises(UnsupportedFunctionError, match=r"Api \(local-api\).*'nodejs20\.x'.*node"):
        check_runnable(function)


def test_python_functions_keep_the_python_bootstrap_and_others_are_refused() -> None:
    # given a python3.12 function and a ruby3.3 function
    python = node_function("Py", "app.handler", runtime="python3.12")
    ruby = node_function("Rb", "app.handler", runtime="ruby3.3")

    # when they are checked
    # then Python runs under this interpreter, and Ruby is refused naming both runtimes
    check_runnable(python)
    assert worker_command(python)[0] == sys.executable
    assert Path(worker_command(python)[1]).name == "_bootstrap.py"
    with pytest.raises(UnsupportedFunctionError, match=r"'ruby3\.3'.*Python.*Node\.js"):
        check_runnable(ruby)
