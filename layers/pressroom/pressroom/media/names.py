"""Content-hashed names for published asset files.

A name is `<stem>-<variant>.<hash>.<ext>` (`harbour-960.3f2a9c1b7e4d.webp`), or
`<stem>.<hash>.<ext>` when a file has only one form (`plan.9b1e04c2d7aa.svg`). `hash` is the
first 12 hex digits of the SHA-256 of the bytes published under that name, so the name changes
whenever the bytes do and the file can be served with `immutable` caching: that is the rule
`publishing.cache_policy` applies to any base name ending `.<8 or more hex digits>.<extension>`,
which these names end with. The hash comes last before the extension for that reason (a name
like `harbour.3f2a9c1b7e4d.960.webp` would not be recognised as content-hashed).

Hashing the output, not the upload, is what makes the promise true: the same upload processed by
another Pillow (another encoder) gives other bytes and so another name, never other bytes under
an old name. 12 hex digits (48 bits) make a collision between two versions of one stem
negligible. The stem is a slug of the upload's own name, so URLs stay readable and safe
whatever the editor called the file.
"""

from __future__ import annotations

import hashlib
import posixpath

from slugify import slugify

HASH_DIGITS = 12


def stem_of(key: str) -> str:
    """A URL-safe stem from an upload's key: `assets/Harbour at Dawn.JPG` → `harbour-at-dawn`."""
    base = posixpath.basename(key)
    stem = base.rpartition(".")[0] or base
    return slugify(stem, max_length=80) or "asset"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def hashed_name(key: str, data: bytes, extension: str, variant: str = "") -> str:
    """The published base name of `data`, made from the upload `key` it came from."""
    stem = stem_of(key) + (f"-{variant}" if variant else "")
    return f"{stem}.{content_hash(data)}.{extension.lower().lstrip('.')}"
