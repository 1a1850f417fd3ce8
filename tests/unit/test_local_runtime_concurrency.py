"""The local runtime invokes functions concurrently as Lambda does: an SQS source runs up to its
MaximumConcurrency batches at once, each in an execution environment of its own; the stream one
batch at a time, in order, resuming from a reported batch item failure; each invocation knows
its real remaining time; and the embedded backend applies one request at a time."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressroom.local.embedded import BACKEND_LOCK, embedded_aws, find_template
from pressroom.local.runtime import Environments, LocalRuntime, QueuePump, StreamPump
from pressroom.local.template import (
    DEFAULT_QUEUE_CONCURRENCY,
    FunctionSpec,
    QueueSource,
    Template,
)

TEMPLATE = """
Globals:
  Function:
    Timeout: 60
    MemorySize: 1024
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 360
  OtherQueue:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
  WorkFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/
      Handler: work.handler
      Timeout: 7
      MemorySize: 256
      Events:
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt WorkQueue.Arn
            BatchSize: 1
            ScalingConfig:
              MaximumConcurrency: 4
  StreamFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/
      Handler: work.handler
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            BatchSize: 5
            MaximumRetryAttempts: 3
        Other:
          Type: SQS
          Properties:
            Queue: !GetAtt OtherQueue.Arn
"""

# The functions' module: each import of it (an execution environment) counts the invocations
# running in it, so two sharing one import would show up in `peak`.
FUNCTION = """
import time

running = 0
peak = 0


def handler(event, context):
    global running, peak
    running += 1
    peak = max(peak, running)
    try:
        at_start = context.get_remaining_time_in_millis()
        time.sleep(0.05)
        return {
            "batchItemFailures": [],
            "environment": __name__,
            "peak": peak,
            "remaining": (at_start, context.get_remaining_time_in_millis()),
        }
    finally:
        running -= 1
