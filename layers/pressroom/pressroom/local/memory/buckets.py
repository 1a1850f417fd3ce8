"""The ingest bucket (versioned, with delete markers and S3-shaped notifications) and the site
bucket, in memory."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote_plus

from pressroom.model import Inspected, Source

Notification = Callable[[str], None]  # is handed the body of an S3 event notification


@dataclass(frozen=True)
class _Version:
    body: bytes | None  # None: a delete marker
    modified: datetime


class MemoryIngestBucket:
    """`pressroom.ports.IngestBucketPort` in memory, plus the editor's side (`put_object`,
    `delete_object`). Versioned like the template's bucket: a delete leaves a marker (dated to
    the millisecond), an object is dated to the second, as S3 dates them. A change to a key under
    `notify_prefix` sends an S3 event notification (a JSON body, keys URL-encoded, with a
    per-key increasing `sequencer`) to `notify`."""

    def __init__(
        self,
        name: str,
        reports_prefix: str = "reports/",
        notify: Notification | None = None,
        notify_prefix: str = "articles/",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.name = name
        self._reports_prefix = reports_prefix
        self._notify = notify
        self._notify_prefix = notify_prefix
        self._clock = clock
        self._lock = threading.Lock()
        self._versions: dict[str, list[_Version]] = {}
        self._sequencer = 0

    # -- the editor's side ---------------------------------------------------------------------

    def put_object(self, key: str, body: bytes) -> None:
        modified = self._clock().replace(microsecond=0)
        self._change(key, _Version(bytes(body), modified), "ObjectCreated:Put")

    def delete_object(self, key: str) -> None:
        """Leave a delete marker (nothing happens to a key that never existed but the marker)."""
        now = self._clock()
        modified = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self._change(key, _Version(None, modified), "ObjectRemoved:DeleteMarkerCreated")

    def _change(self, key: str, version: _Version, event: str) -> None:
        with self._lock:
            self._versions.setdefault(key, []).append(version)
            self._sequencer += 1
            sequencer = f"{self._sequencer:016X}"
        if self._notify is not None and key.startswith(self._notify_prefix):
            self._notify(self._notification(key, version, event, sequencer))

    def _notification(self, key: str, version: _Version, event: str, sequencer: str) -> str:
        obj: dict[str, object] = {"key": quote_plus(key, safe="/"), "sequencer": sequencer}
        if version.body is not None:
            etag = hashlib.md5(version.body, usedforsecurity=False).hexdigest()  # S3's ETag
            obj |= {"size": len(version.body), "eTag": etag}
        record = {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "local",
            "eventTime": version.modified.isoformat().replace("+00:00", "Z"),
            "eventName": event,
            "s3": {
                "s3SchemaVersion": "1.0",
                "bucket": {"name": self.name, "arn": f"arn:aws:s3:::{self.name}"},
                "object": obj,
            },
        }
        return json.dumps({"Records": [record]})

    def _current(self, key: str) -> _Version | None:
        versions = self._versions.get(key)
        if not versions or versions[-1].body is None:
            return None
        return versions[-1]

    # -- the port ------------------------------------------------------------------------------

    def read(self, key: str, max_bytes: int) -> Source | None:
        with self._lock:
            current = self._current(key)
        if current is None or current.body is None:
            return None
        return Source(key=key, body=current.body[: max_bytes + 1], uploaded=current.modified)

    def deleted_since(self, key: str, since: datetime) -> bool:
        with self._lock:
            versions = list(self._versions.get(key, ()))
        return any(v.body is None and v.modified >= since for v in versions)

    def inspect(self, key: str, head_bytes: int, max_bytes: int) -> Inspected | None:
        with self._lock:
            versions = self._versions.get(key, [])
            current = self._current(key)
            index = len(versions) - 1
        if current is None or current.body is None:
            return None
        body = current.body
        digest = (
            hashlib.sha256(body).hexdigest()
            if len(body) <= max_bytes
            else "etag:" + hashlib.md5(body, usedforsecurity=False).hexdigest()
        )
        return Inspected(key, digest, body[:head_bytes], len(body), str(index), current.modified)

    def version(self, key: str, version_id: str | None) -> bytes | None:
        """The bytes of one version of `key` (the current one for None)."""
        with self._lock:
            versions = self._versions.get(key, [])
            if version_id is None:
                current = self._current(key)
                return None if current is None else current.body
            index = int(version_id)
            return versions[index].body if 0 <= index < len(versions) else None

    def report_key(self, source_key: str) -> str:
        return f"{self._reports_prefix}{source_key}.txt"

    def put_report(self, source_key: str, text: str) -> None:
        self.put_object(self.report_key(source_key), text.encode("utf-8"))

    def delete_report(self, source_key: str) -> None:
        self.delete_object(self.report_key(source_key))

    def keys(self, prefix: str) -> Iterator[str]:
        with self._lock:
            found = [key for key in self._versions if key.startswith(prefix) and self._current(key)]
        yield from sorted(found)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            current = self._current(key)
        return None if current is None else current.body


@dataclass(frozen=True)
class SiteObject:
    body: bytes
    content_type: str
    cache_control: str


class MemorySiteBucket:
    """`pressroom.ports.SiteBucketPort` in memory (current objects only, as the site is read)."""

    def __init__(self, name: str = "site", uploads: MemoryIngestBucket | None = None) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._objects: dict[str, SiteObject] = {}
        self._uploads = uploads  # what `copy_from` copies from
        # Told of each write (key, body) and delete (key, None), in the order they were made:
        # `pressroom build` exports the site as it is written (`local.export.StreamedExport`).
        self.on_change: Callable[[str, bytes | None], None] | None = None

    def copy_from(
        self, source: Inspected, bucket: str, key: str, content_type: str, cache_control: str
    ) -> None:
        if self._uploads is None or self._uploads.name != bucket:
            raise ValueError(f"no bucket {bucket!r} to copy from")
        body = self._uploads.version(source.key, source.version_id)
        if body is None:
            raise ValueError(f"{source.key} has no version {source.version_id}")
        self.put(key, body, content_type, cache_control)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        with self._lock:
            stored = self._objects[key] = SiteObject(bytes(body), content_type, cache_control)
            if self.on_change is not None:
                self.on_change(key, stored.body)

    def delete(self, key: str) -> None:
        with self._lock:
            if self._objects.pop(key, None) is not None and self.on_change is not None:
                self.on_change(key, None)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._objects.get(key)
        return None if found is None else found.body

    def head(self, key: str) -> SiteObject | None:
        with self._lock:
            return self._objects.get(key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        with self._lock:
            found = [key for key in self._objects if key.startswith(prefix)]
        yield from sorted(found)

    def etags(self, prefix: str) -> Iterator[tuple[str, str]]:
        with self._lock:
            found = [(k, o.body) for k, o in self._objects.items() if k.startswith(prefix)]
        # S3's ETag of a single-part upload: the MD5 of the bytes (a tag, not a security hash).
        yield from sorted(
            (k, hashlib.md5(body, usedforsecurity=False).hexdigest()) for k, body in found
        )

    def objects(self) -> list[tuple[str, bytes]]:
        """Every (key, body), in key order (a snapshot)."""
        with self._lock:
            return sorted((key, found.body) for key, found in self._objects.items())
