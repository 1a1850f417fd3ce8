"""Cache headers per object kind (`publishing.cache_policy`): hashed assets immutable for a
year; article pages a day on the CDN (invalidated when they change); listings, feeds and
sitemaps a few seconds on the CDN with stale-while-revalidate (never invalidated, so their TTL
is their staleness bound); browsers revalidate every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.local.cdn import CACHING_OPTIMIZED, EdgeConfig, cache_directives, freshness_of
from pressroom.local.template import Template
from pressroom.publishing.cache_policy import ONE_DAY, CachePolicy
from pressroom.publishing.site_writer import content_type_of
from pressroom.settings import Settings
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


POLICY = CachePolicy()


def cache_control_of(key: str) -> str:
    return POLICY.rule_for(key).cache_control


def directives(key: str) -> dict[str, str | None]:
    return cache_directives(cache_control_of(key))


def test_given_a_content_hashed_asset_then_it_is_immutable_for_a_year():
    assert cache_control_of("assets/style.3f2a9c1b7e4d.css") == (
        "public, max-age=31536000, immutable"
    )
    assert not POLICY.rule_for("assets/style.3f2a9c1b7e4d.css").invalidated


def test_given_an_article_page_then_the_cdn_keeps_it_a_day_and_its_changes_are_invalidated():
    rule = POLICY.rule_for("articles/alpha/")

    assert directives("articles/alpha/")["s-maxage"] == str(ONE_DAY)
    assert rule.invalidated


@pytest.mark.parametrize(
    "key",
    ["tags/x/", "tags/x/2019/page/2/", "authors/a/", "2024/03/", "tags/", "atom.xml",
     "tags/x/rss.xml", "feed.json", "sitemap.xml", "sitemaps/2026-03.xml", "robots.txt",
     "404.html", "assets/logo.png"],
)  # fmt: skip
def test_given_a_listing_or_other_page_that_changes_in_place_then_its_ttl_bounds_it(key: str):
    # Never invalidated: s-maxage plus stale-while-revalidate is how old a copy can be.
    rule = POLICY.rule_for(key)

    assert not rule.invalidated and not rule.immutable
    assert directives(key)["s-maxage"] == str(POLICY.listing_seconds)
    assert directives(key)["stale-while-revalidate"] == str(POLICY.listing_seconds // 2)
    assert rule.staleness_seconds == POLICY.listing_seconds + POLICY.listing_seconds // 2


def test_given_the_home_page_then_it_is_the_shortest_lived_listing():
    home = POLICY.rule_for("index.html")

    assert home.edge_seconds < POLICY.listing.edge_seconds
    assert home.staleness_seconds < POLICY.listing.staleness_seconds
    assert not home.invalidated


@pytest.mark.parametrize("key", ["index.html", "tags/x/", "articles/alpha/", "atom.xml"])
def test_given_any_page_then_browsers_revalidate_it_and_the_cdn_may_serve_it_on_origin_errors(
    key: str,
):
    assert directives(key)["max-age"] == "0"
    assert directives(key)["stale-if-error"] == str(ONE_DAY)
    assert "public" in directives(key)


def test_given_settings_then_the_pipeline_writes_with_their_ttls():
    settings = Settings.from_env(
        {"CONTENT_TABLE": "t", "INGEST_BUCKET": "i", "SITE_BUCKET": "s",
         "HOME_CACHE_SECONDS": "7", "LISTING_CACHE_SECONDS": "40"}
    )  # fmt: skip

    policy = CachePolicy(settings.home_cache_seconds, settings.listing_cache_seconds)

    assert policy.rule_for("index.html").cache_control.startswith("public, max-age=0, s-maxage=7,")
    assert "s-maxage=40, stale-while-revalidate=20" in policy.rule_for("tags/x/").cache_control


def test_given_the_templates_parameters_then_their_defaults_are_the_policys():
    template = Template(REPO / "template.yaml")
    parameters = template.doc["Parameters"]
    environment = template.doc["Globals"]["Function"]["Environment"]["Variables"]

    assert parameters["HomePageCacheSeconds"]["Default"] == Settings.home_cache_seconds
    assert parameters["ListingCacheSeconds"]["Default"] == Settings.listing_cache_seconds
    assert set(environment) >= {"HOME_CACHE_SECONDS", "LISTING_CACHE_SECONDS"}


@pytest.mark.parametrize("key", ["index.html", "tags/x/", "articles/alpha/"])
def test_given_the_distributions_cache_policy_then_each_kind_is_cached_as_its_rule_says(key: str):
    # What the edge (the local CDN, which reads CloudFront's rules) computes from the header.
    rule = POLICY.rule_for(key)

    freshness = freshness_of({"Cache-Control": rule.cache_control}, CACHING_OPTIMIZED)

    assert freshness.ttl == rule.edge_seconds
    assert freshness.stale_while_revalidate == rule.stale_seconds


def test_given_the_template_then_a_404_is_cached_briefly_so_a_new_page_needs_no_invalidation():
    edge = EdgeConfig.from_template(Template(REPO / "template.yaml"))

    for code in (403, 404):
        assert edge.error_response(code).caching_min_ttl <= 2
        assert edge.error_response(code).page_path == "/404.html"


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

    html = "text/html; charset=utf-8"
    assert headers("articles/alpha/") == (html, cache_control_of("articles/alpha/"))
    assert headers("tags/one/") == (html, cache_control_of("tags/one/"))
    assert headers("index.html") == (html, cache_control_of("index.html"))
    listing = POLICY.listing.cache_control
    assert headers("sitemap.xml") == ("application/xml; charset=utf-8", listing)
    assert headers("robots.txt") == ("text/plain; charset=utf-8", listing)
    assert headers("atom.xml") == ("application/atom+xml; charset=utf-8", listing)
    assert headers("tags/one/rss.xml") == ("application/rss+xml; charset=utf-8", listing)
    assert headers("feed.json") == ("application/feed+json; charset=utf-8", listing)
    [stylesheet] = [key for key in site.object_keys() if key.startswith("assets/style.")]
    assert headers(stylesheet) == ("text/css; charset=utf-8", cache_control_of(stylesheet))
    [script] = [key for key in site.object_keys() if key.startswith("assets/search.")]
    assert headers(script) == ("text/javascript; charset=utf-8", cache_control_of(script))
    assert headers("search/") == (html, listing)
    assert len({cache_control_of(k) for k in ("articles/alpha/", "index.html", "tags/one/")}) == 3
