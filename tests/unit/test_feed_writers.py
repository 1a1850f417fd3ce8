"""The feed writers (`pressroom.render.feeds`) write the very bytes feedgen on lxml wrote for the
same listing, escaping and indentation included, and refuse what lxml refused: feedgen, here
in the test alone, is the reference."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from feedgen.feed import FeedGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.model import Tag
from pressroom.paths import FEED_FILES, feed_path
from pressroom.publishing.catalog import Card
from pressroom.render.feeds import Feed, _author, _image_type, atom_feed, json_feed, rss_feed

# -- the reference: the feedgen writer the text writers replaced ----------------------------


def _as_text(text: str, flavour: str) -> str:
    return html.escape(text, quote=False) if flavour == "rss" else text


def _generator(feed: Feed, flavour: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.home_url)
    generator.title(feed.title)
    generator.subtitle(_as_text(feed.description, flavour))
    generator.language(feed.language)
    generator.author({"name": feed.publisher, "uri": feed.site_url + "/"})
    generator.generator("Pressroom")
    generator.link(href=feed.url(feed.self_paths[flavour]), rel="self")
    generator.link(href=feed.home_url, rel="alternate")
    generator.updated(feed.updated)
    generator.lastBuildDate(feed.updated)
    for card in reversed(feed.cards):
        entry = generator.add_entry()
        url = feed.url(card.path)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(card.title)
        entry.link(href=url, rel="alternate")
        if card.thumbnail and flavour == "rss":
            length = str(card.thumbnail_bytes)
            entry.enclosure(feed.url(card.thumbnail), length, _image_type(card.thumbnail))
        entry.summary(_as_text(card.summary or card.title, flavour))
        entry.published(card.published)
        entry.updated(card.updated)
        for tag in card.tags:
            entry.category(term=tag.slug, label=tag.name)
        if flavour == "atom":
            for name in card.authors:
                author = _author(name, feed)
                entry.author({"name": name, "uri": author["url"]} if "url" in author else author)
    return generator


ATOM = "{http://www.w3.org/2005/Atom}"


def _atom_with_enclosures(feed: Feed) -> bytes:
    """feedgen's Atom, with each entry's thumbnail added as an enclosure link (feedgen drops a
    link's `rel`, `type` and `length` in Atom entries)."""
    from lxml import etree

    written = _generator(feed, "atom").atom_str(pretty=True)
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
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def reference(feed: Feed) -> dict[str, bytes]:
    return {
        "atom": _atom_with_enclosures(feed),
        "rss": _generator(feed, "rss").rss_str(pretty=True),
        "json": (
            json.dumps(json.loads(json_feed(feed)), ensure_ascii=False, indent=2) + "\n"
        ).encode(),
    }


def written(feed: Feed) -> dict[str, bytes]:
    return {"atom": atom_feed(feed), "rss": rss_feed(feed), "json": json_feed(feed)}


# -- the listings to write ------------------------------------------------------------------

# Text a title or summary may hold: markup, entities, quotes, CR/LF/tab, non-ASCII, emoji.
HOSTILE = ["<script>alert(1)</script>", "A & B", 'say "hi"', "it's", "]]>", "a\r\nb\tc", "é€😀"]
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(
        st.characters(
            blacklist_categories=["Cs"], blacklist_characters="\x00", max_codepoint=0x1F700
        )
    ).filter(lambda t: all(c in "\t\n\r" or ord(c) >= 0x20 for c in t)),
)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
)
moments = st.builds(
    lambda seconds, zone: datetime.fromtimestamp(seconds, zone),
    st.integers(0, 4_000_000_000),
    zones,
)


@st.composite
def cards(draw: st.DrawFn) -> Card:
    published = draw(moments)
    return Card(
        slug=draw(st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        title=draw(text.filter(bool)),
        summary=draw(text),
        published=published,
        modified=draw(st.none() | moments),
        # Tags made by hand too: their names and slugs land in attributes, CR/LF/tab included.
        tags=tuple(
            draw(st.lists(st.builds(Tag.of, text) | st.builds(Tag, text, text), max_size=4))
        ),
        authors=tuple(draw(st.lists(text, max_size=3))),
        thumbnail=draw(st.sampled_from(["", "/media/a.jpg", "/media/b.PNG", "/media/c.svg"])),
        thumbnail_bytes=draw(st.sampled_from([0, 1, 12_345])),
    )


@st.composite
def feeds(draw: st.DrawFn) -> Feed:
    listings = [
        ("/", "home", ""),
        ("/tags/a-b/", "tag", "a-b"),
        ("/authors/x/", "author", "x"),
        ("/fr/", "language", "fr"),
    ]
    home, kind, name = draw(st.sampled_from(listings))
    return Feed(
        title=draw(text.filter(bool)),
        description=draw(text.filter(bool)),
        site_url=draw(st.sampled_from(["https://news.example", "http://127.0.0.1:8000"])),
        home_path=home,
        self_paths={fmt: feed_path(kind, name, fmt) for fmt in FEED_FILES},
        language=draw(st.sampled_from(["en", "fr", "pt-BR", ""])),
        publisher=draw(text),
        # One entry per article, as in a listing.
        cards=tuple(draw(st.lists(cards(), max_size=4, unique_by=lambda card: card.slug))),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feeds())
def test_given_any_listing_then_the_feeds_are_byte_for_byte_feedgens(feed: Feed):
    # WHEN / THEN
    assert written(feed) == reference(feed)


def test_given_the_samples_listing_then_the_feeds_are_feedgens():
    # GIVEN a listing of cards with thumbnails, tags, authors and an edit
    published = datetime(2026, 4, 1, 8, 0, tzinfo=timezone(timedelta(hours=1)))
    cards = (
        Card(
            "audit",
            "What an <audit> taught us",
            "Six fixes & more",
            published,
            published + timedelta(days=2),
            (Tag.of("Accessibility"), Tag.of("Community")),
            ("Lena Park", "???"),
            "/media/audit.320.jpg",
        ),
        Card("older", "Older", "", published - timedelta(days=30)),
    )
    feed = Feed(
        "Accessibility · Pressroom",
        "Articles tagged “Accessibility” on Pressroom, newest first.",
        "https://news.example",
        "/tags/accessibility/",
        {fmt: feed_path("tag", "accessibility", fmt) for fmt in FEED_FILES},
        "en",
        "Pressroom",
        cards,
    )
    # WHEN / THEN
    assert written(feed) == reference(feed)
    assert b'<enclosure url="https://news.example/media/audit.320.jpg"' in written(feed)["rss"]


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_given_text_xml_cannot_carry_then_both_writers_refuse_it(bad: str):
    # GIVEN a title with a character XML 1.0 does not allow
    card = Card("x", f"bad {bad} title", "", datetime(2026, 1, 1, tzinfo=UTC))
    feed = Feed(
        "T",
        "D",
        "https://x",
        "/",
        {f: feed_path("home", "", f) for f in FEED_FILES},
        "en",
        "P",
        (card,),
    )
    # WHEN / THEN: refused as lxml refuses it
    for write in (atom_feed, rss_feed):
        with pytest.raises(ValueError, match="XML compatible"):
            write(feed)
    with pytest.raises(ValueError, match="XML compatible"):
        _generator(feed, "atom").atom_str(pretty=True)


def test_given_an_empty_listing_then_the_feeds_are_feedgens_with_the_epoch():
    feed = Feed(
        "T", "D", "https://x", "/", {f: feed_path("home", "", f) for f in FEED_FILES}, "", "", ()
    )
    assert written(feed) == reference(feed)
    assert b"1970-01-01T00:00:00+00:00" in atom_feed(feed)
