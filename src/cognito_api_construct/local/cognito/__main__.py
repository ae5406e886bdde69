"""The embedded services' process: ``python -m cognito_api_construct.local.cognito HOST``.

Started by the emulator (``local/services.py``), in a process of its own because moto's
state is global to a process. It serves moto and the Cognito front on ``HOST`` and a
free port, writes ``{"port": N}`` as its first line on standard output, then one
``{"outbox": message}`` line per email or SMS sent, and serves until its standard input
closes, so it cannot outlive the emulator that started it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys


def main() -> None:
    """Serve until stdin closes."""
    # Read by moto at import: no CORS answer for any origin on the developer's machine.
    os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from ..http import LocalServer
    from . import messages
    from .server import ServicesApp, protocol_error_body

    # Ctrl-C reaches the whole process group; the emulator ends this one by closing stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The protocol keeps the original stdout; anything else printed goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    messages.set_outbox(protocol)
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    app = ServicesApp(DomainDispatcherApplication(create_backend_app), host)
    server = LocalServer("services", app, host, 0, error_body=protocol_error_body)
    app.port = server.bound_port
    server.start()
    protocol.write(json.dumps({"port": server.bound_port}) + "\n")
    protocol.flush()
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
