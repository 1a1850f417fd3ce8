"""The scheduler in memory (`pressroom.ports.SchedulerPort`): one wake-up per key, handed out
by `take_due` once the backend's clock reaches it (the in-process engine puts it on the ingest
queue, as EventBridge Scheduler's target would). Exact to the instant: no rounding."""

from __future__ import annotations

import threading
from datetime import datetime

from pressroom.publishing.schedule import wake_up_message


class MemoryScheduler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, datetime] = {}

    def arm(self, key: str, at: datetime) -> None:
        with self._lock:
            self._armed[key] = at

    def disarm(self, key: str) -> None:
        with self._lock:
            self._armed.pop(key, None)

    def armed(self) -> dict[str, datetime]:
        """Every wake-up waiting, by key."""
        with self._lock:
            return dict(self._armed)

    def take_due(self, now: datetime) -> list[str]:
        """The messages of the wake-ups due at `now`, earliest first; they are gone after
        (a one-time schedule deletes itself once it has fired)."""
        with self._lock:
            due = sorted((at, key) for key, at in self._armed.items() if at <= now)
            for _, key in due:
                del self._armed[key]
        return [wake_up_message(key) for _, key in due]
