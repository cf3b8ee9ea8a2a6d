"""One API process of several sharing a port, as replicas behind a load balancer share the load.

`python -m bench._serve FACTORY PORT` runs uvicorn (the same settings as `UVICORN_FLAGS`) on its own listening
socket with SO_REUSEPORT, so the kernel spreads new connections over the processes bound to the port. With
uvicorn's `--workers`, the processes share one socket instead and whichever wakes first accepts: a client
that opens all its keep-alive connections at once (wrk) gets them all served by one process.
"""

from __future__ import annotations

import socket
import sys

import uvicorn


def main() -> None:
    factory, port = sys.argv[1], int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(factory, factory=True, access_log=False, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
