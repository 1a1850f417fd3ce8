"""The in-process backend: the template's resources as memory adapters (`pressroom.local.memory`)
and an engine that drives the functions' domain work over them to quiescence.

What Lambda's event source mappings do on AWS (and `pressroom.local.runtime`'s pumps do on moto),
the engine does in a loop, with the template's batch sizes, stream filter, retry and redrive
limits: S3 notifications in ingest batches (`ingest_notifications`, failed messages delivered
again, dead-lettered after the queue's maxReceiveCount), the table's stream of listing changes
in order (`listings.fold` / `render_batch`, resuming where a batch's time budget stopped it),
rebuild orders (`rebuild.rebuild`) and invalidations (`invalidation.invalidate`); scheduled
wake-ups whose time the backend's clock has reached go to the ingest queue, as EventBridge
Scheduler's target would put them (`publishing.schedule`). The handlers
are thin shells over the same calls; what the engine leaves out is theirs alone (Powertools
logging and metrics, the Lambda event envelope).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from pressroom.clock import ManualClock
from pressroom.local.memory import (
    MemoryContentStore,
    MemoryDistribution,
    MemoryIngestBucket,
    MemoryInvalidationQueue,
    MemoryQueue,
    MemorySiteBucket,
    MemoryWorkQueue,
    Message,
)
from pressroom.local.memory.scheduler import MemoryScheduler
from pressroom.local.memory.store import StreamChange
from pressroom.local.template import ScheduleSource, StreamSource, Template
from pressroom.local.workers import Workers
from pressroom.parallel import one_at_a_time
from pressroom.pipeline import NothingAhead, Pipeline
from pressroom.settings import Settings

logger = logging.getLogger(__name__)

INGEST, LISTING, INVALIDATION, REBUILD, SEARCH = (
    "IngestFunction",
    "ListingFunction",
    "InvalidationFunction",
    "RebuildFunction",
    "SearchIndexFunction",
)
SCHEDULER = "Scheduler"  # not a function: EventBridge Scheduler's one-time schedules
_QUEUES = {"IngestQueue": INGEST, "InvalidationQueue": INVALIDATION, "RebuildQueue": REBUILD}


@dataclass(frozen=True)
class Wiring:
    """What the template says about feeding the functions (batch sizes, filters, limits)."""

    batch_sizes: dict[str, int]
    timeouts_ms: dict[str, int]
    stream_prefixes: tuple[str, ...]
    stream_retries: int
    max_receives: dict[str, int]  # per queue logical id (its redrive policy)
    environment: dict[str, str]

    @classmethod
    def of(cls, template: Template) -> Wiring:
        sizes: dict[str, int] = {}
        timeouts: dict[str, int] = {}
        prefixes: tuple[str, ...] = ()
        retries = 10
        for function in template.functions():
            timeouts[function.logical_id] = function.timeout_seconds * 1000
            for source in function.sources:
                if isinstance(source, ScheduleSource):
                    continue  # the engine runs the search index at the end instead
                sizes[function.logical_id] = source.batch_size
                if isinstance(source, StreamSource):
                    prefixes = source.key_prefixes.get("pk", ())
                    retries = source.max_retries
        receives = {}
        for logical in _QUEUES:
            policy = template.properties(logical).get("RedrivePolicy") or {}
            receives[logical] = int(policy.get("maxReceiveCount", 1_000_000))
        return cls(
            sizes, timeouts, prefixes, retries, receives, template.global_environment(_names)
        )


def _names(logical_id: str, attribute: str) -> str:
    """Stand-ins for what only a deployed stack knows (names, URLs, ids): the logical ids."""
    return f"in-process-{logical_id}".lower() if attribute == "Ref" else f"{logical_id}.local"


def settings_for(template: Template, overrides: Mapping[str, str] | None = None) -> Settings:
    """The functions' settings as the local runtime gives them: this process's environment, then
    the template's function environment, then `overrides` (e.g. SITE_URL)."""
    env = {**os.environ, **Wiring.of(template).environment, **(overrides or {})}
    return Settings.from_env(env)


