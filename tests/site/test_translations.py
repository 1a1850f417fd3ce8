"""Issue 18, translations, on built sites: a folder mixing a Hugo pair (`x.md`, `x.fr.md`) and
a Pelican pair (one `Slug`, two `Lang`s) built by `pressroom build`'s machinery; then the
same pipeline on an embedded site, where the order of uploads and a delete must converge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import feedparser
import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from tests.site.support import BuiltSite, build_files, nu_checker
from tests.support import Site

SITE_URL = "https://news.example"
HUGO_EN = "---\ntitle: Launch day\ndate: 2026-01-10\ntags: [press]\n---\nThe launch went well.\n"
HUGO_FR = (
    "---\ntitle: Jour du lancement\ndate: 2026-01-11\ntags: [press]\n---\n"
    "Le lancement s'est bien passé.\n"
)
FILES = {
    "content/post/x.md": HUGO_EN,
    "content/post/x.fr.md": HUGO_FR,
    "pelican/archives.md": "Title: Archives\nSlug: archives\nDate: 2026-01-12\n\nThe archive.\n",
    "pelican/archives-fr.md": (
        "Title: Les archives\nSlug: archives\nLang: fr\nDate: 2026-01-13\n\nLes archives.\n"
    ),
    "pelican/alone.md": "Title: Alone\nDate: 2026-01-14\n\nNo translation.\n",
}


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.hreflang: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            self.hreflang[str(found["hreflang"])] = str(found["href"])


def alternates(html: str) -> tuple[str, dict[str, str]]:
    """The page's `<html lang>` and its hreflang links (language → absolute URL)."""
    parser = _Alternates()
    parser.feed(html)
    return parser.lang, parser.hreflang


def card_links(html: str) -> set[str]:
    return set(re.findall(r'<h2[^>]*>\s*<a href="(/articles/[^"]+)"', html))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_files(tmp_path_factory.mktemp("translations"), FILES)


def test_given_a_mixed_folder_then_the_french_page_is_french_and_the_english_names_it(
    site: BuiltSite,
):
    english, french = site.page("/articles/x/"), site.page("/articles/x-fr/")
    assert english is not None and french is not None
    assert alternates(french) == (
        "fr",
        {
            "en": f"{SITE_URL}/articles/x/",
            "fr": f"{SITE_URL}/articles/x-fr/",
            "x-default": f"{SITE_URL}/articles/x/",
        },
    )
    assert alternates(english) == ("en", alternates(french)[1])
    assert ">Français</a>" in english and ">English</a>" in french


def test_given_a_pelican_pair_with_one_slug_then_no_clash_and_they_name_each_other(
    site: BuiltSite,
):
    english, french = site.page("/articles/archives/"), site.page("/articles/archives-fr/")
    assert english is not None and french is not None
    assert alternates(english)[1]["fr"] == f"{SITE_URL}/articles/archives-fr/"
    assert alternates(french)[1]["en"] == f"{SITE_URL}/articles/archives/"
    lonely = site.page("/articles/alone/")
    assert lonely is not None and alternates(lonely)[1] == {} and "Also in" not in lonely


def test_given_hreflang_links_then_each_leads_to_a_page_of_the_site(site: BuiltSite):
    for path in site.article_paths():
        html = site.page(path)
        assert html is not None
        for url in alternates(html)[1].values():
            assert url.startswith(SITE_URL)
            assert site.page(url.removeprefix(SITE_URL)) is not None, (path, url)


def test_given_french_articles_then_fr_lists_them_alone_and_home_the_english(site: BuiltSite):
    home, french = site.page("/"), site.page("/fr/")
    assert home is not None and french is not None
    assert card_links(home) == {"/articles/x/", "/articles/archives/", "/articles/alone/"}
    assert card_links(french) == {"/articles/x-fr/", "/articles/archives-fr/"}
    assert alternates(french)[0] == "fr"
    feed = feedparser.parse((site.folder / "fr" / "atom.xml").read_bytes())
    assert {entry.link for entry in feed.entries} == {
        f"{SITE_URL}/articles/x-fr/",
        f"{SITE_URL}/articles/archives-fr/",
    }
    assert (site.folder / "fr" / "rss.xml").is_file()
    assert (site.folder / "fr" / "feed.json").is_file()
    # tags keep every language; translation groups have no page anywhere
    tag = site.page("/tags/press/")
    assert tag is not None and card_links(tag) == {"/articles/x/", "/articles/x-fr/"}
    files = [f.relative_to(site.folder).as_posix() for f in site.folder.rglob("*")]
    assert files and not [name for name in files if "translation" in name]


def test_given_translated_pages_when_nu_checks_them_then_no_errors_and_feeds_parse(
    site: BuiltSite, capsys: pytest.CaptureFixture[str]
):
    pages = site.html_pages()
    assert site.folder / "fr" / "index.html" in pages
    assert nu_checker().validate([str(page) for page in pages]) == 0, capsys.readouterr().out
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((site.folder / "fr" / name).read_bytes())
        assert not parsed.bozo and parsed.feed.get("language", "fr") == "fr"


@pytest.fixture
def fresh_site() -> Iterator[Site]:
    with embedded_aws({"SITE_URL": SITE_URL}) as runtime:
        yield Site(runtime, Pipeline(runtime.settings, runtime.stack.client))


def test_given_the_french_first_then_the_english_then_both_pages_name_each_other(
    fresh_site: Site,
):
    # GIVEN the French translation published alone
    fresh_site.upload("x.fr.md", HUGO_FR)
    french = fresh_site.page("/articles/x-fr/")
    assert french is not None and alternates(french)[1] == {}

    # WHEN the English original follows
    fresh_site.upload("x.md", HUGO_EN)

    # THEN the French page (published before) was re-rendered to name it, and vice versa
    english, french = fresh_site.page("/articles/x/"), fresh_site.page("/articles/x-fr/")
    assert english is not None and french is not None
    assert set(alternates(french)[1]) == {"en", "fr", "x-default"}
    assert set(alternates(english)[1]) == {"en", "fr", "x-default"}


def test_given_a_pair_when_the_french_file_is_deleted_then_the_english_page_forgets_it(
    fresh_site: Site,
):
    # GIVEN both translations published
    fresh_site.upload("x.md", HUGO_EN)
    fresh_site.upload("x.fr.md", HUGO_FR)
    english = fresh_site.page("/articles/x/")
    assert english is not None and "hreflang" in english

    # WHEN the French file is deleted
    fresh_site.delete("x.fr.md")

    # THEN the English page no longer names it (re-rendered through the rebuild queue), and
    # the French listing and its feeds are gone with its last article
    english = fresh_site.page("/articles/x/")
    assert english is not None
    assert "hreflang" not in english and "/articles/x-fr/" not in english
    assert fresh_site.page("/articles/x-fr/") is None
    assert fresh_site.page("/fr/") is None and fresh_site.page("/fr/atom.xml") is None


def test_given_a_pair_when_the_french_joins_another_group_then_the_english_page_drops_it(
    fresh_site: Site,
):
    fresh_site.upload("x.md", HUGO_EN)
    fresh_site.upload("x.fr.md", HUGO_FR)
    # WHEN the French one moves to another group (translationKey), its card unchanged
    fresh_site.upload("x.fr.md", HUGO_FR.replace("tags:", "translationKey: other\ntags:"))
    # THEN the English page no longer names it as a translation (only as a related article)
    english = fresh_site.page("/articles/x/")
    assert english is not None and alternates(english)[1] == {} and "Also in" not in english
    assert "Related articles" in english and '<a href="/articles/x-fr/">' in english
