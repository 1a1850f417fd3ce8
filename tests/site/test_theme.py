"""The default theme as readers and their tools see it, and an operator's override of it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from pressroom.model import Article, Tag
from pressroom.publishing.catalog import Card, ListingId
from pressroom.render import ListingPage, Renderer
from pressroom.settings import Settings
from tests.site.support import BuiltSite, build

SETTINGS = Settings(
    content_table="t",
    ingest_bucket="i",
    site_bucket="s",
    site_url="https://news.example",
    site_title="The Ledger",
)
PUBLISHED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def make_article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "source_key": "articles/tea.md",
        "slug": "tea-in-orbit",
        "title": "Tea in orbit",
        "body_html": "<p>Brewing at zero g.</p><h2>Kettles</h2><p>They float.</p>",
        "summary": "How astronauts make tea.",
        "published": PUBLISHED,
        "modified": datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        "tags": (Tag.of("Space"), Tag.of("Tea")),
        "authors": ("Ada Byline",),
        "language": "en-GB",
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def structured_data(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def meta_content(html: str, attribute: str, name: str) -> list[str]:
    return re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)


def test_given_an_article_when_rendered_then_it_carries_canonical_social_and_structured_metadata():
    html = Renderer(SETTINGS).article_page(make_article(), related=[])

    url = "https://news.example/articles/tea-in-orbit/"
    assert '<html lang="en-GB">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta_content(html, "name", "description") == ["How astronauts make tea."]
    assert meta_content(html, "property", "og:type") == ["article"]
    assert meta_content(html, "property", "og:url") == [url]
    assert meta_content(html, "property", "og:title") == ["Tea in orbit"]
    assert meta_content(html, "name", "twitter:card") == ["summary"]
    assert meta_content(html, "property", "article:published_time") == [PUBLISHED.isoformat()]
    assert meta_content(html, "property", "article:modified_time") == ["2026-03-02T12:00:00+00:00"]
    assert meta_content(html, "property", "article:tag") == ["Space", "Tea"]
    assert (
        'type="application/atom+xml" title="The Ledger (Atom)" href="https://news.example/atom.xml"'
        in html
    )

    article, trail = structured_data(html)
    assert article["@type"] == "Article" and article["headline"] == "Tea in orbit"
    assert article["datePublished"] == PUBLISHED.isoformat()
    assert article["author"] == [
        {"@type": "Person", "name": "Ada Byline", "url": "https://news.example/authors/ada-byline/"}
    ]
    assert article["mainEntityOfPage"]["@id"] == url
    assert [item["item"] for item in trail["itemListElement"]] == [
        "https://news.example/",
        "https://news.example/tags/space/",
        url,
    ]


def test_given_a_title_that_closes_the_script_when_rendered_then_it_stays_data():
    hostile = 'Tea </script><script>alert("x")</script> & more'

    html = Renderer(SETTINGS).article_page(make_article(title=hostile), related=[])

    assert html.count("<script") == 2, "only the two JSON-LD data blocks"
    assert structured_data(html)[0]["headline"] == hostile
    assert "<title>Tea &lt;/script&gt;" in html


def test_given_a_long_summary_then_the_description_is_cut_at_a_word_with_an_ellipsis():
    summary = "word " * 100

    html = Renderer(SETTINGS).article_page(make_article(summary=summary), related=[])

    [description] = meta_content(html, "name", "description")
    assert len(description) <= 200 and description.endswith("word…")


def test_given_an_archive_page_then_it_links_its_neighbours_and_its_feeds():
    card = Card(slug="a", title="A", summary="", published=PUBLISHED, tags=(Tag.of("Space"),))
    page = ListingPage(
        listing=ListingId("tag", "space"),
        title="Space",
        path="/tags/space/2025/03/page/2/",
        cards=[card],
        period="2025-03",
        number=2,
        newer_path="/tags/space/2025/04/",
        older_path="/tags/space/2025/03/",
    )

    html = Renderer(SETTINGS).listing_page(page)

    assert '<link rel="prev" href="https://news.example/tags/space/2025/04/">' in html
    assert '<link rel="next" href="https://news.example/tags/space/2025/03/">' in html
    assert '<link rel="canonical" href="https://news.example/tags/space/2025/03/page/2/">' in html
    assert 'href="https://news.example/tags/space/rss.xml"' in html
    assert "<title>Space · March 2025 · page 2 · The Ledger</title>" in html
    assert "<small>March 2025 · page 2</small>" in html
    assert "listing-intro" not in html, "an archive page shows no totals (they would go stale)"


def test_given_an_operator_template_folder_then_its_templates_win_and_the_rest_stay_default(
    tmp_path: Path,
):
    (tmp_path / "_card.html").write_text('<article class="house-card">{{ card.title }}</article>\n')
    card = Card(slug="a", title="House style", summary="", published=PUBLISHED)
    page = ListingPage(ListingId("home"), "The Ledger", "/", [card], count=1)

    default = Renderer(SETTINGS).listing_page(page)
    themed = Renderer(
        Settings(**{**SETTINGS.__dict__, "templates_dir": str(tmp_path)})
    ).listing_page(page)

    assert '<article class="house-card">House style</article>' in themed
    assert "house-card" not in default
    assert '<a class="skip-link" href="#content">' in themed, "base.html still comes from us"


def test_given_templates_dir_in_the_environment_when_built_then_every_page_uses_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    theme = tmp_path / "theme"
    theme.mkdir()
    default_base = (
        Path(__file__).resolve().parents[2]
        / "layers/pressroom/pressroom/render/templates/base.html"
    ).read_text()
    (theme / "base.html").write_text(
        default_base.replace("published with Pressroom.", "printed on the house press.")
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.md").write_text("---\ntitle: One\ndate: 2026-03-01\ntags: [a]\n---\nBody.\n")
    monkeypatch.setenv("TEMPLATES_DIR", str(theme))

    site = build(src, tmp_path / "out", {})

    pages = site.html_pages()
    assert pages and all("printed on the house press." in page.read_text() for page in pages)


# -- the built samples: structure that screen readers and the CSP rely on -------------------------


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.landmarks: list[str] = []
        self.inline_styles = 0
        self.scripts: list[tuple[str, str]] = []  # (type, src)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("main", "header", "footer", "nav"):
            self.landmarks.append(tag)
        if tag == "style" or any(name == "style" for name, _ in attrs):
            self.inline_styles += 1
        if tag == "script":
            found = dict(attrs)
            self.scripts.append((found.get("type") or "", found.get("src") or ""))


def test_given_the_built_samples_then_pages_have_landmarks_ordered_headings_and_nothing_inline(
    built_site: BuiltSite,
):
    for page in built_site.html_pages():
        outline = _Outline()
        outline.feed(page.read_text("utf-8"))
        name = page.relative_to(built_site.folder)
        assert outline.headings.count(1) == 1, f"{name}: one h1"
        assert outline.headings[0] == 1, f"{name}: the h1 comes first"
        skips = [(a, b) for a, b in pairwise(outline.headings) if b > a + 1]
        assert skips == [], f"{name}: heading levels skipped {skips}"
        assert outline.landmarks.count("main") == 1, f"{name}: one main landmark"
        assert {"header", "nav", "footer"} <= set(outline.landmarks), name
        assert outline.inline_styles == 0, f"{name}: inline styles break the CSP"
        # Only JSON-LD data, and the search page's own script (from the site, not inline).
        scripts = {kind for kind, src in outline.scripts if kind == "application/ld+json"}
        if name.as_posix() == "search/index.html":
            [(kind, src)] = [s for s in outline.scripts if s[0] != "application/ld+json"]
            assert kind == "module" and re.fullmatch(r"/assets/search\.[0-9a-f]{12}\.js", src)
        else:
            assert {kind for kind, _ in outline.scripts} == scripts, f"{name}: only JSON-LD"


def _card(slug: str, **changes: object) -> Card:
    fields: dict[str, object] = {
        "slug": slug,
        "title": slug.title(),
        "summary": f"About {slug}.",
        "published": PUBLISHED,
        "authors": ("Maya Okafor", "Daniel Reyes"),
        "thumbnail": f"/media/x/{slug}-480.abc.jpg",
        "image_srcset": f"/media/x/{slug}-480.abc.jpg 480w, /media/x/{slug}-960.abc.jpg 960w",
        "image_width": 1600,
        "image_height": 1067,
    }
    fields.update(changes)
    return Card(**fields)  # type: ignore[arg-type]


def test_given_an_article_without_its_own_summary_then_no_standfirst_repeats_the_first_paragraph():
    renderer = Renderer(SETTINGS)
    # The summary a reader derives from the first paragraph is for cards and descriptions only.
    derived = renderer.article_page(make_article(summary="Brewing at zero g."), [])
    given = renderer.article_page(make_article(summary_given=True), [])

    assert 'class="standfirst"' not in derived
    assert '<p class="standfirst">How astronauts make tea.</p>' in given


def test_given_several_authors_then_cards_and_articles_separate_them_with_a_comma_and_no_space():
    renderer = Renderer(SETTINGS)
    page = ListingPage(ListingId("tag", "x"), "X", "/tags/x/", [_card("a")])

    card = renderer.listing_page(page)
    article = renderer.article_page(make_article(authors=("Maya Okafor", "Daniel Reyes")), [])

    for html in (card, article):
        text = re.sub(r"<[^>]+>", "", html)
        assert "Maya Okafor, Daniel Reyes" in " ".join(text.split())
        assert " ," not in " ".join(text.split())


def test_given_related_stories_then_those_on_the_site_link_and_the_others_stay_text():
    article = make_article(related_stories=("On the site", "Not yet"))
    renderer = Renderer(SETTINGS)

    linked = renderer.article_page(
        article, [], stories=[("On the site", "/articles/a/"), ("Not yet", "")]
    )
    offline = renderer.article_page(article, [])  # `pressroom preview`: nothing looked up

    assert '<li><a href="/articles/a/">On the site</a></li>' in linked
    assert "<li>Not yet</li>" in linked
    assert "<li>On the site</li>" in offline and "<li>Not yet</li>" in offline


def test_given_the_home_page_then_only_its_newest_card_leads_with_its_cover():
    renderer = Renderer(SETTINGS)
    cards = [_card("newest"), _card("older"), _card("oldest", thumbnail="", image_width=0)]
    home = renderer.listing_page(ListingPage(ListingId("home"), "The Ledger", "/", cards))
    archive = renderer.listing_page(
        ListingPage(ListingId("home"), "The Ledger", "/2026/03/", cards, period="2026-03")
    )
    tag = renderer.listing_page(ListingPage(ListingId("tag", "x"), "X", "/tags/x/", cards))

    images = re.findall(r"<img\b[^>]*>", home)
    assert len(images) == 2
    lead, thumb = images
    assert 'src="/media/x/newest-480.abc.jpg"' in lead and 'srcset="/media/x/newest-480' in lead
    assert 'width="1600" height="1067"' in lead and 'fetchpriority="high"' in lead
    assert "loading=" not in lead
    assert 'src="/media/x/older-480.abc.jpg"' in thumb and 'loading="lazy"' in thumb
    assert home.count('class="card lead"') == 1
    for plain in (archive, tag):
        assert "card lead" not in plain and "fetchpriority" not in plain
        assert all('loading="lazy"' in img for img in re.findall(r"<img\b[^>]*>", plain))
