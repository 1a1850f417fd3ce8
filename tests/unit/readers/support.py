"""Helpers for the reader tests: pure values, no AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pressroom.model import Article, Source
from pressroom.readers import read_article
from pressroom.settings import Settings

REPO = Path(__file__).resolve().parents[3]
SHARED_SAMPLES = REPO / ".." / "shared" / "samples"
CONVENTIONS = REPO / "tests" / "fixtures" / "conventions"
SAMPLE_ARTICLES = REPO / "samples" / "articles"
UPLOADED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def make_settings(max_source_bytes: int = 2 * 1024 * 1024) -> Settings:
    return Settings(
        content_table="content",
        ingest_bucket="ingest",
        site_bucket="site",
        max_source_bytes=max_source_bytes,
    )


def make_source(key: str, body: str | bytes, uploaded: datetime = UPLOADED) -> Source:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Source(key=key, body=data, uploaded=uploaded)


def read(key: str, body: str | bytes, *, max_source_bytes: int = 2 * 1024 * 1024) -> Article:
    """WHEN the pipeline reads `key` holding `body`, uploaded at UPLOADED."""
    return read_article(make_source(key, body), make_settings(max_source_bytes))


def read_path(path: Path, root: Path) -> Article:
    """WHEN the pipeline reads a file from disk, uploaded as `articles/<path relative to root>`
    (so a Hugo page bundle `x/index.md` keeps its folder in the key)."""
    return read(f"articles/{path.relative_to(root).as_posix()}", path.read_bytes())
