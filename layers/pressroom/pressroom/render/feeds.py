"""Feeds of a listing: Atom, RSS 2.0 and JSON Feed 1.1, from listing cards.

Feed items carry the card's summary, not the article body, so rendering a feed reads one
listing's newest entries and nothing else (bounded work per publish). Every timestamp comes
from the cards, never from the clock, so an unchanged listing renders identical bytes and the
site writer skips it.

The XML is written as text: the documents have one fixed shape, and a build writes three feeds
for every listing, where building them as element trees (feedgen on lxml, which wrote them
before) cost more than rendering the listing's pages. The bytes are the ones feedgen wrote,
escaping and indentation included (tests/unit/test_feed_writers.py holds them to feedgen's on
hostile text), and so are the errors: a string XML cannot carry is refused with a ValueError,
never written.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # C-accelerated

from pressroom.model import slug_of
from pressroom.paths import listing_path
from pressroom.publishing.catalog import Card

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# An empty feed (every article of a listing unpublished) still needs an `updated` time.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
_RSS_DOCS = "http://www.rssboard.org/rss-specification"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# What XML 1.0 cannot carry (its `Char` production): control characters, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# RFC 2822 dates in English whatever the locale (feedgen switched the locale to C for them).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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

    @property
    def home_url(self) -> str:
        return self.site_url + self.home_path

    def url(self, path: str) -> str:
        return self.site_url + path

    @property
    def updated(self) -> datetime:
        return max((card.updated for card in self.cards), default=_EPOCH)


def atom_feed(feed: Feed) -> bytes:
    """Atom 1.0: the feed's head, then one entry per card, newest first."""
    if not (feed.home_url and feed.title):
        raise ValueError("Required fields not set (title, id)")
    lang = f' xml:lang="{_attribute(feed.language)}"' if feed.language else ""
    out = [_XML_DECLARATION, f'<feed xmlns="{_ATOM_NS}"{lang}>\n']
    out += _element("  ", "id", feed.home_url)
    out += _element("  ", "title", feed.title)
    out += _element("  ", "updated", _iso(feed.updated))
    out += _atom_author("  ", feed.publisher, feed.site_url + "/")
    out.append(f'  <link href="{_attribute(feed.url(feed.self_paths["atom"]))}" rel="self"/>\n')
    out.append(f'  <link href="{_attribute(feed.home_url)}" rel="alternate"/>\n')
    out += _element("  ", "generator", "Pressroom")
    if feed.description:
        out += _element("  ", "subtitle", feed.description)
    for card in feed.cards:
        out += _atom_entry(card, feed)
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


def _atom_entry(card: Card, feed: Feed) -> list[str]:
    url = feed.url(card.path)
    if not card.title:
        raise ValueError("Required fields not set")
    out = ["  <entry>\n"]
    out += _element("    ", "id", url)
    out += _element("    ", "title", card.title)
    out += _element("    ", "updated", _iso(card.updated))
    for name in card.authors:
        out += _atom_author("    ", name, _author(name, feed).get("url", ""))
    # Only the href: feedgen wrote an entry's links without their `rel` (alternate by default).
    out.append(f'    <link href="{_attribute(url)}"/>\n')
    out += _element("    ", "summary", card.summary or card.title or None)
    for tag in card.tags:
        label = f' label="{_attribute(tag.name)}"' if tag.name else ""
        out.append(f'    <category term="{_attribute(tag.slug)}"{label}/>\n')
    out += _element("    ", "published", _iso(card.published))
    if card.thumbnail:  # the cover's thumbnail as an enclosure link (its size when known)
        kind, href = _attribute(_image_type(card.thumbnail)), _attribute(feed.url(card.thumbnail))
        length = f' length="{card.thumbnail_bytes}"' if card.thumbnail_bytes else ""
        out.append(f'    <link rel="enclosure" type="{kind}" href="{href}"{length}/>\n')
    out.append("  </entry>\n")
    return out


def _atom_author(indent: str, name: str, uri: str) -> list[str]:
    if not name:  # Atom requires a name: an author without one is left out
        return []
    lines = [f"{indent}<author>\n", *_element(indent + "  ", "name", name)]
    if uri:
        lines += _element(indent + "  ", "uri", uri)
    return [*lines, f"{indent}</author>\n"]


