"""Sections, author profiles and the indexes' counts on the embedded backend (issue 20): a
category is a listing like a tag (`/categories/<slug>/`, feeds, a `/categories/` index); an
author file gives the author's page a bio and a photo; the tags, categories and authors indexes
show each listing's count, right after publishes, deletes and retags, and a count that alone
changed is refreshed at most once a period (`INDEX_REFRESH_SECONDS`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.local.runtime import LocalRuntime
from pressroom.pipeline import Pipeline
from pressroom.publishing.rebuild import rebuild
from tests.support import Site
from tests.unit.media.generated import encode, photo


def story(
    title: str,
    day: int = 1,
    tags: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
) -> str:
    lines = [f"title: {title}", f"date: 2026-03-{day:02d}"]
    for key, values in (("tags", tags), ("categories", categories), ("authors", authors)):
        if values:
            lines.append(f"{key}: [{', '.join(values)}]")
    return "---\n" + "\n".join(lines) + "\n---\n\nSome words.\n"


def counts(page: str | None) -> dict[str, int]:
    """An index page's (name → count)."""
    assert page is not None
    found = re.findall(r'<a href="[^"]+">([^<]+)</a> <span class="count">(\d+) article', page)
    return {name: int(count) for name, count in found}


@pytest.fixture
def eager_site() -> Iterator[Site]:
    """GIVEN a site whose indexes are refreshed on every change (no refresh period)."""
    overrides = {"SITE_URL": "https://news.example", "INDEX_REFRESH_SECONDS": "0"}
    with embedded_aws(overrides) as local:
        yield Site(local, Pipeline(local.settings, local.stack.client))


def test_given_categorised_articles_then_each_section_has_a_page_feeds_and_an_index(
    eager_site: Site,
):
    site = eager_site
    site.upload("tea.md", story("Tea in orbit", 1, categories=("Space Travel",)))
    site.upload("moon.md", story("Moon base", 2, categories=("Space Travel", "Science")))

    section = site.page("/categories/space-travel/")
    assert section is not None and "Space Travel" in section and "2 articles in" in section
    assert section.index("/articles/moon/") < section.index("/articles/tea/")  # newest first
    for feed in ("atom.xml", "rss.xml", "feed.json"):
        assert "/articles/tea/" in (site.page(f"/categories/space-travel/{feed}") or "")
    article = site.page("/articles/moon/") or ""
    assert 'href="/categories/space-travel/" class="section"' in article
    assert 'href="/categories/science/" class="section"' in article
    assert '<meta property="article:section" content="Space Travel">' in article
    assert counts(site.page("/categories/")) == {"Science": 1, "Space Travel": 2}


def test_given_publishes_deletes_and_retags_then_every_index_count_is_right(eager_site: Site):
    site = eager_site
    site.upload("a.md", story("A", 1, ("Tea", "Space"), ("News",), ("Jane Doe",)))
    site.upload("b.md", story("B", 2, ("Tea",), ("News",), ("Jane Doe", "Li Wei")))
    assert counts(site.page("/tags/")) == {"Space": 1, "Tea": 2}
    assert counts(site.page("/authors/")) == {"Jane Doe": 2, "Li Wei": 1}
    assert counts(site.page("/categories/")) == {"News": 2}

    # WHEN one article is retagged, recategorised and loses an author
    site.upload("b.md", story("B", 2, ("Space",), ("Opinion",), ("Li Wei",)))
    assert counts(site.page("/tags/")) == {"Space": 2, "Tea": 1}
    assert counts(site.page("/authors/")) == {"Jane Doe": 1, "Li Wei": 1}
    assert counts(site.page("/categories/")) == {"News": 1, "Opinion": 1}

    # WHEN the same file is uploaded again (a redelivery changes nothing) and the other deleted
    site.upload("b.md", story("B", 2, ("Space",), ("Opinion",), ("Li Wei",)))
    site.delete("a.md")
    assert counts(site.page("/tags/")) == {"Space": 1}
    assert counts(site.page("/authors/")) == {"Li Wei": 1}
    assert counts(site.page("/categories/")) == {"Opinion": 1}


def test_given_a_count_change_within_the_refresh_period_then_one_delayed_refresh_shows_it(
    site: Site, runtime: LocalRuntime, pipeline: Pipeline
):
    """The tags index lists every tag: rendering it costs O(tags). A new tag shows at once; a
    count that alone changed is refreshed once the period since the last render is up, by one
    delayed message however many publishes came in between."""
    site.upload("a.md", story("A", 1, ("Tea",)))
    assert counts(site.page("/tags/")) == {"Tea": 1}
    sqs = runtime.stack.client("sqs")
    url = pipeline.settings.rebuild_queue_url

    def delayed() -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessagesDelayed"])

    joined = site.changed_during(lambda: site.upload("b.md", story("B", 2, ("Tea",))))
    site.upload("c.md", story("C", 3, ("Tea",)))

    assert "/tags/" not in joined and "/tags/tea/" in joined
    assert counts(site.page("/tags/")) == {"Tea": 1}  # not yet
    # one refresh for both publishes, of each index: the tags (counts), the sitemap (dates)
    assert delayed() == 2
    assert "<lastmod>2026-03-01" in (site.page("/sitemap.xml") or "")

    # WHEN the delayed messages arrive (what the rebuild function does with them)
    rebuild({"indexes": ["tags", "sitemap"]}, pipeline)

    assert counts(site.page("/tags/")) == {"Tea": 3}
    assert "<lastmod>2026-03-03" in (site.page("/sitemap.xml") or "")


PROFILE = "---\nname: Jane Doe\nphoto: jane.jpg\n---\n\nJane writes about *tea* in orbit.\n"


