"""Listings through the real pipeline: stable archive pages, author pages, per-listing feeds."""

from __future__ import annotations

import json
from collections.abc import Iterator

import feedparser
import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings
from tests.support import Site


@pytest.fixture
def small_pages() -> Iterator[Site]:
    """GIVEN an empty site whose listings hold two articles per page."""
    with embedded_aws({"SITE_URL": "https://news.example", "PAGE_SIZE": "2"}) as runtime:
        yield Site(runtime, Pipeline(Settings.from_env(), runtime.stack.client))


def post(title: str, day: int, tags: str = "Space", author: str = "Ada Byline") -> str:
    return (
        f"---\ntitle: {title}\ndate: 2026-03-{day:02d}\ntags: [{tags}]\n"
        f"author: {author}\n---\n\nAbout {title.lower()}.\n"
    )


def test_given_full_archive_pages_when_an_article_is_published_then_old_pages_keep_their_bytes(
    small_pages: Site,
):
    for day in range(1, 6):
        small_pages.upload(f"p{day}.md", post(f"Post {day}", day), drain=False)
    small_pages.runtime.drain()
    first = small_pages.page("/page/1/")
    second = small_pages.page("/tags/space/page/2/")

    changed = small_pages.invalidated_during(lambda: small_pages.upload("p6.md", post("Post 6", 6)))

    assert (
        small_pages.page("/page/1/") == first and small_pages.page("/tags/space/page/2/") == second
    )
    assert "/page/1/" not in changed and "/tags/space/page/2/" not in changed
    assert {"/page/3/", "/tags/space/", "/tags/space/page/3/"} <= set(changed), changed
    home = small_pages.page("/")
    assert home is not None and 'href="/page/3/"' in home, "the root links the newest archive"


def test_given_articles_with_authors_then_each_author_has_a_page_linked_from_the_articles(
    small_pages: Site,
):
    small_pages.upload("first.md", post("First", 1, author="Ada Byline"))
    small_pages.upload("second.md", post("Second", 2, author="Ben Copy"))

    ada = small_pages.page("/authors/ada-byline/")
    article = small_pages.page("/articles/first/")

    assert ada is not None and 'href="/articles/first/"' in ada and "/articles/second/" not in ada
    assert article is not None and 'href="/authors/ada-byline/" rel="author"' in article
    assert small_pages.page("/authors/ada-byline/atom.xml") is not None


def test_given_tagged_articles_then_the_tag_feeds_list_them_newest_first_with_absolute_urls(
    small_pages: Site,
):
    small_pages.upload("old-news.md", post("Old news", 1, tags="Space, Tea"))
    small_pages.upload("new-news.md", post("New news", 9, tags="Space"))

    atom = feedparser.parse(small_pages.page("/tags/space/atom.xml"))
    rss = feedparser.parse(small_pages.page("/tags/space/rss.xml"))
    json_feed = json.loads(small_pages.page("/tags/space/feed.json") or "{}")

    expected = [
        "https://news.example/articles/new-news/",
        "https://news.example/articles/old-news/",
    ]
    assert [entry.link for entry in atom.entries] == expected
    assert [entry.link for entry in rss.entries] == expected
    assert [item["url"] for item in json_feed["items"]] == expected
    assert json_feed["feed_url"] == "https://news.example/tags/space/feed.json"
    assert [
        entry.link for entry in feedparser.parse(small_pages.page("/atom.xml")).entries
    ] == expected
    tea = feedparser.parse(small_pages.page("/tags/tea/rss.xml"))
    assert [entry.link for entry in tea.entries] == expected[1:]


def test_given_the_last_article_of_a_tag_when_deleted_then_its_page_and_feeds_go(
    small_pages: Site,
):
    small_pages.upload("tea.md", post("Tea time", 1, tags="Tea"))
    assert small_pages.page("/tags/tea/feed.json") is not None

    small_pages.delete("tea.md")

    assert not any(key.startswith("tags/tea/") for key in small_pages.object_keys())
    home_feed = json.loads(small_pages.page("/feed.json") or "{}")
    assert home_feed["items"] == [], "the site feed stays, empty"


def test_given_the_same_articles_published_one_by_one_or_at_once_then_listings_are_identical():
    # GIVEN seven articles (four archive pages of two), published one at a time into one site
    # and in one go into another: events batch differently, so listings render at other moments
    def listing_pages(one_at_a_time: bool) -> dict[str, str | None]:
        with embedded_aws({"SITE_URL": "https://news.example", "PAGE_SIZE": "2"}) as runtime:
            site = Site(runtime, Pipeline(Settings.from_env(), runtime.stack.client))
            for day in range(1, 8):
                site.upload(f"p{day}.md", post(f"Post {day}", day), drain=one_at_a_time)
            runtime.drain()
            listings = sorted(k for k in site.object_keys() if not k.startswith("articles/"))
            return {key: site.page("/" + key) for key in listings}

    # WHEN both have drained
    one_by_one, at_once = listing_pages(True), listing_pages(False)

    # THEN every listing page, old archive pages included, is byte for byte the same: a page
    # shows nothing that changes without re-rendering it (the site is a function of the sources)
    assert one_by_one.keys() == at_once.keys() and "tags/space/page/1/" in at_once
    assert [k for k in at_once if one_by_one[k] != at_once[k]] == []
