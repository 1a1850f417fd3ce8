"""A headless Chromium has a page of `pressroom serve --watch` open; saving the article's source
reloads it with the new text, under the site's Content-Security-Policy (with only same-origin
script and events added)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pressroom.local.watch import serve_and_watch
from tests.browser import Browser, chromium, chromium_missing

pytestmark = pytest.mark.slow

RELOAD_BOUND_SECONDS = 20.0
ALPHA = "---\ntitle: {title}\ntags: [red]\n---\n\n{body}\n"


@contextmanager
def watching(src: Path, out: Path) -> Iterator[tuple[str, list[str]]]:
    """`pressroom serve OUT --watch SRC --port 0` on a thread: (its URL, the lines it said)."""
    stop, ready = threading.Event(), threading.Event()
    urls: list[str] = []
    lines: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            serve_and_watch(
                src,
                out,
                stop,
                port=0,
                say=lines.append,
                ready=lambda url: (urls.append(url), ready.set()),
            )
        except BaseException as error:  # shown by the test, not lost in the thread
            errors.append(error)
            ready.set()

    thread = threading.Thread(target=run, name="serve --watch")
    thread.start()
    try:
        assert ready.wait(120), "the first build took more than 2 minutes"
        assert not errors, errors
        yield urls[0], lines
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive() and not errors, errors


def save_and_wait_for_reload(browser: Browser, source: Path, title: str, body: str) -> float:
    """Mark the open page, save the source, and wait for a reloaded page with the new title;
    the seconds from the save to it."""
    from selenium.common.exceptions import WebDriverException

    browser.driver.execute_script("window.beforeTheSave = true;")
    saved = time.monotonic()
    source.write_text(ALPHA.format(title=title, body=body), encoding="utf-8")
    while time.monotonic() - saved < RELOAD_BOUND_SECONDS:
        try:
            if browser.text("h1") == title:
                assert browser.driver.execute_script("return window.beforeTheSave") is None
                return time.monotonic() - saved
        except WebDriverException:
            pass  # the page is being replaced
        time.sleep(0.02)
    raise AssertionError(f"the page did not show {title!r} within {RELOAD_BOUND_SECONDS} s")


def test_given_serve_watch_when_the_open_pages_source_is_saved_then_the_page_reloads_with_it(
    tmp_path: Path,
):
    if chromium_missing():
        pytest.skip(chromium_missing() or "")
    src = tmp_path / "src"
    src.mkdir()
    alpha = src / "alpha.md"
    alpha.write_text(ALPHA.format(title="Alpha", body="First words."), encoding="utf-8")
    (src / "beta.md").write_text(ALPHA.format(title="Beta", body="Other words."))

    with watching(src, tmp_path / "out") as (url, lines), chromium() as browser:
        browser.open(url + "/articles/alpha/")
        assert browser.text("h1") == "Alpha"
        time.sleep(0.5)  # the script's event stream is open (it would reload anyway: `hello`)

        first = save_and_wait_for_reload(browser, alpha, "Alpha, revised", "Revised words.")
        second = save_and_wait_for_reload(browser, alpha, "Alpha, again", "Once more.")

        assert browser.url == url + "/articles/alpha/"
        assert "Once more." in browser.text("main")
        errors = browser.console_errors()  # a CSP violation or a failed load would be here

    print(f"\nsave → reloaded page in Chromium: {first * 1000:.0f} ms, then {second * 1000:.0f} ms")
    assert errors == []
    reloads = [line for line in lines if line.startswith("alpha.md changed:")]
    assert len(reloads) == 2 and all("reload sent" in line for line in reloads), lines
    print("\n".join(reloads))
    assert "__pressroom" not in (tmp_path / "out/articles/alpha/index.html").read_text()
