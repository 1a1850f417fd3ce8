"""Corpus test: posts written the way Jekyll, Hugo and Pelican users write them publish as
those tools would show them (title, date, slug, tags, status).

The posts are in `tests/fixtures/conventions/{jekyll,hugo,pelican}/`. Where the tools use the
site's time zone, Pressroom uses UTC. Every fixture file must have a row here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.unit.readers.support import CONVENTIONS, read_path

EST = timezone(timedelta(hours=-5))
CET = timezone(timedelta(hours=1))


@dataclass(frozen=True)
class Shown:
    title: str
    published: datetime
    slug: str
    tags: tuple[str, ...]
    status: str = "published"


EXPECTED: dict[str, Shown] = {
    # Jekyll: date and slug from `YYYY-MM-DD-slug`; `tags: a b` splits on spaces;
    # `published: false` hides a post; a missing title is the file slug in title case.
    "jekyll/2026-01-12-welcome-to-the-newsroom.md": Shown(
        "Welcome to the newsroom",
        datetime(2026, 1, 12, tzinfo=UTC),
        "welcome-to-the-newsroom",
        ("announcements", "newsroom"),
    ),
    "jekyll/2026-02-03-night-shift-notes.md": Shown(
        "Night shift notes",
        datetime(2026, 2, 3, 23, 45, tzinfo=CET),
        "night-shift-notes",
        ("overnight", "desk"),
    ),
    "jekyll/2026-02-20-unfinished-idea.md": Shown(
        "An unfinished idea",
        datetime(2026, 2, 20, tzinfo=UTC),
        "unfinished-idea",
        ("ideas",),
        status="draft",
    ),
    "jekyll/2026-03-01-custom-slug-post.markdown": Shown(
        "Custom Slug Post",
        datetime(2026, 3, 1, tzinfo=UTC),
        "press-freedom-day",
        ("press-freedom", "events"),
    ),
    # Hugo: TOML or YAML; `date` is the date shown; `draft`; `slug`; a page bundle's folder
    # names the page; `aliases` are ignored.
    "hugo/why-we-moved-to-arm.md": Shown(
        "Why we moved our renderers to Arm",
        datetime(2026, 2, 10, 9, tzinfo=EST),
        "moving-to-arm",
        ("engineering", "performance"),
    ),
    "hugo/regional-elections-live.md": Shown(
        "Regional elections: live results",
        datetime(2026, 3, 22, tzinfo=UTC),
        "regional-elections-live",
        ("elections", "live"),
        status="draft",
    ),
    "hugo/corrections-policy/index.md": Shown(
        "Our corrections policy",
        datetime(2026, 1, 20, tzinfo=UTC),
        "corrections-policy",
        ("ethics", "newsroom"),
    ),
    "hugo/style-guide-update.md": Shown(
        "Style guide update",
        datetime(2026, 4, 2, 7, 15, tzinfo=UTC),
        "style-guide-update",
        ("style", "newsroom"),
    ),
    # Pelican: `Key: value` headers; tags split on commas; the slug defaults to the title;
    # `Status: draft` is unpublished, `Status: hidden` is published but not listed.
    "pelican/printing-plant-tour.md": Shown(
        "A tour of the printing plant",
        datetime(2026, 1, 28, 14, tzinfo=UTC),
        "printing-plant-tour",
        ("printing", "local history", "tours"),
    ),
    "pelican/reader-survey-draft.md": Shown(
        "Reader survey, first look",
        datetime(2026, 3, 5, 10, tzinfo=UTC),
        "reader-survey-first-look",
        ("audience", "data"),
        status="draft",
    ),
    "pelican/archive-digitisation.md": Shown(
        "Numérisation des archives",
        datetime(2026, 2, 15, tzinfo=UTC),
        "numerisation-des-archives-fr",  # `Lang: fr` on an English site: Pelican's {slug}-{lang}
        ("archives", "local history"),
        status="unlisted",
    ),
    "pelican/a-week-without-meetings.md": Shown(
        "A week without meetings",
        datetime(2026, 4, 10, 8, 30, tzinfo=UTC),
        "a-week-without-meetings",
        ("newsroom", "process"),
    ),
}


def fixture_files() -> list[str]:
    return sorted(
        path.relative_to(CONVENTIONS).as_posix()
        for path in CONVENTIONS.rglob("*")
        if path.is_file()
    )


def test_given_the_conventions_corpus_then_every_post_has_expectations() -> None:
    """GIVEN the fixture folders THEN each post has a row in EXPECTED (and vice versa), and
    each tool has at least three posts."""
    assert fixture_files() == sorted(EXPECTED)
    for tool in ("jekyll", "hugo", "pelican"):
        assert sum(name.startswith(f"{tool}/") for name in EXPECTED) >= 3


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_given_a_post_in_its_tools_convention_when_read_then_shown_as_the_tool_would(
    relative: str,
) -> None:
    """GIVEN a post as a Jekyll/Hugo/Pelican author wrote it WHEN read THEN title, date,
    slug, tags and status are what that tool would show."""
    expected = EXPECTED[relative]

    article = read_path(Path(CONVENTIONS / relative), CONVENTIONS)

    assert article.title == expected.title
    assert article.published == expected.published
    assert article.published.utcoffset() == expected.published.utcoffset()
    assert article.slug == expected.slug
    assert tuple(tag.name for tag in article.tags) == expected.tags
    assert article.status == expected.status


def test_given_hugo_front_matter_when_read_then_lastmod_summary_and_categories_are_kept() -> None:
    """GIVEN Hugo TOML with lastmod, summary, categories and aliases WHEN read THEN they are
    kept, the alias as a redirect to the article (and nowhere else)."""
    article = read_path(CONVENTIONS / "hugo" / "why-we-moved-to-arm.md", CONVENTIONS)

    assert article.modified == datetime(2026, 2, 12, 16, 30, tzinfo=EST)
    assert article.summary == "Cheaper, faster page renders after a week of benchmarks."
    assert article.categories == ("Infrastructure",)
    assert article.redirects == ("posts/arm-move/",)
    assert "arm-move" not in article.body_html + article.summary


def test_given_pelican_headers_when_read_then_authors_category_and_language_are_kept() -> None:
    """GIVEN Pelican `Authors` separated by `;`, a `Category` and `Lang` WHEN read THEN they
    are kept as Pelican would show them."""
    tour = read_path(CONVENTIONS / "pelican" / "printing-plant-tour.md", CONVENTIONS)
    archive = read_path(CONVENTIONS / "pelican" / "archive-digitisation.md", CONVENTIONS)

    assert tour.authors == ("Priya Raman", "Tomás Ortega")
    assert tour.categories == ("Features",)
    assert tour.modified == datetime(2026, 1, 30, 9, 15, tzinfo=UTC)
    assert archive.language == "fr"
    assert archive.authors == ("Camille Durand",)
