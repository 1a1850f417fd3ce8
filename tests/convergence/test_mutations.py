"""The chaos check has teeth: remove retry handling, idempotency or ordering from ingest and
the check that `test_chaos.py` applies to every history finds a difference.

Each test plays one short history (a falsifying example of the mutation, as hypothesis finds
them, written out so it replays without a search) through the same `deliver` and the same
comparison with a fresh build, with the mutation patched in for the delivery only — the fresh
build (the model) always runs the real code. A last test shows what is *not* load-bearing by
design: without the sequencer check every history still converges, because correctness never
depends on the sequencer (see `publishing/ingest.py`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from pressroom.adapters.content_store import ContentStore
from pressroom.errors import TransientError
from pressroom.publishing import ingest
from tests.convergence.harness import Backend, backend, site_state
from tests.convergence.test_chaos import KEYS, History, Step, article, deliver, expected_site
from tests.faults import Fault

pytestmark = pytest.mark.slow

KEY = KEYS[0]
STORY = article("Tea in orbit", "2026-03-01", ("Space", "Tea"), "Ada Lovelace", "published")
UPDATED = article("Tea in orbit", "2026-03-01", ("Space",), "Ada Lovelace", "published")


@pytest.fixture(scope="module")
def mutation_backend() -> Iterator[Backend]:
    with backend() as built:
        yield built


def differences_after(
    b: Backend, history: History, mutate: Callable[[pytest.MonkeyPatch], None]
) -> list[str]:
    """Deliver `history` with `mutate` applied; compare with the unmutated fresh build."""
    with pytest.MonkeyPatch.context() as patch:
        mutate(patch)
        final_bucket = deliver(b, history)
        converged = site_state(b)
    return converged.differences(expected_site(b, final_bucket))


def no_retry(patch: pytest.MonkeyPatch) -> None:
    """Retry handling removed: a transient failure is logged and the message acknowledged."""
    original = ingest.sync_sources

    def gives_up(requests: Any, p: Any, *rest: Any) -> list[Any]:
        try:
            results = original(requests, p, *rest)
        except TransientError:
            results = [TransientError("gave up")] * len(requests)
        return [
            ingest.SyncResult(request.key, "unchanged")
            if isinstance(result, TransientError)
            else result
            for request, result in zip(requests, results, strict=True)
        ]

    patch.setattr(ingest, "sync_sources", gives_up)


def no_idempotency(patch: pytest.MonkeyPatch) -> None:
    """Idempotency removed: every delivery is applied as a new change — no sequencer or digest
    says "already done", and the plan starts from no article record (an event-as-increment
    pipeline: each delivery adds the article to its listings again)."""
    no_sequencer_check(patch)
    original_next_state = ingest._next_state

    def always_changed(state: Any, source: Any, desired: Any, *rest: Any, **named: Any) -> Any:
        changed = original_next_state(state, source, desired, *rest, **named)
        if changed is None and isinstance(desired, ingest.Article):
            return replace(state, rev=state.rev + 1)
        return changed

    patch.setattr(ingest, "_next_state", always_changed)
    patch.setattr(ContentStore, "get_article", lambda self, slug: None)


def trusts_event_type(patch: pytest.MonkeyPatch) -> None:
    """Ordering removed: a removal event is taken as the truth about the key (the object is
    not read), so an old DELETE delivered late unpublishes a key that exists again. (Patched
    before `deliver` resets the backend, so the ingest function's cold start imports it.)"""
    original = ingest.ingest_notifications

    def by_event(notifications: Any, p: Any, *rest: Any) -> list[Any]:
        outcomes = []
        for event, correlation_id in notifications:
            removed = any(
                record.event_name.startswith("ObjectRemoved")
                for record in (event.records if "Records" in event.raw_event else [])
            )
            with pytest.MonkeyPatch.context() as during:
                if removed:
                    during.setattr(p.sources, "read", lambda key, limit: None)
                outcomes += original([(event, correlation_id)], p, *rest)
        return outcomes

    patch.setattr(ingest, "ingest_notifications", by_event)


def no_sequencer_check(patch: pytest.MonkeyPatch) -> None:
    """The sequencer check removed: every event reads the current object."""
    original = ingest.sync_sources

    def unsequenced(requests: Any, p: Any, *rest: Any) -> Any:
        return original([replace(request, sequencer="") for request in requests], p, *rest)

    patch.setattr(ingest, "sync_sources", unsequenced)


def history(steps: list[Step], sequenced: bool, faults: list[Fault] | None = None) -> History:
    return History(steps, sequenced, faults or [], random.Random(0))


# Falsifying examples, one per mutation.
THROTTLED_FIRST_CALL = history(
    [Step("put", KEY, STORY, deliver_after=True)], sequenced=True, faults=[Fault(0, "throttle")]
)
DELIVERED_TWICE = history([Step("put", KEY, STORY, copies=2, deliver_after=True)], sequenced=True)
# Copies in one batch are converged once (`sync_sources`); a copy in a later batch is not.
DELIVERED_AGAIN_LATER = history(
    [Step("put", KEY, STORY, deliver_after=True), Step("put", KEY, STORY, deliver_after=True)],
    sequenced=True,
)
UPDATE_DELIVERED_TWICE = history(
    [Step("put", KEY, STORY, deliver_after=True), Step("put", KEY, UPDATED, copies=2)],
    sequenced=True,
)
LATE_DELETE = history(
    [
        Step("put", KEY, STORY, deliver_after=True),
        Step("delete", KEY, delay=2),
        Step("put", KEY, UPDATED, deliver_after=True),
    ],
    sequenced=False,
)


def test_given_no_retry_handling_when_a_call_is_throttled_then_the_chaos_check_fails(
    mutation_backend: Backend,
):
    # GIVEN ingest acknowledges transient failures, WHEN its first AWS call is throttled
    differences = differences_after(mutation_backend, THROTTLED_FIRST_CALL, no_retry)
    # THEN the article that was being synced (the anchor, delivered first) is never published
    assert "missing site object articles/anchor/" in differences


def test_given_no_idempotency_when_an_update_is_delivered_twice_then_the_chaos_check_fails(
    mutation_backend: Backend,
):
    # GIVEN every delivery applies its change as new (from no article record), WHEN an update
    # that drops the tag "Tea" is delivered twice
    differences = differences_after(mutation_backend, UPDATE_DELIVERED_TWICE, no_idempotency)
    # THEN the article's entry in the tag it left is never removed: the tag page still lists it
    assert any(d.startswith("orphan index item ('LST#tag:tea'") for d in differences)
    assert any(d.startswith("orphan site object tags/tea/") for d in differences)


def test_given_no_idempotency_when_a_notification_is_duplicated_then_listings_still_converge(
    mutation_backend: Backend,
):
    # GIVEN every delivery applies its change as new, WHEN S3 delivers a notification twice
    differences = differences_after(mutation_backend, DELIVERED_AGAIN_LATER, no_idempotency)
    # THEN nothing differs: an entry is keyed by the article and its date, and a listing's
    # counts are counted from its entries, so applying the same change twice is harmless
    assert differences == []


def test_given_ingest_trusts_the_event_type_when_a_delete_arrives_late_then_the_check_fails(
    mutation_backend: Backend,
):
    # GIVEN removal events are trusted, WHEN a DELETE is delivered after the next PUT
    differences = differences_after(mutation_backend, LATE_DELETE, trusts_event_type)
    # THEN the article the bucket holds is missing from the site
    assert "missing site object articles/alpha/" in differences


@pytest.mark.parametrize(
    "example", [DELIVERED_TWICE, UPDATE_DELIVERED_TWICE, replace(LATE_DELETE, sequenced=True)]
)
def test_given_no_sequencer_check_when_events_repeat_or_reorder_then_the_site_still_converges(
    mutation_backend: Backend, example: History
):
    # GIVEN ingest ignores S3 sequencers, WHEN events are duplicated or delivered late
    differences = differences_after(mutation_backend, example, no_sequencer_check)
    # THEN nothing differs: reading the current object is what orders events; the sequencer
    # only saves work
    assert differences == []