@dataclass
class InProcessBackend:
    """The template's buckets, table, queues and distribution, in memory, and a pipeline on
    them. The ingest bucket notifies the ingest queue of changes under the articles prefix."""

    settings: Settings
    store: MemoryContentStore
    ingest_queue: MemoryQueue
    sources: MemoryIngestBucket
    site_bucket: MemorySiteBucket
    invalidations: MemoryInvalidationQueue
    rebuilds: MemoryWorkQueue
    distribution: MemoryDistribution
    pipeline: Pipeline
    scheduler: MemoryScheduler
    clock: ManualClock  # the time the functions decide by; it moves only when told to

    @classmethod
    def create(
        cls,
        settings: Settings,
        max_receives: Mapping[str, int] | None = None,
        clock: ManualClock | None = None,
    ) -> InProcessBackend:
        receives = max_receives or {}
        clock = clock or ManualClock()
        scheduler = MemoryScheduler()
        ingest_queue = MemoryQueue(receives.get("IngestQueue", 5))
        store = MemoryContentStore()
        sources = MemoryIngestBucket(
            settings.ingest_bucket,
            settings.reports_prefix,
            notify=ingest_queue.send_body,
            notify_prefix=settings.articles_prefix,
        )
        site_bucket = MemorySiteBucket(settings.site_bucket, uploads=sources)
        invalidations = MemoryInvalidationQueue(receives.get("InvalidationQueue", 10))
        rebuilds = MemoryWorkQueue(receives.get("RebuildQueue", 5))
        distribution = MemoryDistribution()
        pipeline = Pipeline.of(
            settings,
            store=store,
            sources=sources,
            site_bucket=site_bucket,
            invalidations=invalidations,
            rebuilds=rebuilds,
            distribution=distribution,
            scheduler=scheduler,
            clock=clock,
        )
        return cls(
            settings,
            store,
            ingest_queue,
            sources,
            site_bucket,
            invalidations,
            rebuilds,
            distribution,
            pipeline,
            scheduler,
            clock,
        )

    def redeploy(self) -> None:
        """New code for the functions, as a deployment gives Lambda: a fresh Jinja2
        environment, which reads the templates anew (a template added to TEMPLATES_DIR shadows
        the theme's, a changed one is compiled again)."""
        self.pipeline.__dict__.pop("renderer", None)  # the cached property's value


@dataclass
class EngineReport:
    delivered: dict[str, int] = field(default_factory=dict)  # function → batches run
    seconds: dict[str, float] = field(default_factory=dict)  # function → time spent
    undelivered: int = 0  # messages dead-lettered, stream records dropped after retries


