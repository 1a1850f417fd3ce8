"""Writing rendered objects to the site bucket: only bytes that changed, with the right headers.

Returns the public paths whose bytes changed (written or removed), which is exactly what must
be invalidated on the CDN.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from pressroom.paths import public_path

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# HTML, feeds and sitemaps change in place, so browsers revalidate after a minute and the CDN
# keeps them until invalidated; content-hashed assets never change under their name.
SHORT_LIVED = "public, max-age=60, s-maxage=31536000"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Output:
    key: str
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES.get(posixpath.splitext(self.key)[1], "application/octet-stream")

    @property
    def cache_control(self) -> str:
        return IMMUTABLE if self.key.startswith("assets/") else SHORT_LIVED


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def paths(self) -> list[str]:
        return sorted({public_path(key) for key in [*self.written, *self.deleted]})

    def merge(self, other: Changes) -> None:
        self.written += other.written
        self.deleted += other.deleted
        self.unchanged += other.unchanged


class PageHashes(Protocol):
    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]: ...
    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None: ...


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None: ...
    def delete(self, key: str) -> None: ...


class SiteWriter:
    def __init__(self, bucket: ObjectStore, hashes: PageHashes) -> None:
        self._bucket = bucket
        self._hashes = hashes

    def apply(
        self,
        outputs: Iterable[Output],
        deletions: Iterable[str] = (),
        announce: Callable[[list[str]], None] = lambda paths: None,
    ) -> Changes:
        """Write the outputs whose bytes differ from what is live and delete what is listed.

        `announce` gets the changed public paths after the S3 calls and before the new hashes
        are recorded: if announcing fails, the retry sees the old hashes and writes (and
        announces) again, so no change can go uninvalidated."""
        wanted = {output.key: output for output in outputs}
        doomed = sorted(set(deletions) - wanted.keys())
        known = self._hashes.page_hashes([*wanted, *doomed])
        changes = Changes()
        written: dict[str, str] = {}
        for key, output in sorted(wanted.items()):
            if known.get(key) == output.sha256:
                changes.unchanged += 1
                continue
            self._bucket.put(key, output.body, output.content_type, output.cache_control)
            written[key] = output.sha256
            changes.written.append(key)
        for key in doomed:
            # Deleted even without a recorded hash (a crash may have left the object behind);
            # only objects known to have been served need invalidating.
            self._bucket.delete(key)
            if key in known:
                changes.deleted.append(key)
        if changes.paths:
            announce(changes.paths)
        if written or doomed:
            self._hashes.record_pages(written, doomed)
        return changes
