"""The site's URL scheme, in one place: object keys in the site bucket and the public paths
CloudFront serves them under. Pure functions.

A page a reader requests as `/tags/x/` is stored under the object key `tags/x/` itself (S3 keys
may end in `/`), so CloudFront fetches it from the private bucket with no URI rewrite. That
keeps CloudFront's cache key equal to the public path, which is what makes invalidating
`/tags/x/` (and nothing else) correct: a viewer-request rewrite to `…/index.html` would make the
rewritten URI the cache key. The one exception is the home page: S3 has no object named `/`, so
the distribution's function sends `/` to `index.html`, and `/index.html` is its cache key (and
what `publishing.invalidation.normalise` invalidates). Exports to a folder (`pressroom build`)
write `tags/x/` as `tags/x/index.html`."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import unquote_plus

from pressroom.errors import RejectedFile

INDEX = "index.html"


def page_key(path: str) -> str:
    """The site-bucket key of a public path: `/tags/x/` → `tags/x/`, `/` → `index.html`,
    `/feed.xml` → `feed.xml`."""
    key = path.lstrip("/")
    return key or INDEX


def public_path(key: str) -> str:
    """The public path of a site-bucket key; the inverse of `page_key`."""
    return "/" if key == INDEX else "/" + key


def export_name(key: str) -> str:
    """The file a key becomes in an exported folder: `tags/x/` → `tags/x/index.html`."""
    return key + INDEX if key.endswith("/") else key


# `name.<hex digest>.ext`: a file whose name changes with its bytes, so it can be cached for a year.
_CONTENT_HASHED = re.compile(r"\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")


def is_content_hashed(key: str) -> bool:
    return bool(_CONTENT_HASHED.search(posixpath.basename(key)))


# Objects the functions keep for themselves in the site bucket (the search records): the bucket
# policy refuses them to CloudFront, and exports leave them out.
PRIVATE_PREFIX = "_search/"


def is_private(key: str) -> bool:
    return key.startswith(PRIVATE_PREFIX)


def article_path(slug: str) -> str:
    return f"/articles/{slug}/"


def is_article_page(key: str) -> bool:
    """Whether a site-bucket key is an article's page (`articles/<slug>/`)."""
    parts = key.split("/")
    return len(parts) == 3 and parts[0] == "articles" and parts[1] != "" and parts[2] == ""


def listing_path(kind: str, name: str) -> str:
    """A listing's root page: `/`, `/tags/x/`, `/categories/x/`, `/authors/x/`, a language's
    `/fr/` (its archive pages are below it, see `publishing.archive`)."""
    if kind == "home":
        return "/"
    if kind == "language" and TOP_LEVEL_LANGUAGE.fullmatch(name):
        return f"/{name}/"
    return f"/{_LISTING_DIRS[kind]}/{name}/"


_LISTING_DIRS = {
    "tag": "tags",
    "category": "categories",  # Hugo's URL for a category's page
    "author": "authors",
    "language": "languages",
}
# A language with a two-letter code (ISO 639-1: every widely written one) is listed at the top
# (`/fr/`, `/pt-br/`); one with only a three-letter code at `/languages/haw/`: ISO 639-3 makes
# words such as `old` and `new` languages, and `/old/` is more likely an old URL (an alias).
TOP_LEVEL_LANGUAGE = re.compile(r"[a-z]{2}(?:-[a-z0-9]{2,8})*")

# Feed file names, the same under every listing: `/atom.xml`, `/tags/x/atom.xml`, ...
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}


def feed_path(kind: str, name: str, feed_format: str) -> str:
    """`/atom.xml` for the whole site, `/tags/x/rss.xml` for one tag."""
    return listing_path(kind, name) + FEED_FILES[feed_format]


def source_key_from_event(raw_key: str, prefix: str) -> str:
    """Decode an S3 event key and check it names an article file we may publish.

    S3 event keys are URL-encoded with `+` for spaces. The decoded key is only ever used as an
    ingest-bucket key and a database key, never as a path on the site, but we still refuse keys a
    human could not have meant as an article (outside the prefix, folder markers, `..`, control
    characters) so that nothing downstream has to think about them."""
    key = unicodedata.normalize("NFC", unquote_plus(raw_key))
    if not key.startswith(prefix):
        raise RejectedFile(raw_key, f"the key is outside `{prefix}`", f"upload under `{prefix}`")
    if key.endswith("/"):
        raise RejectedFile(key, "the key is a folder marker, not a file", "upload a file")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise RejectedFile(
            key.encode("unicode_escape").decode(),
            "the key contains control characters",
            "rename the file without control characters",
        )
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts) or posixpath.normpath(key) != key:
        raise RejectedFile(key, "the key has empty, `.` or `..` segments", "use a plain file path")
    return key
