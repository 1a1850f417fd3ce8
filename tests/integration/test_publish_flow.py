"""End to end on the embedded backend: S3 upload → ingest → pages + index → invalidations.

What a publish rewrites is checked on the site bucket (`Site.changed_during`); what it
invalidates follows the cache policy: only an article page that was served before and changed
or went (listings are refreshed by their short TTLs, a new page is in no cache)."""

from __future__ import annotations

from tests.support import Site


def article(title: str, tags: list[str], body: str = "Some words.") -> str:
    tag_list = ", ".join(tags)
    return f"---\ntitle: {title}\ndate: 2026-03-01\ntags: [{tag_list}]\n---\n\n{body}\n"


def listed_slugs(html: str | None) -> list[str]:
    import re

    assert html is not None
    return re.findall(r'<h2><a href="/articles/([^/]+)/">', html)


def with_feeds(*listings: str) -> list[str]:
    """Listing pages and their Atom, RSS and JSON feeds (cards show tags, so feeds change too)."""
    return [path for root in listings for path in (root, *(root + f for f in FEEDS))]


FEEDS = ("atom.xml", "rss.xml", "feed.json")


def test_given_new_article_when_uploaded_then_article_tag_and_home_pages_link_it(site: Site):
    site.upload("tea-in-orbit.md", article("Tea in orbit", ["Space", "Elon Musk"]))

    page = site.page("/articles/tea-in-orbit/")
    assert page is not None and "<h1>Tea in orbit</h1>" in page
    assert 'href="/tags/space/"' in page and 'href="/tags/elon-musk/"' in page
    assert listed_slugs(site.page("/tags/space/")) == ["tea-in-orbit"]
    assert listed_slugs(site.page("/tags/elon-musk/")) == ["tea-in-orbit"]
    assert listed_slugs(site.page("/")) == ["tea-in-orbit"]
    tags_index = site.page("/tags/")
    assert tags_index is not None and ">Elon Musk</a>" in tags_index


def test_given_article_when_tags_change_then_it_moves_between_tag_pages(site: Site):
    site.upload("tea-in-orbit.md", article("Tea in orbit", ["Space", "Tea"]))
    site.upload("other-story.md", article("Other story", ["Space"]))

    changed, invalidated = site.effects_during(
        lambda: site.upload("tea-in-orbit.md", article("Tea in orbit", ["Space", "Rockets"]))
    )

    assert site.page("/tags/tea/") is None, "a tag page whose last article left is deleted"
    assert listed_slugs(site.page("/tags/rockets/")) == ["tea-in-orbit"]
    assert sorted(listed_slugs(site.page("/tags/space/"))) == ["other-story", "tea-in-orbit"]
    assert changed == sorted(
        [
            "/articles/tea-in-orbit/",
            "/tags/",
            *with_feeds("/", "/tags/rockets/", "/tags/space/", "/tags/tea/"),
            # the sitemap index names the tags' sitemaps: one came, one went
            "/sitemap.xml",
            "/sitemaps/tag/rockets.xml",
            "/sitemaps/tag/tea.xml",
        ]
    )
    # The tag pages it left and joined are listings: their TTL refreshes them, unpaid.
    assert invalidated == ["/articles/tea-in-orbit/"]


