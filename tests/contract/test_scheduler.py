"""The scheduler port on both backends: EventBridge Scheduler (on moto, the template's schedule
group) and the in-memory scheduler. One wake-up per key, replaced when armed again, gone when
disarmed (idempotently); the AWS one never fires before its time (rounded up to its precision)
and sends the key's wake-up message to the ingest queue with the scheduler's role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from pressroom.adapters.scheduler import Scheduler, at_expression, schedule_name
from pressroom.local.memory.scheduler import MemoryScheduler
from pressroom.publishing.schedule import is_wake_up, wake_up_message, woken_key

AT = datetime(2030, 3, 14, 19, 0, tzinfo=UTC)
LATER = datetime(2030, 3, 14, 21, 30, 15, tzinfo=UTC)


class Armed:
    """A scheduler and a way to see what it has armed: key → the time it fires."""

    def __init__(self, scheduler: Any, armed: Any) -> None:
        self.scheduler = scheduler
        self.armed = armed


@pytest.fixture(params=("moto", "memory"))
def backend(request: pytest.FixtureRequest) -> Iterator[Armed]:
    if request.param == "memory":
        memory = MemoryScheduler()
        yield Armed(memory, memory.armed)
        return
    from pressroom.local.embedded import embedded_aws
    from pressroom.pipeline import Pipeline

    with embedded_aws({}) as runtime:
        settings = runtime.settings
        pipeline = Pipeline(settings, runtime.stack.client)
        client = runtime.stack.client("scheduler")

        def armed() -> dict[str, datetime]:
            found = {}
            listed = client.list_schedules(GroupName=settings.schedule_group)["Schedules"]
            for summary in listed:
                schedule = client.get_schedule(
                    Name=summary["Name"], GroupName=settings.schedule_group
                )
                body = json.loads(schedule["Target"]["Input"])
                assert schedule["Target"]["Arn"] == settings.schedule_target_arn
                assert schedule["Target"]["RoleArn"] == settings.scheduler_role_arn
                assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
                assert schedule["ActionAfterCompletion"] == "DELETE"
                assert schedule["Name"] == schedule_name(body["key"])
                at = schedule["ScheduleExpression"].removeprefix("at(").removesuffix(")")
                found[body["key"]] = datetime.fromisoformat(at).replace(tzinfo=UTC)
            return found

        yield Armed(pipeline.scheduler, armed)


def test_given_a_key_when_armed_twice_then_one_wake_up_at_the_later_time(backend: Armed):
    backend.scheduler.arm("articles/a.md", AT)
    backend.scheduler.arm("articles/b.md", AT)
    backend.scheduler.arm("articles/a.md", LATER)

    found = backend.armed()

    assert set(found) == {"articles/a.md", "articles/b.md"}
    assert found["articles/b.md"] == AT
    assert LATER <= found["articles/a.md"] < LATER.replace(second=0).replace(minute=32)


def test_given_a_wake_up_when_disarmed_twice_then_gone_and_no_error(backend: Armed):
    backend.scheduler.arm("articles/a.md", AT)

    backend.scheduler.disarm("articles/a.md")
    backend.scheduler.disarm("articles/a.md")
    backend.scheduler.disarm("articles/never-armed.md")

    assert backend.armed() == {}


def test_given_a_time_then_rounded_up_to_the_precision_never_early():
    assert at_expression(AT, 60) == "at(2030-03-14T19:00:00)"
    assert at_expression(LATER, 60) == "at(2030-03-14T21:31:00)"
    assert at_expression(LATER, 1) == "at(2030-03-14T21:30:15)"


def test_given_a_wake_up_message_then_it_names_its_key_and_nothing_else_passes():
    body = json.loads(wake_up_message("articles/a b.md"))

    assert is_wake_up(body) and woken_key(body, "articles/") == "articles/a b.md"
    assert not is_wake_up({"Records": []})
    with pytest.raises(ValueError):
        woken_key({"pressroom": "wake-up", "key": "../etc/passwd"}, "articles/")


def test_given_no_scheduler_configured_when_armed_then_a_clear_error():
    with pytest.raises(RuntimeError, match="no scheduler is configured"):
        Scheduler("", "", "", None).arm("articles/a.md", AT)
    Scheduler("", "", "", None).disarm("articles/a.md")  # nothing can be armed: nothing to do
