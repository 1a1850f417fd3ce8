"""What the site writer announces for invalidation: only objects a cache may hold an outdated
copy of and that the cache policy refreshes by invalidation (pure: in-memory bucket and hashes)."""

from __future__ import annotations

from collections.abc import Iterable

from pressroom.publishing.cache_policy import CachePolicy
from pressroom.publishing.site_writer import Output, SiteWriter


class MemoryBucket:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.objects[key] = (body, cache_control)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


class MemoryHashes:
    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}

    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]:
        return {key: self.hashes[key] for key in keys if key in self.hashes}

    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None:
        self.hashes.update(written)
        for key in deleted:
            self.hashes.pop(key, None)


def writer() -> tuple[SiteWriter, MemoryBucket, list[list[str]]]:
    bucket = MemoryBucket()
    announced: list[list[str]] = []
    return SiteWriter(bucket, MemoryHashes(), CachePolicy()), bucket, announced


def apply(
    site: SiteWriter,
    announced: list[list[str]],
    outputs: list[Output],
    deletions: Iterable[str] = (),
) -> list[str]:
    """The paths announced while applying."""
    before = len(announced)
    site.apply(outputs, deletions, announce=announced.append)
    return [path for paths in announced[before:] for path in paths]


PAGES = ["articles/a/", "index.html", "tags/x/", "atom.xml", "sitemap.xml"]


def test_given_pages_never_written_before_then_nothing_is_announced():
    site, bucket, announced = writer()

    assert apply(site, announced, [Output(key, b"v1") for key in PAGES]) == []
    assert set(bucket.objects) == set(PAGES)


def test_given_served_pages_changed_then_only_the_article_page_is_announced():
    site, _bucket, announced = writer()
    apply(site, announced, [Output(key, b"v1") for key in PAGES])

    changed = apply(site, announced, [Output(key, b"v2") for key in PAGES])

    assert changed == ["/articles/a/"], "listings are refreshed by their TTL"


def test_given_identical_bytes_then_nothing_is_written_or_announced():
    site, _bucket, announced = writer()
    apply(site, announced, [Output(key, b"v1") for key in PAGES])

    changes = site.apply([Output(key, b"v1") for key in PAGES], announce=announced.append)

    assert changes.written == [] and changes.stale == [] and changes.unchanged == len(PAGES)


def test_given_a_page_rerendered_for_another_articles_sake_then_it_is_not_announced():
    site, _bucket, announced = writer()
    apply(site, announced, [Output("articles/a/", b"v1")])

    changed = apply(site, announced, [Output("articles/a/", b"v2", invalidate=False)])

    assert changed == []


def test_given_served_pages_deleted_then_only_the_article_page_is_announced():
    site, bucket, announced = writer()
    apply(site, announced, [Output(key, b"v1") for key in PAGES])

    gone = apply(site, announced, [], deletions=PAGES)

    assert gone == ["/articles/a/"] and bucket.objects == {}


def test_given_each_kind_then_it_is_stored_with_its_rules_cache_control():
    site, bucket, announced = writer()
    apply(site, announced, [Output(key, b"v1") for key in PAGES])

    for key in PAGES:
        assert bucket.objects[key][1] == CachePolicy().rule_for(key).cache_control
