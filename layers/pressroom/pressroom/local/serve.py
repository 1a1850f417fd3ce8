"""`pressroom serve`: a built site folder answered the way the CDN answers for the site bucket,
by the local CDN's own request handling (`local.cdn.LocalDistribution`) over the folder instead
of the bucket, with nothing cached (a rebuilt folder shows at once):

- the template's viewer function: `/` is the home page object, `/tags/x` redirects (301) to
  `/tags/x/`; nothing else is rewritten;
- a path is the object key it names (`/tags/x/` → the key `tags/x/`, exported as
  `tags/x/index.html`); a path that names no object is the template's custom error response
  (the site's `/404.html` with status 404), never a directory listing: `/authors/` with no
  page of its own is a 404, as is `/tags/x/index.html` (no such key in the bucket);
- each object's Content-Type is the one the site writer stores it with
  (`publishing.site_writer.content_type_of`)."""

from __future__ import annotations

import http.server
from pathlib import Path
from urllib.parse import unquote

from pressroom.local.background import BackgroundServer
from pressroom.local.build import BUILD_MARKER, BuiltFor
from pressroom.local.cdn import CachedResponse, CdnServer, EdgeCache, LocalDistribution, handler_for
from pressroom.paths import INDEX, export_name, page_key
from pressroom.publishing.site_writer import content_type_of


class FolderOrigin:
    """An exported site folder read as CloudFront's S3 origin reads the site bucket."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()

    def key_file(self, key: str) -> Path | None:
        """The file holding the object `key`, or None if the bucket would have no such key."""
        if key == BUILD_MARKER or key.endswith("/" + INDEX):
            return None  # `x/index.html` is the export of the key `x/`, not a key itself
        file = (self.folder / export_name(key)).resolve()
        if not file.is_relative_to(self.folder) or not file.is_file():
            return None
        return file

    def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        key = page_key(unquote(path))
        file = self.key_file(key)
        if file is None:
            return 404, b"", {}
        body = file.read_bytes()
        return 200, body, {"Content-Type": content_type_of(key, body)}


class NoCache(EdgeCache):
    """A cache that keeps nothing: every request goes to the folder."""

    def put(self, key: str, response: CachedResponse, since: int | None = None) -> bool:
        return False


def folder_distribution(folder: Path) -> LocalDistribution:
    """The template's distribution (viewer function, error responses) in front of `folder`."""
    return LocalDistribution(FolderOrigin(folder), NoCache())


def site_handler(folder: Path) -> type[http.server.BaseHTTPRequestHandler]:
    """The request handler `pressroom serve` answers `folder` with."""
    return handler_for(folder_distribution(folder))


def folder_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> BackgroundServer:
    """`folder` served on host:port (port 0: any free port); `PortUnavailable` if taken."""
    return CdnServer(folder_distribution(folder), host, port)


def mismatches(folder: Path, site_url: str, site_title: str | None = None) -> list[str]:
    """What is off when `folder` is served as `site_url` (and `site_title`, if given): the
    pages carry the URL and title they were built with, which serving cannot change."""
    built = BuiltFor.of(folder)
    if built is None:
        return []
    found = []
    site_url = site_url.rstrip("/")
    if built.site_url != site_url:
        found.append(
            f"{folder} was built for {built.site_url} (its canonical links, feeds and sitemap "
            f"point there): `pressroom build --site-url {site_url}` to change it"
        )
    if site_title is not None and built.site_title != site_title:
        found.append(
            f"{folder} was built with the title {built.site_title!r}: "
            f"`pressroom build --site-title {site_title!r}` to change it"
        )
    return found
