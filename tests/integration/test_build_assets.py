"""`pressroom build` of a folder as editors keep one, with images, documents and broken files
(issue 17's acceptance): every image and asset link resolves, photos lose their metadata, SVG
loses its script, and the bomb and the missing image are named."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from pressroom.cli import main
from tests.site.support import nu_checker
from tests.unit.media.generated import camera_jpeg, encode, photo, png_header

SITE_URL = "https://news.example"
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" onload="alert(1)">'
    b'<script>alert("x")</script><rect width="40" height="20" fill="teal"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    root = tmp_path_factory.mktemp("assets")
    src = root / "src"
    write(
        src,
        {
            # A Hugo page bundle: its cover by convention, a GPS-tagged photo, a missing image.
            "harbour/index.md": (
                "---\ntitle: Harbour at dawn\ntags: [harbour]\n---\n"
                '![Boats at the quay](quay.jpg "The quay at six")\n\n'
                "More text.\n\n![A picture that was never uploaded](missing.jpg)\n"
            ),
            "harbour/cover.jpg": encode(photo(1600, 900), "JPEG"),
            "harbour/quay.jpg": camera_jpeg(2400, 1600, orientation=1),
            # Jekyll: a site-level assets/img folder, a cover in front matter (with its alt text,
            # as jekyll-seo-tag reads it), further images (Hugo's `images`), a PDF link.
            "_posts/2024-03-01-budget.md": (
                "---\ntitle: The budget\ntags: [harbour]\n"
                "image: {path: /assets/img/chart.png, alt: Spending by department in 2024}\n"
                "images: [/assets/img/chart.png, /assets/img/extra.jpg, /assets/img/nowhere.jpg]\n"
                "---\n"
                "See [the full report](/assets/docs/report.pdf) and the drawing:\n\n"
                "![A drawing](/assets/img/drawing.svg)\n"
            ),
            "assets/img/chart.png": encode(photo(1400, 800), "PNG"),
            "assets/img/extra.jpg": encode(photo(1000, 600), "JPEG"),
            "assets/img/drawing.svg": SVG_WITH_SCRIPT,
            "assets/docs/report.pdf": PDF,
            "assets/img/bomb.png": png_header(10_000, 10_000),
        },
    )
    out = root / "site"
    result = CliRunner().invoke(
        main, ["build", str(src), "--out", str(out), "--site-url", SITE_URL]
    )
    return out, result.exit_code, result.output


def _pages(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): path.read_text() for path in site.rglob("*.html")}


def _resolves(site: Path, url: str) -> bool:
    path = unescape(url).removeprefix(SITE_URL).split("#")[0]
    return (site / path.lstrip("/")).is_file()


def test_given_the_folder_then_the_bomb_and_the_missing_image_are_named_and_the_rest_publishes(
    built,
):
    site, code, output = built
    assert code == 1, output  # something was rejected
    assert "assets/img/bomb.png" in output and "decompression bomb" in output
    assert "warning: articles/harbour/index.md: The image `missing.jpg`" in output
    assert "rejected: articles/harbour/index.md" not in output  # it published, with a warning
    assert "2 article(s), 1 rejected" in output
    pages = _pages(site)
    assert "articles/harbour/index.html" in pages
    assert "articles/budget/index.html" in pages


def test_given_the_pages_then_every_image_source_and_asset_link_resolves(built):
    site, _, _ = built
    checked = 0
    for name, html in _pages(site).items():
        for url in re.findall(r'<(?:img|source)\b[^>]*?\bsrc="([^"]+)"', html):
            assert _resolves(site, url), (name, url)
            checked += 1
        for srcset in re.findall(r'\bsrcset="([^"]+)"', html):
            for candidate in srcset.split(","):
                assert _resolves(site, candidate.split()[0]), (name, candidate)
                checked += 1
        for url in re.findall(r'href="(/media/[^"]+)"', html):
            assert _resolves(site, url), (name, url)
            checked += 1
        for url in re.findall(r'<meta property="og:image" content="([^"]+)"', html):
            assert url.startswith(SITE_URL) and _resolves(site, url), (name, url)
            checked += 1
        assert "missing.jpg" not in html
    assert checked > 20


def test_given_a_large_photo_then_its_img_has_srcset_width_height_and_a_caption(built):
    site, _, _ = built
    page = (site / "articles/harbour/index.html").read_text()
    body = page.split('<div class="body">')[1]
    [img] = re.findall(r'<img\b[^>]*alt="Boats at the quay"[^>]*>', body)
    assert 'srcset="' in img and 'width="1600"' in img and 'height="1067"' in img
    assert "<figcaption>The quay at six</figcaption>" in body
    assert 'twitter:card" content="summary_large_image"' in page
    assert '<figure class="hero">' in page  # the bundle's cover.jpg


def test_given_the_published_images_then_none_carries_exif_and_no_svg_carries_script(built):
    site, _, _ = built
    images = [p for p in (site / "media").rglob("*") if p.suffix in (".jpg", ".webp", ".png")]
    assert len(images) >= 14
    for path in images:
        with Image.open(BytesIO(path.read_bytes())) as image:
            assert not image.getexif(), path
    [svg] = list((site / "media").rglob("*.svg"))
    assert b"script" not in svg.read_bytes() and b"onload" not in svg.read_bytes()


def test_given_covers_then_cards_and_feeds_show_a_thumbnail(built):
    site, _, _ = built
    home = (site / "index.html").read_text()
    # The newest leads the home page with its cover large; the other card has a thumbnail.
    [lead] = re.findall(r'class="lead-image"[^>]*><img src="([^"]+)"', home)
    thumbs = re.findall(r'class="card-thumb"[^>]*><img src="([^"]+)"', home)
    assert len(thumbs) == 1 and all(_resolves(site, url) for url in [lead, *thumbs])
    feed = (site / "feed.json").read_text()
    assert feed.count(f'"image": "{SITE_URL}/media/') == 2


def test_given_images_figures_and_heroes_then_every_page_is_valid_html_and_feeds_parse(
    built, capsys: pytest.CaptureFixture[str]
):
    import feedparser

    site, _, _ = built
    pages = sorted(str(path) for path in site.rglob("*.html"))
    assert nu_checker().validate(pages) == 0, capsys.readouterr().out
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert all("/articles/" in entry.link for entry in parsed.entries)
        enclosures = [e for entry in parsed.entries for e in entry.get("enclosures", [])]
        # THEN each article with a cover carries its thumbnail, a published file of that size
        assert len(enclosures) == 2, name
        for enclosure in enclosures:
            assert enclosure.href.startswith(SITE_URL + "/media/") and _resolves(
                site, enclosure.href
            )
            path = site / enclosure.href.removeprefix(SITE_URL + "/")
            assert int(enclosure.length) == path.stat().st_size > 0
            assert enclosure.type == {"jpg": "image/jpeg", "png": "image/png"}[path.suffix[1:]]


def test_given_front_matter_images_then_the_further_ones_are_og_images_and_missing_reported(
    built,
):
    # GIVEN a post whose `images` list names its cover, another upload and a missing file
    site, _, output = built
    page = (site / "articles/budget/index.html").read_text()

    # THEN the cover and the other upload are its og:images (each resolving), the cover first,
    # and the missing one is reported to the editor
    og = re.findall(r'<meta property="og:image" content="([^"]+)"', page)
    assert len(og) == 2 and all(_resolves(site, url) for url in og)
    assert "/chart-og." in og[0] and "/extra-og." in og[1]
    assert "`/assets/img/nowhere.jpg` of `images`" in output
    structured = re.search(r'"image": \[([^\]]*)\]', page)
    assert structured is not None and structured[1].count(SITE_URL) == 2


def test_given_a_cover_with_alt_text_then_the_hero_and_og_image_alt_say_it(built):
    site, _, _ = built
    budget = (site / "articles/budget/index.html").read_text()
    hero = budget.split('<figure class="hero">')[1].split("</figure>")[0]
    assert 'alt="Spending by department in 2024"' in hero
    assert '<meta property="og:image:alt" content="Spending by department in 2024">' in budget
    # A cover without alt text: the hero is decorative, the link preview falls back to the title
    harbour = (site / "articles/harbour/index.html").read_text()
    assert 'alt=""' in harbour.split('<figure class="hero">')[1].split("</figure>")[0]
    assert '<meta property="og:image:alt" content="Harbour at dawn">' in harbour
