"""Feed entries of an article with a cover carry its thumbnail: Atom `<link rel="enclosure">`,
RSS `<enclosure>`, JSON Feed `image`, each an absolute URL with its media type and size."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser

from pressroom.publishing.catalog import Card
from pressroom.render.feeds import Feed, atom_feed, json_feed, rss_feed

SITE = "https://news.example"
THUMB = "/media/0a1b2c3d4e/harbour-480.0123456789ab.jpg"


def _feed() -> Feed:
    shown = Card(
        "harbour",
        "Harbour",
        "Boats.",
        datetime(2026, 3, 2, tzinfo=UTC),
        None,
        (),
        (),
        THUMB,
        20520,
    )
    legacy = Card(  # written before sizes were kept
        "old", "Old", "Before.", datetime(2026, 3, 1, tzinfo=UTC), thumbnail="/media/x/o.png"
    )
    plain = Card("plain", "Plain", "Words.", datetime(2026, 2, 1, tzinfo=UTC))
    return Feed(
        "News",
        "All news",
        SITE,
        "/",
        {"atom": "/atom.xml", "rss": "/rss.xml", "json": "/feed.json"},
        "en",
        "News",
        (shown, legacy, plain),
    )


def test_given_a_card_with_a_thumbnail_then_atom_has_an_enclosure_link_and_validates():
    # WHEN the Atom feed is written and read back by a common parser
    parsed = feedparser.parse(atom_feed(_feed()))

    # THEN it is well-formed; each entry keeps its own page as its link; the thumbnails are
    # enclosures with type and (when known) length; an entry without a cover has none
    assert not parsed.bozo, parsed.get("bozo_exception")
    entries = {entry.title: entry for entry in parsed.entries}
    assert entries["Harbour"].link == SITE + "/articles/harbour/"
    [enclosure] = entries["Harbour"].enclosures
    assert (enclosure.href, enclosure.type, enclosure.length) == (
        SITE + THUMB,
        "image/jpeg",
        "20520",
    )
    [legacy] = entries["Old"].enclosures
    assert legacy.type == "image/png" and "length" not in legacy
    assert entries["Plain"].enclosures == []


def test_given_a_card_with_a_thumbnail_then_rss_has_an_enclosure_and_json_an_image():
    rss = feedparser.parse(rss_feed(_feed()))
    assert not rss.bozo, rss.get("bozo_exception")
    entries = {entry.title: entry for entry in rss.entries}
    [enclosure] = entries["Harbour"].enclosures
    assert (enclosure.href, enclosure.type, enclosure.length) == (
        SITE + THUMB,
        "image/jpeg",
        "20520",
    )
    assert entries["Plain"].enclosures == []

    items = {item["title"]: item for item in json.loads(json_feed(_feed()))["items"]}
    assert items["Harbour"]["image"] == SITE + THUMB and "image" not in items["Plain"]


def test_given_the_same_cards_then_the_atom_feed_is_the_same_bytes():
    assert atom_feed(_feed()) == atom_feed(_feed())
