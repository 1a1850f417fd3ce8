"""DESIGN invariant 3: one publish writes as many objects whatever the site's size.

Both sites go through the real pipeline (uploads, ingest, stream, listing renders) on the
embedded backend. The large site is the small one plus 900 articles from earlier years, so a
back-dated article lands among the same neighbours in both: the objects it rewrites may depend on
its neighbourhood (the archive period it joins), never on how many articles the site has."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pressroom.adapters.buckets import SiteBucket
from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from tests.support import Site

TAGS = ("Politics", "Economy", "Science", "Culture", "Sport")
AUTHORS = ("Ada Byline", "Ben Copy", "Cleo Desk")
BACK_DATED = (
    "---\ntitle: The one more\ndate: 2025-05-15\ntags: [Science, Culture]\n"
    "author: Ada Byline\n---\n\nA back-dated article on a big site.\n"
)
SMALL, LARGE = 100, 1_000


def article(number: int) -> str:
    """Article `number` of a generated site: two neighbouring tags, one author; the first
    hundred over ten months of 2025, the rest over 2022-2024."""
    tags = f"{TAGS[number % 5]}, {TAGS[(number + 1) % 5]}"
    if number < SMALL:
        date = f"2025-{number % 10 + 1:02d}-{number // 10 % 28 + 1:02d}"
    else:
        date = f"{2022 + number % 3}-{number % 12 + 1:02d}-{number // 36 % 28 + 1:02d}"
    return (
        f"---\ntitle: Story number {number}\ndate: {date}\ntags: [{tags}]\n"
        f"author: {AUTHORS[number % 3]}\n---\n\nParagraph of story {number}.\n"
    )


def writes_for_one_publish(size: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Build a site of `size` articles, then publish one more: the keys written for it."""
    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        site = Site(runtime, Pipeline(runtime.settings, runtime.stack.client))
        for number in range(size):
            site.upload(f"story-{number}.md", article(number), drain=False)
        runtime.drain()
        assert sum(1 for key in site.object_keys() if key.startswith("articles/")) == size

        written: list[str] = []
        monkeypatch.setattr(SiteBucket, "put", _recording(SiteBucket.put, written))
        site.upload("the-one-more.md", BACK_DATED)
        monkeypatch.undo()
    return sorted(written)


def _recording(put: Callable[..., None], written: list[str]) -> Callable[..., None]:
    def recording_put(self: SiteBucket, key: str, *args: object) -> None:
        written.append(key)
        put(self, key, *args)

    return recording_put


@pytest.mark.slow  # building 1,100 articles through the pipeline on moto: minutes of CPU
def test_given_sites_of_100_and_1000_articles_when_a_back_dated_one_publishes_then_writes_match(
    monkeypatch: pytest.MonkeyPatch,
):
    # GIVEN a site of 100 articles, and one of 1,000 (the same plus 900 older ones)
    started = time.monotonic()
    small = writes_for_one_publish(SMALL, monkeypatch)
    large = writes_for_one_publish(LARGE, monkeypatch)
    elapsed = time.monotonic() - started

    # WHEN an article dated in May 2025 (months before the newest) is published into each,
    # THEN it writes the same objects in both: its page, its month's sitemap shard and, in each
    # of its listings, the root (for the count) and the archive pages of May
    assert small == large, (small, large)
    articles = [key for key in large if key.startswith("articles/")]
    assert articles == ["articles/the-one-more/"], "no other article page is rewritten"
    assert "sitemaps/2025-05.xml" in large and "2025/05/" in large
    assert len(large) <= 20
    print(f"100 + 1,000 articles built, one publish each, in {elapsed:.0f}s; writes: {large}")
