"""One typed settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from pressroom.media.image_settings import ImageSettings

FEED_CONTENTS = ("summary", "full")


@dataclass(frozen=True)
class Settings:
    content_table: str
    ingest_bucket: str
    site_bucket: str
    invalidation_queue_url: str = ""
    rebuild_queue_url: str = ""
    distribution_id: str = ""
    site_url: str = "http://127.0.0.1:8000"
    site_title: str = "Pressroom"
    site_language: str = "en"
    articles_prefix: str = "articles/"
    reports_prefix: str = "reports/"
    max_source_bytes: int = 2 * 1024 * 1024
    page_size: int = 10
    templates_dir: str = ""  # operator overrides, searched before the default theme
    # How long the CDN keeps the home page / every other listing before asking S3 again
    # (`publishing.cache_policy`): what bounds their staleness, since they are never invalidated.
    home_cache_seconds: int = 5
    listing_cache_seconds: int = 30
    # Scheduled publishing (`publishing.schedule`): the EventBridge Scheduler group the wake-ups
    # live in, the queue they are sent to (the ingest queue) and the role the scheduler sends
    # them with; its precision (a one-time schedule fires within the minute it names, so a
    # wake-up is set for the next whole minute: never early); and Hugo's --buildFuture /
    # --buildExpired, to publish articles whose time has not come / keep expired ones.
    schedule_group: str = ""
    schedule_target_arn: str = ""
    scheduler_role_arn: str = ""
    schedule_precision_seconds: int = 60
    publish_future: bool = False
    publish_expired: bool = False
    # How uploaded images are processed (`IMAGE_WIDTHS`, ...): a change takes effect for every
    # image at the next full re-render (`pressroom rebuild`), see `media.image_settings`.
    images: ImageSettings = field(default_factory=ImageSettings)
    # What a feed item carries: the article's summary, or its whole (sanitised) body.
    feed_content: str = "summary"  # summary | full
    # The tags, categories and authors indexes and the sitemap index show a count or a date of
    # every listing: a change of one of those alone refreshes the page at most this often.
    index_refresh_seconds: int = 60

    def __post_init__(self) -> None:
        if self.feed_content not in FEED_CONTENTS:
            raise ValueError(
                f"FEED_CONTENT is {self.feed_content!r}; "
                f"it must be one of {', '.join(FEED_CONTENTS)}"
            )

    @property
    def full_feeds(self) -> bool:
        return self.feed_content == "full"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            content_table=env["CONTENT_TABLE"],
            ingest_bucket=env["INGEST_BUCKET"],
            site_bucket=env["SITE_BUCKET"],
            invalidation_queue_url=env.get("INVALIDATION_QUEUE_URL", ""),
            rebuild_queue_url=env.get("REBUILD_QUEUE_URL", ""),
            distribution_id=env.get("DISTRIBUTION_ID", ""),
            site_url=env.get("SITE_URL", cls.site_url).rstrip("/"),
            site_title=env.get("SITE_TITLE", cls.site_title),
            site_language=env.get("SITE_LANGUAGE", cls.site_language),
            articles_prefix=env.get("ARTICLES_PREFIX", cls.articles_prefix),
            reports_prefix=env.get("REPORTS_PREFIX", cls.reports_prefix),
            max_source_bytes=int(env.get("MAX_SOURCE_BYTES", cls.max_source_bytes)),
            page_size=int(env.get("PAGE_SIZE", cls.page_size)),
            templates_dir=env.get("TEMPLATES_DIR", ""),
            home_cache_seconds=int(env.get("HOME_CACHE_SECONDS", cls.home_cache_seconds)),
            listing_cache_seconds=int(env.get("LISTING_CACHE_SECONDS", cls.listing_cache_seconds)),
            schedule_group=env.get("SCHEDULE_GROUP", ""),
            schedule_target_arn=env.get("SCHEDULE_TARGET_ARN", ""),
            scheduler_role_arn=env.get("SCHEDULER_ROLE_ARN", ""),
            schedule_precision_seconds=int(
                env.get("SCHEDULE_PRECISION_SECONDS", cls.schedule_precision_seconds)
            ),
            publish_future=_flag(env.get("BUILD_FUTURE", "")),
            publish_expired=_flag(env.get("BUILD_EXPIRED", "")),
            images=ImageSettings.from_env(env),
            feed_content=env.get("FEED_CONTENT", cls.feed_content).strip().lower(),
            index_refresh_seconds=int(env.get("INDEX_REFRESH_SECONDS", cls.index_refresh_seconds)),
        )


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")
