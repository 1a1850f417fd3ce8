"""Where moto behaves unlike AWS in ways the pipeline depends on, make it behave like AWS.

Each patch names the AWS behaviour it restores; remove it once moto does the same."""

from __future__ import annotations

import functools
from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _send_delete_marker_events()
    _applied = True


def _send_delete_marker_events() -> None:
    """S3 sends `ObjectRemoved:DeleteMarkerCreated` when a plain DELETE hits a versioned
    bucket; moto sends nothing, so a deleted article would never be unpublished locally."""
    from moto.s3 import notifications
    from moto.s3.models import FakeKey, S3Backend

    original = S3Backend.delete_object

    @functools.wraps(original)
    def delete_object(
        self: S3Backend,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        current = bucket.keys.get(key_name) if version_id is None else None
        result = original(self, bucket_name, key_name, version_id, bypass)
        if isinstance(current, FakeKey) and result[1].get("delete-marker") == "true":
            notifications.send_event(
                self.account_id,
                notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
                bucket,
                current,
            )
        return result

    S3Backend.delete_object = delete_object  # type: ignore[method-assign]
