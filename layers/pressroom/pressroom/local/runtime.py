"""Run the template's functions locally, fed the way Lambda's event source mappings feed them:
SQS batches with partial-failure reporting, up to the source's MaximumConcurrency at once, and
the table's stream in order with retries, each invocation on its own thread."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import logging
import os
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, TextIO

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

from pressroom.local.schedules import WakeUpPump
from pressroom.local.stack import LocalStack
from pressroom.local.template import (
    LOCAL_ACCOUNT,
    LOCAL_REGION,
    FunctionSpec,
    QueueSource,
    ScheduleSource,
    StreamSource,
)
from pressroom.operations import Target
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings

logger = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], Any]
_STREAM_READ = 1000  # records per GetRecords call (DynamoDB Streams' maximum)
_MODULE_PREFIX = "pressroom_function_"


@dataclass(frozen=True)
class LambdaContext:
    """The parts of Lambda's context object that Powertools and the functions read. Made when
    the invocation starts: its deadline is that moment plus the function's timeout."""

    function_name: str
    memory_limit_in_mb: int = 1024  # the template's Globals, for a handler tried on its own
    timeout_seconds: int = 60
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def for_function(cls, function: FunctionSpec) -> LambdaContext:
        return cls(function.logical_id, function.memory_mb, function.timeout_seconds)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        deadline = self.started + self.timeout_seconds
        return max(0, int((deadline - time.monotonic()) * 1000))


def _import_module(spec: FunctionSpec, number: int) -> ModuleType:
    """Import a function's module from its file, as Lambda does from the code URI when it starts
    an execution environment: `pressroom_function_<id>`, or `pressroom_function_<id>_<n>` for
    the n-th environment of a module that has no handler factory. Always a fresh import (a new
    stack or a redeployment is a cold start), which replaces any earlier one in `sys.modules`."""
    name = _MODULE_PREFIX + spec.logical_id + (f"_{number}" if number > 1 else "")
    loader_spec = importlib.util.spec_from_file_location(name, spec.handler_file)
    assert loader_spec is not None and loader_spec.loader is not None
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module
    loader_spec.loader.exec_module(module)
    return module


def function_environment(stack: LocalStack, overrides: Mapping[str, str]) -> dict[str, str]:
    """The functions' environment variables: this process's, then the template's (with the
    stack's names, URLs and ids), then `overrides`. Read, never written to `os.environ`."""
    return {**os.environ, **stack.environment(), **overrides}


@dataclass(frozen=True)
class Collaborators:
    """What a function's handler is made with (`make_handler` in functions/<name>/app.py), from
    the function's environment as Lambda would give it: the pipeline on the stack's settings,
    Powertools' Logger and Metrics configured as their environment variables say."""

    pipeline: Pipeline
    logger: Logger
    metrics: Metrics

    @classmethod
    def of(cls, environment: Mapping[str, str]) -> Collaborators:
        service = environment.get("POWERTOOLS_SERVICE_NAME")
        namespace = environment.get("POWERTOOLS_METRICS_NAMESPACE")
        if environment.get("POWERTOOLS_METRICS_DISABLED", "").lower() in ("1", "true", "yes"):
            # Powertools reads this one from os.environ when it flushes: honoured here instead.
            metrics = Metrics(provider=_DiscardedMetrics(namespace=namespace, service=service))
        else:
            metrics = Metrics(service=service, namespace=namespace)
        return cls(
            Pipeline(Settings.from_env(environment)),
            Logger(service=service, level=environment.get("POWERTOOLS_LOG_LEVEL")),
            metrics,
        )


class _DiscardedMetrics(AmazonCloudWatchEMFProvider):
    """Metrics a function whose environment disables them adds: dropped at each flush, neither
    printed nor kept."""

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        self.clear_metrics()


