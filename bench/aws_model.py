"""An AWS-scale model of a bulk import: 10,000 articles uploaded within seconds, in random order
(`aws s3 sync` of an old blog), for the OLD design and the NEW design.

The emulator behind `pressroom build` runs one function at a time, answers every call at once
and never times out; AWS does none of that. This is a discrete-event simulation (SimPy) of the
same import on AWS: S3 notifications queue up in SQS; up to `ingest_concurrency` ingest
invocations take batches of up to 100 messages and run the keys one after another; DynamoDB
transactions conflict the way DynamoDB's do (an item in another transaction still in flight
cancels the transaction with TransactionConflict; a condition on a value that moved cancels it
with ConditionalCheckFailed); the table's stream feeds one listing invocation per shard; every
invocation has a 60 s timeout; failed messages come back after the visibility timeout and go to
the dead-letter queue after 5 receives; failed stream batches are bisected and retried.

OLD design: `git show HEAD:layers/pressroom/pressroom/publishing/ingest.py` (and `catalog.py`,
`adapters/content_store.py`, `publishing/listings.py`) as of the commit this model came with:
every article's transaction updates the head of every listing it joins, the home head included,
conditional on the head's `next_seq` read just before; a lost race re-reads S3 and re-parses;
the listing function writes every page of a batch one PutObject at a time.

NEW design (as the engineers building it describe it): the transaction holds only the article's
own items; a lost race re-plans from the table without re-reading S3; stream records are the
listing entries; the listing function writes pages 16 at a time and keeps a time budget.

Everything the model assumes is in `Params`, with where each value comes from. Same seed, same
numbers. `python -m bench.aws_model [--articles N] [--seed S]` prints the tables.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import random
import zlib
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import simpy

Listing = tuple[str, str]  # (kind, name): ("home", ""), ("month", "41"), ("tag", "7"), …
HOME: Listing = ("home", "")
_Z99 = 2.3263  # the standard normal's 99th percentile


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
    project's template.yaml; "ours:" values are this project's measurements or estimates."""

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
    s3_put: Latency = Latency(0.030, 0.200)
    # AWS: DynamoDB "single-digit millisecond" reads and writes; batches and queries a little
    # more; transactions do two phases and bill twice: ~14 items take ~20–40 ms.
    ddb_get: Latency = Latency(0.005, 0.025)
    ddb_batch_get: Latency = Latency(0.008, 0.040)
    ddb_query: Latency = Latency(0.006, 0.030)
    ddb_update: Latency = Latency(0.006, 0.030)
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
    # vCPUs single-threaded Python cannot use); template.yaml Globals.MemorySize: 1,024 MB, so
    # code measured on one full core locally runs 1769 / 1024 ≈ 1.73× as long.
    memory_mb: int = 1024
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
    ingest_concurrency: int = 10  # ScalingConfig.MaximumConcurrency
    visibility_timeout: float = 361.0  # IngestQueue.VisibilityTimeout
    max_receive_count: int = 5  # RedrivePolicy.maxReceiveCount, then the DLQ
    max_attempts: int = 8  # ours: ingest.MAX_ATTEMPTS rounds per invocation
    backoff_base: float = 0.05  # ours: min(2.0, 0.05 * 2**(attempt-1)) * random()
    backoff_cap: float = 2.0

    # -- listing: DynamoDB stream event source mapping -------------------------------------------
    # AWS: a new on-demand table starts with ~4 partitions (4,000 WCU at 1,000 per partition),
    # one stream shard each; ParallelizationFactor 1: one invocation per shard at a time.
    shards: int = 4
    # AWS: ParallelizationFactor (1–10): that many concurrent batches per shard, records of one
    # partition key always in the same one, in order. template.yaml: not set, so 1.
    parallelization_factor: int = 1
    old_listing_batch_size: int = 1000  # template.yaml BatchSize (OLD)
    listing_window: float = 5.0  # template.yaml MaximumBatchingWindowInSeconds
    listing_retries: int = 10  # template.yaml MaximumRetryAttempts, then the listing DLQ
    bisect_on_error: bool = True  # template.yaml BisectBatchOnFunctionError
    # NEW design: listing BatchSize candidates (the model picks one) and its page writer.
    listing_batch_sizes: tuple[int, ...] = (100, 300, 1000, 3000)
    put_parallelism: int = 16  # ours (NEW): PutObjects in flight at once
    query_parallelism: int = 1  # ours (NEW): the COUNT and page Queries, one after another
    # ours (NEW, brief): "a few" Queries read the entries of the pages to render (key ranges
    # over `<date>#<slug>` covering the changed days), whatever the number of pages.
    page_queries: int = 3
    # ours (NEW): before each listing, stop if less than this share of the timeout is left, or
    # less than `budget_slowest` × the slowest listing so far (listings.TIME_BUDGET_SHARE = 0.5
    # in the code being written; the brief suggested 20%).
    budget_share: float = 0.5
    budget_slowest: float = 2.0
    # ours (NEW): pages a listing render writes: the root, the feeds, and the archive pages
    # holding the changed days, a page holding as many whole days as fit `page_size` entries at
    # the listing's rate (home: 6 a day → one day a page; a tag on 1 in 20 articles → 33 days).
    # A month's sitemap shard is one page.

    @property
    def cpu_scale(self) -> float:
        return max(1.0, 1769 / self.memory_mb)


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
    listing_pages: int  # pages the listing function wrote (rewrites included)
    timeout: float
    finished: bool  # every article published or in the DLQ, every record handled, by `horizon`
    ingest_seconds: float  # when the last article page was written
    busiest_lane: float  # seconds of listing invocations on the busiest stream lane
    busiest_lane_records: int
    busiest_lane_top: str  # the listing with most records on that lane, e.g. "home 10,000"
    lanes: int

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
        counts: dict[Listing, int] = {}
        for article in articles:
            for listing in article.listings:
                counts[listing] = counts.get(listing, 0) + 1
        days = max(1.0, len(articles) / p.articles_per_day)
        # NEW: how many whole days one archive page of each listing holds.
        self.days_per_page = {
            listing: max(1, int(p.page_size / (count / days))) for listing, count in counts.items()
        }
        # The table: item versions (source states, OLD listing heads), in-flight transactions.
        self.versions: dict[tuple[str, Any], int] = {}
        self.locked_until: dict[tuple[str, Any], float] = {}
        self.listing_count: dict[Listing, int] = {}  # entries committed (OLD: the head's next_seq)
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
        self.partial_returns = self.listing_pages = 0

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
        size = self.listing_batch_size
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
            if work > p.timeout:  # timed out: every page it wrote is written again
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
        """`render_listings` at HEAD: per listing its newest entries, root and feeds, each
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
        """The NEW listing function: records folded per listing, in the order of each listing's
        first record; before each listing, the time budget; returns the invocation's duration
        and, when it stopped early, the index of the first record it leaves for redelivery."""
        p = self.p
        folded: dict[Listing, tuple[int, set[int], bool]] = {}
        for position, record in enumerate(batch):
            first, days, new = folded.get(record.listing, (position, set(), False))
            days.add(record.day)
            folded[record.listing] = (first, days, new or record.new_listing)
        work = slowest = 0.0
        stop: int | None = None
        new_tag = new_month = False
        for listing, (first, days, new) in folded.items():
            margin = max(p.budget_share * p.timeout, p.budget_slowest * slowest)
            if p.timeout - work < margin:
                stop = first
                break
            if listing[0] == "month":
                pages, queries = 1, 1  # the month's sitemap shard
            else:
                archive = len({day // self.days_per_page[listing] for day in days})
                pages, queries = 1 + p.feeds + archive, 1 + min(archive, p.page_queries)
            took = self._d(p.ddb_get)  # the listing's summary
            took += self._queries(len(days))  # COUNT per changed day
            took += self._queries(queries) + self._cpu(p.listing_render_cpu, pages)
            took += self._writes(pages) + self._d(p.ddb_update)  # conditional summary update
            work += took
            slowest = max(slowest, took)
            new_tag |= listing[0] == "tag" and new
            new_month |= listing[0] == "month" and new
        if new_tag:  # the tags index
            work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu) + self._writes(1)
        if new_month:  # sitemap index and robots.txt
            work += self._d(p.ddb_query) + self._cpu(p.listing_render_cpu, 2) + self._writes(2)
        work += self._d(p.sqs_send)
        return work, stop

    def _queries(self, count: int) -> float:
        """NEW: `count` Queries, `query_parallelism` at a time."""
        p, work = self.p, 0.0
        for start in range(0, count, p.query_parallelism):
            work += max(
                self._d(p.ddb_query) for _ in range(min(p.query_parallelism, count - start))
            )
        return work

    def _writes(self, pages: int) -> float:
        """NEW: the page hashes read, PutObjects `put_parallelism` at a time, hashes recorded."""
        p = self.p
        self.listing_pages += pages
        work = self._d(p.ddb_batch_get, -(-pages // 100))
        for start in range(0, pages, p.put_parallelism):
            work += max(self._d(p.s3_put) for _ in range(min(p.put_parallelism, pages - start)))
        return work + self._d(p.ddb_batch_write, -(-pages // 25))

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
            finished=len(self.synced | self.dlq_keys) == len(self.articles)
            and all(lane.settled == len(lane.records) for lane in self.lanes),
            ingest_seconds=self.last_article_page,
            busiest_lane=busiest.busy,
            busiest_lane_records=len(busiest.records),
            busiest_lane_top=(
                f"{' '.join(top).strip()} {busiest.listings[top]:,}" if busiest.listings else ""
            ),
            lanes=len(self.lanes),
        )


def simulate(
    design: str, p: Params | None = None, seed: int = 9, listing_batch_size: int = 1000
) -> Outcome:
    """One import of `p.articles` articles on AWS under `design` ("old" or "new")."""
    p = p or Params()
    return _Model(p, design, corpus(p, seed), seed, listing_batch_size).run()


# -- the runs and the tables ----------------------------------------------------------------------

# What the NEW design needs beyond the brief to reach its throughput target, each a setting of the
# template or of the listing function's code (all cumulative; see `Report.levers`).
LEVERS: dict[str, tuple[int, str]] = {
    "ingest_concurrency": (40, "ingest `ScalingConfig.MaximumConcurrency` 10 → 40"),
    "parallelization_factor": (10, "stream `ParallelizationFactor` 1 → 10"),
    "query_parallelism": (16, "listing COUNT and page Queries 16 in flight (as its PutObjects)"),
    "memory_mb": (1769, "`MemorySize` 1,024 → 1,769 MB (one full vCPU)"),
    "put_parallelism": (64, "listing PutObjects 64 in flight"),
}
LEVER_BATCH_SIZES = (1000, 3000)


def with_levers(p: Params) -> Params:
    """`p` with every one of LEVERS applied."""
    settings: dict[str, Any] = {name: value for name, (value, _) in LEVERS.items()}
    return replace(p, **settings)


SPEED_TARGET = 100.0  # articles per second, end to end
SHARE_TARGET = 0.5  # of the timeout, for the longest invocation of either function


@dataclass
class Report:
    """The model's answer: OLD, NEW as described at the BatchSize it picks, and NEW with the
    levers it needs, with each BatchSize tried."""

    params: Params
    seed: int
    old: Outcome
    batch_sizes: list[Outcome]  # NEW as described, one per `params.listing_batch_sizes`
    levered_sizes: list[Outcome]  # NEW with LEVERS, one per LEVER_BATCH_SIZES

    @property
    def new(self) -> Outcome:
        return _pick(self.batch_sizes)

    @property
    def levered(self) -> Outcome:
        return _pick(self.levered_sizes)

    @property
    def rows(self) -> list[tuple[str, Outcome]]:
        return [
            ("OLD (HEAD)", self.old),
            ("NEW as described", self.new),
            ("NEW + levers", self.levered),
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


def _pick(outcomes: list[Outcome]) -> Outcome:
    """The BatchSize with the best throughput among those within limits (else the first)."""
    fine = [outcome for outcome in outcomes if within_limits(outcome)]
    return max(fine, key=lambda o: o.articles_per_second) if fine else outcomes[0]


def targets(outcome: Outcome) -> list[tuple[str, str, bool]]:
    """The NEW design's targets: (target, measured, held)."""
    longest = max((outcome.longest_ingest, "ingest"), (outcome.longest_listing, "listing"))
    return [
        (
            f"≥ {SPEED_TARGET:.0f} articles/s end to end",
            f"{outcome.articles_per_second:.1f}",
            outcome.finished and outcome.articles_per_second >= SPEED_TARGET,
        ),
        (
            "0 messages in the DLQs",
            f"{outcome.dlq_messages} + {outcome.dlq_records} records",
            outcome.dlq_messages == outcome.dlq_records == 0,
        ),
        (
            f"no invocation over {SHARE_TARGET:.0%} of its timeout",
            f"longest {longest[0]:.1f} s ({longest[0] / outcome.timeout:.0%}, {longest[1]})",
            outcome.longest_share <= SHARE_TARGET and outcome.timeouts == 0,
        ),
    ]


