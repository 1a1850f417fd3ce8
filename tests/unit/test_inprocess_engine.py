"""The in-process engine delivers as Lambda's event source mappings do: failed messages again
(then to the dead letters), the stream in order and from where a time budget stopped it; the
export refuses keys that would leave the folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pressroom.local import inprocess
from pressroom.local.build import write_site
from pressroom.local.inprocess import Engine, default_template
from pressroom.local.memory import MemoryQueue
from pressroom.publishing.catalog import ListingId
from pressroom.publishing.listings import BatchOutcome

POST = b"---\ntitle: Engine post\ndate: 2024-03-01\ntags: [Gears]\n---\nBody.\n"


@pytest.fixture
def engine() -> Engine:
    return Engine.for_template(default_template(), {"SITE_URL": "https://news.example"})


def test_given_a_message_when_it_fails_then_it_is_delivered_again_until_dead_lettered():
    queue = MemoryQueue(max_receives=3)
    queue.send_body("x")

    for attempt in range(1, 4):
        [message] = queue.receive(10)
        assert message.receive_count == attempt
        queue.release(message)

    assert queue.receive(10) == []
    assert [m.body for m in queue.dead] == ["x"]


def test_given_a_received_message_when_deleted_then_never_again():
    queue = MemoryQueue()
    queue.send_body("x")
    [message] = queue.receive(10)
    assert queue.in_flight == 1

    queue.delete(message)

    assert queue.receive(10) == [] and queue.in_flight == 0 and queue.dead == []


def test_given_an_upload_when_run_then_published_listed_and_quiet(engine: Engine):
    backend = engine.backend
    backend.sources.put_object("articles/engine-post.md", POST)

    engine.run()

    assert engine.report.undelivered == 0
    assert backend.site_bucket.get("articles/engine-post/") is not None
    assert backend.site_bucket.get("tags/gears/") is not None
    assert backend.ingest_queue.waiting == backend.ingest_queue.in_flight == 0
    assert backend.store.table.changes_after(0, 10) == []  # read and trimmed


def test_given_ingest_failing_when_run_then_redelivered_and_dead_lettered(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    calls: list[int] = []

    def failing(notifications: list[Any], p: Any) -> list[Exception]:
        calls.append(len(notifications))
        return [RuntimeError("boom") for _ in notifications]

    monkeypatch.setattr("pressroom.publishing.ingest.ingest_notifications", failing)
    engine.backend.sources.put_object("articles/engine-post.md", POST)

    engine.run()

    assert calls == [1] * engine.wiring.max_receives["IngestQueue"]  # the redrive policy's count
    assert engine.report.undelivered == 1
    assert len(engine.backend.ingest_queue.dead) == 1


def test_given_a_listing_batch_stopped_by_its_budget_then_the_rest_is_delivered_next(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    from pressroom.publishing import listings

    store = engine.backend.store
    for name in ("a", "b", "c"):
        store.request_render(ListingId("tag", name), "-")
    seen: list[list[str]] = []
    real = listings.render_batch

    def budgeted(batch: listings.ListingBatch, p: Any, remaining_ms: Any) -> BatchOutcome:
        seen.append(sorted(str(listing) for listing in batch.listings))
        if len(seen) == 1:  # the first batch gets through its first listing only
            return BatchOutcome(unfinished_from=batch.sequence_numbers[1])
        return real(batch, p, remaining_ms)

    monkeypatch.setattr(listings, "render_batch", budgeted)

    engine.run()

    assert seen == [["tag:a", "tag:b", "tag:c"], ["tag:b", "tag:c"]]
    assert engine.report.undelivered == 0


def test_given_a_listing_batch_that_keeps_failing_then_it_is_dropped_after_its_retries(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    from pressroom.publishing import listings

    engine.backend.store.request_render(ListingId("tag", "x"), "-")
    attempts: list[int] = []

    def failing(*args: Any) -> BatchOutcome:
        attempts.append(1)
        raise RuntimeError("boom")

    monkeypatch.setattr(listings, "render_batch", failing)

    engine.run()

    assert len(attempts) == engine.wiring.stream_retries + 1
    assert engine.report.undelivered == 1


def test_the_engine_takes_its_wiring_from_the_template():
    wiring = inprocess.Wiring.of(default_template())

    assert wiring.batch_sizes["ListingFunction"] == 3000
    assert wiring.batch_sizes["IngestFunction"] == 100
    assert wiring.stream_prefixes and all(p.endswith("#") for p in wiring.stream_prefixes)
    assert wiring.max_receives["IngestQueue"] == 5


@pytest.mark.parametrize("key", ["../escape.html", "/etc/passwd", "a/../../escape", ""])
def test_given_a_key_outside_the_folder_when_exported_then_refused(tmp_path: Path, key: str):
    with pytest.raises(ValueError, match="refusing"):
        write_site(tmp_path / "out", [(key, b"x")])


def test_given_keys_when_exported_then_one_file_each_and_folders_get_index(tmp_path: Path):
    out = tmp_path / "out"

    written = write_site(out, [("tags/x/", b"<p>x</p>"), ("a/b.xml", b"<b/>"), ("x", b"x")])

    assert written == ["tags/x/", "a/b.xml", "x"]
    assert (out / "tags/x/index.html").read_bytes() == b"<p>x</p>"
    assert (out / "a/b.xml").read_bytes() == b"<b/>"
    assert (out / "x").read_bytes() == b"x"


def test_given_a_build_engine_then_the_whole_stream_is_one_batch_without_a_budget(
    monkeypatch: pytest.MonkeyPatch,
):
    from pressroom.publishing import listings

    engine = Engine.for_template(default_template(), whole_stream=True)
    for n in range(3500):  # more than the template's BatchSize of 3,000
        engine.backend.store.request_render(ListingId("tag", f"t{n:04d}"), "-")
    batches: list[tuple[int, int]] = []

    def recorded(batch: listings.ListingBatch, p: Any, remaining_ms: Any) -> BatchOutcome:
        batches.append((len(batch.listings), remaining_ms()))
        return BatchOutcome()

    monkeypatch.setattr(listings, "render_batch", recorded)

    engine.run()

    [(count, remaining)] = batches
    assert count == 3500 and remaining > 10**12


def _counted_search(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[int]:
    """Stand in for the search index refresh: count its runs (or fail them)."""
    from pressroom.publishing import search

    runs: list[int] = []

    def refresh(p: Any, build: Any) -> search.RefreshResult:
        runs.append(len(list(p.site_bucket.keys(search.RECORDS_PREFIX))))
        if fail:
            raise RuntimeError("Pagefind failed: no disk")
        return search.RefreshResult(True, runs[-1])

    monkeypatch.setattr(search, "refresh_site_search", refresh)
    return runs


def test_given_a_build_then_the_search_index_runs_once_beside_the_listings_and_again_on_change(
    monkeypatch: pytest.MonkeyPatch,
):
    runs = _counted_search(monkeypatch)
    engine = Engine.for_template(default_template(), whole_stream=True, search=True)
    engine.backend.sources.put_object("articles/engine-post.md", POST)

    engine.run()
    engine.run()  # nothing changed: no refresh
    assert runs == [1]

    # (another tag: no related story to re-render, which would write records again)
    other = POST.replace(b"Engine", b"Other").replace(b"Gears", b"Sprockets")
    engine.backend.sources.put_object("articles/other.md", other)
    engine.run()
    assert runs == [1, 2]  # from complete records: the ingest was done before it started


def test_given_the_background_search_run_fails_then_the_engine_says_so(
    monkeypatch: pytest.MonkeyPatch,
):
    _counted_search(monkeypatch, fail=True)
    engine = Engine.for_template(default_template(), whole_stream=True, search=True)
    engine.backend.sources.put_object("articles/engine-post.md", POST)

    with pytest.raises(RuntimeError, match="Pagefind failed"):
        engine.run()
