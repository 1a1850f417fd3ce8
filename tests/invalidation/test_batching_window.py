"""The local pumps honour an SQS event source's MaximumBatchingWindowInSeconds like Lambda:
a batch is delivered when full or when its window has passed — by the clock in a long-running
stack, by simulated time in `drain()`."""

from __future__ import annotations

import json

import pytest

from pressroom.local.runtime import LocalRuntime, QueuePump, StreamPump
from pressroom.publishing.invalidation import InvalidationPlan
from tests.support import Site

S3_TEST_EVENT = json.dumps({"Event": "s3:TestEvent", "Bucket": "ignored"})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pump_of(runtime: LocalRuntime, queue: str) -> QueuePump:
    [pump] = [p for p in runtime.pumps if isinstance(p, QueuePump) and p.source.queue == queue]
    return pump


def send(runtime: LocalRuntime, queue: str, bodies: list[str]) -> None:
    sqs = runtime.stack.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=runtime.stack.refs[queue], MessageBody=body)


@pytest.fixture
def ingest_pump(runtime: LocalRuntime) -> tuple[QueuePump, FakeClock]:
    """The ingest queue's pump (BatchSize 100, window 1 s) on a clock the test moves, after the
    test event S3 sent when the stack set up its notifications."""
    runtime.drain()
    pump = pump_of(runtime, "IngestQueue")
    assert (pump.source.batch_size, pump.source.window_seconds) == (100, 1)
    clock = FakeClock()
    pump.clock = clock
    return pump, clock


def test_given_a_partial_batch_then_it_waits_until_the_window_has_passed_by_the_clock(
    runtime: LocalRuntime, ingest_pump: tuple[QueuePump, FakeClock]
):
    pump, clock = ingest_pump
    send(runtime, "IngestQueue", [S3_TEST_EVENT] * 4)

    assert pump.poll() == 0
    clock.now += 0.9
    send(runtime, "IngestQueue", [S3_TEST_EVENT] * 2)
    assert pump.poll() == 0

    clock.now += 0.1  # one second after the first message arrived
    assert pump.poll() == 6
    assert pump.poll() == 0


def test_given_a_full_batch_then_it_is_delivered_without_waiting(
    runtime: LocalRuntime, ingest_pump: tuple[QueuePump, FakeClock]
):
    pump, _ = ingest_pump
    send(runtime, "IngestQueue", [S3_TEST_EVENT] * 103)

    assert pump.poll() == 100
    assert pump.poll() == 0  # the other 3 start a new window


def test_given_a_burst_of_path_messages_when_drained_then_one_invalidation_covers_them(
    site: Site,
):
    """The invalidation queue's window (2 s) folds the messages of a burst into one batch,
    hence one CreateInvalidation, whatever spelling each message uses for a page."""
    pages = [f"/articles/story-{n}/" for n in range(25)]
    bodies = [json.dumps({"paths": [page, page + "index.html"]}) for page in pages]
    send(site.runtime, "InvalidationQueue", bodies)

    site.runtime.drain()

    [invalidation] = site.invalidated_paths()
    sent = InvalidationPlan(tuple(invalidation), "-", len(invalidation))
    assert all(sent.covers(page) for page in pages)
    assert len(invalidation) < len(pages)  # one directory's worth: a wildcard, not 25 paths


def test_given_edits_and_a_delete_uploaded_together_when_drained_then_one_invalidation_follows(
    site: Site,
):
    """New pages are invalidated never; edits and deletes of served pages are, and those the
    ingest batches of a burst announce are folded into one invalidation, made once the pages
    changed (listings are not invalidated: their TTL refreshes them)."""

    def story(n: int, text: str) -> str:
        return f"---\ntitle: Story {n}\ndate: 2026-03-01\ntags: [Common]\n---\n\n{text}\n"

    for n in range(5):
        site.upload(f"story-{n}.md", story(n, "Hi."), drain=False)
    site.runtime.drain()
    assert site.invalidated_paths() == []

    for n in range(1, 5):
        site.upload(f"story-{n}.md", story(n, "Hello again."), drain=False)
    site.delete("story-0.md", drain=False)
    site.runtime.drain()

    [invalidation] = site.invalidated_paths()
    assert sorted(invalidation) == [f"/articles/story-{n}/" for n in range(5)]
    assert site.page("/articles/story-0/") is None
    assert "Hello again." in (site.page("/articles/story-4/") or "")
    assert "/articles/story-0/" not in (site.page("/tags/common/") or "")


def test_given_a_burst_of_uploads_when_drained_then_the_listings_render_once(site: Site):
    """The listing stream's window (BatchSize 3000, 5 s) folds the entries a burst changes (three
    ingest batches here) into one batch: the home and tag pages are rendered once, not once
    per ingest batch."""
    [pump] = [p for p in site.runtime.pumps if isinstance(p, StreamPump)]
    assert (pump.source.batch_size, pump.source.window_seconds) == (3000, 5)
    handle = pump._handler
    batches: list[int] = []
    pump._handler = lambda event, context: (
        batches.append(len(event["Records"])) or handle(event, context)
    )
    for n in range(25):
        body = f"---\ntitle: Story {n}\ndate: 2026-03-01\ntags: [Common]\n---\n\nHi.\n"
        site.upload(f"story-{n}.md", body, drain=False)

    site.runtime.drain()

    assert len(batches) == 1
    assert "Story 24" in site.page("/tags/common/")
