"""The content store in memory: the DynamoDB adapter's items (same keys, same attributes), kept in
a dict per partition with its sort keys in order, and the table's stream as a log of
DynamoDB-shaped records (NEW_AND_OLD_IMAGES).

Items are the very shapes `adapters.content_store` writes (its item builders and readers are
reused), so the stream's images are what the listing function gets on AWS and a store's contents
can be compared item for item. Every method holds one lock: a commit's conditions and writes,
like a DynamoDB transaction's, see no other call in between.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from pressroom.adapters.content_store import _dump
from pressroom.errors import ConcurrentUpdate, ItemTooLarge
from pressroom.publishing.catalog import ArticleRecord, Entry, Head, IndexState, ListingId, Plan
from pressroom.sources import Claim, SourceState
from pressroom.table_layout import (
    ENTRY_PREFIX,
    FEED_PREFIX,
    RENDER_REQUEST_PREFIX,
    TRANSLATION_LINK,
    article_item,
    entry_from_item,
    entry_item,
    entry_key,
    feed_content_item,
    feed_html,
    head_from_item,
    head_key,
    index_state_from_item,
    introduction_item,
    record_from_item,
    redirect_item,
    source_from_item,
)

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit
_MAX_CACHED_ENTRIES = 200_000  # entries kept parsed (`MemoryContentStore._entry`)
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
STREAM_ARN = "arn:aws:dynamodb:local:000000000000:table/content/stream/in-process"

Item = dict[str, Any]
Key = tuple[str, str]


@dataclasses.dataclass(frozen=True)
class StreamChange:
    """One change of one item, in the order the table applied them."""

    sequence: int
    keys: Key
    old: Item | None
    new: Item | None

    def record(self) -> dict[str, Any]:
        """The change as a DynamoDB stream record (what Lambda hands the listing function)."""
        pk, sk = self.keys
        change: dict[str, Any] = {
            "ApproximateCreationDateTime": int(time.time()),
            "Keys": _dump({"pk": pk, "sk": sk}),
            "SequenceNumber": f"{self.sequence:021d}",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if self.new is not None:
            change["NewImage"] = _dump(self.new)
        if self.old is not None:
            change["OldImage"] = _dump(self.old)
        name = "REMOVE" if self.new is None else "INSERT" if self.old is None else "MODIFY"
        return {
            "eventID": f"{self.sequence:032x}",
            "eventName": name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "local",
            "dynamodb": change,
            "eventSourceARN": STREAM_ARN,
        }


class MemoryTable:
    """Items by partition, sort keys kept in order, and the stream of their changes."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._parts: dict[str, dict[str, Item]] = {}
        self._order: dict[str, list[str]] = {}  # each partition's sort keys, ascending
        self._stream: list[StreamChange] = []
        self._trimmed = 0  # changes dropped from the front of the log (already consumed)
        self._sequence = 0

    def get(self, pk: str, sk: str) -> Item | None:
        part = self._parts.get(pk)
        return None if part is None else part.get(sk)

    def put(self, item: Item) -> None:
        pk, sk = item["pk"], item["sk"]
        part = self._parts.setdefault(pk, {})
        old = part.get(sk)
        if old is None:
            bisect.insort(self._order.setdefault(pk, []), sk)
        part[sk] = item
        if old != item:  # DynamoDB writes no stream record for a write that changes nothing
            self._log((pk, sk), old, item)

    def delete(self, pk: str, sk: str) -> Item | None:
        part = self._parts.get(pk)
        old = None if part is None else part.pop(sk, None)
        if old is not None:
            order = self._order[pk]
            del order[bisect.bisect_left(order, sk)]
            if not part:
                del self._parts[pk], self._order[pk]
            self._log((pk, sk), old, None)
        return old

    def sort_keys(self, pk: str, prefix: str = "") -> list[str]:
        """The partition's sort keys in ascending order, those starting with `prefix`."""
        order = self._order.get(pk, [])
        if not prefix:
            return list(order)
        start = bisect.bisect_left(order, prefix)
        stop = start
        while stop < len(order) and order[stop].startswith(prefix):
            stop += 1
        return order[start:stop]

    def newest(self, pk: str, limit: int) -> list[Item]:
        """The partition's last `limit` items by sort key, last first."""
        part, order = self._parts.get(pk, {}), self._order.get(pk, [])
        return [part[sk] for sk in reversed(order[-limit:])] if limit > 0 else []

    def items_of(self, pk: str, prefix: str = "") -> list[Item]:
        part = self._parts.get(pk, {})
        return [part[sk] for sk in self.sort_keys(pk, prefix)]

    def partitions(self, prefix: str) -> list[str]:
        return sorted(pk for pk in self._parts if pk.startswith(prefix))

    # -- the stream ----------------------------------------------------------------------------

    def _log(self, keys: Key, old: Item | None, new: Item | None) -> None:
        self._sequence += 1
        self._stream.append(StreamChange(self._sequence, keys, old, new))

    def changes_after(self, sequence: int, limit: int) -> list[StreamChange]:
        """Up to `limit` changes with a sequence number above `sequence`, oldest first."""
        with self.lock:
            start = max(0, sequence - self._trimmed)
            return self._stream[start : start + limit]

    def trim(self, sequence: int) -> None:
        """Forget the changes up to `sequence` (its reader is past them)."""
        with self.lock:
            drop = max(0, sequence - self._trimmed)
            del self._stream[:drop]
            self._trimmed += drop

    @property
    def last_sequence(self) -> int:
        return self._sequence


