"""A local stand-in for the CloudFront distribution: serves the site bucket over HTTP, caches
what it served, and forgets only what CloudFront invalidations name.

It behaves like the template's distribution so that a missing or wrong invalidation shows up
locally as a stale page, as it would on AWS:
- the viewer-request function only redirects `/x` to `/x/`; nothing is rewritten, so the cache
  key is the requested path, and the origin key is `paths.page_key` of it (`/tags/x/` →
  `tags/x/`, `/` → the default root object `index.html`);
- hits are served from the cache until an invalidation matching the path is seen (the objects'
  `s-maxage` is a year, so TTLs never expire in a local session);
- a missing object answers 404 with `/404.html`, and that error is cached for the template's
  `ErrorCachingMinTTL`.
"""

from __future__ import annotations

import http.server
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from pressroom.paths import page_key

logger = logging.getLogger(__name__)

ERROR_PAGE = "/404.html"


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    expires: float  # time.monotonic() deadline; inf for objects kept until invalidated


def viewer_request(uri: str) -> tuple[str | None, str]:
    """The template's `DirectoryIndexFunction`: (the redirect location for a directory-like
    path without its trailing slash, or None; the URI CloudFront continues with — and caches
    under: `/` becomes the home page object `/index.html`, everything else is unchanged)."""
    last_segment = uri.rsplit("/", 1)[-1]
    if last_segment and "." not in last_segment:
        return uri + "/", uri
    return None, "/index.html" if uri == "/" else uri


def invalidation_matches(pattern: str, uri: str) -> bool:
    """CloudFront invalidation paths are exact, or end in a single `*` matching any suffix."""
    if pattern.endswith("*"):
        return uri.startswith(pattern[:-1])
    return uri == pattern


class EdgeCache:
    """The distribution's cache, keyed by the requested path."""

    def __init__(self) -> None:
        self._entries: dict[str, CachedResponse] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= time.monotonic():
                del self._entries[key]
                return None
            return entry

    def put(self, key: str, response: CachedResponse) -> None:
        with self._lock:
            self._entries[key] = response

    def invalidate(self, patterns: Iterable[str]) -> list[str]:
        """Evict every entry an invalidation path matches; returns the evicted keys."""
        patterns = list(patterns)
        with self._lock:
            doomed = [
                key
                for key in self._entries
                if any(invalidation_matches(pattern, key) for pattern in patterns)
            ]
            for key in doomed:
                del self._entries[key]
        return doomed

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._entries)


class InvalidationWatcher:
    """Applies the invalidations created on the (moto) distribution to the local cache."""

    def __init__(self, cloudfront: Any, distribution_id: str, cache: EdgeCache) -> None:
        self._cloudfront = cloudfront
        self._distribution_id = distribution_id
        self._cache = cache
        self._seen: set[str] = set()

    def poll(self) -> int:
        """Apply the invalidations not seen yet; returns how many there were."""
        listing = self._cloudfront.list_invalidations(DistributionId=self._distribution_id)
        fresh = [
            item["Id"]
            for item in listing.get("InvalidationList", {}).get("Items", [])
            if item["Id"] not in self._seen
        ]
        for invalidation_id in fresh:
            detail = self._cloudfront.get_invalidation(
                DistributionId=self._distribution_id, Id=invalidation_id
            )
            paths = detail["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", [])
            evicted = self._cache.invalidate(paths)
            logger.info("invalidation %s evicted %s", invalidation_id, evicted)
            self._seen.add(invalidation_id)
        return len(fresh)


class Origin:
    """The site bucket, read the way CloudFront's S3 origin reads it."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        key = page_key(unquote(path))
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return 404, b"", {}
        headers = {"Content-Type": response.get("ContentType", "application/octet-stream")}
        for name, field in (("Cache-Control", "CacheControl"), ("ETag", "ETag")):
            if response.get(field):
                headers[name] = response[field]
        with response["Body"] as body:
            return 200, body.read(), headers


class LocalDistribution:
    def __init__(self, origin: Origin, cache: EdgeCache, error_ttl: float = 60.0) -> None:
        self.origin = origin
        self.cache = cache
        self.error_ttl = error_ttl

    def respond(self, raw_path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        """Status, body and headers for a GET of `raw_path` (query strings are not cache keys
        under the CachingOptimized policy, so they are dropped)."""
        redirect, key = viewer_request(urlsplit(raw_path).path or "/")
        if redirect is not None:
            return 301, b"", [("Location", redirect), ("Content-Length", "0")]
        cached = self.cache.get(key)
        if cached is not None:
            return cached.status, cached.body, [*cached.headers, ("X-Cache", "Hit from local-cdn")]
        response = self._from_origin(key)
        self.cache.put(key, response)
        return (
            response.status,
            response.body,
            [*response.headers, ("X-Cache", "Miss from local-cdn")],
        )

    def _from_origin(self, key: str) -> CachedResponse:
        status, body, headers = self.origin.fetch(key)
        if status == 200:
            return CachedResponse(200, body, tuple(headers.items()), float("inf"))
        # CustomErrorResponses: 404 (and 403) → the 404 page, cached for ErrorCachingMinTTL.
        page_status, page, page_headers = self.origin.fetch(ERROR_PAGE)
        if page_status != 200:
            page, page_headers = b"Not Found", {"Content-Type": "text/plain; charset=utf-8"}
        return CachedResponse(
            404, page, tuple(page_headers.items()), time.monotonic() + self.error_ttl
        )


def _handler_for(distribution: LocalDistribution) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            try:
                status, body, headers = distribution.respond(self.path)
            except Exception:
                logger.exception("local CDN failed on %s", self.path)
                status, body, headers = 502, b"Bad Gateway", [("Content-Type", "text/plain")]
            self.send_response(status)
            for name, value in headers:
                if name != "Content-Length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("local CDN: " + format, *args)

    return Handler


class CdnServer:
    """The HTTP front of a `LocalDistribution`, on its own thread."""

    def __init__(self, distribution: LocalDistribution, host: str, port: int) -> None:
        self._server = http.server.ThreadingHTTPServer((host, port), _handler_for(distribution))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

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


def error_caching_ttl(distribution_config: dict[str, Any], code: int = 404) -> float:
    """`ErrorCachingMinTTL` of the template's custom error response for `code` (default 10 s,
    as on CloudFront when none is set)."""
    for response in distribution_config.get("CustomErrorResponses", []):
        if int(response.get("ErrorCode", 0)) == code:
            return float(response.get("ErrorCachingMinTTL", 10))
    return 10.0
