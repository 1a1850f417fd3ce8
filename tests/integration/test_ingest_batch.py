"""An ingest batch is synced together: each article commits on its own, and their pages share
one read and one write of the page hashes and, when served pages changed, one invalidation
message."""

from __future__ import annotations

from botocore.exceptions import ClientError

from pressroom.adapters.aws import session
from pressroom.publishing.invalidation import InvalidationPlan
from tests.support import Site, ingest_calls


def test_given_ten_uploads_in_one_batch_then_their_pages_share_the_batch_writes(site: Site):
    calls = ingest_calls(site)
    site.upload("first.md", "---\ntitle: First\ntags: [Common]\n---\nOne.\n")
    calls.clear()
    for n in range(10):
        body = f"---\ntitle: Story {n}\ntags: [Common, T{n}]\n---\n\nText {n}.\n"
        site.upload(f"story-{n}.md", body, drain=False)

    site.runtime.drain()

    assert calls["TransactWriteItems"] == 10  # each article commits on its own
    assert calls["SendMessage"] == 0  # new pages are in no cache: nothing to invalidate
    # 60 referrer items in one write of 3 requests (25 to a request): 50 related links and each
    # title in the title index; then the page hashes. Nothing to forget: no page names a new
    # article as a story, and the pages listing it as related were rendered after its commit
    assert calls["BatchWriteItem"] == 3 + 1
    # the ten pages and their search records (the stylesheet and 404 are unchanged)
    assert calls["PutObject"] == 10 + 10
    # related articles: the newest of each of the 11 tags, once; each article's translations;
    # the pages made from each new file (a Jekyll include), and the pages naming each new
    # article as a story ("You may also like", by its title or slug: one key here), to
    # re-render them
    assert calls["Query"] == 11 + 10 + 10 + 10
    assert calls["DeleteObject"] == 0  # no report to clear
    for n in range(10):
        page = site.page(f"/articles/story-{n}/")
        assert page is not None and f"Text {n}." in page
    assert "Story 9" in (site.page("/tags/common/") or "")


def test_given_ten_served_pages_edited_in_one_batch_then_one_message_invalidates_them(site: Site):
    def upload_all(text: str) -> None:
        for n in range(10):
            body = f"---\ntitle: Story {n}\ntags: [Common, T{n}]\n---\n\n{text} {n}.\n"
            site.upload(f"story-{n}.md", body, drain=False)
        site.runtime.drain()

    calls = ingest_calls(site)
    upload_all("Text")
    invalidations, pages = len(site.invalidated_paths()), site.object_keys()
    calls.clear()

    upload_all("Corrected text")

    assert calls["TransactWriteItems"] == 10
    assert calls["PutObject"] == 20  # the ten pages, rewritten in place, and their search records
    assert calls["SendMessage"] == 1  # one invalidation message for the ten pages
    assert site.object_keys() == pages
    [invalidation] = site.invalidated_paths()[invalidations:]
    sent = InvalidationPlan(tuple(invalidation), "-", len(invalidation))
    assert all(sent.covers(f"/articles/story-{n}/") for n in range(10))
    assert all(path.startswith("/articles/") for path in invalidation), "a listing invalidated"


def test_given_a_lost_transaction_race_then_the_retry_does_not_read_the_file_again(site: Site):
    # GIVEN an upload whose first commit loses a race to another transaction (as when two
    # deliveries of its notification run at once)
    calls = ingest_calls(site)
    lost = [False]

    def lose_once(**_: object) -> None:
        if not lost[0]:
            lost[0] = True
            reasons = [{"Code": "TransactionConflict", "Message": "in flight elsewhere"}]
            error = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
            response = {**error, "CancellationReasons": reasons}
            raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]

    events = session().get_component("event_emitter")
    events.register("before-parameter-build.dynamodb.TransactWriteItems", lose_once)
    try:
        # WHEN it is delivered
        site.upload("kettle.md", "---\ntitle: Kettle\ntags: [tea]\n---\nBoiled.\n")
    finally:
        events.unregister("before-parameter-build.dynamodb.TransactWriteItems", lose_once)

    # THEN it is published by a second commit (the lost one never reached the table), from the
    # object it read the first time
    assert lost[0] and site.page("/articles/kettle/") is not None
    assert calls["TransactWriteItems"] == 1
    assert calls["GetObject"] == 1
