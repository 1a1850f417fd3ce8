"""Incremental publish: one new article into an existing site of N articles, end to end on the
embedded backend (upload → ingest → stream → listings → invalidation), measured per publish.

How the existing site is made (the same way for every N, so sizes compare like for like):
every corpus article goes through the real reader (`read_article`) and the real catalogue
planner (`plan_change`, as the ingest function's transaction would); the resulting source,
article and entry items are written with the content store's own item encoders in
`BatchWriteItem`s; then the local runtime delivers the entries' stream records to the real
listing function, which renders every listing's pages and feeds, the tags index and the
sitemaps, records their hashes and the listings' heads. Not made: the old articles' own pages
and source objects (no publish reads them). Building a 10,000-article site through S3 events
one by one is what the bulk-build part of the bench measures; here it would only make the
setup slow.

Workload: ten new articles, published one at a time, all in the same sections (the site's three
most popular tags and most prolific author, the current month), dated after every article of
the site, as a newsroom publishes.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bench.corpus import Corpus, GeneratedArticle, pressroom_file
from bench.counters import Meter, Tally, instrument
from pressroom import table_layout
from pressroom.adapters import content_store as encoders
from pressroom.model import Source
from pressroom.publishing.catalog import plan_change
from pressroom.readers import read_article
from pressroom.settings import Settings

PUBLISHES = 10


@dataclass
class PublishResult:
    articles: int
    seconds: list[float]  # wall time of each publish, upload to settled
    calls: Counter[str]  # function calls by operation, mean per publish
    objects_written: float
    paths_invalidated: float
    function_seconds: dict[str, float]  # mean busy seconds per publish, per function
    invocations: dict[str, float]  # mean invocations per publish, per function
    runtime_calls: float  # the event source mappings' own calls, mean per publish
    write_units: float  # DynamoDB request units at their floor, mean per publish
    read_units: float
    seed_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def total_calls(self) -> float:
        return sum(self.calls.values())


def workload(
    corpus: Corpus, existing: list[GeneratedArticle], count: int = PUBLISHES
) -> list[GeneratedArticle]:
    """PUBLISHES new articles in the site's busiest sections (see the module docstring)."""
    tags = Counter(tag for article in existing for tag in article.tags)
    authors = Counter(article.author for article in existing)
    top_tags = tuple(tag for tag, _ in tags.most_common(3))
    author = authors.most_common(1)[0][0]
    return [
        replace(article, tags=top_tags, author=author) for article in corpus.new_articles(PUBLISHES)
    ]


def seed(runtime: Any, settings: Settings, articles: list[GeneratedArticle]) -> None:
    """Write the catalogue of `articles` and let the listing function render it (see above)."""
    now = datetime.now(UTC).isoformat()
    items: list[dict[str, Any]] = []
    for generated in articles:
        relative, text = pressroom_file(generated)
        source = Source(
            key=settings.articles_prefix + relative,
            body=text.encode("utf-8"),
            uploaded=generated.published,
        )
        article = read_article(source, settings)
        plan = plan_change(None, article, settings.site_language)
        assert plan.record is not None
        items.append(
            {
                "pk": f"SRC#{source.key}",
                "sk": "SRC",
                "rev": 1,
                "synced_rev": 1,
                "status": article.status,
                "slug": article.slug,
                "retired_slug": "",
                "digest": source.digest,
                "sequencer": "",
                "reason": "",
                "fix": "",
                "updated": now,
                "source_key": source.key,
            }
        )
        items.append(table_layout.article_item(plan.record))
        items += [table_layout.entry_item(entry) for entry in plan.put_entries]
    _batch_write(runtime.stack.client("dynamodb"), settings.content_table, items)
    runtime.drain()


def _batch_write(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {
            table: [
                {"PutRequest": {"Item": encoders._dump(item)}} for item in items[start : start + 25]
            ]
        }
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def measure_publishes(
    size: int, meter: Meter, seed_value: int = 9, publishes: int = PUBLISHES
) -> PublishResult:
    """Seed a site of `size` articles, then publish the workload into it one at a time."""
    from pressroom.local.embedded import embedded_aws

    corpus = Corpus(size, seed_value)
    existing = list(corpus.articles())
    new = workload(corpus, existing, publishes)
    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        settings = runtime.settings
        meter.site_bucket = settings.site_bucket
        instrument(runtime, meter)
        started = time.perf_counter()
        seed(runtime, settings, existing)
        seed_seconds = time.perf_counter() - started
        s3 = runtime.stack.client("s3")
        tallies: list[Tally] = []
        seconds: list[float] = []
        for article in new:
            relative, text = pressroom_file(article)
            started = time.perf_counter()
            # The editor's upload is timed but not counted: it is not the pipeline's cost.
            s3.put_object(
                Bucket=settings.ingest_bucket,
                Key=settings.articles_prefix + relative,
                Body=text.encode("utf-8"),
            )
            with meter.measuring() as tally:
                runtime.drain()
            seconds.append(time.perf_counter() - started)
            tallies.append(tally)
        if runtime.failures:
            raise RuntimeError(f"{runtime.failures} deliveries failed during the publishes")
    return _summarise(size, seconds, tallies, seed_seconds)


def _summarise(
    size: int, seconds: list[float], tallies: list[Tally], seed_seconds: float
) -> PublishResult:
    count = len(tallies)
    calls: Counter[str] = Counter()
    runtime_calls = 0
    function_seconds: dict[str, float] = defaultdict(float)
    invocations: dict[str, float] = defaultdict(float)
    for tally in tallies:
        calls.update(tally.function_calls())
        runtime_calls += sum(tally.runtime_calls().values())
        for function, busy in tally.invocations:
            function_seconds[function] += busy
            invocations[function] += 1
    return PublishResult(
        articles=size,
        seconds=seconds,
        calls=Counter({op: n / count for op, n in calls.items()}),
        objects_written=sum(t.objects_written for t in tallies) / count,
        paths_invalidated=sum(t.paths_invalidated for t in tallies) / count,
        function_seconds={f: s / count for f, s in function_seconds.items()},
        invocations={f: n / count for f, n in invocations.items()},
        runtime_calls=runtime_calls / count,
        write_units=sum(t.write_units for t in tallies) / count,
        read_units=sum(t.read_units for t in tallies) / count,
        seed_seconds=seed_seconds,
    )
