"""SQS adapters: the queue of paths waiting to be invalidated, and the rebuild work queue."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pressroom.adapters.aws import domain_errors
from pressroom.errors import TransientError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

# SQS messages are at most 256 KiB; 1,500 paths of up to ~150 bytes stay well below.
_PATHS_PER_MESSAGE = 1500
MAX_DELAY_SECONDS = 900  # SQS's longest message delay


class InvalidationQueue:
    def __init__(self, url: str, client: SQSClient) -> None:
        self.url = url
        self._client = client

    def send(self, paths: list[str], correlation_id: str = "") -> None:
        if not paths or not self.url:
            return
        unique = sorted(set(paths))
        for start in range(0, len(unique), _PATHS_PER_MESSAGE):
            body: dict[str, object] = {"paths": unique[start : start + _PATHS_PER_MESSAGE]}
            if correlation_id:
                body["correlation_id"] = correlation_id
            with domain_errors():
                self._client.send_message(QueueUrl=self.url, MessageBody=json.dumps(body))


class WorkQueue:
    """A queue of small JSON work orders (the rebuild queue), sent in batches of ten."""

    def __init__(self, url: str, client: SQSClient) -> None:
        self.url = url
        self._client = client

    def send_all(self, bodies: Iterable[str], delay_seconds: int = 0) -> int:
        pending = list(bodies) if self.url else []
        delay = min(max(delay_seconds, 0), MAX_DELAY_SECONDS)
        for start in range(0, len(pending), 10):
            entries: list[SendMessageBatchRequestEntryTypeDef] = []
            for number, body in enumerate(pending[start : start + 10]):
                entry: SendMessageBatchRequestEntryTypeDef = {
                    "Id": str(number),
                    "MessageBody": body,
                }
                if delay_seconds:
                    entry["DelaySeconds"] = delay
                entries.append(entry)
            with domain_errors():
                response = self._client.send_message_batch(QueueUrl=self.url, Entries=entries)
            if response.get("Failed"):
                raise TransientError(f"the queue refused {len(response['Failed'])} message(s)")
        return len(pending)
