"""Table-driven reader tests: GIVEN a file (key + bytes), WHEN `read_article` reads it,
THEN the article has the expected fields — or the file is rejected with a reason an editor can
act on. One row per case; ids say what the case is about."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from pressroom.errors import RejectedFile
from pressroom.model import Article
from tests.unit.readers.support import UPLOADED, read


@dataclass(frozen=True)
class Accepts:
    """Expected article fields (only those given are checked), plus body checks."""

    key: str
    body: str | bytes
    expect: dict[str, Any] = field(default_factory=dict)
    body_has: tuple[str, ...] = ()
    body_lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejects:
    """Every string in `reason_has` appears in the rejection's reason."""

    key: str
    body: str | bytes
    reason_has: tuple[str, ...]
    max_source_bytes: int = 2 * 1024 * 1024


def tags_of(article: Article) -> tuple[str, ...]:
    return tuple(tag.name for tag in article.tags)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


LONG_PARAGRAPH = " ".join(["The press ran late because the river rose overnight."] * 8)
THOUSAND_WORDS = "\n\n".join(" ".join(["word"] * 100) for _ in range(10))

ACCEPTED: dict[str, Accepts] = {
    # --- Markdown with YAML front matter -----------------------------------------------------
    "md-yaml-basic-fields": Accepts(
        "articles/press-upgrade.md",
        "---\ntitle: A new press for the old building\ndate: 2026-02-10 09:30:00\n"
        "tags: [printing, Local History]\nauthor: Ada Lovelace\ncategories: [News]\n---\n"
        "The new press arrived on Tuesday.\n",
        {
            "title": "A new press for the old building",
            "slug": "press-upgrade",
            "published": utc(2026, 2, 10, 9, 30),
            "date_source": "metadata",
            "authors": ("Ada Lovelace",),
            "categories": ("News",),
            "status": "published",
            "summary": "The new press arrived on Tuesday.",
            "language": "en",
        },
        body_has=("<p>The new press arrived on Tuesday.</p>",),
    ),
    "md-yaml-tags-comma-string-deduplicated": Accepts(
        "articles/a.md",
        "---\ntitle: T\ntags: Elon Musk, elon musk , elon-musk, Space\n---\nText.\n",
        {"tags": ("Elon Musk", "Space")},
    ),
    "md-yaml-tags-space-string-is-jekyll-list": Accepts(
        "articles/a.md",
        "---\ntitle: T\ntags: spacex nasa\ncategories: news science\n---\nText.\n",
        {"tags": ("spacex", "nasa"), "categories": ("news", "science")},
    ),
    "md-yaml-tag-markup-stripped": Accepts(
        "articles/a.md",
        "---\ntitle: T\ntags: ['<b>bold</b> tag', 2026]\n---\nText.\n",
        {"tags": ("bold tag", "2026")},
    ),
    "md-yaml-draft-true-is-draft": Accepts(
        "articles/a.md", "---\ntitle: T\ndraft: true\n---\nText.\n", {"status": "draft"}
    ),
    "md-yaml-published-false-is-draft": Accepts(
        "articles/a.md", "---\ntitle: T\npublished: false\n---\nText.\n", {"status": "draft"}
    ),
    "md-yaml-unlisted-true-is-unlisted": Accepts(
        "articles/a.md", "---\ntitle: T\nunlisted: yes\n---\nText.\n", {"status": "unlisted"}
    ),
    "md-yaml-explicit-slug-wins-over-file-name": Accepts(
        "articles/some-file.md",
        "---\ntitle: T\nslug: My Custom Slug!\n---\nText.\n",
        {"slug": "my-custom-slug"},
    ),
    "md-yaml-bare-date-is-midnight-utc": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-03-14\n---\nText.\n",
        {"published": utc(2026, 3, 14), "date_source": "metadata"},
    ),
    "md-yaml-jekyll-offset-date-string": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-01-05 10:00:00 +0100\n---\nText.\n",
        {"published": datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=1)))},
    ),
    "md-yaml-future-date-published-as-given": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2031-07-01T08:00:00Z\n---\nText.\n",
        {"published": utc(2031, 7, 1, 8), "status": "published"},
    ),
    "md-yaml-future-date-goes-live-at-that-date": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2031-07-01T08:00:00Z\n---\nText.\n",
        {"publish_at": utc(2031, 7, 1, 8), "expires": None},
    ),
    "md-yaml-hugo-publishdate-and-expirydate": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-03-01\npublishDate: 2026-03-14T06:00:00Z\n"
        "expiryDate: 2026-04-01\n---\nText.\n",
        {
            "published": utc(2026, 3, 1),
            "publish_at": utc(2026, 3, 14, 6),
            "expires": utc(2026, 4, 1),
        },
    ),
    "md-yaml-hugo-unpublishdate-is-an-expiry": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-03-01\nunpublishdate: 2026-05-01 12:00\n---\nText.\n",
        {"expires": utc(2026, 5, 1, 12)},
    ),
    "md-jekyll-file-name-date-is-the-publish-time": Accepts(
        "articles/_posts/2031-02-05-later.md",
        "---\ntitle: Later\n---\nText.\n",
        {"publish_at": utc(2031, 2, 5)},
    ),
    "md-undated-goes-live-on-upload": Accepts(
        "articles/undated.md",
        "---\ntitle: T\n---\nText.\n",
        {"publish_at": None, "date_source": "upload"},
    ),
    "md-yaml-modified-and-lastmod": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-01-01\nlast_modified_at: 2026-01-03 12:00\n---\nText.\n",
        {"modified": utc(2026, 1, 3, 12)},
    ),
    "md-yaml-explicit-summary-is-plain-text": Accepts(
        "articles/a.md",
        "---\ntitle: T\nsummary: 'A <em>short</em>   summary'\n---\nText.\n",
        {"summary": "A short summary"},
    ),
    "md-yaml-description-is-summary": Accepts(
        "articles/a.md",
        "---\ntitle: T\ndescription: Described.\n---\nText.\n",
        {"summary": "Described."},
    ),
    "md-summary-from-first-paragraph-cut-at-word": Accepts(
        "articles/a.md",
        f"---\ntitle: T\n---\n{LONG_PARAGRAPH}\n",
        {
            "summary": " ".join(["The press ran late because the river rose overnight."] * 3)
            + " The press ran late because the river…"
        },
    ),
    "md-yaml-authors-semicolon-string": Accepts(
        "articles/a.md",
        "---\ntitle: T\nauthors: Grace Hopper; Alan Turing\n---\nText.\n",
        {"authors": ("Grace Hopper", "Alan Turing")},
    ),
    "md-yaml-empty-front-matter-is-fine": Accepts(
        "articles/empty-front.md",
        "---\n---\n# Heading title\n\nText.\n",
        {"title": "Heading title", "slug": "empty-front"},
    ),
    "md-yaml-language-and-locale": Accepts(
        "articles/a.md", "---\ntitle: T\nlocale: fr_CA\n---\nTexte.\n", {"language": "fr-CA"}
    ),
    "md-utf8-bom-and-crlf": Accepts(
        "articles/a.md",
        b"\xef\xbb\xbf---\r\ntitle: Caf\xc3\xa9 news\r\n---\r\nFirst line.\r\n",
        {"title": "Café news"},
        body_has=("<p>First line.</p>",),
    ),
    "md-reading-minutes-from-words": Accepts(
        "articles/a.md", f"---\ntitle: T\n---\n{THOUSAND_WORDS}\n", {"reading_minutes": 4}
    ),
    # --- Titles, slugs and dates from the body and the file name -----------------------------
    "md-leading-h1-is-title-and-leaves-body": Accepts(
        "articles/no-front-matter.md",
        "# The *leading* heading\n\nBody text.\n",
        {
            "title": "The leading heading",
            "slug": "no-front-matter",
            "date_source": "upload",
            "published": UPLOADED,
        },
        body_lacks=("<h1>",),
    ),
    "md-h1-repeating-title-is-dropped": Accepts(
        "articles/a.md",
        "---\ntitle: Same Title\n---\n# Same title\n\nBody.\n",
        {"title": "Same Title"},
        body_lacks=("<h1>",),
    ),
    "md-jekyll-file-name-date-and-slug": Accepts(
        "articles/2026-02-03-night-desk.md",
        "---\ntitle: Night desk\n---\nText.\n",
        {"slug": "night-desk", "published": utc(2026, 2, 3), "date_source": "filename"},
    ),
    "md-jekyll-front-matter-date-wins": Accepts(
        "articles/2026-02-03-night-desk.md",
        "---\ntitle: Night desk\ndate: 2026-02-04 22:15:00\n---\nText.\n",
        {"published": utc(2026, 2, 4, 22, 15), "date_source": "metadata"},
    ),
    "md-jekyll-title-from-file-slug": Accepts(
        "articles/2026-02-03-night-desk-notes.md",
        "---\ntags: [desk]\n---\nJust text.\n",
        {"title": "Night Desk Notes"},
    ),
    "md-hash-named-file-slug-from-title": Accepts(
        "articles/3f9a1c2e7b.md",
        "---\ntitle: Why the presses stopped\n---\nText.\n",
        {"slug": "why-the-presses-stopped"},
    ),
    "md-uuid-named-file-slug-from-title": Accepts(
        "articles/f47ac10b-58cc-4372-a567-0e02b3c479a1.md",
        "# River Report\n\nText.\n",
        {"slug": "river-report", "title": "River Report"},
    ),
    "md-hugo-page-bundle-slug-from-folder": Accepts(
        "articles/corrections-policy/index.md",
        '+++\ntitle = "Corrections"\n+++\nText.\n',
        {"slug": "corrections-policy"},
    ),
    "md-title-derived-from-first-sentence": Accepts(
        "articles/9c1d22e0aa.md",
        "The U.S. Senate voted late on Tuesday to fund the rural broadband programme again. "
        "It passed.\n",
        {"title": "The U.S. Senate voted late on Tuesday to fund the rural broadband…"},
    ),
    "md-uppercase-and-long-extensions": Accepts(
        "articles/Report.MARKDOWN", "---\ntitle: T\n---\nText.\n", {"slug": "report"}
    ),
    "md-mkd-extension": Accepts("articles/r.mkd", "# R\n\nText.\n", {"title": "R"}),
    # --- Hugo (TOML) and Pelican ---------------------------------------------------------------
    "md-toml-hugo-fields": Accepts(
        "articles/hugo-post.md",
        '+++\ntitle = "Hugo post"\ndate = 2026-02-03T10:00:00-05:00\n'
        'lastmod = 2026-02-04\ntags = ["cdn", "performance"]\nslug = "cache-rules"\n'
        'aliases = ["/old/"]\nsummary = "Short."\n+++\nBody.\n',
        {
            "title": "Hugo post",
            "published": datetime(2026, 2, 3, 10, tzinfo=timezone(timedelta(hours=-5))),
            "modified": utc(2026, 2, 4),
            "tags": ("cdn", "performance"),
            "slug": "cache-rules",
            "summary": "Short.",
            "status": "published",
        },
    ),
    "md-toml-hugo-draft": Accepts(
        "articles/a.md", '+++\ntitle = "T"\ndraft = true\n+++\nBody.\n', {"status": "draft"}
    ),
    "md-toml-hugo-publishdate": Accepts(
        "articles/a.md",
        '+++\ntitle = "T"\npublishDate = 2026-04-01\n+++\nBody.\n',
        {"published": utc(2026, 4, 1)},
    ),
    "md-pelican-header-block": Accepts(
        "articles/pelican.md",
        "Title: Pelican post\nDate: 2026-02-03 10:20\nModified: 2026-02-05 08:00\n"
        "Tags: elon musk, space\nCategory: Space Flight\nAuthors: Ada Lovelace; Alan Turing\n"
        "Summary: A summary\n    over two lines.\nSlug: pelican-slug\nLang: fr\n\nBody **here**.\n",
        {
            "title": "Pelican post",
            "published": utc(2026, 2, 3, 10, 20),
            "modified": utc(2026, 2, 5, 8),
            "tags": ("elon musk", "space"),
            "categories": ("Space Flight",),
            "authors": ("Ada Lovelace", "Alan Turing"),
            "summary": "A summary over two lines.",
            "slug": "pelican-slug-fr",  # another language than the site's: Pelican's {slug}-{lang}
            "translation_key": "pelican-slug",
            "language": "fr",
            "status": "published",
        },
        body_has=("<strong>here</strong>",),
        body_lacks=("Title:",),
    ),
    "md-pelican-status-draft": Accepts(
        "articles/a.md", "Title: T\nStatus: draft\n\nBody.\n", {"status": "draft"}
    ),
    "md-pelican-status-hidden-is-unlisted": Accepts(
        "articles/a.md", "Title: T\nStatus: hidden\n\nBody.\n", {"status": "unlisted"}
    ),
    "md-prose-with-colon-is-not-a-header": Accepts(
        "articles/a.md",
        "# Notes\n\nNote: the press is old.\n",
        {"title": "Notes"},
        body_has=("<p>Note: the press is old.</p>",),
    ),
    # --- Markdown features and safety ----------------------------------------------------------
    "md-table-code-footnote": Accepts(
        "articles/a.md",
        "# T\n\nClaim[^1].\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n\n"
        "```python\nprint('hi')\n```\n\n[^1]: The source.\n",
        {"summary": "Claim."},
        body_has=(
            "<table>",
            '<td class="align-right">1</td>',
            '<code class="language-python">',
            'class="footnotes"',
            '<li id="fn1" class="footnote-item">',
        ),
    ),
    "md-template-syntax-stays-text": Accepts(
        "articles/a.md",
        # Liquid outside code is rendered (test_readers_jekyll_liquid.py); in code it is text
        "---\ntitle: 'Using {{ page.title }} safely'\n---\nWrite `{{ x }}` and `{% if y %}`.\n",
        {"title": "Using {{ page.title }} safely"},
        body_has=("{{ x }}", "{% if y %}"),
    ),
    "md-raw-html-sanitised": Accepts(
        "articles/a.md",
        '# T\n\n<script>alert(1)</script>\n\n<p onclick="x()">Hi <a href="javascript:x">'
        'l</a> <img src="data:image/png;base64,AA" alt="pic"></p>\n\n'
        '<iframe src="https://evil.example"></iframe><form><input name=q></form>\n',
        body_has=("Hi", 'alt="pic"', "<a>l</a>"),
        body_lacks=(
            "<script",
            "alert",
            "onclick",
            "javascript:",
            "data:",
            "<iframe",
            "<form",
            "<input",
        ),
    ),
    "md-title-markup-stripped": Accepts(
        "articles/a.md",
        "---\ntitle: '<script>x()</script>Plain <b>title</b>'\n---\nText.\n",
        {"title": "Plain title"},
    ),
    # --- Plain text ----------------------------------------------------------------------------
    "txt-first-line-title-and-subheadings": Accepts(
        "articles/flood.txt",
        "River flood recovery begins\n\nThe water fell overnight across the valley towns.\n\n"
        "Volunteers clear the high street.\n\nShops opened again by noon on Sunday.\n",
        {
            "title": "River flood recovery begins",
            "slug": "flood",
            "summary": "The water fell overnight across the valley towns.",
        },
        body_has=("<h2>Volunteers clear the high street</h2>",),
        body_lacks=("<h2>River flood", "<p>River flood"),
    ),
    "txt-short-prose-line-stays-paragraph": Accepts(
        "articles/a.txt",
        "Title here\n\nFirst paragraph of the story is long enough.\n\nHe declined.\n\n"
        "But that changed.\n\n“We will rebuild,” she said.\n\nThe reasons were these:\n\n"
        "Last paragraph.\n",
        body_has=(
            "<p>He declined.</p>",
            "<p>But that changed.</p>",
            "<p>“We will rebuild,” she said.</p>",
            "<p>The reasons were these:</p>",
        ),
        body_lacks=("<h2>",),
    ),
    "txt-question-heading-keeps-mark": Accepts(
        "articles/a.txt",
        "Title\n\nIntro paragraph.\n\nWhat happens next?\n\nMore text.\n",
        body_has=("<h2>What happens next?</h2>",),
    ),
    "txt-whitespace-only-lines-separate-and-wrap-joins": Accepts(
        "articles/a.txt",
        "Title\n \t \nFirst line of a paragraph\nwrapped here.\n   \nSecond paragraph.\n",
        body_has=("<p>First line of a paragraph wrapped here.</p>", "<p>Second paragraph.</p>"),
    ),
    "txt-related-blocks-not-body": Accepts(
        "articles/a.txt",
        "Title\n\nBody paragraph here.\n\nRelated Tags\n\n  • Local News\n  - floods\n"
        "  * local news\nYou May Also Like\n\nFirst story •\n\nFirst story teaser text…\n\n"
        "Second story without a bullet\n\nSecond teaser...\n",
        {
            "tags": ("Local News", "floods"),
            "related_stories": ("First story", "Second story without a bullet"),
        },
        body_lacks=("Related Tags", "teaser", "First story", "You May Also Like"),
    ),
    "txt-yaml-front-matter-honoured-and-tags-merged": Accepts(
        "articles/a.txt",
        "---\ntitle: From front matter\ndate: 2026-03-02\ntags: [weather]\n---\n"
        "Short title-like line\n\nBody.\n\nRelated Tags\n• floods\n",
        {"title": "From front matter", "published": utc(2026, 3, 2), "tags": ("weather", "floods")},
        body_has=("<p>Short title-like line</p>",),
    ),
    "txt-html-is-escaped-text": Accepts(
        "articles/a.txt",
        "Title\n\nUse <script>alert(1)</script> and {{ x }} literally.\n",
        body_has=("&lt;script&gt;alert(1)&lt;/script&gt;", "{{ x }}"),
        body_lacks=("<script",),
    ),
    "txt-bullet-block-is-list": Accepts(
        "articles/a.txt",
        "Title\n\nWe need:\n\n- sandbags\n- pumps\n\nThanks.\n",
        body_has=("<ul><li>sandbags</li><li>pumps</li></ul>",),
    ),
    # --- HTML ----------------------------------------------------------------------------------
    "html-head-metadata": Accepts(
        "articles/survey.html",
        "<!doctype html><html lang='de'><head><title>Survey &amp; results</title>"
        "<meta name='description' content='What readers told us'>"
        "<meta name='author' content='Ada Lovelace'>"
        "<meta property='article:published_time' content='2026-03-01T08:00:00Z'>"
        "<meta property='article:tag' content='Audience'>"
        "<meta name='keywords' content='data, audience'></head>"
        "<body><h1>Survey &amp; results</h1><p>Body <b>text</b>.</p></body></html>",
        {
            "title": "Survey & results",
            "summary": "What readers told us",
            "authors": ("Ada Lovelace",),
            "published": utc(2026, 3, 1, 8),
            "tags": ("Audience", "data"),
            "language": "de",
            "slug": "survey-de",
        },
        body_has=("<p>Body <b>text</b>.</p>",),
        body_lacks=("<h1>", "<title>", "<meta"),
    ),
    "html-title-from-first-h1": Accepts(
        "articles/a.html",
        "<html><body><p>Intro.</p><h1>Late heading</h1></body></html>",
        {"title": "Late heading"},
    ),
    "html-without-body-tag": Accepts(
        "articles/a.html",
        "<title>Fragment</title><p>Only a fragment.</p>",
        {"title": "Fragment"},
        body_has=("<p>Only a fragment.</p>",),
        body_lacks=("Fragment</",),
    ),
    "html-sanitised": Accepts(
        "articles/a.html",
        "<html><head><title>T</title><style>p{}</style></head><body onload='x()'>"
        "<p style='color:red' onmouseover='x()'>Hi</p><script>steal()</script>"
        "<a href='vbscript:x'>v</a><object data='x.swf'></object><embed src='x'>"
        "<form action='/x'><button>Go</button></form></body></html>",
        body_has=("<p>Hi</p>",),
        body_lacks=(
            "steal",
            "onmouseover",
            "style=",
            "vbscript",
            "<object",
            "<embed",
            "<form",
            "<button",
        ),
    ),
}

