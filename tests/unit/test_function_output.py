"""What a locally run function prints or warns goes to its log, as on Lambda, not to the
terminal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools import Metrics

from pressroom.local.runtime import call_handler

FUNCTION_LOG = "pressroom.functions.TestFunction"


@pytest.fixture
def metrics(monkeypatch: pytest.MonkeyPatch) -> Iterator[Metrics]:
    """Powertools metrics, disabled as `pressroom build` runs its functions."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    made = Metrics(namespace="Test", service="output")
    yield made
    made.clear_metrics()  # Powertools shares the buffer between instances


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == FUNCTION_LOG]


def test_given_metrics_disabled_when_a_handler_adds_100_values_then_nothing_reaches_stdout(
    metrics: Metrics, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    # GIVEN a handler that adds a metric value per invocation
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> None:
        metrics.add_metric(name="Published", unit="Count", value=1)

    # WHEN it handles 100 events (Powertools prints its buffer at 100 values regardless)
    with caplog.at_level(logging.DEBUG, logger="pressroom.functions"):
        for _ in range(100):
            call_handler(handler, {}, "TestFunction")

    # THEN the terminal shows nothing, and the function's log holds what it printed
    assert capsys.readouterr().out == ""
    assert any('"Published"' in line for line in logged(caplog))


def test_given_an_invocation_without_metrics_then_powertools_warning_goes_to_the_log(
    metrics: Metrics, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    # GIVEN a handler that adds no metric (an unchanged upload), which Powertools warns about
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> None:
        return None

    # WHEN it is invoked
    with caplog.at_level(logging.DEBUG, logger="pressroom.functions"):
        call_handler(handler, {}, "TestFunction")

    # THEN the warning is in the function's log, not on the terminal
    assert "No application metrics" not in capsys.readouterr().err
    assert any(line.startswith("UserWarning: No application metrics") for line in logged(caplog))
