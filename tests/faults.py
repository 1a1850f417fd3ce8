"""Fault injection for the embedded backend: make chosen AWS calls of the functions fail.

A `FaultInjector` registers botocore event hooks on the functions' botocore session
(`pressroom.adapters.aws.session()`), so every client created afterwards (the functions' clients
are created on first use, after the runtime starts) carries them. While armed, it numbers the
calls the *functions* make (the pumps' receive/delete calls and the stream reads stand for
Lambda's own machinery and are not counted) and fails the numbered calls it was given:

* `throttle`, `server`, `race`, `invalidations` raise before the call reaches the backend, as
  the error would look after botocore's own retries gave up (what the domain code sees);
* `lost-response` lets the call take effect and then raises a 500, like a response lost on the
  way back: the caller cannot know whether its write happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from pressroom.adapters.aws import session

FaultKind = Literal["throttle", "server", "race", "invalidations", "lost-response"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "throttle",
    "server",
    "race",
    "invalidations",
    "lost-response",
)

# Calls that stand for the event source mappings (Lambda's side), not the functions' code.
_MACHINERY = {
    ("sqs", "ReceiveMessage"),
    ("sqs", "DeleteMessage"),
    ("sqs", "DeleteMessageBatch"),
    ("sqs", "ChangeMessageVisibility"),
    ("sqs", "GetQueueAttributes"),
}


@dataclass(frozen=True)
class Fault:
    at: int  # the number of the counted call to fail (0 = the first after arming)
    kind: FaultKind


@dataclass
class FaultInjector:
    faults: dict[int, FaultKind] = field(default_factory=dict)
    armed_now: bool = False
    calls: int = 0
    injected: list[tuple[int, str, str]] = field(default_factory=list)  # (call, operation, code)
    _pending_after: dict[int, str] = field(default_factory=dict)

    def install(self) -> None:
        events = session().get_component("event_emitter")
        events.register("before-call", self._before_call)
        events.register("after-call", self._after_call)

    def uninstall(self) -> None:
        events = session().get_component("event_emitter")
        events.unregister("before-call", self._before_call)
        events.unregister("after-call", self._after_call)

    def plan(self, faults: Iterable[Fault]) -> None:
        """Fail these calls (numbered from now on) while armed."""
        self.faults = {fault.at: fault.kind for fault in faults}
        self.calls = 0
        self.injected = []

    @contextmanager
    def armed(self) -> Iterator[FaultInjector]:
        """Count (and fail the planned) calls made inside the block."""
        self.armed_now = True
        try:
            yield self
        finally:
            self.armed_now = False

    def _counted(self, model: Any) -> int | None:
        service = model.service_model.service_name
        if (
            not self.armed_now
            or service == "dynamodbstreams"
            or (service, model.name) in _MACHINERY
        ):
            return None
        number = self.calls
        self.calls += 1
        return number

    def _before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        number = self._counted(model)
        if number is None or number not in self.faults:
            return
        kind = self.faults[number]
        if kind == "lost-response":
            context["pressroom_lost_response"] = number  # raise once the call has happened
            return
        raise self._error(number, model, kind)

    def _after_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        number = context.pop("pressroom_lost_response", None)
        if number is not None:
            raise self._error(number, model, "lost-response")

    def _error(self, number: int, model: Any, kind: FaultKind) -> ClientError:
        service, operation = model.service_model.service_name, model.name
        code, status, extra = _error_for(service, operation, kind)
        self.injected.append((number, f"{service}.{operation}", code))
        response: dict[str, Any] = {
            "Error": {"Code": code, "Message": f"injected fault #{number} ({kind})"},
            "ResponseMetadata": {"HTTPStatusCode": status},
            **extra,
        }
        return ClientError(response, operation)  # type: ignore[arg-type]


def _error_for(service: str, operation: str, kind: FaultKind) -> tuple[str, int, dict[str, Any]]:
    """The error AWS would return for `kind` on this operation."""
    if kind == "race":
        if operation == "TransactWriteItems":
            reasons = [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}]
            return "TransactionCanceledException", 400, {"CancellationReasons": reasons}
        if service == "dynamodb" and operation in ("UpdateItem", "PutItem", "DeleteItem"):
            return "ConditionalCheckFailedException", 400, {}
        kind = "throttle"  # no race is possible on this call; it can still be throttled
    if kind == "invalidations":
        if operation == "CreateInvalidation":
            return "TooManyInvalidationsInProgress", 400, {}
        kind = "throttle"
    if kind == "throttle":
        code = {
            "dynamodb": "ProvisionedThroughputExceededException",
            "s3": "SlowDown",
            "sqs": "RequestThrottled",
            "cloudfront": "Throttling",
        }.get(service, "ThrottlingException")
        return code, 503 if service == "s3" else 400, {}
    return ("InternalServerError" if service == "dynamodb" else "InternalError"), 500, {}
