"""The Lambda runtime loop of one worker process (started by ``workers``).

It imports the function's handler from the asset directory (the working directory)
by the template's ``Handler`` string, then answers invocations: one JSON line in on
stdin (``{"event", "request_id", "deadline_ms", ...}``), one JSON line out on the
original stdout (``{"result": ...}`` or ``{"error": {...}}``). What the handler prints
goes to stderr, so it can never corrupt the protocol. It exits when stdin closes.
Run as a script, not as a module of the package: the function must see only its own
asset directory and the installed libraries, as in Lambda.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import sys
import time
import traceback
from typing import Any, TextIO


class LambdaContext:
    """The context object a Python Lambda handler receives (the commonly used part)."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.aws_request_id: str = request["request_id"]
        self.function_name: str = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version: str = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn: str = request.get("function_arn", "")
        self.memory_limit_in_mb: int = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.log_group_name: str = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name: str = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity: Any = None
        self.client_context: Any = None
        self._deadline_ms: int = request["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's timeout."""
        return max(0, self._deadline_ms - int(time.time() * 1000))


class _RequestIdFilter(logging.Filter):
    """Stamps each record with the current invocation's request id, as Lambda does."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


def _install_log_handler() -> _RequestIdFilter:
    # Lambda's Python runtime puts a handler on the root logger before the function is
    # imported, so a function's logger.info(...) lines reach CloudWatch without any
    # logging setup of its own. Without one here, they would vanish (Python's last-resort
    # handler prints WARNING and up only).
    stamp = _RequestIdFilter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(stamp)
    logging.getLogger().addHandler(handler)
    return stamp


def _send(channel: TextIO, message: dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def _error(error: BaseException) -> dict[str, Any]:
    traceback.print_exc(file=sys.stderr)
    return {"error": {"errorType": type(error).__name__, "errorMessage": str(error)}}


def main() -> None:
    """Import the handler named in ``argv[1]`` and serve invocations until stdin closes."""
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    # Python put this script's directory first on the path; the function must see its
    # asset directory there instead, as LAMBDA_TASK_ROOT is in Lambda.
    sys.path[0] = os.getcwd()
    stamp = _install_log_handler()
    module_name, _, function_name = sys.argv[1].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # any import-time failure is the function's init error
        _send(protocol, _error(error))
        return
    _send(protocol, {"ready": True})
    # Ctrl-C reaches the whole process group; the emulator owns this worker's lifetime
    # and ends it by closing stdin, so an interrupt here would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        stamp.request_id = request.get("request_id", "")
        try:
            result = handler(request["event"], LambdaContext(request))
            reply = json.dumps({"result": result})
        except Exception as error:  # an unhandled exception is the invocation's error
            reply = json.dumps(_error(error))
        protocol.write(reply + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
