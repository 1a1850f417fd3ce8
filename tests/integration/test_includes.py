"""Jekyll includes on the pipeline (issue 18): a post's page follows the uploaded `_includes/`
file it includes, whichever arrives first, and follows its changes and its removal."""

from __future__ import annotations

from tests.support import Site

POST = (
    "---\ntitle: Liquid post\ndate: 2026-03-01\n---\n\n"
    'Before {% include note.html who="us" %} after.\n'
)


def test_given_a_post_before_its_include_then_the_include_arriving_renders_into_it(site: Site):
    site.upload("_posts/2026-03-01-liquid.md", POST)
    page = site.page("/articles/liquid/")
    assert page is not None and "Before  after." in page
    assert "note.html" in (site.report("_posts/2026-03-01-liquid.md") or "")

    site.upload("_includes/note.html", "<em>from {{ include.who }}</em>")

    page = site.page("/articles/liquid/")
    assert page is not None and "<em>from us</em>" in page
    assert site.report("_posts/2026-03-01-liquid.md") is None


def test_given_an_include_changed_or_deleted_then_the_post_follows(site: Site):
    site.upload("_includes/note.html", "<em>one</em>")
    site.upload("_posts/2026-03-01-liquid.md", POST)
    assert "<em>one</em>" in (site.page("/articles/liquid/") or "")

    site.upload("_includes/note.html", "<em>two</em>")
    assert "<em>two</em>" in (site.page("/articles/liquid/") or "")

    site.delete("_includes/note.html")
    page = site.page("/articles/liquid/")
    assert page is not None and "<em>" not in page and "Before  after." in page
    assert "was not uploaded" in (site.report("_posts/2026-03-01-liquid.md") or "")
