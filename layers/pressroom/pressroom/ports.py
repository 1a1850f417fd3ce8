"""The interfaces the core needs from the outside world: a content table, the ingest and site
buckets, the two queues, the CDN, a clock and a scheduler of wake-ups; and the `Pipeline` that
hands them to a domain function.

The domain functions (`publishing.*`) are written against these; `pressroom.adapters` implements
them on AWS (DynamoDB, S3, SQS, CloudFront) and `pressroom.local.memory` in memory, for local
builds; `pressroom.pipeline.Pipeline` wires either to the functions. The core never imports an
adapter or the wiring: the dependencies point here. `tests/contract/` holds both
implementations to the same semantics. A method's docstring here is its contract: what a caller
may rely on, whichever implementation it is handed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pressroom.model import Article, Inspected, Rejection, Source
    from pressroom.publishing.catalog import (
        ArticleRecord,
        Entry,
        Head,
        IndexState,
        ListingId,
        Plan,
    )
    from pressroom.publishing.listing_pages import ListingRender
    from pressroom.publishing.site_writer import Output, SiteWriter
    from pressroom.render import Renderer
    from pressroom.settings import Settings
    from pressroom.sources import Claim, SourceState


class ContentStorePort(Protocol):
    """The source of truth for what is published (see `adapters.content_store` for the items).

    Reads are consistent (they see every write that returned). Conditional writes that lose
    raise `ConcurrentUpdate` (or return False where documented); a write whose item would exceed
    400 KB raises `ItemTooLarge`. Changes to listing entries and render requests reach the
    listing function in order per listing, as DynamoDB stream records."""

    # sources
    def get_sources(self, keys: Iterable[str]) -> dict[str, SourceState]:
        """Every key asked for, absent ones as `SourceState(key)` (rev 0)."""
        ...

    def sources(self) -> Iterator[SourceState]: ...

    def mark_synced(self, state: SourceState) -> bool:
        """Set synced_rev = state.rev if the stored rev is still state.rev; else False."""
        ...

    # articles and listings
    def get_article(self, slug: str) -> ArticleRecord | None: ...

    def slug_owner(self, slug: str) -> str | None: ...

    def get_head(self, listing: ListingId) -> Head:
        """The stored head, or an empty `Head(listing)` (version 0)."""
        ...

    def heads_of_kind(self, kind: str) -> list[Head]:
        """Every head of a kind, by listing name."""
        ...

    def save_head(self, head: Head, read_version: int) -> bool:
        """Store `head` as version read_version + 1 unless another was saved since; else False."""
        ...

    def settle_head(self, head: Head) -> None:
        """Clear the head's owed indexes if it is still at `head.version`; else nothing."""
        ...

    def render_version(self, name: str) -> int: ...

    def index_state(self, name: str) -> IndexState:
        """The page's render version, last render time and scheduled refresh (`IndexState`;
        all 0 for a page never rendered)."""
        ...

    def claim_render(self, name: str, read_version: int, rendered: int = 0) -> bool:
        """Record a render made at `rendered` as version read_version + 1 unless another was
        recorded since (else False); it clears the scheduled refresh."""
        ...

    def schedule_render(self, name: str, at: int) -> bool:
        """Set the scheduled refresh to `at` if the page was rendered and no refresh as late
        is recorded since its last render; else False."""
        ...

    def request_render(self, listing: ListingId, part: str) -> None:
        """Bump the render request (listing, part): one stream record per call."""
        ...

    def newest_entries(self, listing: ListingId, limit: int) -> list[Entry]:
        """At most `limit` entries, newest (highest sort key) first."""
        ...

    def period_entries(self, listing: ListingId, period: str) -> list[Entry]:
        """The entries whose sort key starts with `period` ("" for all), oldest first."""
        ...

    def count_day(self, listing: ListingId, day: str) -> int: ...

    # the one write path
    def commit(
        self,
        source: SourceState,
        new_source: SourceState,
        plan: Plan | None,
        correlation_id: str = "",
    ) -> None:
        """All or nothing: the source state (if still at `source.rev`, or absent when `source`
        does not exist), the article (if its slug is free or already this source's) and the
        plan's entries; `ConcurrentUpdate` and nothing written otherwise."""
        ...

    # redirects
    def claim_redirect(self, key: str, source_key: str, slug: str) -> Claim:
        """The lowest source key asking holds it (`Claim`); the holder may claim again."""
        ...

    def redirect_claimant(self, key: str) -> str | None: ...

    def release_redirect(self, key: str, source_key: str) -> None:
        """Let go of the key only if `source_key` holds it."""
        ...

    # listing introductions
    def put_introduction(
        self, listing: ListingId, source_key: str, title: str, body: str
    ) -> tuple[Claim, bool]:
        """As `claim_redirect`; and whether the stored introduction changed."""
        ...

    def remove_introduction(self, listing: ListingId, source_key: str) -> bool: ...

    def introduction(self, listing: ListingId) -> str: ...

    # article bodies for full feeds
    def put_feed_content(self, slug: str, key: str, html: str) -> None:
        """Keep a copy of an article body under (slug, key); `ItemTooLarge` if it cannot be."""
        ...

    def feed_contents(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The bodies kept under these (slug, key) pairs; missing ones left out."""
        ...

    def forget_feed_contents(self, slug: str, keep: str = "") -> None:
        """Delete the bodies kept for the slug, but the one under `keep`."""
        ...

    # related-article links
    def add_referrers(self, links: Iterable[tuple[str, str, str]]) -> None: ...

    def referrers(self, slug: str) -> dict[str, str]: ...

    def forget_referrers(self, slug: str, referrers: Iterable[str]) -> None: ...

    def add_translation_links(self, links: Iterable[tuple[str, str, str]]) -> None:
        """Referrers (target, slug, source key) told apart as translation links."""
        ...

    def translation_referrers(self, slug: str) -> set[str]:
        """The slugs of the articles whose page names `slug` as a translation."""
        ...

    # page hashes
    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]: ...

    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None: ...


class IngestBucketPort(Protocol):
    """Where editors' files arrive (versioned: a delete leaves a marker) and reports go."""

    name: str  # the bucket's name (what `SiteBucketPort.copy_from` copies from)

    def read(self, key: str, max_bytes: int) -> Source | None:
        """The current object (at most max_bytes + 1 bytes of it), or None if absent/deleted."""
        ...

    def deleted_since(self, key: str, since: datetime) -> bool:
        """Whether a delete marker of exactly `key` is dated at or after `since`."""
        ...

    def inspect(self, key: str, head_bytes: int, max_bytes: int) -> Inspected | None:
        """The current object streamed, not kept: its SHA-256 (one larger than `max_bytes` is
        not read past its first `head_bytes`: `etag:<ETag>`), first bytes, size, version."""
        ...

    def report_key(self, source_key: str) -> str: ...

    def put_report(self, source_key: str, text: str) -> None: ...

    def delete_report(self, source_key: str) -> None: ...

    def keys(self, prefix: str) -> Iterator[str]:
        """The current objects' keys under `prefix`, in key (UTF-8 byte) order."""
        ...


class SiteBucketPort(Protocol):
    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None: ...

    def delete(self, key: str) -> None:
        """Idempotent: deleting a missing key is no error."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def etags(self, prefix: str) -> Iterator[tuple[str, str]]:
        """(key, tag) of the current objects under `prefix`, in key order: the tag is opaque
        and changes whenever the object's bytes do (S3's ETag, read from the listing alone)."""
        ...

    def copy_from(
        self, source: Inspected, bucket: str, key: str, content_type: str, cache_control: str
    ) -> None:
        """Copy the inspected version of an upload (from the ingest bucket `bucket`) to `key`."""
        ...


class InvalidationQueuePort(Protocol):
    def send(self, paths: list[str], correlation_id: str = "") -> None:
        """Queue the paths (sorted, unique, chunked); nothing for no paths or no queue."""
        ...


class WorkQueuePort(Protocol):
    def send_all(self, bodies: Iterable[str], delay_seconds: int = 0) -> int:
        """Queue every body, to be delivered no sooner than `delay_seconds` from now (at most
        900; the in-memory queue delivers at once); how many were sent (0 when there is no
        queue)."""
        ...


class DistributionPort(Protocol):
    def invalidate(self, paths: list[str], caller_reference: str) -> str:
        """Create an invalidation and return its id; the same caller reference with the same
        paths returns the earlier one's id."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SchedulerPort(Protocol):
    """One-time wake-ups of source keys (EventBridge Scheduler on AWS): at its time, a key's
    wake-up message (`publishing.schedule.wake_up_message`) reaches the ingest queue, which
    converges the key again by the clock. At most one wake-up per key."""

    def arm(self, key: str, at: datetime) -> None:
        """Wake `key` up at `at`, never earlier, at most the scheduler's precision later;
        replaces the key's earlier wake-up, if any."""
        ...

    def disarm(self, key: str) -> None:
        """Cancel the key's wake-up; nothing if it has none."""
        ...


