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
workers on one key cannot both win; the loser starts over and re-reads. After projecting a
revision to the site, a worker records it as synced only if it is still the latest, otherwise it
projects again, so the last page write always reflects the newest revision.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from aws_lambda_powertools.utilities.data_classes import S3Event

from pressroom.adapters.content_store import SourceState
from pressroom.errors import ConcurrentUpdate, RejectedFile, TransientError
from pressroom.model import Article, Rejection, Source
from pressroom.paths import article_path, page_key, source_key_from_event
from pressroom.pipeline import Pipeline
from pressroom.publishing.catalog import (
    ArticleRecord,
    Card,
    ListingId,
    Plan,
    listings_of,
    plan_change,
)
from pressroom.publishing.site_writer import Changes, Output
from pressroom.readers import read_article
from pressroom.render import stylesheet

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# One article change is one DynamoDB transaction (at most 100 actions). The worst change moves an
# article out of all its listings and into as many new ones: 2 actions per listing left (entry,
# head), 2 per listing joined, plus source, article put and delete. With home + month + tags +
# authors listings that is 3 + 4 * (2 + tags + authors) <= 100, so tags + authors <= 22.
MAX_LISTED_TAGS = 16
MAX_LISTED_AUTHORS = 6
RELATED_LIMIT = 5
_RELATED_TAGS = 8  # bounded work: related articles come from at most this many tags


@dataclass(frozen=True)
class SyncResult:
    key: str
    outcome: str  # published | unlisted | draft | deleted | rejected | unchanged | stale
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


def ingest_notification(event: S3Event, p: Pipeline, correlation_id: str = "") -> list[SyncResult]:
    """Handle one S3 notification (the body of one ingest-queue message)."""
    if "Records" not in event.raw_event:  # the s3:TestEvent sent when notifications are set up
        return []
    results = []
    for record in event.records:
        if record.s3.bucket.name != p.settings.ingest_bucket:
            logger.warning("ignoring a notification for bucket %s", record.s3.bucket.name)
            continue
        raw_key = record.s3.get_object.key
        try:
            key = source_key_from_event(raw_key, p.settings.articles_prefix)
        except RejectedFile as rejected:
            results.append(_reject_key(rejected.rejection, p))
            continue
        sequencer = record.s3.get_object.get("sequencer")
        results.append(sync_source(key, p, sequencer, correlation_id=correlation_id))
    return results


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
    for attempt in range(MAX_ATTEMPTS):
        try:
            result = _sync_once(key, pad_sequencer(sequencer), pipeline, force, correlation_id)
        except ConcurrentUpdate:
            result = None
        if result is not None:
            return result
        time.sleep(min(2.0, 0.05 * 2**attempt) * random.random())  # noqa: S311  # nosec B311 # jitter
    raise TransientError(f"{key}: still changing after {MAX_ATTEMPTS} attempts; will retry")


def _sync_once(
    key: str, sequencer: str, p: Pipeline, force: bool, correlation_id: str
) -> SyncResult | None:
    state = p.store.get_source(key)
    if sequencer and state.sequencer:
        if sequencer < state.sequencer:
            return SyncResult(key, "stale")
        if sequencer == state.sequencer and state.synced_rev == state.rev and not force:
            return SyncResult(key, "unchanged")

    # A report can exist only if the key was rejected, or a sync of it did not finish.
    may_have_report = force or state.status == "rejected" or state.synced_rev != state.rev
    source = p.sources.read(key, p.settings.max_source_bytes)
    live = p.store.get_article(state.slug)  # what this source has on the site now, if anything
    desired = _desired(source, live, p)
    new_state = _next_state(state, source, desired, sequencer)

    if new_state is not None:
        old_record = live
        article = desired if isinstance(desired, Article) and desired.is_live else None
        plan = None
        if not isinstance(desired, Rejection):
            joining = set(listings_of(article)) if article else set()
            if old_record is not None:
                joining -= set(old_record.memberships)
            heads = p.store.get_heads(joining)
            plan = plan_change(old_record, article, heads, p.settings.page_size)
        p.store.commit(state, new_state, plan, correlation_id)
        state = new_state
        listed_elsewhere = _cards_gone_or_changed(plan)
    elif state.synced_rev == state.rev and not force:
        return SyncResult(key, "unchanged")
    elif state.synced_rev != state.rev:
        # Recovering a revision committed by a worker that stopped before finishing: what it
        # changed is not known any more, so refresh whatever may list this source's articles.
        listed_elsewhere = {state.slug, state.retired_slug} - {""}
    else:
        listed_elsewhere = set()  # a forced re-render changes no card

    changes = _project(state, desired, p, correlation_id, may_have_report)
    _refresh_referrers(listed_elsewhere, key, p)
    if not p.store.mark_synced(state):
        return None  # a newer revision landed meanwhile: project again from the top
    rejection = desired if isinstance(desired, Rejection) else None
    return SyncResult(key, state.status, changes, rejection)


