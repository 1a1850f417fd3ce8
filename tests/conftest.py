"""Shared fixtures: an embedded AWS (moto) holding the template's resources, with the real
functions attached to its queues and stream (credentials → mock_aws → resources)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.local.runtime import LocalRuntime
from pressroom.pipeline import Pipeline
from tests.browser import Browser, chromium
from tests.support import Site

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """GIVEN an empty site on the embedded backend, functions attached."""
    with embedded_aws({"SITE_URL": "https://news.example"}) as local:
        yield local


@pytest.fixture
def pipeline(runtime: LocalRuntime) -> Pipeline:
    return Pipeline(runtime.settings, runtime.stack.client)


@pytest.fixture
def site(runtime: LocalRuntime, pipeline: Pipeline) -> Site:
    """Upload, delete and inspect: the editor's and the reader's view of the site."""
    return Site(runtime, pipeline)


@pytest.fixture
def seed_article() -> bytes:
    path = SHARED / "samples" / "seed-article.txt"
    if not path.is_file():
        pytest.skip(f"the shared samples folder is absent ({path}); the seed test needs it")
    return path.read_bytes()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A headless Debian Chromium with console logging on (tests/browser.py), quit afterwards."""
    with chromium() as opened:
        yield opened
