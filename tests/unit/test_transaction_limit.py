"""One article change is one DynamoDB transaction, and a transaction holds at most 100 actions."""

from __future__ import annotations

from datetime import UTC, datetime

from pressroom.adapters.content_store import _plan_actions
from pressroom.model import Article, Tag
from pressroom.publishing.catalog import ArticleRecord, Card, ListingId, plan_change
from pressroom.publishing.ingest import (
    MAX_LISTED_AUTHORS,
    MAX_LISTED_CATEGORIES,
    MAX_LISTED_TAGS,
    MAX_LISTED_TERMS,
)

DYNAMODB_TRANSACTION_LIMIT = 100
SOURCE_STATE_UPDATE = 1  # the commit's first action, besides the plan's


def widest(prefix: str, slug: str, month: int, language: str = "en") -> Article:
    """An article in as many listings as ingest allows, all named with `prefix`."""
    return Article(
        source_key="articles/story.md",
        slug=slug,
        language=language,
        translation_key=slug,
        title=f"{prefix} story",
        body_html="<p>Words.</p>",
        summary="Words.",
        published=datetime(2026, month, 1, tzinfo=UTC),
        # as many tags, categories and authors as an article is listed in (the categories fill
        # what the tags leave: 35 tags leave none)
        tags=tuple(Tag.of(f"{prefix} tag {n}") for n in range(MAX_LISTED_TAGS - 5)),
        categories=tuple(f"{prefix} section {n}" for n in range(MAX_LISTED_CATEGORIES)),
        authors=tuple(f"{prefix} Author {n}" for n in range(MAX_LISTED_AUTHORS)),
    )


def test_given_the_widest_articles_when_one_replaces_the_other_then_one_transaction_holds_it():
    # GIVEN a live article in the most listings allowed
    old = plan_change(None, widest("old", "old-story", 3), "en").record

    # WHEN its file changes slug, month, every tag, category and author (it leaves and joins the
    # most listings one change can)
    plan = plan_change(old, widest("new", "new-story", 4), "en")
    actions = SOURCE_STATE_UPDATE + len(_plan_actions("content", plan))

    # THEN the commit fits one DynamoDB transaction (and the caps leave almost no slack)
    # home, month, translation group, tags, categories, authors
    listings = 3 + MAX_LISTED_TERMS
    assert MAX_LISTED_TAGS + MAX_LISTED_AUTHORS <= MAX_LISTED_TERMS
    assert len(plan.delete_entries) == listings and len(plan.put_entries) == listings
    assert actions <= DYNAMODB_TRANSACTION_LIMIT
    assert actions > DYNAMODB_TRANSACTION_LIMIT - 2  # one more listing would not fit


def test_given_the_widest_article_when_it_changes_language_too_then_one_transaction_holds_it():
    # GIVEN a live English article in the most listings allowed, home and its group included
    old = plan_change(None, widest("old", "old-story", 3), "en").record
    assert old is not None and ListingId("home") in old.memberships

    # WHEN it becomes French (the home listing for /fr/, another group) and changes the rest
    plan = plan_change(old, widest("new", "new-story-fr", 4, language="fr"), "en")
    actions = SOURCE_STATE_UPDATE + len(_plan_actions("content", plan))

    # THEN it still fits
    assert ListingId("language", "fr") in {entry.listing for entry in plan.put_entries}
    assert actions <= DYNAMODB_TRANSACTION_LIMIT


def test_given_a_record_from_before_translations_when_replaced_then_one_transaction_holds_it():
    # GIVEN a live article published when an article could have 36 tags, no category and no
    # group (the caps of the time)
    legacy = ArticleRecord(
        "articles/story.md",
        Card("old-story", "Old", "", datetime(2026, 3, 1, tzinfo=UTC)),
        "published",
        frozenset(
            {ListingId("home"), ListingId("month", "2026-03")}
            | {ListingId("tag", f"old-tag-{n}") for n in range(36)}
            | {ListingId("author", f"old-author-{n}") for n in range(MAX_LISTED_AUTHORS)}
        ),
    )

    # WHEN the widest article replaces it
    plan = plan_change(legacy, widest("new", "new-story", 4), "en")

    # THEN the commit fits one transaction
    assert SOURCE_STATE_UPDATE + len(_plan_actions("content", plan)) <= DYNAMODB_TRANSACTION_LIMIT


def test_given_the_most_tags_and_authors_when_categories_are_added_then_none_is_listed():
    from dataclasses import replace

    from pressroom.publishing.ingest import _listed_categories

    # GIVEN an article with the most tags and authors and two categories
    full = replace(
        widest("new", "new-story", 4),
        tags=tuple(Tag.of(f"tag {n}") for n in range(MAX_LISTED_TAGS)),
        categories=("News", "Science"),
    )

    # WHEN its listings are capped
    listed = _listed_categories(full)

    # THEN it is in no category (one more listing would not fit), and the editor is told
    assert listed.categories == () and "not in: News, Science" in listed.warnings[-1]
    plan = plan_change(None, listed, "en")
    assert SOURCE_STATE_UPDATE + len(_plan_actions("content", plan)) <= DYNAMODB_TRANSACTION_LIMIT