def _desired(
    source: Source | None, live: ArticleRecord | None, p: Pipeline
) -> Article | Rejection | None:
    """What the site should show for this key: an article, a rejection, or nothing. `live` is
    the article this source has on the site now."""
    if source is None:
        return None
    if len(source.body) > p.settings.max_source_bytes:
        return Rejection(
            source.key,
            f"the file is larger than the limit of {p.settings.max_source_bytes:,} bytes",
            "split the article or shrink embedded content; images belong in their own files",
        )
    try:
        article = read_article(source, p.settings)
    except RejectedFile as rejected:
        return rejected.rejection
    too_many = _too_many_listings(article)
    if too_many is not None:
        return too_many
    keeps_slug = live is not None and live.slug == article.slug
    owner = live.source_key if live is not None and keeps_slug else p.store.slug_owner(article.slug)
    if owner is not None and owner != source.key:
        return Rejection(
            source.key,
            f"the slug `{article.slug}` is already used by `{owner}`",
            "give this article its own `slug:` in the front matter, or rename the file",
        )
    if article.date_source == "upload" and live is not None and keeps_slug:
        # Re-uploading must not move an article to the top: keep the first publish date.
        article = replace(article, published=live.card.published)
    return article


def _too_many_listings(article: Article) -> Rejection | None:
    """Every tag and author is a listing updated in the article's one transaction: cap them."""
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


def _next_state(
    state: SourceState,
    source: Source | None,
    desired: Article | Rejection | None,
    sequencer: str,
) -> SourceState | None:
    """The source state to commit, or None when the table already says this."""
    now = datetime.now(UTC).isoformat()
    sequencer = max(sequencer, state.sequencer)
    if desired is None:
        if not state.exists or state.status == "deleted":
            return None
        return _retire(state, "deleted", digest="", sequencer=sequencer, now=now)
    assert source is not None
    if isinstance(desired, Rejection):
        if state.status == "rejected" and state.digest == source.digest:
            return None
        # A rejected re-upload leaves the live version (if any) alone.
        return replace(
            state,
            rev=state.rev + 1,
            status="rejected",
            digest=source.digest,
            sequencer=sequencer,
            reason=desired.reason,
            fix=desired.fix,
            updated=now,
        )
    if state.digest == source.digest and state.status == desired.status:
        return None
    if desired.status == "draft":
        return _retire(state, "draft", digest=source.digest, sequencer=sequencer, now=now)
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
        updated=now,
    )


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
    )


def _project(
    state: SourceState,
    desired: Article | Rejection | None,
    p: Pipeline,
    correlation_id: str = "",
    may_have_report: bool = True,
) -> Changes:
    """Make the article page and the error report match `state`. Idempotent."""
    outputs: list[Output] = []
    deletions: list[str] = []
    if isinstance(desired, Article) and desired.is_live and state.slug == desired.slug:
        related = related_cards(desired, p)
        p.store.add_referrer([card.slug for card in related], desired.slug, desired.source_key)
        html = p.renderer.article_page(desired, related)
        outputs.append(Output(page_key(article_path(desired.slug)), html.encode("utf-8")))
        outputs += site_furniture(p)
    if state.retired_slug and p.store.slug_owner(state.retired_slug) is None:
        deletions.append(page_key(article_path(state.retired_slug)))
    changes = p.site.apply(
        outputs, deletions, announce=lambda paths: p.invalidations.send(paths, correlation_id)
    )

    if isinstance(desired, Rejection):
        p.sources.put_report(state.key, desired.report())
    elif may_have_report:
        p.sources.delete_report(state.key)
    return changes


def _cards_gone_or_changed(plan: Plan | None) -> set[str]:
    """Slugs whose card (title, summary, dates, path) other pages may show out of date."""
    if plan is None or plan.old_record is None:
        return set()
    if plan.record is not None and plan.record.card == plan.old_record.card:
        return set()
    return {plan.old_record.slug}


def _refresh_referrers(slugs: set[str], own_key: str, p: Pipeline) -> None:
    """Queue a re-render of the articles that list these slugs as related, so no page keeps a
    link to an article that left or a title that changed. Bounded per change by the links that
    exist; the re-renders run on the rebuild workers, not in this invocation."""
    from pressroom.publishing.rebuild import rebuild_messages

    for slug in sorted(slugs):
        links = p.store.referrers(slug)
        keys = sorted({source for source in links.values() if source != own_key})
        p.rebuilds.send_all(rebuild_messages(keys, []))
        p.store.forget_referrers(slug, links)


def site_furniture(p: Pipeline) -> list[Output]:
    """Objects every page relies on; the hash check makes rewriting them free."""
    css = stylesheet()
    return [
        Output(css.key, css.body),
        Output("404.html", p.renderer.not_found_page().encode("utf-8")),
    ]


def related_cards(article: Article, p: Pipeline) -> list[Card]:
    """Articles sharing the most tags with this one, newest first among equals.

    Reads the newest few entries of at most `_RELATED_TAGS` tags: bounded work per publish."""
    scores: dict[str, tuple[int, Card]] = {}
    for tag in article.tags[:_RELATED_TAGS]:
        for entry in p.store.newest_entries(ListingId("tag", tag.slug), RELATED_LIMIT * 2):
            if entry.card.slug == article.slug:
                continue
            shared, _ = scores.get(entry.card.slug, (0, entry.card))
            scores[entry.card.slug] = (shared + 1, entry.card)
    ranked = sorted(
        scores.values(), key=lambda scored: (scored[0], scored[1].published), reverse=True
    )
    return [card for _, card in ranked[:RELATED_LIMIT]]