"""


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    """GIVEN a stack of one queue (MaximumConcurrency 4) and one table's stream, each feeding a
    function of the module above."""
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "work.py").write_text(FUNCTION)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    monkeypatch.setenv("PRESSROOM_TEMPLATE", str(tmp_path / "template.yaml"))
    with embedded_aws() as local:
        yield local


class Probe:
    """Wraps what a pump invokes: counts the invocations running at once, keeps each event's
    records and each response; `hold` makes each invocation last that much longer."""

    def __init__(self, pump: QueuePump | StreamPump, hold: float = 0.0) -> None:
        self.hold = hold
        self._lock = threading.Lock()
        self._running = 0
        self.most_at_once = 0
        self.batches: list[list[str]] = []
        self.responses: list[dict[str, Any]] = []
        self.invoke = pump._handler
        pump._handler = self._probed

    def _probed(self, event: dict[str, Any], context: Any) -> Any:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
            self.batches.append([keys_of(record) for record in event["Records"]])
        try:
            time.sleep(self.hold)
            response = self.invoke(event, context)
            with self._lock:
                self.responses.append(response)
            return response
        finally:
            with self._lock:
                self._running -= 1


def keys_of(record: dict[str, Any]) -> str:
    if "body" in record:
        return str(record["body"])
    return str(record["dynamodb"]["Keys"]["pk"]["S"])


def queue_pump(runtime: LocalRuntime, queue: str) -> QueuePump:
    [pump] = [p for p in runtime.pumps if isinstance(p, QueuePump) and p.source.queue == queue]
    return pump


def stream_pump(runtime: LocalRuntime) -> StreamPump:
    [pump] = [p for p in runtime.pumps if isinstance(p, StreamPump)]
    return pump


def send(runtime: LocalRuntime, count: int) -> None:
    sqs = runtime.stack.client("sqs")
    for n in range(count):
        sqs.send_message(QueueUrl=runtime.stack.refs["WorkQueue"], MessageBody=f"message-{n}")


def put_items(runtime: LocalRuntime, count: int) -> None:
    dynamodb = runtime.stack.client("dynamodb")
    for n in range(count):
        dynamodb.put_item(TableName=runtime.stack.refs["Table"], Item={"pk": {"S": f"item-{n}"}})


def queued(runtime: LocalRuntime, queue: str) -> int:
    attributes = runtime.stack.client("sqs").get_queue_attributes(
        QueueUrl=runtime.stack.refs[queue],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


# --- the template's limits ------------------------------------------------------------------


def test_given_the_template_then_each_function_has_its_timeout_memory_and_queue_concurrency(
    runtime: LocalRuntime,
):
    # GIVEN the stack's template
    functions = {spec.logical_id: spec for spec in runtime.stack.template.functions()}

    # WHEN its functions are read
    work, stream = functions["WorkFunction"], functions["StreamFunction"]

    # THEN a function's own Timeout and MemorySize win over Globals, which fill in the rest,
    # and a queue without ScalingConfig gets the documented local default
    assert (work.timeout_seconds, work.memory_mb) == (7, 256)
    assert (stream.timeout_seconds, stream.memory_mb) == (60, 1024)
    assert queue_pump(runtime, "WorkQueue").source.max_concurrency == 4
    assert queue_pump(runtime, "OtherQueue").source.max_concurrency == DEFAULT_QUEUE_CONCURRENCY


def test_given_the_project_template_then_each_queue_runs_at_its_scaling_config():
    # GIVEN the project's template.yaml, and the MaximumConcurrency each SQS event names
    template = Template(find_template())
    named = {
        event["Properties"]["Queue"]["Fn::GetAtt"][0]: event["Properties"]["ScalingConfig"][
            "MaximumConcurrency"
        ]
        for function in template.of_type("AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    }

    # WHEN its functions' sources are read
    read = {
        source.queue: source.max_concurrency
        for spec in template.functions()
        for source in spec.sources
        if isinstance(source, QueueSource)
    }

    # THEN each queue runs at the concurrency its template entry names
    assert named and read == named


# --- concurrent queue invocations -----------------------------------------------------------


def test_given_12_batches_and_maximum_concurrency_4_when_drained_then_4_run_at_once_never_more(
    runtime: LocalRuntime,
):
    # GIVEN 12 one-message batches on a queue whose source allows 4 concurrent invocations,
    # each invocation lasting long enough for the pump to start all 12 if it let them
    probe = Probe(queue_pump(runtime, "WorkQueue"), hold=0.25)
    send(runtime, 12)
    delivered: list[tuple[str, int]] = []

    # WHEN the runtime drains
    total = runtime.drain(delivered=lambda function, count: delivered.append((function, count)))

    # THEN every message was handled once, up to 4 at a time and never more
    assert probe.most_at_once == 4
    assert sorted(message for batch in probe.batches for message in batch) == sorted(
        f"message-{n}" for n in range(12)
    )
    assert total == sum(count for _, count in delivered) == 12
    assert {function for function, _ in delivered} == {"WorkFunction"}
    assert queued(runtime, "WorkQueue") == 0


def test_given_concurrent_invocations_then_each_runs_in_an_environment_of_its_own(
    runtime: LocalRuntime,
):
    # GIVEN 20 one-message batches, 4 at a time
    probe = Probe(queue_pump(runtime, "WorkQueue"))
    send(runtime, 20)

    # WHEN the runtime drains
    runtime.drain()

    # THEN no environment ever ran two invocations at once (module globals are never shared),
    # and the 4 concurrent invocations were served by 4 imports of the module, not more
    assert [response["peak"] for response in probe.responses] == [1] * 20
    environments = {response["environment"] for response in probe.responses}
    assert environments == {
        "pressroom_function_WorkFunction",
        "pressroom_function_WorkFunction_2",
        "pressroom_function_WorkFunction_3",
        "pressroom_function_WorkFunction_4",
    }
    assert environments <= set(sys.modules)


def test_given_an_idle_environment_then_it_is_reused_and_a_new_one_is_loaded_only_when_all_busy(
    tmp_path: Path,
):
    # GIVEN a function's environments
    (tmp_path / "work.py").write_text(FUNCTION)
    environments = Environments(FunctionSpec("PoolFunction", tmp_path / "work.py", "handler", ()))

    class Context:
        def __init__(self, together: threading.Barrier | None = None) -> None:
            self.together = together

        def get_remaining_time_in_millis(self) -> int:
            if self.together is not None:
                self.together.wait(10)  # the handler reads it first: all are inside at once
            return 1_000

    # WHEN it is invoked three times one after another (warm starts), then three at once
    one_by_one = [environments.invoke({}, Context())["environment"] for _ in range(3)]
    together = Context(threading.Barrier(3))
    at_once: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda: at_once.append(environments.invoke({}, together)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN the first environment served the first three; the three at once needed two more,
    # each running one invocation
    assert one_by_one == ["pressroom_function_PoolFunction"] * 3
    assert environments.started == 3
    assert sorted(response["environment"] for response in at_once) == [
        "pressroom_function_PoolFunction",
        "pressroom_function_PoolFunction_2",
        "pressroom_function_PoolFunction_3",
    ]
    assert [response["peak"] for response in at_once] == [1, 1, 1]


# --- remaining time -------------------------------------------------------------------------


def test_given_a_function_timeout_then_the_remaining_time_starts_near_it_and_decreases(
    runtime: LocalRuntime,
):
    # GIVEN a function with a 7 s timeout (Globals say 60) that reads its remaining time before
    # and after 50 ms of work
    probe = Probe(queue_pump(runtime, "WorkQueue"))
    send(runtime, 1)

    # WHEN it is invoked
    runtime.drain()

    # THEN it started with nearly 7 s left, and 50 ms later had that much less
    [response] = probe.responses
    at_start, after_work = response["remaining"]
    assert 6_500 < at_start <= 7_000
    assert 40 <= at_start - after_work < 1_000


# --- the stream -----------------------------------------------------------------------------


def test_given_a_stream_then_its_batches_run_one_at_a_time_in_order(runtime: LocalRuntime):
    # GIVEN 15 stream records, 5 to a batch
    probe = Probe(stream_pump(runtime))
    put_items(runtime, 15)

    # WHEN the runtime drains
    runtime.drain()

    # THEN three batches ran, one at a time, in the stream's order
    assert probe.most_at_once == 1
    assert probe.batches == [[f"item-{n}" for n in range(m, m + 5)] for m in (0, 5, 10)]


def fail_from(pk: str, times: int = 1_000) -> tuple[list[list[str]], Any]:
    """A stream handler that reports the record with key `pk` as its first unfinished one
    (`times` times), and the batches it was given."""
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        records = event["Records"]
        batches.append([keys_of(record) for record in records])
        unfinished = [r for r in records if keys_of(r) == pk]
        if unfinished and len(batches) <= times:
            sequence = unfinished[0]["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
        return {"batchItemFailures": []}

    return batches, handler


def test_given_a_reported_batch_item_failure_then_the_stream_resumes_from_that_record(
    runtime: LocalRuntime,
):
    # GIVEN a listing-like function that runs out of time at the third of five records once
    pump = stream_pump(runtime)
    batches, pump._handler = fail_from("item-2", times=1)
    put_items(runtime, 5)

    # WHEN the runtime drains
    runtime.drain()

    # THEN the first two records were done; delivery resumed from the third, which succeeded
    assert batches == [[f"item-{n}" for n in range(5)], ["item-2", "item-3", "item-4"]]
    assert pump.failures == 0


def test_given_a_record_that_always_fails_then_resuming_counts_as_retries_until_they_run_out(
    runtime: LocalRuntime,
):
    # GIVEN a function that never gets past the fourth record (MaximumRetryAttempts 3)
    pump = stream_pump(runtime)
    batches, pump._handler = fail_from("item-3")
    put_items(runtime, 5)

    # WHEN the runtime drains
    runtime.drain()

    # THEN the first attempt and three retries ran, and only the records from the fourth on
    # were given up on
    assert batches == [[f"item-{n}" for n in range(5)]] + [["item-3", "item-4"]] * 3
    assert pump.failures == 2


@pytest.mark.parametrize(
    "outcome",
    [
        RuntimeError("the function failed"),
        {"batchItemFailures": [{"itemIdentifier": "not-a-sequence-number"}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
    ],
    ids=["raised", "unknown identifier", "null identifier"],
)
def test_given_a_failed_invocation_then_the_whole_stream_batch_is_retried(
    runtime: LocalRuntime, outcome: Any
):
    # GIVEN a function that fails its first batch outright, by raising or by naming no record
    pump = stream_pump(runtime)
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        batches.append([keys_of(record) for record in event["Records"]])
        if len(batches) == 1:
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return None  # no response: the whole batch succeeded

    pump._handler = handler
    put_items(runtime, 3)

    # WHEN the runtime drains
    runtime.drain()

    # THEN the whole batch was delivered again, and then succeeded
    assert batches == [["item-0", "item-1", "item-2"]] * 2
    assert pump.failures == 0


# --- the embedded backend under threads -----------------------------------------------------


def test_given_the_backend_lock_is_held_then_an_embedded_request_waits_for_it(
    runtime: LocalRuntime,
):
    # GIVEN a client of the embedded backend, and a request sent from another thread while the
    # backend's lock is held
    sqs = runtime.stack.client("sqs")
    answered = threading.Event()
    request = threading.Thread(target=lambda: (sqs.list_queues(), answered.set()))

    # WHEN the lock is held for a while, then released
    with BACKEND_LOCK:
        request.start()
        answered_while_held = answered.wait(0.3)
    request.join(10)

    # THEN the request was answered only once the lock was free
    assert not answered_while_held
    assert answered.is_set()


def test_given_concurrent_conditional_transactions_then_none_is_lost_and_failures_are_cancelled(
    runtime: LocalRuntime,
):
    # GIVEN two counters, and 12 threads each trying 15 times to add one to both in a
    # transaction conditional on the values it read
    dynamodb = runtime.stack.client("dynamodb")
    table = runtime.stack.refs["Table"]
    for pk in ("a", "b"):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": pk}, "n": {"N": "0"}})
    committed: list[int] = []
    cancelled: list[int] = []
    unexpected: list[Exception] = []

    def add_one(pk: str, seen: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": pk}},
                "UpdateExpression": "SET n = :next",
                "ConditionExpression": "n = :seen",
                "ExpressionAttributeValues": {
                    ":seen": {"N": str(seen)},
                    ":next": {"N": str(seen + 1)},
                },
            }
        }

    def worker() -> None:
        for _ in range(15):
            item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "a"}}, ConsistentRead=True)
            seen = int(item["Item"]["n"]["N"])
            try:
                dynamodb.transact_write_items(
                    TransactItems=[add_one("a", seen), add_one("b", seen)]
                )
                committed.append(seen)
            except dynamodb.exceptions.TransactionCanceledException:
                cancelled.append(seen)
            except Exception as error:  # any other outcome fails the test
                unexpected.append(error)

    # WHEN they all run at once
    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN each counter equals the transactions that committed (each from a distinct value),
    # and every other attempt was cancelled, none lost
    counters = {
        pk: int(dynamodb.get_item(TableName=table, Key={"pk": {"S": pk}})["Item"]["n"]["N"])
        for pk in ("a", "b")
    }
    assert unexpected == []
    assert counters == {"a": len(committed), "b": len(committed)}
    assert sorted(committed) == list(range(len(committed)))
    assert len(committed) + len(cancelled) == 12 * 15


def test_given_pressroom_ups_moto_server_then_it_answers_under_the_backend_lock():
    # GIVEN `pressroom up`'s moto server, and a request sent to it while the lock is held
    from pressroom.local.up import MotoServer, endpoint_clients

    server = MotoServer("127.0.0.1", 0)
    server.start()
    try:
        sqs = endpoint_clients(server.endpoint_url)("sqs")
        answered = threading.Event()
        request = threading.Thread(target=lambda: (sqs.list_queues(), answered.set()))

        # WHEN the lock is held for a while, then released
        with BACKEND_LOCK:
            request.start()
            answered_while_held = answered.wait(0.3)
        request.join(10)
    finally:
        server.stop()

    # THEN the server answered only once the lock was free
    assert not answered_while_held
    assert answered.is_set()
