"""Serve a built site folder the way CloudFront serves the bucket: `/x/` → `x/index.html`,
missing paths → `/404.html` with status 404."""

from __future__ import annotations

import contextlib
import functools
import http.server
from pathlib import Path
from typing import Any


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the stdlib declares it as a plain attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".json": "application/feed+json; charset=utf-8",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    handler = functools.partial(_SiteHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"Serving {folder} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
