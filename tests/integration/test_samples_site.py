"""The README's main command: the bundled samples build into a complete, linked site."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from pressroom.cli import main
from pressroom.model import Source
from pressroom.readers import read_article
from pressroom.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"


def test_given_the_samples_when_built_then_every_article_and_tag_has_a_page_and_home_links_all(
    tmp_path: Path,
):
    settings = Settings(content_table="-", ingest_bucket="-", site_bucket="-")
    now = datetime.now(UTC)
    read = [
        read_article(
            Source(f"articles/{path.relative_to(SAMPLES).as_posix()}", path.read_bytes(), now),
            settings,
        )
        for path in sorted(SAMPLES.rglob("*"))
        if path.suffix in (".md", ".markdown", ".txt", ".html")
    ]
    # an author's profile (`authors/<name>.md`) is no article
    articles = [article for article in read if not article.introduces]
    assert len(articles) >= 6
    tags = {tag.slug for article in articles for tag in article.tags}
    shared = [tag for tag in tags if sum(tag in {t.slug for t in a.tags} for a in articles) > 1]
    assert shared, "the samples share tags"

    result = CliRunner().invoke(main, ["build", str(SAMPLES), "--out", str(tmp_path)])

    assert result.exit_code == 0, result.output
    home = (tmp_path / "index.html").read_text()
    for article in articles:
        assert (tmp_path / "articles" / article.slug / "index.html").is_file()
    linked_from_home_or_archive = home + "".join(
        page.read_text() for page in (tmp_path / "page").glob("*/index.html")
    )
    for article in articles:
        assert f'href="/articles/{article.slug}/"' in linked_from_home_or_archive
    for tag in tags:
        assert (tmp_path / "tags" / tag / "index.html").is_file()
