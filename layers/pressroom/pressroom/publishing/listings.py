"""Listings: re-render the pages of the listings whose articles changed.

Driven by the table's stream of listing-entry changes (an article joining, leaving or changing
in a listing) and of render requests (a rebuild). A stream batch is folded per listing into the
days whose articles changed; each listing is then rendered from a fresh, consistent read of its
entries, and what it was rendered from (its articles per day) is recorded in its head, on the
condition that no other render of it was recorded meanwhile. Records of one listing can reach two
shards, and so two invocations at once: the loser of that condition renders again from a newer
read, so the last write of every page reflects the newest entries.

Which pages a change touches is worked out by `publishing.archive` from the listing's counts
before and after: a handful of pages per listing, whatever the size of the site.

A batch is worked through against a time budget: before each listing the function checks the
time it has left, and hands back the records it did not get to as partial batch failures, which
the stream delivers again at once, instead of running into its timeout and redoing the batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pressroom.errors import ConcurrentUpdate
from pressroom.parallel import map_all
from pressroom.paths import FEED_FILES, feed_path, listing_path, page_key
from pressroom.ports import Pipeline
from pressroom.publishing.archive import FEED_SIZE, Layout, Spec, day_of, rerender
from pressroom.publishing.catalog import (
    CATEGORY,
    HOME,
    LANGUAGE,
    REFRESH,
    TERM_INDEXES,
    TRANSLATION,
    Card,
    Head,
    ListingId,
    display_of,
)
from pressroom.publishing.listing_pages import ListingRender, render_pages
from pressroom.publishing.rebuild_queue import index_message
from pressroom.publishing.site_writer import Changes, Output
from pressroom.table_layout import (
    ENTRY_PREFIX,
    RENDER_REQUEST_PREFIX,
    WHOLE_LISTING,
    card_from_item,
    listing_of_stream_key,
)

MAX_RENDERS = 5  # renders of one listing in one batch before a conflict fails the batch
# A batch stops taking on listings once it has used this share of the function's time (or has
# less left than twice its slowest listing so far): the rest goes back to the stream.
TIME_BUDGET_SHARE = 0.5
_RECORD_PREFIXES = (ENTRY_PREFIX, RENDER_REQUEST_PREFIX)
# listings an `_index.md` (or an author's profile) introduces
_INTRODUCED = frozenset({HOME, LANGUAGE, "tag", CATEGORY, "author"})
_INDEX_OF_KIND = {kind: name for name, kind in TERM_INDEXES.items()}
# The listings whose pages are in the sitemap (each in a shard of its own); months are the
# articles' shards.
SITEMAP_KINDS = (HOME, "tag", CATEGORY, "author", LANGUAGE)


@dataclass
class ListingChange:
    """What one stream batch changed in one listing."""

    days: set[str] = field(default_factory=set)  # days whose articles changed
    months: set[str] = field(default_factory=set)  # months a rebuild asked to re-render
    whole: bool = False  # a rebuild asked for the root page, feeds and indexes
    display: str = ""  # the listing's name as the newest change spells it
    first: int = 0  # the position of its first record in the batch


@dataclass
class ListingBatch:
    """A stream batch folded per listing."""

    listings: dict[ListingId, ListingChange] = field(default_factory=dict)
    sequence_numbers: list[str] = field(default_factory=list)  # of every record, in order
    correlation_ids: set[str] = field(default_factory=set)  # the uploads behind the changes

    @property
    def correlation_id(self) -> str:
        """The batch's uploads as one id for logs and invalidation messages ("a,b")."""
        return ",".join(sorted(self.correlation_ids))


def is_published(listing: ListingId) -> bool:
    """Whether a listing has pages. A translation group's entries are read by its articles'
    pages (their `hreflang` links); the group itself has no page, feed or sitemap entry, and
    no head: its records are dropped here, before anything is rendered or recorded."""
    return listing.kind != TRANSLATION


@dataclass(frozen=True)
class StreamRecord:
    """What `fold` reads of one stream record: its position, its keys and (on demand, as it
    costs a deserialisation) its new image."""

    sequence_number: str
    pk: str
    sk: str
    new_image: Callable[[], Mapping[str, Any]]


def fold(records: Iterable[DynamoDBRecord]) -> ListingBatch:
    """Fold a stream batch (as Lambda hands it) into the listings to re-render and what
    changed in each."""
    return fold_records(_stream_record(record) for record in records)


def _stream_record(record: DynamoDBRecord) -> StreamRecord:
    change = record.dynamodb
    keys = change.keys if change else None
    pk, sk = (str(keys.get("pk", "")), str(keys.get("sk", ""))) if keys else ("", "")
    return StreamRecord(
        (change.sequence_number if change else None) or "",
        pk,
        sk,
        lambda: (change.new_image if change else None) or {},
    )