REJECTED: dict[str, Rejects] = {
    "empty-file": Rejects("articles/a.md", b"", ("empty",)),
    "whitespace-only-file": Rejects("articles/a.txt", b" \n\t\n", ("empty",)),
    "latin1-bytes-name-offset": Rejects(
        "articles/a.md", "# Caf\u00e9\n".encode("latin-1"), ("not valid UTF-8", "offset 5")
    ),
    "bom-then-bad-byte-offset-counts-bom": Rejects(
        "articles/a.md", b"\xef\xbb\xbfab\xffcd", ("offset 5", "0xff")
    ),
    "nul-byte-is-binary": Rejects("articles/a.txt", b"text\x00more", ("NUL", "offset 4")),
    "utf16-text": Rejects("articles/a.txt", "hi".encode("utf-16"), ("UTF-16",)),
    "png-with-md-extension": Rejects("articles/a.md", b"\x89PNG\r\n\x1a\nrest", ("PNG",)),
    "pdf-with-txt-extension": Rejects("articles/a.txt", b"%PDF-1.7\n...", ("PDF",)),
    "zip-with-md-extension": Rejects("articles/a.md", b"PK\x03\x04rest", ("ZIP",)),
    "over-size-limit": Rejects(
        "articles/a.md", "x" * 101, ("101 bytes", "limit is 100"), max_source_bytes=100
    ),
    "malformed-yaml-names-line": Rejects(
        "articles/a.md",
        "---\ntitle: ok\nfoo: bar: baz\n---\nText.\n",
        ("YAML", "syntax error on line 3"),
    ),
    "malformed-yaml-after-blank-lines": Rejects(
        "articles/a.md",
        "\n\n---\ntitle: [unclosed\nx: 1\n---\nText.\n",
        ("YAML", "line 5"),
    ),
    "malformed-toml-names-line": Rejects(
        "articles/a.md",
        '+++\ntitle = "ok"\ndate = \n+++\nText.\n',
        ("TOML", "syntax error on line 3"),
    ),
    "unclosed-front-matter": Rejects(
        "articles/a.md", "---\ntitle: T\n\nText.\n", ("never closed",)
    ),
    "front-matter-is-a-list": Rejects(
        "articles/a.md", "---\n- a\n- b\n---\nText.\n", ("not a set of `key: value` fields",)
    ),
    "front-matter-is-a-scalar": Rejects(
        "articles/a.md", "---\njust words\n---\nText.\n", ("not a set of `key: value` fields",)
    ),
    "yaml-python-tag-refused": Rejects(
        "articles/a.md",
        "---\nx: !!python/object/apply:os.system ['true']\n---\nText.\n",
        ("YAML", "syntax error"),
    ),
    "yaml-impossible-date-value": Rejects(
        "articles/a.md",
        "---\ntitle: T\ndate: 2026-02-30\n---\nText.\n",
        ("YAML", "day is out of range"),
    ),
    "yaml-binary-title": Rejects(
        "articles/a.md",
        "---\ntitle: !!binary aGVsbG8=\n---\nText.\n",
        ("`title` field should be text",),
    ),
    "yaml-alias-bomb": Rejects(
        "articles/a.md",
        "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\nText.\n",
        ("anchors", "more than 16 times"),
    ),
    "yaml-deep-nesting": Rejects(
        "articles/a.md", "---\na: " + "[" * 40 + "]" * 40 + "\n---\nText.\n", ("nested",)
    ),
    "unsupported-extension-lists-supported": Rejects(
        "articles/report.docx", b"whatever", ("`.docx` files",)
    ),
    "no-extension": Rejects("articles/README", b"text", ("without an extension",)),
    "title-too-long": Rejects(
        "articles/a.md", f"---\ntitle: {'word ' * 70}\n---\nText.\n", ("title is", "300")
    ),
    "too-many-tags": Rejects(
        "articles/a.md",
        "---\ntitle: T\ntags: [" + ", ".join(f"tag{n}" for n in range(51)) + "]\n---\nText.\n",
        ("51 different tags", "limit is 50"),
    ),
    "absurd-tag-length": Rejects(
        "articles/a.md",
        f"---\ntitle: T\ntags: ['{'long' * 30}']\n---\nText.\n",
        ("tag",),
    ),
    "title-empty-after-markup": Rejects(
        "articles/a.md", "---\ntitle: '<b></b>'\n---\nText.\n", ("title is empty",)
    ),
    "title-is-a-list": Rejects(
        "articles/a.md", "---\ntitle: [a, b]\n---\nText.\n", ("`title` field should be text",)
    ),
    "slug-without-letters": Rejects(
        "articles/a.md", "---\ntitle: T\nslug: '!!!'\n---\nText.\n", ("slug",)
    ),
    "hash-name-and-symbol-title-no-slug": Rejects(
        "articles/3f9a1c2e7b.md", "---\ntitle: '!!!'\n---\nText.\n", ("web address",)
    ),
    "no-body-no-title": Rejects(
        "articles/a.md", "---\ntags: [x]\n---\n\n", ("no article text and no title",)
    ),
    "unreadable-date": Rejects(
        "articles/a.md",
        "---\ntitle: T\ndate: next tuesday-ish\n---\nText.\n",
        ("`date` field is not a date",),
    ),
    "unknown-status": Rejects(
        "articles/a.md", "Title: T\nStatus: pending\n\nText.\n", ("status 'pending'",)
    ),
    "draft-flag-not-boolean": Rejects(
        "articles/a.md", "---\ntitle: T\ndraft: maybe\n---\nText.\n", ("true or false",)
    ),
    "jekyll-name-with-impossible-date": Rejects(
        "articles/2026-13-45-oops.md", "# T\n\nText.\n", ("2026-13-45", "not a real date")
    ),
}

