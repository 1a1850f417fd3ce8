"""The pure alias rules of `publishing.redirects`: normalisation, refusals, limits, the page."""

from __future__ import annotations

import pytest

from pressroom.publishing.cache_policy import CachePolicy
from pressroom.redirects import (
    MAX_ALIASES,
    AliasRefused,
    alias_key,
    collect,
    redirect_page,
)


@pytest.mark.parametrize(
    ("value", "section", "key"),
    [
        ("/posts/old-title/", "/", "posts/old-title/"),
        ("/posts/old-title", "/", "posts/old-title/"),
        ("/2016/01/old.html", "/", "2016/01/old.html"),
        ("old-title", "/posts/", "posts/old-title/"),
        ("old-title", "/", "old-title/"),
        ("/caf%C3%A9/", "/", "café/"),
        ("/a//b/", "/", "a/b/"),
        ("/old/?x=1#top", "/", "old/"),
        ("/articles/old-slug/", "/", "articles/old-slug/"),
    ],
)
def test_given_an_alias_path_when_normalised_then_it_is_a_site_key(value, section, key):
    assert alias_key(value, section) == key


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "//evil.com/",
        "https://evil.com/x",
        "../../etc/passwd",
        "/a/../../b/",
        "/%2e%2e/x/",
        "/%252e%252e/x/",
        '/"><script>alert(1)</script>',
        "/a\nb/",
        "/" + "a" * 10_000,
        "",
        "/",
        "/index.html",
        "/tags/x/",
        "/authors/ann/",
        "/page/2/",
        "/2024/",
        "/2024/03/",
        "/2024/03/05/",
        "/2024/page/2/",
        "/atom.xml",
        "/tags/x/rss.xml",
        "/feed.json",
        "/sitemap.xml",
        "/sitemaps/2024-03.xml",
        "/robots.txt",
        "/404.html",
        "/assets/style.css",
        "/articles/",
        "/old.0123456789ab.html",
        42,
    ],
)
def test_given_a_hostile_or_generated_alias_when_normalised_then_it_is_refused(value):
    with pytest.raises(AliasRefused):
        alias_key(value, "/")


def test_given_many_aliases_when_collected_then_at_most_the_limit_are_kept_with_warnings():
    values = [f"/old-{i}/" for i in range(MAX_ALIASES + 3)]
    aliases = collect([("aliases", values), ("redirect_from", "/tags/x/")], "/", "articles/a/")
    assert len(aliases.keys) == MAX_ALIASES
    assert len(aliases.warnings) == 4
    assert "redirect_from" in aliases.warnings[-1]


def test_given_duplicates_and_the_own_page_when_collected_then_they_are_dropped_silently():
    aliases = collect(
        [("aliases", ["/old/", "/old"]), ("permalink", "/articles/a/")], "/", "articles/a/"
    )
    assert aliases.keys == ("old/",)
    assert aliases.warnings == ()


def test_given_a_redirect_page_then_it_refreshes_to_the_target_with_canonical_and_noindex():
    page = redirect_page("/articles/new/", "https://example.com/articles/new/").decode()
    assert '<meta http-equiv="refresh" content="0; url=/articles/new/">' in page
    assert '<link rel="canonical" href="https://example.com/articles/new/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/articles/new/">' in page


def test_given_redirect_keys_then_they_get_the_listing_cache_rule():
    policy = CachePolicy()
    assert policy.rule_for(alias_key("/posts/old/")) == policy.listing
    assert policy.rule_for(alias_key("/2016/01/old.html")) == policy.listing
