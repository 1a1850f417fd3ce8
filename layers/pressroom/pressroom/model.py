"""Value objects shared by every part of Pressroom. Pure: no I/O, no AWS."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from slugify import slugify

# "scheduled" and "expired" are never read from a file: ingest gives them to an article whose
# publish time has not come or whose expiry has passed (`publishing.schedule`).
Status = Literal["published", "draft", "unlisted", "scheduled", "expired"]

# Slugs name URLs, S3 keys and DynamoDB keys (`ART#<slug>`, a listing entry's sort key), so
# they are short: a longer one is cut at the last whole word (hyphen) that fits.
MAX_SLUG_CHARS = 80


# Cached: the same few names (tags, authors) are slugged again for every card a page shows.
@functools.lru_cache(maxsize=16384)
def slug_of(text: str) -> str:
    """The one slug rule of the project (tags, authors, titles, file names)."""
    return slugify(text, max_length=MAX_SLUG_CHARS, word_boundary=True, save_order=True)


@dataclass(frozen=True)
class Tag:
    """A tag as readers see it. Equal tags have equal slugs: `Elon Musk`, `elon musk ` and
    `elon-musk` are one tag; the display name is whichever spelling came first."""

    name: str
    slug: str = field(compare=True)

    @classmethod
    def of(cls, name: str) -> Tag:
        display = " ".join(name.split())
        return cls(name=display, slug=slug_of(display))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tag) and other.slug == self.slug

    def __hash__(self) -> int:
        return hash(self.slug)


def unique_tags(names: list[str] | tuple[str, ...]) -> tuple[Tag, ...]:
    """Normalise a list of tag names, dropping blanks and duplicates, keeping first spellings."""
    seen: dict[str, Tag] = {}
    for name in names:
        tag = Tag.of(name)
        if tag.slug and tag.slug not in seen:
            seen[tag.slug] = tag
    return tuple(seen.values())


@dataclass(frozen=True)
class Source:
    """One uploaded file as read from the ingest bucket."""

    key: str  # URL-decoded S3 key, e.g. "articles/2024-05-01-hello.md"
    body: bytes
    uploaded: datetime  # the object's LastModified, timezone-aware

    @property
    def filename(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class Inspected:
    """An uploaded object read as a stream and not kept (a large video): its SHA-256
    (`etag:<ETag>` when it was too large to read), first bytes, size and version (None in a
    bucket without versioning)."""

    key: str
    digest: str
    head: bytes
    size: int
    version_id: str | None
    uploaded: datetime


@dataclass(frozen=True)
class TocEntry:
    """One heading of an article's table of contents: its nesting depth (1 for the top level,
    at most one deeper than the entry before), its id and its text."""

    depth: int
    id: str
    text: str


@dataclass(frozen=True)
class Picture:
    """An uploaded image as a page shows it: its published renditions' URLs (paths on the
    site; `og_image` absolute), its intrinsic size and a small rendition for cards."""

    src: str
    srcset: str
    webp_srcset: str
    sizes: str
    width: int
    height: int
    og_image: str
    og_width: int
    og_height: int
    thumbnail: str
    alt: str = ""
    # The thumbnail's size in bytes and media type (feed enclosures); 0 / "" when not known.
    thumbnail_bytes: int = 0
    thumbnail_type: str = ""


@dataclass(frozen=True)
class Article:
    """An article ready to render. `body_html` is already sanitised."""

    source_key: str
    slug: str
    title: str
    body_html: str
    summary: str
    published: datetime
    modified: datetime | None = None
    # The body's text as a reader sees it, a line for each block (`readers.prose.plain_text`):
    # its reading time and its search record are made from it.
    text: str = ""
    tags: tuple[Tag, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    related_stories: tuple[str, ...] = ()  # titles only ("You May Also Like")
    language: str = "en"  # a BCP 47 tag in canonical form (`fr`, `pt-BR`)
    # The articles that are translations of each other share this key (Hugo's `translationKey`,
    # else the slug without its language suffix); "" for an article in no translation group.
    translation_key: str = ""
    status: Status = "published"
    reading_minutes: int = 1
    # Where `published` came from; the pipeline keeps the first-publish date for "upload".
    date_source: Literal["metadata", "filename", "upload"] = "metadata"
    # What the editor should hear about although the article published (an unknown Hugo
    # shortcode, a link that leads nowhere, a section file that is not an article).
    warnings: tuple[str, ...] = ()
    # The table of contents, when the front matter asks for one (`toc: true`).
    toc: tuple[TocEntry, ...] = ()
    # Site-bucket keys of the old or other URLs that lead here (`aliases`, `redirect_from`,
    # `permalink`, `url`; see `pressroom.redirects`).
    redirects: tuple[str, ...] = ()
    # Other uploaded files its page is made from (Jekyll includes), found or not yet: a change
    # to one of them re-renders it.
    depends_on: tuple[str, ...] = ()
    # A Hugo `_index.md` is no article but the introduction of a listing (`home`, `tag:<slug>`,
    # `author:<slug>`); it is a draft with that listing named here.
    introduces: str = ""
    # Its cover image as the front matter names it (`image`, `cover`, `featured_image`,
    # `images[0]`), unresolved; and, once the pipeline has resolved it to an uploaded image,
    # what the page, the `og:image` and the card show (`publishing.asset_refs`).
    cover_ref: str = ""
    cover: Picture | None = None
    # When it may go on the site (None: at once) and when it comes off (None: never): Hugo's
    # `publishDate` (else the article's own date) and `expiryDate` (`publishing.schedule`).
    publish_at: datetime | None = None
    expires: datetime | None = None
    # The cover's alt text from the front matter (`cover: {alt: ...}`, `image_alt`), "" if none.
    cover_alt: str = ""
    # The further images of a Hugo `images:` list (after the cover), unresolved; and those of
    # them found among the uploads (the page's further `og:image`s).
    image_refs: tuple[str, ...] = ()
    images: tuple[Picture, ...] = ()
    # Whether the summary is the author's (front matter) rather than the first paragraph's:
    # only then does the page show it as a standfirst, or it would say the same thing twice.
    summary_given: bool = False

    @property
    def path(self) -> str:
        return f"/articles/{self.slug}/"

    @property
    def is_live(self) -> bool:
        """Drafts (and articles before their time or past their expiry) are not published at
        all; unlisted articles get a page but no listing."""
        return self.status in ("published", "unlisted")

    @property
    def is_listed(self) -> bool:
        return self.status == "published"


@dataclass(frozen=True)
class Rejection:
    """Why a source file cannot be published, phrased for the editor who uploaded it."""

    key: str
    reason: str
    fix: str

    def report(self) -> str:
        return f"{self.key}: {self.reason}\nHow to fix: {self.fix}\n"
