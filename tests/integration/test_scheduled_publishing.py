"""Scheduled publishing and expiry (issue 20), on the in-process backend with a controllable
clock: an article dated ahead is stored but on no page, feed, sitemap or related list, and its
URL answers 404, until the clock reaches its time; then the scheduled wake-up, not an upload,
publishes it through the same projection as any publish. Re-dating moves the wake-up, deleting
cancels it, an expiry takes the article down the same way."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pressroom.clock import ManualClock
from pressroom.local.inprocess import Engine, default_template
from pressroom.publishing.ingest import sync_source
from pressroom.publishing.schedule import wake_up_message
from tests.support import Site

T = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)  # the evening the story is uploaded
HOUR = timedelta(hours=1)
EMBARGO_PATH = "/articles/embargoed/"
LISTINGS = (
    "index.html",
    "tags/space/",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "tags/space/atom.xml",
)


def story(when: datetime, extra: str = "") -> bytes:
    return (
        f"---\ntitle: Embargoed story\nslug: embargoed\ndate: {when.isoformat()}\n"
        f"tags: [space]\n{extra}---\n\nThe launch went well.\n"
    ).encode()


OLDER = b"---\ntitle: Older story\ndate: 2026-03-01\ntags: [space]\n---\n\nEarlier news.\n"


@pytest.fixture
def engine() -> Engine:
    return Engine.for_template(
        default_template(), {"SITE_URL": "https://news.example"}, clock=ManualClock(T)
    )


def put(engine: Engine, name: str, body: bytes) -> None:
    engine.backend.sources.put_object("articles/" + name, body)
    engine.run()


def mentions(engine: Engine) -> list[str]:
    """Every site object that names the embargoed article."""
    site = engine.backend.site_bucket
    return sorted(
        key
        for key, body in site.objects()
        if EMBARGO_PATH.encode() in body or key == "articles/embargoed/"
    )


def armed(engine: Engine) -> dict[str, datetime]:
    return engine.backend.scheduler.armed()


def state(engine: Engine):
    return engine.backend.store.get_sources(["articles/embargoed.md"])["articles/embargoed.md"]


def test_given_an_article_dated_an_hour_ahead_then_absent_until_its_time_then_present_everywhere(
    engine: Engine,
):
    put(engine, "older.md", OLDER)

    # GIVEN at 18:00 a story dated 19:00
    put(engine, "embargoed.md", story(T + HOUR))

    # THEN it is stored, armed for 19:00, and on no page, feed, sitemap or related list
    assert state(engine).status == "scheduled"
    assert state(engine).due == (T + HOUR).isoformat()
    assert armed(engine) == {"articles/embargoed.md": T + HOUR}
    assert mentions(engine) == []
    assert engine.backend.site_bucket.get("articles/embargoed/") is None  # its URL is a 404

    # WHEN a minute before its time the clock moves on: still nothing
    engine.backend.clock.set(T + HOUR - timedelta(minutes=1))
    engine.run()
    assert mentions(engine) == []

    # WHEN the clock reaches 19:00, with no upload in between
    engine.backend.clock.set(T + HOUR)
    engine.run()

    # THEN the wake-up published it: its page, every listing, feed and sitemap, its related list
    assert state(engine).status == "published"
    assert armed(engine) == {}
    site = engine.backend.site_bucket
    page = site.get("articles/embargoed/")
    assert page is not None and b"/articles/older/" in page  # its related list
    missing = [key for key in LISTINGS if EMBARGO_PATH.encode() not in (site.get(key) or b"")]
    assert missing == []
    shards = [key for key in site.keys("sitemaps/") if EMBARGO_PATH.encode() in site.get(key)]
    assert shards == ["sitemaps/2026-03.xml"]
    assert engine.report.undelivered == 0


def test_given_a_scheduled_article_when_redated_then_its_wake_up_moves(engine: Engine):
    put(engine, "embargoed.md", story(T + HOUR))

    # WHEN it is uploaded again for two hours ahead
    put(engine, "embargoed.md", story(T + 2 * HOUR))

    # THEN one wake-up, at the new time; the old time publishes nothing
    assert armed(engine) == {"articles/embargoed.md": T + 2 * HOUR}
    engine.backend.clock.set(T + HOUR)
    engine.run()
    assert mentions(engine) == []
    engine.backend.clock.set(T + 2 * HOUR)
    engine.run()
    assert engine.backend.site_bucket.get("articles/embargoed/") is not None

    # AND a live article re-dated ahead leaves the site until then
    put(engine, "embargoed.md", story(T + 4 * HOUR))
    assert mentions(engine) == []
    assert armed(engine) == {"articles/embargoed.md": T + 4 * HOUR}

    # AND re-dated into the past, a scheduled article goes at once, its wake-up cancelled
    put(engine, "late.md", story(T + 5 * HOUR).replace(b"embargoed", b"late"))
    assert "articles/late.md" in armed(engine)
    put(engine, "late.md", story(T - HOUR).replace(b"embargoed", b"late"))
    assert "articles/late.md" not in armed(engine)
    assert engine.backend.site_bucket.get("articles/late/") is not None


def test_given_a_scheduled_article_when_deleted_then_its_wake_up_is_cancelled(engine: Engine):
    put(engine, "embargoed.md", story(T + HOUR))

    engine.backend.sources.delete_object("articles/embargoed.md")
    engine.run()

    assert armed(engine) == {}
    assert state(engine).status == "deleted"
    engine.backend.clock.set(T + 2 * HOUR)
    engine.run()
    assert mentions(engine) == []


def test_given_a_live_article_with_an_expiry_then_it_comes_down_at_that_time(engine: Engine):
    put(engine, "older.md", OLDER)
    put(engine, "embargoed.md", story(T - HOUR, f"expiryDate: {(T + HOUR).isoformat()}\n"))
    assert engine.backend.site_bucket.get("articles/embargoed/") is not None
    assert armed(engine) == {"articles/embargoed.md": T + HOUR}
    older = engine.backend.site_bucket.get("articles/older/") or b""
    assert EMBARGO_PATH.encode() not in older  # (rendered before; refreshed when it goes)

    # WHEN the clock passes its expiry
    engine.backend.clock.set(T + HOUR)
    engine.run()

    # THEN its page is gone (404) and nothing lists or links to it
    assert state(engine).status == "expired"
    assert mentions(engine) == []
    assert armed(engine) == {}


def test_given_a_scheduled_article_with_an_expiry_then_it_is_live_only_in_between(
    engine: Engine,
):
    put(engine, "embargoed.md", story(T + HOUR, f"expirydate: {(T + 3 * HOUR).isoformat()}\n"))

    seen = []
    for hours in (0, 1, 2, 3, 4):
        engine.backend.clock.set(T + hours * HOUR)
        engine.run()
        seen.append(engine.backend.site_bucket.get("articles/embargoed/") is not None)

    assert seen == [False, True, True, False, False]


def test_given_a_rejected_reupload_of_a_live_article_then_its_expiry_still_takes_it_down(
    engine: Engine,
):
    put(engine, "embargoed.md", story(T - HOUR, f"expiryDate: {(T + HOUR).isoformat()}\n"))
    put(engine, "embargoed.md", b"---\ntitle: [unclosed\n---\nBody\n")
    assert engine.backend.site_bucket.get("articles/embargoed/") is not None  # the live one stays

    engine.backend.clock.set(T + HOUR)
    engine.run()

    assert engine.backend.site_bucket.get("articles/embargoed/") is None
    assert state(engine).status == "rejected"


def test_given_a_draft_dated_ahead_then_no_wake_up_and_never_published(engine: Engine):
    put(engine, "embargoed.md", story(T + HOUR, "draft: true\n"))

    engine.backend.clock.set(T + 2 * HOUR)
    engine.run()

    assert state(engine).status == "draft"
    assert armed(engine) == {} and mentions(engine) == []


def test_given_a_hidden_article_dated_ahead_then_its_page_comes_at_its_time_unlisted(
    engine: Engine,
):
    put(engine, "embargoed.md", story(T + HOUR, "status: hidden\n"))
    assert engine.backend.site_bucket.get("articles/embargoed/") is None

    engine.backend.clock.set(T + HOUR)
    engine.run()

    assert engine.backend.site_bucket.get("articles/embargoed/") is not None
    assert mentions(engine) == ["articles/embargoed/"]  # a page, in no listing


# --- the real handlers on the embedded AWS, as `pressroom up` runs them ---------------------


def test_given_the_embedded_stack_when_an_article_is_due_then_the_scheduler_pump_publishes_it(
    site: Site,
):
    """GIVEN the real ingest handler on moto, its wake-up an EventBridge one-time schedule that
    the local runtime's scheduler pump fires by the wall clock (to the second)."""
    site.upload("warm.md", "---\ntitle: Warm\ndate: 2026-01-01\n---\n\nWarm-up.\n")
    # Seconds ahead, the handlers warm: enough for the upload to be handled well before.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    site.upload("soon.md", f"---\ntitle: Soon\ndate: {due.isoformat()}\ntags: [x]\n---\n\nNews.\n")
    scheduler = site.runtime.stack.client("scheduler")
    group = site.pipeline.settings.schedule_group
    assert len(scheduler.list_schedules(GroupName=group)["Schedules"]) == 1
    assert site.page("/articles/soon/") is None

    while datetime.now(UTC) < due:
        time.sleep(0.2)
    site.runtime.drain()

    assert site.page("/articles/soon/") is not None
    assert "/articles/soon/" in (site.page("/tags/x/") or "")
    assert scheduler.list_schedules(GroupName=group)["Schedules"] == []  # it deleted itself
    assert site.runtime.failures == 0


