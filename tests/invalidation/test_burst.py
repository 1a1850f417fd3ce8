"""Acceptance on the embedded backend: a burst of uploads yields a handful of invalidations
naming no more paths than objects changed; identical bytes write and invalidate nothing."""

from __future__ import annotations

from typing import Any

import pytest

from pressroom.paths import public_path
from pressroom.publishing.invalidation import InvalidationPlan, normalise
from tests.support import Site

BURST = 100


def article(n: int, tags: list[str]) -> str:
    tag_list = ", ".join(tags)
    return (
        f"---\ntitle: Story number {n}\ndate: 2026-03-{n % 28 + 1:02d}\n"
        f"tags: [{tag_list}]\n---\n\nParagraph {n}.\n"
    )


def snapshot(site: Site) -> dict[str, Any]:
    """Every object of the site bucket with its ETag (its bytes' identity)."""
    paginator = site.s3.get_paginator("list_objects_v2")
    return {
        item["Key"]: item["ETag"]
        for page in paginator.paginate(Bucket=site.pipeline.settings.site_bucket)
        for item in page.get("Contents", [])
    }


def versions(site: Site) -> int:
    """How many object versions the (versioned) site bucket holds: every PUT adds one."""
    bucket = site.pipeline.settings.site_bucket
    return len(site.s3.list_object_versions(Bucket=bucket).get("Versions", []))


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


@pytest.mark.slow  # ~100 s: a hundred articles through moto's DynamoDB
def test_given_a_hundred_articles_uploaded_at_once_then_at_most_three_invalidations_cover_them(
    site: Site,
):
    site.upload("early.md", article(0, ["Early", "Common"]))
    before, calls_before = snapshot(site), len(site.invalidated_paths())

    for n in range(1, BURST + 1):
        site.upload(f"story-{n}.md", article(n, ["Common", f"Topic {n % 7}"]), drain=False)
    site.runtime.drain()

    invalidations = site.invalidated_paths()[calls_before:]
    changed = changed_keys(before, snapshot(site))
    paths = [path for batch in invalidations for path in batch]
    assert 1 <= len(invalidations) <= 3
    assert len(paths) <= len(changed)
    sent = InvalidationPlan(tuple(paths), "-", len(paths))
    assert all(sent.covers(normalise(public_path(key))) for key in changed), "a stale object"
    assert len(changed) > BURST  # the article pages and the listings they joined


def test_given_an_identical_reupload_then_nothing_is_written_and_nothing_invalidated(site: Site):
    site.upload("alpha.md", article(1, ["One", "Two"]))
    before, calls_before = snapshot(site), len(site.invalidated_paths())
    versions_before = versions(site)

    site.upload("alpha.md", article(1, ["One", "Two"]))

    assert snapshot(site) == before
    assert versions(site) == versions_before, "an identical render was PUT again"
    assert len(site.invalidated_paths()) == calls_before
