"""The published catalogue as values, and the pure plan that moves it from one state to the next.

Every article belongs to a set of *listings* (the home page, one per tag, one per author, one
sitemap shard per month). Each membership is an *entry*: the article's card (what a listing shows)
plus a `seq`, a number the listing hands out once and never reuses. Archive page `n` of a listing
holds the entries with `seq` in `[(n-1)·size, n·size)`, so pages are stable: a new article lands
on the newest page and never shifts the old ones. Each listing has a *head* (count, next seq,
version); bumping it is what tells the listing projection to re-render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pressroom.model import Article, Tag, slug_of
from pressroom.paths import article_path

HOME = "home"


@dataclass(frozen=True, order=True)
class ListingId:
    kind: str  # "home" | "tag" | "author" | "month"
    name: str = ""  # the slug for tags and authors, "YYYY-MM" for months, "" for home

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

    @property
    def path(self) -> str:
        return article_path(self.slug)

    @property
    def updated(self) -> datetime:
        return self.modified or self.published

    @property
    def sort_key(self) -> str:
        """Entries sort by publish time, newest last; the slug breaks ties."""
        return f"{self.published.isoformat()}#{self.slug}"


@dataclass(frozen=True)
class Entry:
    listing: ListingId
    card: Card
    seq: int


@dataclass(frozen=True)
class Head:
    listing: ListingId
    display: str = ""
    count: int = 0
    next_seq: int = 0


@dataclass(frozen=True)
class ArticleRecord:
    """What the table remembers of a live article: its card, where it is listed, its source."""

    source_key: str
    card: Card
    status: str  # "published" | "unlisted"
    memberships: dict[ListingId, int] = field(default_factory=dict)  # listing → seq

    @property
    def slug(self) -> str:
        return self.card.slug


def card_of(article: Article) -> Card:
    return Card(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        published=article.published,
        modified=article.modified,
        tags=article.tags,
        authors=article.authors,
    )


def listings_of(article: Article) -> dict[ListingId, str]:
    """The listings an article belongs to, with each listing's display name."""
    if not article.is_listed:
        return {}
    # The home listing's display name is the site title, which the renderer knows.
    found = {ListingId(HOME): ""}
    found[ListingId("month", article.published.strftime("%Y-%m"))] = article.published.strftime(
        "%B %Y"
    )
    for tag in article.tags:
        found[ListingId("tag", tag.slug)] = tag.name
    for author in article.authors:
        if slug_of(author):
            found.setdefault(ListingId("author", slug_of(author)), author)
    return found


@dataclass(frozen=True)
class HeadChange:
    """A change to one listing's head: count delta, the pages that must be re-rendered."""

    listing: ListingId
    display: str
    count_delta: int
    expected_next_seq: int | None  # set when this change allocates a seq (optimistic check)
    touched_pages: frozenset[int]


@dataclass(frozen=True)
class Plan:
    """Everything one article change does to the catalogue (applied in one transaction)."""

    record: ArticleRecord | None  # the article's new record, None when it leaves the site
    old_record: ArticleRecord | None
    put_entries: tuple[Entry, ...] = ()
    delete_entries: tuple[Entry, ...] = ()
    heads: tuple[HeadChange, ...] = ()


def page_of(seq: int, page_size: int) -> int:
    return seq // page_size + 1


def plan_change(
    old: ArticleRecord | None,
    new: Article | None,
    heads: dict[ListingId, Head],
    page_size: int,
) -> Plan:
    """Plan the move from `old` (what the table holds) to `new` (what the source says now).

    `heads` must hold the current head of every listing `new` joins that `old` was not in."""
    new_card = card_of(new) if new is not None else None
    wanted = listings_of(new) if new is not None else {}
    had = dict(old.memberships) if old is not None else {}

    puts: list[Entry] = []
    deletes: list[Entry] = []
    changes: list[HeadChange] = []
    memberships: dict[ListingId, int] = {}

    for listing, seq in sorted(had.items()):
        assert old is not None
        old_entry = Entry(listing, old.card, seq)
        if listing not in wanted:
            deletes.append(old_entry)
            changes.append(_head_change(listing, "", -1, seq, page_size, None))
            continue
        memberships[listing] = seq
        assert new_card is not None
        if new_card != old.card:
            if new_card.sort_key != old.card.sort_key:
                deletes.append(old_entry)
            puts.append(Entry(listing, new_card, seq))
            changes.append(_head_change(listing, wanted[listing], 0, seq, page_size, None))

    for listing, display in sorted(wanted.items()):
        if listing in had:
            continue
        assert new_card is not None
        head = heads.get(listing, Head(listing))
        seq = head.next_seq
        memberships[listing] = seq
        puts.append(Entry(listing, new_card, seq))
        changes.append(_head_change(listing, display, +1, seq, page_size, head.next_seq))

    record = None
    if new is not None and new_card is not None:
        record = ArticleRecord(
            source_key=new.source_key, card=new_card, status=new.status, memberships=memberships
        )
    return Plan(
        record=record,
        old_record=old,
        put_entries=tuple(puts),
        delete_entries=tuple(deletes),
        heads=tuple(changes),
    )


def _head_change(
    listing: ListingId,
    display: str,
    delta: int,
    seq: int,
    page_size: int,
    expected_next_seq: int | None,
) -> HeadChange:
    page = page_of(seq, page_size)
    touched = {page}
    if expected_next_seq is not None and seq % page_size == 0 and page > 1:
        # A new archive page opened: the previous one gains a "newer" link.
        touched.add(page - 1)
    return HeadChange(
        listing=listing,
        display=display,
        count_delta=delta,
        expected_next_seq=expected_next_seq,
        touched_pages=frozenset(touched),
    )