def run_model(
    articles: int = 10_000, seed: int = 9, p: Params | None = None, workers: int | None = None
) -> Report:
    """Every run the tables need, on `workers` processes (default: one per CPU); each run is
    seeded on its own, so the numbers do not depend on how many."""
    p = replace(p or Params(), articles=articles)
    levered = with_levers(p)
    jobs = [("old", p, seed, p.old_listing_batch_size)]
    jobs += [("new", p, seed, size) for size in p.listing_batch_sizes]
    jobs += [("new", levered, seed, size) for size in LEVER_BATCH_SIZES]
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            outcomes = list(pool.map(_simulate, jobs))
    else:
        outcomes = [_simulate(job) for job in jobs]
    described = len(p.listing_batch_sizes)
    return Report(
        params=p,
        seed=seed,
        old=outcomes[0],
        batch_sizes=outcomes[1 : 1 + described],
        levered_sizes=outcomes[1 + described :],
    )


def _simulate(job: tuple[str, Params, int, int]) -> Outcome:
    return simulate(*job)


def _share(seconds: float, timeout: float) -> str:
    return f"{seconds:.1f} ({seconds / timeout:.0%})"


def _yes(held: bool) -> str:
    return "yes" if held else "no"


def parameters(p: Params) -> list[str]:
    """The assumptions in a few lines (every value and its source: `Params`)."""

    def ms(latency: Latency) -> str:
        return f"{latency.median * 1000:.0f}/{latency.p99 * 1000:.0f}"

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
        f"(CPU ×{p.cpu_scale:.2f} of one core); parse {p.parse_cpu * 1000:g} ms + render "
        f"{p.article_render_cpu * 1000:g} ms per article, {p.listing_render_cpu * 1000:g} ms per "
        f"listing page (measured locally); timeout {p.timeout:g} s.",
        f"- Ingest: BatchSize {p.ingest_batch_size}, window {p.ingest_window:g} s, "
        f"MaximumConcurrency {p.ingest_concurrency}, {p.max_attempts} rounds a batch; "
        f"VisibilityTimeout {p.visibility_timeout:g} s, DLQ after {p.max_receive_count} "
        "receives. DynamoDB: a transaction touching an item of a transaction in flight is "
        "cancelled (TransactionConflict), as is one whose condition no longer holds.",
        f"- Listing: {p.shards} stream shards (a fresh on-demand table), ParallelizationFactor "
        f"{p.parallelization_factor}; OLD BatchSize {p.old_listing_batch_size}, window "
        f"{p.listing_window:g} s, bisect on error, {p.listing_retries} retries, pages written "
        f"one at a time; NEW: PutObjects {p.put_parallelism} in flight, Queries "
        f"{p.query_parallelism} at a time, budget: stop before a listing with less than "
        f"{p.budget_share:.0%} of the timeout or {p.budget_slowest:g}× the slowest listing "
        "left, the rest redelivered at once.",
    ]


