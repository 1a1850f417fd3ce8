"""Plain-text articles shaped like a scraped news page (`shared/samples/seed-article.txt`).

Layout: optional YAML/TOML front matter; paragraphs separated by blank lines (lines holding only
whitespace count as blank; the lines of one paragraph are joined with spaces); then optionally a
trailer that starts at a line reading exactly `Related Tags` (or `Tags`) or `You May Also Like`
(or `Related Stories`), case-insensitive, with an optional colon:

* `Related Tags`: each bullet line (`•`, `-`, `*`, `·`) is a tag.
* `You May Also Like`: story titles, each usually ending with `•` and followed by a teaser ending
  with `…` (or `...`). Lines ending with an ellipsis are teasers and are dropped; any other line
  is a title (trailing bullets and dashes trimmed). Nothing from the trailer is body text.

Title (when the front matter has none): the first block, when it is a single line shaped like a
heading (rule below). Otherwise the shared article step derives one from the first sentence of
the first paragraph. A sub-heading further down is never promoted: after a lede it names a
section, not the article, so the lede's first sentence is the better headline.

Sub-headings: a block between two other blocks becomes an `<h2>` when it is one line of at most
12 words and 90 characters holding a single sentence that looks like a headline, not prose:

* it starts with a capital letter or a digit, not with an opening quote (quotes are prose);
* it does not end with `,` `;` `:` (those lead into what follows);
* if it ends like a sentence (`.` `!` `?`), its first word is not a pronoun or linking word
  (`He`, `She`, `It`, `They`, `This`, `But`, `And`, `So`...), which is how one-line prose
  paragraphs ("He declined.", "But that changed.") usually start, while headlines open with
  their subject ("Elon Musk aided NASA in becoming self-sufficient.").

A block whose lines all start with a bullet becomes a list. A heading's final full stop is
dropped (headlines don't carry one); `?` and `!` stay.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pressroom.readers.base import Metadata, Parsed
from pressroom.readers.front_matter import split_front_matter
from pressroom.readers.metadata import as_list
from pressroom.readers.prose import first_sentence, without_final_period, word_count
from pressroom.readers.sanitize import clean_html

EXTENSIONS = (".txt", ".text")

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90

_TAGS_MARKERS = frozenset({"related tags", "tags"})
_STORIES_MARKERS = frozenset({"you may also like", "related stories"})
_BULLET = re.compile(r"^\s*[•·*-]\s+(?P<text>\S.*)$")
_TEASER_END = ("…", "...")
_TITLE_TRAILER = re.compile(r"[\s•·|–—-]+$")
_PROSE_OPENERS = frozenset(
    {"he", "she", "it", "its", "it's", "they", "we", "i", "you", "this", "that", "these"}
    | {"those", "there", "his", "her", "their", "our", "but", "and", "or", "so", "yet"}
    | {"then", "still", "also", "however", "meanwhile", "instead", "thus", "now", "here"}
)
_OPENING_QUOTES = ("“", '"', "‘", "'", "«", "„")


@dataclass
class _Trailer:
    tags: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)


def read_text(text: str) -> Parsed:
    metadata, rest = split_front_matter(text)
    body_lines, trailer = _split_trailer(rest.split("\n"))
    blocks = list(_blocks(body_lines))
    if "title" not in metadata and blocks and _looks_like_heading(blocks[0]):
        metadata["title"] = without_final_period(blocks[0][0].strip())
        blocks = blocks[1:]
    return clean_html(_render(blocks)), _with_trailer(metadata, trailer)


def _with_trailer(metadata: Metadata, trailer: _Trailer) -> Metadata:
    if trailer.tags:
        metadata["tags"] = [*as_list(metadata.get("tags"), "tags"), *trailer.tags]
    if trailer.stories:
        metadata["relatedstories"] = trailer.stories
    return metadata


# --- trailer: Related Tags / You May Also Like ----------------------------------------------


def _marker(line: str) -> str | None:
    words = " ".join(line.strip().rstrip(":").split()).lower()
    if words in _TAGS_MARKERS:
        return "tags"
    if words in _STORIES_MARKERS:
        return "stories"
    return None


def _split_trailer(lines: list[str]) -> tuple[list[str], _Trailer]:
    trailer = _Trailer()
    section: str | None = None
    body_end = len(lines)
    for index, line in enumerate(lines):
        if (marker := _marker(line)) is not None:
            body_end = min(body_end, index)
            section = marker
        elif section == "tags" and (bullet := _BULLET.match(line)):
            trailer.tags.append(bullet["text"].strip())
        elif section == "stories" and (story := _story_title(line)):
            trailer.stories.append(story)
    return lines[:body_end], trailer


def _story_title(line: str) -> str | None:
    line = line.strip()
    if not line or line.endswith(_TEASER_END):
        return None
    return _TITLE_TRAILER.sub("", line) or None


# --- body: paragraphs, sub-headings, lists ----------------------------------------------------


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Runs of non-blank lines; whitespace-only lines separate them."""
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.strip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def _render(blocks: list[list[str]]) -> str:
    parts = []
    for index, block in enumerate(blocks):
        between = 0 < index < len(blocks) - 1
        parts.append(_render_block(block, between_blocks=between))
    return "\n".join(parts)


def _render_block(block: list[str], *, between_blocks: bool) -> str:
    bullets = [match for line in block if (match := _BULLET.match(line))]
    if len(bullets) == len(block):
        items = "".join(f"<li>{html.escape(bullet['text'])}</li>" for bullet in bullets)
        return f"<ul>{items}</ul>"
    if between_blocks and _looks_like_heading(block):
        return f"<h2>{html.escape(without_final_period(block[0]))}</h2>"
    return f"<p>{html.escape(' '.join(block))}</p>"


def _looks_like_heading(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    line = block[0]
    if word_count(line) > MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARS:
        return False
    if line.startswith(_OPENING_QUOTES) or not (line[0].isupper() or line[0].isdigit()):
        return False
    if line.endswith((",", ";", ":")) or first_sentence(line) != line:
        return False
    ends_like_sentence = line.endswith((".", "!", "?"))
    return not (ends_like_sentence and _first_word(line) in _PROSE_OPENERS)


def _first_word(line: str) -> str:
    return line.split()[0].strip(".,;:!?").replace("’", "'").lower()
