"""Run the template's Python and Node.js Lambda functions in long-lived worker processes.

It owns the worker processes: one per concurrent invocation (like a warm Lambda
sandbox, one invocation at a time each), grown on demand up to a small pool per
function, killed and replaced after a timeout or a crash. It builds each function's
environment (the resolved template variables plus the emulator's endpoint, region,
dummy credentials and Lambda's reserved variables) and reports failures as
exceptions the gateway turns into 502/504. It knows nothing of HTTP or of events.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, TextIO

from .assembly import LambdaFunction

__all__ = [
    "FunctionCrashedError",
    "FunctionError",
    "FunctionTimeoutError",
    "LambdaWorkers",
    "UnsupportedFunctionError",
    "check_runnable",
    "lambda_environment",
    "worker_command",
]

_LOG = logging.getLogger(__name__)
_BOOTSTRAP = str(Path(__file__).with_name("_bootstrap.py"))
_NODE_BOOTSTRAP = str(Path(__file__).with_name("_bootstrap_node.js"))
#: Lambda gives a function's init (imports, clients) 10 s; a busy laptop needs more.
_INIT_SECONDS = 30.0
#: API Gateway stops waiting for an integration after 29 s whatever the Lambda timeout.
_INTEGRATION_TIMEOUT_SECONDS = 29.0


class UnsupportedFunctionError(Exception):
    """A function the emulator cannot run (another runtime, a container image...)."""


class FunctionTimeoutError(Exception):
    """The invocation outlived the function's timeout; its worker was killed."""


class FunctionCrashedError(Exception):
    """The function failed: init error, unhandled exception, or its process died."""


class FunctionError(FunctionCrashedError):
    """The handler raised (or rejected, or called back with an error); its sandbox lives on.

    Attributes:
        error_type: The error's class name, as Lambda reports ``errorType``.
        error_message: Its message (``errorMessage``), which a user pool trigger's caller
            sees in UserLambdaValidationException.
    """

    def __init__(self, logical_id: str, error_type: str, error_message: str) -> None:
        super().__init__(f"{logical_id}: {error_type}")
        self.error_type = error_type
        self.error_message = error_message


def check_runnable(function: LambdaFunction) -> None:
    """Raise ``UnsupportedFunctionError`` unless the emulator can run ``function``."""
    name = f"Lambda function {function.logical_id} ({function.function_name})"
    if function.package_type == "Image":
        raise UnsupportedFunctionError(
            f"{name} is a container image: the local emulator runs Python and Node.js zip "
            "functions only."
        )
    runtime = function.runtime or ""
    if runtime.startswith("nodejs"):
        if shutil.which("node") is None:
            raise UnsupportedFunctionError(
                f"{name} uses runtime {runtime!r}: install Node.js so that `node` is on "
                "PATH to run it locally."
            )
    elif not runtime.startswith("python3"):
        raise UnsupportedFunctionError(
            f"{name} uses runtime {function.runtime!r}: the local emulator runs Python "
            "(python3.x) and Node.js (nodejs*) functions only."
        )
    if not function.handler or "." not in function.handler:
        raise UnsupportedFunctionError(f"{name} has no MODULE.FUNCTION Handler.")
    if function.code_dir is None and function.inline_code is None:
        raise UnsupportedFunctionError(
            f"{name}: its code asset was not found in the cloud assembly."
        )


def worker_command(function: LambdaFunction) -> list[str]:
    """The command that starts a worker for ``function``, chosen by its runtime.

    A ``nodejs*`` function runs under the ``node`` found on PATH (whatever its version:
    the emulator does not match the template's), anything else under this Python.
    """
    handler = function.handler or ""
    if (function.runtime or "").startswith("nodejs"):
        node = shutil.which("node")
        if node is None:
            raise UnsupportedFunctionError(f"{function.logical_id}: `node` is not on PATH.")
        return [node, _NODE_BOOTSTRAP, handler]
    return [sys.executable, _BOOTSTRAP, handler]


def lambda_environment(
    function: LambdaFunction,
    variables: Mapping[str, str],
    *,
    endpoint_url: str,
    region: str,
    credentials: Mapping[str, str],
    task_root: Path,
) -> dict[str, str]:
    """The environment a worker runs with, as Lambda would set it plus the emulator's.

    Args:
        function: the function to run.
        variables: its template variables, already resolved, with ``--env`` overrides.
        endpoint_url: the embedded services' URL, given as ``AWS_ENDPOINT_URL``.
        region: the region for ``AWS_REGION``/``AWS_DEFAULT_REGION``.
        credentials: dummy AWS credentials.
        task_root: the function's code directory.
    """
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
        # Keeps the asset directory clean, as the read-only /var/task would.
        "PYTHONDONTWRITEBYTECODE": "1",
        # Never the developer's real AWS profile, whatever ~/.aws holds.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "local",
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": function.handler or "",
        **credentials,
    }
    environment.update(variables)
    return environment


