"""EventBridge Scheduler's part in the local stack: moto stores schedules but never fires them,
so this pump does, by the local runtime's clock. Each poll (at most once a `interval`) reads the
template's schedule groups; a one-time schedule (`at(...)`, UTC) whose time has come sends its
target input to its target queue (the ingest queue), as the scheduler does with its role, and
is deleted when it says `ActionAfterCompletion: DELETE` (one that does not is disabled: it
fired). Recurring (`rate`/`cron`) schedules are not Pressroom's and are left alone."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pressroom.clock import SystemClock

if TYPE_CHECKING:
    from pressroom.local.stack import LocalStack
    from pressroom.ports import Clock

logger = logging.getLogger(__name__)
SCHEDULE_GROUP = "AWS::Scheduler::ScheduleGroup"


def at_time(expression: str) -> datetime | None:
    """The UTC time of an `at(yyyy-mm-ddThh:mm:ss)` expression; None for any other kind."""
    if not (expression.startswith("at(") and expression.endswith(")")):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC)


class WakeUpPump:
    def __init__(
        self, stack: LocalStack, clock: Clock | None = None, interval: float = 1.0
    ) -> None:
        self.groups = [stack.refs[logical] for logical in stack.template.of_type(SCHEDULE_GROUP)]
        self.clock: Clock = clock or SystemClock()
        self.interval = interval
        self._scheduler = stack.client("scheduler")
        self._sqs = stack.client("sqs")
        self._next_poll = 0.0
        self.fired = 0

    def poll(self) -> int:
        """Fire what is due, at most once an `interval` (`pressroom up`'s background polls);
        how many schedules fired."""
        if time.monotonic() < self._next_poll:
            return 0
        self._next_poll = time.monotonic() + self.interval
        return self.fire_due()

    def fire_due(self) -> int:
        """Fire every schedule due by the clock now; how many fired."""
        if not self.groups:
            return 0
        now = self.clock.now()
        fired = 0
        for group in self.groups:
            for name in self._names(group):
                schedule = self._scheduler.get_schedule(Name=name, GroupName=group)
                at = at_time(schedule["ScheduleExpression"])
                if at is None or at > now or schedule.get("State") == "DISABLED":
                    continue
                self._fire(schedule)
                fired += 1
        self.fired += fired
        return fired

    def _names(self, group: str) -> list[str]:
        names: list[str] = []
        paginator = self._scheduler.get_paginator("list_schedules")
        for page in paginator.paginate(GroupName=group):
            names += [summary["Name"] for summary in page["Schedules"]]
        return names

    def _fire(self, schedule: dict[str, Any]) -> None:
        target = schedule["Target"]
        queue_name = str(target["Arn"]).rsplit(":", 1)[-1]
        url = self._sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        self._sqs.send_message(QueueUrl=url, MessageBody=target.get("Input", "{}"))
        name, group = schedule["Name"], schedule["GroupName"]
        logger.info("schedule %s/%s fired", group, name)
        if schedule.get("ActionAfterCompletion") == "DELETE":
            self._scheduler.delete_schedule(Name=name, GroupName=group)
        else:
            fields = ("ScheduleExpression", "FlexibleTimeWindow", "Target")
            self._scheduler.update_schedule(
                Name=name,
                GroupName=group,
                State="DISABLED",
                **{field: schedule[field] for field in fields},
            )
