"""A migration on the local runtime with Lambda's concurrency: 2,000 articles uploaded in any
order, ingested by 10 workers at once against the embedded backend's real transaction
conflicts, and the listings still list every article once, in date order."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest

from pressroom.adapters.aws import session
from pressroom.local.runtime import QueuePump
from tests.support import Site, queued, walk

ARTICLES = 2_000
WORKERS = 10
TAGS = ("Politics", "Economy", "Science", "Culture", "Sport", "Tea")
DEAD_LETTER_QUEUES = (
    "IngestDeadLetterQueue",
    "ListingDeadLetterQueue",
    "InvalidationDeadLetterQueue",
    "RebuildDeadLetterQueue",
)


@pytest.mark.slow  # 2,000 articles through the pipeline on moto: minutes of CPU
def test_given_2000_articles_imported_by_10_workers_then_every_listing_is_whole_and_in_order(
    site: Site,
):
    # GIVEN 2,000 articles over eight years, uploaded in shuffled order under random names,
    # and an ingest function that runs up to 10 invocations at once
    [ingest] = [
        p
        for p in site.runtime.pumps
        if isinstance(p, QueuePump) and p.source.queue == "IngestQueue"
    ]
    ingest.source = dataclasses.replace(ingest.source, max_concurrency=WORKERS)
    shuffle = random.Random(2000)
    expected: dict[str, set[str]] = {"/": set()}
    for number in range(ARTICLES):
        day = date(2018, 1, 1) + timedelta(days=shuffle.randrange(8 * 365))
        tags = (TAGS[number % 6], TAGS[(number * 7 + 1) % 6])
        slug = f"story-{number:04}"
        site.upload(
            f"{shuffle.getrandbits(48):012x}.md",
            f"---\ntitle: Story {number}\nslug: {slug}\ndate: {day.isoformat()}T"
            f"{number % 24:02}:{number % 60:02}:00Z\ntags: [{', '.join(tags)}]\n---\n\nWords.\n",
            drain=False,
        )
        expected["/"].add(slug)
        for tag in tags:
            expected.setdefault(f"/tags/{tag.lower()}/", set()).add(slug)
    transactions = []

    def count(**_: object) -> None:
        transactions.append(1)

    events = session().get_component("event_emitter")
    events.register("before-call.dynamodb.TransactWriteItems", count)
    try:
        # WHEN every notification is delivered
        site.runtime.drain()
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", count)

    # THEN nothing failed or waits in a dead-letter queue, almost every article committed on
    # its first attempt, and every listing walked from its root lists each article once,
    # newest first
    assert site.runtime.failures == 0
    assert {name: queued(site.runtime, name) for name in DEAD_LETTER_QUEUES} == dict.fromkeys(
        DEAD_LETTER_QUEUES, 0
    )
    assert len(transactions) / ARTICLES <= 1.2
    for root, slugs in expected.items():
        listed = [card for _, cards in walk(site.page, root) for card in cards]
        assert sorted(slug for slug, _ in listed) == sorted(slugs), root
        dates = [when for _, when in listed]
        assert dates == sorted(dates, reverse=True), f"{root}: a date goes up"
