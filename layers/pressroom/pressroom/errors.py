"""Domain errors. Adapters translate AWS `ClientError` codes into these in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pressroom.model import Rejection


class PressroomError(Exception):
    """Base of every error Pressroom raises on purpose."""


class RejectedFile(PressroomError):
    """A source file that can never publish as it is: retrying will not help."""

    def __init__(self, key: str, reason: str, fix: str) -> None:
        from pressroom.model import Rejection  # the models (and slugify) only once one is made

        super().__init__(f"{key}: {reason}")
        self.rejection: Rejection = Rejection(key=key, reason=reason, fix=fix)


class ItemTooLarge(PressroomError):
    """DynamoDB refused a write because an item would exceed its 400 KB limit or a transaction
    its 4 MB limit. The same content fails the same way on every retry, so the file that made
    the write is to be rejected (with a report), not retried. The readers cap every field that
    reaches an item, so this is the last line of defence, not the expected path."""


class TransientError(PressroomError):
    """A failure worth retrying later (throttling, 5xx, a lost race)."""


class InFlightLimitReached(TransientError):
    """A service refuses new work until some of its work in progress finishes (CloudFront's
    `TooManyInvalidationsInProgress`); asking for less, or later, can succeed."""


class ConcurrentUpdate(TransientError):
    """Another worker changed the same item first; re-read and try again."""