class Environments:
    """A function's execution environments. Lambda runs concurrent invocations in separate
    environments, so what a handler holds (Powertools' Logger and Metrics, its pipeline) is
    never shared between two running invocations: here each environment is a handler made by
    the module's `make_handler` from collaborators of its own (a module without one, a plain
    Lambda handler, is imported again for each environment). An idle environment is reused (a
    warm start); when all are busy a new one is started (a cold start)."""

    def __init__(self, spec: FunctionSpec, environment: Mapping[str, str] | None = None) -> None:
        self.spec = spec
        self.environment = dict(os.environ if environment is None else environment)
        self.collaborators: list[Collaborators] = []  # each environment's, in order of start
        self._lock = threading.Lock()
        self._module = _import_module(spec, 1)
        self._idle = [self._start(1)]
        self.started = 1

    def _start(self, number: int) -> Handler:
        factory = getattr(self._module, "make_handler", None)
        if factory is None:
            module = self._module if number == 1 else _import_module(self.spec, number)
            handler: Handler = getattr(module, self.spec.handler_name)
            return handler
        collaborators = Collaborators.of(self.environment)
        with self._lock:
            self.collaborators.append(collaborators)
        made: Handler = factory(collaborators.pipeline, collaborators.logger, collaborators.metrics)
        return made

    def invoke(self, event: dict[str, Any], context: Any) -> Any:
        handler = self._acquire()
        try:
            return handler(event, context)
        finally:
            with self._lock:
                self._idle.append(handler)

    def _acquire(self) -> Handler:
        with self._lock:
            if self._idle:
                return self._idle.pop()  # the most recently used: the warmest
            self.started += 1
            number = self.started
        return self._start(number)  # outside the lock: others stay warm


def load_handler(spec: FunctionSpec, environment: Mapping[str, str] | None = None) -> Handler:
    """The handler of a new execution environment of the function, on its environment
    variables (default: this process's), for an invocation on its own."""
    return Environments(spec, environment)._idle[0]


class _FunctionLog(io.TextIOBase):
    """A function's stdout and warnings, as Lambda keeps them: in the function's log (here the
    `pressroom.functions.<id>` logger, at debug level), not on the terminal."""

    def __init__(self, function_name: str) -> None:
        self.log = logging.getLogger(f"pressroom.functions.{function_name}")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text.strip():
            self.log.debug("%s", text.rstrip("\n"))
        return len(text)


class _ThreadOutput(io.TextIOBase):
    """Stands in for stdout while invocations run: what a thread running an invocation prints
    goes to its function's log, what any other thread prints goes where it went before."""

    def __init__(self, before: TextIO, current: Callable[[], _FunctionLog | None]) -> None:
        self._before = before
        self._current = current

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def _target(self) -> TextIO | _FunctionLog:
        function_log = self._current()
        return self._before if function_log is None else function_log


class _InvocationOutput:
    """Routes what each invocation prints or warns to its function's log. `redirect_stdout` and
    `catch_warnings` swap process-wide state, so two invocations overlapping on threads would
    each restore what the other swapped in: instead the first invocation to start installs one
    router for stdout and warnings, and the last to finish restores what was there."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._restore = contextlib.ExitStack()
        self._thread = threading.local()

    @contextlib.contextmanager
    def to(self, function_log: _FunctionLog) -> Iterator[None]:
        with self._lock:
            if not self._running:
                self._install()
            self._running += 1
        self._thread.log = function_log
        try:
            yield
        finally:
            self._thread.log = None
            with self._lock:
                self._running -= 1
                if not self._running:
                    self._restore.close()

    def _current(self) -> _FunctionLog | None:
        return getattr(self._thread, "log", None)

    def _install(self) -> None:
        self._restore.enter_context(
            contextlib.redirect_stdout(_ThreadOutput(sys.stdout, self._current))
        )
        self._restore.enter_context(warnings.catch_warnings())
        warnings.simplefilter("always")  # every invocation's warnings, as each is logged
        shown_before = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            function_log = self._current()
            if function_log is None:
                shown_before(message, category, filename, lineno, file, line)
            else:
                function_log.log.debug("%s: %s", category.__name__, message)

        warnings.showwarning = show


_output = _InvocationOutput()


def call_handler(handler: Handler, event: dict[str, Any], function: FunctionSpec | str) -> Any:
    """Invoke a handler (of the template's `function`, or one tried on its own under a name),
    what it prints or warns going to its log. Powertools prints its metrics buffer whenever it
    holds 100 values, metrics disabled or not (and when disabled never clears it), and warns of
    every invocation that added none: without this a `pressroom build` printed a screenful of
    EMF JSON every ~100 articles."""
    if isinstance(function, str):
        context = LambdaContext(function)
    else:
        context = LambdaContext.for_function(function)
    with _output.to(_FunctionLog(context.function_name)):
        return handler(event, context)


def forget_function_logger(environment: Mapping[str, str]) -> None:
    """Drop the stdlib logger the functions' Powertools loggers configured, so that the next
    ones configure it anew: it is shared by name, so it would go on writing to the stream of
    the process's previous stack (in tests, an earlier test's captured output)."""
    logging.Logger.manager.loggerDict.pop(environment.get("POWERTOOLS_SERVICE_NAME", ""), None)


class Invocations:
    """The invocations in flight, each on its own thread as each runs in its own execution
    environment on Lambda; the thread that polls the sources counts and waits for them here."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running: Counter[object] = Counter()  # by the pump that started them
        self._finished: Counter[str] = Counter()  # records, by function, since last taken
        self._error: Exception | None = None

    def running(self, pump: object | None = None) -> int:
        with self._changed:
            return self._running[pump] if pump is not None else self._running.total()

    def start(self, pump: object, function_id: str, records: int, run: Callable[[], None]) -> None:
        with self._changed:
            self._running[pump] += 1
        threading.Thread(
            target=self._run,
            args=(pump, function_id, records, run),
            name=f"{function_id} invocation",
            daemon=True,
        ).start()

    def take_finished(self, wait: bool = False) -> Counter[str]:
        """The records each function finished since the last call; with `wait`, once at least
        one invocation has finished (or none is running). An error that escaped an invocation's
        thread (the poller's own calls failing, not the function) is raised here."""
        with self._changed:
            if wait:
                self._changed.wait_for(lambda: self._finished or not self._running.total())
            finished, self._finished = self._finished, Counter()
            error, self._error = self._error, None
        if error is not None:
            raise error
        return finished

    def wait_until_idle(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self._running.total())

    def _run(self, pump: object, function_id: str, records: int, run: Callable[[], None]) -> None:
        try:
            run()
        except Exception as error:
            logger.exception("settling a batch of %s failed", function_id)
            with self._changed:
                self._error = self._error or error
        finally:
            with self._changed:
                self._running[pump] -= 1
                self._finished[function_id] += records
                self._changed.notify_all()


