"""Full re-render (after a template or settings change), fanned out through the rebuild queue.

The operator's side lists everything there is to render and cuts it into small messages
(`publishing.rebuild_queue`); each message is one worker invocation (`rebuild`), so N articles
run on up to N/10 workers at once. Articles are re-projected with `sync_sources` (forced), the same
convergence an upload runs; listings are not rendered here but *requested*, a month of archive
at a time, so the listing function re-renders them from the stream, in order with every other
change, and no one request holds more pages than an invocation renders in time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pressroom.ports import Pipeline
from pressroom.publishing.catalog import (
    CATEGORY,
    HOME,
    LANGUAGE,
    SITEMAP_INDEX,
    TERM_INDEXES,
    ListingId,
)
from pressroom.publishing.ingest import SyncRequest, sync_sources
from pressroom.publishing.rebuild_queue import rebuild_messages as rebuild_messages  # re-export
from pressroom.publishing.site_writer import Changes
from pressroom.table_layout import WHOLE_LISTING

# `rebuild_messages` (the queue's format) lives below this module and ingest, which queues
# re-renders too; it is named here as well for the callers that queue a rebuild.

# Every kind the listing function renders (not translation groups: they have no pages).
LISTING_KINDS = (HOME, "tag", CATEGORY, "author", "month", LANGUAGE)


@dataclass
class RebuildResult:
    articles: int = 0
    listings: int = 0
    deferred: int = 0  # asset keys handed to messages of their own for lack of time
    changes: Changes = field(default_factory=Changes)


def source_keys(p: Pipeline) -> list[str]:
    """Every key that may need rendering: the files in the bucket, and the sources the table
    still shows (a file whose delete event was lost converges to deleted)."""
    keys = set(p.sources.keys(p.settings.articles_prefix))
    keys |= {state.key for state in p.store.sources() if state.status not in ("deleted", "absent")}
    return sorted(key for key in keys if not key.endswith("/"))


def listing_ids(p: Pipeline) -> list[str]:
    return sorted(
        str(head.listing) for kind in LISTING_KINDS for head in p.store.heads_of_kind(kind)
    )


_INDEXES = frozenset({*TERM_INDEXES, SITEMAP_INDEX})


def rebuild(
    message: dict[str, Any], p: Pipeline, remaining_ms: Callable[[], int] | None = None
) -> RebuildResult:
    """One rebuild message: re-project its articles, request its listings, render the indexes
    it names (a deferred refresh, `listings._refresh_index`). Idempotent; raises (so the
    message is retried) when any key cannot be synced yet.

    `remaining_ms` is the invocation's time left: re-deriving an image takes seconds (after an
    image settings change every image is re-derived), so once too little is left for another,
    the message's remaining asset keys are sent on in messages of their own (outcome
    `deferred`, `ingest._with_assets`) and this one is done: the batch ends inside the timeout."""
    result = RebuildResult()
    invalidate = message.get("invalidate", True) is not False
    requests = [
        SyncRequest(key, force=True, invalidate=invalidate) for key in message.get("keys", [])
    ]
    for synced in sync_sources(requests, p, remaining_ms):
        if isinstance(synced, Exception):
            raise synced
        result.changes.merge(synced.changes)
        if synced.outcome == "deferred":
            result.deferred += 1
        else:
            result.articles += 1
    for listing in map(ListingId.parse, message.get("listings", [])):
        head = p.store.get_head(listing)
        if not head.days:
            continue  # empty: nothing of it is published
        months = sorted({day[:7] for day in head.days}) if listing.kind != "month" else []
        for part in [*months, WHOLE_LISTING]:
            p.store.request_render(listing, part)
        result.listings += 1
    indexes = [name for name in message.get("indexes", []) if name in _INDEXES]  # others: none
    if indexes:
        # The listing function's renderer: loaded (Jinja2 with it) only by a message that
        # renders, so a rebuild worker that only re-syncs articles does not pay for it.
        from pressroom.publishing.listings import render_index

        for name in indexes:
            result.changes.merge(render_index(name, "", p))
    return result
