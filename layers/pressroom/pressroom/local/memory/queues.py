"""Queues (at-least-once, with redelivery and a dead-letter list) and the CDN, in memory."""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# As the SQS adapter: 1,500 paths of up to ~150 bytes stay well below a message's 256 KiB.
PATHS_PER_MESSAGE = 1500


@dataclass
class Message:
    body: str
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    receive_count: int = 0

    def record(
        self, queue_arn: str = "arn:aws:sqs:local:000000000000:in-process"
    ) -> dict[str, Any]:
        """The message as an SQS event record (what Lambda hands a function)."""
        return {
            "messageId": self.message_id,
            "receiptHandle": self.message_id,
            "body": self.body,
            "attributes": {"ApproximateReceiveCount": str(self.receive_count)},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": "local",
        }


class MemoryQueue:
    """A queue with SQS's delivery semantics that matter here: a received message is in flight
    until deleted (done) or released (failed: delivered again, up to `max_receives` times, then
    moved to `dead`)."""

    def __init__(self, max_receives: int = 5) -> None:
        self.max_receives = max_receives
        self._lock = threading.Lock()
        self._waiting: deque[Message] = deque()
        self._in_flight: dict[str, Message] = {}
        self.dead: list[Message] = []

    def send_body(self, body: str) -> None:
        with self._lock:
            self._waiting.append(Message(body))

    def receive(self, limit: int) -> list[Message]:
        with self._lock:
            taken: list[Message] = []
            while self._waiting and len(taken) < limit:
                message = self._waiting.popleft()
                message.receive_count += 1
                self._in_flight[message.message_id] = message
                taken.append(message)
            return taken

    def delete(self, message: Message) -> None:
        with self._lock:
            self._in_flight.pop(message.message_id, None)

    def release(self, message: Message) -> None:
        """The message failed: deliver it again, or dead-letter it after `max_receives`."""
        with self._lock:
            if self._in_flight.pop(message.message_id, None) is None:
                return
            if message.receive_count >= self.max_receives:
                self.dead.append(message)
            else:
                self._waiting.append(message)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def waiting_bodies(self) -> list[str]:
        """The bodies of the messages waiting, in the order they will be received."""
        with self._lock:
            return [message.body for message in self._waiting]

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)


class MemoryInvalidationQueue(MemoryQueue):
    """`pressroom.ports.InvalidationQueuePort`: messages as the SQS adapter sends them."""

    def send(self, paths: list[str], correlation_id: str = "") -> None:
        if not paths:
            return
        unique = sorted(set(paths))
        for start in range(0, len(unique), PATHS_PER_MESSAGE):
            body: dict[str, object] = {"paths": unique[start : start + PATHS_PER_MESSAGE]}
            if correlation_id:
                body["correlation_id"] = correlation_id
            self.send_body(json.dumps(body))


class MemoryWorkQueue(MemoryQueue):
    """`pressroom.ports.WorkQueuePort`. A delay is not waited for: a local build drains its
    queues before it exports, and a delayed message only makes a page fresher sooner."""

    def send_all(self, bodies: Iterable[str], delay_seconds: int = 0) -> int:
        pending = list(bodies)
        for body in pending:
            self.send_body(body)
        return len(pending)


@dataclass(frozen=True)
class Invalidation:
    id: str
    paths: tuple[str, ...]
    caller_reference: str


class CallerReferenceReused(ValueError):
    """CloudFront's `InvalidationBatchAlreadyExists`: a caller reference reused with other paths."""


class MemoryDistribution:
    """`pressroom.ports.DistributionPort`: records invalidations (each completes at once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.invalidations: list[Invalidation] = []
        self._by_reference: dict[str, Invalidation] = {}

    def invalidate(self, paths: list[str], caller_reference: str) -> str:
        with self._lock:
            earlier = self._by_reference.get(caller_reference)
            if earlier is not None:
                if sorted(earlier.paths) != sorted(paths):
                    raise CallerReferenceReused(caller_reference)
                return earlier.id
            made = Invalidation(
                f"I{len(self.invalidations) + 1:013d}", tuple(paths), caller_reference
            )
            self.invalidations.append(made)
            self._by_reference[caller_reference] = made
            return made.id