def markdown(report: Report, heading: str = "###") -> str:
    """The model's tables, as the bench report's section "AWS-scale model (simulated)"."""
    p = report.params
    lines = [
        f"{heading} AWS-scale model (simulated)",
        "",
        f"A discrete-event simulation (SimPy, seed {report.seed}) of a {p.articles:,}-article "
        "bulk import on AWS (`bench/aws_model.py`; every parameter and its source is in "
        "`Params`). Not a measurement: what the designs do at AWS latencies, concurrency and "
        "timeouts, which the emulator has none of.",
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
            f"| {name} (listing BatchSize {o.listing_batch_size}) | "
            f"{o.articles_per_second:.1f}{'' if o.finished else ' (unfinished)'} | "
            f"{o.seconds:,.0f} | {o.ingest_seconds:,.0f} | {o.attempts_per_article:.2f} | "
            f"{o.dlq_messages} / {o.dlq_records} | {_share(o.longest_ingest, o.timeout)} | "
            f"{_share(o.longest_listing, o.timeout)} | {o.timeouts} |"
        )
    lines += [
        "",
        "Levers (NEW + levers; all of them): "
        + "; ".join(description for _, description in LEVERS.values())
        + ".",
        "",
        "Targets for the NEW design:",
        "",
        "| Target | NEW as described | Held | NEW + levers | Held |",
        "|---|---:|:---:|---:|:---:|",
    ]
    for (what, measured, held), (_, with_levers, held_with_levers) in zip(
        targets(report.new), targets(report.levered), strict=True
    ):
        lines.append(
            f"| {what} | {measured} | {_yes(held)} | {with_levers} | {_yes(held_with_levers)} |"
        )
    lines += [
        "",
        "Listing BatchSize (NEW): each invocation within half its timeout, and throughput:",
        "",
        "| Design | BatchSize | Articles/s | Longest listing s (% of timeout) | Listing "
        "invocations | Stopped early (partial batch) | Most redeliveries of one record | "
        "Pages written | Within limits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for name, outcomes in (
        ("NEW as described", report.batch_sizes),
        ("NEW + levers", report.levered_sizes),
    ):
        for o in outcomes:
            lines.append(
                f"| {name} | {o.listing_batch_size:,} | {o.articles_per_second:.1f}"
                f"{'' if o.finished else ' (unfinished)'} | "
                f"{_share(o.longest_listing, o.timeout)} | {o.listing_invocations:,} | "
                f"{o.partial_returns:,} | {o.max_deferrals:,} | {o.listing_pages:,} | "
                f"{_yes(within_limits(o))} |"
            )
    new, levered, old = report.new, report.levered, report.old
    lines += [
        "",
        f"Chosen listing BatchSize: **{new.listing_batch_size}** as described "
        f"({new.articles_per_second:.1f} articles/s), **{levered.listing_batch_size}** with the "
        f"levers ({levered.articles_per_second:.1f} articles/s).",
        "",
        f"Where the time goes: OLD lost {old.conflicts:,} transactions to TransactionConflict "
        f"and {old.condition_failures:,} to a moved head ({old.attempts_per_article:.2f} attempts "
        f"an article, each re-reading S3 and re-parsing). NEW's busiest stream lane "
        f"({new.lanes} lanes) carried {new.busiest_lane_records:,} records (most: "
        f"{new.busiest_lane_top}) and was busy {new.busiest_lane:,.0f} s of the "
        f"{new.seconds:,.0f} s; ingest alone ran at {new.ingest_rate:.0f} articles/s. With the "
        f"levers ({levered.lanes} lanes): {levered.busiest_lane:,.0f} s on the busiest lane "
        f"({levered.busiest_lane_top}), ingest {levered.ingest_rate:.0f} articles/s.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.aws_model", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    print(markdown(run_model(args.articles, args.seed)))


if __name__ == "__main__":
    main()
