"""Invalidation: turn the changed paths of a batch into the cheapest CloudFront invalidation that
covers them and fits the distribution's limits. The planner is pure; `invalidate` is the thin
effectful part. What is asked for is already only what needs it (pages that were served and
changed or went, `publishing.cache_policy`); the planner decides how to say it.

Price: every path, exact or wildcard, is billed USD 0.005. A wildcard costs one path but also
evicts the unchanged pages under it, which each regional cache then fetches again from S3
(USD 0.0000004 a GET) when next read. Evicting `/articles/*` of a 10,000-article site from
~13 regional caches costs about 130,000 GETs, USD 0.05: ten paths. So a directory with at least
`WILDCARD_THRESHOLD` (10) changed paths in one batch is invalidated as `directory*`, and a plan
that would still have that many items is sent as `/*`.

Limits (CloudFront): at most 3,000 individual paths and, independently, 15 wildcard paths may be
in flight per distribution; past that `CreateInvalidation` fails with
`TooManyInvalidationsInProgress`. Billing counts a wildcard as one path. The invalidation
function runs with at most `CONSUMERS` concurrent invocations (the event source's
`MaximumConcurrency`), so each invocation plans within its share of both budgets.

In-flight invalidations are not counted before creating one: `ListInvalidations` returns no path
counts (a `GetInvalidation` per in-progress invalidation would be needed), the count would be
stale at once (two consumers, operators invalidating by hand), and CloudFront enforces the limit
atomically anyway. So the planner stays inside its share and the error is the signal: on
`TooManyInvalidationsInProgress` the plan is retried at once in its other shape (wildcards and
exact paths draw on separate budgets); if that is refused too, or CloudFront throttles, every
message of the batch goes back to the queue and comes again after the visibility timeout. After
`maxReceiveCount` deliveries SQS moves them to the dead-letter queue, where they wait, visible, for
an operator to redrive them; nothing consumes that queue automatically, so there is no loop.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from pressroom.errors import InFlightLimitReached, TransientError
from pressroom.paths import INDEX
from pressroom.ports import Pipeline

logger = logging.getLogger(__name__)

MAX_PATHS_IN_FLIGHT = 3000
MAX_WILDCARDS_IN_FLIGHT = 15
CONSUMERS = 2  # template.yaml: InvalidationFunction's ScalingConfig.MaximumConcurrency
WILDCARD_THRESHOLD = 10  # changed paths that cost as much as evicting their directory (above)
EVERYTHING = "/*"


@dataclass(frozen=True)
class Limits:
    """What one invocation may put in flight, and when a directory becomes a wildcard."""

    paths: int = MAX_PATHS_IN_FLIGHT // CONSUMERS
    wildcards: int = MAX_WILDCARDS_IN_FLIGHT // CONSUMERS
    wildcard_threshold: int = WILDCARD_THRESHOLD


@dataclass(frozen=True)
class InvalidationPlan:
    """One `CreateInvalidation` request: its paths, as sent, and its caller reference."""

    paths: tuple[str, ...]
    caller_reference: str
    requested: int  # distinct normalised paths asked for

    @property
    def wildcards(self) -> int:
        return sum(1 for path in self.paths if is_wildcard(path))

    def covers(self, path: str) -> bool:
        """Whether invalidating this plan invalidates `path` (a normalised path)."""
        return any(
            path.startswith(item[:-1]) if is_wildcard(item) else path == item for item in self.paths
        )


def is_wildcard(path: str) -> bool:
    return path.endswith("*")


HOME_CACHE_KEY = "/" + INDEX  # see `normalise`


def normalise(path: str) -> str:
    """The path CloudFront caches a page under: `a/index.html`, `/a/index.html` → `/a/`;
    `//a//b` → `/a/b`; the home page, `/` or `/index.html`, → `/index.html`, because the
    distribution's viewer-request function sends `/` to the default root object (so that is its
    cache key; every other page is stored under its public path and never rewritten).
    Characters a URL may not carry are percent-encoded, `*` included, so that no stored name can
    ever act as a wildcard."""
    parts = [part for part in path.split("/") if part]
    directory = path.endswith("/")
    if parts and parts[-1] == INDEX:
        parts.pop()
        directory = True
    if not parts:
        return HOME_CACHE_KEY
    normal = "/" + "/".join(parts) + ("/" if directory else "")
    return quote(normal, safe="/~!$&'()+,;=:@")


def coalesce(paths: Iterable[str]) -> set[str]:
    """Normalised and de-duplicated: every spelling of one page counts once."""
    return {normalise(path) for path in paths if path}


def directories_of(path: str) -> list[str]:
    """The directories a wildcard could cover `path` with, deepest first, root excluded:
    `/tags/x/page/2/` → `/tags/x/page/2/`, `/tags/x/page/`, `/tags/x/`, `/tags/`;
    `/robots.txt` → none. (`/tags/x/*` covers the page `/tags/x/` itself.)"""
    parts = path.rstrip("*").split("/")[1:-1]
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(len(parts), 0, -1)]


def collapse(paths: set[str], threshold: int) -> set[str]:
    """Replace the paths under any directory holding at least `threshold` of them (and more
    than one) with one `directory*` wildcard. Deepest directories first, and a wildcard counts
    as one item of its parent, so a parent takes over only when it is itself worth a wildcard.
    The root is never collapsed here: `/*` is the last resort of `fit`."""
    counts = Counter(directory for path in paths for directory in directories_of(path))
    collapsed: set[str] = set()
    for directory in sorted(counts, key=lambda d: (-d.count("/"), d)):
        held = counts[directory]
        if held >= threshold and held > 1:
            collapsed.add(directory)
            for parent in directories_of(directory)[1:]:
                counts[parent] -= held - 1
    return {_shallowest_wildcard(path, collapsed) for path in paths}


def _shallowest_wildcard(path: str, collapsed: set[str]) -> str:
    for directory in reversed(directories_of(path)):
        if directory in collapsed:
            return directory + "*"
    return path


def fit(paths: set[str], limits: Limits) -> set[str]:
    """`paths` if they fit one invocation's share of the in-flight limits; otherwise one
    wildcard per top-level directory (plus the top-level pages); otherwise `/*`."""
    if _fits(paths, limits):
        return paths
    coarse = coarsen(paths)
    return coarse if _fits(coarse, limits) else {EVERYTHING}


def coarsen(paths: set[str]) -> set[str]:
    """The top-level form: `/tags/x/` → `/tags/*`; `/`, `/robots.txt` stay as they are."""
    if EVERYTHING in paths:
        return {EVERYTHING}
    return {(dirs[-1] + "*") if (dirs := directories_of(path)) else path for path in paths}


def _fits(paths: set[str], limits: Limits) -> bool:
    wildcards = sum(1 for path in paths if is_wildcard(path))
    return wildcards <= limits.wildcards and len(paths) - wildcards <= limits.paths


def caller_reference(paths: Iterable[str], request_ids: Iterable[str]) -> str:
    """Deterministic for one batch: the same messages asking for the same paths give the same
    reference, so a retried request returns the existing invalidation instead of creating (and
    paying for) a second one; new messages, even for the same paths, get a new one."""
    digest = hashlib.sha256()
    digest.update("\n".join(sorted(set(request_ids))).encode())
    digest.update(b"\0")
    digest.update("\n".join(sorted(paths)).encode())
    return f"pressroom-{digest.hexdigest()[:40]}"


def plan_invalidation(
    paths: Iterable[str], request_ids: Iterable[str], limits: Limits | None = None
) -> InvalidationPlan | None:
    """The one invalidation a batch needs, or None when it names no path."""
    limits = limits or Limits()
    wanted = coalesce(paths)
    if not wanted:
        return None
    planned = collapse(wanted, limits.wildcard_threshold)
    if len(planned) >= limits.wildcard_threshold:
        planned = {EVERYTHING}
    return _plan(fit(planned, limits), request_ids, len(wanted))


def other_plan(
    plan: InvalidationPlan,
    paths: Iterable[str],
    request_ids: Iterable[str],
    limits: Limits | None = None,
) -> InvalidationPlan | None:
    """What to send when CloudFront refused `plan` as too much in flight: wildcards and exact
    paths draw on separate budgets, so a plan with wildcards is tried as the exact paths (when
    they fit), an exact one as top-level wildcards (or `/*`). None when there is no other shape
    to try: the same shape would meet the same refusal."""
    limits = limits or Limits()
    exact = coalesce(paths)
    if plan.wildcards and exact and exact != set(plan.paths) and _fits(exact, limits):
        return _plan(exact, request_ids, plan.requested)
    coarse = coarsen(set(plan.paths))
    if not _fits(coarse, limits):
        coarse = {EVERYTHING}
    if coarse == set(plan.paths):
        return None
    return _plan(coarse, request_ids, plan.requested)


def _plan(paths: set[str], request_ids: Iterable[str], requested: int) -> InvalidationPlan:
    ordered = tuple(sorted(paths))
    return InvalidationPlan(ordered, caller_reference(ordered, request_ids), requested)


def paths_of(records: Iterable[SQSRecord]) -> list[str]:
    """The paths named by a batch of invalidation-queue messages; malformed ones are logged and
    dropped (retrying them could never succeed, and failing the batch would hold back the
    paths of every other message in it)."""
    paths: list[str] = []
    for record in records:
        named = _body(record).get("paths")
        if isinstance(named, list):
            paths += [str(path) for path in named]
        else:
            logger.error("dropping malformed invalidation message %s", record.message_id)
    return paths


def correlation_ids_of(records: Iterable[SQSRecord]) -> str | None:
    """The uploads behind a batch (messages carry `correlation_id`: "id" or "id,id"), joined
    for the logs; None when no message names one."""
    uploads = {
        upload
        for record in records
        for upload in str(_body(record).get("correlation_id", "")).split(",")
        if upload
    }
    return ",".join(sorted(uploads)) or None


def _body(record: SQSRecord) -> dict[str, object]:
    try:
        body = json.loads(record.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@dataclass(frozen=True)
class Outcome:
    """What `invalidate` did: the plan CloudFront accepted (None when nothing was needed or it
    was deferred), how many requests it took, and why it was deferred."""

    plan: InvalidationPlan | None = None
    invalidation_id: str = ""
    calls: int = 0
    fell_back: bool = False
    deferred: str = ""  # the reason the batch must be retried later; empty when done


def invalidate(
    paths: Iterable[str], request_ids: Iterable[str], p: Pipeline, limits: Limits | None = None
) -> Outcome:
    """Create the batch's invalidation. On `TooManyInvalidationsInProgress` the plan is tried
    once more in its other shape (`other_plan`); a refusal of that, or throttling, defers the
    batch."""
    ids, wanted = list(request_ids), list(paths)
    plan = plan_invalidation(wanted, ids, limits)
    if plan is None:
        return Outcome()
    try:
        return Outcome(plan, p.distribution.invalidate(list(plan.paths), plan.caller_reference), 1)
    except InFlightLimitReached as busy:
        fallback = other_plan(plan, wanted, ids, limits)
        if fallback is None:
            return Outcome(calls=1, deferred=str(busy))
        logger.warning("in-flight limit reached; invalidating %s instead", fallback.paths[:20])
    except TransientError as error:
        return Outcome(calls=1, deferred=str(error))
    try:
        created = p.distribution.invalidate(list(fallback.paths), fallback.caller_reference)
    except TransientError as error:
        return Outcome(calls=2, fell_back=True, deferred=str(error))
    return Outcome(fallback, created, calls=2, fell_back=True)
