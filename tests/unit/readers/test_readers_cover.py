"""The cover image, its alt text and further images as the tools' front matter names them
(Hugo `cover: {image, alt}` and `images: [...]`, Jekyll SEO `image: {path, alt}`, `image_alt`)."""

from __future__ import annotations

import pytest

from tests.unit.readers.support import read


@pytest.mark.parametrize(
    ("front_matter", "ref", "alt"),
    [
        ("image: a.jpg", "a.jpg", ""),
        ("image: a.jpg\nimage_alt: Boats at dawn", "a.jpg", "Boats at dawn"),
        ("image: a.jpg\nimageAlt: Boats at dawn", "a.jpg", "Boats at dawn"),
        ("cover:\n  image: a.jpg\n  alt: Boats at dawn", "a.jpg", "Boats at dawn"),
        ("image:\n  path: a.jpg\n  alt: Boats at dawn", "a.jpg", "Boats at dawn"),
        ("featured_image: a.jpg", "a.jpg", ""),
        ("images: [a.jpg, b.jpg]", "a.jpg", ""),
        ("cover:\n  image: a.jpg\n  alt: <b>Boats</b> & nets", "a.jpg", "Boats & nets"),
    ],
    ids=[
        "image",
        "image_alt",
        "imageAlt",
        "hugo-cover-map",
        "jekyll-seo-map",
        "featured_image",
        "images-first",
        "alt-is-text",
    ],
)
def test_given_a_cover_in_front_matter_when_read_then_its_reference_and_alt_are_kept(
    front_matter: str, ref: str, alt: str
):
    # GIVEN a post whose front matter names its cover as one of the tools does
    # WHEN it is read
    article = read("articles/post.md", f"---\ntitle: Post\n{front_matter}\n---\n\nText.\n")

    # THEN the cover's reference and alt text are those the editor wrote (alt as plain text)
    assert (article.cover_ref, article.cover_alt) == (ref, alt)


def test_given_an_images_list_when_read_then_the_entries_after_the_cover_are_further_images():
    # GIVEN Hugo's `images`, with an explicit cover that is also in it, a duplicate, and 8 entries
    names = ", ".join(f"p{number}.jpg" for number in range(8))
    body = f"---\ntitle: Post\nimage: p0.jpg\nimages: [{names}, p1.jpg]\n---\n\nText.\n"

    article = read("articles/post.md", body)

    # THEN the cover is not repeated, and at most 6 images in all are kept (Hugo's opengraph)
    assert article.cover_ref == "p0.jpg"
    assert article.image_refs == ("p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg", "p5.jpg")


def test_given_an_images_list_of_maps_when_read_then_their_paths_are_taken():
    body = "---\ntitle: Post\nimages:\n  - {image: a.jpg}\n  - {src: b.jpg}\n---\n\nText.\n"

    article = read("articles/post.md", body)

    assert (article.cover_ref, article.image_refs) == ("a.jpg", ("b.jpg",))


def test_given_a_summary_or_none_when_read_then_only_the_authors_is_marked_as_given() -> None:
    # GIVEN one post with its own summary and one without WHEN read
    given = read("articles/a.md", "---\ntitle: A\nsummary: Short.\n---\nFirst paragraph.\n")
    derived = read("articles/b.md", "---\ntitle: B\n---\nFirst paragraph.\n")

    # THEN both have a summary (cards need one), but only the author's is marked as given
    # (the page shows it as a standfirst; the derived one would repeat the first paragraph)
    assert (given.summary, given.summary_given) == ("Short.", True)
    assert (derived.summary, derived.summary_given) == ("First paragraph.", False)
