"""Jekyll file names and folders, Hugo section files and the manual summary divider (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressroom.errors import RejectedFile
from tests.unit.readers.support import read


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("2017-2-5-title.md", datetime(2017, 2, 5, tzinfo=UTC)),
        ("2017-02-5-title.md", datetime(2017, 2, 5, tzinfo=UTC)),
        ("2017-12-25-title.md", datetime(2017, 12, 25, tzinfo=UTC)),
    ],
)
def test_given_a_jekyll_name_without_zero_padding_when_read_then_dated_as_jekyll_does(
    name: str, day: datetime
) -> None:
    article = read(f"articles/_posts/{name}", "Some text.\n")
    assert (article.published, article.date_source) == (day, "filename")
    assert (article.slug, article.title) == ("title", "Title")


def test_given_an_impossible_short_date_when_read_then_rejected_naming_it() -> None:
    with pytest.raises(RejectedFile, match="2017-2-30"):
        read("articles/2017-2-30-title.md", "Some text.\n")


def test_given_a_file_under_drafts_when_read_then_a_draft_with_a_note() -> None:
    article = read("articles/_drafts/a-new-idea.md", "---\ntitle: Idea\n---\nText.\n")
    assert article.status == "draft"
    assert article.warnings == (
        "The file is in a `_drafts/` folder: a Jekyll draft, so it is not published.",
    )


def test_given_a_hugo_section_file_when_read_then_not_an_article_but_not_rejected() -> None:
    article = read("articles/post/_index.md", "---\ntitle: Posts\n---\nAll posts.\n")
    assert (article.status, article.title, article.slug) == ("draft", "Posts", "section-post")
    assert (article.introduces, article.body_html) == ("", "")
    assert article.warnings == (
        "`_index.md` introduces the `post` section, which has no listing here (home, tags, "
        "categories and authors have one): it is not shown.",
    )


@pytest.mark.parametrize(
    ("key", "introduces"),
    [
        ("articles/_index.md", "home"),
        ("articles/tags/Space Travel/_index.md", "tag:space-travel"),
        ("articles/authors/ada/_index.md", "author:ada"),
    ],
)
def test_given_a_listing_introduction_when_read_then_it_names_its_listing_and_keeps_its_body(
    key: str, introduces: str
) -> None:
    article = read(key, "---\ntitle: Welcome\n---\nHello *there*.\n")
    assert (article.status, article.introduces, article.warnings) == ("draft", introduces, ())
    assert article.body_html == "<p>Hello <em>there</em>.</p>\n"


def test_given_an_empty_section_file_when_read_then_still_not_rejected() -> None:
    article = read("articles/_index.md", "---\n---\n")
    assert article.status == "draft"


def test_given_a_more_divider_when_read_then_the_text_before_it_is_the_summary() -> None:
    article = read(
        "articles/divided.md",
        "---\ntitle: T\n---\nFirst part.\n\nSecond *part*.\n\n<!--more-->\n\nThe rest.\n",
    )
    assert article.summary == "First part. Second part."
    assert "more" not in article.body_html
    assert article.body_html.endswith("<p>The rest.</p>\n")


def test_given_a_front_matter_excerpt_separator_when_read_then_it_divides() -> None:
    article = read(
        "articles/2020-01-01-sep.md",
        "---\ntitle: T\nexcerpt_separator: <!--end-->\n---\nIntro one.\n\nIntro two.\n"
        "<!--end-->\n\nRest.\n",
    )
    assert article.summary == "Intro one. Intro two."


def test_given_a_divider_and_a_summary_field_when_read_then_the_field_wins() -> None:
    article = read(
        "articles/divided.md", "---\ntitle: T\nsummary: Mine.\n---\nA.\n\n<!--more-->\n\nB.\n"
    )
    assert article.summary == "Mine."


@pytest.mark.parametrize(
    ("key", "introduces"),
    [
        ("articles/authors/jane-doe.md", "author:jane-doe"),
        ("articles/content/authors/Jane Doe.md", "author:jane-doe"),  # a site's tree, whole
        ("articles/authors/jane/_index.md", "author:jane"),  # Hugo's
        ("articles/authors.md", ""),  # an article about authors
        ("articles/authors/jane/post.md", ""),  # an article in a folder below
    ],
)
def test_given_an_author_file_when_read_then_it_is_the_profile_of_that_author(
    key: str, introduces: str
) -> None:
    article = read(key, "---\nname: Jane Doe\nphoto: jane.jpg\n---\nShe *writes*.\n")
    assert article.introduces == introduces
    if introduces:
        assert (article.status, article.body_html.strip()) == (
            "draft",
            "<p>She <em>writes</em>.</p>",
        )
        assert article.cover_ref == "jane.jpg"
