"""Scheduled publishing and expiry: whether an article is on the site *now*, and when that
changes next. Pure: the time comes from the pipeline's clock (`ports.Clock`).

An article goes live at its publish time (`publishDate`/`pubdate`, else its `date` or the
Jekyll file-name date; never the upload time) and comes down at its expiry (`expiryDate`/
`unpublishDate`), as Hugo decides with `--buildFuture`/`--buildExpired` off. Until then the
ingest function keeps it in the source state as `scheduled` (or `expired` after), with the time
of its next change (`SourceState.due`), and has a wake-up armed for that time
(`ports.SchedulerPort`): the wake-up message reaches the ingest queue and the key converges
again, by the clock, through the same projection as any upload. A wake-up that comes early
finds nothing due and arms again; one that is stale (the file was re-dated or deleted since)
finds the state already right and cancels itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pressroom.model import Article

if TYPE_CHECKING:
    from pressroom.sources import SourceState

SCHEDULED = "scheduled"  # stored, not yet on the site
EXPIRED = "expired"  # stored, taken off the site at its expiry
WAKE_UP = "wake-up"  # the `pressroom` field of a wake-up message


@dataclass(frozen=True)
class Timing:
    """The status the article has at a moment (its own when live, else scheduled/expired) and
    when it changes next (None: never by itself)."""

    status: str
    due: datetime | None = None


def timing(
    article: Article, now: datetime, *, future: bool = False, expired: bool = False
) -> Timing:
    """`future` publishes articles whose time has not come (Hugo's `--buildFuture`), `expired`
    keeps those whose expiry has passed (`--buildExpired`)."""
    if not article.is_live:
        return Timing(article.status)
    starts = None if future else article.publish_at
    ends = None if expired else article.expires
    if ends is not None and (now >= ends or (starts is not None and ends <= starts)):
        return Timing(EXPIRED)  # over, or over before it would begin: never shown
    if starts is not None and now < starts:
        return Timing(SCHEDULED, starts)
    return Timing(article.status, ends)


def as_due(moment: datetime | None) -> str:
    """How the source state stores a due time: ISO 8601 in UTC ("" for none), so that it also
    sorts as text."""
    return moment.astimezone(UTC).isoformat() if moment is not None else ""


def parse_due(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def wake_up_message(key: str) -> str:
    """The body a scheduler puts on the ingest queue to have `key` converged again."""
    return json.dumps({"pressroom": WAKE_UP, "key": key}, sort_keys=True)


def is_wake_up(body: Any) -> bool:
    return isinstance(body, dict) and body.get("pressroom") == WAKE_UP


def woken_key(body: dict[str, Any], articles_prefix: str) -> str:
    """The source key a wake-up message names; ValueError for one that names none of ours."""
    key = body.get("key")
    if not isinstance(key, str) or not key.startswith(articles_prefix) or "\x00" in key:
        raise ValueError(f"a wake-up message names no source key: {str(body)[:200]!r}")
    return key


@dataclass(frozen=True)
class Upcoming:
    """A change the site will make by itself (`pressroom status`, `pressroom build`)."""

    key: str
    change: str  # "goes live" | "expires"
    at: str  # ISO 8601, UTC

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "change": self.change, "at": self.at}


def upcoming(states: Iterable[SourceState]) -> list[Upcoming]:
    """The sources with a wake-up due, soonest first."""
    found = [
        Upcoming(state.key, "goes live" if state.status == SCHEDULED else "expires", state.due)
        for state in states
        if state.due
    ]
    return sorted(found, key=lambda item: (item.at, item.key))
