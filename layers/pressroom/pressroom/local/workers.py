"""The machine's other cores for the in-process engine (`ports.WorkAhead`).

On AWS every invocation is a process of its own, side by side with the others; the in-process
engine runs one batch at a time in one interpreter, which uses one core. What it can hand to
other processes is the pure work: parsing the uploads an ingest is about to read, rendering the
listings a stream batch is about to render. Worker processes forked from the engine at that
moment (so they start from its state without copying it) do that work from their own copy of
the backend, and the functions take a result only for inputs equal to their own: a source with
the same digest and upload time, a listing render from equal reads. Anything else they do
themselves, so the outcome never depends on the workers (`tests/integration/test_workers.py`).

Workers are forked: Linux only (macOS's system frameworks are not safe to fork, and spawning
would copy the backend). Elsewhere, or for a handful of files, nothing is done ahead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from pressroom.model import Article, Rejection, Source
from pressroom.parallel import chunks
from pressroom.pipeline import NothingAhead, Pipeline
from pressroom.publishing.asset_refs import is_asset_key
from pressroom.publishing.catalog import ListingId
from pressroom.publishing.ingest import parse_source
from pressroom.publishing.listing_pages import ListingRender, render_pages
from pressroom.publishing.listings import ListingBatch, ListingChange, render_listing
from pressroom.publishing.site_writer import Changes, Output
from pressroom.readers import load_readers
from pressroom.render import Renderer

logger = logging.getLogger(__name__)

MIN_WORK = 64  # fewer uploads or listings than this: not worth starting processes
PARSES_A_TASK = 16
LISTINGS_A_TASK = 8  # listings differ widely in size: small tasks keep both workers busy

Item = TypeVar("Item")
Parsed = dict[str, tuple[str, Any, Article | Rejection]]  # key → digest, upload time, result
Rendered = list[tuple[ListingRender, list[Output]]]

_pipeline: Pipeline | None = None  # the engine's, as the workers inherit it


def cores() -> int:
    """The worker processes to start: one per core this process may run on, none where
    forking is not safe."""
    if sys.platform != "linux":
        return 0
    return len(os.sched_getaffinity(0))


class Workers:
    """Forked workers that parse and render ahead for one pipeline (`ports.WorkAhead`)."""

    def __init__(self, pipeline: Pipeline, processes: int | None = None) -> None:
        self.pipeline = pipeline
        self.processes = cores() if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None
        self._parses: dict[str, Future[Parsed]] = {}
        self._renders: dict[ListingId, Future[Rendered]] = {}
        # What the functions took from the workers, and what they had to do themselves.
        self.taken = {"parsed": 0, "rendered": 0}
        self.missed = {"parsed": 0, "rendered": 0}

    # -- the engine's side ------------------------------------------------------------------

    def parse(self, keys: Iterable[str]) -> None:
        """Start parsing these uploads (asset keys aside), from the ingest bucket as it is now;
        keys already handed over are skipped."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self._parses and not is_asset_key(k)]
        if len(wanted) < MIN_WORK or not self.processes:
            return
        load_readers(wanted)
        pool = self._fork()
        for chunk in chunks(wanted, PARSES_A_TASK):
            future = pool.submit(_parse, chunk)
            self._parses.update(dict.fromkeys(chunk, future))

    def render(self, batch: ListingBatch) -> None:
        """Start rendering the listings of a stream batch, in the order `render_batch` takes
        them, from the table as it is now."""
        if len(batch.listings) < MIN_WORK or not self.processes:
            return
        order = sorted(batch.listings.items(), key=lambda item: item[1].first)
        pool = self._fork()
        for chunk in chunks(order, LISTINGS_A_TASK):
            future = pool.submit(_render, chunk, batch.correlation_id)
            self._renders.update(dict.fromkeys((listing for listing, _ in chunk), future))

    def close(self) -> None:
        """Stop the workers (they hold copies of this process's files, such as the export's
        pipe, which must close with the build) and forget their work."""
        self._stop()
        self._parses.clear()
        self._renders.clear()

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _fork(self) -> ProcessPoolExecutor:
        """New workers, forked from this process as it is now (earlier ones are stopped: their
        copy of the state is out of date; what they finished may still be taken)."""
        global _pipeline
        self._stop()
        _pipeline = self.pipeline
        self._pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_become_worker,
        )
        return self._pool

    # -- ports.WorkAhead --------------------------------------------------------------------

    def parsed(self, source: Source) -> Article | Rejection | None:
        future = self._parses.pop(source.key, None)
        if future is None:
            return None
        empty: Parsed = {}
        found = _outcome(future, empty).get(source.key)
        if found is None or found[:2] != (source.digest, source.uploaded):
            self.missed["parsed"] += 1
            return None
        self.taken["parsed"] += 1
        return found[2]

    def rendered(self, job: ListingRender) -> list[Output] | None:
        future = self._renders.get(job.listing)
        if future is None:
            return None
        # The last render of the listing in the worker is the one its head recorded.
        none: Rendered = []
        made = _outcome(future, none)
        outputs = next((out for done, out in reversed(made) if done == job), None)
        (self.missed if outputs is None else self.taken)["rendered"] += 1
        return outputs


def _outcome(future: Future[Item], failed: Item) -> Item:
    try:
        return future.result()
    except (Exception, CancelledError):  # a broken or stopped worker: the function does the work
        logger.debug("a worker failed", exc_info=True)
        return failed


# -- in a worker ---------------------------------------------------------------------------------


class _Recorder:
    """A worker's `ports.WorkAhead`: renders each listing job and keeps it with its outputs."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.made: Rendered = []

    def parsed(self, source: Source) -> None:
        return None

    def rendered(self, job: ListingRender) -> list[Output]:
        outputs = render_pages(job, self.renderer)
        self.made.append((job, outputs))
        return outputs


class _NoWrites:
    """A worker's site writer: its renders are sent back, never written (the engine writes)."""

    def apply(self, outputs: Any, deletions: Any, announce: Any = None) -> Changes:
        return Changes()


def _become_worker() -> None:
    assert _pipeline is not None  # nosec B101 # set before the fork
    _pipeline.__dict__["site"] = _NoWrites()
    _pipeline.ahead = NothingAhead()


def _parse(keys: Sequence[str]) -> Parsed:
    p = _worker_pipeline()
    parsed: Parsed = {}
    for key in keys:
        try:
            source = p.sources.read(key, p.settings.max_source_bytes)
            if source is not None:
                parsed[key] = (source.digest, source.uploaded, parse_source(source, p))
        except Exception:  # the ingest function reads it again, and meets the error itself
            logger.debug("%s: not parsed ahead", key, exc_info=True)
    return parsed


def _render(listings: Sequence[tuple[ListingId, ListingChange]], correlation_id: str) -> Rendered:
    p = _worker_pipeline()
    recorder = _Recorder(p.renderer)
    p.ahead = recorder
    for listing, change in listings:
        try:
            render_listing(listing, change, correlation_id, p)
        except Exception:  # the listing function renders it again, and meets the error itself
            logger.debug("%s: not rendered ahead", listing, exc_info=True)
    return recorder.made


def _worker_pipeline() -> Pipeline:
    assert _pipeline is not None  # nosec B101 # set before the fork
    return _pipeline
