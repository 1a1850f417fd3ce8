"""Metadata blocks at the top of a text file: YAML (`---`), TOML (`+++`), Pelican `Key: value`.

YAML and TOML go through python-frontmatter's handler interface (detect → split → load), with
our own handlers: YAML is loaded with the safe loader after a scan of its events that refuses
alias bombs and absurd nesting; TOML uses the standard library's `tomllib` (python-frontmatter's
own TOML handler needs the `toml` package, which the layer does not ship). Errors name the line
of the file, counted from its first line, so that an editor can find it.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler

from pressroom.readers.base import Metadata, Unreadable
from pressroom.readers.metadata import normalise_key, normalise_keys, split_names

MAX_YAML_ALIASES = 16  # a handful of `*anchor` re-uses is legitimate; a billion laughs is not
MAX_NESTING = 8
# libyaml's loader where PyYAML was built with it (its wheels are, for Lambda too): same safe
# constructors, ~10x faster than the pure-Python parser.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeYAMLHandler(BaseHandler):
    """`---` opens; `---` or `...` closes (as in Jekyll)."""

    FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"
    OPENING = re.compile(r"---[ \t]*\n")
    LANGUAGE = "YAML"

    def detect(self, text: str) -> bool:
        return self.OPENING.match(text) is not None

    def load(self, fm: str, **kwargs: object) -> Any:
        _refuse_yaml_bombs(fm)
        return yaml.load(fm, Loader=_SAFE_LOADER)  # noqa: S506 # nosec B506 # a safe loader


class TomlHandler(BaseHandler):
    """`+++` opens and closes (as in Hugo)."""

    FM_BOUNDARY = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"
    OPENING = re.compile(r"\+\+\+[ \t]*\n")
    LANGUAGE = "TOML"

    def detect(self, text: str) -> bool:
        return self.OPENING.match(text) is not None

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


HANDLERS: tuple[SafeYAMLHandler | TomlHandler, ...] = (SafeYAMLHandler(), TomlHandler())


def split_front_matter(text: str, *, pelican_headers: bool = False) -> tuple[Metadata, str]:
    """(metadata with normalised keys, the rest of the text). No block: ({}, text).

    `text` has `\\n` line endings. Leading blank lines before the opening delimiter are allowed.
    """
    body_start = len(text) - len(text.lstrip())
    lines_before = text.count("\n", 0, body_start)
    stripped = text[body_start:]
    handler = frontmatter.detect_format(stripped, HANDLERS)
    if isinstance(handler, SafeYAMLHandler | TomlHandler):
        return _read_delimited(handler, stripped, lines_before)
    if pelican_headers:
        return read_pelican_headers(text)
    return {}, text


def _read_delimited(
    handler: SafeYAMLHandler | TomlHandler, text: str, lines_before: int
) -> tuple[Metadata, str]:
    try:
        block, rest = handler.split(text)
    except ValueError:
        raise Unreadable(
            f"The {handler.LANGUAGE} front matter opened with `{handler.START_DELIMITER}` "
            f"on line {lines_before + 1} is never closed.",
            f"Add a line containing only `{handler.END_DELIMITER}` after the last field.",
        ) from None
    try:
        loaded = handler.load(block)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: TOML errors, dates like Feb 30
        raise _syntax_error(handler.LANGUAGE, error, lines_before) from None
    if loaded is None:  # an empty block is allowed, as in Jekyll
        loaded = {}
    if not isinstance(loaded, dict):
        shape = "a list" if isinstance(loaded, list) else "a single value"
        raise Unreadable(
            f"The {handler.LANGUAGE} front matter is not a set of `key: value` fields "
            f"(it reads as {shape}).",
            "Write one field per line, e.g. `title: My headline`.",
        )
    return normalise_keys(loaded), rest.lstrip("\n")


def _syntax_error(language: str, error: Exception, lines_before: int) -> Unreadable:
    # The block starts on the delimiter's line, so its line 1 (TOML) / line 0 (YAML) is file
    # line 1; both parsers count within the block.
    line: int | None = None
    detail = str(error)
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        line = error.problem_mark.line + 1
        detail = " ".join(part for part in (error.context, error.problem) if part) or detail
    elif match := re.search(r"\(at line (\d+), column \d+\)", detail):
        line = int(match.group(1))
        detail = detail[: match.start()].strip()
    where = f" on line {line + lines_before}" if line is not None else ""
    syntax = isinstance(error, yaml.YAMLError | tomllib.TOMLDecodeError)
    problem = "a syntax error" if syntax else "a value that cannot be read"
    return Unreadable(
        f"The {language} front matter has {problem}{where}: {detail}.",
        f"Correct the {language} on that line; values containing `:` or `#` need quotes.",
    )


def _refuse_yaml_bombs(block: str) -> None:
    """Scan events before building anything: aliases re-use nodes without copying them, so a
    few kilobytes can describe billions of values; deep nesting exhausts the recursion."""
    aliases = depth = 0
    for event in yaml.parse(block, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise Unreadable(
                    f"The YAML front matter re-uses anchors (`*name`) more than "
                    f"{MAX_YAML_ALIASES} times.",
                    "Write the values out instead of using YAML anchors and aliases.",
                )
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise Unreadable(
                    f"The YAML front matter is nested more than {MAX_NESTING} levels deep.",
                    "Keep front matter flat: `key: value` fields and simple lists.",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


# --- Pelican / Python-Markdown "meta" header blocks -------------------------------------------

_HEADER_LINE = re.compile(r"^ {0,3}(?P<key>[A-Za-z0-9_-]+):[ \t]*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^ {4,}(?P<value>\S.*)$")
# A block is only taken as headers when its first key is one of these: "Note: ..." is prose.
PELICAN_KEYS = frozenset(
    {"title", "date", "modified", "tags", "category", "categories", "author", "authors"}
    | {"summary", "slug", "status", "lang", "save_as", "url", "template", "translation"}
)
# List-valued headers, split on `;` or `,` as Pelican does (so `Category: Space Flight` stays
# one category, where a YAML string would split on spaces as Jekyll does).
_PELICAN_LIST_KEYS = frozenset({"tags", "authors", "category", "categories"})


def read_pelican_headers(text: str) -> tuple[Metadata, str]:
    """Leading `Key: value` lines (indented lines continue a value) up to the first blank line."""
    lines = text.split("\n")
    first = _HEADER_LINE.match(lines[0])
    if first is None or first["key"].lower() not in PELICAN_KEYS:
        return {}, text
    fields: list[tuple[str, str]] = []
    body_from = len(lines)
    for index, line in enumerate(lines):
        if header := _HEADER_LINE.match(line):
            fields.append((header["key"], header["value"].strip()))
        elif (more := _CONTINUATION.match(line)) and fields:
            key, value = fields[-1]
            fields[-1] = (key, f"{value} {more['value'].strip()}")
        else:
            body_from = index
            break
    return _pelican_metadata(fields), "\n".join(lines[body_from:]).lstrip("\n")


def _pelican_metadata(fields: list[tuple[str, str]]) -> Metadata:
    metadata: Metadata = {}
    for raw_key, value in fields:
        key = normalise_key(raw_key)
        metadata.setdefault(key, split_names(value) if key in _PELICAN_LIST_KEYS else value)
    if "title" in metadata:
        # Pelican's default SLUGIFY_SOURCE is the title, not the file name.
        metadata.setdefault("slug", metadata["title"])
    return metadata
