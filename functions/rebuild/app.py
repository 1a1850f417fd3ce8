"""Rebuild: SQS messages of ~10 source keys (or listing ids) → re-render them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom import ports
from pressroom.pipeline import lambda_entry_point
from pressroom.publishing.rebuild import rebuild

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_handler(pipeline: ports.Pipeline, logger: Logger, metrics: Metrics) -> Handler:
    """The handler, on these collaborators (the local runtime and the tests pass their own)."""

    def record_handler(record: SQSRecord, remaining_ms: Callable[[], int]) -> None:
        result = rebuild(record.json_body, pipeline, remaining_ms)
        logger.info(
            "rebuilt",
            articles=result.articles,
            listings=result.listings,
            deferred=result.deferred,
            written=len(result.changes.written),
        )
        metrics.add_metric(name="ArticlesRebuilt", unit=MetricUnit.Count, value=result.articles)
        metrics.add_metric(name="ListingsTouched", unit=MetricUnit.Count, value=result.listings)
        metrics.add_metric(
            name="PagesWritten", unit=MetricUnit.Count, value=len(result.changes.written)
        )

    @logger.inject_lambda_context
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # What Powertools' BatchProcessor did for this function, without importing it (its
        # module loads asyncio for the async processor, ~35 ms of every cold start): each
        # message on its own; one that fails is reported alone and delivered again
        # (ReportBatchItemFailures); when every message of the batch fails, the invocation fails.
        records = event.get("Records")
        if not records or not isinstance(records, list):
            raise ValueError("not an SQS batch: no Records")
        failed: list[str] = []
        errors: list[Exception] = []
        for raw in records:
            record = SQSRecord(raw)
            try:
                record_handler(record, context.get_remaining_time_in_millis)
            except Exception as error:
                failed.append(record.message_id)
                errors.append(error)
        if len(errors) == len(records):
            raise ExceptionGroup("All records failed processing", errors)
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    return handler


# What Lambda calls (template.yaml: `rebuild.app.handler`).
handler = lambda_entry_point(make_handler)
