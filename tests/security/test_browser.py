"""A real browser loads hostile pages: no dialog opens and nothing injected runs.

The pages are served WITHOUT the CDN's Content-Security-Policy, so this shows the sanitising
alone is enough (the policy is a second line of defence, not the first). Dialog functions are
replaced, in every frame and before any page script, by recorders; after loading, the live DOM
is searched for what the browser itself parsed as script, handler or script URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import Browser, chromium, chromium_missing
from tests.security.hostile_site import HostileSite
from tests.site.support import serve

pytestmark = [
    pytest.mark.slow,  # needs the hostile corpus built (test_hostile_content.py)
    pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing())),
]

# A sample across the families of the corpus: tags, handlers, encoded and split schemes,
# SVG/MathML, mutation and comment tricks, breakouts from <title>, JSON-LD and attributes,
# Markdown links.
SAMPLE = (
    "script",
    "script-split-nested",
    "img-onerror",
    "img-hex-entities",
    "a-javascript-named-tab",
    "svg-onload",
    "svg-animate-href",
    "math-xlink-href",
    "noscript-mutation",
    "comment-breakout",
    "details-ontoggle",
    "iframe-srcdoc",
    "title-breakout",
    "ld-json-breakout",
    "attr-double-quote-handler",
    "md-link-javascript-entity",
)
FORMATS = ("md-body", "md-fields", "txt", "html")

RECORD_DIALOGS = """
(() => {
  const sink = (() => { try { return window.top; } catch (e) { return window; } })();
  sink.__pwned = sink.__pwned || [];
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { sink.__pwned.push(name + "(" + args.join(",") + ")"); };
  }
})();
"""

# What the browser parsed: script elements other than JSON-LD, handler attributes, links and
# frames whose resolved URL uses a script scheme.
LIVE_DOM_FINDINGS = """
const found = [];
for (const el of document.querySelectorAll("*")) {
  for (const attr of el.attributes) {
    if (attr.name.toLowerCase().startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
  }
  if (el.tagName === "SCRIPT" && el.type !== "application/ld+json") found.push("script");
  for (const prop of ["href", "src", "action", "formAction", "data"]) {
    const value = el[prop];
    const url = typeof value === "string" ? value : (value && value.baseVal) || "";
    const inert = /^data:(|text\\/plain|image\\/(png|gif|jpeg|webp|avif))[;,]/i.test(url);
    if (/^\\s*(javascript|vbscript|data):/i.test(url) && !inert) {
      found.push(`${el.tagName}.${prop}=${url}`);
    }
  }
}
return found.concat(window.__pwned || []);
"""


@pytest.fixture(scope="module")
def served_hostile_site(hostile_site: HostileSite) -> Iterator[str]:
    with serve(hostile_site.site.folder, with_csp=False) as url:
        yield url


@pytest.fixture(scope="module")
def guarded_browser() -> Iterator[Browser]:
    with chromium() as browser:
        browser.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_DIALOGS}
        )
        yield browser


def visit(browser: Browser, url: str) -> list[str]:
    from selenium.common.exceptions import UnexpectedAlertPresentException

    try:
        browser.open(url)
        # Let error/load handlers of broken images and frames fire.
        browser.driver.execute_async_script("setTimeout(arguments[0], 150)")
        return list(browser.driver.execute_script(LIVE_DOM_FINDINGS))
    except UnexpectedAlertPresentException as dialog:  # a dialog the recorder missed
        return [f"dialog: {dialog.alert_text}"]


def test_given_the_recorder_when_a_page_calls_alert_then_it_is_caught(guarded_browser: Browser):
    """Control: the harness does see script that runs."""
    findings = visit(guarded_browser, "data:text/html,<img src=x onerror=alert(7)>")

    assert "alert(7)" in findings


@pytest.mark.parametrize("vector", SAMPLE)
def test_given_hostile_pages_in_chromium_when_loaded_then_no_dialog_and_no_live_script(
    guarded_browser: Browser, served_hostile_site: str, vector: str
):
    paths = [f"/articles/{folder}-{vector}/" for folder in FORMATS]

    findings = {path: visit(guarded_browser, served_hostile_site + path) for path in paths}

    assert {path: found for path, found in findings.items() if found} == {}


def test_given_hostile_titles_and_tags_in_listings_when_loaded_then_no_dialog(
    guarded_browser: Browser, served_hostile_site: str
):
    paths = ["/", "/tags/", "/tags/fields/", "/tags/body/", "/tags/text/"]

    findings = {path: visit(guarded_browser, served_hostile_site + path) for path in paths}

    assert {path: found for path, found in findings.items() if found} == {}