class _Worker:
    """One worker process, and a thread turning its stdout into a queue of lines."""

    def __init__(
        self,
        function: LambdaFunction,
        environment: Mapping[str, str],
        cwd: Path,
        log_stream: TextIO | None = None,
    ):
        self.function = function
        self._log_stream = log_stream
        self._process = subprocess.Popen(  # noqa: S603 - our bootstrap script, no shell
            worker_command(function),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=dict(environment),
            text=True,
            encoding="utf-8",
        )
        self._replies: queue.Queue[str | None] = queue.Queue()
        assert self._process.stdout is not None
        assert self._process.stderr is not None
        threading.Thread(
            target=self._read_replies, args=(self._process.stdout,), daemon=True
        ).start()
        threading.Thread(target=self._relay_logs, args=(self._process.stderr,), daemon=True).start()

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._process.pid

    def _read_replies(self, stream: IO[str]) -> None:
        for line in stream:
            self._replies.put(line)
        self._replies.put(None)

    def _relay_logs(self, stream: IO[str]) -> None:
        # The function's logs, tagged with its name, like a CloudWatch log group.
        for line in stream:
            (self._log_stream or sys.stderr).write(f"[{self.function.logical_id}] {line}")

    def _next_reply(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise FunctionTimeoutError(self.function.logical_id) from None
        if line is None:
            raise FunctionCrashedError(f"{self.function.logical_id}: worker process exited")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            error = reply["error"]
            raise FunctionError(
                self.function.logical_id,
                str(error.get("errorType", "Error")),
                str(error.get("errorMessage", "")),
            )
        return reply

    def wait_ready(self) -> None:
        try:
            self._next_reply(_INIT_SECONDS)
        except FunctionTimeoutError:
            raise FunctionCrashedError(f"{self.function.logical_id}: init timed out") from None
        except FunctionError as error:
            # An init error is the sandbox's end, not an invocation's.
            raise FunctionCrashedError(str(error)) from None

    def invoke(self, event: Mapping[str, Any], timeout: float) -> Any:
        request = {
            "event": event,
            "request_id": str(uuid.uuid4()),
            "deadline_ms": int((time.time() + timeout) * 1000),
        }
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except OSError as error:
            raise FunctionCrashedError(f"{self.function.logical_id}: worker is gone") from error
        return self._next_reply(timeout)["result"]

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()


class _FunctionPool:
    """The workers of one function: idle ones reused, new ones started up to a limit."""

    def __init__(
        self,
        function: LambdaFunction,
        environment: Mapping[str, str],
        cwd: Path,
        max_workers: int,
        log_stream: TextIO | None = None,
    ):
        self.function = function
        self._environment = environment
        self._cwd = cwd
        self._log_stream = log_stream
        self._slots = threading.BoundedSemaphore(max_workers)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._closed = False

    def _start(self) -> _Worker:
        worker = _Worker(self.function, self._environment, self._cwd, self._log_stream)
        with self._lock:
            self._all.add(worker)
        try:
            worker.wait_ready()
        except FunctionCrashedError:
            self._discard(worker)
            raise
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def warm(self) -> None:
        """Start one worker ahead of the first request, so init errors show at startup."""
        with self._slots:
            worker = self._start()
            with self._lock:
                self._idle.append(worker)

    def invoke(self, event: Mapping[str, Any], timeout: float | None = None) -> Any:
        limit = _INTEGRATION_TIMEOUT_SECONDS if timeout is None else timeout
        timeout = min(float(self.function.timeout_seconds), limit)
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = self._start()
            try:
                result = worker.invoke(event, timeout)
            except FunctionError:
                # The handler raised: Lambda keeps the sandbox for the next invocation.
                self._return(worker)
                raise
            except (FunctionTimeoutError, FunctionCrashedError):
                # A timed-out or failed sandbox is not reused: the next request gets a
                # fresh one, as Lambda re-initialises after a timeout or a crash.
                self._discard(worker)
                raise
            self._return(worker)
            return result

    def _return(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)

    def pids(self) -> list[int]:
        with self._lock:
            return [worker.pid for worker in self._all]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all, self._idle = list(self._all), set(), []
        for worker in workers:
            worker.kill()


class LambdaWorkers:
    """Every integrated function's worker pool, invoked by logical id.

    Args:
        functions: the functions to run, by logical id (each passed ``check_runnable``).
        environments: each function's full environment (see ``lambda_environment``).
        code_dirs: each function's code directory.
        max_workers: concurrent invocations per function. Defaults to 4.
        log_stream: where the functions' output lines go, each tagged with the
            function's logical id. Defaults to the emulator's stderr.
    """

    def __init__(
        self,
        functions: Mapping[str, LambdaFunction],
        environments: Mapping[str, Mapping[str, str]],
        code_dirs: Mapping[str, Path],
        max_workers: int = 4,
        log_stream: TextIO | None = None,
    ) -> None:
        self._pools = {
            logical_id: _FunctionPool(
                function,
                environments[logical_id],
                code_dirs[logical_id],
                max_workers,
                log_stream,
            )
            for logical_id, function in functions.items()
        }

    def warm(self) -> None:
        """Start one worker per function, all at once; log (not raise) init errors."""
        threads = [
            threading.Thread(target=self._warm_one, args=(pool,)) for pool in self._pools.values()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @staticmethod
    def _warm_one(pool: _FunctionPool) -> None:
        try:
            pool.warm()
        except FunctionCrashedError as error:
            _LOG.error("Lambda function failed to initialise: %s", error)

    def invoke(
        self, logical_id: str, event: Mapping[str, Any], timeout: float | None = None
    ) -> Any:
        """Invoke a function with ``event`` and return what its handler returned.

        Args:
            logical_id: the function.
            event: its event.
            timeout: seconds the caller waits, when shorter than the function's timeout
                (a user pool waits 5 s for a trigger). Defaults to API Gateway's 29 s.

        Raises:
            FunctionTimeoutError: it ran past its timeout (its worker was killed).
            FunctionError: its handler raised.
            FunctionCrashedError: it failed to initialise, or its process died.
        """
        return self._pools[logical_id].invoke(event, timeout)

    def pids(self) -> list[int]:
        """Process ids of every live worker (for tests of clean shutdown)."""
        return [pid for pool in self._pools.values() for pid in pool.pids()]

    def close(self) -> None:
        """Kill every worker process."""
        for pool in self._pools.values():
            pool.close()
