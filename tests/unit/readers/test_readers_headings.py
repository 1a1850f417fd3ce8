"""Headings in Markdown (issue 18): GIVEN headings WHEN read THEN each has a stable, unique id
and an accessible self-link; `{#id}` sets the id and is not printed; `toc: true` gives the
article a table of contents."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from pressroom.model import TocEntry
from pressroom.readers.markdown_extensions import heading_id
from pressroom.readers.markdown_reader import read_markdown
from pressroom.readers.sanitize import THEME_IDS
from tests.unit.readers.support import read

ANCHOR = 'aria-label="Link to this section"></a>'
TEMPLATES = Path(__file__).resolve().parents[3] / "layers/pressroom/pressroom/render/templates"


def body(markdown: str) -> str:
    return read_markdown(markdown)[0]


def heading(level: int, identifier: str, inner: str) -> str:
    return (
        f'<h{level} id="{identifier}">{inner}<a class="heading-anchor" href="#{identifier}" '
        f"{ANCHOR}</h{level}>"
    )


def test_given_a_heading_when_read_then_it_has_an_id_and_a_self_link_golden():
    assert body("## Why tea floats\n") == heading(2, "why-tea-floats", "Why tea floats") + "\n"


def test_given_repeated_headings_when_read_then_their_ids_are_numbered_from_two():
    html = body("## Notes\n\n## Notes\n\n### Notes\n")

    assert re.findall(r'<h\d id="([^"]+)"', html) == ["notes", "notes-2", "notes-3"]


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("Über uns", "über-uns"),
        ("日本語の見出し", "日本語の見出し"),
        ("हिन्दी शीर्षक", "हिन्दी-शीर्षक"),  # combining marks are kept
        ("Why 2 + 2 = 4?", "why-2-2-4"),
        ("  snake_case & `code`  ", "snake_case-code"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ],
)
def test_given_unicode_heading_text_then_the_id_keeps_letters_of_every_script(
    text: str, identifier: str
):
    assert heading_id(text) == identifier


def test_given_markup_in_a_heading_when_read_then_the_id_is_made_of_its_text():
    html = body("## *Fast* `tea` and [links](https://x.example)\n")

    assert html.startswith('<h2 id="fast-tea-and-links">')


def test_given_a_heading_with_nothing_to_slug_when_read_then_it_still_gets_an_id():
    assert body("## ???\n\n## !!!\n").count('id="section') == 2


def test_given_a_custom_id_when_read_then_it_is_the_id_and_is_not_printed_golden():
    assert body("## Kettles {#kettle-list}\n") == heading(2, "kettle-list", "Kettles") + "\n"


def test_given_custom_id_with_classes_and_keys_when_read_then_only_the_id_is_used():
    html = body("### *Boiling* point {#boil .big data-x=1}\n")

    assert html == heading(3, "boil", "<em>Boiling</em> point") + "\n"


def test_given_a_setext_heading_with_a_custom_id_then_it_is_read_too():
    assert body("Kettles {#k}\n-------\n").startswith('<h2 id="k">Kettles<a')


def test_given_a_custom_id_used_twice_or_by_a_later_heading_then_every_id_stays_unique():
    html = body("## A {#same}\n\n## B {#same}\n\n## Same\n")

    assert re.findall(r'<h2 id="([^"]+)"', html) == ["same", "same-2", "same-3"]


def test_given_a_custom_id_after_a_generated_one_then_the_explicit_one_wins_its_name():
    html = body("## Intro\n\n## Later {#intro}\n")

    assert re.findall(r'<h2 id="([^"]+)"', html) == ["intro-2", "intro"]


def test_given_a_custom_id_outside_the_safe_charset_then_it_is_slugified():
    assert body('## T {id="A b/c"}\n') == heading(2, "a-b-c", "T") + "\n"
    assert body("## T {#Überblick}\n").startswith('<h2 id="Überblick">T<a')


def test_given_an_id_the_attribute_syntax_rejects_then_the_braces_stay_text():
    assert body("## T {#a/b}\n").startswith('<h2 id="t-a-b">T {#a/b}<a')


def test_given_braces_that_are_not_attributes_then_they_are_printed():
    assert body("## Sets {a, b}\n").startswith('<h2 id="sets-a-b">Sets {a, b}<a')


def test_given_headings_named_like_theme_ids_or_footnotes_then_they_do_not_take_them():
    html = body("## Content\n\n## fn1\n\nText[^1]\n\n[^1]: Note.\n")

    ids = re.findall(r' id="([^"]+)"', html)
    assert ids[:2] == ["content-2", "fn1-2"]
    assert "fn1" in ids and "content" not in ids
    assert len(ids) == len(set(ids))


def test_given_raw_html_ids_then_headings_avoid_them_and_repeats_are_dropped():
    html = body('<p id="plan">x</p>\n\n## Plan\n\n<span id="plan">again</span>\n')

    assert re.findall(r' id="([^"]+)"', html) == ["plan", "plan-2"]


def test_given_every_id_in_the_theme_templates_then_articles_may_not_use_it():
    used = {
        identifier
        for template in TEMPLATES.glob("*.html")
        for identifier in re.findall(r'\bid="([^"{]+)"', template.read_text())
    }

    assert used <= THEME_IDS


def test_given_a_leading_h1_when_read_then_it_is_still_the_title_without_anchor_text():
    article = read("articles/tea.md", "# Tea in orbit\n\nBody.\n\n## Kettles\n")

    assert article.title == "Tea in orbit"
    assert article.body_html.startswith("<p>Body.</p>")
    assert article.summary == "Body."


def test_given_toc_true_when_read_then_the_article_has_nested_entries_golden():
    article = read(
        "articles/tea.md",
        "---\ntitle: Tea\ntoc: true\n---\n## Kettles\n\n### Electric\n\n#### Cordless\n\n"
        "## Cups {#cups}\n\n##### Deep\n\n## Über\n",
    )

    assert article.toc == (
        TocEntry(1, "kettles", "Kettles"),
        TocEntry(2, "electric", "Electric"),
        TocEntry(3, "cordless", "Cordless"),
        TocEntry(1, "cups", "Cups"),
        TocEntry(1, "über", "Über"),
    )


def test_given_no_toc_flag_when_read_then_there_is_no_table_of_contents():
    assert read("articles/tea.md", "---\ntitle: Tea\n---\n## Kettles\n").toc == ()
    assert read("articles/t.md", "---\ntitle: Tea\ntoc: false\n---\n## Kettles\n").toc == ()


def test_given_toc_true_then_raw_html_headings_with_ids_join_it_and_others_do_not():
    article = read(
        "articles/t.md",
        '---\ntitle: T\ntoc: true\n---\n<h2 id="one">One</h2>\n\n<h2>No id</h2>\n\n## Two\n',
    )

    assert article.toc == (TocEntry(1, "one", "One"), TocEntry(1, "two", "Two"))


def test_given_kramdown_colon_attributes_then_they_set_the_id_too():
    assert body("## Kettles {: #kettles-ial}\n") == heading(2, "kettles-ial", "Kettles") + "\n"


@pytest.mark.parametrize(
    "attributes",
    [
        '{#x onmouseover="alert(1)"}',
        '{#x onclick="alert(1)" style="color:red"}',
        "{#x .site-header}",
    ],
)
def test_given_attributes_beyond_the_id_then_only_the_id_reaches_the_page(attributes: str):
    assert body(f"## T {attributes}\n") == heading(2, "x", "T") + "\n"


def test_given_thousands_of_identical_headings_then_ids_are_unique_and_cost_linear_time():
    started = time.perf_counter()
    html = body("## Same\n\n" * 5_000)
    elapsed = time.perf_counter() - started

    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert len(set(ids)) == 5_000 and ids[-1] == "same-5000"
    assert elapsed < 10  # quadratic numbering took minutes


def test_given_hugo_papermods_showtoc_then_the_article_has_a_table_of_contents_too():
    article = read("articles/t.md", "---\ntitle: T\nShowToc: true\n---\n## One\n")

    assert article.toc == (TocEntry(1, "one", "One"),)


def test_given_an_html_article_when_read_then_its_headings_get_ids_and_anchors() -> None:
    article = read(
        "articles/page.html",
        '<title>Page</title><body><h2>Über uns</h2><p>x</p><h2 id="kept">Kept</h2>'
        "<h3>Über uns</h3></body>",
    )
    assert '<h2 id="über-uns">Über uns<a class="heading-anchor" href="#über-uns"' in (
        article.body_html
    )
    assert '<h2 id="kept">Kept</h2>' in article.body_html
    assert '<h3 id="über-uns-2">' in article.body_html
