"""Readers: turn one uploaded file into an `Article`, or reject it with a clear reason.

Contract used by the pipeline:

    read_article(source: Source, settings: Settings, fetch=None) -> Article  # RejectedFile

Steps: pick the reader by file extension (`READERS`); decode the bytes (size, binary, UTF-8 and
emptiness checks, `decode.py`); the reader returns `(sanitised body_html, metadata)`; one shared
step builds the `Article` (`article.py`). Modules:

* `markdown_reader`, `text_reader`, `html_reader` — one per format;
* `markdown_extensions` — heading ids and anchors, Pygments highlighting, `math: true` MathML;
  `toc` — the table of contents `toc: true` asks for;
* `front_matter` — YAML / TOML / Pelican header blocks; `metadata` — typed values from them;
* `filenames` — Jekyll dates and meaningful slugs from file names;
* `sanitize` — the one HTML allow-list; `prose` — text helpers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from importlib import import_module
from types import MappingProxyType

from pressroom.errors import RejectedFile
from pressroom.model import Article, Source
from pressroom.readers.base import Reader, Unreadable
from pressroom.readers.decode import decode_text
from pressroom.settings import Settings

__all__ = ["READERS", "SUPPORTED_EXTENSIONS", "load_readers", "read_article", "reader_for"]

_LOGGER = logging.getLogger(__name__)

# Extension -> (module, function) of its reader (each module's EXTENSIONS; a unit test keeps them
# equal). A reader and its parsers (markdown-it, YAML, nh3) are imported when the first file of
# its format is read, not at the cold start of every function that imports this package.
READERS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        **dict.fromkeys(
            (".md", ".markdown", ".mdown", ".mkd"), ("markdown_reader", "read_markdown")
        ),
        **dict.fromkeys((".txt", ".text"), ("text_reader", "read_text")),
        **dict.fromkeys((".html", ".htm"), ("html_reader", "read_html")),
    }
)
SUPPORTED_EXTENSIONS = tuple(READERS)


def extension_of(key: str) -> str:
    """`.md` for `articles/Post.MD`; `` for `README` or `.hidden`."""
    filename = key.rsplit("/", 1)[-1]
    name, dot, extension = filename.lstrip(".").rpartition(".")
    return f".{extension.lower()}" if dot and name else ""


def reader_for(key: str) -> Reader:
    extension = extension_of(key)
    if extension not in READERS:
        found = f"`{extension}` files" if extension else "files without an extension"
        raise Unreadable(
            f"Pressroom cannot read {found}.",
            f"Upload the article as one of: {', '.join(SUPPORTED_EXTENSIONS)}.",
        )
    module, function = READERS[extension]
    reader: Reader = getattr(import_module(f"{__name__}.{module}"), function)
    return reader


def load_readers(keys: Iterable[str]) -> None:
    """Import now what `read_article` imports when it first reads these keys (a process about
    to fork workers that will read them: once here, instead of once in every worker)."""
    import pressroom.readers.article
    import pressroom.readers.jekyll_liquid
    import pressroom.readers.sanitize  # noqa: F401

    for extension in {extension_of(key) for key in keys} & set(READERS):
        import_module(f"{__name__}.{READERS[extension][0]}")


def read_article(
    source: Source, settings: Settings, fetch: Callable[[str], str | None] | None = None
) -> Article:
    """`fetch` reads another uploaded file's text by its key (None if there is none): what
    Jekyll's `{% include %}` needs. Without it, includes are left out with a warning."""
    from pressroom.readers.article import build_article  # loaded with the first reader, as above
    from pressroom.readers.jekyll_liquid import UploadIncludes, reading_site
    from pressroom.readers.sanitize import linking_from, reporting_removals

    includes = UploadIncludes(source.key, settings.articles_prefix, fetch) if fetch else None
    try:
        reader = reader_for(source.key)
        text = decode_text(source.body, settings.max_source_bytes)
        with (
            reading_site(settings.site_url, settings.site_title, includes),
            reporting_removals() as removed,
            linking_from(settings.site_url),
        ):
            body_html, metadata = reader(text)
        article = build_article(source, settings, body_html, metadata)
    except Unreadable as problem:
        raise RejectedFile(source.key, problem.reason, problem.fix) from None
    if removed:
        article = replace(article, warnings=(*article.warnings, _removed_warning(removed)))
    if includes is not None and includes.read_keys:
        article = replace(article, depends_on=includes.read_keys)
    for warning in article.warnings:  # the function's log (INFO: not an error); the CLI's
        _LOGGER.info("%s: %s", source.key, warning)  # `build`, `preview`, `--dry-run` show them
    return article


def _removed_warning(removed: list[str]) -> str:
    return (
        f"Removed from the article as unsafe or unsupported: {', '.join(removed)}. Pressroom "
        "keeps ordinary markup, images, video and audio of uploaded files, and embeds from "
        "YouTube (youtube-nocookie.com) and Vimeo."
    )
