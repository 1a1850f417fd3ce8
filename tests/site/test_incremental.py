"""DESIGN invariant 3: one publish writes the same number of objects whatever the site's size.

Both sites go through the real pipeline (uploads, ingest, stream, listing renders) on the
embedded backend. The sizes are chosen so the new article lands in the same slot of every
listing it joins (the home listing and each of its tags open a new archive page, its author's
fills one), so the two publishes must touch exactly the same kinds of objects."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from pressroom.adapters.buckets import SiteBucket
from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings
from tests.support import Site

TAGS = ("Politics", "Economy", "Science", "Culture", "Sport")
AUTHORS = ("Ada Byline", "Ben Copy", "Cleo Desk")
NEW_ARTICLE = (
    "---\ntitle: The one more\ndate: 2025-10-30\ntags: [Science, Culture]\n"
    "author: Ada Byline\n---\n\nA new article on a big site.\n"
)


def article(number: int) -> str:
    """Article `number` of a generated site: two neighbouring tags, one author, ten months."""
    tags = f"{TAGS[number % 5]}, {TAGS[(number + 1) % 5]}"
    date = f"2025-{number % 10 + 1:02d}-{number // 10 % 28 + 1:02d}"
    return (
        f"---\ntitle: Story number {number}\ndate: {date}\ntags: [{tags}]\n"
        f"author: {AUTHORS[number % 3]}\n---\n\nParagraph of story {number}.\n"
    )


def writes_for_one_publish(size: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Build a site of `size` articles, then publish one more: the keys written for it."""
    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        site = Site(runtime, Pipeline(Settings.from_env(), runtime.stack.client))
        for number in range(size):
            site.upload(f"story-{number}.md", article(number), drain=False)
        runtime.drain()
        assert sum(1 for key in site.object_keys() if key.startswith("articles/")) == size

        written: list[str] = []
        monkeypatch.setattr(SiteBucket, "put", _recording(SiteBucket.put, written))
        site.upload("the-one-more.md", NEW_ARTICLE)
        monkeypatch.undo()
    return sorted(written)


def _recording(put: Callable[..., None], written: list[str]) -> Callable[..., None]:
    def recording_put(self: SiteBucket, key: str, *args: object) -> None:
        written.append(key)
        put(self, key, *args)

    return recording_put


def shape(keys: list[str]) -> list[str]:
    """Keys with archive page numbers blanked: `page/6/` and `page/51/` are the same object
    (the newest archive page) in a site of 50 and of 500."""
    return sorted(re.sub(r"(^|/)page/\d+/", r"\1page/N/", key) for key in keys)


@pytest.mark.slow  # building 550 articles through the pipeline on moto: minutes of CPU
def test_given_sites_of_50_and_500_articles_when_one_more_publishes_then_writes_are_as_many(
    monkeypatch: pytest.MonkeyPatch,
):
    started = time.monotonic()
    small = writes_for_one_publish(50, monkeypatch)
    large = writes_for_one_publish(500, monkeypatch)
    elapsed = time.monotonic() - started

    assert len(small) == len(large), (small, large)
    assert shape(small) == shape(large)
    articles = [key for key in large if key.startswith("articles/")]
    assert articles == ["articles/the-one-more/"], "no other article page is rewritten"
    # The new archive page opened, the one before it gains a link: two per paginated listing.
    assert "page/51/" in large and "page/50/" in large
    print(f"50 + 500 articles built, one publish each, in {elapsed:.0f}s; writes: {large}")
