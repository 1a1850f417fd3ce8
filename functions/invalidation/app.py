"""Invalidation: SQS batches of changed paths → one coalesced CloudFront invalidation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom import ports
from pressroom.pipeline import lambda_entry_point
from pressroom.publishing.invalidation import correlation_ids_of, invalidate, paths_of

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_handler(pipeline: ports.Pipeline, logger: Logger, metrics: Metrics) -> Handler:
    """The handler, on these collaborators (the local runtime and the tests pass their own)."""

    @logger.inject_lambda_context
    @metrics.log_metrics
    @event_source(data_class=SQSEvent)
    def handler(event: SQSEvent, context: LambdaContext) -> dict[str, Any]:
        records = list(event.records)
        logger.set_correlation_id(correlation_ids_of(records))  # the uploads behind these paths
        message_ids = [record.message_id for record in records]
        outcome = invalidate(paths_of(records), message_ids, pipeline)
        metrics.add_metric(name="InvalidationCalls", unit=MetricUnit.Count, value=outcome.calls)
        if outcome.deferred:
            # CloudFront pushed back: every message returns after the queue's visibility timeout
            # (and goes to the DLQ after maxReceiveCount), so no path is lost.
            logger.warning("invalidation deferred", reason=outcome.deferred, messages=len(records))
            metrics.add_metric(name="InvalidationsDeferred", unit=MetricUnit.Count, value=1)
            return {"batchItemFailures": [{"itemIdentifier": m} for m in message_ids]}
        if outcome.plan is not None:
            plan = outcome.plan
            logger.info("invalidated", id=outcome.invalidation_id, paths=plan.paths)
            metrics.add_metric(
                name="PathsInvalidated", unit=MetricUnit.Count, value=len(plan.paths)
            )
            metrics.add_metric(
                name="WildcardFallbacks", unit=MetricUnit.Count, value=plan.wildcards
            )
        return {"batchItemFailures": []}

    return handler


# What Lambda calls (template.yaml: `invalidation.app.handler`).
handler = lambda_entry_point(make_handler)
