"""Listings through the real pipeline: stable archive pages, author pages, per-listing feeds."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from tests.site.support import BuiltSite, build
from tests.support import Site, walk


@pytest.fixture
def small_pages() -> Iterator[Site]:
    """GIVEN an empty site whose listings hold two articles per page."""
    with embedded_aws({"SITE_URL": "https://news.example", "PAGE_SIZE": "2"}) as runtime:
        yield Site(runtime, Pipeline(runtime.settings, runtime.stack.client))


def post(title: str, day: int, tags: str = "Space", author: str = "Ada Byline") -> str:
    return (
        f"---\ntitle: {title}\ndate: 2026-03-{day:02d}\ntags: [{tags}]\n"
        f"author: {author}\n---\n\nAbout {title.lower()}.\n"
    )


def test_given_full_archive_pages_when_an_article_is_published_then_old_pages_keep_their_bytes(
    small_pages: Site,
):
    # GIVEN nine articles of one year in pages of two: 2026/ (oldest two), 2026/page/2/ ...
    # page/5/ (the newest, one article); the root shows pages 5 and 4, older links lead to 3
    for day in range(1, 10):
        small_pages.upload(f"p{day}.md", post(f"Post {day}", day), drain=False)
    small_pages.runtime.drain()
    oldest = {path: small_pages.page(path) for path in ("/2026/", "/tags/space/2026/page/2/")}
    assert small_pages.page("/2026/page/4/") is None, "the root shows page 4: not published"

    # WHEN a tenth is published
    changed, invalidated = small_pages.effects_during(
        lambda: small_pages.upload("p10.md", post("Post 10", 10))
    )

    # THEN the older pages keep their bytes and are not rewritten; page 4 leaves the root (it
    # is published now) and page 3, whose "newer" link now leads there, is re-rendered, and
    # none is invalidated (archive pages are listings: their TTL refreshes them)
    assert invalidated == []
    assert {path: small_pages.page(path) for path in oldest} == oldest
    assert not set(oldest) & set(changed)
    assert {"/", "/2026/page/4/", "/2026/page/3/", "/tags/space/2026/page/4/"} <= set(changed)
    home = small_pages.page("/")
    assert home is not None and 'href="/2026/page/4/" rel="next"' in home


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
    # GIVEN seven articles (archive pages of two), published one at a time into one site
    # and in one go into another: events batch differently, so listings render at other moments
    def listing_pages(one_at_a_time: bool) -> dict[str, str | None]:
        # The indexes refreshed at once: a count change's deferred refresh is a delayed message
        # that draining does not wait for (`test_sections_authors.py` follows it).
        settings = {"SITE_URL": "https://news.example", "PAGE_SIZE": "2"}
        with embedded_aws({**settings, "INDEX_REFRESH_SECONDS": "0"}) as runtime:
            site = Site(runtime, Pipeline(runtime.settings, runtime.stack.client))
            for day in range(1, 8):
                site.upload(f"p{day}.md", post(f"Post {day}", day), drain=one_at_a_time)
            runtime.drain()
            listings = sorted(k for k in site.object_keys() if not k.startswith("articles/"))
            return {key: site.page("/" + key) for key in listings}

    # WHEN both have drained
    one_by_one, at_once = listing_pages(True), listing_pages(False)

    # THEN every listing page, old archive pages included, is byte for byte the same: a page
    # shows nothing that changes without re-rendering it (the site is a function of the sources)
    assert one_by_one.keys() == at_once.keys() and "tags/space/2026/" in at_once
    assert [k for k in at_once if one_by_one[k] != at_once[k]] == []


# -- date order whatever the upload order ------------------------------------------------------


def test_given_150_posts_uploaded_in_shuffled_order_then_every_listing_walks_in_date_order(
    tmp_path: Path,
):
    # GIVEN 150 posts over six years with shuffled dates and file names (a migration), some
    # tags busy enough to be cut into months, others sparse
    shuffle = random.Random(15)
    days = [date(2020, 1, 1) + timedelta(days=shuffle.randrange(6 * 365)) for _ in range(150)]
    shuffle.shuffle(days)
    src = tmp_path / "posts"
    src.mkdir()
    expected: dict[str, set[str]] = {"/": set()}
    for number, day in enumerate(days):
        slug = f"post-{number:03}"
        tags = ["Busy"] if number % 2 else ["Sparse", f"Topic {number % 7}"]
        name = f"{shuffle.getrandbits(32):08x}.md"
        (src / name).write_text(
            f"---\ntitle: Post {number:03}\nslug: {slug}\ndate: {day.isoformat()}T"
            f"{number % 24:02}:00:00Z\ntags: [{', '.join(tags)}]\n---\n\nWords.\n"
        )
        expected["/"].add(slug)
        for tag in tags:
            expected.setdefault(f"/tags/{tag.lower().replace(' ', '-')}/", set()).add(slug)

    # WHEN they are built (uploaded in file-name order, so not in date order)
    built = build(src, tmp_path / "out", {})

    # THEN every listing, walked from its root by rel=next, lists every post once, newest first,
    # and no page repeats another
    for root, slugs in expected.items():
        pages = walk(built.page, root)
        listed = [card for _, cards in pages for card in cards]
        assert sorted(slug for slug, _ in listed) == sorted(slugs), root
        dates = [when for _, when in listed]
        assert dates == sorted(dates, reverse=True), f"{root}: a date goes up"
        assert all(cards for _, cards in pages), f"{root}: an empty page"
    assert len(walk(built.page, "/tags/busy/")) > 5, "the busy tag has archive pages"


# -- indexes with counts, sections, author profiles (issue 20) ----------------------------------


@pytest.mark.parametrize(
    ("index", "intro"),
    [("/tags/", "tagged"), ("/categories/", "in"), ("/authors/", "by")],
)
def test_given_the_samples_then_each_index_count_is_what_the_listing_page_says(
    built_site: BuiltSite, index: str, intro: str
):
    import re

    page = built_site.page(index) or ""
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">(\d+) article', page)
    assert found, f"{index} lists nothing"
    for path, name, count in found:
        listing = built_site.page(path) or ""
        said = re.search(r'<p class="listing-intro">(\d+) articles? ' + intro, listing)
        assert said is not None and said[1] == count, f"{name}: {index} says {count}"


def test_given_the_samples_then_the_author_profile_is_on_the_author_page_only(
    built_site: BuiltSite,
):
    author = built_site.page("/authors/lena-park/") or ""
    assert "edits the Ledger's technology desk" in author
    assert built_site.page("/articles/lena-park/") is None  # a profile is no article
    assert "technology desk" not in (built_site.page("/") or "")
