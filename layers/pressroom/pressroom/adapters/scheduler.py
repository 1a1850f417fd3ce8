"""EventBridge Scheduler adapter (`pressroom.ports.SchedulerPort`): one one-time schedule per
source key that has a wake-up due, in the stack's schedule group.

Each schedule is named after a digest of the key (names are at most 64 of `[0-9a-zA-Z-_.]`),
so arming a key again replaces its schedule instead of adding one. It sends the key's wake-up
message to the ingest queue (its target, with the role the scheduler assumes for that), with no
flexible window, and deletes itself once it has fired (`ActionAfterCompletion: DELETE`). One-time
schedules fire within the minute they name ("60 second precision"), possibly before its second:
so the time is rounded up to a whole minute (`precision_seconds`), and a wake-up is never early.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pressroom.adapters.aws import domain_errors, error_code
from pressroom.clock import SystemClock
from pressroom.publishing.schedule import wake_up_message

if TYPE_CHECKING:
    from pressroom.ports import Clock

# What a schedule whose target fails does: retry for up to a day (the scheduler's default).
_RETRY_POLICY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}


def schedule_name(key: str) -> str:
    """The schedule of a source key: stable, and distinct for distinct keys."""
    return "wake-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]


def at_expression(moment: datetime, precision_seconds: int) -> str:
    """`at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to a multiple of `precision_seconds`."""
    step = max(1, precision_seconds)
    seconds = math.ceil(moment.timestamp() / step) * step
    return f"at({datetime.fromtimestamp(seconds, UTC):%Y-%m-%dT%H:%M:%S})"


class SchedulerError(RuntimeError):
    """The stack has no scheduler configured (SCHEDULE_GROUP and friends)."""


class Scheduler:
    def __init__(
        self,
        group: str,
        target_arn: str,
        role_arn: str,
        client: Any,
        precision_seconds: int = 60,
        clock: Clock | None = None,
    ) -> None:
        self.group = group
        self.target_arn = target_arn
        self.role_arn = role_arn
        self.precision_seconds = precision_seconds
        self.clock: Clock = clock or SystemClock()
        self._client = client

    def arm(self, key: str, at: datetime) -> None:
        if not (self.group and self.target_arn and self.role_arn):
            raise SchedulerError(
                f"{key} is due at {at.isoformat()}, but no scheduler is configured "
                "(SCHEDULE_GROUP, SCHEDULE_TARGET_ARN, SCHEDULER_ROLE_ARN)"
            )
        # A time already past (the state was committed just before it): the next step, at once.
        at = max(at, self.clock.now())
        request = {
            "Name": schedule_name(key),
            "GroupName": self.group,
            "Description": key[:512],
            "ScheduleExpression": at_expression(at, self.precision_seconds),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": self.target_arn,
                "RoleArn": self.role_arn,
                "Input": wake_up_message(key),
                "RetryPolicy": _RETRY_POLICY,
            },
            "ActionAfterCompletion": "DELETE",
        }
        with domain_errors():
            try:
                self._client.create_schedule(**request)
            except Exception as error:
                if error_code(error) != "ConflictException":
                    raise
                # It exists (armed before, or another worker's): move it. An update finding it
                # gone (it fired and deleted itself meanwhile) creates it again.
                try:
                    self._client.update_schedule(**request)
                except Exception as gone:
                    if error_code(gone) != "ResourceNotFoundException":
                        raise
                    self._client.create_schedule(**request)

    def disarm(self, key: str) -> None:
        if not self.group:
            return  # no scheduler: nothing can have been armed
        with domain_errors():
            try:
                self._client.delete_schedule(Name=schedule_name(key), GroupName=self.group)
            except Exception as error:
                if error_code(error) != "ResourceNotFoundException":
                    raise
