"""Scheduled publishing on `pressroom up` (issue 20), measured as a reader sees it through the
local CDN: an article uploaded with a date a few seconds ahead answers 404 until then, and no
listing shows it; once its time comes, the local scheduler's one-time schedule wakes the ingest
function (no upload, no button), and the page and listings follow within the stated bounds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.operations.conftest import LocalUp, Response
from tests.operations.test_freshness_bounds import (
    HOME_BOUND,
    LISTING_BOUND,
    NEW_PAGE_BOUND,
    POLL_SECONDS,
    fresh,
    measure,
    page,
    report,
    upload,
)

AHEAD_SECONDS = 30  # enough for the upload to be handled well before its time, even when busy


def test_given_an_article_dated_ahead_when_its_time_comes_then_page_and_listings_follow(
    default_up: LocalUp, tmp_path: Path
):
    up = default_up
    up.aws("s3", "ls", f"s3://{up.ingest_bucket}/")  # the CLI's first start is slow
    tag, slug = fresh("embargo"), fresh("timed-story")
    due_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=AHEAD_SECONDS)
    due = time.monotonic() + (due_at - datetime.now(UTC)).total_seconds()
    source = tmp_path / f"{slug}.md"
    source.write_text(
        f"---\ntitle: Timed story\ndate: {due_at.isoformat()}\ntags: [{tag}]\n---\n\nEmbargoed.\n"
    )

    # GIVEN the story uploaded ahead of its time
    upload(up, source)

    # THEN until its time, its URL answers 404 and neither the home page nor its tag lists it
    checked = 0
    while time.monotonic() < due - 0.5:
        assert up.get(page(slug)).status == 404
        assert page(slug) not in up.get("/").body
        assert up.get(f"/tags/{tag}/").status == 404
        checked += 1
        time.sleep(POLL_SECONDS * 5)
    assert checked > 0, "the upload took longer than the time ahead; nothing was checked"

    # WHEN its time comes, THEN the page answers, and the listings list it, within the bounds
    def listed(response: Response) -> bool:
        return response.status == 200 and page(slug) in response.body

    checks = {page(slug): lambda r: r.status == 200, "/": listed, f"/tags/{tag}/": listed}
    seconds = measure(up, due, checks, timeout=LISTING_BOUND + 10)
    report("scheduled article page answers after its time", seconds[page(slug)], NEW_PAGE_BOUND)
    report("home page lists it after its time", seconds["/"], HOME_BOUND)
    report("its tag page lists it after its time", seconds[f"/tags/{tag}/"], LISTING_BOUND)
    assert seconds[page(slug)] <= NEW_PAGE_BOUND, seconds
    assert seconds["/"] <= HOME_BOUND, seconds
    assert seconds[f"/tags/{tag}/"] <= LISTING_BOUND, seconds
