"""Listings: re-render the pages of the listings whose heads changed.

Driven by the table's stream of head changes, which arrives in order per head, so the renders of
one listing never race. Each render reads the listing's current entries (consistent reads), so
the pages are a function of the table, whatever order or repetition the stream delivers in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pressroom.adapters.content_store import listing_of_head_key
from pressroom.paths import FEED_FILES, feed_path, listing_path, page_key
from pressroom.pipeline import Pipeline
from pressroom.publishing.catalog import HOME, Card, Head, ListingId
from pressroom.publishing.site_writer import Changes, Output
from pressroom.render import ListingPage

FEED_SIZE = 20  # items per feed: the newest entries of the listing


@dataclass
class HeadChanges:
    """The head changes of one stream batch, folded per listing."""

    touched: dict[ListingId, set[int]] = field(default_factory=dict)
    correlation_ids: set[str] = field(default_factory=set)  # the uploads behind the changes
    # The tags index lists every tag: it is rendered only when a tag appears, goes, is renamed
    # or is re-rendered on purpose, so an ordinary publish does not cost O(number of tags).
    tag_set_changed: bool = False

    @property
    def correlation_id(self) -> str:
        """The batch's uploads as one id for logs and invalidation messages ("a,b")."""
        return ",".join(sorted(self.correlation_ids))

    def add(self, listing: ListingId, pages: Iterable[int]) -> None:
        self.touched.setdefault(listing, set()).update(pages)

    @property
    def kinds(self) -> set[str]:
        return {listing.kind for listing in self.touched}


def head_changes(records: Iterable[DynamoDBRecord]) -> HeadChanges:
    """Fold a stream batch into the listings to re-render and the archive pages each touched."""
    batch = HeadChanges()
    for record in records:
        change = record.dynamodb
        keys = change.keys if change else None
        if change is None or not keys or not str(keys.get("pk", "")).startswith("DIR#"):
            continue  # not a head (the event filter already drops these on AWS)
        listing = listing_of_head_key(str(keys["pk"]), str(keys["sk"]))
        image = change.new_image or change.old_image or {}
        batch.add(listing, (int(page) for page in image.get("touched", ())))
        if listing.kind == "tag":
            batch.tag_set_changed |= _changes_tags_index(change.old_image, change.new_image)
        if change.new_image and change.new_image.get("correlation_id"):
            batch.correlation_ids.add(str(change.new_image["correlation_id"]))
    return batch


def _changes_tags_index(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """Whether a tag head's change shows on the tags index: the tag appeared or went, its
    display name changed, or a rebuild touched it."""
    before, after = old or {}, new or {}
    return (
        (int(before.get("count", 0)) > 0) != (int(after.get("count", 0)) > 0)
        or before.get("display") != after.get("display")
        or before.get("rebuilds") != after.get("rebuilds")
    )


def render_listings(batch: HeadChanges, p: Pipeline) -> Changes:
    """Render every listing named in the batch, plus the indexes their changes affect."""
    heads = p.store.get_heads(batch.touched)
    outputs: list[Output] = []
    deletions: list[str] = []
    for listing, pages in sorted(batch.touched.items()):
        head = heads.get(listing, Head(listing))
        wanted, doomed = _listing_outputs(head, pages, p)
        outputs += wanted
        deletions += doomed
    if batch.tag_set_changed:
        outputs.append(_tags_index(p))
    if "month" in batch.kinds:
        outputs += _sitemap_index(p)
    return p.site.apply(
        outputs,
        deletions,
        announce=lambda paths: p.invalidations.send(paths, batch.correlation_id),
    )


def _listing_outputs(head: Head, pages: set[int], p: Pipeline) -> tuple[list[Output], list[str]]:
    listing, size = head.listing, p.settings.page_size
    if listing.kind == "month":
        return _sitemap_shard(head, p)
    page_count = max(1, -(-head.next_seq // size))
    keys = [page_key(listing_path(listing.kind, listing.name, n)) for n in range(1, page_count + 1)]
    root_key = page_key(listing_path(listing.kind, listing.name))
    feed_keys = {fmt: page_key(feed_path(listing.kind, listing.name, fmt)) for fmt in FEED_FILES}
    if head.count <= 0 and listing.kind != HOME:
        # The last article left: the listing and its feeds disappear entirely.
        return [], [root_key, *keys, *feed_keys.values()]

    title = p.settings.site_title if listing.kind == HOME else head.display or listing.name

    def page(number: int | None, cards: list[Card]) -> ListingPage:
        return ListingPage(
            listing=listing,
            title=title,
            path=listing_path(listing.kind, listing.name, number),
            cards=cards,
            page=number,
            page_count=page_count,
            count=head.count,
        )

    newest = [entry.card for entry in p.store.newest_entries(listing, max(size, FEED_SIZE))]
    outputs = [Output(root_key, p.renderer.listing_page(page(None, newest[:size])).encode())]
    feeds = p.renderer.feeds(listing, title, newest[:FEED_SIZE])
    outputs += [Output(feed_keys[fmt], body) for fmt, body in feeds.items()]
    if page_count > 1:
        for number in sorted(n for n in pages if 1 <= n <= page_count):
            cards = [entry.card for entry in p.store.page_entries(listing, number, size)]
            html = p.renderer.listing_page(page(number, cards))
            outputs.append(Output(keys[number - 1], html.encode()))
    return outputs, []


def _tags_index(p: Pipeline) -> Output:
    tags = sorted(
        (
            (head.display or head.listing.name, listing_path("tag", head.listing.name))
            for head in p.store.heads_of_kind("tag")
            if head.count > 0
        ),
        key=lambda tag: tag[0].casefold(),
    )
    return Output(page_key("/tags/"), p.renderer.tags_index(tags).encode())


def sitemap_shard_key(month: str) -> str:
    return f"sitemaps/{month}.xml"


def _sitemap_shard(head: Head, p: Pipeline) -> tuple[list[Output], list[str]]:
    """One small sitemap per month of publication: a publish rewrites only its month's shard."""
    key = sitemap_shard_key(head.listing.name)
    if head.count <= 0:
        return [], [key]
    cards = [entry.card for entry in p.store.all_entries(head.listing)]
    return [Output(key, p.renderer.sitemap_shard(cards).encode())], []


def _sitemap_index(p: Pipeline) -> list[Output]:
    months = sorted(
        (head.listing.name for head in p.store.heads_of_kind("month") if head.count > 0),
    )
    shards = [(sitemap_shard_key(month), month) for month in months]
    return [
        Output("sitemap.xml", p.renderer.sitemap_index(shards).encode()),
        Output("robots.txt", p.renderer.robots_txt().encode()),
    ]
