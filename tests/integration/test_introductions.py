"""Hugo's `_index.md` on the pipeline (issue 18): not an article, but the introduction shown on
the root page of the listing it introduces (home, a tag, an author), whichever arrives first;
it follows edits and goes when the file goes."""

from __future__ import annotations

from tests.support import Site

STORY = "---\ntitle: Tea in orbit\ndate: 2026-03-01\ntags: [Space]\n---\n\nSome words.\n"


def intro(text: str) -> str:
    return f"---\ntitle: Welcome\n---\n\n{text}\n"


def test_given_a_root_index_then_the_home_page_shows_it_and_no_article_is_made(site: Site):
    site.upload("tea.md", STORY)

    site.upload("_index.md", intro("We write about *space*."))

    home = site.page("/")
    assert home is not None and "We write about <em>space</em>." in home
    assert "/articles/tea/" in home
    assert not [key for key in site.object_keys() if "section" in key or "welcome" in key]
    assert site.report("_index.md") is None

    site.upload("_index.md", intro("Now about tea."))
    home = site.page("/")
    assert home is not None and "Now about tea." in home and "about <em>space" not in home

    site.delete("_index.md")
    home = site.page("/")
    assert home is not None and "Now about tea." not in home and "/articles/tea/" in home


def test_given_a_tag_introduction_before_its_first_article_then_the_tag_page_shows_it(
    site: Site,
):
    site.upload("tags/space/_index.md", intro("Everything about space."))
    assert site.page("/tags/space/") is None

    site.upload("tea.md", STORY)

    tag_page = site.page("/tags/space/")
    assert tag_page is not None and "Everything about space." in tag_page
    home = site.page("/")
    assert home is not None and "Everything about space." not in home


def test_given_a_section_without_a_listing_then_the_editor_is_told_it_is_not_shown(site: Site):
    site.upload("post/_index.md", intro("All the posts."))

    report = site.report("post/_index.md")
    assert report is not None and "has no listing here" in report
    assert not [key for key in site.object_keys() if key.startswith("articles/")]


def test_given_a_french_root_introduction_then_the_french_listing_shows_it(site: Site):
    site.upload("tea.md", STORY)
    site.upload("tea.fr.md", STORY.replace("Tea in orbit", "Thé en orbite"))

    site.upload("_index.fr.md", "---\ntitle: Bienvenue\n---\n\nNous écrivons sur l'espace.\n")

    french = site.page("/fr/")
    assert french is not None and "Nous écrivons sur l" in french
    home = site.page("/")
    assert home is not None and "Nous écrivons" not in home


def test_given_two_introductions_of_one_tag_then_the_lower_key_shows_until_it_goes(site: Site):
    lower, upper = "tags/Space/_index.md", "tags/space/_index.md"  # "S" sorts before "s"
    site.upload("tea.md", STORY)
    site.upload(upper, intro("From the upper key."))
    site.upload(lower, intro("From the lower key."))

    assert "From the lower key." in (site.page("/tags/space/") or "")

    site.delete(upper)
    assert "From the lower key." in (site.page("/tags/space/") or "")
    site.upload(upper, intro("From the upper key."))
    site.delete(lower)

    assert "From the upper key." in (site.page("/tags/space/") or "")
