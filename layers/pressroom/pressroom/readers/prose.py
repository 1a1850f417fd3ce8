"""Plain-text helpers: text out of HTML, sentences, shortening at a word boundary."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ELLIPSIS = "…"

# Abbreviations whose period does not end a sentence ("U.S. President", "Mr Musk", "Inc.").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "inc", "ltd", "co", "corp", "vs"}
    | {"etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "fig", "approx", "gen", "gov", "sen"}
)
_SENTENCE_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[]?[A-Z0-9])")


# Elements that separate words, each on a line of its own; inline ones (`<em>`, `<a>`) must not
# add spaces ("<em>a</em>,").
_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "table"}
    | {"tr", "td", "th", "caption", "figure", "figcaption", "section", "article", "aside"}
    | {"header", "footer", "details", "summary", "h1", "h2", "h3", "h4", "h5", "h6", "img"}
)
_NOT_TEXT = frozenset({"script", "style", "template", "svg", "math"})  # code and drawings


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # inside <script>, <svg>...: not text a reader reads

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_TEXT:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_TEXT:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def text_of(html: str) -> str:
    """The readable text of an HTML fragment (or of plain text), on one line."""
    if "<" not in html and "&" not in html:
        return collapse_whitespace(html)
    return collapse_whitespace(_text(html))


def plain_text(html: str) -> str:
    """The readable text of an HTML fragment, a line for each block."""
    lines = (collapse_whitespace(line) for line in _text(html).splitlines())
    return "\n".join(line for line in lines if line)


def _text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


def word_count(text: str) -> int:
    return len(text.split())


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at the last word boundary plus `…`."""
    text = collapse_whitespace(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + ELLIPSIS


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph, not fooled by "U.S." or "Mr." or initials."""
    text = collapse_whitespace(text)
    for match in _SENTENCE_END.finditer(text):
        if not _ends_with_abbreviation(text[: match.start() + 1]):
            return text[: match.end()]
    return text


def _ends_with_abbreviation(text: str) -> bool:
    last_word = text.rsplit(" ", 1)[-1].rstrip(".").lower()
    is_initial = len(last_word) == 1 and last_word.isalpha()
    return text.endswith(".") and (last_word in _ABBREVIATIONS or is_initial)


def without_final_period(text: str) -> str:
    """Headlines do not end with a full stop; `?`, `!` and `…` carry meaning, so they stay."""
    if text.endswith(".") and not text.endswith(".."):
        return text[:-1].rstrip()
    return text
