"""Redirects published (issue 18): front-matter aliases and old slugs become redirect pages that
lead to the article, are removed when the article lets go of them, and never cover a live
article's page. A key is one article's redirect: the one whose source key is lowest; the others
wait for it.
On the embedded backend, with the rebuild queue drained after each upload."""

from __future__ import annotations

from tests.support import Site


def post(title: str, *front: str, slug: str = "") -> str:
    lines = [f"title: {title}", "date: 2026-03-01", *front] + ([f"slug: {slug}"] if slug else [])
    return "---\n" + "\n".join(lines) + "\n---\n\nSome words.\n"


def leads_to(site: Site, path: str) -> str | None:
    """The path a redirect page at `path` leads to; None if there is no page, "" if the page
    is not a redirect."""
    page = site.page(path)
    if page is None:
        return None
    marker = 'http-equiv="refresh" content="0; url='
    return page.split(marker, 1)[1].split('"', 1)[0] if marker in page else ""


def test_given_aliases_when_published_then_each_redirects_to_the_article_and_is_not_listed(
    site: Site,
):
    site.upload(
        "posts/new-home.md",
        post("New home", "aliases: [/2016/01/old.html, old-home, /articles/older/]"),
    )

    for path in ("/2016/01/old.html", "/posts/old-home/", "/articles/older/"):
        assert leads_to(site, path) == "/articles/new-home/"
    page = site.page("/posts/old-home/")
    assert page is not None and 'rel="canonical" href="http' in page and "noindex" in page
    home = site.page("/")
    assert home is not None and "old-home" not in home and home.count("/articles/new-home/") >= 1


def test_given_an_alias_removed_or_the_article_deleted_then_its_redirect_pages_go(site: Site):
    site.upload("story.md", post("Story", "aliases: [/a/, /b/]"))

    site.upload("story.md", post("Story", "aliases: [/b/, /c/]"))
    assert (leads_to(site, "/a/"), leads_to(site, "/b/"), leads_to(site, "/c/")) == (
        None,
        "/articles/story/",
        "/articles/story/",
    )

    site.delete("story.md")
    assert {leads_to(site, path) for path in ("/a/", "/b/", "/c/", "/articles/story/")} == {None}


def test_given_renames_then_every_old_slug_redirects_and_a_delete_removes_them_all(site: Site):
    """The reverted first version kept one old slug: renaming twice then deleting left a
    redirect to a page that no longer existed."""
    site.upload("vote.md", post("Vote", slug="budget-vote"))
    site.upload("vote.md", post("Vote", slug="council-vote"))
    site.upload("vote.md", post("Vote", slug="final-vote"))

    assert leads_to(site, "/articles/budget-vote/") == "/articles/final-vote/"
    assert leads_to(site, "/articles/council-vote/") == "/articles/final-vote/"
    assert leads_to(site, "/articles/final-vote/") == ""

    site.upload("vote.md", post("Vote", slug="budget-vote"))  # back to its first slug
    assert leads_to(site, "/articles/budget-vote/") == ""
    assert leads_to(site, "/articles/final-vote/") == "/articles/budget-vote/"

    site.delete("vote.md")
    for slug in ("budget-vote", "council-vote", "final-vote"):
        assert site.page(f"/articles/{slug}/") is None
    assert not [item for item in site.table_items() if item["pk"]["S"].startswith("RDR#")]


def test_given_two_articles_claim_one_alias_then_the_lower_key_holds_it_whoever_came_first(
    site: Site,
):
    """The site is a function of the sources: not of which upload was processed first."""
    site.upload("second.md", post("Second", "aliases: [/shared/]"))
    assert leads_to(site, "/shared/") == "/articles/second/"

    site.upload("first.md", post("First", "aliases: [/shared/]"))
    assert leads_to(site, "/shared/") == "/articles/first/", "the lower key takes it over"

    site.upload("second.md", post("Second", "aliases: [/shared/]", "tags: [x]"))
    assert leads_to(site, "/shared/") == "/articles/first/", "and keeps it"

    site.upload("first.md", post("First"))
    assert leads_to(site, "/shared/") == "/articles/second/", "the waiting article takes it back"


def test_given_an_alias_over_a_live_article_then_the_article_stays_until_it_goes(site: Site):
    site.upload("taken.md", post("Taken"))
    site.upload("other.md", post("Other", "aliases: [/articles/taken/]"))
    assert leads_to(site, "/articles/taken/") == ""

    site.delete("taken.md")

    assert leads_to(site, "/articles/taken/") == "/articles/other/"


def test_given_a_new_article_takes_an_old_slug_then_it_wins_and_the_redirect_returns_after(
    site: Site,
):
    site.upload("moved.md", post("Moved", slug="old-name"))
    site.upload("moved.md", post("Moved", slug="new-name"))
    assert leads_to(site, "/articles/old-name/") == "/articles/new-name/"

    site.upload("newcomer.md", post("Newcomer", slug="old-name"))
    assert leads_to(site, "/articles/old-name/") == "", "an article's page beats a redirect"

    site.delete("newcomer.md")
    assert leads_to(site, "/articles/old-name/") == "/articles/new-name/"


def test_given_a_rejected_reupload_then_the_live_articles_redirects_stay(site: Site):
    site.upload("story.md", post("Story", "aliases: [/kept/]"))

    site.upload("story.md", "---\ntitle: [unclosed\n---\nbody\n")

    assert leads_to(site, "/kept/") == "/articles/story/"
