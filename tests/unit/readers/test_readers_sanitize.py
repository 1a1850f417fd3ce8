"""The one HTML allow-list (`readers/sanitize.py`): GIVEN hostile or ordinary article HTML,
WHEN cleaned, THEN nothing executable survives and ordinary article markup does."""

from __future__ import annotations

from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.errors import RejectedFile
from pressroom.readers import SUPPORTED_EXTENSIONS
from pressroom.readers.sanitize import clean_html, linking_from
from tests.unit.readers.support import read

HOSTILE = {
    "script-element": ("<p>a</p><script>alert(1)</script>", ("<script", "alert")),
    "style-element": ("<style>body{display:none}</style><p>a</p>", ("<style", "display")),
    "event-handler": ('<p onclick="alert(1)">a</p>', ("onclick", "alert")),
    "img-onerror": ('<img src="x.png" onerror="alert(1)">', ("onerror",)),
    "javascript-link": ('<a href="javascript:alert(1)">a</a>', ("javascript",)),
    "javascript-link-obfuscated": ('<a href=" JaVaScRiPt&#58;alert(1)">a</a>', ("alert",)),
    "vbscript-link": ('<a href="vbscript:msgbox(1)">a</a>', ("vbscript",)),
    "data-link": ('<a href="data:text/html,<script>x</script>">a</a>', ("data:",)),
    "data-image": ('<img src="data:image/svg+xml;base64,AAAA" alt="x">', ("data:",)),
    "iframe": ('<iframe src="https://evil.example">text</iframe>', ("<iframe", "evil")),
    "object-embed": ('<object data="x.swf"></object><embed src="y.swf">', ("<object", "<embed")),
    "form-and-inputs": (
        '<form action="/steal"><input name="p"><button>Go</button></form>',
        ("<form", "<input", "<button", "/steal"),
    ),
    "svg-script": ("<svg><script>alert(1)</script></svg>", ("<svg", "alert")),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://evil">', ("refresh",)),
    "base-href": ('<base href="https://evil.example/">', ("<base",)),
    "style-attribute": ('<p style="background:url(javascript:x)">a</p>', ("style", "javascript")),
    "theme-class-borrowed": ('<div class="site-header admin">a</div>', ("site-header", "admin")),
    "odd-id": ('<p id="x&quot; onload=&quot;y">a</p>', ("onload",)),
    "html-comment": ("<!-- <script>alert(1)</script> --><p>a</p>", ("<!--", "alert")),
}

KEPT = {
    "headings-and-text": "<h2>Sub</h2><p>Some <em>em</em> <strong>strong</strong> text.</p>",
    "lists": '<ul><li>a</li></ul><ol start="3"><li>b</li></ol>',
    "code-with-language": '<pre><code class="language-python">x = 1\n</code></pre>',
    "blockquote": "<blockquote><p>Quoted.</p></blockquote>",
    "figure-image": '<figure><img src="https://img.example/a.jpg" alt="A press" title="Press" '
    'width="640" height="480"><figcaption>The press.</figcaption></figure>',
    "relative-link": '<a href="/articles/other/">other</a>',
    "footnotes": '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>'
    '<section class="footnotes">'
    '<ol class="footnotes-list"><li id="fn1" class="footnote-item"><p>Note.</p></li></ol>'
    "</section>",
    "template-syntax": "<p>{{ site.title }} and {% include x %} and {# c #}</p>",
}


@pytest.mark.parametrize(("html", "gone"), HOSTILE.values(), ids=HOSTILE.keys())
def test_given_hostile_html_when_cleaned_then_nothing_executable_survives(
    html: str, gone: tuple[str, ...]
) -> None:
    cleaned = clean_html(html).lower()

    for fragment in gone:
        assert fragment.lower() not in cleaned


def test_given_aligned_table_cells_when_cleaned_then_alignment_is_a_class_not_a_style() -> None:
    cleaned = clean_html(
        '<table><tr><th style="text-align:right">h</th><td style="text-align: center;">1</td>'
        '<td style="text-align:start">2</td></tr></table>'
    )

    assert cleaned == (
        '<table><tbody><tr><th class="align-right">h</th><td class="align-center">1</td>'
        "<td>2</td></tr></tbody></table>"
    )


