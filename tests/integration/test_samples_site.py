"""The README's main command: the bundled samples build into a complete, linked site, with the
sample photos (`tools/sample_photos.py`) published as responsive images."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from pressroom.cli import main
from pressroom.model import Source
from pressroom.readers import SUPPORTED_EXTENSIONS, read_article
from pressroom.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
PHOTOS = SAMPLES / "images"
SITE_URL = "http://127.0.0.1:8000"


def sample_articles() -> list[Path]:
    return sorted(
        path for path in SAMPLES.iterdir() if path.is_file() and path.suffix in SUPPORTED_EXTENSIONS
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    out = tmp_path_factory.mktemp("samples")
    result = CliRunner().invoke(main, ["build", str(SAMPLES), "--out", str(out)])
    return out, result.output, result.exit_code


def test_given_the_samples_when_built_then_every_article_and_tag_has_a_page_and_home_links_all(
    built: tuple[Path, str, int],
):
    settings = Settings(content_table="-", ingest_bucket="-", site_bucket="-")
    now = datetime.now(UTC)
    read = [
        read_article(
            Source(f"articles/{path.relative_to(SAMPLES).as_posix()}", path.read_bytes(), now),
            settings,
        )
        for path in sample_articles()
    ]
    # an author's profile (`authors/<name>.md`) is no article
    articles = [article for article in read if not article.introduces]
    assert len(articles) >= 6
    tags = {tag.slug for article in articles for tag in article.tags}
    shared = [tag for tag in tags if sum(tag in {t.slug for t in a.tags} for a in articles) > 1]
    assert shared, "the samples share tags"

    site, output, code = built

    assert code == 0, output
    assert "warning" not in output, output
    home = (site / "index.html").read_text()
    for article in articles:
        assert (site / "articles" / article.slug / "index.html").is_file()
    linked_from_home_or_archive = home + "".join(
        page.read_text() for page in (site / "page").glob("*/index.html")
    )
    for article in articles:
        assert f'href="/articles/{article.slug}/"' in linked_from_home_or_archive
    for tag in tags:
        assert (site / "tags" / tag / "index.html").is_file()


def _resolves(site: Path, url: str) -> bool:
    path = unescape(url).removeprefix(SITE_URL).split("#")[0]
    return (site / path.lstrip("/")).is_file()


def test_given_the_sample_photos_then_each_is_a_small_jpeg_without_metadata():
    photos = sorted(PHOTOS.glob("*.jpg"))
    assert len(photos) >= 5
    for photo in photos:
        assert photo.stat().st_size <= 300_000, photo
        with Image.open(photo) as image:
            assert image.format == "JPEG" and image.size == (1800, 1200), photo
            assert not image.getexif() and "icc_profile" not in image.info, photo


def test_given_the_built_samples_then_every_image_resolves_is_sized_and_only_the_lead_is_eager(
    built: tuple[Path, str, int],
):
    site, _, _ = built
    pages = {p.relative_to(site).as_posix(): p.read_text() for p in site.rglob("*.html")}
    covers = 0
    for name, html in pages.items():
        for img in re.findall(r"<img\b[^>]*>", html):
            [src] = re.findall(r'\bsrc="([^"]+)"', img)
            assert _resolves(site, src), (name, img)
            assert re.search(r'\bwidth="\d+"', img) and re.search(r'\bheight="\d+"', img), img
            for srcset in re.findall(r'\bsrcset="([^"]+)"', img):
                assert all(_resolves(site, c.split()[0]) for c in srcset.split(",")), img
        for url in re.findall(r'<meta property="og:image" content="([^"]+)"', html):
            assert _resolves(site, url), (name, url)
            covers += 1
    assert covers >= 5, "the samples' covers give their pages an og:image"

    # The home page leads with its newest story's cover: fetched first, never lazily; the
    # other cards' thumbnails wait until they are near the viewport.
    home_images = re.findall(r"<img\b[^>]*>", pages["index.html"])
    eager = [img for img in home_images if 'loading="lazy"' not in img]
    assert len(eager) == 1 and 'fetchpriority="high"' in eager[0]
    assert 'class="card lead"' in pages["index.html"]
    assert len(home_images) >= 4

    body = pages["articles/how-we-fact-check/index.html"].split('<div class="body">')[1]
    assert "<figcaption>Every claim is checked on paper before the story runs.</figcaption>" in body


def test_given_the_built_samples_then_no_published_image_keeps_metadata(
    built: tuple[Path, str, int],
):
    site, _, _ = built
    published = [p for p in (site / "media").rglob("*") if p.suffix in (".jpg", ".webp")]
    assert len(published) >= 5 * 7  # three widths in two formats and an og:image, per photo
    for path in published:
        with Image.open(BytesIO(path.read_bytes())) as image:
            assert not image.getexif(), path
