"""The sample events in `events/` (the files `sam local invoke -e` takes) drive the real
handlers on the embedded backend."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pressroom.local.runtime import LambdaContext, load_handler
from pressroom.paths import page_key
from tests.support import Site

EVENTS = Path(__file__).resolve().parents[2] / "events"


def invoke(site: Site, function: str, event_file: str) -> Any:
    [spec] = [f for f in site.runtime.stack.template.functions() if f.logical_id == function]
    event = json.loads((EVENTS / event_file).read_text())
    return load_handler(spec, site.runtime.environment)(event, LambdaContext(function))


def test_given_an_uploaded_file_when_the_put_event_arrives_then_it_publishes_and_delete_removes_it(
    site: Site,
):
    # The event's key is URL-encoded: `hello+world.md` names the object `hello world.md`.
    body = "---\ntitle: Hello world\ntags: [hello]\n---\nHi.\n"
    site.upload("hello world.md", body, drain=False)

    assert invoke(site, "IngestFunction", "ingest-put.json") == {"batchItemFailures": []}
    assert site.page("/articles/hello-world/") is not None

    site.delete("hello world.md", drain=False)
    assert invoke(site, "IngestFunction", "ingest-delete.json") == {"batchItemFailures": []}
    assert site.page("/articles/hello-world/") is None


def test_given_an_article_whose_time_came_when_its_wake_up_arrives_then_it_publishes(
    site: Site,
):
    # (dated a few seconds ahead: stored, scheduled; the wake-up then finds its time has come)
    due = datetime.now(UTC) + timedelta(seconds=5)
    body = f"---\ntitle: Hello world\ndate: {due.isoformat()}\n---\nHi.\n"
    site.upload("hello world.md", body, drain=False)
    assert invoke(site, "IngestFunction", "ingest-put.json") == {"batchItemFailures": []}
    assert site.page("/articles/hello-world/") is None
    while datetime.now(UTC) < due:
        time.sleep(0.1)

    assert invoke(site, "IngestFunction", "ingest-wake-up.json") == {"batchItemFailures": []}
    assert site.page("/articles/hello-world/") is not None


def test_given_the_s3_test_event_then_it_is_acknowledged_and_changes_nothing(site: Site):
    assert invoke(site, "IngestFunction", "ingest-s3-test-event.json") == {"batchItemFailures": []}
    assert site.object_keys() == set()


def test_given_an_entry_change_event_then_the_listing_function_renders_that_tag(site: Site):
    body = "---\ntitle: Hello\ndate: 2026-11-24T09:30:00Z\ntags: [Hello]\n---\nHi.\n"
    site.upload("hello.md", body, drain=False)
    invoke(site, "IngestFunction", "ingest-put.json")  # a no-op: that key does not exist
    site.runtime.drain()
    site.pipeline.site_bucket.delete(page_key("/tags/hello/"))
    site.pipeline.store.record_pages({}, [page_key("/tags/hello/")])

    assert invoke(site, "ListingFunction", "listing-entry-change.json") == {"batchItemFailures": []}

    page = site.page("/tags/hello/")
    assert page is not None and 'href="/articles/hello/"' in page


def test_given_path_messages_then_one_normalised_invalidation_is_created(site: Site):
    assert invoke(site, "InvalidationFunction", "invalidation-paths.json") == {
        "batchItemFailures": []
    }
    assert [sorted(batch) for batch in site.invalidated_paths()] == [
        ["/articles/hello-world/", "/articles/second-post/"]
    ]


def test_given_a_rebuild_message_for_an_unsynced_upload_then_the_rebuild_function_publishes_it(
    site: Site,
):
    site.upload("hello world.md", "---\ntitle: Hello world\n---\nHi.\n", drain=False)

    assert invoke(site, "RebuildFunction", "rebuild-keys.json") == {"batchItemFailures": []}
    assert site.page("/articles/hello-world/") is not None


def test_given_a_published_article_when_the_schedule_fires_then_the_search_index_is_built_once(
    site: Site,
):
    site.upload("zebra.md", "---\ntitle: Zebra\n---\nStripes everywhere.\n")

    first = invoke(site, "SearchIndexFunction", "search-scheduled.json")
    again = invoke(site, "SearchIndexFunction", "search-scheduled.json")

    assert first == {"rebuilt": True, "articles": 1, "written": first["written"]}
    assert first["written"] > 5 and site.page("/pagefind/pagefind-entry.json") is not None
    assert again == {"rebuilt": False, "articles": 1, "written": 0}, "nothing changed since"
