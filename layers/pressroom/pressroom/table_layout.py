"""The content table's item layout: each item's keys and its conversion to and from the values
the core works with (`SourceState`, `ArticleRecord`, `Entry`, `Head`, `IndexState`, `Card`,
kept article bodies).

Pure: plain dicts in, values out, no AWS. The DynamoDB adapter (`adapters.content_store`) and
the memory store (`local.memory.store`) keep items in this one shape, so they cannot drift; the
listing function reads the same items off the table's stream (`publishing.listings.fold`). The
table's items are described in `adapters.content_store`.
"""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime
from typing import Any

from pressroom.model import Tag
from pressroom.publishing.catalog import ArticleRecord, Card, Entry, Head, IndexState, ListingId
from pressroom.sources import SourceState


def head_key(listing: ListingId) -> dict[str, str]:
    return {"pk": f"DIR#{listing.kind}", "sk": listing.name or "-"}


def listing_of_head_key(pk: str, sk: str) -> ListingId:
    return ListingId(pk.removeprefix("DIR#"), "" if sk == "-" else sk)


ENTRY_PREFIX = "LST#"
# A referrer's sort key when its page names the article as a translation (no slug has a `#`).
TRANSLATION_LINK = "translation#"
RENDER_REQUEST_PREFIX = "RRQ#"
WHOLE_LISTING = "-"  # a render request's part for a listing's root page, feeds and indexes


def listing_of_stream_key(pk: str) -> ListingId:
    """The listing an entry or render-request key (`LST#tag:x`, `RRQ#tag:x`) belongs to."""
    return ListingId.parse(pk[4:])


def source_from_item(key: str, item: dict[str, Any]) -> SourceState:
    return SourceState(
        key=key,
        rev=int(item["rev"]),
        status=item.get("status", "absent"),
        slug=item.get("slug", ""),
        retired_slug=item.get("retired_slug", ""),
        digest=item.get("digest", ""),
        sequencer=item.get("sequencer", ""),
        synced_rev=int(item.get("synced_rev", 0)),
        reason=item.get("reason", ""),
        fix=item.get("fix", ""),
        updated=item.get("updated", ""),
        live_uploaded=item.get("live_uploaded", ""),
        redirects=tuple(item.get("redirects", ())),
        released=tuple(item.get("released", ())),
        moved_from=tuple(item.get("moved_from", ())),
        warnings=tuple(item.get("warnings", ())),
        introduces=item.get("introduces", ""),
        retired_intro=item.get("retired_intro", ""),
        asset=item.get("asset", ""),
        shows=item.get("shows", ""),
        due=item.get("due", ""),
    )


def record_from_item(item: dict[str, Any]) -> ArticleRecord:
    return ArticleRecord(
        source_key=item["source_key"],
        card=card_from_item(item["card"]),
        status=item["status"],
        # A list of listing ids (a map of listing id → seq in tables written before the
        # listings were kept in date order: its keys are the listings).
        memberships=frozenset(ListingId.parse(str(k)) for k in item["memberships"]),
    )


FEED_PREFIX = "FEED#"


def feed_content_item(slug: str, key: str, html: str) -> dict[str, Any]:
    """A stored article body, zlib-compressed (HTML shrinks about fivefold, and an item is at
    most 400 KB) and in base64 (a string: stream records and tools read it as any other)."""
    packed = base64.b64encode(zlib.compress(html.encode("utf-8"), 6)).decode("ascii")
    return {"pk": f"{FEED_PREFIX}{slug}", "sk": key, "html": packed}


def feed_html(item: dict[str, Any]) -> str:
    return zlib.decompress(base64.b64decode(item["html"])).decode("utf-8")


def redirect_item(key: str, source_key: str, slug: str) -> dict[str, Any]:
    return {"pk": f"RDR#{key}", "sk": "RDR", "source_key": source_key, "slug": slug}


def introduction_item(listing: ListingId, source_key: str, title: str, body: str) -> dict[str, Any]:
    return {
        "pk": f"INT#{listing}",
        "sk": "INT",
        "source_key": source_key,
        "title": title,
        "body": body,
    }


def article_item(record: ArticleRecord) -> dict[str, Any]:
    return {
        "pk": f"ART#{record.slug}",
        "sk": "ART",
        "source_key": record.source_key,
        "status": record.status,
        "card": card_item(record.card),
        "memberships": sorted(str(listing) for listing in record.memberships),
    }


def entry_key(entry: Entry) -> dict[str, str]:
    return {"pk": f"{ENTRY_PREFIX}{entry.listing}", "sk": entry.card.sort_key}


def entry_item(entry: Entry) -> dict[str, Any]:
    return {**entry_key(entry), "card": card_item(entry.card)}


def entry_from_item(listing: ListingId, item: dict[str, Any]) -> Entry:
    return Entry(listing=listing, card=card_from_item(item["card"]))


def head_from_item(item: dict[str, Any]) -> Head:
    return Head(
        listing=listing_of_head_key(item["pk"], item["sk"]),
        display=item.get("display", ""),
        days={day: int(count) for day, count in item.get("days", {}).items()},
        version=int(item.get("version", 0)),
        owed=frozenset(item.get("owed", ())),
        lastmod=item.get("lastmod", ""),
    )


def index_state_from_item(item: dict[str, Any]) -> IndexState:
    return IndexState(
        version=int(item.get("version", 0)),
        rendered=int(item.get("rendered", 0)),
        scheduled=int(item.get("scheduled", 0)),
    )


def card_item(card: Card) -> dict[str, Any]:
    item: dict[str, Any] = {
        "slug": card.slug,
        "title": card.title,
        "summary": card.summary,
        "published": card.published.isoformat(),
        "tags": [[tag.name, tag.slug] for tag in card.tags],
        "authors": list(card.authors),
    }
    if card.modified is not None:
        item["modified"] = card.modified.isoformat()
    if card.thumbnail:
        item["thumbnail"] = card.thumbnail
    if card.thumbnail_bytes:
        item["thumbnail_bytes"] = card.thumbnail_bytes
    if card.image_width:
        item["image"] = [card.image_srcset, card.image_width, card.image_height]
    if card.language:
        item["language"] = card.language
    if card.categories:
        item["categories"] = list(card.categories)
    if card.content:
        item["content"] = card.content
    return item


def card_from_item(item: dict[str, Any]) -> Card:
    modified = item.get("modified")
    return Card(
        slug=item["slug"],
        title=item["title"],
        summary=item["summary"],
        published=_parse_time(item["published"]),
        modified=_parse_time(modified) if modified else None,
        tags=tuple(Tag(name=name, slug=slug) for name, slug in item["tags"]),
        authors=tuple(item["authors"]),
        thumbnail=item.get("thumbnail", ""),
        thumbnail_bytes=int(item.get("thumbnail_bytes", 0)),
        language=item.get("language", ""),
        categories=tuple(item.get("categories", ())),
        content=item.get("content", ""),
        **_card_image(item.get("image")),
    )


def _card_image(image: list[Any] | None) -> dict[str, Any]:
    if not image:
        return {}
    srcset, width, height = image
    return {"image_srcset": str(srcset), "image_width": int(width), "image_height": int(height)}


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
