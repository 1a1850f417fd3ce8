"""Front-matter fields that end up in DynamoDB items (the article item, one listing entry per
listing) are bounded where the article is built: display text is shortened at a word boundary
with `…`, slugs are cut at a hyphen, and what only the editor can choose (the title, the tags)
is rejected with the limit named. Normal content is untouched."""

from __future__ import annotations

import pytest

from pressroom.errors import RejectedFile
from pressroom.model import MAX_SLUG_CHARS
from pressroom.readers.article import (
    MAX_NAME_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TAG_CHARS,
    MAX_TITLE_CHARS,
)
from pressroom.readers.prose import ELLIPSIS
from tests.unit.readers.support import read

DYNAMODB_ITEM_BYTES = 400 * 1024
LISTINGS_PER_ARTICLE = 2 + 16 + 6  # home, month, tags and authors ingest lets an article list in


def front_matter(**fields: str) -> str:
    lines = "".join(f"{name}: {value}\n" for name, value in fields.items())
    return f"---\n{lines}---\nThe press ran late because the river rose overnight.\n"


def is_shortened_from(short: str, original: str, limit: int) -> bool:
    """`short` fits, ends with `…`, and is whole words of `original`."""
    kept = short.removesuffix(ELLIPSIS)
    return (
        len(short) <= limit
        and short.endswith(ELLIPSIS)
        and original.startswith(kept)
        and original[len(kept)] == " "
    )


def test_given_a_huge_summary_when_read_then_it_is_shortened_at_a_word_boundary():
    # GIVEN a summary of 60,000 words (a whole book pasted into the front matter)
    summary = " ".join(["overnight flooding delayed the presses"] * 12_000)

    # WHEN
    article = read("articles/a.md", front_matter(title="T", summary=summary))

    # THEN
    assert is_shortened_from(article.summary, summary, MAX_SUMMARY_CHARS)
    assert len(article.summary) > MAX_SUMMARY_CHARS - 40  # cut near the limit, not early


def test_given_a_summary_of_one_endless_word_when_read_then_it_is_cut_at_the_limit():
    # GIVEN no word boundary to cut at
    summary = "x" * 50_000

    # WHEN
    article = read("articles/a.md", front_matter(title="T", summary=summary))

    # THEN
    assert article.summary == "x" * (MAX_SUMMARY_CHARS - 1) + ELLIPSIS


def test_given_huge_author_and_category_names_when_read_then_each_is_shortened():
    # GIVEN names of 2,000 characters each, beside ordinary ones
    huge = " ".join(["Ada Augusta King Countess of Lovelace"] * 55)

    # WHEN
    authors, categories = f"[Grace Hopper, '{huge}']", f"[News, '{huge}']"
    article = read("articles/a.md", front_matter(title="T", authors=authors, categories=categories))

    # THEN the ordinary names are untouched and the huge ones fit
    assert article.authors[0] == "Grace Hopper"
    assert is_shortened_from(article.authors[1], huge, MAX_NAME_CHARS)
    assert article.categories[0] == "News"
    assert is_shortened_from(article.categories[1], huge, MAX_NAME_CHARS)


def test_given_two_huge_author_names_alike_in_their_first_words_then_they_are_one_author():
    # GIVEN names that differ only past the cap
    first, second = "Ada " * 50 + "Lovelace", "Ada " * 50 + "Byron"

    # WHEN
    article = read("articles/a.md", front_matter(title="T", authors=f"[{first}, {second}]"))

    # THEN they read as one author, as they would display
    assert len(article.authors) == 1


def test_given_a_huge_slug_when_read_then_it_is_cut_cleanly_at_a_hyphen():
    # GIVEN
    slug = "-".join(["river-rose-overnight"] * 50)

    # WHEN
    article = read("articles/a.md", front_matter(title="T", slug=slug))

    # THEN
    assert len(article.slug) <= MAX_SLUG_CHARS
    assert slug.startswith(article.slug + "-")
    assert not article.slug.endswith("-")


def test_given_a_title_at_the_limit_then_it_is_kept_whole_and_one_longer_is_rejected():
    # GIVEN
    at_limit = ("word " * MAX_TITLE_CHARS)[: MAX_TITLE_CHARS - 1] + "s"

    # WHEN
    article = read("articles/a.md", front_matter(title=at_limit))
    with pytest.raises(RejectedFile) as rejected:
        read("articles/a.md", front_matter(title=at_limit + "s"))

    # THEN an editor chooses a title, so a longer one is returned to them with the limit named
    assert article.title == at_limit
    assert str(MAX_TITLE_CHARS) in rejected.value.rejection.reason


def test_given_a_huge_tag_list_then_it_is_rejected_naming_the_limit_not_stored():
    # GIVEN 5,000 tags, the last one absurdly long
    tags = ", ".join([f"tag{n}" for n in range(5_000)] + ["long" * 1_000])

    # WHEN
    with pytest.raises(RejectedFile) as rejected:
        read("articles/a.md", front_matter(title="T", tags=f"[{tags}]"))

    # THEN
    assert str(MAX_TAG_CHARS) in rejected.value.rejection.reason


def test_given_the_widest_article_the_readers_accept_then_its_card_fits_a_dynamodb_item():
    # GIVEN every capped field at its worst: 4-byte characters, as long as allowed
    wide = "𝔸" * 9
    title = " ".join([wide] * (MAX_TITLE_CHARS // 10))
    tags = ", ".join(f"{n} " + " ".join([wide] * 9) for n in range(16))
    authors = ", ".join(f"{n} " + " ".join([wide] * 500) for n in range(6))

    # WHEN
    article = read(
        "articles/a.md",
        front_matter(
            title=title, summary=" ".join([wide] * 5_000), tags=f"[{tags}]", authors=f"[{authors}]"
        ),
    )

    # THEN the card (slug, title, summary, tag names and slugs, authors), repeated in the
    # article item and every listing entry of one commit, stays far under DynamoDB's limits
    card = [article.slug, article.title, article.summary, *article.authors]
    card += [text for tag in article.tags for text in (tag.name, tag.slug)]
    card_bytes = sum(len(text.encode("utf-8")) for text in card)
    assert len(article.tags) == 16 and len(article.authors) == 6
    assert card_bytes < DYNAMODB_ITEM_BYTES // 8
    assert card_bytes * (1 + LISTINGS_PER_ARTICLE) < 4 * 1024 * 1024 // 2


def test_given_ordinary_front_matter_when_read_then_no_field_is_changed():
    # GIVEN
    summary = "The river rose overnight; the presses ran two hours late. " * 15  # ~900 chars

    # WHEN
    article = read(
        "articles/a.md",
        front_matter(
            title="Flood delays the morning edition",
            slug="flood-delays-morning-edition",
            summary=summary,
            tags="[weather, printing]",
            authors="[Grace Hopper, Ada Lovelace]",
            categories="[News, Local]",
        ),
    )

    # THEN
    assert article.title == "Flood delays the morning edition"
    assert article.slug == "flood-delays-morning-edition"
    assert article.summary == summary.strip()
    assert [tag.name for tag in article.tags] == ["weather", "printing"]
    assert article.authors == ("Grace Hopper", "Ada Lovelace")
    assert article.categories == ("News", "Local")
