"""One suite, two backends: the AWS adapters on the embedded moto (the template's resources) and
the in-process memory adapters. Every test takes `backend` and runs once on each.

The moto backend is shared by a module's tests (bringing it up costs a second); each test works
under keys of its own (`backend.token`) and reads back only what concerns them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from pressroom.local.inprocess import InProcessBackend
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings

BACKENDS = ("moto", "memory")


@dataclass
class Backend:
    """A pipeline on one backend, the editor's side of the ingest bucket, and a view of what
    left through the stream and the queues."""

    name: str
    pipeline: Pipeline
    put_source: Callable[[str, bytes], None]
    delete_source: Callable[[str], None]
    read_stream: Callable[[], list[dict[str, Any]]]  # every record so far, in order
    read_queue: Callable[[str], list[str]]  # "ingest" | "invalidation" | "rebuild": bodies
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    @property
    def settings(self) -> Settings:
        return self.pipeline.settings

    def stream(self) -> list[dict[str, Any]]:
        """This test's stream records (their partition key names the token), in order."""
        return [r for r in self.read_stream() if self.token in r["dynamodb"]["Keys"]["pk"]["S"]]

    def messages(self, queue: str) -> list[str]:
        """The bodies waiting on a queue that name this test's token (received and deleted)."""
        return [body for body in self.read_queue(queue) if self.token in body]


@pytest.fixture(scope="module")
def moto_backend() -> Iterator[Backend]:
    from pressroom.local.embedded import embedded_aws

    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        stack = runtime.stack
        pipeline = Pipeline(runtime.settings, stack.client)
        s3, sqs = stack.client("s3"), stack.client("sqs")
        bucket = pipeline.settings.ingest_bucket
        queues = {
            "ingest": stack.refs["IngestQueue"],
            "invalidation": stack.refs["InvalidationQueue"],
            "rebuild": stack.refs["RebuildQueue"],
        }
        streams = stack.client("dynamodbstreams")
        arn = stack.attribute("ContentTable", "StreamArn")

        def read_stream() -> list[dict[str, Any]]:
            records: list[dict[str, Any]] = []
            description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
            for shard in description["Shards"]:
                iterator = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                while iterator:
                    response = streams.get_records(ShardIterator=iterator, Limit=1000)
                    records += response["Records"]
                    if not response["Records"]:
                        break
                    iterator = response.get("NextShardIterator")
            return records

        def read_queue(name: str) -> list[str]:
            bodies: list[str] = []
            while True:
                response = sqs.receive_message(QueueUrl=queues[name], MaxNumberOfMessages=10)
                messages = response.get("Messages", [])
                if not messages:
                    return bodies
                for message in messages:
                    bodies.append(message["Body"])
                    sqs.delete_message(
                        QueueUrl=queues[name], ReceiptHandle=message["ReceiptHandle"]
                    )

        yield Backend(
            "moto",
            pipeline,
            put_source=lambda key, body: s3.put_object(Bucket=bucket, Key=key, Body=body),
            delete_source=lambda key: s3.delete_object(Bucket=bucket, Key=key),
            read_stream=read_stream,
            read_queue=read_queue,
        )


def memory_backend() -> Backend:
    settings = Settings(
        content_table="content",
        ingest_bucket="ingest",
        site_bucket="site",
        invalidation_queue_url="memory://invalidation",
        rebuild_queue_url="memory://rebuild",
        distribution_id="memory",
        site_url="https://news.example",
    )
    made = InProcessBackend.create(settings)
    queues = {
        "ingest": made.ingest_queue,
        "invalidation": made.invalidations,
        "rebuild": made.rebuilds,
    }

    def read_queue(name: str) -> list[str]:
        messages = queues[name].receive(1_000_000)
        for message in messages:
            queues[name].delete(message)
        return [message.body for message in messages]

    return Backend(
        "memory",
        made.pipeline,
        put_source=made.sources.put_object,
        delete_source=made.sources.delete_object,
        read_stream=lambda: [c.record() for c in made.store.table.changes_after(0, 10**9)],
        read_queue=read_queue,
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    """GIVEN a pipeline on one backend (the AWS adapters on moto, or the memory adapters)."""
    if request.param == "moto":
        found: Backend = request.getfixturevalue("moto_backend")
        found.token = uuid.uuid4().hex[:10]
        return found
    return memory_backend()


def bodies_as_json(bodies: list[str]) -> list[dict[str, Any]]:
    return [json.loads(body) for body in bodies]
