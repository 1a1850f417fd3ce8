"""Races: articles sharing a tag, published at the same moment by parallel workers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pressroom.adapters.aws import session
from pressroom.pipeline import Pipeline
from pressroom.publishing.ingest import sync_source
from tests.support import Site, walk

WORKERS = 20


def test_given_20_articles_sharing_a_tag_when_synced_in_parallel_then_the_tag_page_lists_all(
    site: Site,
):
    # GIVEN 20 uploaded articles that share the tag "Space" (notifications not yet delivered)
    keys = []
    for number in range(WORKERS):
        name = f"story-{number:02}.md"
        body = f"---\ntitle: Story {number}\ndate: 2026-03-01\ntags: [Space]\n---\n\nWords.\n"
        site.upload(name, body, drain=False)
        keys.append(site.pipeline.settings.articles_prefix + name)
    _discard_notifications(site)

    # WHEN 20 workers, each with its own clients (as Lambda would), sync one article each at once
    def work(key: str) -> str:
        pipeline = Pipeline(site.runtime.settings, site.runtime.stack.client)
        return sync_source(key, pipeline).outcome

    transactions = []
    events = session().get_component("event_emitter")
    count = lambda **_: transactions.append(1)  # noqa: E731
    events.register("before-call.dynamodb.TransactWriteItems", count)
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            outcomes = list(pool.map(work, keys))
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", count)
    site.runtime.drain()  # the listing function renders from the entries' stream

    # THEN every commit won the first time (their transactions share no item) and the tag's
    # pages, walked from its root, list all 20
    assert outcomes == ["published"] * WORKERS
    assert len(transactions) == WORKERS
    tag_page = site.page("/tags/space/")
    assert tag_page is not None and "20 articles tagged" in tag_page
    listed = [slug for _, cards in walk(site.page, "/tags/space/") for slug, _ in cards]
    assert sorted(listed) == [f"story-{number:02}" for number in range(WORKERS)]


def _discard_notifications(site: Site) -> None:
    sqs = site.runtime.stack.client("sqs")
    sqs.purge_queue(QueueUrl=site.runtime.stack.refs["IngestQueue"])
