"""Issue 18, translations, below the readers: listings, URLs, rendering, redirects and caching
of articles in several languages (pure values, no AWS)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pressroom.model import Article, Tag
from pressroom.paths import feed_path, listing_path
from pressroom.publishing.cache_policy import CachePolicy
from pressroom.publishing.catalog import (
    HOME,
    ArticleRecord,
    Card,
    Entry,
    ListingId,
    card_of,
    display_of,
    listings_of,
    plan_change,
)
from pressroom.publishing.ingest import _cards_gone_or_changed, related_cards
from pressroom.publishing.listings import fold
from pressroom.redirects import refusal
from pressroom.render import ListingPage, Renderer
from pressroom.settings import Settings
from pressroom.table_layout import card_from_item, card_item

SETTINGS = Settings(
    content_table="t", ingest_bucket="i", site_bucket="s", site_url="https://news.example"
)
WHEN = datetime(2026, 3, 1, 9, tzinfo=UTC)


def article(slug: str, language: str = "en", key: str = "x", **fields: object) -> Article:
    return replace(
        Article(
            source_key=f"articles/{slug}.md",
            slug=slug,
            title=f"Title {slug}",
            body_html="<p>Words.</p>",
            summary="Words.",
            published=WHEN,
            tags=(Tag.of("Press"),),
            language=language,
            translation_key=key,
        ),
        **fields,
    )


# --- catalogue ---------------------------------------------------------------------------------


def test_given_a_french_article_on_an_english_site_then_it_is_listed_under_fr_not_home():
    found = listings_of(article("x-fr", "fr"), "en")
    assert found == {
        ListingId("language", "fr"),
        ListingId("month", "2026-03"),
        ListingId("translation", "x"),
        ListingId("tag", "press"),
    }


@pytest.mark.parametrize("language", ["en", "en-GB"])
def test_given_an_article_in_the_site_language_then_home_and_its_group(language: str):
    found = listings_of(article("x", language), "en")
    assert ListingId(HOME) in found and ListingId("translation", "x") in found
    assert not any(listing.kind == "language" for listing in found)


def test_given_an_unlisted_translation_then_it_is_in_no_listing_nor_group():
    assert listings_of(article("x-fr", "fr", status="unlisted"), "en") == set()


def test_given_a_language_listing_then_its_name_paths_and_feeds():
    card = card_of(article("x-pt-br", "pt-BR"))
    assert display_of(ListingId("language", "pt-br"), card) == "Português (Brasil)"
    assert listing_path("language", "fr") == "/fr/"
    assert listing_path("language", "pt-br") == "/pt-br/"
    assert feed_path("language", "fr", "atom") == "/fr/atom.xml"
    assert feed_path("language", "fr", "json") == "/fr/feed.json"
    # only a three-letter code: not at the top, where `/old/` or `/new/` may be an alias
    assert listing_path("language", "haw") == "/languages/haw/"


def test_given_a_card_with_a_language_then_it_survives_the_table_and_old_cards_read_as_none():
    card = card_of(article("x-fr", "fr"))
    assert card_from_item(card_item(card)) == card
    legacy = {k: v for k, v in card_item(card).items() if k != "language"}
    assert card_from_item(legacy).language == ""


def test_given_an_article_leaving_its_group_with_the_same_card_then_its_pages_referrers_refresh():
    # GIVEN a live article in group x WHEN only its translationKey changes
    old = plan_change(None, article("a", key="x"), "en").record
    plan = plan_change(old, article("a", key="y"), "en")
    # THEN the pages naming it (its former translations) are re-rendered, as for a card change
    assert _cards_gone_or_changed(plan) == {"a"}
    assert _cards_gone_or_changed(plan_change(old, article("a", key="x"), "en")) == set()


def test_given_translations_then_they_are_not_also_related():
    sibling = card_of(article("x-fr", "fr"))
    other = card_of(article("other"))
    newest = {ListingId("tag", "press"): [entry(sibling), entry(other)]}
    cards = related_cards(article("x"), newest.__getitem__, exclude={"x", "x-fr"})
    assert [card.slug for card in cards] == ["other"]


def entry(card: Card) -> Entry:
    return Entry(ListingId("tag", "press"), card)


# --- the listing function ------------------------------------------------------------------


def stream_record(pk: str, card: Card, sequence: str) -> DynamoDBRecord:
    item = card_item(card)
    return DynamoDBRecord(
        {
            "eventName": "INSERT",
            "dynamodb": {
                "Keys": {"pk": {"S": pk}, "sk": {"S": card.sort_key}},
                "NewImage": {
                    "pk": {"S": pk},
                    "card": {"M": {k: _attr(v) for k, v in item.items()}},
                },
                "SequenceNumber": sequence,
            },
        }
    )


def _attr(value: object) -> dict[str, object]:
    if isinstance(value, list):
        return {"L": [_attr(v) for v in value]}
    return {"S": str(value)}


def test_given_translation_group_records_then_the_listing_function_renders_nothing_for_them():
    # GIVEN the stream records of a French article's commit
    card = card_of(article("x-fr", "fr"))
    batch = fold(
        [
            stream_record("LST#translation:x", card, "1"),
            stream_record("LST#language:fr", card, "2"),
            stream_record("LST#month:2026-03", card, "3"),
        ]
    )
    # THEN its language and month listings are rendered, its translation group is not (no
    # page, feed, head or sitemap entry: it is not even looked at)
    assert set(batch.listings) == {ListingId("language", "fr"), ListingId("month", "2026-03")}
    assert batch.listings[ListingId("language", "fr")].display == "Français"
    assert batch.sequence_numbers == ["1", "2", "3"]


# --- rendering ---------------------------------------------------------------------------------


def test_given_an_article_with_translations_then_lang_hreflang_both_ways_and_a_switcher():
    renderer = Renderer(SETTINGS)
    english, french = article("x"), article("x-fr", "fr", title="Titre")
    group = [card_of(french), card_of(english)]

    en_html = renderer.article_page(english, [], group)
    fr_html = renderer.article_page(french, [], group)

    assert '<html lang="en">' in en_html and '<html lang="fr">' in fr_html
    for html in (en_html, fr_html):
        assert (
            '<link rel="alternate" hreflang="fr" href="https://news.example/articles/x-fr/">'
            in html
        )
        assert (
            '<link rel="alternate" hreflang="en" href="https://news.example/articles/x/">' in html
        )
        assert (
            '<link rel="alternate" hreflang="x-default" href="https://news.example/articles/x/">'
            in html
        )
    assert "Also in:" in en_html
    assert 'href="/articles/x-fr/" hreflang="fr" lang="fr" rel="alternate">Français</a>' in en_html
    assert 'href="/articles/x/" hreflang="en" lang="en" rel="alternate">English</a>' in fr_html
    assert "Also in" not in renderer.article_page(english, [], [card_of(english)])
    assert "hreflang" not in renderer.article_page(english, [], [])
    # the French page leads to the French listing and its feeds
    assert '<a href="/fr/">Français</a>' in fr_html
    assert "https://news.example/fr/atom.xml" in fr_html


def test_given_the_french_listing_then_its_page_is_french_and_its_feeds_say_so():
    renderer = Renderer(SETTINGS)
    listing = ListingId("language", "fr")
    card = card_of(article("x-fr", "fr"))
    html = renderer.listing_page(ListingPage(listing, "Français", "/fr/", [card], count=1))
    assert '<html lang="fr">' in html and "<h1>Français" in html
    assert "https://news.example/fr/rss.xml" in html
    feeds = renderer.feeds(listing, "Français", [card])
    assert b"<language>fr</language>" in feeds["rss"]
    assert json.loads(feeds["json"])["language"] == "fr"
    home = renderer.listing_page(ListingPage(ListingId(HOME), "S", "/", [], count=0))
    assert '<html lang="en">' in home


# --- redirects and caching ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["fr/", "fr/2024/", "fr/2024/03/page/2/", "pt-br/", "fr/atom.xml", "languages/haw/"]
)
def test_given_an_alias_on_a_language_listing_page_then_it_is_refused(key: str):
    assert refusal(key) is not None


@pytest.mark.parametrize("key", ["fr/posts/mon-article/", "old/", "new/", "blog/", "faq/"])
def test_given_an_alias_below_a_language_root_or_a_word_then_it_is_allowed(key: str):
    assert refusal(key) is None


def test_given_a_language_listing_then_it_is_cached_as_a_listing_not_the_home_page():
    policy = CachePolicy(home_seconds=5, listing_seconds=30)
    for key in ("fr/", "fr/atom.xml", "fr/2024/"):
        assert policy.rule_for(key) == policy.listing
    assert policy.rule_for("index.html") == policy.home


def test_given_records_from_before_translations_then_they_still_plan():
    legacy = ArticleRecord(
        "articles/x.md",
        replace(card_of(article("x")), language=""),
        "published",
        frozenset({ListingId(HOME), ListingId("month", "2026-03"), ListingId("tag", "press")}),
    )
    plan = plan_change(legacy, article("x"), "en")
    joined = {entry.listing for entry in plan.put_entries}
    assert ListingId("translation", "x") in joined