@pytest.mark.parametrize("html", KEPT.values(), ids=KEPT.keys())
def test_given_ordinary_article_html_when_cleaned_then_it_is_unchanged(html: str) -> None:
    assert clean_html(html) == html


def test_given_a_link_to_another_site_when_cleaned_then_rel_noopener_noreferrer_is_added() -> None:
    cleaned = clean_html('<a href="https://example.org" rel="opener">x</a>')

    assert cleaned == '<a href="https://example.org" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize(
    ("href", "external"),
    [
        ("https://other.example/a?b=1&c=2", True),
        ("//other.example/x", True),
        ("HTTP://Other.Example", True),
        ("https://news.example/articles/x/", False),  # the site's own host
        ("http://news.example:8080/x", False),
        ("/articles/x/", False),
        ("../x.html", False),
        ("#fn1", False),
        ("mailto:desk@news.example", False),
        ("", False),
    ],
)
def test_given_links_when_cleaned_for_a_site_then_only_links_to_other_hosts_get_rel(
    href: str, external: bool
) -> None:
    """GIVEN a link in an article of https://news.example WHEN cleaned THEN only a link to
    another host carries `rel="noopener noreferrer"`; an editor's own `rel` never survives."""
    with linking_from("https://news.example"):
        cleaned = clean_html(f'<a href="{escape(href)}" rel="opener">x</a>')

    assert cleaned.endswith(' rel="noopener noreferrer">x</a>') is external, cleaned
    assert cleaned.count("rel=") == int(external)


def test_given_template_syntax_in_every_format_when_read_then_it_stays_literal_text() -> None:
    """GIVEN `{{ }}` / `{% %}` in Markdown, text and HTML WHEN read THEN they survive
    verbatim: article text is data and is never compiled as a template (invariant 5). (Markdown
    outside code is the one exception: Jekyll's sandboxed Liquid, test_readers_jekyll_liquid.py.)"""
    bodies = {
        "articles/a.md": "# T\n\n```\nKeep {{ secret }} and {% raw %}.\n```\n",
        "articles/a.txt": "T\n\nKeep {{ secret }} and {% raw %}.\n",
        "articles/a.html": "<title>T</title><p>Keep {{ secret }} and {% raw %}.</p>",
    }
    for key, body in bodies.items():
        assert "Keep {{ secret }} and {% raw %}." in read(key, body).body_html, key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extension=st.sampled_from(SUPPORTED_EXTENSIONS),
    body=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda text: text.encode("utf-8")),
        st.lists(
            st.sampled_from(
                [
                    "---",
                    "+++",
                    "title: x",
                    "Title: y",
                    "tags: [a",
                    "<script>",
                    "# h",
                    "",
                    "Related Tags",
                    "• t",
                    "You May Also Like",
                    "s •",
                    "t…",
                    "a = 1",
                    "...",
                    "<body>",
                    "</body>",
                    "&amp;",
                    "{{ x }}",
                    "Date: 2026-01-01",
                    "draft: true",
                ]
            ),
            max_size=20,
        ).map(lambda lines: "\n".join(lines).encode("utf-8")),
    ),
)
def test_given_any_bytes_when_read_then_article_or_rejection_never_a_crash(
    extension: str, body: bytes
) -> None:
    """GIVEN arbitrary bytes under any supported extension WHEN read THEN the result is an
    Article with a non-empty title and slug and script-free body, or a RejectedFile —
    never another exception (a bad file must not crash the pipeline, invariant 1)."""
    try:
        article = read(f"articles/fuzz{extension}", body)
    except RejectedFile as rejected:
        assert rejected.rejection.reason and rejected.rejection.fix
        return
    assert article.title.strip() and article.slug
    assert "<script" not in article.body_html.lower()
    assert article.published.tzinfo is not None
