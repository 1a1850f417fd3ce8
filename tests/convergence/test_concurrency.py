"""Races: articles sharing a tag, published at the same moment by parallel workers."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from pressroom.errors import TransientError
from pressroom.pipeline import Pipeline
from pressroom.publishing.ingest import sync_source
from pressroom.settings import Settings
from tests.support import Site

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
        pipeline = Pipeline(Settings.from_env(), site.runtime.stack.client)
        while True:
            try:
                return sync_source(key, pipeline).outcome
            except TransientError:
                continue  # lost every race this time: SQS would deliver the message again

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(work, keys))
    site.runtime.drain()  # the listing function renders from the heads' stream

    # THEN every commit won eventually and the tag page lists all 20
    assert outcomes == ["published"] * WORKERS
    tag_page = site.page("/tags/space/")
    assert tag_page is not None and "20 articles tagged" in tag_page
    archive = [site.page(f"/tags/space/page/{number}/") or "" for number in (1, 2)]
    listed = re.findall(r'<h2><a href="/articles/([^/]+)/">', "".join(archive))
    assert sorted(listed) == [f"story-{number:02}" for number in range(WORKERS)]
    entries = [item for item in site.table_items() if item["pk"]["S"] == "LST#tag:space"]
    assert sorted(int(item["seq"]["N"]) for item in entries) == list(range(WORKERS))


def _discard_notifications(site: Site) -> None:
    sqs = site.runtime.stack.client("sqs")
    sqs.purge_queue(QueueUrl=site.runtime.stack.refs["IngestQueue"])
