"""An ingest batch is synced together: each article commits on its own, and their pages share
one read and one write of the page hashes and one invalidation message."""

from __future__ import annotations

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
    assert calls["SendMessage"] == 1  # one invalidation message for the ten pages
    assert calls["BatchWriteItem"] == 3  # 50 related links (25 to a request), the page hashes
    assert calls["PutObject"] == 10  # the ten pages (the stylesheet and 404 are unchanged)
    assert calls["Query"] == 11  # related articles: the newest of each of the 11 tags, once
    assert calls["DeleteObject"] == 0  # no report to clear
    for n in range(10):
        page = site.page(f"/articles/story-{n}/")
        assert page is not None and f"Text {n}." in page
    assert "Story 9" in (site.page("/tags/common/") or "")
