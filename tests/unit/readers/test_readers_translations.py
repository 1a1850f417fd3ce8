"""Issue 18, translations: an article's language (Hugo's file-name infix, front matter `lang`,
Pelican's `Lang`), its translation group and its slug, on an English site."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pressroom.languages import autonym, in_site_language, infix_language, normalise
from pressroom.model import MAX_SLUG_CHARS
from pressroom.readers import read_article
from pressroom.readers.filenames import facts_from_name, stem_of
from pressroom.readers.hugo_shortcodes import ref_url
from tests.unit.readers.support import make_settings, make_source, read

TEXT = "---\ntitle: Hello\n---\nWords.\n"


@pytest.mark.parametrize(
    ("key", "language", "slug", "group"),
    [
        ("articles/x.md", "en", "x", "x"),
        ("articles/x.fr.md", "fr", "x-fr", "x"),
        ("articles/x.FR.md", "fr", "x-fr", "x"),
        ("articles/x.pt-br.md", "pt-BR", "x-pt-br", "x"),
        ("articles/x.en.md", "en", "x", "x"),  # the site's own language: no suffix
        ("articles/bundle/index.fr.md", "fr", "bundle-fr", "bundle"),  # a Hugo page bundle
        ("articles/2024-03-01-launch.de.md", "de", "launch-de", "launch"),  # with a Jekyll date
    ],
)
def test_given_a_hugo_language_infix_when_read_then_language_slug_and_group(
    key: str, language: str, slug: str, group: str
) -> None:
    article = read(key, TEXT)
    assert (article.language, article.slug, article.translation_key) == (language, slug, group)


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("articles/notes.old.md", "notes-old"),  # `old` is ISO 639-3 (Mochi), not an infix
        ("articles/v1.2.md", "v1-2"),
        ("articles/release.final.md", "release-final"),
        ("articles/x.zz.md", "x-zz"),  # two letters, but no language
    ],
)
def test_given_a_dotted_name_that_is_no_language_when_read_then_it_stays_in_the_slug(
    key: str, slug: str
) -> None:
    article = read(key, TEXT)
    assert (article.language, article.slug, article.translation_key) == ("en", slug, slug)
    assert article.warnings == ()


def test_given_a_hugo_section_in_another_language_then_it_is_a_section_not_an_article() -> None:
    article = read("articles/post/_index.fr.md", "---\ntitle: Billets\n---\nTous.\n")
    assert article.status == "draft" and "section" in article.warnings[0]


@pytest.mark.parametrize(
    ("front", "language"),
    [
        ("lang: fr", "fr"),  # Jekyll-polyglot, generic
        ("language: FR", "fr"),
        ("locale: pt_br", "pt-BR"),
        ("lang: iw", "he"),  # a deprecated code, as the registry maps it
        ("lang: zh-hant", "zh-Hant"),
    ],
)
def test_given_a_front_matter_language_when_read_then_it_is_normalised(
    front: str, language: str
) -> None:
    article = read("articles/x.md", f"---\ntitle: T\n{front}\n---\nText.\n")
    assert article.language == language
    assert article.slug == f"x-{language.lower()}" and article.translation_key == "x"


def test_given_front_matter_and_an_infix_then_the_front_matter_wins() -> None:
    article = read("articles/x.fr.md", "---\ntitle: T\nlang: de\n---\nText.\n")
    assert (article.language, article.slug, article.translation_key) == ("de", "x-de", "x")


@pytest.mark.parametrize("value", ["English please", "und", "xx-yy-zz-1", "42"])
def test_given_an_invalid_language_when_read_then_a_warning_and_the_site_language(
    value: str,
) -> None:
    article = read("articles/x.md", f"---\ntitle: T\nlang: {value}\n---\nText.\n")
    assert (article.language, article.slug, article.status) == ("en", "x", "published")
    assert len(article.warnings) == 1 and "not a language code" in article.warnings[0]


def test_given_an_invalid_language_on_a_translated_file_then_the_infix_is_used() -> None:
    article = read("articles/x.fr.md", "---\ntitle: T\nlang: French\n---\nText.\n")
    assert article.language == "fr" and article.slug == "x-fr"
    assert "taken to be in `fr`" in article.warnings[0]


def test_given_a_pelican_pair_with_one_slug_and_two_langs_then_one_group_two_slugs() -> None:
    english = read("articles/a.md", "Title: Archives\nSlug: archives\n\nText.\n")
    french = read("articles/b.md", "Title: Archives\nSlug: archives\nLang: fr\n\nTexte.\n")
    assert (english.slug, french.slug) == ("archives", "archives-fr")
    assert english.translation_key == french.translation_key == "archives"
    assert french.language == "fr"


def test_given_pelican_translation_true_in_the_site_language_then_it_gets_the_suffix() -> None:
    article = read(
        "articles/a.md", "Title: Archives\nSlug: archives\nLang: en\nTranslation: true\n\nText.\n"
    )
    assert (article.slug, article.translation_key) == ("archives-en", "archives")


def test_given_hugo_translation_key_then_it_groups_whatever_the_slugs() -> None:
    english = read("articles/launch.md", "---\ntitle: T\ntranslationKey: Launch 2024\n---\nA\n")
    french = read(
        "articles/lancement.fr.md", "---\ntitle: T\ntranslationkey: launch-2024\n---\nB\n"
    )
    assert english.translation_key == french.translation_key == "launch-2024"
    assert (english.slug, french.slug) == ("launch", "lancement-fr")


def test_given_an_explicit_slug_with_the_suffix_then_it_is_not_doubled() -> None:
    article = read("articles/x.md", "---\ntitle: T\nslug: paris-fr\nlang: fr\n---\nTexte.\n")
    assert (article.slug, article.translation_key) == ("paris-fr", "paris")


def test_given_a_slug_at_the_length_limit_then_the_suffix_still_fits() -> None:
    long_slug = "-".join(["word"] * 30)[:MAX_SLUG_CHARS].rstrip("-")
    english = read("articles/x.md", f"---\ntitle: T\nslug: {long_slug}\n---\nText.\n")
    french = read("articles/x.md", f"---\ntitle: T\nslug: {long_slug}\nlang: pt-BR\n---\nT.\n")
    assert len(french.slug) <= MAX_SLUG_CHARS and french.slug.endswith("-word-pt-br")
    assert english.translation_key == french.translation_key == english.slug


def test_given_a_regional_form_of_the_site_language_then_it_is_the_site_language() -> None:
    article = read("articles/x.md", "---\ntitle: T\nlang: en-GB\n---\nText.\n")
    assert (article.language, article.slug) == ("en-GB", "x")
    assert in_site_language("en-US", "en") and in_site_language("en", "en-GB")
    assert not in_site_language("pt-PT", "pt-BR") and not in_site_language("fr", "en")


def test_given_a_french_site_then_english_articles_are_the_translations() -> None:
    settings = replace(make_settings(), site_language="fr")
    french = read_article(make_source("articles/x.md", TEXT), settings)
    english = read_article(make_source("articles/x.en.md", TEXT), settings)
    assert (french.language, french.slug) == ("fr", "x")
    assert (english.language, english.slug) == ("en", "x-en")


def test_given_a_hugo_ref_to_a_translation_then_it_leads_to_its_page() -> None:
    assert ref_url("x.fr.md") == "/articles/x-fr/"
    assert stem_of("articles/x/index.fr.md") == "x"
    assert facts_from_name("articles/x.fr.md").language == "fr"


def test_language_helpers() -> None:
    assert normalise("pt_br") == "pt-BR" and normalise("English") is None
    assert infix_language("fr") == "fr" and infix_language("old") is None
    assert infix_language("pt-br") == "pt-BR" and infix_language("2") is None
    assert autonym("fr") == "Français" and autonym("de") == "Deutsch"
    assert autonym("qaa") == "qaa"  # private use: no name, the code itself


def test_given_a_hugo_translation_with_its_own_slug_then_it_pairs_with_its_file_name_twin() -> None:
    """hugoBasicExample's `migrate-from-jekyll.fr.md` sets `slug = "Migrer vers Hugo depuis
    Jekyll"`; Hugo still pairs it with `migrate-from-jekyll.md` by their path."""
    english = read("articles/post/migrate-from-jekyll.md", "---\ntitle: Migrate\n---\nx\n")
    french = read(
        "articles/post/migrate-from-jekyll.fr.md",
        '+++\nslug = "Migrer vers Hugo depuis Jekyll"\ntitle = "Migrer"\n+++\nx\n',
    )
    assert french.slug == "migrer-vers-hugo-depuis-jekyll-fr"
    assert french.translation_key == english.translation_key == "migrate-from-jekyll"


@pytest.mark.parametrize(
    "front_matter",
    [
        '+++\ntitle = "T"\n[ author ]\n  name = "Hugo Authors"\n+++\n',
        "---\ntitle: T\nauthor:\n  name: Hugo Authors\n  email: a@example.com\n---\n",
        "---\ntitle: T\nauthors:\n  - name: Hugo Authors\n  - Ada\n---\n",
    ],
)
def test_given_an_author_written_as_a_table_when_read_then_its_name_is_the_author(
    front_matter: str,
) -> None:
    """hugoBasicExample's French posts write `[ author ] name = "Hugo Authors"`."""
    article = read("articles/post/x.md", front_matter + "Words.\n")
    assert article.authors[0] == "Hugo Authors"