class _BatchingWindow:
    """Like Lambda's pollers, gather a batch until it is full or the source's batching window
    (MaximumBatchingWindowInSeconds) has passed since its first record arrived."""

    source: QueueSource | StreamSource

    def __init__(self) -> None:
        self.clock: Callable[[], float] = time.monotonic
        self._opened = 0.0

    @property
    def gathered(self) -> int:
        raise NotImplementedError

    @property
    def window_closes(self) -> float | None:
        """When the batch being gathered is due (None when none is being gathered)."""
        return self._opened + self.source.window_seconds if self.gathered else None

    def rebase(self, now: float) -> None:
        """Start the batch being gathered (if any) at `now` of a new clock."""
        self._opened = now

    def _open_if_empty(self, arriving: int) -> None:
        if arriving and not self.gathered:
            self._opened = self.clock()

    def _due(self) -> bool:
        """Full, or its window has passed by the clock (real time in a long-running stack,
        simulated time in `drain`)."""
        closes = self.window_closes
        if closes is None:
            return False
        return self.clock() >= closes or self.gathered >= self.source.batch_size


class _Pump(_BatchingWindow):
    """An event source mapping: it polls its source on the caller's thread and invokes the
    function on threads of its own (see `Invocations`), in the function's environments."""

    def __init__(
        self, function: FunctionSpec, environments: Environments, invocations: Invocations
    ) -> None:
        super().__init__()
        self.function = function
        # What the pump invokes; tests and the bench wrap it to watch the function.
        self._handler: Handler = environments.invoke
        self._invocations = invocations
        self._failures_lock = threading.Lock()
        self.failures = 0

    def _call(self, event: dict[str, Any]) -> Any:
        return call_handler(self._handler, event, self.function)

    def _start(self, records: int, deliver: Callable[[], None]) -> None:
        self._invocations.start(self, self.function.logical_id, records, deliver)

    def _count_failures(self, records: int) -> None:
        with self._failures_lock:
            self.failures += records


