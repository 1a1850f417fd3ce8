"""An HTTP server answering on a background thread: the local stack's moto endpoint and CDN."""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class PortUnavailable(OSError):
    """The port a local server was asked to listen on is taken (or not ours to take)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"{host}:{port} is {reason}")
        self.host = host
        self.port = port
        self.reason = reason


def bind(host: str, port: int, make: Callable[[], T]) -> T:
    """`make()` (a server listening on host:port); `PortUnavailable` when it cannot listen."""
    try:
        return make()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortUnavailable(host, port, "already in use") from error
        if error.errno == errno.EACCES:
            raise PortUnavailable(host, port, "a privileged port") from error
        if error.errno == errno.EADDRNOTAVAIL:
            raise PortUnavailable(host, port, "not an address of this machine") from error
        raise


class BackgroundServer:
    """Serves `server` (a `socketserver`-style server: `serve_forever`, `shutdown`,
    `server_close`, `server_address`) on a daemon thread between `start` and `stop`."""

    def __init__(self, server: Any, name: str) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():  # `shutdown` waits for `serve_forever`: never if not started
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
