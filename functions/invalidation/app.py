"""Invalidation: SQS batches of changed paths → a few coalesced CloudFront invalidations."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.errors import TransientError
from pressroom.pipeline import Pipeline
from pressroom.publishing.invalidation import invalidate, paths_of
from pressroom.settings import Settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
pipeline = Pipeline(Settings.from_env())


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=SQSEvent)
def handler(event: SQSEvent, context: LambdaContext) -> dict:
    records = list(event.records)
    paths = paths_of(records)
    try:
        ids = invalidate(paths, [record.message_id for record in records], pipeline)
    except TransientError as error:
        # CloudFront pushed back (too many in progress, throttled): every path goes back to the
        # queue and comes again after the visibility timeout.
        logger.warning("invalidation deferred", error=str(error), paths=len(paths))
        return {"batchItemFailures": [{"itemIdentifier": r.message_id} for r in records]}
    logger.info("invalidated", invalidations=ids, paths=len(paths))
    metrics.add_metric(name="PathsInvalidated", unit=MetricUnit.Count, value=len(paths))
    return {"batchItemFailures": []}
