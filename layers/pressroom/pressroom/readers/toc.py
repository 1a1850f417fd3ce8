"""An article's table of contents, from the headings of its sanitised body.

Asked for by `toc: true` in the front matter (any format: it reads the HTML, so Markdown's
generated heading ids and an HTML article's own ids both work). Levels 2 to 4, in page order;
headings without an id cannot be linked to and are left out. The title (`<h1>`) is the page's own.
"""

from __future__ import annotations

import html
import re

from pressroom.model import TocEntry
from pressroom.readers.prose import text_of

MAX_TOC_ENTRIES = 200
_HEADING = re.compile(
    r"<h(?P<level>[2-4])\s(?:[^>]*\s)?id=\"(?P<id>[^\"]+)\"[^>]*>(?P<inner>.*?)</h(?P=level)>",
    re.DOTALL,
)


def table_of_contents(body_html: str) -> tuple[TocEntry, ...]:
    """The headings as nested entries: an `<h4>` straight after an `<h2>` is one level deeper,
    not two, so that the list nests properly."""
    headings = []
    for heading in _HEADING.finditer(body_html):
        if text := text_of(heading["inner"]):
            headings.append((int(heading["level"]), html.unescape(heading["id"]), text))
        if len(headings) == MAX_TOC_ENTRIES:
            break
    if not headings:
        return ()
    top = min(level for level, _, _ in headings)
    entries: list[TocEntry] = []
    for level, identifier, text in headings:
        deepest = entries[-1].depth + 1 if entries else 1
        entries.append(TocEntry(min(level - top + 1, deepest), identifier, text))
    return tuple(entries)
