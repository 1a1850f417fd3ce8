"""The demo's sample articles (`samples/articles/`) all publish, in a mix of formats, with
overlapping tags and distinct dates — so the demo site has tag pages worth clicking."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pressroom.model import Article
from tests.unit.readers.support import SAMPLE_ARTICLES, read_path


def sample_paths() -> list[Path]:
    return sorted(path for path in SAMPLE_ARTICLES.iterdir() if path.is_file())


@pytest.fixture(scope="module")
def samples() -> dict[str, Article]:
    """WHEN every sample file is read as the demo uploads it."""
    return {path.name: read_path(path, SAMPLE_ARTICLES) for path in sample_paths()}


def test_given_the_samples_then_there_are_enough_in_every_format() -> None:
    names = [path.name for path in sample_paths()]

    assert len(names) >= 8
    assert sum(name.endswith(".md") for name in names) >= 5
    assert any(name.endswith(".txt") for name in names)
    assert any(name.endswith(".html") for name in names)
    assert any(name[:11].count("-") == 3 and name[:4].isdigit() for name in names)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sample_paths()}
    assert any(text.startswith("+++") for text in texts.values()), "a Hugo TOML sample"
    assert any(text.startswith("Title:") for text in texts.values()), "a Pelican sample"


def test_given_the_samples_when_read_then_all_publish_on_distinct_dates(
    samples: dict[str, Article],
) -> None:
    """THEN no sample is a draft or unlisted (the demo would hide it), every one has its
    own date from the file (not the upload time), spread over several months of 2026."""
    assert {article.status for article in samples.values()} == {"published"}
    dates = [article.published for article in samples.values()]
    assert len(set(dates)) == len(dates)
    assert all(article.date_source != "upload" for article in samples.values())
    assert {moment.year for moment in dates} == {2026}
    assert len({moment.month for moment in dates}) >= 3
    assert len({article.slug for article in samples.values()}) == len(samples)


def test_given_the_samples_when_read_then_tags_overlap(samples: dict[str, Article]) -> None:
    """THEN several tags are shared, and every sample shares a tag with another sample."""
    counts = Counter(tag.slug for article in samples.values() for tag in article.tags)
    shared = {slug for slug, count in counts.items() if count >= 2}

    assert len(shared) >= 4
    for name, article in samples.items():
        assert {tag.slug for tag in article.tags} & shared, name


def test_given_the_samples_when_read_then_rich_markup_is_shown(
    samples: dict[str, Article],
) -> None:
    """THEN the demo shows a table, a fenced code block and a footnote, and the plain-text
    sample has sub-headings, tags and related stories without teasers."""
    bodies = "".join(article.body_html for article in samples.values())
    assert "<table>" in bodies
    assert '<code class="language-python">' in bodies
    assert 'class="footnotes"' in bodies

    flood = samples["2026-02-11-mill-river-flood-recovery.txt"]
    assert flood.title == "Mill River flood recovery begins"
    assert flood.body_html.count("<h2>") == 3
    assert [tag.name for tag in flood.tags] == ["community", "weather", "local news"]
    assert len(flood.related_stories) == 3
    assert "cold pizza" not in repr(flood)
