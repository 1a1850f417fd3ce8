"""Invalidation: SQS batches of changed paths → one coalesced CloudFront invalidation."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.pipeline import Pipeline
from pressroom.publishing.invalidation import correlation_ids_of, invalidate, paths_of
from pressroom.settings import Settings

logger = Logger()
metrics = Metrics()
pipeline = Pipeline(Settings.from_env())


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=SQSEvent)
def handler(event: SQSEvent, context: LambdaContext) -> dict:
    records = list(event.records)
    logger.set_correlation_id(correlation_ids_of(records))  # the uploads behind these paths
    outcome = invalidate(paths_of(records), [record.message_id for record in records], pipeline)
    metrics.add_metric(name="InvalidationCalls", unit=MetricUnit.Count, value=outcome.calls)
    if outcome.deferred:
        # CloudFront pushed back: every message returns after the queue's visibility timeout
        # (and goes to the DLQ after maxReceiveCount), so no path is lost.
        logger.warning("invalidation deferred", reason=outcome.deferred, messages=len(records))
        metrics.add_metric(name="InvalidationsDeferred", unit=MetricUnit.Count, value=1)
        return {"batchItemFailures": [{"itemIdentifier": r.message_id} for r in records]}
    if outcome.plan is not None:
        plan = outcome.plan
        logger.info("invalidated", id=outcome.invalidation_id, paths=plan.paths)
        metrics.add_metric(name="PathsInvalidated", unit=MetricUnit.Count, value=len(plan.paths))
        metrics.add_metric(name="WildcardFallbacks", unit=MetricUnit.Count, value=plan.wildcards)
    return {"batchItemFailures": []}
