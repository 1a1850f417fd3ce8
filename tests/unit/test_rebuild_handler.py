"""The rebuild function's batch handling: a message that fails is reported alone (and delivered
again), the others are acknowledged; when every message fails, the invocation fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics

REPO = Path(__file__).resolve().parents[2]


class Context:
    function_name = "rebuild"
    memory_limit_in_mb = 1024
    aws_request_id = "request"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rebuild"

    def get_remaining_time_in_millis(self) -> int:
        return 60000


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    # The handler is made from collaborators passed in: no environment variable is read.
    for name in ("CONTENT_TABLE", "INGEST_BUCKET", "SITE_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.spec_from_file_location("rebuild_app", REPO / "functions/rebuild/app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt: list[Any] = []
    time_left: list[int | None] = []

    def rebuild(body: dict[str, Any], pipeline: Any, remaining_ms: Any = None) -> Any:
        if "broken" in body["keys"]:
            raise RuntimeError("cannot rebuild")
        rebuilt.append(body)
        time_left.append(remaining_ms() if remaining_ms else None)
        return SimpleNamespace(
            articles=1, listings=0, deferred=0, changes=SimpleNamespace(written=["a"])
        )

    monkeypatch.setattr(module, "rebuild", rebuild)
    pipeline = SimpleNamespace()  # the stand-in rebuild never uses it
    logger, metrics = Logger(service="pressroom"), Metrics(namespace="Pressroom")
    handler = module.make_handler(pipeline, logger, metrics)
    return SimpleNamespace(handler=handler, rebuilt=rebuilt, time_left=time_left)


def message(message_id: str, body: Any) -> dict[str, Any]:
    return {"messageId": message_id, "body": json.dumps(body), "eventSource": "aws:sqs"}


def test_given_one_failing_message_then_only_it_is_reported(app: SimpleNamespace):
    event = {
        "Records": [
            message("m1", {"keys": ["articles/a.md"]}),
            message("m2", {"keys": ["broken"]}),
            message("m3", {"keys": ["articles/c.md"]}),
        ]
    }

    response = app.handler(event, Context())

    assert response == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert app.rebuilt == [{"keys": ["articles/a.md"]}, {"keys": ["articles/c.md"]}]


def test_given_an_unreadable_body_then_that_message_is_reported(app: SimpleNamespace):
    event = {
        "Records": [
            message("m1", {"keys": ["articles/a.md"]}),
            {"messageId": "m2", "body": "{not json", "eventSource": "aws:sqs"},
        ]
    }

    assert app.handler(event, Context()) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}


def test_given_every_message_failing_then_the_invocation_fails(app: SimpleNamespace):
    event = {"Records": [message("m1", {"keys": ["broken"]}), message("m2", {"keys": ["broken"]})]}

    with pytest.raises(ExceptionGroup) as failed:
        app.handler(event, Context())

    assert [str(error) for error in failed.value.exceptions] == ["cannot rebuild"] * 2


def test_given_no_failure_then_nothing_is_reported(app: SimpleNamespace):
    event = {"Records": [message("m1", {"keys": ["articles/a.md"]})]}

    assert app.handler(event, Context()) == {"batchItemFailures": []}


@pytest.mark.parametrize(
    "event", [{}, {"Records": []}, {"Records": "x"}], ids=["none", "empty", "str"]
)
def test_given_an_event_without_records_then_it_is_refused(app: SimpleNamespace, event: dict):
    with pytest.raises(ValueError):
        app.handler(event, Context())


def test_given_a_message_then_the_rebuild_is_given_the_invocations_time_left(
    app: SimpleNamespace,
):
    # GIVEN a message; WHEN handled; THEN the domain function can stop before the timeout
    app.handler({"Records": [message("m1", {"keys": ["articles/a.jpg"]})]}, Context())

    assert app.time_left == [60000]
