"""What an uploaded file's name says about the article: a Jekyll date and slug, or a usable slug,
and a Hugo language infix (`post.fr.md`, `bundle/index.fr.md`).

S3 keys are URL-decoded but never trusted as paths: only the last segment (and, for Hugo page
bundles, the folder above an `index.md`) is looked at, and only through `slug_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pressroom.languages import infix_language
from pressroom.model import slug_of
from pressroom.readers.base import Unreadable

# Jekyll reads `2017-2-5-title` as 2017-02-05, as it does `2017-02-05-title`.
_JEKYLL_NAME = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})-(?P<slug>.+)")
# Names a machine chose: hex digests, UUIDs, plain numbers, long random tokens.
_HEX_DIGEST = re.compile(r"(?=[a-f]*\d)[0-9a-f]{8,}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NUMBER = re.compile(r"[\d-]+")
_RANDOM_TOKEN = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{16,}")
# Names a person chose without meaning anything by them ("untitled-3", "document", "post1").
_GENERIC = re.compile(r"(untitled|document|doc|article|post|new|text|file|copy|draft)(-?\d+)?")
_BUNDLE_INDEX = frozenset({"index", "_index"})


@dataclass(frozen=True)
class NameFacts:
    slug: str | None  # a meaningful slug from the name, if there is one
    date: datetime | None  # the Jekyll `YYYY-MM-DD-` prefix, as midnight UTC
    is_jekyll: bool
    is_section: bool = False  # Hugo's `_index.md`: a section's introduction, not an article
    is_draft_file: bool = False  # under a Jekyll `_drafts/` folder: never published
    is_include_file: bool = False  # under a Jekyll `_includes/` folder: Liquid's, not an article
    language: str | None = None  # Hugo's language infix (`x.fr.md`), normalised (`fr`)


def stem_of(key: str) -> str:
    """`articles/2026/hello.world.md` → `hello.world`; a page bundle's `x/index.md` → `x`;
    a language infix is not part of it: `x.fr.md` → `x`, `x/index.fr.md` → `x`."""
    return _stem_and_language(key)[0]


def _stem_and_language(key: str) -> tuple[str, str | None]:
    parts = [part for part in key.split("/") if part]
    filename = parts[-1] if parts else ""
    stem = filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename
    base, dot, infix = stem.rpartition(".")
    language = infix_language(infix) if dot and base else None
    if language is not None:
        stem = base
    if stem.lower() in _BUNDLE_INDEX and len(parts) > 1:
        return parts[-2], language
    return stem, language


def facts_from_name(key: str) -> NameFacts:
    stem, language = _stem_and_language(key)
    parts = key.split("/")
    facts = NameFacts(
        slug=None,
        date=None,
        is_jekyll=False,
        is_section=_stem_and_language(parts[-1])[0].lower() == "_index",  # `_index.fr.md` too
        is_draft_file="_drafts" in parts[:-1],
        is_include_file="_includes" in parts[:-1],
        language=language,
    )
    jekyll = _JEKYLL_NAME.fullmatch(stem)
    if jekyll is None:
        return replace(facts, slug=_meaningful_slug(stem))
    return replace(
        facts, slug=_meaningful_slug(jekyll["slug"]), date=_jekyll_date(jekyll), is_jekyll=True
    )


def title_from_slug(slug: str) -> str:
    """Jekyll's rule for posts without a title: `my-first-post` → `My First Post`."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def _jekyll_date(match: re.Match[str]) -> datetime:
    try:
        return datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=UTC)
    except ValueError:
        day = f"{match['year']}-{match['month']}-{match['day']}"  # as written
        raise Unreadable(
            f"The file name starts with {day}, which is not a real date.",
            "Rename the file to start with a real date (YYYY-MM-DD-), or drop the date.",
        ) from None


def _meaningful_slug(stem: str) -> str | None:
    slug = slug_of(stem)
    return None if not slug or is_machine_made(slug) else slug


def is_machine_made(slug: str) -> bool:
    """True for names that say nothing about the article (`3f9a1c2e7b`, `untitled-2`)."""
    return any(
        pattern.fullmatch(slug)
        for pattern in (_HEX_DIGEST, _UUID, _NUMBER, _RANDOM_TOKEN, _GENERIC)
    )
