"""Listing: the table's stream of listing-entry changes → re-render those listings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom import ports
from pressroom.pipeline import lambda_entry_point
from pressroom.publishing.listings import fold, render_batch

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_handler(pipeline: ports.Pipeline, logger: Logger, metrics: Metrics) -> Handler:
    """The handler, on these collaborators (the local runtime and the tests pass their own)."""

    @logger.inject_lambda_context
    @metrics.log_metrics
    @event_source(data_class=DynamoDBStreamEvent)
    def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict[str, Any]:
        # Records the time budget did not reach go back to the stream (ReportBatchItemFailures:
        # delivery resumes at the first of them); any failure raises, and the stream retries the
        # batch, in order, so a listing is never rendered from an older state after a newer one.
        batch = fold(event.records)
        logger.set_correlation_id(batch.correlation_id or None)
        outcome = render_batch(batch, pipeline, context.get_remaining_time_in_millis)
        changes = outcome.changes
        logger.info(
            "listings rendered",
            written=len(changes.written),
            deleted=len(changes.deleted),
            unfinished_from=outcome.unfinished_from,
        )
        metrics.add_metric(name="PagesWritten", unit=MetricUnit.Count, value=len(changes.written))
        metrics.add_metric(name="PagesUnchanged", unit=MetricUnit.Count, value=changes.unchanged)
        failures = [outcome.unfinished_from] if outcome.unfinished_from else []
        return {"batchItemFailures": [{"itemIdentifier": number} for number in failures]}

    return handler


# What Lambda calls (template.yaml: `listing.app.handler`).
handler = lambda_entry_point(make_handler)
