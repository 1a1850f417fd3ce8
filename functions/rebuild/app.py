"""Rebuild: SQS messages of ~10 source keys (or listing ids) → re-render them."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.pipeline import Pipeline
from pressroom.publishing.rebuild import rebuild
from pressroom.settings import Settings

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
pipeline = Pipeline(Settings.from_env())


def record_handler(record: SQSRecord) -> None:
    result = rebuild(record.json_body, pipeline)
    logger.info(
        "rebuilt",
        articles=result.articles,
        listings=result.listings,
        written=len(result.changes.written),
    )
    metrics.add_metric(name="ArticlesRebuilt", unit=MetricUnit.Count, value=result.articles)
    metrics.add_metric(name="ListingsTouched", unit=MetricUnit.Count, value=result.listings)
    metrics.add_metric(
        name="PagesWritten", unit=MetricUnit.Count, value=len(result.changes.written)
    )


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
