"""Redirects end to end on the embedded backend: a slug change leaves a redirect page at the
article's old URL (see `publishing.redirects`)."""

from __future__ import annotations

from tests.support import Site

POST = "---\ntitle: Budget vote\ndate: 2026-03-01\ntags: [council]\n---\n\nThe council voted.\n"
RENAMED = POST.replace("tags:", "slug: council-budget\ntags:")


def test_given_a_slug_change_then_the_old_url_is_a_redirect_page_and_is_invalidated(site: Site):
    site.upload("budget-vote.md", POST)
    assert site.page("/articles/budget-vote/") is not None

    invalidated = site.invalidated_during(lambda: site.upload("budget-vote.md", RENAMED))

    page = site.page("/articles/budget-vote/")
    assert page is not None
    assert '<meta http-equiv="refresh" content="0; url=/articles/council-budget/">' in page
    assert 'rel="canonical" href="' in page and '/articles/council-budget/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "/articles/budget-vote/" in invalidated
    head = site.s3.head_object(
        Bucket=site.pipeline.settings.site_bucket, Key="articles/budget-vote/"
    )
    assert head["ContentType"].startswith("text/html")


def test_given_a_renamed_article_when_deleted_then_its_pages_go(site: Site):
    site.upload("budget-vote.md", POST)
    site.upload("budget-vote.md", RENAMED)

    site.delete("budget-vote.md")

    assert site.page("/articles/council-budget/") is None


def test_given_another_article_takes_the_old_slug_then_that_article_wins(site: Site):
    site.upload("budget-vote.md", POST)
    site.upload("budget-vote.md", RENAMED)

    site.upload(
        "other.md",
        POST.replace("Budget vote", "Another").replace("tags:", "slug: budget-vote\ntags:"),
    )

    page = site.page("/articles/budget-vote/")
    assert page is not None and "<h1>Another</h1>" in page