class QueuePump(_Pump):
    source: QueueSource

    def __init__(
        self,
        stack: LocalStack,
        function: FunctionSpec,
        source: QueueSource,
        environments: Environments,
        invocations: Invocations,
    ) -> None:
        super().__init__(function, environments, invocations)
        self.source = source
        self.url = stack.refs[source.queue]
        self.arn = stack.attribute(source.queue, "Arn")
        self._sqs = stack.client("sqs")
        # Seconds before a failed message is delivered again; None keeps the queue's own
        # visibility timeout, as Lambda does (`pressroom up` honours it).
        self.retry_after: int | None = 0
        self._batch: list[dict[str, Any]] = []

    @property
    def gathered(self) -> int:
        return len(self._batch)

    def poll(self) -> int:
        """Start an invocation for each due batch while fewer than the source's
        MaximumConcurrency run (like Lambda's pollers, receive nothing while all are busy);
        returns how many messages were handed to the function."""
        started = 0
        while self._invocations.running(self) < self.source.max_concurrency:
            self._gather()
            if not self._due():
                break
            messages, self._batch = self._batch, []
            self._start(len(messages), functools.partial(self._deliver, messages))
            started += len(messages)
        return started

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        event = {"Records": [self._record(message) for message in messages]}
        failed = self._invoke(event, messages)
        for message in messages:
            # Back on the queue after `retry_after` (at once by default: in tests nobody
            # benefits from waiting); the queue's redrive policy moves it to the DLQ after
            # maxReceiveCount deliveries.
            if message["MessageId"] in failed and self.retry_after is not None:
                self._sqs.change_message_visibility(
                    QueueUrl=self.url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self.retry_after,
                )
        self._delete([message for message in messages if message["MessageId"] not in failed])
        self._count_failures(len(failed))

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        """Delete what the function handled, ten to a request as Lambda's poller does."""
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
                for n, message in enumerate(messages[start : start + 10])
            ]
            self._sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)

    def _gather(self) -> None:
        while len(self._batch) < self.source.batch_size:
            received = self._sqs.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(10, self.source.batch_size - len(self._batch)),
                AttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not received:
                return
            self._open_if_empty(len(received))
            self._batch += received

    def _invoke(self, event: dict[str, Any], messages: list[dict[str, Any]]) -> set[str]:
        try:
            response = self._call(event) or {}
        except Exception:
            logger.exception("%s failed a batch of %d", self.function.logical_id, len(messages))
            return {message["MessageId"] for message in messages}
        return {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": LOCAL_REGION,
        }


class StreamPump(_Pump):
    """The table's stream: one batch at a time, in order (one shard, ParallelizationFactor 1)."""

    source: StreamSource

    def __init__(
        self,
        stack: LocalStack,
        function: FunctionSpec,
        source: StreamSource,
        environments: Environments,
        invocations: Invocations,
    ) -> None:
        super().__init__(function, environments, invocations)
        self.source = source
        self.arn = stack.attribute(source.table, "StreamArn")
        self._streams = stack.client("dynamodbstreams")
        self._iterators: dict[str, str] = {}
        self._pending: list[dict[str, Any]] = []

    @property
    def gathered(self) -> int:
        return len(self._pending)

    def poll(self) -> int:
        """Start the next batch of matching records when it is due and the one before has
        finished; returns how many records were handed to the function."""
        if self._invocations.running(self):
            return 0
        self._fill()
        if not self._due():
            return 0
        batch = self._pending[: self.source.batch_size]
        del self._pending[: len(batch)]
        if self._pending:
            self._opened = self.clock()  # the rest starts a new window, as on a queue
        self._start(len(batch), functools.partial(self._deliver, batch))
        return len(batch)

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        """Deliver `batch` until all of it succeeds or the retries run out. A failed invocation
        is retried whole; one that reports a batch item failure has finished the records before
        the reported one, and delivery resumes from it (ReportBatchItemFailures). Either counts
        as a retry (MaximumRetryAttempts)."""
        remaining = batch
        for attempt in range(self.source.max_retries + 1):
            finished = self._invoke(remaining, attempt)
            if finished == len(remaining):
                return
            remaining = remaining[finished:]
        self._count_failures(len(remaining))

    def _invoke(self, records: list[dict[str, Any]], attempt: int) -> int:
        """How many of `records`, from the first, the function finished."""
        try:
            response = self._call({"Records": records})
        except Exception:
            logger.exception("%s failed (attempt %d)", self.function.logical_id, attempt + 1)
            return 0
        finished = _finished_before_failures(records, response)
        if finished < len(records):
            logger.warning(
                "%s finished %d of %d records (attempt %d); resuming from the next",
                self.function.logical_id,
                finished,
                len(records),
                attempt + 1,
            )
        return finished

    def _fill(self) -> None:
        if len(self._pending) >= self.source.batch_size:
            return
        if not self._iterators:
            # moto's stream has one shard for the table's life: describe it once, not per poll
            # (drains poll thousands of times; each call costs a few milliseconds).
            description = self._streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
            for shard in description["Shards"]:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
        for shard_id, iterator in self._iterators.items():
            while True:
                response = self._streams.get_records(ShardIterator=iterator, Limit=_STREAM_READ)
                iterator = self._iterators[shard_id] = response["NextShardIterator"]
                records = response["Records"]
                matching = [self._record(record) for record in records if self._matches(record)]
                self._open_if_empty(len(matching))
                self._pending += matching
                if len(records) < _STREAM_READ:  # caught up with the shard
                    break

    def _matches(self, record: dict[str, Any]) -> bool:
        keys = record["dynamodb"].get("Keys", {})
        return all(
            str(keys.get(attr, {}).get("S", "")).startswith(prefix)
            for attr, prefix in self.source.key_prefixes.items()
        )

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "eventSource": "aws:dynamodb", "eventSourceARN": self.arn}


