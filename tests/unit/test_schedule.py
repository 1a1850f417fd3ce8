"""The pure decision of scheduled publishing: live at a moment or not, and when that changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pressroom.model import Article
from pressroom.publishing.schedule import EXPIRED, SCHEDULED, Timing, as_due, parse_due, timing

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)
H = timedelta(hours=1)
BASE = Article("articles/a.md", "a", "A", "<p>A</p>", "A", published=NOW - 24 * H)


@pytest.mark.parametrize(
    ("publish_at", "expires", "expected"),
    [
        (None, None, Timing("published")),
        (NOW - H, None, Timing("published")),
        (NOW, None, Timing("published")),  # its very second: live
        (NOW + H, None, Timing(SCHEDULED, NOW + H)),
        (NOW + H, NOW + 3 * H, Timing(SCHEDULED, NOW + H)),
        (NOW - H, NOW + H, Timing("published", NOW + H)),
        (NOW - H, NOW, Timing(EXPIRED)),  # expired at its very second
        (None, NOW - H, Timing(EXPIRED)),
        (NOW + 2 * H, NOW + H, Timing(EXPIRED)),  # over before it begins: never shown
    ],
)
def test_given_publish_and_expiry_times_when_timed_then_status_and_next_change(
    publish_at: datetime | None, expires: datetime | None, expected: Timing
):
    article = replace(BASE, publish_at=publish_at, expires=expires)

    assert timing(article, NOW) == expected


def test_given_build_future_and_expired_then_times_are_ignored():
    ahead = replace(BASE, publish_at=NOW + H)
    over = replace(BASE, expires=NOW - H)

    assert timing(ahead, NOW, future=True) == Timing("published")
    assert timing(over, NOW, expired=True) == Timing("published")


def test_given_a_draft_or_unlisted_article_then_drafts_never_wake_and_unlisted_are_timed():
    assert timing(replace(BASE, status="draft", publish_at=NOW + H), NOW) == Timing("draft")
    unlisted = replace(BASE, status="unlisted", publish_at=NOW - H, expires=NOW + H)
    assert timing(unlisted, NOW) == Timing("unlisted", NOW + H)


def test_given_a_due_time_in_another_zone_then_stored_in_utc_and_read_back_equal():
    moment = datetime.fromisoformat("2026-03-15T07:00:00+01:00")

    assert as_due(moment) == "2026-03-15T06:00:00+00:00"
    assert parse_due(as_due(moment)) == moment
    assert as_due(None) == "" and parse_due("") is None