ARTICLE_FIELDS = {f.name for f in fields(Article)}


@pytest.mark.parametrize("case", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_given_a_valid_file_when_read_then_article_has_expected_fields(case: Accepts) -> None:
    """GIVEN a well-formed file WHEN it is read THEN the listed fields have these values
    and the body contains (and lacks) the listed fragments."""
    article = read(case.key, case.body)

    for name, expected in case.expect.items():
        assert name in ARTICLE_FIELDS, f"unknown field in the test table: {name}"
        actual = tags_of(article) if name == "tags" else getattr(article, name)
        assert actual == expected, name
    for fragment in case.body_has:
        assert fragment in article.body_html
    for fragment in case.body_lacks:
        assert fragment not in article.body_html


@pytest.mark.parametrize("case", REJECTED.values(), ids=REJECTED.keys())
def test_given_a_bad_file_when_read_then_rejected_with_reason_and_fix(case: Rejects) -> None:
    """GIVEN a file that cannot publish WHEN it is read THEN RejectedFile names the key, says
    why in words an editor understands, and says how to fix it."""
    with pytest.raises(RejectedFile) as raised:
        read(case.key, case.body, max_source_bytes=case.max_source_bytes)

    rejection = raised.value.rejection
    assert rejection.key == case.key
    for words in case.reason_has:
        assert words in rejection.reason
    assert rejection.fix.strip()


def test_given_the_tables_then_they_hold_at_least_forty_cases() -> None:
    """GIVEN the two tables THEN together they cover at least forty inputs (issue #3)."""
    assert len(ACCEPTED) + len(REJECTED) >= 40


def test_given_an_unsupported_file_when_rejected_then_fix_lists_supported_extensions() -> None:
    """GIVEN a `.docx` WHEN read THEN the fix lists every extension Pressroom reads."""
    with pytest.raises(RejectedFile) as raised:
        read("articles/report.docx", b"x")

    for extension in (".md", ".markdown", ".mdown", ".mkd", ".txt", ".html", ".htm"):
        assert extension in raised.value.rejection.fix


def test_given_the_same_file_uploaded_twice_when_read_then_slug_is_stable() -> None:
    """GIVEN one file re-uploaded later WHEN read twice THEN the slug (the URL) is the same,
    while an undated file's published date follows the upload time (the pipeline keeps the
    first one, told by `date_source`)."""
    body = "The first sentence makes the title. More text follows here.\n"
    first = read("articles/0a1b2c3d4e5f.txt", body)
    again = read("articles/0a1b2c3d4e5f.txt", body)

    assert first.slug == again.slug == "the-first-sentence-makes-the-title"
    assert first.date_source == "upload"
