"""Concurrent import on the local runtime: the corpus uploaded in shuffled order and ingested
with the ingest function's MaximumConcurrency set to 1, 5 and 10 workers (batches of 10), each
invocation on its own thread against the embedded backend's real conditional-transaction
failures. Reported per run: transaction attempts per article (TransactWriteItems calls by the
functions / articles), messages left in dead-letter queues and failed deliveries (the listings'
date order at 10 workers is a test: tests/convergence/test_concurrent_import.py). Threads share
two cores here, so local throughput is not the measure of scaling; the AWS-scale model is."""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass

from bench.corpus import Corpus, GeneratedArticle, pressroom_file
from pressroom.adapters.aws import session
from pressroom.local.embedded import embedded_aws
from pressroom.local.runtime import LocalRuntime, QueuePump

WORKERS = (1, 5, 10)
# Batches of 10 (the template's are 100) so that even the bench's few hundred articles keep 10
# invocations busy at once: conflicts are about overlap, not batch size.
BATCH_SIZE = 10
_DEAD_LETTERS = (
    "IngestDeadLetterQueue",
    "ListingDeadLetterQueue",
    "InvalidationDeadLetterQueue",
    "RebuildDeadLetterQueue",
)


@dataclass(frozen=True)
class ImportRun:
    articles: int
    workers: int
    attempts_per_article: float
    dead_letters: int
    failed_deliveries: int
    seconds: float


def concurrent_imports(size: int, seed: int = 9) -> list[ImportRun]:
    articles = list(Corpus(size, seed).articles())
    random.Random(seed).shuffle(articles)
    return [_import(articles, workers) for workers in WORKERS]


def _import(articles: list[GeneratedArticle], workers: int) -> ImportRun:
    transactions: list[int] = []

    def count(**_: object) -> None:
        transactions.append(1)

    events = session().get_component("event_emitter")
    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        _limit_ingest(runtime, workers)
        s3 = runtime.stack.client("s3")
        bucket = runtime.stack.refs["IngestBucket"]
        for article in articles:
            name, text = pressroom_file(article)
            s3.put_object(Bucket=bucket, Key=f"articles/{name}", Body=text.encode())
        events.register("before-call.dynamodb.TransactWriteItems", count)
        started = time.perf_counter()
        try:
            runtime.drain()
        finally:
            events.unregister("before-call.dynamodb.TransactWriteItems", count)
        seconds = time.perf_counter() - started
        dead = sum(_queued(runtime, name) for name in _DEAD_LETTERS)
        return ImportRun(
            articles=len(articles),
            workers=workers,
            attempts_per_article=len(transactions) / len(articles),
            dead_letters=dead,
            failed_deliveries=runtime.failures,
            seconds=seconds,
        )


def _limit_ingest(runtime: LocalRuntime, workers: int) -> None:
    for pump in runtime.pumps:
        if isinstance(pump, QueuePump) and pump.source.queue == "IngestQueue":
            pump.source = dataclasses.replace(
                pump.source, max_concurrency=workers, batch_size=BATCH_SIZE
            )


def _queued(runtime: LocalRuntime, logical_id: str) -> int:
    attributes = runtime.stack.client("sqs").get_queue_attributes(
        QueueUrl=runtime.stack.refs[logical_id],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(count) for count in attributes.values())
