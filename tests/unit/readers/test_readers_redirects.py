"""Redirects asked for in front matter (issue 18): Hugo `aliases` and `url`, Jekyll
`redirect_from` and `permalink`, read into the site keys that redirect to the article."""

from __future__ import annotations

import pytest

from tests.unit.readers.support import read


def test_given_hugo_aliases_when_read_then_absolute_and_relative_paths_become_keys() -> None:
    article = read(
        "articles/posts/new-title.md",
        "---\ntitle: New title\naliases: [/2016/01/old.html, old-title, /posts/older/]\n---\nx\n",
    )
    assert article.redirects == ("2016/01/old.html", "posts/old-title/", "posts/older/")
    assert article.warnings == ()


def test_given_a_page_bundle_when_read_then_relative_aliases_are_read_from_its_section() -> None:
    article = read("articles/posts/trip/index.md", "---\ntitle: Trip\naliases: old-trip\n---\nx\n")
    assert article.redirects == ("posts/old-trip/",)


def test_given_jekyll_redirect_from_and_permalink_when_read_then_both_redirect() -> None:
    article = read(
        "articles/_posts/2014-03-03-moved.md",
        "---\npermalink: /blog/moved/\nredirect_from:\n  - /old/moved.html\n---\n# Moved\n",
    )
    assert (article.title, article.slug) == ("Moved", "moved")
    assert article.redirects == ("old/moved.html", "blog/moved/")


def test_given_a_permalink_pattern_when_read_then_it_is_not_a_redirect_and_a_warning_says_so():
    article = read("articles/x.md", "---\ntitle: X\npermalink: /:year/:title/\n---\nx\n")
    assert article.redirects == ()
    assert any("permalink pattern" in warning for warning in article.warnings)


@pytest.mark.parametrize(
    "alias", ["/tags/news/", "javascript:alert(1)", "/../etc/passwd", "/atom.xml", "/"]
)
def test_given_an_alias_over_a_generated_or_unsafe_path_when_read_then_a_warning_names_it(
    alias: str,
) -> None:
    article = read("articles/x.md", f'---\ntitle: X\naliases: ["{alias}"]\n---\nx\n')
    assert article.redirects == ()
    assert len(article.warnings) == 1 and "aliases" in article.warnings[0]


def test_given_an_alias_to_the_own_page_when_read_then_it_is_dropped_silently() -> None:
    article = read("articles/x.md", "---\ntitle: X\nurl: /articles/x/\n---\nx\n")
    assert (article.redirects, article.warnings) == ((), ())
