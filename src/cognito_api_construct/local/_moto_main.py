"""Run moto's server on a loopback address in a process of its own (started by ``services``).

Kept out of the emulator's process on purpose: moto's state is global to a process,
so in-process tests that use ``mock_aws`` would reset the emulator's user pools. It
prints the bound port as one JSON line, then serves until its standard input closes,
so it cannot outlive the emulator that started it even if that one is killed.
Run as a script (not ``-m``) so the package's CDK imports never load here.
"""

from __future__ import annotations

import json
import logging
import signal
import sys

from moto.moto_server.threaded_moto_server import ThreadedMotoServer


def main() -> None:
    """Serve moto on ``argv[1]`` (a loopback address) and a free port until stdin closes."""
    # Ctrl-C reaches the whole process group; the emulator ends this one by closing stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One log line per request would drown the emulator's own output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=sys.argv[1], port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