def _finished_before_failures(records: list[dict[str, Any]], response: Any) -> int:
    """How many records a stream batch's response says the function finished, as Lambda reads
    it: no response or no failures, all of them; else those before the earliest failure named
    by sequence number; a failure naming no record of the batch fails the whole batch."""
    failures = (response or {}).get("batchItemFailures") or []
    if not failures:
        return len(records)
    sequence = [record["dynamodb"]["SequenceNumber"] for record in records]
    named = [failure.get("itemIdentifier") for failure in failures]
    if not all(identifier in sequence for identifier in named):
        return 0
    return min(sequence.index(identifier) for identifier in named)


class SchedulePump(_Pump):
    """An EventBridge schedule: the function is invoked every `every_seconds` of wall-clock
    time, never twice at a time. Its runs are no records: they do
    not keep `LocalRuntime.drain` from settling (`run_schedules` runs them on demand)."""

    source: ScheduleSource  # type: ignore[assignment]

    def __init__(
        self,
        function: FunctionSpec,
        source: ScheduleSource,
        environments: Environments,
        invocations: Invocations,
    ) -> None:
        super().__init__(function, environments, invocations)
        self.source = source
        # Like a new EventBridge rate rule, the first run is a whole period after it starts.
        self._next = time.monotonic() + source.every_seconds

    @property
    def gathered(self) -> int:
        return 0  # nothing is batched: `drain` never waits for a window of a schedule

    @property
    def window_closes(self) -> float | None:
        return None

    def poll(self) -> int:
        now = time.monotonic()
        if now >= self._next and not self._invocations.running(self):
            self.trigger()
        return 0

    def trigger(self) -> None:
        """Start a run now (the next one is then a whole period away)."""
        self._next = time.monotonic() + self.source.every_seconds
        self._start(0, self._deliver)

    def _deliver(self) -> None:
        # The shape EventBridge gives a scheduled rule's target.
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": LOCAL_ACCOUNT,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": LOCAL_REGION,
            "resources": [],
            "detail": {},
        }
        try:
            self._call(event)
        except Exception:
            logger.exception("%s: scheduled run failed", self.function.logical_id)
            self._count_failures(1)


Pump = QueuePump | StreamPump | SchedulePump


