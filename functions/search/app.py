"""Search index: on a schedule, rebuild the site's Pagefind index if the published articles
changed since the last build (`publishing.search.refresh_index`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom import ports
from pressroom.adapters.pagefind import build_index
from pressroom.pipeline import lambda_entry_point
from pressroom.publishing.search import refresh_site_search

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_handler(pipeline: ports.Pipeline, logger: Logger, metrics: Metrics) -> Handler:
    """The handler, on these collaborators (the local runtime and the tests pass their own)."""

    @logger.inject_lambda_context
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
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
        rebuilt = int(result.rebuilt)
        metrics.add_metric(name="SearchIndexRebuilt", unit=MetricUnit.Count, value=rebuilt)
        metrics.add_metric(name="SearchArticles", unit=MetricUnit.Count, value=result.articles)
        return {"rebuilt": result.rebuilt, "articles": result.articles, "written": result.written}

    return handler


# What Lambda calls (template.yaml: `search.app.handler`).
handler = lambda_entry_point(make_handler)
