"""A STAND-IN for an OpenAI-compatible chat-completions service, for local demos only.

It is not a model: it answers ``POST /v1/chat/completions`` on 127.0.0.1 with a canned
reply that quotes the prompt, so ``make demo`` and ``make serve`` run with no network and
no API key. Give a real ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` to use a real service
instead. It checks only that a bearer key was sent, and never logs the prompt or the key.

Run alone: ``python examples/openai_standin.py [--port 8788]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "local-stand-in"


class _Handler(BaseHTTPRequestHandler):
    server_version = "openai-stand-in"

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._answer(404, {"error": {"message": "unknown path", "type": "not_found"}})
            return
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            self._answer(401, {"error": {"message": "missing bearer key", "type": "auth"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length))
            prompt = str(request["messages"][-1]["content"])
        except (ValueError, KeyError, IndexError, TypeError):
            self._answer(400, {"error": {"message": "bad request", "type": "invalid"}})
            return
        reply = f"(stand-in, not a model) You said: {prompt[:200]}"
        self._answer(
            200,
            {
                "id": "chatcmpl-stand-in",
                "object": "chat.completion",
                "model": MODEL,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": "stop",
                    }
                ],
            },
        )

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: requests carry prompts and keys."""


class StandIn:
    """The stand-in served from a background thread: ``with StandIn() as s: s.base_url``."""

    def __init__(self, port: int = 0) -> None:
        """Bind 127.0.0.1 on ``port`` (0: any free port)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The URL to give as ``OPENAI_BASE_URL``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> StandIn:
        """Start serving."""
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8788)
    port = parser.parse_args().port
    with StandIn(port) as stand_in:
        print(f"OpenAI-compatible STAND-IN at {stand_in.base_url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
