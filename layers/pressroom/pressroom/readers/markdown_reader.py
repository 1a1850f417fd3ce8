"""Markdown: CommonMark plus tables, strikethrough and footnotes, under any front matter style.

Raw HTML inside Markdown is allowed by CommonMark, so it is rendered and then sanitised like
any other HTML. `{{ }}` and `{% %}` stay text, except in a Jekyll post's Liquid, which
`migration.before_markdown` renders in python-liquid's sandbox (`jekyll_liquid`).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from pressroom.readers.base import Parsed
from pressroom.readers.front_matter import split_front_matter
from pressroom.readers.markdown_extensions import (
    heading_anchors_plugin,
    highlight_code,
    math_plugin,
    wants_math,
)
from pressroom.readers.migration import after_render, before_markdown
from pressroom.readers.sanitize import clean_html

EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")

# Built once per process; rendering keeps no state between documents.
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True, "typographer": False, "highlight": highlight_code})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(heading_anchors_plugin)
)
# `$...$` and `$$...$$` are math only where the front matter says `math: true`.
_MATH_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True, "typographer": False, "highlight": highlight_code})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(heading_anchors_plugin)
    .use(math_plugin)
)


def read_markdown(text: str) -> Parsed:
    metadata, body = split_front_matter(text, pelican_headers=True)
    body = before_markdown(body, metadata)  # Jekyll's Liquid, or Hugo shortcodes
    markdown = _MATH_MARKDOWN if wants_math(metadata) else _MARKDOWN
    return clean_html(after_render(markdown.render(body), metadata)), metadata
