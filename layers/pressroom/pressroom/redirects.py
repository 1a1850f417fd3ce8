"""Redirects: an article's old or alternative URLs lead to its page. Pure functions.

Where redirects come from (front matter, see the README's "Redirects"):

- Hugo's `aliases`: a list of paths. `/posts/old-title/` and `/2016/01/old.html` are absolute
  site paths; a relative one (`old-title`) is relative to the article's own section, the folder
  its source file sits in under the ingest prefix (`articles/posts/x.md` → `/posts/old-title/`).
- Jekyll's `redirect_from`: a string or a list of paths, read the same way.
- `permalink` / `url`: the article stays at `/articles/<slug>/`; the permalink path becomes a
  redirect to it.
- A slug change: the article's old page `/articles/<old-slug>/` becomes a redirect to the new one,
  unless another article takes the old slug (then that article's page wins).

A path with no file extension is a folder (`/posts/old-title` → key `posts/old-title/`, as Hugo
writes `posts/old-title/index.html`); one with an extension (`old.html`) is that file.

**Design: redirect pages, not a CloudFront Function.** A redirect is a tiny HTML page stored in
the site bucket under the alias's own key (`paths.page_key`), with
`<meta http-equiv="refresh" content="0; url=…">`, `<link rel="canonical">` to the article, a
`noindex` robots meta and a plain link. Such a page works unchanged through CloudFront (the origin
is the bucket's REST endpoint behind OAC, where S3's website redirects do not exist), the local CDN,
`pressroom serve` and a `pressroom build` export. A CloudFront Function reading a KeyValueStore
could answer with a real 301, which search engines like better, but it cannot run locally (moto has
no KeyValueStore): that is the trade-off taken. Redirect pages are short-lived, never-invalidated
pages like listings; a redirect written over an article page that was served (a slug change)
replaces an article-page key, which is invalidated as any article page is.

**Safety.** An alias never overwrites a page the site generates: the home page, tag, author,
archive (`/2024/`, `/2024/03/`, `/2024/03/05/`, `/page/2/`) pages, feeds, sitemaps, `robots.txt`,
`404.html` and `assets/` are refused here (`refusal`), another article's page at publish time.
So is a language listing's root (`/fr/`, for any language with a two-letter code, whether or
not articles in it exist yet; `paths.listing_path`) and its archive pages (`/fr/2024/`); other
paths below it stay allowed, since they are what a multilingual Hugo site's old URLs look like
(`/fr/posts/x/`). Other languages are listed under `/languages/`, refused as a whole.
Paths are decoded once, NFC-normalised and refused with `..`/`.` segments, a scheme or host,
control characters, quotes or angle brackets, left-over `%` (double encoding) or more than
`MAX_ALIAS_LENGTH` characters; an article keeps at most `MAX_ALIASES` redirects.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from pressroom.languages import normalise
from pressroom.paths import (
    FEED_FILES,
    INDEX,
    TOP_LEVEL_LANGUAGE,
    is_content_hashed,
)

MAX_ALIASES = 20
MAX_ALIAS_LENGTH = 300

# Keys the site generates, other than article pages (`archive.py`, `listings.py`, `paths.py`).
_GENERATED_DIRS = ("tags/", "authors/", "languages/", "page/", "sitemaps/", "assets/")
_GENERATED_FILES = {INDEX, "sitemap.xml", "robots.txt", "404.html", *FEED_FILES.values()}
_ARCHIVE = re.compile(r"\d{4}/(?:\d{2}/(?:\d{2}/)?)?(?:page/\d+/)?")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"'<>\\`%\s]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class AliasRefused(ValueError):
    """An alias that cannot become a redirect; the message says why."""


@dataclass(frozen=True)
class Aliases:
    keys: tuple[str, ...]  # site-bucket keys, in the order given, without duplicates
    warnings: tuple[str, ...]


def alias_key(value: object, section: str = "/") -> str:
    """The site-bucket key an alias path stands for, or `AliasRefused`.

    `section` is the folder relative aliases are resolved against (`/posts/`)."""
    if not isinstance(value, str):
        raise AliasRefused("it is not a string")
    raw = value.strip()
    if not raw:
        raise AliasRefused("it is empty")
    if len(raw) > MAX_ALIAS_LENGTH:
        raise AliasRefused(f"it is longer than {MAX_ALIAS_LENGTH} characters")
    path = unicodedata.normalize("NFC", unquote(raw))
    if _SCHEME.match(path) or path.startswith("//"):
        raise AliasRefused("it has a scheme or a host; give a path on this site")
    if _UNSAFE.search(path):
        raise AliasRefused("it contains control characters, spaces, quotes, `<`, `>`, `\\` or `%`")
    path = path.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        path = "/" + section.strip("/") + "/" + path if section.strip("/") else "/" + path
    segments = path.split("/")[1:]
    if any(part in (".", "..") for part in segments):
        raise AliasRefused("it has `.` or `..` segments")
    if any(part.startswith(":") for part in segments):
        raise AliasRefused("it is a Jekyll permalink pattern (`:title`), not a path")
    path = posixpath.normpath(path)
    if path in ("/", "//"):
        raise AliasRefused("it is the home page")
    key = path.lstrip("/")
    last = key.rsplit("/", 1)[-1]
    if "." not in last:
        key += "/"
    reason = refusal(key)
    if reason:
        raise AliasRefused(reason)
    return key


def section_of(source_key: str, prefix: str) -> str:
    """The folder relative aliases are read against: where the source sits under the ingest
    prefix (`articles/posts/x.md` → `/posts/`), a page bundle's parent folder
    (`articles/posts/x/index.md` → `/posts/`)."""
    folders = source_key.removeprefix(prefix).split("/")[:-1]
    if folders and source_key.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower() == "index":
        folders = folders[:-1]
    return "/" + "".join(f"{folder}/" for folder in folders)


def refusal(key: str) -> str | None:
    """Why a key may not hold a redirect because the site generates a page there, or None."""
    if key in _GENERATED_FILES or key.rsplit("/", 1)[-1] in _GENERATED_FILES:
        return f"`/{key}` is a page the site generates"
    if key.startswith(_GENERATED_DIRS) or key == "articles/":
        return f"`/{key}` is under a folder of pages the site generates"
    if _ARCHIVE.fullmatch(key):
        return f"`/{key}` is an archive page"
    root, _, below = key.partition("/")
    if (
        TOP_LEVEL_LANGUAGE.fullmatch(root)
        and normalise(root)
        and (not below or _ARCHIVE.fullmatch(below) or below.startswith("page/"))
    ):
        return f"`/{key}` is a page of the listing of articles in `{root}`"
    if is_content_hashed(key):
        return f"`/{key}` looks like a content-hashed asset, which is cached for a year"
    return None


def collect(values: Iterable[tuple[str, object]], section: str, own_key: str) -> Aliases:
    """The redirect keys from `(field, value)` pairs (`("aliases", [...])`, ...), each value a
    string or a list of strings; refused ones and those past `MAX_ALIASES` become warnings."""
    keys: list[str] = []
    warnings: list[str] = []
    for field_name, value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            shown = repr(item)[:80]
            try:
                key = alias_key(item, section)
            except AliasRefused as refused:
                warnings.append(f"`{field_name}` {shown} is not used as a redirect: {refused}.")
                continue
            if key == own_key or key in keys:
                continue
            if len(keys) >= MAX_ALIASES:
                warnings.append(
                    f"`{field_name}` {shown} is not used: an article has at most "
                    f"{MAX_ALIASES} redirects."
                )
                continue
            keys.append(key)
    return Aliases(tuple(keys), tuple(warnings))


def redirect_page(target: str, canonical: str) -> bytes:
    """The redirect page: `target` is the article's path, `canonical` its absolute URL."""
    t = html.escape(target, quote=True)
    c = html.escape(canonical, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved to {t}</title>\n"
        f'<link rel="canonical" href="{c}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={t}">\n'
        f'</head>\n<body>\n<p>This page has moved to <a href="{t}">{t}</a>.</p>\n'
        "</body>\n</html>\n"
    ).encode()