def fold_records(records: Iterable[StreamRecord]) -> ListingBatch:
    """`fold`, for records already read (the in-process backend hands its own, with no round
    trip through DynamoDB's attribute format)."""
    batch = ListingBatch()
    for position, record in enumerate(records):
        batch.sequence_numbers.append(record.sequence_number)
        pk, sk = record.pk, record.sk
        if not pk.startswith(_RECORD_PREFIXES):
            continue  # not an entry or a request (the event filter already drops these on AWS)
        listing = listing_of_stream_key(pk)
        if not is_published(listing):
            continue
        found = batch.listings.setdefault(listing, ListingChange(first=position))
        if pk.startswith(RENDER_REQUEST_PREFIX):
            found.whole |= sk == WHOLE_LISTING
            found.months |= {sk} - {WHOLE_LISTING}
            continue
        found.days.add(day_of(sk))
        image = record.new_image()
        if image.get("card"):
            found.display = display_of(listing, card_from_item(image["card"])) or found.display
        if image.get("correlation_id"):
            batch.correlation_ids.add(str(image["correlation_id"]))
    return batch


@dataclass
class BatchOutcome:
    changes: Changes = field(default_factory=Changes)
    # The sequence number of the first record left for the stream to deliver again, if any.
    unfinished_from: str | None = None


def render_batch(
    batch: ListingBatch, p: Pipeline, remaining_ms: Callable[[], int] = lambda: 60_000
) -> BatchOutcome:
    """Render every listing of the batch, oldest record first, within the time budget; then
    the indexes their changes affect."""
    outcome = BatchOutcome()
    budget_ms = remaining_ms() * TIME_BUDGET_SHARE
    started, slowest = time.monotonic(), 0.0
    owing: list[Head] = []
    correlation_id = batch.correlation_id  # once: a build's batch has one per article
    for listing, change in sorted(batch.listings.items(), key=lambda item: item[1].first):
        spent = (time.monotonic() - started) * 1000
        if spent and (spent >= budget_ms or remaining_ms() < 2 * slowest):
            outcome.unfinished_from = batch.sequence_numbers[change.first]
            break
        began = time.monotonic()
        changes, head = render_listing(listing, change, correlation_id, p)
        outcome.changes.merge(changes)
        if head.owed:
            owing.append(head)
        slowest = max(slowest, (time.monotonic() - began) * 1000)
    owed = {name for head in owing for name in head.owed}
    now = {name for name in owed if not name.startswith(REFRESH)}
    for index in sorted(now):
        outcome.changes.merge(render_index(index, correlation_id, p))
    for index in sorted({name.removeprefix(REFRESH) for name in owed} - now):
        outcome.changes.merge(_refresh_index(index, correlation_id, p))
    for head in owing:
        p.store.settle_head(head)
    return outcome


def _refresh_index(name: str, correlation_id: str, p: Pipeline) -> Changes:
    """An index whose numbers alone changed (a tag's count, a shard's date): rendered now if
    it was not rendered in the last `index_refresh_seconds`, else once that time is up, by a
    delayed message to the rebuild queue (one per period, recorded by `schedule_render`). So
    a stream of publishes costs an O(number of tags) render at most once a period, not once a
    publish, and the last change is still shown within the period."""
    state = p.store.index_state(name)
    due = state.rendered + p.settings.index_refresh_seconds
    now = int(time.time())
    if now >= due:
        return render_index(name, correlation_id, p)
    if state.scheduled >= due:
        return Changes()  # a refresh for this period is on its way
    # The message first: a failure between the two sends it again, never loses it.
    if not p.rebuilds.send_all([index_message(name)], delay_seconds=due - now):
        return render_index(name, correlation_id, p)  # no queue to wait on: render now
    p.store.schedule_render(name, due)
    return Changes()


def render_listing(
    listing: ListingId, change: ListingChange, correlation_id: str, p: Pipeline
) -> tuple[Changes, Head]:
    """Render one listing from a fresh read, until its head records that render. Returns the
    changes and the saved head, which names the site-wide pages that must follow (`owed`)."""
    for _ in range(MAX_RENDERS):
        head = p.store.get_head(listing)
        days = dict(head.days)
        counted = map_all(lambda day: p.store.count_day(listing, day), sorted(change.days))
        days.update(zip(sorted(change.days), counted, strict=True))
        new = Head(
            listing,
            change.display or head.display,
            {day: n for day, n in days.items() if n > 0},
            head.version + 1,
        )
        if listing.kind == "month":
            outputs, deletions, lastmod = _sitemap_shard(new, p)
            new = replace(new, lastmod=lastmod)
        else:
            outputs, deletions = _listing_outputs(head, new, change, p)
        new = replace(new, owed=head.owed | _indexes_affected(head, new, change))
        changes = p.site.apply(
            outputs, deletions, announce=lambda paths: p.invalidations.send(paths, correlation_id)
        )
        if p.store.save_head(new, head.version):
            return changes, new
    raise ConcurrentUpdate(f"{listing}: rendered {MAX_RENDERS} times, changed every time")


