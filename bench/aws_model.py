"""An AWS-scale model of a bulk import: 10,000 articles uploaded within seconds, in random order
(`aws s3 sync` of an old blog), for the OLD design and the NEW design as built and shipped.

The emulator behind `pressroom build` runs one function at a time, answers every call at once
and never times out; AWS does none of that. This is a discrete-event simulation (SimPy) of the
same import on AWS: S3 notifications queue up in SQS; up to `ingest_concurrency` ingest
invocations take batches of up to 100 messages and run the keys one after another; DynamoDB
transactions conflict the way DynamoDB's do (an item in another transaction still in flight
cancels the transaction with TransactionConflict; a condition on a value that moved cancels it
with ConditionalCheckFailed); the table's stream feeds one listing invocation per shard and
ParallelizationFactor lane; every invocation has a 60 s timeout; failed messages come back after
the visibility timeout and go to the dead-letter queue after 5 receives; failed stream batches
are bisected and retried.

OLD design: `git show 45cfef2:layers/pressroom/pressroom/publishing/ingest.py` (and
`catalog.py`, `adapters/content_store.py`, `publishing/listings.py`), with the template of that
commit (ingest MaximumConcurrency 10, 1,024 MB, ParallelizationFactor 1): every article's
transaction updates the head of every listing it joins, the home head included, conditional on
the head's `next_seq` read just before; a lost race re-reads S3 and re-parses; the listing
function writes every page of a batch one PutObject at a time.

NEW design: the code since 80e57e7 (`publishing/listings.py`, `publishing/archive.py`,
`parallel.py`, `publishing/site_writer.py`) with today's template.yaml. The transaction holds
only the article's own items; a lost race re-plans from the table without re-reading S3; stream
records are the listing entries. Per listing of a batch (in the order of its first record) the
listing function reads the head (GetItem), counts the changed days (COUNT Queries,
`parallel.IN_FLIGHT` in flight), works out the pages to render with `archive.Layout` and
`archive.rerender` (the model calls the same `Layout` and reproduces `rerender`'s answer, and
charges the CPU `rerender` takes to find it), reads one Query per archive period to render,
renders, writes the pages whose bytes changed (PutObjects in flight) and saves the head
(conditional PutItem); then the tags and sitemap indexes a new tag or month owes. A time budget
(`listings.TIME_BUDGET_SHARE`) hands the records from the first listing it did not start back to
the stream, which delivers them again at once.

Everything the model assumes is in `Params`, with where each value comes from. Same seed, same
numbers. `python -m bench.aws_model [--articles N] [--seed S]` prints the tables.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import math
import os
import random
import zlib
from collections import deque
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import simpy

from pressroom.parallel import IN_FLIGHT
from pressroom.publishing.archive import FEED_SIZE, Layout, Spec
from pressroom.publishing.listings import TIME_BUDGET_SHARE

Listing = tuple[str, str]  # (kind, name): ("home", ""), ("month", "41"), ("tag", "7"), …
HOME: Listing = ("home", "")
_Z99 = 2.3263  # the standard normal's 99th percentile
NEWEST_DAY = date(2026, 11, 30)  # the corpus's day 0 (day n is n days earlier)


@dataclass(frozen=True)
class Latency:
    """A log-normal latency: most calls near the median, a tail to the 99th percentile."""

    median: float  # seconds
    p99: float  # seconds

    def __post_init__(self) -> None:
        object.__setattr__(self, "_mu", math.log(self.median))
        object.__setattr__(self, "_sigma", math.log(self.p99 / self.median) / _Z99)

    def draw(self, rng: random.Random) -> float:
        return math.exp(rng.gauss(self._mu, self._sigma))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Params:
    """Every assumption of the model. "AWS:" values are AWS documentation, quotas or this
    project's template.yaml; "ours:" values are this project's code, measurements or estimates.
    The defaults are what ships: the NEW code with today's template.yaml (`PREVIOUS_TEMPLATE`
    holds the settings it replaced, which the OLD row runs with)."""

    # -- the import ------------------------------------------------------------------------------
    articles: int = 10_000
    # ours: the scenario: `aws s3 sync` with enough concurrent requests to upload 10,000 small
    # files in ~5 s (the CLI's default of 10 concurrent requests would spread them over ~40 s).
    upload_seconds: float = 5.0
    # AWS: S3 event notifications "typically" arrive within seconds; we take 0.3 s, tail 2 s.
    s3_event_delay: Latency = Latency(0.3, 2.0)
    # AWS: S3 delivers notifications at least once. ours: 1% of keys get a second event, up to
    # `duplicate_delay` s later, so it usually reaches a different worker.
    duplicate_event_share: float = 0.01
    duplicate_delay: float = 2.0
    # ours: the bench corpus's shape (bench/corpus.py: 6 articles a day, Zipf tags 1.1, page 10),
    # with the brief's vocabulary: 1–5 tags of ~200, 1–2 authors of ~30.
    articles_per_day: float = 6.0
    tag_vocabulary: int = 200
    tag_exponent: float = 1.1
    tags_per_article: tuple[float, ...] = (0.25, 0.30, 0.25, 0.12, 0.08)  # P(1 tag) … P(5 tags)
    authors: int = 30
    author_exponent: float = 1.0
    second_author_share: float = 0.15
    page_size: int = 10  # ours: Settings.page_size
    feeds: int = 3  # ours: Atom, RSS and JSON feed per listing (paths.FEED_FILES)
    related_tags: int = 8  # ours: ingest._RELATED_TAGS (one Query per distinct tag per round)
    related_links: int = 5  # ours: ingest.RELATED_LIMIT (referrer items written per article)

    # -- service latencies (log-normal: median, 99th percentile) -----------------------------------
    # AWS: S3 performance guidelines: small requests have "median latencies often in the range
    # of tens of milliseconds" (hence their advice to retry a small GET/PUT after 2 s).
    s3_get: Latency = Latency(0.020, 0.120)
    s3_put: Latency = Latency(0.030, 0.200)  # PutObject; DeleteObject taken as the same
    # AWS: DynamoDB "single-digit millisecond" reads and writes; batches and queries a little
    # more; transactions do two phases and bill twice: ~14 items take ~20–40 ms.
    ddb_get: Latency = Latency(0.005, 0.025)
    ddb_batch_get: Latency = Latency(0.008, 0.040)
    ddb_query: Latency = Latency(0.006, 0.030)
    ddb_update: Latency = Latency(0.006, 0.030)  # UpdateItem; a conditional PutItem the same
    ddb_batch_write: Latency = Latency(0.010, 0.050)
    ddb_transact_14: Latency = Latency(0.028, 0.090)  # 14 items; scaled by 0.5 + items / 28
    # AWS: SQS API calls take ~10–20 ms in-region.
    sqs_receive: Latency = Latency(0.015, 0.060)
    sqs_send: Latency = Latency(0.012, 0.050)
    # AWS: stream records appear "in near-real time"; Lambda polls each shard 4 times a second.
    stream_delay: Latency = Latency(0.250, 1.000)

    # -- Lambda ------------------------------------------------------------------------------
    # AWS + ours: ~0.2–0.3 s of sandbox and runtime start, plus our measured 0.52–0.59 s of
    # handler import and first call (bench/results/results.md, cold start): 0.5–1.0 s, uniform.
    cold_start: tuple[float, float] = (0.5, 1.0)
    # AWS: a function gets CPU in proportion to memory, one vCPU at 1,769 MB (more memory adds
    # vCPUs single-threaded Python cannot use), so code measured on one full core locally runs
    # 1769 / memory_mb times as long below that. template.yaml: ingest and listing 1,769 MB
    # (the Globals.MemorySize of 1,024 MB before: ×1.73).
    memory_mb: int = 1769
    # ours: ~45 ms of parse + render per article measured locally on the ingest function
    # (template.yaml's comment on the ingest BatchSize); split 35 ms parse, 10 ms page render.
    parse_cpu: float = 0.035
    article_render_cpu: float = 0.010
    listing_render_cpu: float = 0.005  # ours: one listing page, feed or sitemap shard, measured
    timeout: float = 60.0  # AWS template.yaml: Globals.Function.Timeout
    horizon: float = 7200.0  # ours: the model stops here; an import not done by then is reported

    # -- ingest: SQS event source mapping (template.yaml) ---------------------------------------
    ingest_batch_size: int = 100  # BatchSize
    ingest_window: float = 1.0  # MaximumBatchingWindowInSeconds
    ingest_concurrency: int = 40  # ScalingConfig.MaximumConcurrency (10 before)
    visibility_timeout: float = 361.0  # IngestQueue.VisibilityTimeout
    max_receive_count: int = 5  # RedrivePolicy.maxReceiveCount, then the DLQ
    max_attempts: int = 8  # ours: ingest.MAX_ATTEMPTS rounds per invocation
    backoff_base: float = 0.05  # ours: min(2.0, 0.05 * 2**(attempt-1)) * random()
    backoff_cap: float = 2.0

    # -- listing: DynamoDB stream event source mapping -------------------------------------------
    # AWS: a new on-demand table starts with ~4 partitions (4,000 WCU at 1,000 per partition),
    # one stream shard each.
    shards: int = 4
    # AWS: ParallelizationFactor (1–10): that many concurrent batches per shard, records of one
    # partition key always in the same one, in order. template.yaml: 10 (not set before: 1).
    parallelization_factor: int = 10
    old_listing_batch_size: int = 1000  # template.yaml BatchSize (OLD)
    listing_batch_size: int = 3000  # template.yaml BatchSize (NEW), chosen from the table below
    listing_window: float = 5.0  # template.yaml MaximumBatchingWindowInSeconds
    listing_retries: int = 10  # template.yaml MaximumRetryAttempts, then the listing DLQ
    bisect_on_error: bool = True  # template.yaml BisectBatchOnFunctionError
    # NEW: the listing BatchSize candidates the model tries (it picks one).
    listing_batch_sizes: tuple[int, ...] = (300, 1000, 3000, 5000)
    # AWS: an event source mapping invokes once a batch reaches 6 MB, whatever its BatchSize.
    # ours: an entry's INSERT record (keys, card, metadata, DynamoDB JSON) is ~1.4 KB: ~4,490.
    payload_limit: int = 6 * 1024 * 1024
    stream_record_bytes: int = 1400
    fold_cpu: float = 0.00005  # ours: the runtime's JSON and `listings.fold` per record
    # ours (NEW): calls of one listing's render made side by side (`parallel.map_all`: a pool of
    # `in_flight` threads, the next call starting as one returns): the COUNT Queries, the
    # period Queries, the PutObjects and the DeleteObjects.
    in_flight: int = IN_FLIGHT
    # ours (NEW): `listings.render_batch`: no listing is started once this share of the time
    # left at the start is spent, or with less than `budget_slowest` × the slowest listing left.
    budget_share: float = TIME_BUDGET_SHARE
    budget_slowest: float = 2.0
    # ours (NEW): CPU of working out a listing's pages, measured locally on `archive` as of
    # 71e0fe2 (least squares over 150 random layouts of up to 1,667 days and 1,000 changed
    # days): `Layout(...).specs` ~17 µs a spec and 0.5 µs a day; `rerender` ~1 µs a spec
    # compared, and one `Layout.position` per changed day, which walks the periods (~165 ns
    # each) up to the day's, then every day of the listing (~165 ns each).
    layout_spec_cpu: float = 17e-6
    layout_day_cpu: float = 0.5e-6
    rerender_spec_cpu: float = 1e-6
    rerender_period_cpu: float = 165e-9
    rerender_day_cpu: float = 165e-9
    paths_per_message: int = 1500  # ours: queues._PATHS_PER_MESSAGE (invalidation messages)
    head_query_bytes: int = 1024 * 1024  # AWS: a Query returns at most 1 MB a page

    @property
    def cpu_scale(self) -> float:
        return max(1.0, 1769 / self.memory_mb)

    @property
    def listing_batch_limit(self) -> int:
        """Records the 6 MB payload limit lets into one stream batch."""
        return self.payload_limit // self.stream_record_bytes


# The template settings the shipped ones replaced (template.yaml before this change): the OLD
# row runs with them, and so does the row showing the NEW code without the template changes.
PREVIOUS_TEMPLATE: dict[str, Any] = {
    "ingest_concurrency": 10,
    "memory_mb": 1024,
    "parallelization_factor": 1,
}


def previous_template(p: Params) -> Params:
    return replace(p, **PREVIOUS_TEMPLATE)


@dataclass(frozen=True)
class Article:
    key: str
    day: int
    listings: tuple[Listing, ...]  # home, month, tags, authors


def corpus(p: Params, seed: int) -> list[Article]:
    """The import's articles, by publish order (six a day going back in time)."""
    rng = random.Random(f"corpus-{seed}")
    tag_cum = _cumulative([1 / rank**p.tag_exponent for rank in range(1, p.tag_vocabulary + 1)])
    author_cum = _cumulative([1 / rank**p.author_exponent for rank in range(1, p.authors + 1)])
    articles = []
    for index in range(p.articles):
        day = int(index / p.articles_per_day)
        tags = _distinct(rng, tag_cum, rng.choices(range(1, 6), p.tags_per_article)[0])
        authors = _distinct(rng, author_cum, 2 if rng.random() < p.second_author_share else 1)
        listings = (
            HOME,
            ("month", str(day // 30)),
            *(("tag", str(tag)) for tag in tags),
            *(("author", str(author)) for author in authors),
        )
        articles.append(Article(f"articles/{index:05d}.md", day, listings))
    return articles


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _distinct(rng: random.Random, cum: list[float], count: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < min(count, len(cum)):
        pick = rng.choices(range(len(cum)), cum_weights=cum)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def day_of(day: int) -> str:
    """The corpus's day `day` as the listing code keys it ("YYYY-MM-DD")."""
    return (NEWEST_DAY - timedelta(days=day)).isoformat()


@dataclass(frozen=True)
class PagePlan:
    """`archive.rerender(old, new, changed_days)`'s answer, and the steps it takes to find it."""

    render: dict[str, Spec]  # path → spec: what to render
    delete: list[str]  # paths no longer published
    compares: int  # specs compared with the old layout's
    periods_scanned: int  # `Layout.position`: periods tried before the day's own
    days_summed: int  # `Layout.position`: days of the listing walked to count those before


def plan_pages(old: Layout, new: Layout, changed_days: Iterable[str]) -> PagePlan:
    """The pages `archive.rerender(old, new, changed_days)` asks to render and delete, found
    without `Layout.position`'s scans (the model plans every listing render of an import), with
    a count of the steps `rerender` itself takes: `new.position(day)` once per changed day, each
    walking the periods oldest first and then every day of the listing; a spec compared per
    page; the days sorted by `newest_floor` for the root and the feeds when their specs are
    unchanged. `tests/bench/test_aws_model.py` checks the answer against `rerender`'s."""
    changed = sorted(set(changed_days))
    leaves = new.leaves
    index = {period: number for number, (period, _) in enumerate(leaves)}
    first: dict[str, str] = {}  # period → its first changed day
    scanned = summed = 0
    for day in changed:
        period = _period_of(day, index)
        if period is None:
            scanned += len(leaves)
            continue
        scanned += index[period] + 1
        summed += len(new.days)
        first.setdefault(period, day)
    moved_from = dict.fromkeys(first, 0)  # entries of the period before its first change
    for day, count in new.days.items():
        period = _period_of(day, first)
        if period is not None and day < first[period]:
            moved_from[period] += count
    render: dict[str, Spec] = {}
    floors: dict[int, str] = {}
    for path, spec in new.specs.items():
        if old.specs.get(path) != spec:
            render[path] = spec
        elif spec.kind in ("root", "feeds"):
            count = new.root_count if spec.kind == "root" else FEED_SIZE
            if count not in floors:
                floors[count] = new.newest_floor(count)
            summed += len(new.days)  # `newest_floor` sorts the days
            if any(day >= floors[count] for day in changed):
                render[path] = spec
        elif spec.page is not None and moved_from.get(spec.page.period, spec.page.stop) < (
            spec.page.stop
        ):
            render[path] = spec
    deleted = sorted(set(old.specs) - set(new.specs))
    return PagePlan(render, deleted, len(new.specs), scanned, summed)


def _period_of(day: str, periods: dict[str, Any]) -> str | None:
    """Which of `periods` (leaves of one layout, or some of them) holds `day`, if any."""
    for period in (day[:4], day[:7], day):
        if period in periods:
            return period
    return None


def _base(listing: Listing) -> str:
    """The listing's root path (`paths.listing_path`'s shape; only the page names depend on it)."""
    kind, name = listing
    return "/" if kind == "home" else f"/{kind}s/{name}/"


@dataclass
class _Message:
    key: str
    receives: int = 0


@dataclass(frozen=True)
class _Record:
    """One stream record the listing function gets: a head update (OLD) or an entry (NEW)."""

    listing: Listing
    day: int  # the article's publish day (NEW: the changed day)
    pages: frozenset[int]  # OLD: the archive pages the head change touched
    new_listing: bool  # the listing's first article (a tag appears on the tags index)


@dataclass
class _Lane:
    """One shard's records (or, with a ParallelizationFactor, one of its concurrent batches)."""

    records: list[_Record] = field(default_factory=list)
    available: list[float] = field(default_factory=list)  # non-decreasing
    deferrals: list[int] = field(default_factory=list)  # per record: partial-batch redeliveries
    busy: float = 0.0  # seconds of listing invocations
    settled: int = 0  # records handled for good (rendered or sent to the listing DLQ)
    listings: dict[Listing, int] = field(default_factory=dict)  # records per listing


@dataclass
class Outcome:
    """One design's import, as the model saw it."""

    design: str
    articles: int
    ingest_concurrency: int
    listing_batch_size: int
    published: int
    seconds: float  # from the first upload to the last page or listing written
    transaction_attempts: int
    conflicts: int  # TransactionConflict: another transaction on one of the items in flight
    condition_failures: int  # ConditionalCheckFailed: a head moved since it was read
    dlq_messages: int  # ingest messages in the ingest DLQ
    dlq_records: int  # stream records sent to the listing DLQ
    ingest_invocations: int
    listing_invocations: int
    longest_ingest: float
    longest_listing: float
    ingest_timeouts: int
    listing_timeouts: int
    partial_returns: int  # NEW: listing invocations that stopped early on the time budget
    max_deferrals: int  # NEW: most partial-batch redeliveries of one stream record
    listing_pages: int  # objects the listing function wrote (OLD: every page it rendered)
    timeout: float
    horizon: float  # when the model stops
    finished: bool  # every article published or in the DLQ, every record handled, by `horizon`
    ingest_seconds: float  # when the last article page was written
    busiest_lane: float  # seconds of listing invocations on the busiest stream lane
    busiest_lane_records: int
    busiest_lane_top: str  # the listing with most records on that lane, e.g. "home 10,000"
    lanes: int
    listing_records: int  # stream records (one per listing an article joins)
    listing_settled: int  # of which handled for good by the end (rendered or in the DLQ)
    listing_renders: int  # NEW: listings rendered (one listing of one invocation each)
    redone_renders: int  # NEW: of which renders of a listing whose counts had not moved
    pages_cpu: float  # NEW: listing CPU seconds spent working out the pages (Layout, rerender)
    render_cpu: float  # NEW: listing CPU seconds spent rendering

    @property
    def articles_per_second(self) -> float:
        return self.published / self.seconds if self.seconds else 0.0

    @property
    def attempts_per_article(self) -> float:
        return self.transaction_attempts / self.articles

    @property
    def ingest_rate(self) -> float:
        """Articles per second through ingest alone (the last article page)."""
        return self.published / self.ingest_seconds if self.ingest_seconds else 0.0

    @property
    def timeouts(self) -> int:
        return self.ingest_timeouts + self.listing_timeouts

    @property
    def longest_share(self) -> float:
        return max(self.longest_ingest, self.longest_listing) / self.timeout


class _Model:
    def __init__(
        self, p: Params, design: str, articles: list[Article], seed: int, listing_batch_size: int
    ) -> None:
        assert design in ("old", "new")
        self.p, self.design, self.old = p, design, design == "old"
        self.listing_batch_size = p.old_listing_batch_size if self.old else listing_batch_size
        self.env = simpy.Environment()
        self.rng = random.Random(f"{design}-{seed}")
        self.articles = {article.key: article for article in articles}
        self.dates = [day_of(day) for day in range(max((a.day for a in articles), default=0) + 1)]
        # The table: item versions (source states, OLD listing heads), in-flight transactions.
        self.versions: dict[tuple[str, Any], int] = {}
        self.locked_until: dict[tuple[str, Any], float] = {}
        self.listing_count: dict[Listing, int] = {}  # entries committed (OLD: the head's next_seq)
        # NEW: entries committed per listing and day (what a COUNT Query finds), and per listing
        # the layout its head records (what it was last rendered from).
        self.entries: dict[Listing, dict[str, int]] = {}
        self.heads: dict[Listing, Layout] = {}
        self.committed: set[str] = set()
        self.synced: set[str] = set()
        # SQS
        self.visible: deque[_Message] = deque()
        self.arrival = self.env.event()
        # the stream
        lanes = p.shards * p.parallelization_factor
        self.lanes = [_Lane() for _ in range(lanes)]
        self.lane_events = [self.env.event() for _ in range(lanes)]
        # what happened
        self.last_write = self.last_article_page = 0.0
        self.txn_attempts = self.conflicts = self.condition_failures = 0
        self.dlq_messages = self.dlq_records = 0
        self.dlq_keys: set[str] = set()
        self.ingest_durations: list[float] = []
        self.listing_durations: list[float] = []
        self.ingest_timeouts = self.listing_timeouts = 0
        self.partial_returns = self.listing_pages = self.listing_renders = 0
        self.redone_renders = 0  # NEW: renders of a listing whose counts had not changed
        self.cpu_pages = self.cpu_render = 0.0  # NEW: listing CPU s: pages worked out, rendered

    # -- draws ---------------------------------------------------------------------------------

    def _d(self, latency: Latency, times: int = 1) -> float:
        if times == 1:
            return latency.draw(self.rng)
        return sum(latency.draw(self.rng) for _ in range(times))

    def _cpu(self, seconds: float, times: int = 1) -> float:
        return seconds * self.p.cpu_scale * times

    # -- uploads and SQS -----------------------------------------------------------------------

    def _uploads(self) -> Generator[simpy.Event, Any, None]:
        p, rng = self.p, self.rng
        keys = list(self.articles)
        rng.shuffle(keys)
        times = sorted(rng.uniform(0, p.upload_seconds) for _ in keys)
        events = [(t + p.s3_event_delay.draw(rng), key) for t, key in zip(times, keys, strict=True)]
        events += [
            (t + rng.uniform(0, p.duplicate_delay), key)
            for t, key in events
            if rng.random() < p.duplicate_event_share
        ]
        for at, key in sorted(events):
            yield self.env.timeout(max(0.0, at - self.env.now))
            self._make_visible(_Message(key))

    def _make_visible(self, message: _Message) -> None:
        if message.receives >= self.p.max_receive_count:
            self.dlq_messages += 1  # SQS moves it to the DLQ instead of delivering it again
            self.dlq_keys.add(message.key)
            return
        self.visible.append(message)
        self._wake_ingest()

    def _wake_ingest(self) -> None:
        if not self.arrival.triggered:
            self.arrival.succeed()
        self.arrival = self.env.event()

    def _reappear(self, messages: list[_Message], at: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(max(0.0, at - self.env.now))
        for message in messages:
            self._make_visible(message)

    # -- ingest ----------------------------------------------------------------------------------

    def _ingest_worker(self) -> Generator[simpy.Event, Any, None]:
        """One unit of the event source mapping's concurrency: gather a batch, invoke, settle."""
        p, env = self.p, self.env
        warm = False
        while True:
            while not self.visible:
                yield self.arrival
            opened = env.now
            while len(self.visible) < p.ingest_batch_size and env.now < opened + p.ingest_window:
                yield self.arrival | env.timeout(opened + p.ingest_window - env.now)
            batch = [
                self.visible.popleft() for _ in range(min(p.ingest_batch_size, len(self.visible)))
            ]
            if not batch:
                continue  # another worker took them
            for message in batch:
                message.receives += 1
            received = env.now
            yield env.timeout(self._d(p.sqs_receive))
            if not warm:
                yield env.timeout(self.rng.uniform(*p.cold_start))  # init: not in the timeout
            started = env.now
            failed: set[str] = set()
            handler = env.process(self._ingest(list(dict.fromkeys(m.key for m in batch)), failed))
            yield handler | env.timeout(p.timeout)
            self.ingest_durations.append(env.now - started)
            if handler.is_alive:  # killed at the timeout: the whole batch comes back
                handler.interrupt()
                self.ingest_timeouts += 1
                warm = False  # Lambda replaces a timed-out execution environment
                failed = {m.key for m in batch}
            else:
                warm = True
            again = [m for m in batch if m.key in failed]
            if again:  # reported failed (or timed out): visible again after the timeout
                env.process(self._reappear(again, received + p.visibility_timeout))

    def _ingest(self, keys: list[str], failed: set[str]) -> Generator[simpy.Event, Any, None]:
        """`sync_sources`: rounds of commits (one key after another), then the round's pages."""
        p, env = self.p, self.env
        parsed: set[str] = set()  # NEW: a lost race re-plans without reading S3 again
        pending = keys
        try:
            for attempt in range(p.max_attempts):
                if attempt:
                    pause = min(p.backoff_cap, p.backoff_base * 2 ** (attempt - 1))
                    yield env.timeout(pause * self.rng.random())
                yield env.timeout(self._d(p.ddb_batch_get, -(-len(pending) // 100)))
                states = {
                    key: (key in self.synced, key in self.committed, self._version(("SRC", key)))
                    for key in pending
                }
                done: list[str] = []
                retry: list[str] = []
                for key in pending:
                    synced, committed, version = states[key]
                    if synced:
                        continue  # the sequencer says the site is up to date: nothing read
                    work = 0.0
                    if self.old or key not in parsed:
                        work += self._d(p.s3_get) + self._cpu(p.parse_cpu)
                        parsed.add(key)
                    if committed:  # another worker committed it: project its revision
                        yield env.timeout(work)
                        done.append(key)
                        continue
                    work += self._d(p.ddb_get)  # slug owner (a new source has no live article)
                    if self.old:
                        work += self._d(p.ddb_batch_get)  # the heads of the listings it joins
                    yield env.timeout(work)
                    expected: dict[tuple[str, Any], int] = {("SRC", key): version}
                    if self.old:
                        for listing in self.articles[key].listings:
                            expected[("DIR", listing)] = self._version(("DIR", listing))
                    if (yield env.process(self._transact(key, expected))):
                        done.append(key)
                    else:
                        retry.append(key)
                if done:
                    yield from self._project(done)
                pending = retry
                if not pending:
                    break
            failed.update(pending)
        except simpy.Interrupt:
            return

    def _version(self, item: tuple[str, Any]) -> int:
        return self.versions.get(item, 0)

    def _transact(
        self, key: str, expected: dict[tuple[str, Any], int]
    ) -> Generator[simpy.Event, Any, bool]:
        """One TransactWriteItems; it runs to the end on DynamoDB's side even if the invocation
        that sent it is killed meanwhile. A committing transaction holds its items until it
        returns; a cancelled one holds nothing (the kind assumption: it favours OLD)."""
        p, env = self.p, self.env
        article = self.articles[key]
        listings = len(article.listings)
        # OLD: source, article, an entry and a head per listing; NEW: source, article, slug and
        # an entry per listing. Entries are the article's own: only `expected` items can clash.
        items = 2 + 2 * listings if self.old else 3 + listings
        latency = self._d(p.ddb_transact_14) * (0.5 + items / 28)
        self.txn_attempts += 1
        now = env.now
        if any(self.locked_until.get(item, 0.0) > now for item in expected):
            self.conflicts += 1
            yield env.timeout(latency)
            return False
        if any(self._version(item) != version for item, version in expected.items()):
            self.condition_failures += 1
            yield env.timeout(latency)
            return False
        for item in expected:
            self.locked_until[item] = now + latency
        yield env.timeout(latency)
        for item in expected:
            self.versions[item] = self._version(item) + 1
        self.committed.add(key)
        self._to_stream(article)
        return True

    def _project(self, keys: list[str]) -> Generator[simpy.Event, Any, None]:
        """`_project` and the marks: related reads, renders, page writes one at a time, the page
        hashes, the invalidation message, then each key marked synced."""
        p, env = self.p, self.env
        n = len(keys)
        tags = {
            listing
            for key in keys
            for listing in [x for x in self.articles[key].listings if x[0] == "tag"][
                : p.related_tags
            ]
        }
        yield env.timeout(
            self._d(p.ddb_query, len(tags))
            + self._cpu(p.article_render_cpu, n)
            + self._d(p.ddb_batch_write, -(-n * p.related_links // 25))
            + self._d(p.ddb_batch_get, -(-(n + 2) // 100))
        )
        for _ in keys:
            yield env.timeout(self._d(p.s3_put))
            self.last_write = max(self.last_write, env.now)
            self.last_article_page = max(self.last_article_page, env.now)
        yield env.timeout(self._d(p.sqs_send) + self._d(p.ddb_batch_write, -(-n // 25)))
        for key in keys:
            yield env.timeout(self._d(p.ddb_update))
            self.synced.add(key)

    # -- the stream ------------------------------------------------------------------------------

    def _to_stream(self, article: Article) -> None:
        now, size = self.env.now, self.p.page_size
        for listing in article.listings:
            seq = self.listing_count.get(listing, 0)
            self.listing_count[listing] = seq + 1
            pages: frozenset[int] = frozenset()
            if self.old:  # catalog._head_change: the seq's page, and the one before if it opened
                page = seq // size + 1
                pages = frozenset({page, page - 1} if seq % size == 0 and page > 1 else {page})
            if not self.old:
                counts = self.entries.setdefault(listing, {})
                counts[self.dates[article.day]] = counts.get(self.dates[article.day], 0) + 1
            record = _Record(listing, article.day, pages, new_listing=seq == 0)
            # OLD: heads share a partition per kind (pk DIR#<kind>); NEW: one per listing.
            pk = f"DIR#{listing[0]}" if self.old else f"LST#{listing[0]}:{listing[1]}"
            shard = zlib.crc32(pk.encode()) % self.p.shards
            index = shard * self.p.parallelization_factor + (
                zlib.crc32(f"{pk}#batch".encode()) % self.p.parallelization_factor
            )
            lane = self.lanes[index]
            ready = now + self._d(self.p.stream_delay)
            lane.records.append(record)
            lane.available.append(max(ready, lane.available[-1] if lane.available else 0.0))
            lane.deferrals.append(0)
            lane.listings[listing] = lane.listings.get(listing, 0) + 1
            event = self.lane_events[index]
            if not event.triggered:
                event.succeed()
            self.lane_events[index] = self.env.event()

    def _listing_worker(self, index: int) -> Generator[simpy.Event, Any, None]:
        """The event source mapping on one lane: batches in order, one invocation at a time;
        a failed batch is bisected and retried, then sent to the listing DLQ."""
        p, env = self.p, self.env
        lane = self.lanes[index]
        size = min(self.listing_batch_size, p.listing_batch_limit)
        position = 0  # the next record not yet handed to the function
        retries: deque[tuple[int, int, int]] = deque()  # (start, end, failed attempts)
        warm = False
        while True:
            if retries:
                start, end, attempts = retries.popleft()
            else:
                while self._ready(lane, position) == 0:
                    yield self._next_record(index, lane, position)
                opened = env.now
                while self._ready(lane, position) < size and env.now < opened + p.listing_window:
                    yield self._next_record(index, lane, position, opened + p.listing_window)
                start, end, attempts = (
                    position,
                    position + min(size, self._ready(lane, position)),
                    0,
                )
                position = end
            if not warm:
                yield env.timeout(self.rng.uniform(*p.cold_start))
            batch = lane.records[start:end]
            if self.old:
                work, stop = self._old_listing(batch), None
            else:
                work, stop = self._new_listing(batch)
            self.listing_durations.append(min(work, p.timeout))
            lane.busy += min(work, p.timeout)
            yield env.timeout(min(work, p.timeout))
            if work > p.timeout:  # timed out: the whole batch again (NEW: the heads saved stay)
                self.listing_timeouts += 1
                warm = False
                if attempts + 1 > p.listing_retries:
                    self.dlq_records += end - start
                    lane.settled += end - start
                elif p.bisect_on_error and end - start > 1:
                    middle = (start + end) // 2
                    retries.extendleft([(middle, end, attempts + 1), (start, middle, attempts + 1)])
                else:
                    retries.appendleft((start, end, attempts + 1))
                continue
            warm = True
            self.last_write = max(self.last_write, env.now)
            lane.settled += (end - start) if stop is None else stop
            if stop is not None:  # a partial batch response: the rest again, at once
                self.partial_returns += 1
                for i in range(start + stop, end):
                    lane.deferrals[i] += 1
                retries.appendleft((start + stop, end, attempts))

    def _ready(self, lane: _Lane, position: int) -> int:
        return bisect.bisect_right(lane.available, self.env.now) - position

    def _next_record(
        self, index: int, lane: _Lane, position: int, deadline: float | None = None
    ) -> simpy.Event:
        """What to wait for: the next record's arrival on the lane, or `deadline`."""
        waits: list[float] = [] if deadline is None else [deadline]
        upcoming = position + max(0, self._ready(lane, position))
        if upcoming < len(lane.available):
            waits.append(lane.available[upcoming])
        if waits:
            return self.lane_events[index] | self.env.timeout(max(0.0, min(waits) - self.env.now))
        return self.lane_events[index]

    def _old_listing(self, batch: Sequence[_Record]) -> float:
        """`render_listings` at 45cfef2: per listing its newest entries, root and feeds, each
        touched archive page; the tags index and sitemap index; then every page written one
        PutObject after another (`SiteWriter.apply`)."""
        p = self.p
        touched: dict[Listing, set[int]] = {}
        new_tag = False
        for record in batch:
            touched.setdefault(record.listing, set()).update(record.pages)
            new_tag |= record.listing[0] == "tag" and record.new_listing
        work = self._d(p.ddb_batch_get, -(-len(touched) // 100))
        pages = 0
        for listing, numbers in sorted(touched.items()):
            if listing[0] == "month":  # its sitemap shard: every entry of the month
                work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu)
                pages += 1
                continue
            work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu, 1 + p.feeds)
            pages += 1 + p.feeds
            page_count = -(-self.listing_count.get(listing, 0) // p.page_size)
            if page_count > 1:
                archive = sum(1 for n in numbers if 1 <= n <= page_count)
                work += self._d(p.ddb_query, archive) + self._cpu(p.listing_render_cpu, archive)
                pages += archive
        if new_tag:  # the tags index
            work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu)
            pages += 1
        if any(listing[0] == "month" for listing in touched):  # sitemap index and robots.txt
            work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu, 2)
            pages += 2
        work += self._d(p.ddb_batch_get, -(-pages // 100))
        work += self._d(p.s3_put, pages)
        work += self._d(p.sqs_send) + self._d(p.ddb_batch_write, -(-pages // 25))
        self.listing_pages += pages
        return work

    def _new_listing(self, batch: Sequence[_Record]) -> tuple[float, int | None]:
        """`listings.render_batch`: the batch folded per listing, the listings rendered in the
        order of their first record, each only if the time budget allows; then the indexes a
        new tag or month owes, and the heads that owed them settled. Returns the invocation's
        duration and, when the budget stopped it, the position of the first record handed back
        (every record from there on comes back, those of listings already rendered included).
        If the invocation times out, only the heads saved before the timeout stay saved."""
        p = self.p
        folded: dict[Listing, tuple[int, set[str]]] = {}
        for position, record in enumerate(batch):
            folded.setdefault(record.listing, (position, set()))[1].add(self.dates[record.day])
        work = started = self._cpu(p.fold_cpu, len(batch))
        budget = p.budget_share * (p.timeout - started)
        slowest = 0.0
        stop: int | None = None
        saved: list[tuple[float, Listing, Layout, int]] = []  # (at, listing, head, pages written)
        owed: set[str] = set()
        owing = 0
        for listing, (first, days) in folded.items():
            spent = work - started
            if spent and (spent >= budget or p.timeout - work < p.budget_slowest * slowest):
                stop = first
                break
            took, head, written, owes = self._render_listing(listing, days)
            work += took
            slowest = max(slowest, took)
            saved.append((work, listing, head, written))
            if owes:
                owed.add(owes)
                owing += 1
        for name in sorted(owed):
            work += self._render_index(name)
        work += self._d(p.ddb_update, owing)  # `settle_head` of each head that owed them
        for at, listing, head, written in saved:
            if at <= p.timeout:
                self.heads[listing] = head
                self.listing_pages += written
        return work, stop

    def _render_listing(
        self, listing: Listing, changed_days: set[str]
    ) -> tuple[float, Layout, int, str]:
        """`listings.render_listing`: the head, a COUNT per changed day, the pages `rerender`
        names (their entries read a period at a time), rendered; the objects whose bytes changed
        written, those gone deleted; the head saved. Returns the time it took, the head's new
        layout, the objects written and the index it owes ("tags", "sitemap" or "")."""
        p = self.p
        changed = sorted(changed_days)
        old = self.heads.get(listing) or Layout({}, p.page_size, _base(listing))
        counts = self.entries.get(listing, {})
        # The days whose count moved: only those change any object's bytes (the site writer
        # skips an object whose hash is unchanged: a listing rendered again writes nothing).
        moved = [day for day in changed if old.days.get(day, 0) != counts.get(day, 0)]
        new = old  # the same counts: the same layout (the model builds it once)
        if moved:
            now = {**old.days, **{day: counts.get(day, 0) for day in moved}}
            new = Layout({day: n for day, n in now.items() if n > 0}, p.page_size, old.base)
        self.listing_renders += 1
        self.redone_renders += not moved
        took = self._d(p.ddb_get) + self._pool(p.ddb_query, len(changed))
        if listing[0] == "month":  # its sitemap shard (here of 30 days): one Query, one object
            render = self._cpu(p.listing_render_cpu)
            written = 1 if moved else 0
            took += self._d(p.ddb_query) + render + self._apply(1, written, 0)
        else:
            plan = plan_pages(old, new, changed)
            pages_cpu = self._layout_cpu(old) + self._layout_cpu(new) + self._rerender_cpu(plan)
            if not moved:
                changes: dict[str, Spec] = {}
            elif len(moved) == len(changed):
                changes = plan.render
            else:
                changes = plan_pages(old, new, moved).render
            objects, written = self._objects(plan.render), self._objects(changes)
            deleted = self._objects(plan.delete)
            newest = any(spec.kind in ("root", "feeds") for spec in plan.render.values())
            periods = {spec.page.period for spec in plan.render.values() if spec.page is not None}
            render = self._cpu(p.listing_render_cpu, objects)
            took += pages_cpu + self._d(p.ddb_query, int(newest))
            took += self._pool(p.ddb_query, len(periods)) + render
            took += self._apply(objects, written, deleted)
            self.cpu_pages += pages_cpu
        self.cpu_render += render
        took += self._d(p.ddb_update)  # `save_head`: a conditional PutItem
        owes = ""
        if listing[0] in ("tag", "month") and not old.days and new.days:
            owes = "tags" if listing[0] == "tag" else "sitemap"
        return took, new, written, owes

    def _objects(self, paths: Iterable[str]) -> int:
        """Site objects behind `Layout.specs` paths (the feeds stand for three)."""
        return sum(self.p.feeds if path.endswith("#feeds") else 1 for path in paths)

    def _layout_cpu(self, layout: Layout) -> float:
        """`Layout(...)` and its specs, built from scratch (each render builds two)."""
        p = self.p
        if not layout.days:
            return 0.0
        return self._cpu(
            p.layout_spec_cpu * len(layout.specs) + p.layout_day_cpu * len(layout.days)
        )

    def _rerender_cpu(self, plan: PagePlan) -> float:
        p = self.p
        return self._cpu(
            p.rerender_spec_cpu * plan.compares
            + p.rerender_period_cpu * plan.periods_scanned
            + p.rerender_day_cpu * plan.days_summed
        )

    def _render_index(self, name: str) -> float:
        """`listings.render_index`: the tags index (every tag's head) or the sitemap index and
        robots.txt (every month's head), on a version check."""
        p = self.p
        kind = "tag" if name == "tags" else "month"
        heads = [head for listing, head in self.heads.items() if listing[0] == kind]
        size = sum(120 + 24 * len(head.days) for head in heads)  # ours: a head item's bytes
        outputs = 1 if name == "tags" else 2
        work = self._d(p.ddb_get)  # `render_version`
        work += self._d(p.ddb_query, max(1, -(-size // p.head_query_bytes)))  # `heads_of_kind`
        work += self._cpu(p.listing_render_cpu, outputs) + self._apply(outputs, 1, 0)
        self.listing_pages += 1
        return work + self._d(p.ddb_update)  # `claim_render`

    def _apply(self, outputs: int, written: int, deleted: int) -> float:
        """`SiteWriter.apply`: the page hashes read (100 keys a BatchGetItem, one after
        another), the changed objects put and the gone ones deleted (`in_flight` at a time),
        the changed paths announced (an invalidation message) and their hashes recorded (25 a
        BatchWriteItem, one after another)."""
        p = self.p
        if not outputs and not deleted:
            return 0.0
        work = self._d(p.ddb_batch_get, -(-(outputs + deleted) // 100))
        work += self._pool(p.s3_put, written) + self._pool(p.s3_put, deleted)
        if written or deleted:
            work += self._d(p.sqs_send, -(-(written + deleted) // p.paths_per_message))
            work += self._d(p.ddb_batch_write, -(-(written + deleted) // 25))
        return work

    def _pool(self, latency: Latency, count: int) -> float:
        """`parallel.map_all`: `count` calls on a pool of `in_flight` threads, each thread
        taking the next call as its last returns (one call alone runs inline)."""
        if count <= 1:
            return self._d(latency, count)
        finish = [0.0] * min(self.p.in_flight, count)
        for _ in range(count):
            heapq.heapreplace(finish, finish[0] + self._d(latency))
        return max(finish)

    # -- run -------------------------------------------------------------------------------------

    def run(self) -> Outcome:
        env, p = self.env, self.p
        env.process(self._uploads())
        for _ in range(p.ingest_concurrency):
            env.process(self._ingest_worker())
        for index in range(len(self.lanes)):
            env.process(self._listing_worker(index))
        env.run(until=p.horizon)
        busiest = max(self.lanes, key=lambda lane: lane.busy)
        top = max(busiest.listings, key=lambda listing: busiest.listings[listing], default=HOME)
        return Outcome(
            design=self.design.upper(),
            articles=len(self.articles),
            ingest_concurrency=p.ingest_concurrency,
            listing_batch_size=self.listing_batch_size,
            published=len(self.synced),
            seconds=self.last_write,
            transaction_attempts=self.txn_attempts,
            conflicts=self.conflicts,
            condition_failures=self.condition_failures,
            dlq_messages=self.dlq_messages,
            dlq_records=self.dlq_records,
            ingest_invocations=len(self.ingest_durations),
            listing_invocations=len(self.listing_durations),
            longest_ingest=max(self.ingest_durations, default=0.0),
            longest_listing=max(self.listing_durations, default=0.0),
            ingest_timeouts=self.ingest_timeouts,
            listing_timeouts=self.listing_timeouts,
            partial_returns=self.partial_returns,
            max_deferrals=max((max(lane.deferrals, default=0) for lane in self.lanes), default=0),
            listing_pages=self.listing_pages,
            timeout=p.timeout,
            horizon=p.horizon,
            finished=len(self.synced | self.dlq_keys) == len(self.articles)
            and all(lane.settled == len(lane.records) for lane in self.lanes),
            ingest_seconds=self.last_article_page,
            busiest_lane=busiest.busy,
            busiest_lane_records=len(busiest.records),
            busiest_lane_top=(
                f"{' '.join(top).strip()} {busiest.listings[top]:,}" if busiest.listings else ""
            ),
            lanes=len(self.lanes),
            listing_records=sum(len(lane.records) for lane in self.lanes),
            listing_settled=sum(lane.settled for lane in self.lanes),
            listing_renders=self.listing_renders,
            redone_renders=self.redone_renders,
            pages_cpu=self.cpu_pages,
            render_cpu=self.cpu_render,
        )


def simulate(
    design: str, p: Params | None = None, seed: int = 9, listing_batch_size: int = 1000
) -> Outcome:
    """One import of `p.articles` articles on AWS under `design` ("old" or "new")."""
    p = p or Params()
    return _Model(p, design, corpus(p, seed), seed, listing_batch_size).run()


# -- the runs and the tables ----------------------------------------------------------------------

SPEED_TARGET = 100.0  # articles per second, end to end
SHARE_TARGET = 0.5  # of the timeout, for the longest invocation of either function


@dataclass
class Report:
    """The model's answer: OLD; NEW as shipped, with each listing BatchSize tried; and the NEW
    code without the template changes, at the BatchSize chosen for the shipped one."""

    params: Params  # as shipped
    seed: int
    old: Outcome  # OLD, with the template it had (`PREVIOUS_TEMPLATE`)
    shipped: list[Outcome]  # NEW as shipped, one per `params.listing_batch_sizes`
    unchanged_template: Outcome  # the NEW code with `PREVIOUS_TEMPLATE`, at `new`'s BatchSize

    @property
    def new(self) -> Outcome:
        """NEW as shipped: at the template's listing BatchSize."""
        return _at(self.shipped, self.params.listing_batch_size)

    @property
    def chosen(self) -> int | None:
        """The listing BatchSize the model would ship: within limits with the best throughput,
        if any."""
        best = _pick(self.shipped)
        return best.listing_batch_size if within_limits(best) else None

    @property
    def rows(self) -> list[tuple[str, Outcome]]:
        return [
            ("OLD (45cfef2, with its template)", self.old),
            ("NEW as shipped", self.new),
            ("NEW without the template changes", self.unchanged_template),
        ]


def within_limits(outcome: Outcome) -> bool:
    """Finished, nothing in either DLQ, no timeout, every invocation within half its timeout."""
    return (
        outcome.finished
        and outcome.published == outcome.articles
        and outcome.dlq_messages == outcome.dlq_records == 0
        and outcome.timeouts == 0
        and outcome.longest_share <= SHARE_TARGET
    )


def _at(outcomes: list[Outcome], batch_size: int) -> Outcome:
    [found] = [o for o in outcomes if o.listing_batch_size == batch_size]
    return found


def _pick(outcomes: list[Outcome]) -> Outcome:
    """The BatchSize with the best throughput among those within limits (else the fastest)."""
    return max(outcomes, key=lambda o: (within_limits(o), o.finished, o.articles_per_second))


def targets(outcome: Outcome) -> list[tuple[str, str, bool]]:
    """The NEW design's targets: (target, measured, held)."""
    longest = max((outcome.longest_ingest, "ingest"), (outcome.longest_listing, "listing"))
    return [
        (
            f"≥ {SPEED_TARGET:.0f} articles/s end to end",
            _rate(outcome),
            outcome.finished and outcome.articles_per_second >= SPEED_TARGET,
        ),
        (
            "0 messages in the DLQs",
            f"{outcome.dlq_messages} + {outcome.dlq_records} records",
            outcome.dlq_messages == outcome.dlq_records == 0,
        ),
        (
            f"no invocation over {SHARE_TARGET:.0%} of its timeout",
            f"longest {longest[0]:.1f} s ({longest[0] / outcome.timeout:.0%}, {longest[1]}), "
            f"{outcome.timeouts} timed out",
            outcome.longest_share <= SHARE_TARGET and outcome.timeouts == 0,
        ),
    ]


def run_model(
    articles: int = 10_000, seed: int = 9, p: Params | None = None, workers: int | None = None
) -> Report:
    """Every run the tables need, on `workers` processes (default: one per CPU); each run is
    seeded on its own, so the numbers do not depend on how many."""
    p = replace(p or Params(), articles=articles)
    old_job = ("old", previous_template(p), seed, p.old_listing_batch_size)
    shipped_jobs = [("new", p, seed, size) for size in p.listing_batch_sizes]
    workers = min(len(shipped_jobs) + 1, workers or os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            old_run = pool.submit(_simulate, old_job)
            shipped = list(pool.map(_simulate, shipped_jobs))
            unchanged = pool.submit(
                _simulate, ("new", previous_template(p), seed, p.listing_batch_size)
            )
            old, unchanged_template = old_run.result(), unchanged.result()
    else:
        old = _simulate(old_job)
        shipped = [_simulate(job) for job in shipped_jobs]
        unchanged_template = _simulate(("new", previous_template(p), seed, p.listing_batch_size))
    return Report(p, seed, old, shipped, unchanged_template)


def _simulate(job: tuple[str, Params, int, int]) -> Outcome:
    return simulate(*job)


def _share(seconds: float, timeout: float) -> str:
    return f"{seconds:.1f} ({seconds / timeout:.0%})"


def _rate(o: Outcome) -> str:
    """Articles per second, or how far an unfinished import got by the model's horizon."""
    if o.finished:
        return f"{o.articles_per_second:.1f}"
    return (
        f"{o.articles_per_second:.1f} (unfinished at {o.horizon:,.0f} s: "
        f"{o.listing_settled / max(1, o.listing_records):.0%} of listing records)"
    )


def _done(o: Outcome) -> str:
    return f"{o.seconds:,.0f}" if o.finished else f"> {o.horizon:,.0f}"


def _yes(held: bool) -> str:
    return "yes" if held else "no"


def _batch(o: Outcome, p: Params) -> str:
    if o.listing_batch_size <= p.listing_batch_limit:
        return f"{o.listing_batch_size:,}"
    return f"{o.listing_batch_size:,} (≤ {p.listing_batch_limit:,} records: 6 MB)"


def parameters(p: Params) -> list[str]:
    """The assumptions in a few lines (every value and its source: `Params`)."""

    def ms(latency: Latency) -> str:
        return f"{latency.median * 1000:.0f}/{latency.p99 * 1000:.0f}"

    old = previous_template(p)
    return [
        f"- Import: {p.articles:,} articles uploaded within {p.upload_seconds:g} s in random "
        f"order, S3 events {ms(p.s3_event_delay)} ms (median/p99) later, "
        f"{p.duplicate_event_share:.0%} of keys notified twice; 1–5 Zipf tags of "
        f"{p.tag_vocabulary}, 1–2 authors of {p.authors}, {p.articles_per_day:g} articles a day.",
        f"- Latencies, ms median/p99 (log-normal): S3 GET {ms(p.s3_get)}, PUT {ms(p.s3_put)}; "
        f"DynamoDB GetItem {ms(p.ddb_get)}, BatchGetItem {ms(p.ddb_batch_get)}, "
        f"Query {ms(p.ddb_query)}, UpdateItem {ms(p.ddb_update)}, "
        f"BatchWriteItem {ms(p.ddb_batch_write)}, TransactWriteItems of 14 items "
        f"{ms(p.ddb_transact_14)}; SQS receive {ms(p.sqs_receive)}, send {ms(p.sqs_send)}; "
        f"stream record {ms(p.stream_delay)}.",
        f"- Lambda: cold start {p.cold_start[0]:g}–{p.cold_start[1]:g} s; {p.memory_mb:,} MB "
        f"(OLD: {old.memory_mb:,} MB, CPU ×{old.cpu_scale:.2f} of one core); parse "
        f"{p.parse_cpu * 1000:g} ms + render {p.article_render_cpu * 1000:g} ms per article, "
        f"{p.listing_render_cpu * 1000:g} ms per listing page (measured locally); timeout "
        f"{p.timeout:g} s.",
        f"- Ingest: BatchSize {p.ingest_batch_size}, window {p.ingest_window:g} s, "
        f"MaximumConcurrency {p.ingest_concurrency} (OLD: {old.ingest_concurrency}), "
        f"{p.max_attempts} rounds a batch; VisibilityTimeout {p.visibility_timeout:g} s, DLQ "
        f"after {p.max_receive_count} receives. DynamoDB: a transaction touching an item of a "
        "transaction in flight is cancelled (TransactionConflict), as is one whose condition "
        "no longer holds.",
        f"- Listing: {p.shards} stream shards (a fresh on-demand table), ParallelizationFactor "
        f"{p.parallelization_factor} (OLD: {old.parallelization_factor}); window "
        f"{p.listing_window:g} s, at most {p.listing_batch_limit:,} records a batch (6 MB of "
        f"~{p.stream_record_bytes:,} B records), bisect on error, {p.listing_retries} retries. "
        f"OLD: BatchSize {p.old_listing_batch_size}, pages written one at a time. NEW: per "
        f"listing a GetItem, COUNT and period Queries and PutObjects {p.in_flight} in flight "
        "(`parallel.IN_FLIGHT`), the pages `archive.rerender` names (its CPU: a `Layout.position` "
        f"per changed day, ~{p.rerender_day_cpu * 1e9:.0f} ns per day of the listing), "
        f"{p.listing_render_cpu * 1000:g} ms a page rendered, a conditional PutItem; no listing "
        f"started after {p.budget_share:.0%} of the time or with less than "
        f"{p.budget_slowest:g}× the slowest left, the records from its first one redelivered "
        "at once.",
    ]


def markdown(report: Report, heading: str = "###") -> str:
    """The model's tables, as the bench report's section "AWS-scale model (simulated)"."""
    p = report.params
    old_template = ", ".join(
        f"{name} {value:,}" for name, value in _template_names(PREVIOUS_TEMPLATE).items()
    )
    lines = [
        f"{heading} AWS-scale model (simulated)",
        "",
        f"A discrete-event simulation (SimPy, seed {report.seed}) of a {p.articles:,}-article "
        "bulk import on AWS (`bench/aws_model.py`; every parameter and its source is in "
        "`Params`). Not a measurement: what the designs do at AWS latencies, concurrency and "
        "timeouts, which the emulator has none of. NEW as shipped: today's code and "
        f"template.yaml; without the template changes: {old_template}.",
        "",
        *parameters(p),
        "",
        "| Design | Articles/s | Done after (s) | Ingest done (s) | Transaction attempts "
        "per article | DLQ: ingest messages / listing records | Longest ingest s (% of timeout) "
        "| Longest listing s (% of timeout) | Timed-out invocations |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, o in report.rows:
        lines.append(
            f"| {name}, listing BatchSize {_batch(o, p)} | {_rate(o)} | {_done(o)} | "
            f"{o.ingest_seconds:,.0f} | {o.attempts_per_article:.2f} | "
            f"{o.dlq_messages} / {o.dlq_records} | {_share(o.longest_ingest, o.timeout)} | "
            f"{_share(o.longest_listing, o.timeout)} | {o.timeouts} |"
        )
    lines += [
        "",
        "Targets, NEW as shipped:",
        "",
        "| Target | Measured | Held |",
        "|---|---:|:---:|",
    ]
    lines += [f"| {what} | {value} | {_yes(held)} |" for what, value, held in targets(report.new)]
    lines += [
        "",
        "Listing BatchSize, NEW as shipped: each invocation within half its timeout, and "
        "throughput:",
        "",
        "| BatchSize | Articles/s | Longest listing s (% of timeout) | Listing invocations "
        "(timed out) | Stopped early (partial batch) | Most redeliveries of one record | "
        "Listings rendered (counts unchanged) | Listing CPU s: pages worked out / rendered | "
        "Objects written | Within limits |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for o in report.shipped:
        lines.append(
            f"| {_batch(o, p)} | {_rate(o)} | {_share(o.longest_listing, o.timeout)} | "
            f"{o.listing_invocations:,} ({o.listing_timeouts}) | {o.partial_returns:,} | "
            f"{o.max_deferrals:,} | {o.listing_renders:,} ({o.redone_renders:,}) | "
            f"{o.pages_cpu:,.1f} / {o.render_cpu:,.0f} | {o.listing_pages:,} | "
            f"{_yes(within_limits(o))} |"
        )
    new, old, unchanged = report.new, report.old, report.unchanged_template
    sizes = " / ".join(f"{size:,}" for size in p.listing_batch_sizes)
    if report.chosen is not None:
        chosen = (
            f"Chosen listing BatchSize: **{report.chosen:,}** of {sizes}: the best throughput "
            "with every invocation within half its timeout, nothing in a DLQ, no timeout."
        )
    else:
        chosen = f"Chosen listing BatchSize: **none** of {sizes} keeps the shipped code in limits."
    lines += [
        "",
        chosen,
        "",
        f"Where the time goes: OLD lost {old.conflicts:,} transactions to TransactionConflict "
        f"and {old.condition_failures:,} to a moved head ({old.attempts_per_article:.2f} attempts "
        f"an article, each re-reading S3 and re-parsing). NEW as shipped: ingest alone ran at "
        f"{new.ingest_rate:.0f} articles/s ({new.attempts_per_article:.2f} attempts an "
        f"article); the busiest of the {new.lanes} stream lanes carried "
        f"{new.busiest_lane_records:,} records (most: {new.busiest_lane_top}) and was busy "
        f"{new.busiest_lane:,.0f} s of the {new.seconds:,.0f} s. Without the template changes "
        f"({unchanged.lanes} lanes): ingest {unchanged.ingest_rate:.0f} articles/s, the busiest "
        f"lane ({unchanged.busiest_lane_top}) busy {unchanged.busiest_lane:,.0f} s.",
        "",
    ]
    return "\n".join(lines)


def _template_names(settings: dict[str, Any]) -> dict[str, Any]:
    """`PREVIOUS_TEMPLATE` as template.yaml names it."""
    names = {
        "ingest_concurrency": "ingest MaximumConcurrency",
        "memory_mb": "MemorySize (MB)",
        "parallelization_factor": "ParallelizationFactor",
    }
    return {names[name]: value for name, value in settings.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.aws_model", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    print(markdown(run_model(args.articles, args.seed)))


if __name__ == "__main__":
    main()
