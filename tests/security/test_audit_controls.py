"""Positive controls: the audit must see every vector when nothing sanitises it, otherwise
"no findings" in the hostile-content tests would prove nothing."""

from __future__ import annotations

import json

import pytest
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from tests.security.audit import audit
from tests.security.corpus import XSS_VECTORS

CLEAN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<link rel="canonical" href="https://news.example/a/"><link rel="stylesheet" href="/s.css">
<link rel="icon" href="data:,">
<script type="application/ld+json">{"@type": "Article", "headline": "</scr\\u0069pt>"}</script>
</head><body><a href="/tags/x/" rel="tag">x</a><img src="https://news.example/p.png" alt="">
<a href="mailto:desk@news.example">mail</a><p style="text-align: right">ok</p></body></html>"""


def raw_contexts(vector: str) -> dict[str, str]:
    """The vector placed, unsanitised, where it would run: as markup, inside quoted
    attributes, as Markdown rendered with raw HTML on, and as math through latex2mathml's own
    serialiser."""
    markdown = MarkdownIt("commonmark", {"html": True}).render(vector)
    math = MarkdownIt("commonmark", {"html": True}).use(
        dollarmath_plugin,
        double_inline=True,
        renderer=lambda tex, options: convert(
            tex, display="block" if options["display_mode"] else "inline"
        ),
    )
    # markdown-it refuses javascript:/vbscript:/data: links unless told otherwise: an
    # unprotected renderer is what the control needs.
    unprotected = MarkdownIt("commonmark", {"html": True})
    unprotected.validateLink = lambda url: True  # type: ignore[method-assign]
    return {
        "markup": f"<!DOCTYPE html><html><body>{vector}</body></html>",
        "double-quoted attribute": f'<!DOCTYPE html><p><a href="/" title="{vector}">x</a></p>',
        "single-quoted attribute": f"<!DOCTYPE html><p><a href='/' title='{vector}'>x</a></p>",
        "unquoted attribute": f"<!DOCTYPE html><p><a href=/ title={vector}>x</a></p>",
        "markdown": f"<!DOCTYPE html><body>{markdown}</body>",
        "unprotected markdown": f"<!DOCTYPE html><body>{unprotected.render(vector)}</body>",
        "unsanitised math": f"<!DOCTYPE html><body>{math.render(vector)}</body>",
        "json-ld": (
            '<!DOCTYPE html><script type="application/ld+json">{"headline": "'
            + vector
            + '"}</script>'
        ),
    }


def test_given_the_theme_shaped_clean_page_when_audited_then_nothing_is_found():
    assert audit("clean.html", CLEAN_PAGE.encode()) == []


@pytest.mark.parametrize("name", sorted(XSS_VECTORS))
def test_given_a_vector_unsanitised_when_audited_then_it_is_flagged_in_some_context(name: str):
    flagged = {
        context: audit("control.html", page.encode())
        for context, page in raw_contexts(XSS_VECTORS[name]).items()
    }

    assert any(flagged.values()), f"{name} is harmless even unsanitised: not a test vector"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        (
            "feed.xml",
            '<feed><entry><content type="html">&lt;img src=x onerror=alert(1)&gt;'
            "</content></entry></feed>",
        ),
        (
            "rss.xml",
            "<rss><channel><item><description>&lt;script&gt;alert(1)&lt;/script&gt;"
            "</description></item></channel></rss>",
        ),
        ("sitemap.xml", "<urlset><url><loc>javascript:alert(1)</loc></url></urlset>"),
        ("atom.xml", '<feed><link href=" javascript:alert(1)"/></feed>'),
        ("feed.json", json.dumps({"items": [{"content_html": "<svg onload=alert(1)>"}]})),
        ("feed.json", json.dumps({"items": [{"url": "JAVASCRIPT:alert(1)"}]})),
    ],
    ids=[
        "atom-html-content",
        "rss-description",
        "sitemap-loc",
        "atom-link",
        "json-html",
        "json-url",
    ],
)
def test_given_hostile_feed_or_sitemap_when_audited_then_flagged(name: str, body: str):
    assert audit(name, body.encode())
