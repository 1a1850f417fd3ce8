"""The site the samples produce, built once per test session (per xdist worker) and served on
loopback the way the CDN serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.support import BuiltSite, build, serve

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "articles"
FALLBACK = REPO / "tests" / "fixtures" / "conventions"
# Small pages, so that the handful of samples also produces archive pages to check.
PAGE_SIZE = "3"


def sample_source() -> Path:
    """The project's sample articles; the reader-convention fixtures while there are none."""
    return SAMPLES if any(SAMPLES.rglob("*.*")) else FALLBACK


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """GIVEN every sample article published through the real functions."""
    out = tmp_path_factory.mktemp("site")
    return build(sample_source(), out, {"PAGE_SIZE": PAGE_SIZE})


@pytest.fixture(scope="session")
def full_feed_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """GIVEN every sample article published with feeds that carry whole articles."""
    out = tmp_path_factory.mktemp("full-feeds")
    return build(sample_source(), out, {"PAGE_SIZE": PAGE_SIZE, "FEED_CONTENT": "full"})


@pytest.fixture(scope="session")
def served_site(built_site: BuiltSite) -> Iterator[str]:
    """The built site on http://127.0.0.1:<free port>, with the CDN's security headers."""
    with serve(built_site.folder) as base:
        yield base