def test_given_create_update_delete_then_each_step_rewrites_its_paths_and_invalidates_only_the_page(
    site: Site,
):
    # GIVEN a new article: its page, its listings and the site's shared objects appear, and
    # nothing is invalidated (a URL never served is in no cache; listings are never invalidated)
    created, invalidated = site.effects_during(
        lambda: site.upload("alpha.md", article("Alpha", ["1", "2"]))
    )
    stylesheet = next(key for key in site.object_keys() if key.startswith("assets/style."))
    script = next(key for key in site.object_keys() if key.startswith("assets/search."))
    assert created == sorted(
        [
            "/404.html",
            "/articles/alpha/",
            "/" + stylesheet,
            "/" + script,
            "/search/",
            "/robots.txt",
            "/sitemap.xml",
            "/sitemaps/2026-03.xml",
            # the listings' pages have sitemaps too, and so do the indexes
            "/sitemaps/home.xml",
            "/sitemaps/indexes.xml",
            "/sitemaps/tag/1.xml",
            "/sitemaps/tag/2.xml",
            "/tags/",
            *with_feeds("/", "/tags/1/", "/tags/2/"),
        ]
    )
    assert invalidated == []

    # WHEN its tags change THEN exactly the article, the old and new tag pages and the index are
    # rewritten, and only the article's page, which was served, is invalidated
    moved, invalidated = site.effects_during(
        lambda: site.upload("alpha.md", article("Alpha", ["2", "3"]))
    )
    assert moved == sorted(
        [
            "/articles/alpha/",
            "/sitemap.xml",
            "/sitemaps/tag/1.xml",
            "/sitemaps/tag/3.xml",
            "/tags/",
            *with_feeds("/", "/tags/1/", "/tags/2/", "/tags/3/"),
        ]
    )
    assert invalidated == ["/articles/alpha/"]

    # WHEN it is deleted THEN its page, its listings and every index item go; only its page is
    # invalidated
    deleted, invalidated = site.effects_during(lambda: site.delete("alpha.md"))
    assert deleted == sorted(
        [
            "/articles/alpha/",
            "/sitemap.xml",
            "/sitemaps/2026-03.xml",
            "/sitemaps/home.xml",
            "/sitemaps/indexes.xml",
            "/sitemaps/tag/2.xml",
            "/sitemaps/tag/3.xml",
            "/tags/",  # no tag left: the index goes too
            *with_feeds("/", "/tags/2/", "/tags/3/"),
        ]
    )
    assert invalidated == ["/articles/alpha/"]
    assert site.page("/articles/alpha/") is None
    assert not any(key.startswith("tags/") and key != "tags/" for key in site.object_keys())
    assert listed_slugs(site.page("/")) == []
    leftovers = [
        item["pk"]["S"]
        for item in site.table_items()
        if item["pk"]["S"].startswith(("ART#", "LST#"))
    ]
    assert leftovers == []


def test_given_identical_reupload_then_nothing_is_written_or_invalidated(site: Site):
    site.upload("alpha.md", article("Alpha", ["One"]))
    pages = {key: site.pipeline.site_bucket.get(key) for key in site.object_keys()}

    changed, invalidated = site.effects_during(
        lambda: site.upload("alpha.md", article("Alpha", ["One"]))
    )

    assert changed == [] and invalidated == []
    assert {key: site.pipeline.site_bucket.get(key) for key in site.object_keys()} == pages


def test_given_a_late_duplicate_event_after_delete_then_the_article_stays_deleted(site: Site):
    site.upload("alpha.md", article("Alpha", ["One"]))
    put_event = site.runtime.stack.client("sqs")
    queue = site.runtime.stack.refs["IngestQueue"]
    late_put = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": site.pipeline.settings.ingest_bucket},
                    "object": {"key": "articles/alpha.md"},
                },
            }
        ]
    }
    site.delete("alpha.md")

    import json

    put_event.send_message(QueueUrl=queue, MessageBody=json.dumps(late_put))
    site.runtime.drain()

    assert site.page("/articles/alpha/") is None
    assert listed_slugs(site.page("/")) == []


def test_given_an_article_listed_as_related_when_it_changes_or_goes_then_the_lister_follows(
    site: Site,
):
    site.upload("older-story.md", article("Older story", ["Council", "Budget"]))
    site.upload("newer-story.md", article("Newer story", ["Council", "Budget"]))
    assert 'href="/articles/older-story/"' in (site.page("/articles/newer-story/") or "")

    corrected, invalidated = site.effects_during(
        lambda: site.upload(
            "older-story.md", article("Older story, corrected", ["Council", "Budget"])
        )
    )
    assert "Older story, corrected" in (site.page("/articles/newer-story/") or "")
    # The lister changed only for the other article's sake: its TTL refreshes it, unpaid.
    assert "/articles/newer-story/" in corrected
    assert invalidated == ["/articles/older-story/"]

    gone, invalidated = site.effects_during(lambda: site.delete("older-story.md"))
    assert 'href="/articles/older-story/"' not in (site.page("/articles/newer-story/") or "")
    assert "/articles/newer-story/" in gone
    assert invalidated == ["/articles/older-story/"]


def test_given_existing_tags_when_an_article_joins_them_then_the_tags_index_waits_its_period(
    site: Site,
):
    """The tags index lists every tag, so rendering it costs O(tags): it is rendered at once
    when a tag appears or goes; a count that alone changed waits for the index's refresh
    period (`tests/integration/test_sections_authors.py` follows the refresh)."""
    site.upload("first.md", article("First", ["Space", "Tea"]))

    joined = site.changed_during(lambda: site.upload("second.md", article("Second", ["Tea"])))
    added = site.changed_during(lambda: site.upload("third.md", article("Third", ["Moon"])))

    assert "/tags/" not in joined and "/tags/tea/" in joined
    assert "/tags/" in added
    index = site.page("/tags/") or ""
    assert index.index(">Moon</a>") < index.index(">Space</a>") < index.index(">Tea</a>")
