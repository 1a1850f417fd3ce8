"""The cover's alt text and whether the summary is the author's, from the front matter of each
tool editors come from."""

from __future__ import annotations

import pytest

from tests.unit.readers.support import read


@pytest.mark.parametrize(
    ("front_matter", "cover", "alt"),
    [
        ("cover:\n  image: c.jpg\n  alt: Boats at dawn\n", "c.jpg", "Boats at dawn"),  # Hugo themes
        ("image: c.jpg\nimage_alt: Boats at dawn\n", "c.jpg", "Boats at dawn"),
        ("image: c.jpg\nimageAlt: Boats at dawn\n", "c.jpg", "Boats at dawn"),
        ("featured_image: c.jpg\ncover_alt: Boats at dawn\n", "c.jpg", "Boats at dawn"),
        ("image: c.jpg\n", "c.jpg", ""),  # no description: the page says nothing it does not know
    ],
)
def test_given_a_cover_with_alt_text_in_the_front_matter_when_read_then_both_are_kept(
    front_matter: str, cover: str, alt: str
) -> None:
    article = read("articles/a.md", f"---\ntitle: A\n{front_matter}---\nBody.\n")

    assert (article.cover_ref, article.cover_alt) == (cover, alt)


def test_given_a_summary_or_none_when_read_then_only_the_authors_is_marked_as_given() -> None:
    given = read("articles/a.md", "---\ntitle: A\nsummary: Short.\n---\nFirst paragraph.\n")
    derived = read("articles/b.md", "---\ntitle: B\n---\nFirst paragraph.\n")

    assert (given.summary, given.summary_given) == ("Short.", True)
    assert (derived.summary, derived.summary_given) == ("First paragraph.", False)