@dataclass
class _SimulatedClock:
    """The time `LocalRuntime.drain` shows the pumps: it moves only when drain moves it."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class LocalRuntime:
    stack: LocalStack
    pumps: list[Pump]
    invocations: Invocations
    environment: dict[str, str]  # the functions' environment variables
    environments: dict[str, Environments]  # by function logical id
    wake_ups: WakeUpPump | None = None  # fires the scheduler's due one-time schedules

    @property
    def settings(self) -> Settings:
        """The settings the functions run with."""
        return Settings.from_env(self.environment)

    @classmethod
    def start(cls, stack: LocalStack, overrides: Mapping[str, str]) -> LocalRuntime:
        """Attach a pump to each event source, feeding handlers made on the functions'
        environment (`function_environment`); the process's own is left as it is."""
        # The local scheduler fires to the second (`WakeUpPump`): no rounding to a minute.
        precision = {"SCHEDULE_PRECISION_SECONDS": "1"}
        environment = function_environment(stack, {**precision, **overrides})
        forget_function_logger(environment)
        invocations = Invocations()
        pumps: list[Pump] = []
        by_function: dict[str, Environments] = {}
        for function in stack.template.functions():
            environments = Environments(function, environment)  # shared by its sources
            by_function[function.logical_id] = environments
            for source in function.sources:
                if isinstance(source, QueueSource):
                    pumps.append(QueuePump(stack, function, source, environments, invocations))
                elif isinstance(source, ScheduleSource):
                    pumps.append(SchedulePump(function, source, environments, invocations))
                else:
                    pumps.append(StreamPump(stack, function, source, environments, invocations))
        return cls(stack, pumps, invocations, environment, by_function, WakeUpPump(stack))

    def drain(
        self,
        max_rounds: int = 100_000,
        delivered: Callable[[str, int], None] = lambda function, count: None,
    ) -> int:
        """Deliver until every queue and stream is empty and every invocation has finished;
        returns the records delivered, and tells `delivered` (function id, count) of the
        records each function finishes as it goes (on this thread).

        Time is simulated, so batching does not depend on how fast this machine is: while
        draining, the pumps read a clock that stands still while anything moves (a batch
        starts, or an invocation runs); once every source is idle and nothing runs it jumps to
        the earliest batching window that closes (ties: the pump listed first), so a burst
        coalesces as it does on Lambda."""
        clock = _SimulatedClock()
        saved = [pump.clock for pump in self.pumps]
        for pump in self.pumps:
            pump.clock = clock
            pump.rebase(clock.now)
        try:
            total = 0
            for _ in range(max_rounds):
                # Counted before polling: an invocation ending during the polls may have put
                # messages back that they missed, so only a round that began with none
                # running can find the sources settled.
                running = self.invocations.running()
                started = sum(pump.poll() for pump in self.pumps)
                idle = not started and not running
                if idle:
                    started = self._close_next_window(clock) or self._fire_due()
                # Nothing to start while invocations run: wait for one to finish.
                finished = self.invocations.take_finished(wait=not started and running > 0)
                for function, count in finished.items():
                    delivered(function, count)
                    total += count
                if idle and not started:
                    return total
            raise RuntimeError("the local event sources did not settle")
        finally:
            self.invocations.wait_until_idle()  # even when raising: no invocation outlives it
            for pump, original in zip(self.pumps, saved, strict=True):
                pump.clock = original

    def run_schedules(self) -> None:
        """Run every scheduled function once now and wait for it (what the schedule would do
        within its period): `pressroom up` tests, and the search index after a workload."""
        for pump in self.pumps:
            if isinstance(pump, SchedulePump):
                pump.trigger()
        self.invocations.wait_until_idle()
        self.invocations.take_finished()

    def redeploy(self) -> None:
        """New code for every function, as a deployment gives Lambda: the next invocations
        start cold, in fresh imports of the handler modules with new collaborators, which read
        their templates anew (`pressroom serve --watch` after a theme change: a template added
        to TEMPLATES_DIR shadows the default theme's only in a new Jinja2 environment)."""
        self.invocations.wait_until_idle()
        forget_function_logger(self.environment)
        fresh: dict[str, Environments] = {}
        for pump in self.pumps:
            spec = pump.function
            if spec.logical_id not in fresh:  # one set of environments per function
                fresh[spec.logical_id] = Environments(spec, self.environment)
            pump._handler = fresh[spec.logical_id].invoke
        self.environments = fresh

    def _fire_due(self) -> int:
        """Once all else is quiet: the wake-ups due by the clock (the one the functions decide
        by, not the drain's simulated one) onto their queue."""
        return self.wake_ups.fire_due() if self.wake_ups is not None else 0

    def _close_next_window(self, clock: _SimulatedClock) -> int:
        gathering = [pump for pump in self.pumps if pump.window_closes is not None]
        if not gathering:
            return 0
        due = min(gathering, key=lambda pump: pump.window_closes or 0.0)
        clock.now = max(clock.now, due.window_closes or 0.0)
        return due.poll()

    @property
    def target(self) -> Target:
        """This stack as the operator commands address it."""
        return Target(self.stack.outputs(), self.stack.client)

    @property
    def failures(self) -> int:
        return sum(pump.failures for pump in self.pumps)
