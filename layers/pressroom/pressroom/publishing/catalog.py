"""The published catalogue as values, and the pure plan that moves it from one state to the next.

Every article belongs to a set of *listings* (the home page, one per tag, one per author, one
sitemap shard per month; an article in another language than the site's is on its language's
listing instead of the home page; and every article is in its translation group, a listing that
is never published: its entries are how an article page finds its translations). Each
membership is an *entry*: the article's card (what a listing shows) keyed by its publish time,
so a listing reads in date order whatever order articles arrived in.
An article's change writes only its own entries: no item is shared by every publish, so workers
publishing different articles never conflict. How a listing is cut into pages is worked out by
the listing function from the entries (`publishing.archive`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pressroom.languages import autonym, in_site_language, normalise, url_name
from pressroom.model import Article, Tag, slug_of
from pressroom.paths import article_path

HOME = "home"
LANGUAGE = "language"  # a language's own listing (`/fr/`), for articles not in the site's
CATEGORY = "category"  # a section (Hugo's, Jekyll's and Pelican's categories): `/categories/x/`
TRANSLATION = "translation"  # a translation group: read by article pages, never rendered


@dataclass(frozen=True, order=True)
class ListingId:
    kind: str  # "home" | "tag" | "category" | "author" | "month" | "language" | "translation"
    # the slug for tags, categories and authors, "YYYY-MM" for months, "" for home, the URL
    # form of a language tag (`pt-br`), a translation group's key
    name: str = ""

    def __str__(self) -> str:
        return self.kind if not self.name else f"{self.kind}:{self.name}"

    @classmethod
    def parse(cls, text: str) -> ListingId:
        kind, _, name = text.partition(":")
        return cls(kind, name)


@dataclass(frozen=True)
class Card:
    """What a listing shows of an article."""

    slug: str
    title: str
    summary: str
    published: datetime
    modified: datetime | None = None
    tags: tuple[Tag, ...] = ()
    authors: tuple[str, ...] = ()
    thumbnail: str = ""  # the path of a small rendition of its cover image, if it has one
    thumbnail_bytes: int = 0  # its size (feed enclosures); 0 when not known
    language: str = ""  # "" on cards written before articles had one
    # The cover's renditions (`srcset`, "" for an SVG) and intrinsic size, for a listing that
    # shows the card large (the home page's lead story); 0 without a cover.
    image_srcset: str = ""
    image_width: int = 0
    image_height: int = 0
    categories: tuple[str, ...] = ()  # its sections' names, as the front matter spells them
    # With full feeds (`Settings.feed_content`): the key of its body's stored copy (a digest of
    # the body HTML), so an edit of the body alone changes the card and reaches the feeds.
    content: str = ""

    @property
    def path(self) -> str:
        return article_path(self.slug)

    @property
    def updated(self) -> datetime:
        return self.modified or self.published

    @property
    def sort_key(self) -> str:
        """Entries sort by publish time in UTC (so the string order is the time order, and its
        first ten characters are the UTC day), newest last; the slug breaks ties."""
        published = self.published
        utc = published.astimezone(UTC) if published.tzinfo else published.replace(tzinfo=UTC)
        return f"{utc.isoformat()}#{self.slug}"


@dataclass(frozen=True)
class Entry:
    listing: ListingId
    card: Card


@dataclass(frozen=True)
class Head:
    """What the listing function last rendered a listing from: its articles per day."""

    listing: ListingId
    display: str = ""
    days: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" → articles that day
    version: int = 0  # bumped by every render, so two renders of one listing cannot both win
    # Site-wide pages ("tags", "sitemap") this listing's last render changed and that are not
    # yet known to be rendered since: a failure after the head was saved cannot lose them. A
    # name with the `REFRESH` mark ("~tags") only changed a number on the page (a count, a
    # date), which may wait a little (`publishing.listings`).
    owed: frozenset[str] = frozenset()
    # A month's sitemap shard: the newest modification time of its articles (ISO 8601).
    lastmod: str = ""

    @property
    def count(self) -> int:
        return sum(self.days.values())

    @property
    def newest_day(self) -> str:
        """The day of its newest article ("YYYY-MM-DD"), "" when it has none."""
        return max(self.days, default="")


# The index pages that list every listing of a kind, with its article count, and the kind.
TERM_INDEXES = {"tags": "tag", "categories": CATEGORY, "authors": "author"}
SITEMAP_INDEX = "sitemap"  # the sitemap index (and robots.txt)

REFRESH = "~"  # marks an owed site-wide page whose refresh may be debounced (see `Head.owed`)


@dataclass(frozen=True)
class IndexState:
    """What the table remembers of a page made from every listing of a kind (the tags index,
    the sitemap index): its render version (claims), when it was last rendered, and when a
    deferred refresh of it was scheduled for (epoch seconds; 0: never, none)."""

    version: int = 0
    rendered: int = 0
    scheduled: int = 0


@dataclass(frozen=True)
class ArticleRecord:
    """What the table remembers of a live article: its card, where it is listed, its source."""

    source_key: str
    card: Card
    status: str  # "published" | "unlisted"
    memberships: frozenset[ListingId] = frozenset()

    @property
    def slug(self) -> str:
        return self.card.slug


def content_key(body_html: str) -> str:
    """The key of an article body's stored copy: a digest of its HTML."""
    return hashlib.sha256(body_html.encode("utf-8")).hexdigest()[:20]


