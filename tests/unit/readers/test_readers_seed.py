"""The seed article (`shared/samples/seed-article.txt`, a scraped news page) reads as a
readable article: a real headline, its three stand-alone sub-headings, its four related tags,
its four related-story titles, and none of the teasers."""

from __future__ import annotations

import re
from dataclasses import astuple

import pytest

from pressroom.model import Article
from tests.unit.readers.support import SHARED_SAMPLES, read

SEED = SHARED_SAMPLES / "seed-article.txt"
HASH_NAMED_KEY = "articles/3f9a1c2e7b.txt"  # uploaded under a machine name, as scrapers do

SUBHEADINGS = (
    "Elon Musk aided NASA in becoming self-sufficient",
    "Elon Musk is invited to tea by the Chief of Roscosmos",
    "Elon Musk terminated NASA’s collaboration with Roscosmos",
)
TAGS = (
    "elon musk net worth",
    "elon musk 2008",
    "what did elon musk invent",
    "where does elon live",
)
STORIES = (
    "The Holloway Group Made Inc. Magazines’ 2021 Top 1500",
    "How Dallas Cowboys’ Mike McCarthy wants to put 2020 in the rearview, start winning",
    "LA County Hospitals In A Crisis On Christmas Day As Officials Beg People To Stay Home",
    "Liverpool 2-0 RB Leipzig (4-0 on aggregate): Reds through to last eight",
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"the shared seed article is absent ({SEED}); nothing to check it against")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text: str) -> Article:
    """WHEN the seed is read from a hash-named upload."""
    return read(HASH_NAMED_KEY, seed_text)


def teasers_of(seed_text: str) -> list[str]:
    """The seed's teaser lines: after `You May Also Like`, the lines ending with `…`."""
    trailer = seed_text.split("You May Also Like", 1)[1]
    return [line.strip() for line in trailer.splitlines() if line.strip().endswith("…")]


def everything_in(article: Article) -> str:
    return repr(astuple(article))


def test_given_the_seed_when_read_then_title_is_a_readable_headline(seed: Article) -> None:
    """THEN the title is the lede's first sentence: words, not the file's hash, not a
    sub-heading from mid-article, short enough for a headline."""
    assert seed.title == "A lot of people are interested in space"
    assert "3f9a1c2e7b" not in seed.title
    assert seed.title not in SUBHEADINGS
    assert len(seed.title) <= 80 and seed.title[0].isupper()
    assert seed.slug == "a-lot-of-people-are-interested-in-space"


def test_given_the_seed_when_read_then_exactly_its_three_subheadings_are_h2(
    seed: Article,
) -> None:
    """THEN the three stand-alone short lines between paragraphs are the only headings,
    and the one-sentence prose paragraph ("According to CNN, …") stays a paragraph."""
    headings = tuple(re.findall(r"<h2>(.*?)</h2>", seed.body_html))

    assert headings == SUBHEADINGS
    assert "<h1" not in seed.body_html and "<h3" not in seed.body_html
    assert "<p>According to CNN, Putin bemoaned" in seed.body_html


def test_given_the_seed_when_read_then_tags_are_the_related_tags_block(seed: Article) -> None:
    assert tuple(tag.name for tag in seed.tags) == TAGS


def test_given_the_seed_when_read_then_related_stories_are_titles_only(
    seed: Article, seed_text: str
) -> None:
    """THEN the four "You May Also Like" titles are related stories, and no teaser text (nor
    the block's headings) appears anywhere in the article."""
    assert seed.related_stories == STORIES
    teasers = teasers_of(seed_text)
    assert len(teasers) == 4
    anything = everything_in(seed)
    for teaser in teasers:
        assert teaser.rstrip("…") not in anything
    for distinctive in (
        "A renowned rating",
        "To get a good understanding",
        "CBSLA",
        "Only Cristiano Ronaldo",
    ):
        assert distinctive not in anything
    for story in STORIES:
        assert story not in seed.body_html
    assert "Related Tags" not in seed.body_html
    assert "You May Also Like" not in seed.body_html


def test_given_the_seed_when_read_then_body_summary_and_dates_are_sensible(
    seed: Article,
) -> None:
    """THEN every article paragraph is in the body, the summary is the lede cut at a word,
    and the date is the upload time (there is no other), marked as such."""
    assert seed.body_html.count("<p>") == 15  # 18 blocks before "Related Tags", 3 headings
    assert seed.summary.startswith("A lot of people are interested in space. Two of")
    assert seed.summary.endswith("…") and len(seed.summary) <= 200
    assert seed.date_source == "upload"
    assert seed.status == "published"
    assert seed.reading_minutes >= 3
