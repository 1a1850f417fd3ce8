"""Jekyll's Liquid in a migrated post, rendered with python-liquid in a sandbox.

This is the one deliberate, limited exception to "content is data" (DESIGN.md, invariant 5):
a post that uses Liquid outside code (`{% … %}`, or `{{ … }}` that is not a Hugo shortcode's
`{{<`/`{{%`) is rendered as Jekyll renders it, before Markdown. The sandbox:

* data only: the template sees plain dicts, lists, strings and numbers (`site`, `page`); Liquid
  has no attribute access on Python objects, so `{{ ''.__class__ }}` is nothing;
* bounded: loop iterations, output size, context depth (includes in includes), local namespace
  size, block nesting and time (`MAX_SECONDS`, checked at each loop and filter) are limited
  (`liquid_sandbox`, imported only for a post that uses Liquid); the input size is the
  reader's; past a limit, all Liquid is left out;
* no files: `include`/`include_relative` read only the upload's own `_includes/` through an
  `Includes` the caller passes (none given: the include is empty, with a warning);
* Jekyll's tags: `highlight` (a fenced block, highlighted as any other), `raw`, `post_url` and
  `link` (the `/articles/<slug>/` of the named file, as Hugo's `ref`);
* whatever it does not know — a tag, a filter, an undefined variable, a syntax error — renders
  as nothing and is a warning naming it. The output is Markdown, rendered and sanitised (nh3)
  like any other.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pressroom.readers.hugo_shortcodes import segments

if TYPE_CHECKING:
    from pressroom.readers.liquid_sandbox import Includes

_RAW_BLOCK = re.compile(r"{%-?\s*raw\s*-?%}.*?{%-?\s*endraw\s*-?%}", re.DOTALL)
_SHORTCODE = re.compile(r"{{\s*[<%]")
_LIQUID = re.compile(r"{%|{{")
_ANY_LIQUID = re.compile(r"{[{%].*?(?:[%}]}|$)|[%}]}", re.DOTALL)
MAX_INCLUDE_FILES = 20  # distinct files one post may include
_SITE_FOLDERS = frozenset({"_posts", "_drafts"})


class UploadIncludes:
    """`liquid_sandbox.Includes`: one post's includes, read through `fetch` (an ingest-bucket
    key → its text, or None): `_includes/` at the root of the Jekyll site the post came in (the
    folder holding its
    `_posts/` or `_drafts/`, else the articles prefix), and files beside the post. Every key
    asked for is remembered, found or not: the post depends on it (`Article.depends_on`)."""

    def __init__(self, post_key: str, prefix: str, fetch: Callable[[str], str | None]) -> None:
        folders = post_key.split("/")[:-1]
        cut = next((i for i, part in enumerate(folders) if part in _SITE_FOLDERS), None)
        self._root = "/".join(folders[:cut]) + "/" if cut else prefix
        self._folder = "/".join(folders) + "/" if folders else ""
        self._prefix = prefix
        self._fetch = fetch
        self._found: dict[str, str | None] = {}

    @property
    def read_keys(self) -> tuple[str, ...]:
        return tuple(self._found)

    def get(self, name: str, relative: bool = False) -> str | None:
        key = posixpath.normpath((self._folder if relative else self._root + "_includes/") + name)
        if key in self._found:  # included again (a loop): read once
            return self._found[key]
        if not key.startswith(self._prefix) or len(self._found) >= MAX_INCLUDE_FILES:
            return None
        self._found[key] = self._fetch(key)
        return self._found[key]


# `site.url`, `site.title` and the upload's includes while a file is read (`reading_site`, set
# by `read_article`).
_SITE: ContextVar[Mapping[str, str] | None] = ContextVar("pressroom_liquid_site", default=None)
_INCLUDES: ContextVar[Includes | None] = ContextVar("pressroom_liquid_includes", default=None)


@contextmanager
def reading_site(url: str, title: str, includes: Includes | None = None) -> Iterator[None]:
    """`site.url`, `site.title` and the includes for the Liquid of the files read inside."""
    site, found = _SITE.set({"url": url, "title": title}), _INCLUDES.set(includes)
    try:
        yield
    finally:
        _SITE.reset(site)
        _INCLUDES.reset(found)


# --- recognising and rendering a Liquid post ---------------------------------------------


def uses_liquid(body: str) -> bool:
    """Liquid outside code (and outside `{% raw %}`), and no Hugo shortcode anywhere outside code:
    a Hugo post's `{{< … >}}` stays the shortcodes' business."""
    prose = "".join(piece for is_code, piece in segments(body) if not is_code)
    if _SHORTCODE.search(_RAW_BLOCK.sub("", prose)):
        return False
    return bool(_LIQUID.search(prose))


def render_liquid(
    body: str,
    front_matter: Mapping[str, Any],
    *,
    site: Mapping[str, str] | None = None,
    page_url: str = "",
    includes: Includes | None = None,
) -> tuple[str, list[str]]:
    """`body` with its Liquid rendered, and the warnings: what was left out and why."""
    from pressroom.readers import liquid_sandbox  # python-liquid: only for a post that uses it

    text, warnings = liquid_sandbox.render(
        body, front_matter, site or _SITE.get(), page_url, includes or _INCLUDES.get()
    )
    if text is None:  # past a limit: all of its Liquid is left out
        text = _ANY_LIQUID.sub("", _RAW_BLOCK.sub("", body))
    return text, warnings