def card_of(article: Article, full_content: bool = False) -> Card:
    """`full_content`: the card names the key of its body's stored copy (full feeds)."""
    return Card(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        published=article.published,
        modified=article.modified,
        tags=article.tags,
        authors=article.authors,
        thumbnail=article.cover.thumbnail if article.cover else "",
        thumbnail_bytes=article.cover.thumbnail_bytes if article.cover else 0,
        language=article.language,
        image_srcset=article.cover.srcset if article.cover else "",
        image_width=article.cover.width if article.cover else 0,
        image_height=article.cover.height if article.cover else 0,
        categories=article.categories,
        content=content_key(article.body_html) if full_content else "",
    )


def language_listing(language: str) -> ListingId:
    """The listing of the articles in a language other than the site's (`/fr/`)."""
    return ListingId(LANGUAGE, url_name(language))


def listings_of(article: Article, site_language: str) -> set[ListingId]:
    """The listings an article belongs to. The home page is the site language's listing."""
    if not article.is_listed:
        return set()
    card = card_of(article)
    found = {ListingId("month", card.sort_key[:7])}
    if in_site_language(article.language, site_language):
        found.add(ListingId(HOME))
    else:
        found.add(language_listing(article.language))
    if article.translation_key:
        found.add(ListingId(TRANSLATION, article.translation_key))
    found.update(ListingId("tag", tag.slug) for tag in article.tags)
    found.update(
        ListingId(CATEGORY, slug) for name in article.categories if (slug := slug_of(name))
    )
    found.update(ListingId("author", slug_of(name)) for name in article.authors if slug_of(name))
    return found


def display_of(listing: ListingId, card: Card) -> str:
    """The name a listing is shown under, as this article's card spells it ("" when the card
    does not name it; the home listing's name is the site title, which the renderer knows)."""
    if listing.kind == "tag":
        return next((tag.name for tag in card.tags if tag.slug == listing.name), "")
    if listing.kind == "author":
        return next((name for name in card.authors if slug_of(name) == listing.name), "")
    if listing.kind == CATEGORY:
        return next((name for name in card.categories if slug_of(name) == listing.name), "")
    if listing.kind == "month":
        return datetime.strptime(listing.name, "%Y-%m").strftime("%B %Y")
    if listing.kind == LANGUAGE:
        return autonym(normalise(listing.name) or listing.name)
    return ""


@dataclass(frozen=True)
class Plan:
    """Everything one article change does to the catalogue (applied in one transaction)."""

    record: ArticleRecord | None  # the article's new record, None when it leaves the site
    old_record: ArticleRecord | None
    put_entries: tuple[Entry, ...] = ()
    delete_entries: tuple[Entry, ...] = ()


def plan_change(
    old: ArticleRecord | None,
    new: Article | None,
    site_language: str,
    full_content: bool = False,
) -> Plan:
    """Plan the move from `old` (what the table holds) to `new` (what the source says now)."""
    new_card = card_of(new, full_content) if new is not None else None
    wanted = listings_of(new, site_language) if new is not None else set()
    deletes: list[Entry] = []
    puts: list[Entry] = []
    if old is not None:
        # An entry is keyed by its card's sort key: a new date or slug is a new entry.
        moved = new_card is None or new_card.sort_key != old.card.sort_key
        deletes = [
            Entry(listing, old.card)
            for listing in sorted(old.memberships)
            if listing not in wanted or moved
        ]
    if new_card is not None:
        puts = [
            Entry(listing, new_card)
            for listing in sorted(wanted)
            if old is None or listing not in old.memberships or new_card != old.card
        ]
    record = None
    if new is not None and new_card is not None:
        record = ArticleRecord(new.source_key, new_card, new.status, frozenset(wanted))
    return Plan(record, old, tuple(puts), tuple(deletes))
