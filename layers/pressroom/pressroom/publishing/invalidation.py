"""Invalidation: turn the changed paths of a batch into as few CloudFront invalidations as the
limits allow. The planner is pure; `invalidate` is the thin effectful part."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from pressroom.paths import INDEX
from pressroom.pipeline import Pipeline

logger = logging.getLogger(__name__)

MAX_PATHS_PER_INVALIDATION = 3000  # CloudFront's limit of paths in flight per distribution


@dataclass(frozen=True)
class InvalidationBatch:
    paths: tuple[str, ...]
    caller_reference: str


def normalise(path: str) -> str:
    """`/a/index.html` and `a/` → `/a/`: the path readers request (and CloudFront caches)."""
    path = "/" + path.lstrip("/")
    if path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return path


def plan_invalidations(paths: Iterable[str], request_ids: Iterable[str]) -> list[InvalidationBatch]:
    """Normalised, de-duplicated paths in batches within CloudFront's limit.

    The caller reference is derived from the request ids (the SQS message ids of the batch) and
    the paths, so a retry of the same batch cannot create a second, double-charged invalidation,
    while a later change to the same paths still gets a fresh one."""
    unique = sorted({normalise(path) for path in paths})
    if len(unique) > MAX_PATHS_PER_INVALIDATION:
        unique = ["/*"]
    seed = hashlib.sha256("\n".join(sorted(request_ids)).encode())
    batches = []
    for start in range(0, len(unique), MAX_PATHS_PER_INVALIDATION):
        chunk = tuple(unique[start : start + MAX_PATHS_PER_INVALIDATION])
        reference = seed.copy()
        reference.update("\n".join(chunk).encode())
        batches.append(InvalidationBatch(chunk, f"pressroom-{reference.hexdigest()[:40]}"))
    return batches


def paths_of(records: Iterable[SQSRecord]) -> list[str]:
    """The paths named by a batch of invalidation-queue messages; malformed ones are logged and
    dropped (retrying them could never succeed)."""
    paths: list[str] = []
    for record in records:
        try:
            paths += [str(path) for path in json.loads(record.body)["paths"]]
        except (ValueError, KeyError, TypeError):
            logger.error("dropping malformed invalidation message %s", record.message_id)
    return paths


def invalidate(paths: Iterable[str], request_ids: Iterable[str], p: Pipeline) -> list[str]:
    """Create the planned invalidations; returns their ids. Raises `TransientError` when
    CloudFront pushes back, so the whole batch is retried later."""
    return [
        p.distribution.invalidate(list(batch.paths), batch.caller_reference)
        for batch in plan_invalidations(paths, request_ids)
    ]