class WorkAhead(Protocol):
    """Pure work another process may already have done: the local engine's workers, on the
    machine's other cores, parse the uploads and render the listings ahead of the functions
    that need them. Each answer is for inputs equal to the caller's; None when there is none,
    and the caller does the work itself (on AWS there never is: each function is its own
    process)."""

    def parsed(self, source: Source) -> Article | Rejection | None:
        """What `publishing.ingest.parse_source` makes of this very source."""
        ...

    def rendered(self, job: ListingRender) -> list[Output] | None:
        """What `publishing.listing_pages.render_pages` makes of an equal job."""
        ...


class Pipeline(Protocol):
    """What a domain function is handed: the settings, the adapters above, the site writer and
    the renderer. `pressroom.pipeline.Pipeline` is the one the functions use (on AWS it makes
    each adapter on first use; the in-process backend gives it memory ones)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> ContentStorePort: ...

    @property
    def sources(self) -> IngestBucketPort: ...

    @property
    def site_bucket(self) -> SiteBucketPort: ...

    @property
    def site(self) -> SiteWriter: ...

    @property
    def renderer(self) -> Renderer: ...

    @property
    def invalidations(self) -> InvalidationQueuePort: ...

    @property
    def rebuilds(self) -> WorkQueuePort: ...

    @property
    def distribution(self) -> DistributionPort: ...

    @property
    def scheduler(self) -> SchedulerPort: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def ahead(self) -> WorkAhead: ...
