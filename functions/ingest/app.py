"""Ingest: SQS batches of S3 notifications → converge each named source key."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.pipeline import Pipeline
from pressroom.publishing.ingest import correlation_id_of, ingest_notification
from pressroom.settings import Settings

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
pipeline = Pipeline(Settings.from_env())


def record_handler(record: SQSRecord) -> None:
    notification = S3Event(record.json_body)
    correlation_id = correlation_id_of(notification, record.message_id)
    logger.set_correlation_id(correlation_id)
    for result in ingest_notification(notification, pipeline, correlation_id):
        logger.info("synced", key=result.key, outcome=result.outcome, paths=result.changes.paths)
        metrics.add_metric(name=f"Articles{result.outcome.title()}", unit=MetricUnit.Count, value=1)
        metrics.add_metric(
            name="PagesWritten", unit=MetricUnit.Count, value=len(result.changes.written)
        )
        metrics.add_metric(
            name="PagesUnchanged", unit=MetricUnit.Count, value=result.changes.unchanged
        )


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
