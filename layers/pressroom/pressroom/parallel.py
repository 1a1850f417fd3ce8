"""Independent AWS calls made side by side: on AWS each takes tens of milliseconds, so a batch
that makes hundreds of them one after another spends its time waiting (the clients' connection
pools hold 32; botocore clients are thread-safe). And work cut into pieces (`chunks`): queue
messages, a worker process's tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

IN_FLIGHT = 16  # calls at once from one invocation

Item = TypeVar("Item")
Result = TypeVar("Result")


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """`items` in lists of `size` (the last may be shorter), in order."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def map_all(call: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """`[call(item) for item in items]`, up to `IN_FLIGHT` at once. The first failure is raised
    once every call has finished (a retry redoes the lot: each call is idempotent)."""
    todo = list(items)
    if len(todo) <= 1 or IN_FLIGHT <= 1:
        return [call(item) for item in todo]
    with ThreadPoolExecutor(max_workers=min(IN_FLIGHT, len(todo))) as pool:
        futures = [pool.submit(call, item) for item in todo]
        return [future.result() for future in futures]


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Make `map_all` call one item after another while inside: for adapters that answer from
    memory (the in-process backend), where a thread pool costs more than the calls it overlaps."""
    global IN_FLIGHT
    saved, IN_FLIGHT = IN_FLIGHT, 1
    try:
        yield
    finally:
        IN_FLIGHT = saved
