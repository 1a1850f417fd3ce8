"""Listing: the table's stream of listing-head changes → re-render those listings."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.pipeline import Pipeline
from pressroom.publishing.listings import head_changes, render_listings
from pressroom.settings import Settings

logger = Logger()
metrics = Metrics()
pipeline = Pipeline(Settings.from_env())


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict:
    # Any failure raises: the stream retries the batch (bisecting it), in order, so a listing
    # is never rendered from an older state after a newer one.
    batch = head_changes(event.records)
    logger.set_correlation_id(batch.correlation_id or None)
    changes = render_listings(batch, pipeline)
    logger.info("listings rendered", written=len(changes.written), deleted=len(changes.deleted))
    metrics.add_metric(name="PagesWritten", unit=MetricUnit.Count, value=len(changes.written))
    metrics.add_metric(name="PagesUnchanged", unit=MetricUnit.Count, value=changes.unchanged)
    return {"batchItemFailures": []}