class Engine:
    """Runs the functions' work over an `InProcessBackend` until nothing is left to do. One
    batch at a time; beside it, workers that parse and render ahead (`local.workers`, in other
    processes, taken only for equal inputs) and, in a build, the search index's run in a thread
    (the memory adapters' locks make that safe, as they do the pipeline's own `map_all`)."""

    def __init__(
        self,
        backend: InProcessBackend,
        wiring: Wiring,
        whole_stream: bool = False,
        search: bool = False,
        workers: int | None = 0,
    ) -> None:
        """`whole_stream`: hand the listing function everything the stream holds as one batch,
        with no time budget (a build's choice: in process there is no payload limit and no
        timeout, and one fold renders each listing once instead of once per 3,000 records);
        otherwise the template's batch size and the function's timeout, as on Lambda.
        `workers`: processes that parse and render ahead (`local.workers`; None: one per
        core), as Lambda would run the work side by side."""
        self.backend = backend
        self.wiring = wiring
        self.whole_stream = whole_stream
        self.workers = Workers(backend.pipeline, workers)
        # `search`: the search index function's scheduled run (on AWS every few minutes,
        # whatever else runs): beside the listing function's once the uploads are ingested,
        # and again at the end if its records changed since (a build wants the index complete).
        self.search = search
        self._records_changed = True  # since the search index last started from them
        self._searching: threading.Thread | None = None
        self._search_failure: BaseException | None = None
        self.report = EngineReport()
        self._looked_at: set[str] = set()  # queue message bodies whose keys went to the workers
        self._cursor = 0  # the last stream change the listing function has been handed
        self._stream_attempts = 0

    @classmethod
    def for_template(
        cls,
        template: Template,
        overrides: Mapping[str, str] | None = None,
        whole_stream: bool = False,
        search: bool = False,
        clock: ManualClock | None = None,
        workers: int | None = 0,
    ) -> Engine:
        wiring = Wiring.of(template)
        settings = settings_for(template, overrides)
        backend = InProcessBackend.create(settings, wiring.max_receives, clock)
        return cls(backend, wiring, whole_stream, search, workers)

    def run(self, delivered: Callable[[str, int], None] = lambda function, count: None) -> None:
        """Until every queue is empty and the stream is read: ingest first (all of it, so the
        listing function folds as much as it can into one render per listing), then the
        stream, rebuilds and invalidations, again and again (and, for a build, the search
        index's scheduled run once all of that is done)."""
        steps: tuple[tuple[str, Callable[[], int]], ...] = (
            (SCHEDULER, self._wake_ups),
            (INGEST, self._ingest_batch),
            (LISTING, self._stream_batch),
            (REBUILD, self._rebuild_batch),
            (INVALIDATION, self._invalidation_batch),
        )
        if self.search:
            steps += ((SEARCH, self._search_run),)
        pipeline = self.backend.pipeline
        pipeline.ahead = self.workers
        try:
            with one_at_a_time():
                self._run(steps, delivered)
        finally:
            pipeline.ahead = NothingAhead()
            self.workers.close()
            self._looked_at.clear()

    def _run(
        self,
        steps: tuple[tuple[str, Callable[[], int]], ...],
        delivered: Callable[[str, int], None],
    ) -> None:
        while True:
            for function, step in steps:
                began = time.perf_counter()
                count = step()
                self.report.seconds[function] = (
                    self.report.seconds.get(function, 0.0) + time.perf_counter() - began
                )
                if count:
                    if function in (INGEST, REBUILD):  # the only writers of search records
                        self._records_changed = True
                    self.report.delivered[function] = self.report.delivered.get(function, 0) + 1
                    delivered(function, count)
                    break  # start again from the top: earlier steps may have work now
            else:
                return

    # -- one batch of each source ----------------------------------------------------------------

    def _wake_ups(self) -> int:
        """Put the wake-ups due by the backend's clock on the ingest queue."""
        due = self.backend.scheduler.take_due(self.backend.clock.now())
        for body in due:
            self.backend.ingest_queue.send_body(body)
        return len(due)

    def _ingest_batch(self) -> int:
        from pressroom.publishing.ingest import correlation_id_of, ingest_notifications

        queue = self.backend.ingest_queue
        self.workers.parse(self._keys_waiting(queue, _notified_keys))
        messages = queue.receive(self.wiring.batch_sizes.get(INGEST, 10))
        readable: list[tuple[Message, S3Event, str]] = []
        for message in messages:
            try:
                notification = S3Event(SQSRecord(message.record()).json_body)
                if not isinstance(notification.raw_event, dict):
                    raise ValueError("not an S3 notification")
            except ValueError:
                logger.exception("unreadable message %s", message.message_id)
                self._failed(queue, message)
                continue
            correlation_id = correlation_id_of(notification, message.message_id)
            readable.append((message, notification, correlation_id))
        if readable:
            outcomes = ingest_notifications([(n, c) for _, n, c in readable], self.backend.pipeline)
            for (message, _, _), outcome in zip(readable, outcomes, strict=True):
                if isinstance(outcome, Exception):
                    _failed_with(INGEST, outcome)
                    self._failed(queue, message)
                else:
                    queue.delete(message)
        return len(messages)

    def _stream_batch(self) -> int:
        from pressroom.publishing.listings import StreamRecord, fold_records, render_batch

        table = self.backend.store.table
        limit = 2**62 if self.whole_stream else self.wiring.batch_sizes.get(LISTING, 100)
        batch: list[StreamChange] = []
        read_to = self._cursor
        while len(batch) < limit:
            changes = table.changes_after(read_to, 1000)
            if not changes:
                break
            for change in changes:
                read_to = change.sequence
                if change.keys[0].startswith(self.wiring.stream_prefixes):
                    batch.append(change)
                    if len(batch) == limit:
                        break
        if not batch:
            self._advance(read_to)
            return 0
        # The table's own items, as `fold` would read them from the stream's records.
        records = [
            StreamRecord(f"{change.sequence:021d}", *change.keys, functools.partial(_image, change))
            for change in batch
        ]
        started = time.monotonic()
        timeout_ms = 2**62 if self.whole_stream else self.wiring.timeouts_ms.get(LISTING, 60_000)

        def remaining_ms() -> int:
            return max(0, timeout_ms - int((time.monotonic() - started) * 1000))

        folded = fold_records(records)
        if self.whole_stream:  # the batch is all there is: its listings are rendered together
            self.workers.render(folded)
        # Started after the workers are forked: a fork copies no thread, but any lock it holds.
        self._search_in_background()
        try:
            outcome = render_batch(folded, self.backend.pipeline, remaining_ms)
        except Exception as error:
            self._stream_attempts += 1
            _failed_with(LISTING, error, f" (attempt {self._stream_attempts})")
            if self._stream_attempts > self.wiring.stream_retries:
                self.report.undelivered += len(batch)  # on AWS: to the listing DLQ
                self._advance(batch[-1].sequence)
            return len(batch)
        self._stream_attempts = 0
        if outcome.unfinished_from:
            self._advance(int(outcome.unfinished_from) - 1)
        else:
            self._advance(read_to)
        return len(batch)

    def _advance(self, sequence: int) -> None:
        self._cursor = max(self._cursor, sequence)
        self.backend.store.table.trim(self._cursor)

    def _rebuild_batch(self) -> int:
        from pressroom.publishing.rebuild import rebuild

        queue = self.backend.rebuilds
        self.workers.parse(self._keys_waiting(queue, _rebuilt_keys))
        messages = queue.receive(self.wiring.batch_sizes.get(REBUILD, 10))
        for message in messages:
            try:
                rebuild(json.loads(message.body), self.backend.pipeline)
            except Exception as error:
                _failed_with(REBUILD, error)
                self._failed(queue, message)
            else:
                queue.delete(message)
        return len(messages)

    def _invalidation_batch(self) -> int:
        from pressroom.publishing.invalidation import invalidate, paths_of

        queue = self.backend.invalidations
        messages = queue.receive(self.wiring.batch_sizes.get(INVALIDATION, 10))
        if not messages:
            return 0
        records = [SQSRecord(message.record()) for message in messages]
        ids = [message.message_id for message in messages]
        outcome = invalidate(paths_of(records), ids, self.backend.pipeline)
        for message in messages:
            if outcome.deferred:
                self._failed(queue, message)
            else:
                queue.delete(message)
        return len(messages)

    def _search_in_background(self) -> None:
        if not self.search or self._searching is not None or not self._records_changed:
            return
        self._records_changed = False

        def run() -> None:
            try:
                self._refresh_search()
            except BaseException as error:  # raised by `_search_run`, in the engine's thread
                self._search_failure = error

        self._searching = threading.Thread(target=run, name="search-index", daemon=True)
        self._searching.start()

    def _search_run(self) -> int:
        """Once nothing else is left: the background run finished, and run again if records
        changed since it started (it then counts as work: its writes may need a next pass)."""
        if self._searching is not None:
            self._searching.join()
            self._searching = None
            failure, self._search_failure = self._search_failure, None
            if failure is not None:
                raise failure
        if not self._records_changed:
            return 0
        self._records_changed = False
        return 1 if self._refresh_search() else 0

    def _refresh_search(self) -> bool:
        from pressroom.adapters.pagefind import build_index
        from pressroom.publishing.search import refresh_site_search

        return refresh_site_search(self.backend.pipeline, build_index).rebuilt

    def _keys_waiting(self, queue: MemoryQueue, keys_of: Callable[[str], list[str]]) -> list[str]:
        """The source keys the messages waiting in `queue` name, for the workers to parse
        ahead; each message is read once (the queue is handed over before every batch)."""
        bodies = [body for body in queue.waiting_bodies() if body not in self._looked_at]
        self._looked_at.update(bodies)
        return [key for body in bodies for key in keys_of(body)]

    def _failed(self, queue: MemoryQueue, message: Message) -> None:
        queue.release(message)
        if message in queue.dead:
            self.report.undelivered += 1


def _failed_with(function: str, error: BaseException, attempt: str = "") -> None:
    """One line: the function, what went wrong and why (no traceback: the batch is delivered
    again, and the same error would print one per attempt)."""
    reason = next(iter(str(error).splitlines()), "")
    logger.warning("%s failed%s: %s: %s", function, attempt, type(error).__name__, reason)


def _notified_keys(body: str) -> list[str]:
    """The keys an S3 notification names (none for anything else: ingest says what it is)."""
    try:
        return [record.s3.get_object.key for record in S3Event(json.loads(body)).records]
    except (ValueError, KeyError, TypeError):
        return []


def _rebuilt_keys(body: str) -> list[str]:
    """The keys a rebuild message re-renders (`publishing.rebuild_queue`)."""
    try:
        keys = json.loads(body).get("keys", [])
    except (ValueError, AttributeError):
        return []
    return [key for key in keys if isinstance(key, str)]


def _image(change: StreamChange) -> dict[str, Any]:
    return change.new or {}


def default_template() -> Template:
    from pressroom.local.embedded import find_template

    return Template(find_template())
