"""Feeds of a listing: Atom and RSS 2.0 (feedgen) and JSON Feed 1.1, from listing cards.

Feed items carry the card's summary; with full feeds (`Settings.feed_content`) also the whole
sanitised article body (its links and images made absolute, as feed readers show it away from
the site), read in one batch for the feed's twenty items: bounded work per publish. Every
timestamp comes from the cards, never from the clock, so an unchanged listing renders identical
bytes and the site writer skips it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from pressroom.model import slug_of
from pressroom.paths import listing_path
from pressroom.publishing.catalog import Card

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# An empty feed (every article of a listing unpublished) still needs an `updated` time.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    """One listing as a feed. URLs are absolute; `cards` are newest first."""

    title: str
    description: str
    site_url: str
    home_path: str  # the listing's HTML page, e.g. `/tags/x/`
    self_paths: dict[str, str]  # format ("atom" | "rss" | "json") → the feed's own path
    language: str
    publisher: str
    cards: tuple[Card, ...]
    bodies: Mapping[str, str] = field(default_factory=dict)  # slug → sanitised body HTML

    def body(self, card: Card) -> str:
        """The card's article body with absolute URLs, "" without one."""
        found = self.bodies.get(card.slug, "")
        return absolute_urls(found, self.site_url) if found else ""

    @property
    def home_url(self) -> str:
        return self.site_url + self.home_path

    def url(self, path: str) -> str:
        return self.site_url + path

    @property
    def updated(self) -> datetime:
        return max((card.updated for card in self.cards), default=_EPOCH)


ATOM = "{http://www.w3.org/2005/Atom}"


# Root-relative URLs in the attributes that hold them (`src="/media/x.jpg"`, not `//host/x`).
_URL_ATTRIBUTE = re.compile(r'\b(href|src|poster)="/(?!/)')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')
_SRCSET_URL = re.compile(r"(^|,\s*)/(?!/)")


def absolute_urls(html: str, site_url: str) -> str:
    """`html` with its root-relative links and images made absolute (feed readers resolve
    relative URLs against the feed, or not at all)."""
    html = _URL_ATTRIBUTE.sub(lambda m: f'{m[1]}="{site_url}/', html)
    return _SRCSET.sub(
        lambda m: 'srcset="' + _SRCSET_URL.sub(lambda u: f"{u[1]}{site_url}/", m[1]) + '"', html
    )


def atom_feed(feed: Feed) -> bytes:
    """Atom, with each entry's cover thumbnail as a `<link rel="enclosure">` (type, length),
    added here because feedgen drops a link's `rel`, `type` and `length` in Atom entries."""
    written: bytes = _generator(feed, "atom").atom_str(pretty=True)  # feedgen is untyped
    thumbnails = {feed.url(card.path): card for card in feed.cards if card.thumbnail}
    if not thumbnails:
        return written
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(written, parser)
    for entry in root.iter(f"{ATOM}entry"):
        card = thumbnails.get(entry.findtext(f"{ATOM}id") or "")
        if card is None:
            continue
        link = etree.SubElement(entry, f"{ATOM}link")
        link.set("rel", "enclosure")
        link.set("type", _image_type(card.thumbnail))
        link.set("href", feed.url(card.thumbnail))
        if card.thumbnail_bytes:
            link.set("length", str(card.thumbnail_bytes))
    enriched: bytes = etree.tostring(  # lxml is untyped here (no lxml-stubs)
        root, pretty_print=True, xml_declaration=True, encoding="UTF-8"
    )
    return enriched


def rss_feed(feed: Feed) -> bytes:
    body: bytes = _generator(feed, "rss").rss_str(pretty=True)
    return body


def json_feed(feed: Feed) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.url(feed.self_paths["json"]),
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.publisher, "url": feed.site_url + "/"}],
        "items": [_json_item(card, feed) for card in feed.cards],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(card: Card, feed: Feed) -> dict[str, object]:
    item: dict[str, object] = {
        "id": feed.url(card.path),
        "url": feed.url(card.path),
        "title": card.title,
        "summary": card.summary or card.title,
        "date_published": card.published.isoformat(),
        "date_modified": card.updated.isoformat(),
    }
    body = feed.body(card)
    if body:
        item["content_html"] = body
    else:
        item["content_text"] = card.summary or card.title
    if card.thumbnail:
        item["image"] = feed.url(card.thumbnail)
    if card.tags:
        item["tags"] = [tag.name for tag in card.tags]
    authors = [_author(name, feed) for name in card.authors]
    if authors:
        item["authors"] = authors
    return item


def _image_type(path: str) -> str:
    extension = path.rpartition(".")[2].lower()
    known = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
    return known.get(extension, "image/" + extension)


def _author(name: str, feed: Feed) -> dict[str, str]:
    slug = slug_of(name)
    return {"name": name, "url": feed.url(listing_path("author", slug))} if slug else {"name": name}


def _as_text(text: str, flavour: str) -> str:
    """Plain text for a feed field. RSS readers render `<description>` as HTML, so there the
    text is HTML-escaped (then XML-escaped by feedgen): a summary quoting `<script>` stays
    text. Atom's `<summary>`/`<subtitle>` are declared text and need nothing more."""
    return html.escape(text, quote=False) if flavour == "rss" else text


def _generator(feed: Feed, flavour: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.home_url)
    generator.title(feed.title)
    generator.subtitle(_as_text(feed.description, flavour))  # RSS <description>, Atom <subtitle>
    generator.language(feed.language)
    generator.author({"name": feed.publisher, "uri": feed.site_url + "/"})
    generator.generator("Pressroom")
    # `self` becomes Atom's self link and RSS's atom:link; `alternate` the HTML page.
    generator.link(href=feed.url(feed.self_paths[flavour]), rel="self")
    generator.link(href=feed.home_url, rel="alternate")
    generator.updated(feed.updated)
    generator.lastBuildDate(feed.updated)
    # feedgen prepends each entry it adds: add the oldest first so that the newest leads.
    for card in reversed(feed.cards):
        entry = generator.add_entry()
        url = feed.url(card.path)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(card.title)
        entry.link(href=url, rel="alternate")
        # RSS: the thumbnail as an <enclosure> (length 0, as RSS advises, on cards written
        # before sizes were kept). Atom's is added by `atom_feed`: feedgen would drop its `rel`.
        if card.thumbnail and flavour == "rss":
            length = str(card.thumbnail_bytes)
            entry.enclosure(feed.url(card.thumbnail), length, _image_type(card.thumbnail))
        entry.summary(_as_text(card.summary or card.title, flavour))
        body = feed.body(card)
        if body:  # Atom `<content type="html">`, RSS `<content:encoded>`, both escaped
            entry.content(body, type="html")
        entry.published(card.published)
        entry.updated(card.updated)
        for tag in card.tags:
            entry.category(term=tag.slug, label=tag.name)
        if flavour == "atom":  # RSS 2.0 wants authors as e-mail addresses, which we lack
            for name in card.authors:
                author = _author(name, feed)
                entry.author({"name": name, "uri": author["url"]} if "url" in author else author)
    return generator
