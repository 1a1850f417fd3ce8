"""Writing rendered objects to the site bucket: only bytes that changed, with the right headers.

Announces the public paths a cache may hold an outdated copy of and that the cache policy
refreshes by invalidation: objects that were served before and changed or went. Everything else
that changed is either new (in no cache) or refreshed by its TTL (`publishing.cache_policy`).
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from pressroom.parallel import map_all
from pressroom.paths import public_path
from pressroom.publishing.cache_policy import CachePolicy

_HTML = "text/html; charset=utf-8"
_XML = "application/xml; charset=utf-8"
_BY_EXTENSION = {
    ".html": _HTML,
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",  # RFC 9239 (Python's table differs by version)
    ".xml": _XML,
    ".xsl": _XML,
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# Anything else (a theme's images, fonts) by Python's built-in table only: the system's
# mime.types files differ between machines, and the bucket must not.
_BUILT_IN_TYPES = mimetypes.MimeTypes()
# A feed named `feed.xml` or `index.json` is recognised by its content, not its name.
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = {
    b"feed": "application/atom+xml; charset=utf-8",
    b"rss": "application/rss+xml; charset=utf-8",
    b"RDF": "application/rdf+xml; charset=utf-8",
}
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https://jsonfeed\.org/version/')
_SNIFF_BYTES = 1024


def content_type_of(key: str, body: bytes) -> str:
    """The Content-Type (with charset for text) readers and feed readers expect: directory
    keys (`tags/x/`) are pages; XML and JSON feeds are told apart from sitemaps by content."""
    if key.endswith("/") or not key:
        return _HTML
    extension = posixpath.splitext(key)[1].lower()
    if extension == ".xml":
        root = _xml_root(body[:_SNIFF_BYTES])
        return _FEED_ROOTS.get(root, _XML)
    if extension == ".json" and _JSON_FEED.search(body[:_SNIFF_BYTES]):
        return "application/feed+json; charset=utf-8"
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    guessed, _ = _BUILT_IN_TYPES.guess_type(key)
    return guessed or "application/octet-stream"


def _xml_root(head: bytes) -> bytes:
    """The local name of the first element, skipping the declaration, comments, processing
    instructions (e.g. an `xml-stylesheet`) and a doctype."""
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.DOTALL)
    match = _XML_ROOT.search(head)
    return match.group(2) if match else b""


@dataclass(frozen=True)
class Output:
    key: str
    body: bytes
    # False when the page changed only for another article's sake (its related list): the
    # policy's TTL refreshes it, no invalidation is paid for.
    invalidate: bool = True

    @cached_property  # compared with the stored hash, then stored
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def content_type(self) -> str:
        return content_type_of(self.key, self.body)


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # the public paths announced for invalidation

    @property
    def paths(self) -> list[str]:
        return sorted({public_path(key) for key in [*self.written, *self.deleted]})

    def merge(self, other: Changes) -> None:
        self.written += other.written
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        self.stale += other.stale


class PageHashes(Protocol):
    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]: ...
    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None: ...


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None: ...
    def delete(self, key: str) -> None: ...


class SiteWriter:
    def __init__(
        self, bucket: ObjectStore, hashes: PageHashes, policy: CachePolicy | None = None
    ) -> None:
        self._bucket = bucket
        self._hashes = hashes
        self._policy = policy or CachePolicy()

    def apply(
        self,
        outputs: Iterable[Output],
        deletions: Iterable[str] = (),
        announce: Callable[[list[str]], None] = lambda paths: None,
    ) -> Changes:
        """Write the outputs whose bytes differ from what is live and delete what is listed.

        `announce` gets the public paths to invalidate after the S3 calls and before the new
        hashes are recorded: if announcing fails, the retry sees the old hashes and writes (and
        announces) again, so no change can go uninvalidated. A page is known to have been
        served only if its hash was recorded (written, then recorded): one without is new."""
        wanted = {output.key: output for output in outputs}
        doomed = sorted(set(deletions) - wanted.keys())
        known = self._hashes.page_hashes([*wanted, *doomed])
        puts = [o for _, o in sorted(wanted.items()) if known.get(o.key) != o.sha256]
        # Deleted even without a recorded hash (a crash may have left the object behind);
        # only objects known to have been served need invalidating.
        # A bulk import's listing batch writes hundreds of pages: side by side.
        map_all(self._put, puts)
        map_all(self._bucket.delete, doomed)
        written = {output.key: output.sha256 for output in puts}
        deleted = [key for key in doomed if key in known]
        replaced = [o.key for o in puts if o.key in known and o.invalidate]
        stale = sorted(
            public_path(key)
            for key in [*replaced, *deleted]
            if self._policy.rule_for(key).invalidated
        )
        changes = Changes(list(written), deleted, len(wanted) - len(puts), stale)
        if stale:
            announce(stale)
        if written or doomed:
            self._hashes.record_pages(written, doomed)
        return changes

    def _put(self, output: Output) -> None:
        cache_control = self._policy.rule_for(output.key).cache_control
        self._bucket.put(output.key, output.body, output.content_type, cache_control)
