"""A reader in headless Chromium: home → article → tag page → back, with the CDN's
Content-Security-Policy in force, and a crawler that follows every internal link."""

from __future__ import annotations

from pathlib import Path

from tests.browser import MOBILE, Browser
from tests.site.support import BuiltSite, crawl


def test_given_the_served_site_when_a_reader_browses_then_links_work_without_console_errors(
    served_site: str, browser: Browser, tmp_path: Path
):
    home = browser.open(served_site + "/")
    assert browser.title and browser.text("h1")

    article = home.follow("main .card h2 a")
    assert article.removeprefix(served_site).startswith("/articles/")
    assert browser.text("main h1")
    browser.screenshot(tmp_path / "article-desktop.png")
    browser.screenshot(tmp_path / "article-mobile.png", MOBILE)

    tag_page = browser.follow("main .article-footer a[rel=tag]")
    assert tag_page.removeprefix(served_site).startswith("/tags/")
    assert article in browser.links("main .card h2 a"), "the tag page lists the article"

    assert browser.back() == article
    assert browser.back() == served_site + "/"
    browser.screenshot(tmp_path / "home-desktop.png")
    browser.screenshot(tmp_path / "home-mobile.png", MOBILE)

    assert browser.console_errors() == []
    assert all(shot.stat().st_size > 10_000 for shot in tmp_path.glob("*.png"))


def test_given_the_served_site_when_crawled_then_no_internal_link_is_broken(
    served_site: str, built_site: BuiltSite
):
    # Start from the home page and from every page in the folder, so orphans are checked too.
    starts = ["/"] + [
        "/" + page.relative_to(built_site.folder).as_posix().removesuffix("index.html")
        for page in built_site.html_pages()
    ]

    result = crawl(served_site, built_site.site_url, starts)

    assert result.broken == []
    reached = set(result.visited)
    assert built_site.article_paths() <= reached
    assert {"/atom.xml", "/rss.xml", "/feed.json", "/tags/"} <= reached
    assert any(path.startswith("/assets/style.") for path in reached)
