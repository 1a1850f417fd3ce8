"""Full feeds (`FEED_CONTENT=full`, issue 20): feed items carry the whole sanitised article, which
follows edits of the body alone, and a rebuild after switching the setting brings every article's
body to its feeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import feedparser
import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from pressroom.publishing.catalog import ListingId
from pressroom.publishing.ingest import SyncRequest, sync_sources
from pressroom.publishing.listings import fold, render_batch
from tests.contract.conftest import memory_backend
from tests.support import Site

POST = (
    "---\ntitle: Tea in orbit\ndate: 2026-03-01\ntags: [Space]\nsummary: Short.\n---\n\n"
    "First <script>alert(1)</script>paragraph with [a link](/articles/other/).\n"
)


@pytest.fixture
def full_site() -> Iterator[Site]:
    """GIVEN a site whose feeds carry whole articles."""
    with embedded_aws({"SITE_URL": "https://news.example", "FEED_CONTENT": "full"}) as local:
        yield Site(local, Pipeline(local.settings, local.stack.client))


def feed_body(site: Site, path: str) -> str:
    parsed = feedparser.parse((site.page(path) or "").encode())
    assert not parsed.bozo, parsed.get("bozo_exception")
    [entry] = parsed.entries
    [content] = entry.content
    return str(content.value)


def test_given_full_feeds_when_the_body_alone_is_edited_then_every_feed_follows(full_site: Site):
    site = full_site
    site.upload("tea.md", POST)

    for path in ("/atom.xml", "/rss.xml", "/tags/space/atom.xml"):
        body = feed_body(site, path)
        assert "First" in body and 'href="https://news.example/articles/other/"' in body
        assert "<script" not in body  # sanitised, as the page
    item = json.loads(site.page("/feed.json") or "")["items"][0]
    assert "First" in item["content_html"] and item["summary"] == "Short."

    site.upload("tea.md", POST.replace("First", "Rewritten"))

    assert "Rewritten" in feed_body(site, "/atom.xml")
    assert "Rewritten" in feed_body(site, "/tags/space/rss.xml")
    kept = [i for i in site.table_items() if i["pk"]["S"].startswith("FEED#")]
    assert len(kept) == 1, "the body an edit replaced is not kept"

    site.delete("tea.md")
    assert not [i for i in site.table_items() if i["pk"]["S"].startswith("FEED#")]


def test_given_summary_feeds_when_switched_to_full_and_rebuilt_then_cards_name_the_body():
    # GIVEN an article published with summary feeds
    backend = memory_backend()
    summary = backend.pipeline
    key = f"{summary.settings.articles_prefix}tea.md"
    backend.put_source(key, POST.encode())
    sync_sources([SyncRequest(key)], summary)
    record = summary.store.get_article("tea")
    assert record is not None and record.card.content == ""
    backend.read_stream()

    # WHEN the setting is switched and the rebuild re-syncs it (the same file, forced)
    full = Pipeline.of(
        replace(summary.settings, feed_content="full"),
        store=summary.store,
        sources=summary.sources,
        site_bucket=summary.site_bucket,
        invalidations=summary.invalidations,
        rebuilds=summary.rebuilds,
        distribution=summary.distribution,
    )
    sync_sources([SyncRequest(key, force=True)], full)

    # THEN its card names its kept body, in its listings too, and the feeds render it
    record = full.store.get_article("tea")
    assert record is not None and record.card.content
    [entry] = full.store.newest_entries(ListingId("home"), 1)
    assert entry.card.content == record.card.content
    assert full.store.feed_contents([("tea", record.card.content)])
    records = [DynamoDBRecord(raw) for raw in backend.read_stream()]
    render_batch(fold(records), full)
    atom = full.site_bucket.get("atom.xml") or b""
    assert b"First" in atom and b"&lt;p&gt;" in atom
