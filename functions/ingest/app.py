"""Ingest: SQS batches of S3 notifications (and scheduled wake-ups) → converge each named key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, SQSEvent
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom import ports
from pressroom.pipeline import lambda_entry_point
from pressroom.publishing.ingest import SyncResult, correlation_id_of, ingest_notifications

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_handler(pipeline: ports.Pipeline, logger: Logger, metrics: Metrics) -> Handler:
    """The handler, on these collaborators (the local runtime and the tests pass their own)."""

    @logger.inject_lambda_context
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # The whole batch is synced together (its pages share one write of the site); a message
        # that fails is reported alone and delivered again (ReportBatchItemFailures).
        failed: list[str] = []
        readable: list[tuple[SQSRecord, S3Event, str]] = []
        for record in SQSEvent(event).records:
            try:
                notification = S3Event(record.json_body)
                if not isinstance(notification.raw_event, dict):
                    raise ValueError(f"not an S3 notification: {record.body[:200]!r}")
            except ValueError:
                logger.exception("unreadable message", message_id=record.message_id)
                failed.append(record.message_id)
                continue
            correlation_id = correlation_id_of(notification, record.message_id)
            readable.append((record, notification, correlation_id))
        notifications = [(n, c) for _, n, c in readable]
        remaining_ms = context.get_remaining_time_in_millis
        outcomes = ingest_notifications(notifications, pipeline, remaining_ms)
        for (record, _, correlation_id), outcome in zip(readable, outcomes, strict=True):
            logger.set_correlation_id(correlation_id)
            if isinstance(outcome, Exception):
                logger.error("sync failed", message_id=record.message_id, exc_info=outcome)
                failed.append(record.message_id)
            else:
                _record(outcome, logger, metrics)
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    return handler


def _record(results: list[SyncResult], logger: Logger, metrics: Metrics) -> None:
    for result in results:
        logger.info("synced", key=result.key, outcome=result.outcome, paths=result.changes.paths)
        metrics.add_metric(name=f"Articles{result.outcome.title()}", unit=MetricUnit.Count, value=1)
        metrics.add_metric(
            name="PagesWritten", unit=MetricUnit.Count, value=len(result.changes.written)
        )
        metrics.add_metric(
            name="PagesUnchanged", unit=MetricUnit.Count, value=result.changes.unchanged
        )


# What Lambda calls (template.yaml: `ingest.app.handler`).
handler = lambda_entry_point(make_handler)
