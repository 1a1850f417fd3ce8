"""The in-process engine's workers (`pressroom.local.workers`) parse and render ahead on the
other cores; the functions take a result only for inputs equal to their own. So a build is the
same byte for byte with workers or without, and a file changed after the workers read it is
published as it is now, not as they saw it."""

from __future__ import annotations

import pytest

from pressroom.local.inprocess import Engine, default_template
from pressroom.local.workers import MIN_WORK, cores
from pressroom.paths import page_key

pytestmark = pytest.mark.skipif(not cores(), reason="workers are forked: Linux only")

ARTICLES = MIN_WORK + 16
OVERRIDES = {"SITE_URL": "https://news.example"}


def article(n: int, title: str = "") -> bytes:
    # Each article in tags of its own and shared ones: more listings than MIN_WORK.
    tags = f"[Tag {n}, Topic {n % 7}, Desk {n % 3}]"
    return (
        f"---\ntitle: {title or f'Story {n}'}\ndate: 2024-{1 + n % 12:02d}-{1 + n % 28:02d}\n"
        f"tags: {tags}\nauthor: Writer {n % 5}\n---\nParagraph {n} about *things*.\n"
    ).encode()


def built(workers: int) -> Engine:
    engine = Engine.for_template(default_template(), OVERRIDES, whole_stream=True, workers=workers)
    for n in range(ARTICLES):
        engine.backend.sources.put_object(f"articles/story-{n}.md", article(n))
    engine.run()
    return engine


def test_given_workers_then_the_site_is_the_one_built_without_them_byte_for_byte():
    alone, helped = built(0), built(2)

    assert helped.backend.site_bucket.objects() == alone.backend.site_bucket.objects()
    assert helped.workers.taken["parsed"] == ARTICLES
    assert helped.workers.taken["rendered"] >= MIN_WORK
    assert alone.workers.taken == {"parsed": 0, "rendered": 0}
    assert helped.report.undelivered == 0


def test_given_a_file_replaced_after_the_workers_read_it_then_its_new_version_is_published():
    engine = Engine.for_template(default_template(), OVERRIDES, whole_stream=True, workers=2)
    sources = engine.backend.sources
    for n in range(ARTICLES):
        sources.put_object(f"articles/story-{n}.md", article(n))
    engine.workers.parse(f"articles/story-{n}.md" for n in range(ARTICLES))  # forked: v1
    sources.put_object("articles/story-3.md", article(3, title="Rewritten headline"))

    engine.run()

    page = engine.backend.site_bucket.get("articles/story-3/") or b""
    assert b"Rewritten headline" in page and b"Story 3<" not in page
    assert engine.workers.missed["parsed"] >= 1  # the old parse was not taken


def test_given_a_rebuild_of_every_article_then_the_workers_parse_it_too():
    from pressroom.publishing.rebuild_queue import rebuild_messages

    engine = built(2)
    before = engine.backend.site_bucket.objects()
    keys = [f"articles/story-{n}.md" for n in range(ARTICLES)]
    for run in (2, 3):  # a theme change's re-render, twice: the same messages each time
        engine.backend.rebuilds.send_all(rebuild_messages(keys, []))
        engine.run()

        assert engine.workers.taken["parsed"] == run * ARTICLES  # each run's keys, ahead
        assert engine.backend.site_bucket.objects() == before


def test_given_the_table_changed_after_the_workers_rendered_then_the_listing_shows_the_change():
    from pressroom.publishing import listings
    from pressroom.publishing.ingest import SyncRequest, sync_sources

    engine = built(2)
    # A second round: the workers render from the table as it is when they fork; then a newer
    # article is committed before the engine's own render of the same listings reads them.
    sources, site = engine.backend.sources, engine.backend.site_bucket
    for n in range(ARTICLES, 2 * ARTICLES):
        sources.put_object(f"articles/story-{n}.md", article(n))
    late = "articles/late.md"
    homes: list[bytes | None] = []
    real_render_batch = listings.render_batch

    def with_a_late_article(batch: listings.ListingBatch, p: object, remaining: object) -> object:
        engine.workers.render(batch)
        sources.put_object(late, b"---\ntitle: Late story\ndate: 2025-06-01\n---\nNews.\n")
        sync_sources([SyncRequest(late, "")], engine.backend.pipeline)
        outcome = real_render_batch(batch, engine.backend.pipeline, remaining)  # type: ignore[arg-type]
        homes.append(site.get(page_key("/")))  # the home page this batch wrote
        return outcome

    listings.render_batch = with_a_late_article  # type: ignore[assignment]
    try:
        engine.run()
    finally:
        listings.render_batch = real_render_batch

    assert engine.workers.taken["rendered"] > 0  # the unchanged listings came from the workers
    assert homes[0] is not None and b"Late story" in homes[0]
