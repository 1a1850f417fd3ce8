"""A headless Chromium reads the site from `pressroom up`'s local CDN."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, chromium_missing
from tests.operations.conftest import LocalUp

pytestmark = pytest.mark.slow


def test_given_pressroom_up_when_a_browser_follows_home_to_article_then_it_reads_the_page(
    local_up: LocalUp, tmp_path: Path
):
    if chromium_missing():
        pytest.skip(chromium_missing() or "")
    post = tmp_path / "browser-day.md"
    post.write_text("---\ntitle: Browser day\ntags: [web]\n---\n\nRead in Chromium.\n")
    local_up.aws("s3", "cp", str(post), f"s3://{local_up.ingest_bucket}/articles/")
    local_up.wait_for("/articles/browser-day/", lambda r: r.status == 200)
    local_up.wait_for("/", lambda r: 'href="/articles/browser-day/"' in r.body)

    with chromium() as browser:
        browser.open(local_up.site + "/")
        url = browser.follow('a[href="/articles/browser-day/"]')

        assert url == local_up.site + "/articles/browser-day/"
        assert browser.text("h1") == "Browser day"
        assert "Read in Chromium." in browser.text("body")
        assert browser.console_errors() == []
