"""Search index: on a schedule, rebuild the site's Pagefind index if the published articles
changed since the last build (`publishing.search.refresh_index`)."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.adapters.pagefind import build_index
from pressroom.pipeline import Pipeline
from pressroom.publishing.search import refresh_site_search
from pressroom.settings import Settings

logger = Logger()
metrics = Metrics()
pipeline = Pipeline(Settings.from_env())


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    result = refresh_site_search(
        pipeline,
        build_index,
        seconds_left=lambda: context.get_remaining_time_in_millis() / 1000,
        force=bool(event.get("force")),
    )
    logger.info(
        "search index",
        rebuilt=result.rebuilt,
        articles=result.articles,
        fetched=result.fetched,
        written=result.written,
        deleted=result.deleted,
    )
    metrics.add_metric(name="SearchIndexRebuilt", unit=MetricUnit.Count, value=int(result.rebuilt))
    metrics.add_metric(name="SearchArticles", unit=MetricUnit.Count, value=result.articles)
    return {"rebuilt": result.rebuilt, "articles": result.articles, "written": result.written}