def _indexes_affected(old: Head, new: Head, change: ListingChange) -> set[str]:
    """The tags (categories, authors) index lists every tag with its count, the sitemap index
    every shard with its date. They are rendered at once when a listing appears, goes or is
    renamed, or a rebuild asks; when only a count or a date changed, they are owed a refresh
    (`REFRESH`), which is debounced (`_refresh_index`): an ordinary publish does not cost
    O(number of tags)."""
    kind = old.listing.kind
    appeared_or_went = (old.count > 0) != (new.count > 0)
    owed: set[str] = set()
    index = _INDEX_OF_KIND.get(kind)
    if index is not None:
        if appeared_or_went or old.display != new.display or change.whole:
            owed.add(index)
        elif old.count != new.count:
            owed.add(REFRESH + index)
    if kind == "month" or kind in SITEMAP_KINDS:
        if appeared_or_went or change.whole:
            owed.add("sitemap")
        elif _shard_lastmod(old) != _shard_lastmod(new):
            owed.add(REFRESH + "sitemap")
    return owed


def _shard_lastmod(head: Head) -> str:
    """The date the sitemap index gives a listing's shard: a month's newest modification, a
    listing's newest article (its root page's date)."""
    return head.lastmod if head.listing.kind == "month" else head.newest_day


def _listing_outputs(
    old: Head, new: Head, change: ListingChange, p: Pipeline
) -> tuple[list[Output], list[str]]:
    listing, size = new.listing, p.settings.page_size
    base = listing_path(listing.kind, listing.name)
    before, after = Layout(old.days, size, base), Layout(new.days, size, base)
    shard = listing_sitemap_key(listing)
    if new.count <= 0 and listing.kind != HOME:
        # The last article left: the listing, its feeds and its sitemap disappear entirely.
        return [], sorted([shard, *(key for path in before.specs for key in _keys(path, listing))])
    plan = rerender(before, after, change.days)
    wanted = dict(plan.render)
    # A rebuild's request names whole months (or the root and indexes): only then is every
    # object of the listing looked at.
    for path, spec in after.specs.items() if change.months or change.whole else ():
        period = spec.page.period if spec.page else ""
        asked = change.whole and spec.kind != "page"
        asked |= any(period.startswith(m) or m.startswith(period) for m in change.months if period)
        if asked:
            wanted[path] = spec
    title = p.settings.site_title if listing.kind == HOME else new.display or listing.name
    outputs = _render(listing, title, after, wanted, p)
    # The listing's sitemap names its pages and its newest article's day: rewritten when a
    # page appears or goes, or that day changes (at most daily), not on every publish.
    if plan.added or plan.delete or change.whole or old.newest_day != new.newest_day:
        pages = [(path, new.newest_day if path == base else "") for path in after.specs]
        pages = [(path, day) for path, day in pages if not path.endswith("#feeds")]
        outputs.append(Output(shard, p.renderer.sitemap_pages(sorted(pages)).encode()))
    return outputs, sorted(key for path in plan.delete for key in _keys(path, listing))


def listing_sitemap_key(listing: ListingId) -> str:
    """`sitemaps/home.xml`, `sitemaps/tag/<slug>.xml`, ...: a listing's pages."""
    return (
        f"sitemaps/{listing.kind}.xml"
        if not listing.name
        else (f"sitemaps/{listing.kind}/{listing.name}.xml")
    )


def _keys(path: str, listing: ListingId) -> list[str]:
    """The site-bucket keys behind a path of `Layout.specs` (the feeds stand for three)."""
    if path.endswith("#feeds"):
        return [page_key(feed_path(listing.kind, listing.name, fmt)) for fmt in FEED_FILES]
    return [page_key(path)]


