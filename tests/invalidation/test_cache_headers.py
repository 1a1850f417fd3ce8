"""Cache headers per object kind: hashed assets immutable for a year; pages, feeds and sitemaps
short-lived for browsers, long-lived on the CDN (which is invalidated on change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pressroom.local.template import Template
from pressroom.publishing.site_writer import (
    IMMUTABLE,
    SHORT_LIVED,
    cache_control_of,
    content_type_of,
)
from tests.support import Site

REPO = Path(__file__).resolve().parents[2]
ATOM = b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
RSS = b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel>'
SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="/s.xsl"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
)
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "News"}'


@pytest.mark.parametrize(
    ("key", "body", "expected"),
    [
        ("tags/x/", b"<!doctype html>", "text/html; charset=utf-8"),
        ("index.html", b"<!doctype html>", "text/html; charset=utf-8"),
        ("404.html", b"<!doctype html>", "text/html; charset=utf-8"),
        ("feed.xml", ATOM, "application/atom+xml; charset=utf-8"),
        ("tags/x/atom.xml", ATOM, "application/atom+xml; charset=utf-8"),
        ("rss.xml", RSS, "application/rss+xml; charset=utf-8"),
        ("sitemap.xml", SITEMAP, "application/xml; charset=utf-8"),
        ("sitemaps/2026-03.xml", SITEMAP, "application/xml; charset=utf-8"),
        ("feed.json", JSON_FEED, "application/feed+json; charset=utf-8"),
        ("data.json", b'{"version": 2}', "application/json; charset=utf-8"),
        ("robots.txt", b"User-agent: *", "text/plain; charset=utf-8"),
        ("assets/style.0123456789ab.css", b"body{}", "text/css; charset=utf-8"),
        ("assets/logo.0123456789ab.png", b"\x89PNG", "image/png"),
    ],
)
def test_given_an_object_kind_then_its_content_type_names_the_format_and_charset(
    key: str, body: bytes, expected: str
):
    assert content_type_of(key, body) == expected


def test_given_a_content_hashed_asset_then_it_is_immutable_for_a_year():
    assert cache_control_of("assets/style.3f2a9c1b7e4d.css") == IMMUTABLE
    assert "max-age=31536000" in IMMUTABLE and "immutable" in IMMUTABLE


@pytest.mark.parametrize(
    "key",
    ["index.html", "tags/x/", "feed.xml", "sitemap.xml", "robots.txt", "assets/logo.png"],
)
def test_given_an_object_that_changes_in_place_then_browsers_keep_it_a_minute(key: str):
    # An asset without a hash in its name changes in place too: it must not be immutable.
    assert cache_control_of(key) == SHORT_LIVED
    assert re.search(r"(?<!-)max-age=60\b", SHORT_LIVED)
    assert "s-maxage=86400" in SHORT_LIVED


def test_given_the_templates_cache_policy_then_it_honours_the_origins_cache_control():
    # Managed "CachingOptimized" (min 1 s, default 1 day, max 1 year) follows the origin's
    # s-maxage/max-age within those bounds; a policy with a fixed TTL would not.
    caching_optimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    template = Template(REPO / "template.yaml")
    config = template.properties("Distribution")["DistributionConfig"]

    assert config["DefaultCacheBehavior"]["CachePolicyId"] == caching_optimized
    assert not config.get("CacheBehaviors"), "a path-specific behaviour needs its own check"


def test_given_a_published_article_then_each_stored_object_carries_its_headers(site: Site):
    site.upload("alpha.md", "---\ntitle: Alpha\ndate: 2026-03-01\ntags: [One]\n---\n\nHi.\n")

    def headers(key: str) -> tuple[str, str]:
        head = site.s3.head_object(Bucket=site.pipeline.settings.site_bucket, Key=key)
        return head["ContentType"], head["CacheControl"]

    html = ("text/html; charset=utf-8", SHORT_LIVED)
    assert headers("articles/alpha/") == html
    assert headers("tags/one/") == html
    assert headers("index.html") == html
    assert headers("sitemap.xml") == ("application/xml; charset=utf-8", SHORT_LIVED)
    assert headers("robots.txt") == ("text/plain; charset=utf-8", SHORT_LIVED)
    assert headers("atom.xml") == ("application/atom+xml; charset=utf-8", SHORT_LIVED)
    assert headers("tags/one/rss.xml") == ("application/rss+xml; charset=utf-8", SHORT_LIVED)
    assert headers("feed.json") == ("application/feed+json; charset=utf-8", SHORT_LIVED)
    [stylesheet] = [key for key in site.object_keys() if key.startswith("assets/")]
    assert headers(stylesheet) == ("text/css; charset=utf-8", IMMUTABLE)
