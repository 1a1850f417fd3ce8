"""Run the template's functions locally, fed the way Lambda's event source mappings feed them:
SQS batches with partial-failure reporting, and the table's stream in order with retries."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pressroom.local.stack import LocalStack
from pressroom.local.template import (
    LOCAL_ACCOUNT,
    LOCAL_REGION,
    FunctionSpec,
    QueueSource,
    StreamSource,
)

if TYPE_CHECKING:
    from pressroom.operations import Target

logger = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], Any]
_STREAM_READ = 1000  # records per GetRecords call (DynamoDB Streams' maximum)


@dataclass(frozen=True)
class LambdaContext:
    """The parts of Lambda's context object that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def load_handler(spec: FunctionSpec) -> Handler:
    """Import a function's module from its file, as Lambda would from the code URI."""
    name = f"pressroom_function_{spec.logical_id}"
    module = sys.modules.get(name)
    if module is None:
        loader_spec = importlib.util.spec_from_file_location(name, spec.handler_file)
        assert loader_spec is not None and loader_spec.loader is not None
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
    handler: Handler = getattr(module, spec.handler_name)
    return handler


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


def call_handler(handler: Handler, event: dict[str, Any], function_name: str) -> Any:
    """Invoke a handler, what it prints or warns going to its log. Powertools prints its metrics
    buffer whenever it holds 100 values, metrics disabled or not (and when disabled never
    clears it), and warns of every invocation that added none: without this a `pressroom build`
    printed a screenful of EMF JSON every ~100 articles."""
    function_log = _FunctionLog(function_name)
    with contextlib.redirect_stdout(function_log), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return handler(event, LambdaContext(function_name))
        finally:
            for warning in caught:
                function_log.log.debug("%s: %s", warning.category.__name__, warning.message)


def forget_handlers() -> None:
    """Drop imported function modules (each holds settings read at import, like a cold start),
    and the stdlib logger their Powertools loggers configured: it is shared by name, so it would
    go on writing to the stream of the process's previous stack (in tests, an earlier test's
    captured output)."""
    for name in [n for n in sys.modules if n.startswith("pressroom_function_")]:
        sys.modules.pop(name)
    logging.Logger.manager.loggerDict.pop(os.environ.get("POWERTOOLS_SERVICE_NAME", ""), None)


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


class QueuePump(_BatchingWindow):
    source: QueueSource

    def __init__(self, stack: LocalStack, function: FunctionSpec, source: QueueSource) -> None:
        super().__init__()
        self.function = function
        self.source = source
        self.url = stack.refs[source.queue]
        self.arn = stack.attribute(source.queue, "Arn")
        self._sqs = stack.client("sqs")
        self._handler = load_handler(function)
        self.failures = 0
        # Seconds before a failed message is delivered again; None keeps the queue's own
        # visibility timeout, as Lambda does (`pressroom up` honours it).
        self.retry_after: int | None = 0
        self._batch: list[dict[str, Any]] = []

    @property
    def gathered(self) -> int:
        return len(self._batch)

    def poll(self) -> int:
        """Deliver the gathered batch if it is due; returns how many messages were delivered."""
        self._gather()
        if not self._due():
            return 0
        messages, self._batch = self._batch, []
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
        self.failures += len(failed)
        return len(messages)

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
            response = call_handler(self._handler, event, self.function.logical_id) or {}
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


class StreamPump(_BatchingWindow):
    source: StreamSource

    def __init__(self, stack: LocalStack, function: FunctionSpec, source: StreamSource) -> None:
        super().__init__()
        self.function = function
        self.source = source
        self.arn = stack.attribute(source.table, "StreamArn")
        self._streams = stack.client("dynamodbstreams")
        self._handler = load_handler(function)
        self._iterators: dict[str, str] = {}
        self._pending: list[dict[str, Any]] = []
        self.failures = 0

    @property
    def gathered(self) -> int:
        return len(self._pending)

    def poll(self) -> int:
        """Deliver the next batch of matching records when it is due; a failed batch is
        delivered again (in order) until it succeeds or runs out of retries."""
        self._fill()
        if not self._due():
            return 0
        batch = self._pending[: self.source.batch_size]
        for attempt in range(self.source.max_retries + 1):
            try:
                call_handler(self._handler, {"Records": batch}, self.function.logical_id)
                break
            except Exception:
                logger.exception("%s failed (attempt %d)", self.function.logical_id, attempt + 1)
        else:
            self.failures += len(batch)
        del self._pending[: len(batch)]
        if self._pending:
            self._opened = self.clock()  # the rest starts a new window, as on a queue
        return len(batch)

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


Pump = QueuePump | StreamPump


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

    @classmethod
    def start(cls, stack: LocalStack, overrides: dict[str, str]) -> LocalRuntime:
        """Set the functions' environment and attach a pump to each event source."""
        os.environ.update({**stack.environment(), **overrides})
        forget_handlers()  # a new stack is a cold start: modules read settings at import
        pumps: list[Pump] = []
        for function in stack.template.functions():
            for source in function.sources:
                if isinstance(source, QueueSource):
                    pumps.append(QueuePump(stack, function, source))
                else:
                    pumps.append(StreamPump(stack, function, source))
        return cls(stack, pumps)

    def drain(
        self,
        max_rounds: int = 100_000,
        delivered: Callable[[str, int], None] = lambda function, count: None,
    ) -> int:
        """Deliver until every queue and stream is empty; returns the records delivered, and
        tells `delivered` (function id, count) of each batch as it goes.

        Time is simulated, so the result does not depend on how fast this machine is and a
        failure replays exactly: while draining, the queue pumps read a clock that stands still
        while anything moves; once every source is idle it jumps to the earliest batching window
        that closes (ties: the pump listed first), so a burst coalesces as it does on Lambda."""
        clock = _SimulatedClock()
        saved = [pump.clock for pump in self.pumps]
        for pump in self.pumps:
            pump.clock = clock
            pump.rebase(clock.now)

        def poll(pump: Pump) -> int:
            count = pump.poll()
            if count:
                delivered(pump.function.logical_id, count)
            return count

        try:
            total = 0
            for _ in range(max_rounds):
                moved = sum(poll(pump) for pump in self.pumps)
                if not moved:
                    moved = self._close_next_window(self.pumps, clock, poll)
                if not moved:
                    return total
                total += moved
            raise RuntimeError("the local event sources did not settle")
        finally:
            for pump, original in zip(self.pumps, saved, strict=True):
                pump.clock = original

    @staticmethod
    def _close_next_window(
        pumps: list[Pump], clock: _SimulatedClock, poll: Callable[[Pump], int]
    ) -> int:
        gathering = [pump for pump in pumps if pump.window_closes is not None]
        if not gathering:
            return 0
        due = min(gathering, key=lambda pump: pump.window_closes or 0.0)
        clock.now = max(clock.now, due.window_closes or 0.0)
        return poll(due)

    @property
    def target(self) -> Target:
        """This stack as the operator commands address it."""
        from pressroom.operations import Target

        return Target(self.stack.outputs(), self.stack.client)

    @property
    def failures(self) -> int:
        return sum(pump.failures for pump in self.pumps)