def _render(
    listing: ListingId, title: str, layout: Layout, wanted: dict[str, Spec], p: Pipeline
) -> list[Output]:
    """The objects of `wanted`, from a fresh read of the listing's entries (rendered here,
    unless the same render was made ahead: `ports.WorkAhead`)."""
    newest: list[Card] = []
    if any(spec.kind in ("root", "feeds") for spec in wanted.values()):
        count = max(layout.root_count, FEED_SIZE)
        newest = [entry.card for entry in p.store.newest_entries(listing, count)]
    introduction = ""
    if listing.kind in _INTRODUCED and any(spec.kind == "root" for spec in wanted.values()):
        introduction = p.store.introduction(listing)
    read = sorted({spec.page.period for spec in wanted.values() if spec.page is not None})
    entries = map_all(lambda period: p.store.period_entries(listing, period), read)
    periods = {period: [e.card for e in found] for period, found in zip(read, entries, strict=True)}
    bodies = _bodies(newest, p) if any(spec.kind == "feeds" for spec in wanted.values()) else {}
    job = ListingRender(
        listing, title, layout.root_count, wanted, newest, introduction, periods, bodies
    )
    outputs = p.ahead.rendered(job)
    return render_pages(job, p.renderer) if outputs is None else outputs


def _bodies(newest: list[Card], p: Pipeline) -> dict[str, str]:
    """With full feeds, the bodies of the feed's articles by slug (one batch read)."""
    if not p.settings.full_feeds:
        return {}
    wanted = [(card.slug, card.content) for card in newest[:FEED_SIZE] if card.content]
    return {slug: html for (slug, _), html in p.store.feed_contents(wanted).items()}


def sitemap_shard_key(month: str) -> str:
    return f"sitemaps/{month}.xml"


def _sitemap_shard(head: Head, p: Pipeline) -> tuple[list[Output], list[str], str]:
    """One small sitemap per month of publication: a publish rewrites only its month's shard.
    Also returns the shard's date (its newest modification), for the sitemap index."""
    key = sitemap_shard_key(head.listing.name)
    if head.count <= 0:
        return [], [key], ""
    cards = [entry.card for entry in p.store.period_entries(head.listing, "")]
    lastmod = max((card.updated for card in cards), default=None)
    stamp = lastmod.isoformat() if lastmod is not None else ""
    return [Output(key, p.renderer.sitemap_shard(cards).encode())], [], stamp


def render_index(name: str, correlation_id: str, p: Pipeline) -> Changes:
    """Render a page made from every listing of a kind, until no other render of it was
    recorded meanwhile (two shards may change tags at once)."""
    for _ in range(MAX_RENDERS):
        version = p.store.render_version(name)
        rendered = int(time.time())
        outputs, deletions = _sitemap_index(p) if name == "sitemap" else _term_index(name, p)
        changes = p.site.apply(
            outputs, deletions, announce=lambda paths: p.invalidations.send(paths, correlation_id)
        )
        if p.store.claim_render(name, version, rendered):
            return changes
    raise ConcurrentUpdate(f"the {name} index: rendered {MAX_RENDERS} times, changed every time")


def _term_index(name: str, p: Pipeline) -> tuple[list[Output], list[str]]:
    """`/tags/`, `/categories/` or `/authors/`: every listing of the kind with its count; no
    page once the kind has no listing (the site is what a fresh build of its files makes)."""
    kind = TERM_INDEXES[name]
    terms = sorted(
        (
            (head.display or head.listing.name, listing_path(kind, head.listing.name), head.count)
            for head in p.store.heads_of_kind(kind)
            if head.count > 0
        ),
        key=lambda term: (term[0].casefold(), term[1]),
    )
    key = page_key(f"/{name}/")
    if not terms:
        return [], [key]
    return [Output(key, p.renderer.term_index(kind, terms).encode())], []


def _sitemap_index(p: Pipeline) -> tuple[list[Output], list[str]]:
    """The sitemap index: a shard per month of articles, one per listing (its pages), and one
    of the index pages; each with its date."""
    months = sorted(
        (head.listing.name, head.lastmod)
        for head in p.store.heads_of_kind("month")
        if head.count > 0
    )
    shards = [(sitemap_shard_key(month), lastmod) for month, lastmod in months]
    indexes: list[tuple[str, str]] = []
    newest = ""
    for kind in SITEMAP_KINDS:
        heads = [head for head in p.store.heads_of_kind(kind) if head.count > 0]
        shards += [(listing_sitemap_key(head.listing), head.newest_day) for head in heads]
        newest = max([newest, *(head.newest_day for head in heads)])
        name = _INDEX_OF_KIND.get(kind)
        if name is not None and heads:
            indexes.append((f"/{name}/", ""))
    outputs = [Output("robots.txt", p.renderer.robots_txt().encode())]
    deletions = [] if indexes else [INDEXES_SITEMAP]
    if indexes:
        shards.append((INDEXES_SITEMAP, newest))
        outputs.append(Output(INDEXES_SITEMAP, p.renderer.sitemap_pages(indexes).encode()))
    outputs.append(Output("sitemap.xml", p.renderer.sitemap_index(shards).encode()))
    return outputs, deletions


INDEXES_SITEMAP = "sitemaps/indexes.xml"  # the tags, categories and authors indexes
