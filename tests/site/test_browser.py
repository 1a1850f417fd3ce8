"""A reader in headless Chromium: home → article → tag page → back, with the CDN's
Content-Security-Policy in force, and a crawler that follows every internal link."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import DESKTOP, MOBILE, Browser
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


# Screenshots of the theme, kept after the run for a person to look at (gitignored).
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".artifacts" / "screenshots"

# Everything a reader's layout depends on, measured in the page.
LAYOUT = r"""
const root = document.documentElement;
const crumbs = document.querySelector(".breadcrumbs ol");
const images = [...document.querySelectorAll("main img")].map(img => ({
    src: img.currentSrc || img.src,
    width: img.getAttribute("width"), height: img.getAttribute("height"),
    loading: img.getAttribute("loading") || "eager",
    priority: img.getAttribute("fetchpriority") || "",
    lead: img.closest(".lead") !== null,
    shown: [img.clientWidth, img.clientHeight],
    natural: [img.naturalWidth, img.naturalHeight],
    // The width of the rendition the browser chose from the srcset (its `w` descriptor).
    chosen: (() => {
        const candidates = (img.getAttribute("srcset") || "").split(",")
            .map(part => part.trim().split(/\s+/));
        const found = candidates.find(([url]) => url && img.currentSrc.endsWith(url));
        return found ? parseInt(found[1], 10) : img.naturalWidth;
    })(),
}));
let lineHeight = 0;
if (crumbs) { lineHeight = parseFloat(getComputedStyle(crumbs).lineHeight); }
return {
    overflow: root.scrollWidth - root.clientWidth,
    viewport: root.clientWidth,
    density: window.devicePixelRatio,
    crumbs: crumbs ? crumbs.getBoundingClientRect().height : 0,
    lineHeight: lineHeight,
    images: images,
};
"""
# The page's cumulative layout shift so far (Chromium's Layout Instability API).
LAYOUT_SHIFT = """
const done = arguments[arguments.length - 1];
let total = 0;
new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
}).observe({type: "layout-shift", buffered: true});
setTimeout(() => done(total), 300);
"""


def _settled(browser: Browser) -> None:
    """Scroll through the page so lazy images load, then back to the top."""
    browser.script(
        "window.scrollTo(0, document.body.scrollHeight);"
        "return [...document.images].every(img => img.complete);"
    )
    browser.script("window.scrollTo(0, 0);")


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/articles/serverless-publishing-pipeline/",  # the longest title: the longest breadcrumb
        "/articles/how-we-fact-check/",  # a figure in the body
        "/tags/newsroom/",
        "/tags/",
    ],
)
def test_given_the_theme_at_desktop_and_phone_widths_then_nothing_overflows_or_shifts(
    served_site: str, browser: Browser, page: str
):
    """GIVEN a page of the samples' site WHEN a reader opens it at 1280 px and at 390 px THEN
    nothing is wider than the screen, the breadcrumb stays on one line, every image has its
    size in the markup (so nothing moves as it loads) and the layout does not shift; a
    screenshot of each is kept in tests/.artifacts/screenshots/."""
    name = page.strip("/").replace("/", "-") or "home"
    for label, size in (("desktop", DESKTOP), ("phone", MOBILE)):
        browser.resize(size).open(served_site + page)
        _settled(browser)
        layout = browser.script(LAYOUT)

        assert layout["overflow"] <= 0, (label, layout["overflow"])
        if layout["crumbs"]:
            assert layout["crumbs"] < 1.6 * layout["lineHeight"], (label, "breadcrumb wraps")
        for image in layout["images"]:
            assert image["width"] and image["height"], image
            assert image["shown"][0] <= layout["viewport"], image
        assert browser.driver.execute_async_script(LAYOUT_SHIFT) < 0.05, label
        browser.screenshot(SCREENSHOTS / f"{name}-{label}.png", size)

    assert browser.console_errors() == []


def test_given_the_home_page_then_the_lead_image_is_eager_and_sized_for_its_slot(
    served_site: str, browser: Browser
):
    """GIVEN the home page WHEN loaded THEN its lead story's cover is the one image fetched at
    once (high priority, not lazy), every other image is lazy, and the rendition the browser
    picks from its srcset covers its slot without being more than 2.5 times wider, at desktop
    and at phone width."""
    for size in (DESKTOP, MOBILE):
        browser.resize(size).open(served_site + "/")
        _settled(browser)
        layout = browser.script(LAYOUT)
        images = layout["images"]

        [lead] = [image for image in images if image["lead"]]
        assert lead["loading"] == "eager" and lead["priority"] == "high"
        others = [image for image in images if not image["lead"]]
        assert others and all(image["loading"] == "lazy" for image in others)
        slot = lead["shown"][0] * layout["density"]  # device pixels the slot needs
        assert slot <= lead["chosen"] <= 2.5 * slot, (size, slot, lead["chosen"], lead["src"])


def test_given_a_preview_opened_as_a_file_then_it_is_styled(browser: Browser, tmp_path: Path):
    """GIVEN `pressroom preview post.md --out post.html` WHEN the file is opened in a browser
    (file://, no server) THEN the theme applies: the header rule, the serif headline."""
    from click.testing import CliRunner

    from pressroom.cli import main

    post, page = tmp_path / "post.md", tmp_path / "post.html"
    post.write_text("---\ntitle: Previewed\ntags: [news]\n---\nA paragraph to preview.\n")
    result = CliRunner().invoke(main, ["preview", str(post), "--out", str(page)])
    assert result.exit_code == 0, result.output

    browser.open(page.as_uri())

    header = browser.script(
        "return getComputedStyle(document.querySelector('.site-header')).borderTopWidth"
    )
    wrap = browser.script("return getComputedStyle(document.querySelector('main')).maxWidth")
    assert header == "4px" and wrap != "none"
    browser.screenshot(SCREENSHOTS / "preview-desktop.png")