def test_given_an_author_profile_then_the_author_page_shows_bio_and_photo_and_follows_it(
    site: Site,
):
    site.upload("tea.md", story("Tea in orbit", 1, authors=("Jane Doe",)))
    article = site.page("/articles/tea/") or ""
    assert 'href="/authors/jane-doe/" rel="author"' in article  # the byline links the page

    # WHEN the profile arrives before its photo
    site.upload("authors/jane-doe.md", PROFILE)
    page = site.page("/authors/jane-doe/") or ""
    assert "Jane writes about <em>tea</em> in orbit." in page
    assert "author-photo" not in page
    assert "jane.jpg" in (site.report("authors/jane-doe.md") or "")  # told it is missing
    assert not [key for key in site.object_keys() if "profile" in key]  # no article made

    # WHEN the photo arrives THEN the page shows it, from the asset pipeline's renditions
    site.upload("authors/jane.jpg", encode(photo(800, 800), "JPEG"))
    page = site.page("/authors/jane-doe/") or ""
    [src] = re.findall(r'<figure class="author-photo">.*?<img src="([^"]+)"', page, re.S)
    assert src.startswith("/media/") and src.lstrip("/") in site.object_keys()
    assert 'alt="Jane Doe"' in page

    # WHEN the profile is edited, THEN deleted
    site.upload("authors/jane-doe.md", PROFILE.replace("about *tea*", "about *coffee*"))
    page = site.page("/authors/jane-doe/") or ""
    assert "about <em>coffee</em>" in page and "about <em>tea</em>" not in page
    site.delete("authors/jane-doe.md")
    page = site.page("/authors/jane-doe/") or ""
    assert "coffee" not in page and "author-photo" not in page
    assert "/articles/tea/" in page  # the author's articles stay


def test_given_a_profile_with_a_front_matter_bio_then_it_is_shown_escaped(site: Site):
    site.upload("tea.md", story("Tea", 1, authors=("Li Wei",)))
    site.upload("authors/li-wei.md", "---\nname: Li Wei\nbio: Writes <b>code</b> & tea.\n---\n")
    page = site.page("/authors/li-wei/") or ""
    assert "<p>Writes &lt;b&gt;code&lt;/b&gt; &amp; tea.</p>" in page


def test_given_listings_then_the_sitemap_lists_their_pages_and_dates_each_shard(
    eager_site: Site,
):
    site = eager_site
    site.upload("a.md", story("A", 1, ("Tea",), ("News",), ("Jane Doe",)))
    site.upload("b.md", story("B", 2, ("Tea",)))

    index = site.page("/sitemap.xml") or ""
    shards = dict(
        re.findall(r"<loc>https://news\.example/([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", index)
    )
    assert shards["sitemaps/home.xml"] == "2026-03-02"
    assert shards["sitemaps/tag/tea.xml"] == "2026-03-02"
    assert shards["sitemaps/category/news.xml"] == "2026-03-01"
    assert shards["sitemaps/author/jane-doe.xml"] == "2026-03-01"
    assert shards["sitemaps/2026-03.xml"].startswith("2026-03-02")
    assert "sitemaps/indexes.xml" in shards
    tag = site.page("/sitemaps/tag/tea.xml") or ""
    assert "<loc>https://news.example/tags/tea/</loc>" in tag
    indexes = site.page("/sitemaps/indexes.xml") or ""
    for path in ("/tags/", "/categories/", "/authors/"):
        assert f"<loc>https://news.example{path}</loc>" in indexes

    site.delete("a.md")
    index = site.page("/sitemap.xml") or ""
    assert "sitemaps/category/news.xml" not in index and "sitemaps/tag/tea.xml" in index
    assert site.page("/sitemaps/category/news.xml") is None


def test_given_a_rebuild_message_naming_an_unknown_index_then_it_is_dropped(pipeline: Pipeline):
    result = rebuild(json.loads('{"indexes": ["../../etc"]}'), pipeline)
    assert result.changes.written == []


def test_given_no_rebuild_queue_when_a_count_changes_then_the_index_is_rendered_at_once(
    site: Site, pipeline: Pipeline
):
    """Without a queue to carry the deferred refresh, waiting would lose it: render now."""
    from pressroom.publishing.catalog import ListingId
    from pressroom.publishing.listings import _refresh_index

    site.upload("a.md", story("A", 1, ("Tea",)))  # the index is rendered: its period starts
    tea = pipeline.store.get_head(ListingId("tag", "tea"))
    recount = replace(tea, days={"2026-03-01": 4}, version=tea.version + 1)
    assert pipeline.store.save_head(recount, tea.version)
    no_queue = Pipeline(replace(pipeline.settings, rebuild_queue_url=""), site.runtime.stack.client)

    _refresh_index("tags", "", no_queue)

    assert counts(site.page("/tags/")) == {"Tea": 4}


def test_given_more_categories_than_listed_then_the_first_are_listed_and_the_editor_told(
    site: Site,
):
    sections = tuple(f"Section {n}" for n in range(7))
    site.upload("tea.md", story("Tea", 1, categories=sections))

    assert site.page("/articles/tea/") is not None  # published, not refused
    assert site.page("/categories/section-4/") is not None
    assert site.page("/categories/section-5/") is None
    report = site.report("tea.md") or ""
    assert "listed in the first 5 only" in report and "Section 6" in report


def test_given_the_last_author_goes_then_the_authors_index_goes(eager_site: Site):
    site = eager_site
    site.upload("a.md", story("A", 1, authors=("Jane Doe",)))
    assert counts(site.page("/authors/")) == {"Jane Doe": 1}

    site.upload("a.md", story("A", 1))

    assert site.page("/authors/") is None  # as a fresh build of the files would have it
    assert "/authors/" not in (site.page("/sitemaps/indexes.xml") or "")
