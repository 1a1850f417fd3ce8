"""Acceptance on the embedded backend: a burst of uploads yields at most a handful of
invalidations naming a handful of paths, only for pages that were served and changed (new pages
and listings are never invalidated, see `publishing.cache_policy`); identical bytes write and
invalidate nothing."""

from __future__ import annotations

import pytest

from pressroom.paths import is_article_page, page_key
from pressroom.publishing.invalidation import InvalidationPlan, normalise
from tests.support import Site, changed_paths

BURST = 100
MAX_CALLS = 3  # CreateInvalidation requests for one burst
MAX_PATHS = 10  # paths they name, together: each is billed


def article(n: int, tags: list[str], text: str = "Paragraph") -> str:
    tag_list = ", ".join(tags)
    return (
        f"---\ntitle: Story number {n}\ndate: 2026-03-{n % 28 + 1:02d}\n"
        f"tags: [{tag_list}]\n---\n\n{text} {n}.\n"
    )


def upload_burst(site: Site, text: str = "Paragraph") -> None:
    """The hundred stories uploaded at once, then the pipeline drained."""
    for n in range(1, BURST + 1):
        site.upload(f"story-{n}.md", article(n, ["Common", f"Topic {n % 7}"], text), drain=False)
    site.runtime.drain()


def versions(site: Site) -> int:
    """How many object versions the (versioned) site bucket holds: every PUT adds one."""
    bucket = site.pipeline.settings.site_bucket
    return len(site.s3.list_object_versions(Bucket=bucket).get("Versions", []))


@pytest.mark.slow  # ~5 s: a hundred articles through moto's DynamoDB
def test_given_a_hundred_new_articles_uploaded_at_once_then_no_invalidation_is_paid_for(
    site: Site,
):
    site.upload("early.md", article(0, ["Early", "Common"]))
    before, calls_before = site.etags(), len(site.invalidated_paths())

    upload_burst(site)

    invalidations = site.invalidated_paths()[calls_before:]
    paths = [path for batch in invalidations for path in batch]
    assert len(invalidations) <= MAX_CALLS and len(paths) <= MAX_PATHS
    # Every page is new (in no cache) and listings are refreshed by their TTL: nothing to pay for
    assert paths == []
    changed = changed_paths(before, site.etags())
    assert len(changed) > BURST  # the article pages and the listings they joined


@pytest.mark.slow  # ~25 s: a hundred articles, then their edits (and related-card refreshes)
def test_given_a_hundred_served_articles_edited_at_once_then_at_most_three_invalidations_cover_them(
    site: Site,
):
    upload_burst(site)
    before, calls_before = site.etags(), len(site.invalidated_paths())

    upload_burst(site, text="Corrected paragraph")

    invalidations = site.invalidated_paths()[calls_before:]
    paths = [path for batch in invalidations for path in batch]
    assert 1 <= len(invalidations) <= MAX_CALLS and len(paths) <= MAX_PATHS
    edited = [
        path for path in changed_paths(before, site.etags()) if is_article_page(page_key(path))
    ]
    assert len(edited) == BURST
    sent = InvalidationPlan(tuple(paths), "-", len(paths))
    assert all(sent.covers(normalise(path)) for path in edited), "a stale article page"
    assert all(path.startswith("/articles/") for path in paths), "a listing was invalidated"


def test_given_an_identical_reupload_then_nothing_is_written_and_nothing_invalidated(site: Site):
    site.upload("alpha.md", article(1, ["One", "Two"]))
    versions_before = versions(site)

    changed, invalidated = site.effects_during(
        lambda: site.upload("alpha.md", article(1, ["One", "Two"]))
    )

    assert changed == [] and invalidated == []
    assert versions(site) == versions_before, "an identical render was PUT again"
