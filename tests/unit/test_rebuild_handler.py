"""The rebuild function's batch handling: a message that fails is reported alone (and delivered
again), the others are acknowledged; when every message fails, the invocation fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


class Context:
    function_name = "rebuild"
    memory_limit_in_mb = 1024
    aws_request_id = "request"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rebuild"

    def get_remaining_time_in_millis(self) -> int:
        return 60000


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name, value in {
        "CONTENT_TABLE": "content",
        "INGEST_BUCKET": "ingest",
        "SITE_BUCKET": "site",
        "POWERTOOLS_SERVICE_NAME": "pressroom",
        "POWERTOOLS_METRICS_NAMESPACE": "Pressroom",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("rebuild_app", REPO / "functions/rebuild/app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt: list[Any] = []

    def rebuild(body: dict[str, Any], pipeline: Any, remaining_ms: Any = None) -> Any:
        if "broken" in body["keys"]:
            raise RuntimeError("cannot rebuild")
        rebuilt.append(body)
        module.time_left.append(remaining_ms() if remaining_ms else None)
        return SimpleNamespace(
            articles=1, listings=0, deferred=0, changes=SimpleNamespace(written=["a"])
        )

    monkeypatch.setattr(module, "rebuild", rebuild)
    module.rebuilt = rebuilt
    module.time_left = []
    return module


def message(message_id: str, body: Any) -> dict[str, Any]:
    return {"messageId": message_id, "body": json.dumps(body), "eventSource": "aws:sqs"}


def test_given_one_failing_message_then_only_it_is_reported(app: ModuleType):
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


def test_given_an_unreadable_body_then_that_message_is_reported(app: ModuleType):
    event = {
        "Records": [
            message("m1", {"keys": ["articles/a.md"]}),
            {"messageId": "m2", "body": "{not json", "eventSource": "aws:sqs"},
        ]
    }

    assert app.handler(event, Context()) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}


def test_given_every_message_failing_then_the_invocation_fails(app: ModuleType):
    event = {"Records": [message("m1", {"keys": ["broken"]}), message("m2", {"keys": ["broken"]})]}

    with pytest.raises(ExceptionGroup) as failed:
        app.handler(event, Context())

    assert [str(error) for error in failed.value.exceptions] == ["cannot rebuild"] * 2


def test_given_no_failure_then_nothing_is_reported(app: ModuleType):
    event = {"Records": [message("m1", {"keys": ["articles/a.md"]})]}

    assert app.handler(event, Context()) == {"batchItemFailures": []}


@pytest.mark.parametrize(
    "event", [{}, {"Records": []}, {"Records": "x"}], ids=["none", "empty", "str"]
)
def test_given_an_event_without_records_then_it_is_refused(app: ModuleType, event: dict):
    with pytest.raises(ValueError):
        app.handler(event, Context())


def test_given_a_message_then_the_rebuild_is_given_the_invocations_time_left(app: ModuleType):
    # GIVEN a message; WHEN handled; THEN the domain function can stop before the timeout
    app.handler({"Records": [message("m1", {"keys": ["articles/a.jpg"]})]}, Context())

    assert app.time_left == [60000]
