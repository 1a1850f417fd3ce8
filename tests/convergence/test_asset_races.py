"""Races between versions of one asset upload (issue 17): two workers converging `photo.jpg`
while it changes. Files are written before the commit that records them, so the worker that
loses the commit has written files no record names; it must delete those (no orphan in the
site bucket, for ever) and never a file the winner's record names (no missing image).

Each race is played step by step: every worker pauses after reading the upload and before its
first commit, and the test releases them in the order under test (threads, so each worker's
retry loop runs as it would in its own Lambda invocation)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pressroom.local.inprocess import Engine, InProcessBackend, default_template
from pressroom.pipeline import Pipeline
from pressroom.publishing.asset_refs import AssetRecord, media_key
from pressroom.publishing.assets import AssetOutcome, sync_asset
from pressroom.publishing.ingest import pad_sequencer
from tests.unit.media.generated import encode, photo

KEY = "articles/photo.jpg"
VERSION_A = encode(photo(1200, 800), "JPEG")
VERSION_B = encode(photo(1000, 700).rotate(90, expand=True), "JPEG")
WAIT = 30  # seconds: a step that takes longer has deadlocked


class _Proxy:
    """An adapter with some of its methods replaced."""

    def __init__(self, inner: Any, **replaced: Any) -> None:
        self._inner = inner
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Worker:
    """One worker syncing KEY, paused after its first read of the upload and before its first
    commit (files written) until the test lets it go on."""

    def __init__(self, backend: InProcessBackend, sequencer: str = "") -> None:
        self.backend = backend
        self.sequencer = pad_sequencer(sequencer)
        self.has_read, self.may_commit = threading.Event(), threading.Event()
        self.at_commit, self.may_read_on = threading.Event(), threading.Event()
        self.outcome: AssetOutcome | None = None
        self.error: BaseException | None = None
        self.deleted: list[str] = []  # every site key it deleted
        self.at_delete, self.may_delete = threading.Event(), threading.Event()
        self.may_delete.set()  # unless a test holds it before its first delete
        self.pipeline = Pipeline.of(
            backend.settings,
            store=_Proxy(backend.store, commit=self._commit),
            sources=_Proxy(backend.sources, read=self._read),
            site_bucket=_Proxy(backend.site_bucket, delete=self._delete),
            invalidations=backend.invalidations,
            rebuilds=backend.rebuilds,
            distribution=backend.distribution,
        )
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _read(self, key: str, limit: int) -> Any:
        found = self.backend.sources.read(key, limit)
        if not self.has_read.is_set():
            self.has_read.set()
            assert self.may_read_on.wait(WAIT)
        return found

    def _commit(self, *args: Any, **kwargs: Any) -> Any:
        if not self.at_commit.is_set():
            self.at_commit.set()
            assert self.may_commit.wait(WAIT)
        return self.backend.store.commit(*args, **kwargs)

    def _delete(self, key: str) -> None:
        self.at_delete.set()
        assert self.may_delete.wait(WAIT)
        self.deleted.append(key)
        self.backend.site_bucket.delete(key)

    def _run(self) -> None:
        try:
            self.outcome = sync_asset(KEY, self.sequencer, False, self.pipeline, lambda _: None)
        except BaseException as error:  # surfaced by `finish`: a thread cannot fail the test
            self.error = error

    def start_and_read(self) -> Worker:
        self.thread.start()
        assert self.has_read.wait(WAIT)
        return self

    def write_files(self) -> Worker:
        """Let it process the upload and write its files; it stops before committing."""
        self.may_read_on.set()
        assert self.at_commit.wait(WAIT)
        return self

    def finish(self) -> AssetOutcome:
        """Let it run to the end (starting it, if it was not)."""
        if self.thread.ident is None:
            self.thread.start()
        self.may_read_on.set()
        self.may_commit.set()
        self.may_delete.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error
        assert self.outcome is not None
        return self.outcome


@pytest.fixture
def backend() -> InProcessBackend:
    return Engine.for_template(default_template()).backend


def _assert_no_orphan_and_nothing_missing(backend: InProcessBackend, version: bytes) -> None:
    state = backend.store.get_sources([KEY])[KEY]
    record = AssetRecord.from_json(state.asset)
    assert record is not None and state.status == "published"
    published = set(backend.site_bucket.keys(media_key(KEY, "")))
    named = {*record.keys, *record.previous}
    assert named - published == set(), "a file the record names is missing"
    assert published - named == set(), "files no record names are left behind"
    assert backend.sources.read(KEY, 10**8).digest == state.digest  # the current version shows
    assert backend.sources.read(KEY, 10**8).body == version


@pytest.mark.parametrize("winner", ["newer", "older"])
def test_given_two_versions_synced_at_once_then_the_losers_files_go_and_the_winners_stay(
    backend: InProcessBackend, winner: str
):
    # GIVEN version A uploaded, a worker that has read it; then version B uploaded, and a
    # second worker that has read B; both have written their files and are about to commit
    backend.sources.put_object(KEY, VERSION_A)
    older = Worker(backend).start_and_read()
    backend.sources.put_object(KEY, VERSION_B)
    newer = Worker(backend).start_and_read().write_files()
    older.write_files()
    assert set(backend.site_bucket.keys("media/"))  # both sets of files are in the bucket

    # WHEN one commits first, and the other loses its commit and converges again
    first, second = (newer, older) if winner == "newer" else (older, newer)
    first.finish()
    second.finish()

    # THEN the site shows B; no file of the lost commit is left, none that B needs is missing
    _assert_no_orphan_and_nothing_missing(backend, VERSION_B)


def test_given_two_workers_with_the_same_bytes_then_the_losers_clean_up_keeps_the_winners_files(
    backend: InProcessBackend,
):
    # GIVEN a duplicated event: two workers read the same version and write the same files
    backend.sources.put_object(KEY, VERSION_A)
    winner = Worker(backend).start_and_read()
    loser = Worker(backend).start_and_read()
    winner.write_files()
    loser.write_files()

    # WHEN one commits and the other loses (its retry finds the version published)
    winner.finish()
    outcome = loser.finish()

    # THEN the loser deleted nothing: its files are the winner's, which the record names
    assert outcome.outcome == "unchanged" and loser.deleted == []
    _assert_no_orphan_and_nothing_missing(backend, VERSION_A)


@pytest.mark.parametrize("cleanup", ["before-the-commit", "after-the-commit"])
def test_given_a_cleanup_racing_a_commit_of_the_same_bytes_then_no_named_file_is_missing(
    backend: InProcessBackend, cleanup: str
):
    # GIVEN A, then B, then A again uploaded (S3 sequencers 1, 2, 3); the worker of the first A
    # has written its files when B is committed by another worker
    backend.sources.put_object(KEY, VERSION_A)
    first_a = Worker(backend, "01").start_and_read().write_files()
    backend.sources.put_object(KEY, VERSION_B)
    Worker(backend, "02").finish()
    # ... and the worker of the second A has read the state B and written the same files as
    # the first A's (same bytes, same content-hashed names), but not committed yet
    backend.sources.put_object(KEY, VERSION_A)
    second_a = Worker(backend, "03").start_and_read().write_files()

    # WHEN the first A loses its commit, finds its event stale and cleans up: the state it
    # reads, B, names none of its files; it deletes them before the second A commits the very
    # same files, or (having read B) only after that commit
    if cleanup == "before-the-commit":
        assert first_a.finish().outcome == "stale"
        assert second_a.finish().outcome == "published"
    else:
        first_a.may_delete.clear()
        first_a.may_commit.set()
        assert first_a.at_delete.wait(WAIT)
        assert second_a.finish().outcome == "published"
        assert first_a.finish().outcome == "stale"

    # THEN every file the record names is there (whoever deleted it last puts it back: the
    # committer after its commit, the cleaner after reading the state again), none left over
    _assert_no_orphan_and_nothing_missing(backend, VERSION_A)
