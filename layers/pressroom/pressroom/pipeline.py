"""The wiring: settings, adapters and renderer that the domain functions are handed.

Everything is built on first use, so a function only pays (at cold start) for the clients it
actually calls: the invalidation function never creates an S3 client, the ingest function never
a CloudFront one."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics

from pressroom.adapters.aws import new_client
from pressroom.clock import SystemClock
from pressroom.settings import Settings

# Each adapter is imported by the property that builds it: the invalidation function, which
# only ever uses the CDN, loads neither the content store (and the models behind it) nor the
# site writer.
if TYPE_CHECKING:
    from pressroom.ports import (
        Clock,
        ContentStorePort,
        DistributionPort,
        IngestBucketPort,
        InvalidationQueuePort,
        SchedulerPort,
        SiteBucketPort,
        WorkAhead,
        WorkQueuePort,
    )
    from pressroom.publishing.site_writer import SiteWriter
    from pressroom.render import Renderer


class NothingAhead:
    """`ports.WorkAhead` where nothing is done ahead (a Lambda function)."""

    def parsed(self, source: object) -> None:
        return None

    def rendered(self, job: object) -> None:
        return None


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        client: Callable[[str], Any] = new_client,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._client = client
        self.clock: Clock = clock or SystemClock()  # what scheduled publishing decides by
        self.ahead: WorkAhead = NothingAhead()  # the local engine's workers may fill this in

    @classmethod
    def of(
        cls,
        settings: Settings,
        *,
        store: ContentStorePort,
        sources: IngestBucketPort,
        site_bucket: SiteBucketPort,
        invalidations: InvalidationQueuePort,
        rebuilds: WorkQueuePort,
        distribution: DistributionPort,
        scheduler: SchedulerPort | None = None,
        clock: Clock | None = None,
    ) -> Pipeline:
        """A pipeline on ready adapters (the in-process backend's, a test's): no clients are
        made, nothing is read from the environment."""

        def no_clients(service: str) -> Any:
            raise RuntimeError(f"a pipeline given its adapters makes no {service} client")

        pipeline = cls(settings, no_clients, clock)
        if scheduler is not None:
            pipeline.__dict__["scheduler"] = scheduler
        # Each property caches its adapter in the instance's dict: fill it in advance.
        pipeline.__dict__.update(
            store=store,
            sources=sources,
            site_bucket=site_bucket,
            invalidations=invalidations,
            rebuilds=rebuilds,
            distribution=distribution,
        )
        return pipeline

    @cached_property
    def _s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def store(self) -> ContentStorePort:
        from pressroom.adapters.content_store import ContentStore

        return ContentStore(self.settings.content_table, self._client("dynamodb"))

    @cached_property
    def sources(self) -> IngestBucketPort:
        from pressroom.adapters.buckets import IngestBucket

        return IngestBucket(self.settings.ingest_bucket, self._s3, self.settings.reports_prefix)

    @cached_property
    def site_bucket(self) -> SiteBucketPort:
        from pressroom.adapters.buckets import SiteBucket

        return SiteBucket(self.settings.site_bucket, self._s3)

    @cached_property
    def site(self) -> SiteWriter:
        from pressroom.publishing.cache_policy import CachePolicy
        from pressroom.publishing.site_writer import SiteWriter

        policy = CachePolicy(self.settings.home_cache_seconds, self.settings.listing_cache_seconds)
        return SiteWriter(self.site_bucket, self.store, policy)

    @cached_property
    def renderer(self) -> Renderer:
        from pressroom.render import Renderer  # Jinja2 and the feed writers: only if rendering

        return Renderer(self.settings)

    @cached_property
    def invalidations(self) -> InvalidationQueuePort:
        from pressroom.adapters.queues import InvalidationQueue

        return InvalidationQueue(self.settings.invalidation_queue_url, self._client("sqs"))

    @cached_property
    def rebuilds(self) -> WorkQueuePort:
        from pressroom.adapters.queues import WorkQueue

        return WorkQueue(self.settings.rebuild_queue_url, self._client("sqs"))

    @cached_property
    def scheduler(self) -> SchedulerPort:
        from pressroom.adapters.scheduler import Scheduler

        s = self.settings
        return Scheduler(
            s.schedule_group,
            s.schedule_target_arn,
            s.scheduler_role_arn,
            self._client("scheduler") if s.schedule_group else None,
            s.schedule_precision_seconds,
            self.clock,
        )

    @cached_property
    def distribution(self) -> DistributionPort:
        from pressroom.adapters.cdn import Distribution

        return Distribution(self.settings.distribution_id, self._client("cloudfront"))


Event = dict[str, Any]
Handler = Callable[[Event, Any], Event]  # (event, Lambda context) -> result


def lambda_entry_point(make_handler: Callable[[Pipeline, Logger, Metrics], Handler]) -> Handler:
    """What Lambda calls: the handler `make_handler` builds from the function's environment
    (a Pipeline on its settings, a Powertools Logger and Metrics), once per execution
    environment at its first event; importing the function's module reads nothing."""

    @cache
    def from_environment() -> Handler:
        return make_handler(Pipeline(Settings.from_env()), Logger(), Metrics())

    def handler(event: Event, context: Any) -> Event:
        return from_environment()(event, context)

    return handler