# --- wake-ups are hints: early, stale and raced ones converge ---------------------------------


def test_given_a_wake_up_that_comes_early_then_nothing_is_published_and_it_is_armed_again(
    engine: Engine,
):
    put(engine, "embargoed.md", story(T + HOUR))
    engine.backend.scheduler.disarm("articles/embargoed.md")  # (as if it had fired)

    # WHEN a wake-up arrives half an hour early
    engine.backend.clock.set(T + HOUR / 2)
    engine.backend.ingest_queue.send_body(wake_up_message("articles/embargoed.md"))
    engine.run()

    # THEN the article still waits, and its wake-up is back at its time
    assert mentions(engine) == []
    assert armed(engine) == {"articles/embargoed.md": T + HOUR}


def test_given_a_stale_wake_up_of_a_deleted_article_then_it_changes_nothing(engine: Engine):
    put(engine, "embargoed.md", story(T + HOUR))
    engine.backend.sources.delete_object("articles/embargoed.md")
    engine.run()

    engine.backend.clock.set(T + HOUR)
    engine.backend.ingest_queue.send_body(wake_up_message("articles/embargoed.md"))
    engine.run()

    assert mentions(engine) == [] and armed(engine) == {}
    assert state(engine).status == "deleted" and engine.report.undelivered == 0


def test_given_an_older_worker_arming_after_a_newer_one_then_its_retry_restores_the_newer_time(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    """GIVEN worker A syncing the version due at T+3h, slow: worker B commits the re-dated
    version (due T+1h), arms and finishes; only then does A's arm (T+3h) land, and its
    mark_synced fails. A's retry must put the wake-up back at T+1h (the state's), or the
    story would go live two hours late."""
    p = engine.backend.pipeline
    store = engine.backend.store
    key = "articles/embargoed.md"
    real_mark_synced = store.mark_synced
    raced = []

    def mark_synced_after_b(state_: Any) -> bool:
        if not raced:
            raced.append(True)
            engine.backend.sources.put_object(key, story(T + HOUR))
            sync_source(key, p)  # worker B, start to finish
            engine.backend.scheduler.arm(key, T + 3 * HOUR)  # A's late arm lands now
        return real_mark_synced(state_)

    engine.backend.sources.put_object(key, story(T + 3 * HOUR))
    monkeypatch.setattr(store, "mark_synced", mark_synced_after_b)

    sync_source(key, p)  # worker A

    assert state(engine).due == (T + HOUR).isoformat()
    assert armed(engine) == {key: T + HOUR}
