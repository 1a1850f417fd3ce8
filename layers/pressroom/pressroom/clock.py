"""The time the core decides by. Scheduled publishing (`publishing.schedule`) asks a `Clock`
(`pressroom.ports.Clock`) handed in through the pipeline, never the system time directly, so
that tests and the local backends can set and move it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time (what Lambda and `pressroom up` run on)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests, `pressroom build --now`)."""

    def __init__(self, start: datetime | None = None) -> None:
        moment = start or datetime.now(UTC)
        if moment.utcoffset() is None:
            raise ValueError("a clock's time must carry its time zone")
        self._now = moment.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.utcoffset() is None:
            raise ValueError("a clock's time must carry its time zone")
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self._now += by
            return self._now
