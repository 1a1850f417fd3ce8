"""Pelican's intra-site links in rendered HTML: `{filename}`, `{static}`, `{attach}`, `{tag}`,
`{author}`, `{category}`, `{index}`, and the old `|filename|` syntax.

`resolve_links(html)` rewrites `href`/`src` values (Markdown links and images, raw HTML alike;
markdown-it percent-encodes the braces, so `%7Bfilename%7D` is read too) and returns
`(html, warnings)`; the sanitiser runs afterwards as for any HTML.

* `{filename}/posts/other.md`, `{filename}other.md`, `|filename|other.md` → `/articles/<slug>/`
  with the slug the file name gives (as `ref` does, see `hugo_shortcodes.ref_url`); a link to a
  file that is not an article (`{filename}/images/x.png`) is kept as a site-relative path;
* `{static}` and `{attach}` → the path, site-relative (`/images/x.png`); the media files
  themselves are issue 17's;
* `{tag}name` → `/tags/<slug>/`, `{category}name` → `/categories/<slug>/`, `{author}name` →
  `/authors/<slug>/`, with the site's one slug rule (`model.slug_of`, as `Tag` uses);
  `{index}` → `/`.
"""

from __future__ import annotations

import posixpath
import re
from html import escape, unescape
from urllib.parse import quote, unquote

from pressroom.model import slug_of
from pressroom.paths import listing_path
from pressroom.readers.hugo_shortcodes import ref_url

_ATTRIBUTE = re.compile(
    r"(?P<name>\b(?:href|src)\s*=\s*)(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')",
    re.IGNORECASE,
)
_PELICAN = re.compile(
    r"(?:\{|%7B)(?P<kind>filename|static|attach|tag|author|category|index)(?:\}|%7D)"
    r"|(?:\||%7C)(?P<old>filename|static|attach|tag|author|category|index)(?:\||%7C)",
    re.IGNORECASE,
)
# A Markdown link to `{tag}Elon Musk` (Python-Markdown, which Pelican uses, allows the space;
# CommonMark needs `<…>` around it). At most 200 characters, so scanning stays linear.
_SPACED_LINK = re.compile(
    r"\]\((?P<target>(?:\{|\|)(?:tag|author|category|filename|static|attach)(?:\}|\|)"
    r"[^()<>\n]{0,200} [^()<>\n]{0,200})\)",
    re.IGNORECASE,
)
_ARTICLE_EXTENSIONS = (
    ".md",
    ".markdown",
    ".mdown",
    ".mkd",
    ".txt",
    ".text",
    ".html",
    ".htm",
    ".rst",
)


def bracket_spaced_links(markdown_prose: str) -> str:
    """`[x]({tag}Elon Musk)` → `[x](<{tag}Elon Musk>)`, so Markdown sees a link."""
    if "](" not in markdown_prose:
        return markdown_prose
    return _SPACED_LINK.sub(r"](<\g<target>>)", markdown_prose)


def resolve_links(html: str) -> tuple[str, list[str]]:
    # Every marker has a brace, a bar or a percent-escape of one: most pages have none, and are
    # not run through the (case-insensitive, so slow) search at all.
    if not ("{" in html or "|" in html or "%7" in html) or _PELICAN.search(html) is None:
        return html, []
    warnings: list[str] = []

    def replace(match: re.Match[str]) -> str:
        quoted = match["double"] if match["double"] is not None else match["single"]
        value = unescape(quoted)
        pelican = _PELICAN.match(value)
        if pelican is None:
            return match[0]
        kind = (pelican["kind"] or pelican["old"]).lower()
        target = unquote(value[pelican.end() :])
        url = pelican_url(kind, target)
        if url is None:
            if len(warnings) < 20:
                warnings.append(f"The Pelican link `{{{kind}}}{target[:60]}` leads nowhere.")
            url = "#"
        return f'{match["name"]}"{escape(url)}"'

    return _ATTRIBUTE.sub(replace, html), warnings


def pelican_url(kind: str, target: str) -> str | None:
    """The site URL a Pelican link of `kind` to `target` stands for."""
    if kind == "index":
        return "/"
    if kind in ("tag", "category", "author"):
        slug = slug_of(target)
        return listing_path(kind, slug) if slug else None
    path, hash_, anchor = target.partition("#")
    if kind == "filename" and path.lower().endswith(_ARTICLE_EXTENSIONS):
        return ref_url(path + hash_ + anchor)
    site_path = posixpath.normpath("/" + path.lstrip("/")).lstrip("/")
    while site_path.startswith("../"):
        site_path = site_path[3:]
    if not site_path or site_path in ("..", "."):
        return None
    return "/" + quote(site_path) + hash_ + quote(anchor)
