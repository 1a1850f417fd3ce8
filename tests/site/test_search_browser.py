"""Site search in headless Chromium, with the CDN's Content-Security-Policy in force: the header's
box leads to /search/, which finds an article by a word of its body with Pagefind."""

from __future__ import annotations

from pathlib import Path

from tests.browser import Browser
from tests.site.support import build_files, serve

ARTICLES = {
    "zebra.md": "---\ntitle: Notes from the savanna\ndate: 2024-03-01\ntags: [travel]\n---\n"
    "We walked for hours.\n\nA quagga-striped okapizebra crossed the road at dawn.\n",
    "harbour.md": "---\ntitle: Harbour news\ndate: 2024-03-02\ntags: [travel]\n---\n"
    "Boats came in late.\n",
    "draft.md": "---\ntitle: Unfinished\ndate: 2024-03-03\ndraft: true\n---\n"
    "The okapizebra returns in the draft.\n",
}


def test_given_a_built_site_when_a_reader_searches_a_body_word_then_that_article_is_listed(
    browser: Browser, tmp_path: Path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    site = build_files(tmp_path, ARTICLES)
    with serve(site.folder) as base:
        browser.open(base + "/")
        box = browser.driver.find_element(By.CSS_SELECTOR, "header form[role=search] input")
        # WHEN the reader types a word found only in one article's body and submits
        box.send_keys("okapizebra\n")
        WebDriverWait(browser.driver, 20).until(
            expected_conditions.presence_of_element_located(
                (By.CSS_SELECTOR, "#search-results li a")
            )
        )
        # THEN the search page lists that article (and not the draft, nor the other article)
        assert browser.url.startswith(base + "/search/?q=okapizebra")
        assert browser.links("#search-results li a") == [base + "/articles/zebra/"]
        assert browser.text("#search-results li a") == "Notes from the savanna"
        assert "okapizebra" in browser.text("#search-results mark").lower()
        assert browser.text("#search-status") == "1 article matches “okapizebra”."

        # WHEN the reader types another word into the page's own box
        field = browser.driver.find_element(By.ID, "search-query")
        field.clear()
        field.send_keys("boats")
        WebDriverWait(browser.driver, 20).until(
            lambda driver: browser.links("#search-results li a") == [base + "/articles/harbour/"]
        )
        browser.screenshot(tmp_path / "search.png")
        # THEN nothing broke the page's policy (no CSP violation, no script error)
        assert browser.console_errors() == []