def rss_feed(feed: Feed) -> bytes:
    """RSS 2.0: the channel, then one item per card, newest first."""
    description = _rss_text(feed.description)
    if not (feed.title and feed.home_url and description):
        raise ValueError("Required fields not set (title, link, description)")
    out = [
        _XML_DECLARATION,
        f'<rss xmlns:atom="{_ATOM_NS}" xmlns:content="{_CONTENT_NS}" version="2.0">\n',
        "  <channel>\n",
    ]
    out += _element("    ", "title", feed.title)
    out += _element("    ", "link", feed.home_url)
    out += _element("    ", "description", description)
    out.append(
        f'    <atom:link href="{_attribute(feed.url(feed.self_paths["rss"]))}" rel="self"/>\n'
    )
    out += _element("    ", "docs", _RSS_DOCS)
    out += _element("    ", "generator", "Pressroom")
    if feed.language:
        out += _element("    ", "language", feed.language)
    out += _element("    ", "lastBuildDate", _rfc2822(feed.updated))
    for card in feed.cards:
        out += _rss_item(card, feed)
    out.append("  </channel>\n</rss>\n")
    return "".join(out).encode("utf-8")


def _rss_item(card: Card, feed: Feed) -> list[str]:
    url = feed.url(card.path)
    description = _rss_text(card.summary or card.title)
    if not (card.title or description):
        raise ValueError("Required fields not set")
    _check_time(card.updated)  # feedgen required it of every entry, RSS or not
    out = ["    <item>\n"]
    if card.title:
        out += _element("      ", "title", card.title)
    out += _element("      ", "link", url)
    if description:
        out += _element("      ", "description", description)
    out.append(f'      <guid isPermaLink="true">{_text(url)}</guid>\n')
    for tag in card.tags:
        out += _element("      ", "category", tag.name)
    # The thumbnail as an <enclosure> (length 0, as RSS advises, on cards written before
    # sizes were kept).
    if card.thumbnail:
        enclosure = _attribute(feed.url(card.thumbnail))
        kind = _attribute(_image_type(card.thumbnail))
        length = card.thumbnail_bytes
        out.append(f'      <enclosure url="{enclosure}" length="{length}" type="{kind}"/>\n')
    out += _element("      ", "pubDate", _rfc2822(card.published))
    out.append("    </item>\n")
    return out


def _rss_text(text: str) -> str:
    """RSS readers render `<description>` as HTML, so there the text is HTML-escaped (then
    XML-escaped): a summary quoting `<script>` stays text. Atom's `<summary>`/`<subtitle>`
    are declared text and need nothing more."""
    return html.escape(text, quote=False)


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
    return (_pretty_json(document, "") + "\n").encode("utf-8")


def _json_item(card: Card, feed: Feed) -> dict[str, object]:
    item: dict[str, object] = {
        "id": feed.url(card.path),
        "url": feed.url(card.path),
        "title": card.title,
        "summary": card.summary or card.title,
        "content_text": card.summary or card.title,
        "date_published": card.published.isoformat(),
        "date_modified": card.updated.isoformat(),
    }
    if card.thumbnail:
        item["image"] = feed.url(card.thumbnail)
    if card.tags:
        item["tags"] = [tag.name for tag in card.tags]
    authors = [_author(name, feed) for name in card.authors]
    if authors:
        item["authors"] = authors
    return item


def _pretty_json(value: object, indent: str) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, whose indenting encoder is pure
    Python: here only the strings go through the C encoder's escaping."""
    if isinstance(value, str):
        return str(encode_basestring(value))
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        fields = (
            f"{inner}{encode_basestring(str(key))}: {_pretty_json(item, inner)}"
            for key, item in value.items()
        )
        return "{\n" + ",\n".join(fields) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = (inner + _pretty_json(item, inner) for item in value)
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _image_type(path: str) -> str:
    extension = path.rpartition(".")[2].lower()
    known = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
    return known.get(extension, "image/" + extension)


def _author(name: str, feed: Feed) -> dict[str, str]:
    slug = slug_of(name)
    return {"name": name, "url": feed.url(listing_path("author", slug))} if slug else {"name": name}


# -- XML text ------------------------------------------------------------------------------------


def _xml_safe(text: str) -> str:
    if _NOT_XML.search(text):
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control "
            "characters"
        )
    return text


def _text(text: str) -> str:
    """Element content, escaped as libxml2 escapes it."""
    return (
        _xml_safe(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _attribute(text: str) -> str:
    """An attribute value (in double quotes), escaped as libxml2 escapes it."""
    return _text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _element(indent: str, name: str, text: str | None) -> list[str]:
    """A one-line element; one without text (None, not "") is written self-closed."""
    if text is None:
        return [f"{indent}<{name}/>\n"]
    return [f"{indent}<{name}>{_text(text)}</{name}>\n"]


def _check_time(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Datetime object has no timezone info")
    return moment


def _iso(moment: datetime) -> str:
    return _check_time(moment).isoformat()


def _rfc2822(moment: datetime) -> str:
    moment = _check_time(moment)
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{day}, {moment:%d} {month} {moment:%Y %H:%M:%S %z}"
