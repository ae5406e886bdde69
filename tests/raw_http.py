"""Raw HTTP over sockets, for tests of what a server does with many clients at once."""

from __future__ import annotations

import socket
import threading


def burst(port: int, request: bytes, clients: int, *, timeout: float = 60) -> list[bytes]:
    """``clients`` connections to ``port`` opened together (a barrier), each sending
    ``request``; each one's whole answer (read until the server closes), or the
    connection error it met, as text.
    """
    barrier = threading.Barrier(clients)
    answers = [b""] * clients

    def client(index: int) -> None:
        barrier.wait()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
                connection.sendall(request)
                answers[index] = b"".join(iter(lambda: connection.recv(65536), b""))
        except OSError as error:
            answers[index] = f"connection error: {error!r}".encode()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
