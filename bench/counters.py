"""What a publish costs: AWS API calls (by operation, and by who made them), objects written to
the site bucket, paths sent to CloudFront, and how long each function invocation ran.

Calls are counted with a botocore `before-parameter-build` handler (it sees the caller's own
parameters) registered on the one session every client of the pipeline and of the local runtime
comes from (`pressroom.adapters.aws.session`).
A call is charged to a function when that function's handler is on the stack (the local
runtime invokes handlers one at a time), else to the event source mappings ("runtime")."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

RUNTIME = "runtime"  # the event source mappings: SQS polling, stream reads


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)  # "function service:Operation"
    objects_written: int = 0  # PutObject on the site bucket
    objects_deleted: int = 0
    paths_invalidated: int = 0  # paths in CreateInvalidation requests
    invocations: list[tuple[str, float]] = field(default_factory=list)  # (function, seconds)
    # Inside API calls (botocore plus the embedded backend, moto), by caller.
    api_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    # The same seconds by operation ("s3:PutObject"), whoever called.
    operation_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    # DynamoDB request units at their floor (items under 1 KB written / 4 KB read; a
    # transaction item counts twice; a query counts one read unit).
    write_units: int = 0
    read_units: int = 0

    def function_calls(self) -> Counter[str]:
        """Calls the functions made (what an AWS bill would show as requests), by operation."""
        found: Counter[str] = Counter()
        for key, count in self.calls.items():
            who, operation = key.split(" ", 1)
            if who != RUNTIME:
                found[operation] += count
        return found

    def runtime_calls(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for key, count in self.calls.items():
            who, operation = key.split(" ", 1)
            if who == RUNTIME:
                found[operation] += count
        return found

    def busy_seconds(self, function: str | None = None) -> float:
        return sum(s for name, s in self.invocations if function is None or name == function)


class Meter:
    """Counts into `tally` while `measuring()`; one per process (it hooks boto3's session)."""

    def __init__(self, site_bucket: str = "") -> None:
        import moto  # noqa: F401 (before the session is made: it gives new sessions its stubber)

        from pressroom.adapters.aws import session

        self.site_bucket = site_bucket
        self.tally = Tally()
        self._active = False
        self._function = RUNTIME
        # On the process's session itself, made now or long before (an earlier build in the
        # same process): handlers in botocore's BUILTIN_HANDLERS reach only sessions made later.
        session().register("before-parameter-build", self._before_call)
        session().register("after-call", self._after_call)
        # A function's calls may run side by side (its site writes do), each on its own thread;
        # invocations are measured one at a time, so every call is charged to the right one.
        self._call = threading.local()
        self._one_invocation = threading.Lock()
        self._counting = threading.Lock()  # `counter[key] += 1` is not atomic across threads

    @contextmanager
    def measuring(self) -> Iterator[Tally]:
        self.tally = Tally()
        self._active = True
        try:
            yield self.tally
        finally:
            self._active = False

    def timed(self, function: str, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a Lambda handler: attribute its calls to `function` and time each invocation."""

        def invoke(event: Any, context: Any) -> Any:
            with self._one_invocation:
                outer, self._function = self._function, function
                started = time.perf_counter()
                try:
                    return handler(event, context)
                finally:
                    self._function = outer
                    if self._active:
                        self.tally.invocations.append((function, time.perf_counter() - started))

        return invoke

    def _before_call(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if self._active:
            with self._counting:
                self._count(model, params)

    def _count(self, model: Any, params: dict[str, Any]) -> None:
        self._call.started = time.perf_counter()
        operation = self._call.operation = f"{model.service_model.service_name}:{model.name}"
        self.tally.calls[f"{self._function} {operation}"] += 1
        if model.service_model.service_name == "dynamodb":
            self._count_units(model.name, params)
        if operation == "s3:PutObject" and params.get("Bucket") == self.site_bucket:
            self.tally.objects_written += 1
        elif operation == "s3:DeleteObject" and params.get("Bucket") == self.site_bucket:
            self.tally.objects_deleted += 1
        elif operation == "cloudfront:CreateInvalidation":
            self.tally.paths_invalidated += int(params["InvalidationBatch"]["Paths"]["Quantity"])

    def _after_call(self, **_: Any) -> None:
        started = getattr(self._call, "started", 0.0)
        if self._active and started:
            seconds = time.perf_counter() - started
            with self._counting:
                self.tally.api_seconds[self._function] += seconds
                self.tally.operation_seconds[self._call.operation] += seconds
            self._call.started = 0.0

    def _count_units(self, operation: str, params: dict[str, Any]) -> None:
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            self.tally.write_units += 1
        elif operation == "BatchWriteItem":
            self.tally.write_units += sum(len(r) for r in params["RequestItems"].values())
        elif operation == "TransactWriteItems":
            self.tally.write_units += 2 * len(params["TransactItems"])
        elif operation in ("GetItem", "Query"):
            self.tally.read_units += 1
        elif operation == "BatchGetItem":
            self.tally.read_units += sum(len(r["Keys"]) for r in params["RequestItems"].values())


def instrument(runtime: Any, meter: Meter) -> None:
    """Route every function the local runtime invokes through `meter`."""
    for pump in runtime.pumps:
        pump._handler = meter.timed(pump.function.logical_id, pump._handler)