class MemoryContentStore:
    """`pressroom.ports.ContentStorePort` in memory (see `adapters.content_store.ContentStore`
    for what each method means; the docstrings there hold here)."""

    def __init__(self, table: MemoryTable | None = None) -> None:
        self.table = table or MemoryTable()
        # Each entry item read, with the entry made from it: a listing's entries are read by
        # every page and feed that shows them, and an item is replaced, never changed, so the
        # entry stands while the very item does.
        self._entries: dict[int, tuple[Item, Entry]] = {}

    # -- sources -------------------------------------------------------------------------------

    def get_sources(self, keys: Iterable[str]) -> dict[str, SourceState]:
        with self.table.lock:
            found = {}
            for key in sorted(set(keys)):
                item = self.table.get(f"SRC#{key}", "SRC")
                found[key] = SourceState(key=key) if item is None else source_from_item(key, item)
            return found

    def sources(self) -> Iterator[SourceState]:
        with self.table.lock:
            states = [
                source_from_item(pk.removeprefix("SRC#"), item)
                for pk in self.table.partitions("SRC#")
                for item in self.table.items_of(pk)
            ]
        yield from states

    def mark_synced(self, state: SourceState) -> bool:
        with self.table.lock:
            item = self.table.get(f"SRC#{state.key}", "SRC")
            if item is None or item.get("rev") != state.rev:
                return False
            self.table.put({**item, "synced_rev": state.rev})
            return True

    # -- articles and listings -----------------------------------------------------------------

    def get_article(self, slug: str) -> ArticleRecord | None:
        if not slug:
            return None
        with self.table.lock:
            item = self.table.get(f"ART#{slug}", "ART")
        return None if item is None else record_from_item(item)

    def slug_owner(self, slug: str) -> str | None:
        with self.table.lock:
            item = self.table.get(f"ART#{slug}", "ART")
        return None if item is None else str(item["source_key"])

    def get_head(self, listing: ListingId) -> Head:
        key = head_key(listing)
        with self.table.lock:
            item = self.table.get(key["pk"], key["sk"])
        return Head(listing) if item is None else head_from_item(item)

    def heads_of_kind(self, kind: str) -> list[Head]:
        with self.table.lock:
            items = self.table.items_of(f"DIR#{kind}")
        return [head_from_item(item) for item in items]

    def save_head(self, head: Head, read_version: int) -> bool:
        item: Item = {**head_key(head.listing), "display": head.display}
        item |= {"days": dict(head.days), "owed": sorted(head.owed)}
        if head.lastmod:
            item["lastmod"] = head.lastmod
        return self._put_if_version(item, read_version)

    def settle_head(self, head: Head) -> None:
        key = head_key(head.listing)
        with self.table.lock:
            item = self.table.get(key["pk"], key["sk"])
            if item is not None and item.get("version") == head.version:
                self.table.put({**item, "owed": []})

    def render_version(self, name: str) -> int:
        return self.index_state(name).version

    def index_state(self, name: str) -> IndexState:
        with self.table.lock:
            item = self.table.get(f"VER#{name}", "VER")
        return IndexState() if item is None else index_state_from_item(item)

    def claim_render(self, name: str, read_version: int, rendered: int = 0) -> bool:
        item = {"pk": f"VER#{name}", "sk": "VER", "rendered": rendered}
        return self._put_if_version(item, read_version)

    def schedule_render(self, name: str, at: int) -> bool:
        with self.table.lock:
            item = self.table.get(f"VER#{name}", "VER")
            if item is None or "version" not in item:
                return False
            if int(item.get("scheduled", 0)) >= at:
                return False
            self.table.put({**item, "scheduled": at})
            return True

    def request_render(self, listing: ListingId, part: str) -> None:
        pk = f"{RENDER_REQUEST_PREFIX}{listing}"
        with self.table.lock:
            item = self.table.get(pk, part) or {"pk": pk, "sk": part}
            self.table.put({**item, "version": int(item.get("version", 0)) + 1})

    def newest_entries(self, listing: ListingId, limit: int) -> list[Entry]:
        pk = f"{ENTRY_PREFIX}{listing}"
        with self.table.lock:
            items = self.table.newest(pk, limit)
        return [self._entry(listing, item) for item in items]

    def period_entries(self, listing: ListingId, period: str) -> list[Entry]:
        with self.table.lock:
            items = self.table.items_of(f"{ENTRY_PREFIX}{listing}", period)
        return [self._entry(listing, item) for item in items]

    def _entry(self, listing: ListingId, item: Item) -> Entry:
        # Keyed by the item's identity, which the cache keeps alive (and so unique).
        known = self._entries.get(id(item))
        if known is not None and known[0] is item and known[1].listing == listing:
            return known[1]
        if len(self._entries) >= _MAX_CACHED_ENTRIES:
            self._entries.clear()  # items replaced or deleted since are let go
        entry = entry_from_item(listing, item)
        self._entries[id(item)] = (item, entry)
        return entry

    def count_day(self, listing: ListingId, day: str) -> int:
        with self.table.lock:
            return len(self.table.sort_keys(f"{ENTRY_PREFIX}{listing}", day))

    # -- the one write path --------------------------------------------------------------------

    def commit(
        self,
        source: SourceState,
        new_source: SourceState,
        plan: Plan | None,
        correlation_id: str = "",
    ) -> None:
        with self.table.lock:
            old_item = self.table.get(f"SRC#{new_source.key}", "SRC")
            if source.exists:
                if old_item is None or old_item.get("rev") != source.rev:
                    raise ConcurrentUpdate(f"{new_source.key}: the source changed (transaction)")
            elif old_item is not None:
                raise ConcurrentUpdate(f"{new_source.key}: the source appeared (transaction)")
            puts = [_source_item(new_source, old_item)]
            deletes: list[Key] = []
            if plan is not None:
                old, new = plan.old_record, plan.record
                if new is not None and new != old:
                    owner = self.table.get(f"ART#{new.slug}", "ART")
                    if owner is not None and owner.get("source_key") != new.source_key:
                        raise ConcurrentUpdate(f"{new.slug}: another source holds the slug")
                    puts.append(article_item(new))
                if old is not None and (new is None or new.slug != old.slug):
                    owner = self.table.get(f"ART#{old.slug}", "ART")
                    if owner is None or owner.get("source_key") != old.source_key:
                        raise ConcurrentUpdate(f"{old.slug}: the article changed hands")
                    deletes.append((f"ART#{old.slug}", "ART"))
                for entry in plan.delete_entries:
                    key = entry_key(entry)
                    deletes.append((key["pk"], key["sk"]))
                for entry in plan.put_entries:
                    item = entry_item(entry)
                    puts.append(
                        item | ({"correlation_id": correlation_id} if correlation_id else {})
                    )
            sizes = [_checked_size(item) for item in puts]
            if sum(sizes) > MAX_TRANSACTION_BYTES:
                raise ItemTooLarge("the transaction exceeds 4 MB")
            # A transaction's writes are applied in the order given, as DynamoDB's stream
            # records them (each item once).
            for pk, sk in deletes:
                self.table.delete(pk, sk)
            for item in puts:
                self.table.put(item)

    # -- redirects -----------------------------------------------------------------------------

    def claim_redirect(self, key: str, source_key: str, slug: str) -> Claim:
        return self._claim(redirect_item(key, source_key, slug), source_key)

    def redirect_claimant(self, key: str) -> str | None:
        with self.table.lock:
            item = self.table.get(f"RDR#{key}", "RDR")
        return None if item is None else str(item["source_key"])

    def release_redirect(self, key: str, source_key: str) -> None:
        with self.table.lock:
            held = self.table.get(f"RDR#{key}", "RDR")
            if held is not None and held.get("source_key") == source_key:
                self.table.delete(f"RDR#{key}", "RDR")

    # -- listing introductions -----------------------------------------------------------------

    def put_introduction(
        self, listing: ListingId, source_key: str, title: str, body: str
    ) -> tuple[Claim, bool]:
        item = introduction_item(listing, source_key, title, body)
        claim = self._claim(item, source_key)
        return claim, claim.won and claim.previous != item

    def _claim(self, item: Item, source_key: str) -> Claim:
        """The DynamoDB adapter's conditional put: unless a lower source key holds the item."""
        with self.table.lock:
            old = self.table.get(item["pk"], item["sk"])
            if old is not None and str(old.get("source_key")) < source_key:
                return Claim(won=False)
            _checked_size(item)
            self.table.put(item)
        previous = dict(old or {})
        displaced = str(previous.get("source_key", source_key))
        return Claim(True, previous, "" if displaced == source_key else displaced)

    def remove_introduction(self, listing: ListingId, source_key: str) -> bool:
        with self.table.lock:
            old = self.table.get(f"INT#{listing}", "INT")
            if old is None or old.get("source_key") != source_key:
                return False
            self.table.delete(f"INT#{listing}", "INT")
            return True

    def introduction(self, listing: ListingId) -> str:
        with self.table.lock:
            item = self.table.get(f"INT#{listing}", "INT")
        return "" if item is None else str(item["body"])

    # -- article bodies for full feeds ------------------------------------------------------------

    def put_feed_content(self, slug: str, key: str, html: str) -> None:
        item = feed_content_item(slug, key, html)
        with self.table.lock:
            _checked_size(item)
            self.table.put(item)

    def feed_contents(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        found = {}
        with self.table.lock:
            for slug, key in sorted(set(keys)):
                item = self.table.get(f"{FEED_PREFIX}{slug}", key)
                if item is not None:
                    found[(slug, key)] = feed_html(item)
        return found

    def forget_feed_contents(self, slug: str, keep: str = "") -> None:
        pk = f"{FEED_PREFIX}{slug}"
        with self.table.lock:
            for key in self.table.sort_keys(pk):
                if key != keep:
                    self.table.delete(pk, key)

    # -- related-article links -----------------------------------------------------------------

    def add_referrers(self, links: Iterable[tuple[str, str, str]]) -> None:
        unique = {(target, slug): source_key for target, slug, source_key in links}
        with self.table.lock:
            for (target, slug), source in sorted(unique.items()):
                self.table.put({"pk": f"REL#{target}", "sk": slug, "source_key": source})

    def add_translation_links(self, links: Iterable[tuple[str, str, str]]) -> None:
        self.add_referrers(
            (target, f"{TRANSLATION_LINK}{slug}", source) for target, slug, source in links
        )

    def translation_referrers(self, slug: str) -> set[str]:
        return {
            referrer.removeprefix(TRANSLATION_LINK)
            for referrer in self.referrers(slug)
            if referrer.startswith(TRANSLATION_LINK)
        }

    def referrers(self, slug: str) -> dict[str, str]:
        with self.table.lock:
            items = self.table.items_of(f"REL#{slug}")
        return {str(item["sk"]): str(item["source_key"]) for item in items}

    def forget_referrers(self, slug: str, referrers: Iterable[str]) -> None:
        with self.table.lock:
            for referrer in sorted(set(referrers)):
                self.table.delete(f"REL#{slug}", referrer)

    # -- page hashes ---------------------------------------------------------------------------

    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]:
        found = {}
        with self.table.lock:
            for key in sorted(set(keys)):
                item = self.table.get(f"PAGE#{key}", "PAGE")
                if item is not None:
                    found[key] = item["sha256"]
        return found

    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None:
        with self.table.lock:
            for key, sha in sorted(written.items()):
                self.table.put({"pk": f"PAGE#{key}", "sk": "PAGE", "sha256": sha})
            for key in sorted(set(deleted)):
                self.table.delete(f"PAGE#{key}", "PAGE")

    # -- plumbing ------------------------------------------------------------------------------

    def _put_if_version(self, item: Item, read_version: int) -> bool:
        with self.table.lock:
            old = self.table.get(item["pk"], item["sk"])
            if old is not None and old.get("version") != read_version:
                return False
            stored = {**item, "version": read_version + 1}
            _checked_size(stored)
            self.table.put(stored)
            return True


