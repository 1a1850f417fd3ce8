"""An HTTP server answering on a background thread: the local stack's moto endpoint and CDN."""

from __future__ import annotations

import threading
from typing import Any


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
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
