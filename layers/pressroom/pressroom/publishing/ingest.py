"""Ingest: bring the site in line with one source key of the ingest bucket.

An S3 event is treated as a hint that *something* happened to a key, never as the truth about
what: the worker reads the key's current object and converges the table and the article page to
it. That makes duplicates, reordering and late events harmless (a late PUT event after a delete
finds no object and changes nothing), and the S3 `sequencer`, when present, lets stale and
already-finished events be skipped without even reading the object.

Ordering and idempotency rules, per source key:
* with a sequencer (S3): compared after left-padding to 32 hex digits; one older than the newest
  the key's state has recorded is acknowledged as `stale`, an equal one whose revision is already
  on the site as `unchanged` — both without reading the object;
* without one (moto's local notifications, hand-made events): no ordering is needed and none is
  guessed — the worker reads the current object, and a duplicate finds the same digest and
  status in the state and writes nothing. Correctness never depends on the sequencer; it only
  saves work.
The source state (`SRC#<key>`: digest, sequencer, rev, synced_rev) is the idempotency record,
keyed on the bucket's key; a separate record per event would add a write to every delivery and
prevent nothing the digest check does not already prevent.

Concurrency: every commit is conditional on the source revision read at the start, so two
workers on one key cannot both win; the loser re-reads the table and plans again, re-reading the
object only if the other worker committed different content (which of the two is newer is then
unknown). Nothing else is shared between articles' commits: the listing entries an article writes
are its own, so workers publishing different articles never conflict. After projecting a
revision to the site, a worker records it as synced only if it is still the latest, otherwise it
projects again, so the last page write always reflects the newest revision.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from aws_lambda_powertools.utilities.data_classes import S3Event

from pressroom.errors import ConcurrentUpdate, ItemTooLarge, RejectedFile, TransientError
from pressroom.model import Article, Rejection, Source, slug_of
from pressroom.paths import article_path, is_article_page, page_key, source_key_from_event
from pressroom.ports import Pipeline
from pressroom.publishing import search
from pressroom.publishing.asset_refs import AssetRecord, is_asset_key, resolve_article
from pressroom.publishing.catalog import (
    TRANSLATION,
    ArticleRecord,
    Card,
    Entry,
    ListingId,
    Plan,
    card_of,
    content_key,
    plan_change,
)
from pressroom.publishing.rebuild_queue import rebuild_messages
from pressroom.publishing.schedule import (
    as_due,
    is_wake_up,
    parse_due,
    timing,
    woken_key,
)
from pressroom.publishing.site_writer import Changes, Output
from pressroom.readers import read_article
from pressroom.redirects import redirect_page
from pressroom.sources import Claim, SourceState
from pressroom.table_layout import WHOLE_LISTING

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# One article change is one DynamoDB transaction (at most 100 actions). The worst change moves an
# article out of all its listings and into as many new ones: one entry delete per listing left
# and one put per listing joined, plus source, article put and delete: with home (or its
# language's) + month + translation group + tags + categories + authors listings,
# 3 + 2 * (3 + tags + categories + authors) <= 100, so tags + categories + authors <= 45.
MAX_LISTED_TERMS = 45
MAX_LISTED_TAGS = 35
MAX_LISTED_AUTHORS = 10
MAX_LISTED_CATEGORIES = 5  # and no more than the tags and authors leave room for
RELATED_LIMIT = 5
MAX_MOVES = 10  # old slugs whose pages redirect to an article's current page
MAX_WARNINGS = 20  # warnings kept per file (an item is at most 400 KB)
MAX_WARNING_CHARS = 500
# Time an ingest invocation keeps for the asset it starts last and the batch's articles: several
# times the slowest image measured (bench/results/media-only.md), plus a full batch of articles.
ASSET_RESERVE_MS = 15_000
MAX_TRANSLATIONS = 50  # members of a translation group an article page reads: bounded work
MAX_STORIES = 10  # "You may also like" titles an article page looks up: bounded work
# A referrer's target: "~" + a story's key (a title's slug form), for a page naming that story,
# which an article with that title or that slug fills. Kept apart from the bare slugs of
# related links: an arriving article re-renders the pages naming it, not those that list it
# as related (only pages rendered after its commit can, and they show it already).
STORY_LINK = "~"
# The referrer items double as the index of titles: ("=" + a title's slug form, slug) for each
# article rendered with that title. Never removed (an article may take a title back, and a
# removal could race with that); a lookup checks each against the article's record.
TITLE_INDEX = "="
MAX_SAME_TITLE = 5  # articles sharing a title that a lookup checks
_RELATED_TAGS = 8  # bounded work: related articles come from at most this many tags


@dataclass(frozen=True)
class SyncResult:
    key: str
    # published | unlisted | draft | scheduled | expired | deleted | rejected | unchanged | stale
    # | deferred (an asset handed to the rebuild queue for lack of time)
    outcome: str
    changes: Changes = field(default_factory=Changes)
    rejection: Rejection | None = None


def correlation_id_of(event: S3Event, fallback: str) -> str:
    """The id an upload's logs carry through ingest, listing and invalidation: S3's request id
    of the upload (the `x-amz-request-id` the uploader got back, also in CloudTrail), else
    `fallback` (the queue message id; moto's events carry no request id)."""
    if "Records" in event.raw_event:
        for record in event.records:
            request_id = record.raw_event.get("responseElements", {}).get("x-amz-request-id")
            if request_id:
                return str(request_id)
    return fallback


@dataclass(frozen=True)
class SyncRequest:
    """One key to converge, as a notification (or an operator) named it."""

    key: str
    sequencer: str = ""  # S3's, padded (see `pad_sequencer`); "" when unknown
    force: bool = False  # re-render even if the table says the site is up to date
    correlation_id: str = ""
    # False when only another article's change is shown (its related list): the page's TTL
    # refreshes it on the CDN, no invalidation is paid for (`publishing.cache_policy`).
    invalidate: bool = True
    # Make the key's wake-up match its state even if the state does not change: a wake-up (it
    # may come early, or be stale), or a retry after another worker won (whose wake-up this
    # worker may have overwritten with its own).
    rearm: bool = False


def ingest_notifications(
    notifications: Sequence[tuple[S3Event, str]],
    p: Pipeline,
    remaining_ms: Callable[[], int] | None = None,
) -> list[list[SyncResult] | Exception]:
    """Handle one ingest batch: S3 notifications (each the body of one queue message) with
    their correlation ids. One entry per notification: its results, or why it failed (it is
    then delivered again; the others are done). `remaining_ms`: the invocation's time left
    (asset uploads that do not fit are handed to the rebuild queue, see `_with_assets`)."""
    requests: list[SyncRequest] = []
    owners: list[int] = []  # the notification each request came from
    results: list[list[SyncResult]] = [[] for _ in notifications]
    failures: dict[int, Exception] = {}
    for index, (event, correlation_id) in enumerate(notifications):
        try:
            named = list(_requests_of(event, p, correlation_id))
        except Exception as error:  # a malformed notification fails alone
            failures[index] = error
            continue
        for item in named:
            if isinstance(item, SyncResult):
                results[index].append(item)
            else:
                requests.append(item)
                owners.append(index)
    for index, result in zip(owners, sync_sources(requests, p, remaining_ms), strict=True):
        if isinstance(result, Exception):
            failures.setdefault(index, result)
        else:
            results[index].append(result)
    return [failures.get(index, found) for index, found in enumerate(results)]


def _requests_of(
    event: S3Event, p: Pipeline, correlation_id: str
) -> Iterator[SyncRequest | SyncResult]:
    """The keys one notification names; a key we will not publish under is rejected here."""
    if is_wake_up(event.raw_event):  # a scheduled wake-up (`publishing.schedule`)
        key = woken_key(event.raw_event, p.settings.articles_prefix)
        yield SyncRequest(key, correlation_id=correlation_id, rearm=True)
        return
    if "Records" not in event.raw_event:  # the s3:TestEvent sent when notifications are set up
        return
    for record in event.records:
        if record.s3.bucket.name != p.settings.ingest_bucket:
            logger.warning("ignoring a notification for bucket %s", record.s3.bucket.name)
            continue
        try:
            key = source_key_from_event(record.s3.get_object.key, p.settings.articles_prefix)
        except RejectedFile as rejected:
            yield _reject_key(rejected.rejection, p)
            continue
        sequencer = pad_sequencer(record.s3.get_object.get("sequencer"))
        yield SyncRequest(key, sequencer, correlation_id=correlation_id)


def _reject_key(rejection: Rejection, p: Pipeline) -> SyncResult:
    """A key we will not publish under: report it where reports of odd keys go."""
    digest = hashlib.sha256(rejection.key.encode()).hexdigest()[:16]
    p.sources.put_report(f"_invalid-keys/{digest}", rejection.report())
    logger.warning("rejected key %r: %s", rejection.key, rejection.reason)
    return SyncResult(rejection.key, "rejected", rejection=rejection)


def pad_sequencer(sequencer: str | None) -> str:
    """S3 sequencers are hex strings of varying length; compare them left-padded."""
    return (sequencer or "").upper().rjust(32, "0") if sequencer else ""


def sync_source(
    key: str,
    pipeline: Pipeline,
    sequencer: str | None = None,
    force: bool = False,
    correlation_id: str = "",
) -> SyncResult:
    """Converge everything derived from `key` to the key's current object. Idempotent.

    `correlation_id` travels on to the listing heads and invalidation messages it causes."""
    request = SyncRequest(key, pad_sequencer(sequencer), force, correlation_id)
    [result] = sync_sources([request], pipeline)
    if isinstance(result, Exception):
        raise result
    return result


@dataclass(frozen=True)
class _Committed:
    """A key whose new state the table holds; its page, report and referrers are to follow."""

    request: SyncRequest
    state: SourceState
    desired: Article | Rejection | None
    listed_elsewhere: set[str]  # slugs whose card other pages may show out of date
    may_have_report: bool
    new_content: bool = True  # False for a forced re-render of what the site already shows
    had_due: bool = False  # the state before this commit had a wake-up armed
    project: bool = True  # False: only the wake-up is to be set (the site is up to date)


def sync_sources(
    requests: Sequence[SyncRequest],
    p: Pipeline,
    remaining_ms: Callable[[], int] | None = None,
) -> list[SyncResult | Exception]:
    """Converge several keys (an ingest batch; a rebuild message), each as `sync_source` does:
    each key commits on its own, then the pages of all of them are written in one go, sharing
    one read and one write of the page hashes and one invalidation message, then each key is
    marked synced. A key that fails does not hold up the others; its entry is the error.
    Requests for one key (a duplicated event) are converged once."""
    if any(is_asset_key(request.key) for request in requests):
        return _with_assets(requests, p, remaining_ms)
    unique: dict[str, SyncRequest] = {}
    for request in requests:
        seen = unique.get(request.key, request)
        unique[request.key] = SyncRequest(
            request.key,
            max(seen.sequencer, request.sequencer),
            seen.force or request.force,
            seen.correlation_id or request.correlation_id,
            seen.invalidate or request.invalidate,
            seen.rearm or request.rearm,
        )
    results: dict[str, SyncResult | Exception] = {}
    reads: dict[str, _Read] = {}  # kept across attempts: a lost race does not read S3 again
    pending = list(unique.values())
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(min(2.0, 0.05 * 2 ** (attempt - 1)) * random.random())  # noqa: S311  # nosec B311 # jitter
        retry: list[SyncRequest] = []
        committed: list[_Committed] = []
        states = p.store.get_sources(request.key for request in pending)
        for request in pending:
            try:
                outcome = _commit(request, states[request.key], reads, p)
            except ConcurrentUpdate:
                retry.append(request)
                continue
            except Exception as error:  # this key fails alone
                results[request.key] = error
                continue
            if isinstance(outcome, SyncResult):
                results[request.key] = outcome
            else:
                committed.append(outcome)
        try:
            shares = _project(committed, p)
        except Exception as error:  # every key of this round is delivered again
            results.update(dict.fromkeys((done.request.key for done in committed), error))
            committed, shares = [], []
        for done, changes in zip(committed, shares, strict=True):
            try:
                _refresh_referrers(done.listed_elsewhere, done.request.key, p)
                if done.new_content:  # the pages that include this file
                    _rerender_referrers("@" + done.request.key, done.request.key, p)
                rearmed = _set_wake_up(done, p)
                # Conditional on the revision this worker read: when it fails, a newer one
                # landed (and may have armed its own wake-up before this one's): again.
                if not p.store.mark_synced(done.state):
                    retry.append(replace(done.request, rearm=done.request.rearm or rearmed))
                    continue
            except Exception as error:  # this key fails alone
                results[done.request.key] = error
                continue
            rejection = done.desired if isinstance(done.desired, Rejection) else None
            said = done.state.status if done.project else "unchanged"
            results[done.request.key] = SyncResult(done.request.key, said, changes, rejection)
        pending = retry
        if not pending:
            break
    for request in pending:
        results[request.key] = TransientError(
            f"{request.key}: still changing after {MAX_ATTEMPTS} attempts; will retry"
        )
    return [results[request.key] for request in requests]


def _with_assets(
    requests: Sequence[SyncRequest], p: Pipeline, remaining_ms: Callable[[], int] | None
) -> list[SyncResult | Exception]:
    """`sync_sources` for a batch holding asset uploads: each asset key converges on its own
    (`publishing.assets`), the articles together as usual. An image takes seconds (a 24 MP JPEG:
    ~2.7 s), so a batch of them may not fit one invocation: once less than `ASSET_RESERVE_MS`
    is left, the remaining asset keys are handed to the rebuild queue (outcome `deferred`),
    where each message's few keys get an invocation of their own; at least one is done here."""
    from pressroom.publishing.assets import sync_asset  # Pillow: only when an asset is synced

    assets: dict[str, SyncResult | Exception] = {}
    deferred: list[str] = []
    for request in requests:
        if not is_asset_key(request.key) or request.key in assets:
            continue
        if assets and remaining_ms is not None and remaining_ms() < ASSET_RESERVE_MS:
            deferred.append(request.key)
            assets[request.key] = SyncResult(request.key, "deferred")
            continue
        try:
            done = sync_asset(
                request.key,
                request.sequencer,
                request.force,
                p,
                functools.partial(_rerender_referrers, own_key=request.key, p=p),
            )
            changes = Changes(written=done.written, deleted=done.deleted)
            assets[request.key] = SyncResult(request.key, done.outcome, changes, done.rejection)
        except Exception as error:  # this key fails alone
            assets[request.key] = error
    if deferred:
        try:
            # One key a message: each image gets a rebuild invocation (and its timeout) alone.
            p.rebuilds.send_all(body for key in deferred for body in rebuild_messages([key], []))
        except Exception as error:  # delivered again instead
            assets.update(dict.fromkeys(deferred, error))
    articles = [request for request in requests if request.key not in assets]
    found = dict(zip((r.key for r in articles), sync_sources(articles, p), strict=True))
    return [assets.get(request.key) or found[request.key] for request in requests]


@dataclass(frozen=True)
class _Read:
    """A key's object as read and parsed, with the source revision the table had then."""

    rev: int
    source: Source | None
    parsed: Article | Rejection | None


def _card_outdated(
    live: ArticleRecord | None, desired: Article | Rejection | None, p: Pipeline
) -> bool:
    if not isinstance(desired, Article) or not desired.is_listed or live is None:
        return False
    return live.slug == desired.slug and live.card != card_of(desired, p.settings.full_feeds)


def _keep_feed_content(article: Article, p: Pipeline) -> None:
    """Keep the article's body for full feeds (a body too large for the table: its feed items
    carry its summary)."""
    try:
        p.store.put_feed_content(article.slug, content_key(article.body_html), article.body_html)
    except ItemTooLarge:
        logger.warning("%s: the body is too large to keep for feeds", article.source_key)


def _forget_feed_contents(done: _Committed, p: Pipeline) -> None:
    """Drop the bodies kept for full feeds that no card names any more."""
    state, desired = done.state, done.desired
    if not p.settings.full_feeds or isinstance(desired, Rejection):
        return
    if state.slug:
        listed = isinstance(desired, Article) and desired.is_listed
        keep = content_key(desired.body_html) if listed and desired is not None else ""
        p.store.forget_feed_contents(state.slug, keep)
    if state.retired_slug:
        p.store.forget_feed_contents(state.retired_slug)


def _read(state: SourceState, reads: dict[str, _Read], p: Pipeline) -> _Read:
    """The key's object, read and parsed once per sync unless another worker has committed
    different content for it since (then it is read again: which is newer is not known)."""
    known = reads.get(state.key)
    if known is not None and (known.rev == state.rev or _digest(known) == state.digest):
        return known
    source = p.sources.read(state.key, p.settings.max_source_bytes)
    reads[state.key] = _Read(state.rev, source, _parse(source, p))
    return reads[state.key]


def _digest(read: _Read) -> str:
    return read.source.digest if read.source is not None else ""


def _commit(
    request: SyncRequest, state: SourceState, reads: dict[str, _Read], p: Pipeline
) -> SyncResult | _Committed:
    """Commit the key's new state (one conditional transaction), unless nothing changed."""
    key, sequencer, force = request.key, request.sequencer, request.force
    # (not for a re-arm: an older event's worker must still set the newer revision's wake-up)
    if sequencer and state.sequencer and not request.rearm:
        if sequencer < state.sequencer:
            return SyncResult(key, "stale")
        if sequencer == state.sequencer and state.synced_rev == state.rev and not force:
            return SyncResult(key, "unchanged")

    # A report exists only if the key was rejected or warned about, or a sync did not finish.
    may_have_report = (
        force or state.status == "rejected" or bool(state.warnings) or state.synced_rev != state.rev
    )
    read = _read(state, reads, p)
    source = read.source
    live = p.store.get_article(state.slug)  # what this source has on the site now, if anything
    now = p.clock.now()
    desired, due = _in_time(_desired(read.parsed, live, p), now, p)
    # Only a rejection decides by the key's delete history: an update of a live article reads none.
    live_deleted = isinstance(desired, Rejection) and (
        _deleted_since_live(state, p) or _expired_live(state, now)
    )
    new_state = _next_state(state, source, desired, sequencer, live_deleted, due=due, now=now)
    if new_state is None and force and _card_outdated(live, desired, p):
        # Same file, but the card this version and these settings make differs from the stored
        # one (FEED_CONTENT switched, categories not yet on old cards): a rebuild lists it anew.
        new_state = replace(state, rev=state.rev + 1, updated=datetime.now(UTC).isoformat())

    if new_state is not None:
        article = desired if isinstance(desired, Article) and desired.is_live else None
        plan = None
        full = p.settings.full_feeds
        # A rejection leaves the catalogue alone, unless it takes a deleted article down.
        if not isinstance(desired, Rejection) or (live is not None and not new_state.slug):
            plan = plan_change(live, article, p.settings.site_language, full)
        if full and article is not None and article.is_listed:
            _keep_feed_content(article, p)  # before its card names it: feeds find it
        try:
            p.store.commit(state, new_state, plan, request.correlation_id)
        except ItemTooLarge as error:
            # The same content would fail every retry: reject the file (the live version, if
            # any, stays) rather than send it to the dead-letter queue.
            desired = Rejection(
                key,
                f"the article is too large to index ({error})",
                "shorten its title, summary, tags or authors",
            )
            new_state = _next_state(state, source, desired, sequencer, now=now)
            if new_state is None:
                return SyncResult(key, "rejected", rejection=desired)
            p.store.commit(state, new_state, None, request.correlation_id)
            plan = None
        listed_elsewhere = _cards_gone_or_changed(plan) | _named_as_story(plan)
        return _Committed(
            request,
            new_state,
            desired,
            listed_elsewhere,
            may_have_report,
            had_due=bool(state.due),
        )
    if state.synced_rev == state.rev and not force:
        if request.rearm:  # the site is right; its wake-up may not be
            return _Committed(request, state, desired, set(), False, False, project=False)
        return SyncResult(key, "unchanged")
    if state.synced_rev != state.rev:
        # Recovering a revision committed by a worker that stopped before finishing: what it
        # changed is not known any more, so refresh whatever may list this source's articles
        # (and cancel a wake-up the revision before may have left).
        slugs = {state.slug, state.retired_slug} - {""}
        listed_elsewhere = slugs | {STORY_LINK + slug for slug in slugs}
    else:
        listed_elsewhere = set()  # a forced re-render changes no card
    new_content = state.synced_rev != state.rev
    return _Committed(
        request,
        state,
        desired,
        listed_elsewhere,
        may_have_report,
        new_content,
        had_due=new_content,
    )


def _in_time(
    desired: Article | Rejection | None, now: datetime, p: Pipeline
) -> tuple[Article | Rejection | None, datetime | None]:
    """The article as it is at `now` (held back as `scheduled`, taken down as `expired`), and
    when that changes next (`publishing.schedule`)."""
    if not isinstance(desired, Article):
        return desired, None
    settings = p.settings
    timed = timing(desired, now, future=settings.publish_future, expired=settings.publish_expired)
    if timed.status != desired.status:
        desired = replace(desired, status=timed.status)  # type: ignore[arg-type]
    return desired, timed.due


def _expired_live(state: SourceState, now: datetime) -> bool:
    """Whether the live article's expiry has passed (it comes down even if the file now in the
    bucket cannot be read: that upload was rejected, the live version stayed)."""
    due = parse_due(state.due)
    return bool(state.slug) and due is not None and now >= due


def _set_wake_up(done: _Committed, p: Pipeline) -> bool:
    """Arm the key's wake-up for its state's due time, or cancel one it may have; whether the
    scheduler was called. Nothing for the many keys that never had a due time."""
    due = parse_due(done.state.due)
    if due is not None:
        p.scheduler.arm(done.state.key, due)
        return True
    if done.had_due or done.request.rearm:
        p.scheduler.disarm(done.state.key)
        return True
    return False


def _parse(source: Source | None, p: Pipeline) -> Article | Rejection | None:
    """The article a source makes on its own (before the table is asked about its slug)."""
    if source is None:
        return None
    parsed = p.ahead.parsed(source)
    if parsed is None:
        parsed = parse_source(source, p)
    return parsed if isinstance(parsed, Rejection) else _with_asset_files(parsed, p)


def parse_source(source: Source, p: Pipeline) -> Article | Rejection:
    """What a source says on its own: its settings and the files it includes are all it is
    read with (the table and the assets are not asked), so a worker may do it ahead."""
    if len(source.body) > p.settings.max_source_bytes:
        return Rejection(
            source.key,
            f"the file is larger than the limit of {p.settings.max_source_bytes:,} bytes",
            "split the article or shrink embedded content; images belong in their own files",
        )
    try:
        article = read_article(source, p.settings, functools.partial(_text_of, p=p))
    except RejectedFile as rejected:
        return rejected.rejection
    return _too_many_listings(article) or _listed_categories(article)


def _with_asset_files(article: Article, p: Pipeline) -> Article:
    """The article with its references to uploaded assets resolved (`publishing.asset_refs`)."""

    def published(keys: tuple[str, ...]) -> dict[str, AssetRecord]:
        # The links first, then the read: an asset committed meanwhile either is read here or
        # finds the links and has the article re-rendered (the projection records them again).
        if article.slug:
            p.store.add_referrers(("@" + key, article.slug, article.source_key) for key in keys)
        states = p.store.get_sources(keys)
        records = {key: AssetRecord.from_json(state.asset) for key, state in states.items()}
        return {key: record for key, record in records.items() if record and record.files}

    settings = p.settings
    return resolve_article(article, published, settings.articles_prefix, settings.site_url)


def _text_of(key: str, p: Pipeline) -> str | None:
    """Another uploaded file's text (a Jekyll include), or None."""
    found = p.sources.read(key, p.settings.max_source_bytes)
    if found is None or len(found.body) > p.settings.max_source_bytes:
        return None
    return found.body.decode("utf-8", errors="replace")


def _desired(
    parsed: Article | Rejection | None, live: ArticleRecord | None, p: Pipeline
) -> Article | Rejection | None:
    """What the site should show for this key: an article, a rejection, or nothing. `live` is
    the article this source has on the site now."""
    if not isinstance(parsed, Article):
        return parsed
    article = parsed
    keeps_slug = live is not None and live.slug == article.slug
    owner = live.source_key if live is not None and keeps_slug else p.store.slug_owner(article.slug)
    if owner is not None and owner != article.source_key:
        return Rejection(
            article.source_key,
            f"the slug `{article.slug}` is already used by `{owner}`",
            "give this article its own `slug:` in the front matter, or rename the file",
        )
    if article.date_source == "upload" and live is not None and keeps_slug:
        # Re-uploading must not move an article to the top: keep the first publish date.
        article = replace(article, published=live.card.published)
    return article


def _listed_categories(article: Article) -> Article:
    """The article in as many of its first categories as it may be listed in, with a warning
    if it named more (they were shown nowhere before categories were listings: no article is
    refused for them)."""
    room = MAX_LISTED_TERMS - len(article.tags) - len(article.authors)
    listed = max(0, min(MAX_LISTED_CATEGORIES, room))
    if len(article.categories) <= listed:
        return article
    dropped = ", ".join(article.categories[listed:])
    note = (
        f"The article names {len(article.categories)} categories; it is listed in the first "
        f"{listed} only (not in: {dropped}): an article is in at most {MAX_LISTED_CATEGORIES} "
        f"categories, and in {MAX_LISTED_TERMS} tags, categories and authors in all."
    )
    return replace(
        article, categories=article.categories[:listed], warnings=(*article.warnings, note)
    )


def _too_many_listings(article: Article) -> Rejection | None:
    """Every tag and author is a listing updated in the article's one transaction: cap them
    (categories: `_listed_categories`)."""
    for count, limit, what in (
        (len(article.tags), MAX_LISTED_TAGS, "tags"),
        (len(article.authors), MAX_LISTED_AUTHORS, "authors"),
    ):
        if count > limit:
            return Rejection(
                article.source_key,
                f"the article has {count} {what}; an article can have at most {limit}",
                f"keep the {limit} most useful {what}",
            )
    return None


def _deleted_since_live(state: SourceState, p: Pipeline) -> bool:
    """Whether the key was deleted after the version its live article came from (so a rejected
    upload there does not keep that article: the delete may never have been seen on its own,
    e.g. when its notification came in one batch with the upload's, or after it)."""
    if not state.slug or not state.live_uploaded:
        return False
    return p.sources.deleted_since(state.key, datetime.fromisoformat(state.live_uploaded))


def _next_state(
    state: SourceState,
    source: Source | None,
    desired: Article | Rejection | None,
    sequencer: str,
    live_deleted: bool = False,
    *,
    due: datetime | None = None,
    now: datetime,
) -> SourceState | None:
    """The source state to commit, or None when the table already says this. `live_deleted`:
    the live article (if any) must go: the key was deleted after the version it came from, or
    its expiry passed. `due`: when the desired article's presence changes by itself."""
    when = as_due(due)
    updated = now.astimezone(UTC).isoformat()
    sequencer = max(sequencer, state.sequencer)
    if desired is None:
        if not state.exists or state.status == "deleted":
            return None
        return _retire(state, "deleted", digest="", sequencer=sequencer, now=updated)
    assert source is not None
    if isinstance(desired, Rejection):
        if live_deleted and state.slug:  # reported, and the deleted article leaves the site
            gone = _retire(
                state, "rejected", digest=source.digest, sequencer=sequencer, now=updated
            )
            return replace(gone, reason=desired.reason, fix=desired.fix)
        if state.status == "rejected" and state.digest == source.digest:
            return None
        # A rejected re-upload leaves the live version (if any) alone, and its expiry; a
        # version that was waiting for its time is no more, nor its wake-up.
        return replace(
            state,
            rev=state.rev + 1,
            status="rejected",
            digest=source.digest,
            sequencer=sequencer,
            reason=desired.reason,
            fix=desired.fix,
            updated=updated,
            due=state.due if state.slug else "",
        )
    warnings = _kept_warnings(desired.warnings)
    if not desired.is_live:  # a draft, an article before its time or past its expiry
        kept_back = (source.digest, desired.status, warnings, desired.introduces, when)
        if (state.digest, state.status, state.warnings, state.introduces, state.due) == kept_back:
            return None
        kept = _retire(
            state, desired.status, digest=source.digest, sequencer=sequencer, now=updated
        )
        return replace(
            kept,
            warnings=warnings,
            introduces=desired.introduces,
            retired_intro=_retired_intro(state, desired.introduces),
            due=when,
        )
    moved_from = _moved_from(state, desired.slug)
    redirects = _redirects_of(desired, moved_from)
    # The card's thumbnail and its size (feed enclosures), and the cover's size (the home
    # page's lead story): a card written before these were kept is written again by the next
    # rebuild.
    cover = desired.cover
    shows = (
        f"{cover.thumbnail} {cover.thumbnail_bytes} {cover.width}x{cover.height}" if cover else ""
    )
    if (state.digest, state.status, state.redirects, state.warnings, state.shows, state.due) == (
        source.digest,
        desired.status,
        redirects,
        warnings,
        shows,
        when,
    ):
        return None
    retired = state.slug if state.slug and state.slug != desired.slug else state.retired_slug
    return replace(
        state,
        rev=state.rev + 1,
        status=desired.status,
        slug=desired.slug,
        retired_slug="" if retired == desired.slug else retired,
        digest=source.digest,
        sequencer=sequencer,
        reason="",
        fix="",
        updated=updated,
        live_uploaded=source.uploaded.isoformat(),
        redirects=redirects,
        released=_released(state, redirects),
        moved_from=moved_from,
        warnings=warnings,
        introduces="",
        retired_intro=_retired_intro(state, ""),
        shows=shows,
        due=when,
    )


def _retired_intro(state: SourceState, introduces: str) -> str:
    """The listing whose introduction the source may still have to let go of."""
    retired = (state.introduces if state.introduces != introduces else "") or state.retired_intro
    return "" if retired == introduces else retired


def _kept_warnings(warnings: tuple[str, ...]) -> tuple[str, ...]:
    """The warnings the table keeps for `pressroom status` and the report: bounded."""
    kept = tuple(warning[:MAX_WARNING_CHARS] for warning in warnings[:MAX_WARNINGS])
    more = len(warnings) - len(kept)
    return kept + ((f"… and {more} more of the same kinds.",) if more > 0 else ())


def _moved_from(state: SourceState, slug: str) -> tuple[str, ...]:
    """The slugs the source's article had before `slug`, newest last, at most `MAX_MOVES`."""
    moved = [old for old in state.moved_from if old not in (slug, state.slug)]
    if state.slug and state.slug != slug:
        moved.append(state.slug)
    return tuple(moved[-MAX_MOVES:])


def _redirects_of(article: Article, moved_from: tuple[str, ...]) -> tuple[str, ...]:
    """The keys that redirect to the article: its own (front matter), then its old pages."""
    own = page_key(article_path(article.slug))
    moved = (page_key(article_path(slug)) for slug in reversed(moved_from))
    return tuple(dict.fromkeys(key for key in (*article.redirects, *moved) if key != own))


def _released(state: SourceState, kept: tuple[str, ...]) -> tuple[str, ...]:
    """The redirects the source lets go of: those it held and does not keep, and those a
    revision not yet on the site was letting go of."""
    held = state.redirects + (state.released if state.synced_rev != state.rev else ())
    return tuple(dict.fromkeys(key for key in held if key not in kept))


def _retire(
    state: SourceState, status: str, *, digest: str, sequencer: str, now: str
) -> SourceState:
    """The state of a source whose article leaves the site (deleted, or turned into a draft)."""
    return replace(
        state,
        rev=state.rev + 1,
        status=status,
        slug="",
        retired_slug=state.slug or state.retired_slug,
        digest=digest,
        sequencer=sequencer,
        reason="",
        fix="",
        updated=now,
        live_uploaded="",
        redirects=(),
        released=_released(state, ()),
        moved_from=(),
        warnings=(),
        introduces="",
        retired_intro=_retired_intro(state, ""),
        due="",
    )


def _project(committed: list[_Committed], p: Pipeline) -> list[Changes]:
    """Make the article pages and error reports match the committed states, in one write of
    the site (each key's share of the changes is returned in order). Idempotent."""
    outputs: list[Output] = []
    deletions: list[str] = []
    owner: dict[str, int] = {}  # page key → the committed key it belongs to
    links: list[tuple[str, str, str]] = []
    shown: list[tuple[Article, list[Card]]] = []  # articles rendered, with their translations
    unlinked: list[tuple[Article, list[tuple[str, str]]]] = []  # a story not (yet) on the site
    # No entry changes while the batch is projected: articles sharing a tag share its read.
    newest = functools.cache(lambda tag: p.store.newest_entries(tag, RELATED_LIMIT * 2))
    released: list[tuple[str, str]] = []  # (redirect key, source key) to let go of
    freed: list[tuple[str, str]] = []  # (page key, source key) others may wait for
    redirected: list[tuple[str, str]] = []  # (redirect key, source key) written
    searchable: list[Article] = []  # their search records are written; `unsearchable`'s go
    unsearchable: list[str] = []
    for index, done in enumerate(committed):
        if not done.project:
            continue
        state, desired = done.state, done.desired
        if isinstance(desired, Article) and desired.is_live and state.slug == desired.slug:
            if search.is_searchable(desired):
                searchable.append(desired)
            else:
                unsearchable.append(desired.slug)
            group = translations_of(desired, p)
            related = related_cards(desired, newest, exclude={card.slug for card in group})
            links += [(card.slug, desired.slug, desired.source_key) for card in related]
            stories = resolve_stories(desired, p)
            if title_key := slug_of(desired.title):
                links.append((TITLE_INDEX + title_key, desired.slug, desired.source_key))
            links += [
                (target, desired.slug, desired.source_key) for target in _story_targets(desired)
            ]
            if any(not path for _, path in stories[:MAX_STORIES]):
                unlinked.append((desired, stories))
            html = p.renderer.article_page(desired, related, group, stories)
            shown.append((desired, group))
            key = page_key(article_path(desired.slug))
            outputs.append(Output(key, html.encode("utf-8"), done.request.invalidate))
            owner.setdefault(outputs[-1].key, index)
            won, waiting = _claim_redirects(state, p)
            links += waiting
            links += [("@" + key, desired.slug, desired.source_key) for key in desired.depends_on]
            page = redirect_page(desired.path, p.settings.site_url + desired.path)
            for key in won:
                outputs.append(Output(key, page, done.request.invalidate))
                owner.setdefault(key, index)
                redirected.append((key, state.key))
        retired = page_key(article_path(state.retired_slug)) if state.retired_slug else ""
        if retired not in ("", *state.redirects) and not p.store.slug_owner(state.retired_slug):
            unsearchable.append(state.retired_slug)
            deletions.append(retired)
            owner.setdefault(retired, index)
            freed.append((retired, state.key))
        for key in state.released:
            if p.store.redirect_claimant(key) == state.key and not _live_article_page(key, p):
                deletions.append(key)
                owner.setdefault(key, index)
            released.append((key, state.key))
        _project_introduction(done, p)
        _forget_feed_contents(done, p)
    if outputs:
        outputs += site_furniture(p)
    p.store.add_referrers(links)
    _link_translations(shown, p)
    _recheck_stories(unlinked, p)
    correlation_id = ",".join(sorted({d.request.correlation_id for d in committed} - {""}))
    changes = p.site.apply(
        outputs, deletions, announce=lambda paths: p.invalidations.send(paths, correlation_id)
    )
    search.update_records(p.site_bucket, searchable, unsearchable)
    _check_redirects(redirected, p)
    for key, source_key in released:
        p.store.release_redirect(key, source_key)
    _wake_redirect_waiters(released + freed, p)
    for done in committed:
        if not done.project:
            continue
        if isinstance(done.desired, Rejection):
            p.sources.put_report(done.state.key, done.desired.report())
        elif done.state.warnings:
            p.sources.put_report(done.state.key, warnings_report(done.state))
        elif done.may_have_report:
            p.sources.delete_report(done.state.key)
    shares = [Changes() for _ in committed]
    for key in changes.written:
        shares[owner.get(key, 0)].written.append(key)
    for key in changes.deleted:
        shares[owner.get(key, 0)].deleted.append(key)
    for output in outputs:
        if output.key not in changes.written:
            shares[owner.get(output.key, 0)].unchanged += 1
    return shares


def _project_introduction(done: _Committed, p: Pipeline) -> None:
    """Store or remove the listing introduction a Hugo `_index.md` gives, and have the listing
    re-rendered (through the stream, in order with its entries) when it changed. Two files
    introducing one listing: the lower key's shows (`Claim`), the other waits for it."""
    state, desired = done.state, done.desired
    if state.introduces and isinstance(desired, Article):
        listing = ListingId.parse(state.introduces)
        body = desired.body_html
        if desired.cover is not None:  # an author's photo, above their bio
            body = p.renderer.profile_photo(desired.cover, desired.title) + body
        claim, changed = p.store.put_introduction(listing, state.key, desired.title, body)
        waiting = [] if claim.won else [state.key]
        if claim.displaced:
            waiting.append(claim.displaced)
        p.store.add_referrers((f"#{listing}", key, key) for key in waiting)
        if not claim.won:
            logger.warning("%s: %s has another introduction", state.key, listing)
        elif changed or done.new_content:
            p.store.request_render(listing, WHOLE_LISTING)
    if state.retired_intro:
        listing = ListingId.parse(state.retired_intro)
        if p.store.remove_introduction(listing, state.key):
            _rerender_referrers(f"#{listing}", state.key, p)
            p.store.request_render(listing, WHOLE_LISTING)
        elif done.new_content:
            p.store.request_render(listing, WHOLE_LISTING)


def _claim_redirects(
    state: SourceState, p: Pipeline
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The source's redirect keys it holds (claimed now or before), and the links of the
    sources waiting for one: this one, for a key it cannot have (a live article's page, or a key
    a source with a lower key holds: `Claim`), and the source it took a key over from."""
    won: list[str] = []
    waiting: list[tuple[str, str, str]] = []
    for key in state.redirects:
        claim = Claim(won=False)
        if not _live_article_page(key, p):
            claim = p.store.claim_redirect(key, state.key, state.slug)
        if claim.won:
            won.append(key)
        else:
            waiting.append(("/" + key, state.slug, state.key))
            logger.warning("%s: `/%s` already leads elsewhere; no redirect from it", state.key, key)
        if claim.displaced:
            waiting.append(("/" + key, str(claim.previous.get("slug", "")), claim.displaced))
    return won, waiting


def _check_redirects(written: list[tuple[str, str]], p: Pipeline) -> None:
    """After writing redirect pages: a key another source took over meanwhile may now show
    this one's page, so that source writes its own again."""
    for key, source_key in written:
        holder = p.store.redirect_claimant(key)
        if holder is not None and holder != source_key:
            _rerender_referrers("/" + key, source_key, p, also=holder)


def _live_article_page(key: str, p: Pipeline) -> bool:
    return is_article_page(key) and p.store.slug_owner(key.split("/")[1]) is not None


def _wake_redirect_waiters(keys: list[tuple[str, str]], p: Pipeline) -> None:
    """Pages that went: re-project the sources waiting to redirect from them (they lost a claim
    to the source that let go), and the one holding a redirect there that an article page
    had covered (its redirect page comes back)."""
    for key, own_key in keys:
        _rerender_referrers("/" + key, own_key, p, also=p.store.redirect_claimant(key))


def warnings_report(state: SourceState) -> str:
    """The editor's report on a file that published (or stayed a draft) with warnings."""
    lines = [f"{state.key}: {state.status}, with {len(state.warnings)} warning(s)"]
    return "\n".join([*lines, *(f"- {warning}" for warning in state.warnings)]) + "\n"


def _cards_gone_or_changed(plan: Plan | None) -> set[str]:
    """Slugs whose card (title, summary, dates, path, language) other pages may show out of
    date, or that left the translation group whose members' pages name them."""
    if plan is None or plan.old_record is None:
        return set()
    new, old = plan.record, plan.old_record
    if new is not None and new.card == old.card and _group(new) == _group(old):
        return set()
    return {old.slug}


def _named_as_story(plan: Plan | None) -> set[str]:
    """Referrer targets of the pages that may name this article as a story ("You may also
    like") and whose link to it may now lead elsewhere: its titles' when it arrives, leaves,
    or changes its title or address; its slugs' when it arrives, leaves or moves."""
    if plan is None:
        return set()
    old, new = plan.old_record, plan.record
    if old and new and (old.slug, old.card.title) == (new.slug, new.card.title):
        return set()
    keys = {slug_of(r.card.title) for r in (old, new) if r}
    if not (old and new and old.slug == new.slug):
        keys |= {r.slug for r in (old, new) if r}
    return {STORY_LINK + key for key in keys if key}


def _story_targets(article: Article) -> list[str]:
    """What each story the article names would be found by (its title, or a slug: one key)."""
    keys = (slug_of(title) for title in article.related_stories[:MAX_STORIES])
    return [STORY_LINK + key for key in keys if key]


def resolve_stories(article: Article, p: Pipeline) -> list[tuple[str, str]]:
    """The article's "You may also like" titles, each with the path of the live article on the
    site that has that title (the first by slug of several), else that slug; "" for one not
    on the site. At most `MAX_STORIES` are looked up; the rest stay unlinked."""
    return [
        (title, _story_path(title, article, p) if n < MAX_STORIES else "")
        for n, title in enumerate(article.related_stories)
    ]


def _story_path(title: str, article: Article, p: Pipeline) -> str:
    key = slug_of(title)
    if not key:
        return ""
    titled = sorted(p.store.referrers(TITLE_INDEX + key))[:MAX_SAME_TITLE]
    for slug in (*titled, key):
        if slug == article.slug:
            continue
        record = p.store.get_article(slug)
        if record is None:
            continue
        if slug == key or slug_of(record.card.title) == key:
            return record.card.path
    return ""


def _recheck_stories(unlinked: list[tuple[Article, list[tuple[str, str]]]], p: Pipeline) -> None:
    """An article naming a story that arrived while its page was rendered: the story's
    publisher may have looked for the pages naming it before this page's link was recorded, so
    look again now that it is, and re-render the page if the story is there."""
    stale = [
        article.source_key
        for article, stories in unlinked
        if any(not path and _story_path(title, article, p) for title, path in stories[:MAX_STORIES])
    ]
    if stale:
        p.rebuilds.send_all(rebuild_messages(sorted(set(stale)), [], invalidate=False))


def _group(record: ArticleRecord) -> set[ListingId]:
    return {listing for listing in record.memberships if listing.kind == TRANSLATION}


def translations_of(article: Article, p: Pipeline) -> list[Card]:
    """The cards of the article's translation group, itself included (one bounded read)."""
    if not article.is_listed or not article.translation_key:
        return []
    group = ListingId(TRANSLATION, article.translation_key)
    return [entry.card for entry in p.store.newest_entries(group, MAX_TRANSLATIONS)]


def _link_translations(shown: list[tuple[Article, list[Card]]], p: Pipeline) -> None:
    """Record which translations each rendered page names (so that their changes and leaving
    re-render it, through `_refresh_referrers`), then queue a re-render of every translation
    whose page does not name the article yet: one published before it, or rendered before its
    entry was committed. Checked on every render, not only when an article joins its group,
    so that a worker stopping after its commit leaves nothing behind: the retry checks again.
    Converges: a page re-rendered here names the article, and is not queued again."""
    links = [
        (card.slug, article.slug, article.source_key)
        for article, group in shown
        for card in group
        if card.slug != article.slug
    ]
    p.store.add_translation_links(links)
    stale: set[str] = set()
    for article, group in shown:
        others = {card.slug for card in group} - {article.slug}
        if others:
            named_by = p.store.translation_referrers(article.slug)
            owners = (p.store.slug_owner(slug) for slug in sorted(others - named_by))
            stale.update(owner for owner in owners if owner and owner != article.source_key)
    if stale:
        p.rebuilds.send_all(rebuild_messages(sorted(stale), [], invalidate=False))


def _refresh_referrers(slugs: set[str], own_key: str, p: Pipeline) -> None:
    """Queue a re-render of the articles that list these slugs as related, so no page keeps a
    link to an article that left or a title that changed. Bounded per change by the links that
    exist; the re-renders run on the rebuild workers, not in this invocation."""

    for slug in sorted(slugs):
        _rerender_referrers(slug, own_key, p, invalidate=False)


def _rerender_referrers(
    target: str, own_key: str, p: Pipeline, invalidate: bool = True, also: str | None = None
) -> None:
    """Queue a re-render of the sources linked to `target` (a slug they list as related,
    `/<key>` of a redirect they wait for, `@<key>` of a file they include, `#<listing>` of an
    introduction they wait to give), and of `also`;
    the links are recorded again by the re-render where they still hold."""
    links = p.store.referrers(target)
    keys = sorted({*links.values(), *([also] if also else [])} - {own_key})
    p.rebuilds.send_all(rebuild_messages(keys, [], invalidate=invalidate))
    p.store.forget_referrers(target, links)


def site_furniture(p: Pipeline) -> list[Output]:
    """Objects every page relies on; the hash check makes rewriting them free."""
    from pressroom.render import search_script, stylesheet  # Jinja2: only when rendering

    css, script = stylesheet(), search_script()
    return [
        Output(css.key, css.body),
        Output(script.key, script.body),
        Output("404.html", p.renderer.not_found_page().encode("utf-8")),
        Output("search/", p.renderer.search_page().encode("utf-8")),
    ]


def related_cards(
    article: Article,
    newest: Callable[[ListingId], list[Entry]],
    exclude: AbstractSet[str] = frozenset(),
) -> list[Card]:
    """Articles sharing the most tags with this one, newest first among equals; not those in
    `exclude` (its translations, which the page links to already).

    Reads (`newest`: a tag's newest `RELATED_LIMIT * 2` entries) at most `_RELATED_TAGS` tags:
    bounded work per publish."""
    scores: dict[str, tuple[int, Card]] = {}
    for tag in article.tags[:_RELATED_TAGS]:
        for entry in newest(ListingId("tag", tag.slug)):
            if entry.card.slug == article.slug or entry.card.slug in exclude:
                continue
            shared, _ = scores.get(entry.card.slug, (0, entry.card))
            scores[entry.card.slug] = (shared + 1, entry.card)
    ranked = sorted(
        scores.values(), key=lambda scored: (scored[0], scored[1].published), reverse=True
    )
    return [card for _, card in ranked[:RELATED_LIMIT]]
