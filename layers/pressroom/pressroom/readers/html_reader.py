"""HTML pages: the title, the usual `<meta>` tags and the `<body>`, read with `html.parser`.

Title: `<title>`, else `og:title`, else the first `<h1>`. Metadata: `description`, `author`,
`keywords` (comma-separated tags), OpenGraph `article:published_time`, `article:modified_time`,
`article:tag` (one per tag) and `article:section`, and `<html lang>`. The body is the inside of
`<body>` (the whole document after `</head>` when there is no `<body>` tag), sanitised; its
headings get ids and anchors as Markdown headings do.
"""

from __future__ import annotations

from html.parser import HTMLParser

from pressroom.readers.base import Metadata, Parsed
from pressroom.readers.front_matter import split_front_matter
from pressroom.readers.markdown_extensions import heading_ids_in_html
from pressroom.readers.metadata import split_names
from pressroom.readers.migration import after_render, liquid_in_html
from pressroom.readers.prose import collapse_whitespace
from pressroom.readers.sanitize import clean_html

EXTENSIONS = (".html", ".htm")

# `<meta name=...>` / `<meta property=...>` → our metadata key.
_META_FIELDS = {
    "description": "description",
    "og:description": "description",
    "author": "author",
    "article:author": "author",
    "article:published_time": "date",
    "article:modified_time": "modified",
    "article:section": "category",
    "og:title": "ogtitle",
}


class _PageScanner(HTMLParser):
    """Collects head fields and the character range of the body in one pass."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = _line_starts(text)
        self.metadata: Metadata = {}
        self.tags: list[str] = []
        self.title_parts: list[str] | None = None
        self.h1_parts: list[str] | None = None
        self._capturing: list[str] | None = None
        self.body_start: int | None = None
        self.body_end: int | None = None
        self.head_end: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = {name: value or "" for name, value in attrs}
        if tag == "html" and fields.get("lang"):
            self.metadata.setdefault("lang", fields["lang"])
        elif tag == "meta":
            self._read_meta(fields)
        elif tag == "title" and self.title_parts is None:
            self.title_parts = self._capturing = []
        elif tag == "h1" and self.h1_parts is None:
            self.h1_parts = self._capturing = []
        elif tag == "body" and self.body_start is None:
            self.body_start = self._offset() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "h1"):
            self._capturing = None
        elif tag == "head" and self.head_end is None:
            self.head_end = self._offset() + len("</head>")
        elif tag == "body":
            self.body_end = self._offset()

    def handle_data(self, data: str) -> None:
        if self._capturing is not None:
            self._capturing.append(data)

    def _read_meta(self, fields: dict[str, str]) -> None:
        name = (fields.get("name") or fields.get("property") or "").strip().lower()
        content = fields.get("content", "")
        if not content.strip():
            return
        if name == "keywords":
            self.tags.extend(split_names(content))
        elif name == "article:tag":
            self.tags.append(content)
        elif name in _META_FIELDS:
            self.metadata.setdefault(_META_FIELDS[name], content)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")
    return starts


def read_html(text: str) -> Parsed:
    front, text = split_front_matter(text)  # static-site HTML pages may carry YAML too
    text = liquid_in_html(text, front)
    scanner = _PageScanner(text)
    scanner.feed(text)
    scanner.close()
    metadata = {**_page_metadata(scanner), **front}
    body_html = clean_html(after_render(_body_of(text, scanner), metadata))
    return heading_ids_in_html(body_html), metadata


def _page_metadata(scanner: _PageScanner) -> Metadata:
    metadata = dict(scanner.metadata)
    og_title = metadata.pop("ogtitle", None)
    for candidate in (scanner.title_parts, [og_title] if og_title else None, scanner.h1_parts):
        title = collapse_whitespace("".join(candidate or []))
        if title:
            metadata["title"] = title
            break
    if scanner.tags:
        metadata["tags"] = scanner.tags
    return metadata


def _body_of(text: str, scanner: _PageScanner) -> str:
    if scanner.body_start is not None:
        return text[scanner.body_start : scanner.body_end]
    if scanner.head_end is not None:
        return text[scanner.head_end :]
    return text