def _source_item(state: SourceState, old: Item | None) -> Item:
    """The source-state item the DynamoDB adapter's update leaves: every field of the state under
    its own name (tuples as lists), the key as `source_key`; the old item's other attributes
    (`synced_rev`) untouched, as an update's SET leaves them."""
    item: Item = {**(old or {}), "pk": f"SRC#{state.key}", "sk": "SRC", "source_key": state.key}
    for field in dataclasses.fields(state):
        if field.name in ("key", "synced_rev"):
            continue
        value = getattr(state, field.name)
        item[field.name] = list(value) if isinstance(value, tuple) else value
    return item


def item_size(value: Any) -> int:
    """DynamoDB's size of an item (names plus values, in UTF-8 bytes; a number about one byte
    per two digits plus one; lists and maps three bytes plus their elements)."""
    if isinstance(value, dict):
        return sum(len(str(name).encode()) + _value_size(v) for name, v in value.items())
    return _value_size(value)


def _value_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return len(str(abs(value)).rstrip("0") or "0") // 2 + 2
    if isinstance(value, dict):
        return 3 + sum(1 + len(str(k).encode()) + _value_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return 3 + sum(1 + _value_size(v) for v in value)
    return len(str(value).encode())


def _checked_size(item: Item) -> int:
    rough = len(str(item))  # at least the item's characters; a UTF-8 character is <= 4 bytes
    if rough * 4 < MAX_ITEM_BYTES:
        return rough * 4  # surely under the limit: an upper bound is all the caller sums
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ItemTooLarge(f"{item['pk']}: item size has exceeded the maximum allowed size")
    return size
