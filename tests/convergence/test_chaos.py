"""Model-based chaos test: whatever the delivery, the site converges to the bucket's contents.

Hypothesis writes a *history* of editor actions (create, update, delete, rename) over a few keys
that share tags and months, some versions dated ahead or expiring, with the clock moving on
an hour now and then (scheduled publishing: wake-ups fire once the functions are idle), and a
*delivery* of the S3 notifications they cause: each one held
back for a while, sent once or twice, shuffled, with or without S3 `sequencer`s, while chosen
AWS calls of the functions fail (throttling, 5xx, lost conditional races, CloudFront's
`TooManyInvalidationsInProgress`, and responses lost after the write happened). After everything
is delivered and the dead letters are redriven (`pressroom redrive`), the site bucket, the index
and the error reports must equal what a fresh backend renders from the bucket's final contents
with no faults at all, at the final time — no missing, stale or orphan page, no leftover index
item, no wake-up armed that the fresh build would not arm.

The model is "build the final bucket on a fresh backend" rather than a re-implementation of the
renderer: the expected site then comes from the same templates and the same code, and only the
*path* to it differs. What legitimately depends on the path is left out of the comparison and
named in `harness.py` (revision counters, render counts, tombstones, the related-articles block).

`PRESSROOM_CHAOS_EXAMPLES` sets the number of histories (default 200, split over the variants
below so that pytest-xdist runs them in parallel).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.convergence.harness import (
    CHAOS_START,
    CLOCK,
    Backend,
    SiteState,
    backend,
    s3_event_body,
    site_state,
)
from tests.faults import FAULT_KINDS, Fault
from tests.unit.media.generated import encode, photo

# 200 in CI (the floor). Measured: 40 histories with `pytest -n 2` cost 84 s of CPU
# (~2 s each, backend start-up included), so 200 take ~3-4 min of wall time on 2 idle cores.
TOTAL_EXAMPLES = int(os.environ.get("PRESSROOM_CHAOS_EXAMPLES", "200"))
VARIANTS = ("sequenced", "unsequenced", "sequenced-faulty", "unsequenced-faulty")
EXAMPLES = max(1, TOTAL_EXAMPLES // len(VARIANTS))

ANCHOR = "articles/anchor.md"  # always there, so both sites have a home page, sitemap, etc.
PICTURE = "articles/pic.jpg"  # an image the articles show (issue 17)
PROFILE = "articles/authors/ada-lovelace.md"  # an author's profile: her page's bio (issue 20)
KEYS = (
    "articles/alpha.md",
    "articles/beta story.md",
    "articles/2026-04-02-ga+mma.md",
    PICTURE,
    PROFILE,
)
TITLES = ("Tea in orbit", "Rocket news", "A quiet day")
TAGS = ("Space", "Tea", "Rockets")
DATES = ("2026-03-01", "2026-04-02")
# Scheduled publishing (issue 20): the clock starts at CHAOS_START and a `tick` step moves it
# an hour; versions go live, or expire, an hour or two after the start.
TICK = timedelta(hours=1)
LATER = tuple((CHAOS_START + hours * TICK).isoformat() for hours in (1, 2))
TIMINGS = ("", "", "", *(f"date: {at}" for at in LATER), *(f"expiryDate: {at}" for at in LATER))
TIMINGS += (f"date: {LATER[0]}\nexpiryDate: {LATER[1]}",)
AUTHORS = ("Ada Lovelace", "Grace Hopper")
CATEGORIES = ("News", "Science")
BIOS = ("Ada wrote the first program.", "Ada *computed* Bernoulli numbers.")
NOT_UTF8 = b"---\ntitle: broken\n---\n\xff\xfe\xfa not UTF-8\n"
# Two versions of the picture (an article body uploaded under its name is a rejected version
# of it, and a picture under an article's name a rejected article).
IMAGES = tuple(encode(photo(64 + 16 * n, 48), "JPEG") for n in range(2))


def rejected(key: str, body: bytes) -> bool:
    """Whether this version of the key is rejected (and leaves the live one, if any, alone)."""
    return body not in IMAGES if key == PICTURE else body == NOT_UTF8 or body in IMAGES


def article(
    title: str,
    date: str,
    tags: tuple[str, ...],
    author: str,
    status: str,
    alias: str = "",
    timing: str = "",
    category: str = "",
) -> bytes:
    if timing.startswith("date: "):  # dated ahead: goes live at that time
        date, _, timing = timing.removeprefix("date: ").partition("\n")
    lines = ["---", f"title: {title}", f"date: {date}", f"tags: [{', '.join(tags)}]"]
    if timing:  # an expiry
        lines.append(timing)
    if category:  # a section: a listing of its own, counted on the categories index
        lines.append(f"categories: [{category}]")
    if author:
        lines.append(f"author: {author}")
    if alias:  # shared by whichever keys ask for it: the lowest key's article holds it
        lines.append(f"aliases: [{alias}]")
    if status == "draft":
        lines.append("draft: true")
    elif status == "unlisted":
        lines.append("unlisted: true")
    text = f"{title}: a few words."
    if "Tea" in tags:  # some versions show the picture; it may come before or after them
        text += "\n\n![A picture](pic.jpg)"
    return ("\n".join([*lines, "---", "", text, ""])).encode()


ANCHOR_BODY = article("Anchor", "2026-03-01", ("Space",), "", "published")

bodies = st.one_of(
    st.builds(
        article,
        st.sampled_from(TITLES),
        st.sampled_from(DATES),
        st.lists(st.sampled_from(TAGS), unique=True, max_size=3).map(tuple),
        st.sampled_from(("", *AUTHORS)),
        st.sampled_from(("published", "published", "published", "draft", "unlisted")),
        st.sampled_from(("", "", "/old/a/", "/old/b/")),
        st.sampled_from(TIMINGS),
        st.sampled_from(("", *CATEGORIES)),
    ),
    # a profile (under PROFILE a bio of Ada's; under another key, an article: dated, as every
    # article here, since an undated one keeps its first upload's time, which is history)
    st.sampled_from(
        tuple(f"---\nname: Ada Lovelace\ndate: 2026-04-02\n---\n\n{b}\n".encode() for b in BIOS)
    ),
    st.just(NOT_UTF8),  # a rejected version: reported, the live one (if any) left alone
    st.sampled_from(IMAGES),
)


@dataclass(frozen=True)
class Step:
    """One editor action, and how the notifications it causes are delivered."""

    action: str  # put | delete | rename | tick (the clock moves on an hour)
    key: str
    body: bytes = b""
    to: str = ""  # rename target
    delay: int = 0  # delivery rounds the notifications are held back
    copies: int = 1  # S3 delivers at least once
    deliver_after: bool = True  # a delivery round follows this step


steps = st.one_of(
    st.builds(Step, st.just("put"), st.sampled_from(KEYS), bodies),
    st.builds(Step, st.just("delete"), st.sampled_from(KEYS)),
    st.builds(Step, st.just("rename"), st.sampled_from(KEYS), to=st.sampled_from(KEYS)),
    st.builds(Step, st.just("tick"), st.just("")),
).flatmap(
    lambda step: st.builds(
        Step,
        st.just(step.action),
        st.just(step.key),
        st.just(step.body),
        st.just(step.to),
        delay=st.integers(0, 2),
        copies=st.integers(1, 2),
        deliver_after=st.sampled_from((False, False, True)),
    )
)


@dataclass(frozen=True)
class History:
    steps: list[Step]
    sequenced: bool
    faults: list[Fault] = field(default_factory=list)
    shuffle: random.Random = field(default_factory=random.Random)


def histories(variant: str) -> st.SearchStrategy[History]:
    faults = (
        st.lists(st.builds(Fault, st.integers(0, 200), st.sampled_from(FAULT_KINDS)), max_size=8)
        if variant.endswith("faulty")
        else st.just([])
    )
    return st.builds(
        History,
        st.lists(steps, min_size=1, max_size=5),
        st.just(variant.startswith("sequenced")),
        faults,
        st.randoms(use_true_random=False),
    )


@pytest.fixture(scope="module")
def chaos_backend() -> Iterator[Backend]:
    with backend() as built:
        yield built


_expected_sites: dict[tuple[object, ...], SiteState] = {}


@pytest.mark.parametrize("variant", VARIANTS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(data=st.data())
def test_given_any_history_and_delivery_when_all_is_delivered_then_site_equals_fresh_build(
    chaos_backend: Backend, variant: str, data: st.DataObject
):
    history = data.draw(histories(variant), label="history")

    # GIVEN a history of uploads delivered late, twice, shuffled, with faults, then redriven
    versions: dict[str, list[bytes]] = {}
    final_bucket = deliver(chaos_backend, history, versions)
    converged = site_state(chaos_backend)

    # WHEN the bucket's final contents are built on a fresh backend without faults (a key
    # whose last version is rejected keeps the good version it had live, if any: each
    # good version since its last delete is one the delivery may have published)
    differences: list[str] = []
    for kept in kept_versions(final_bucket, versions):
        differences = converged.differences(expected_site(chaos_backend, final_bucket, kept))
        if not differences:
            break

    # THEN both sites, indexes and reports are the same
    assert not differences, "\n".join(
        [*(d[:400] for d in differences), f"injected faults: {chaos_backend.faults.injected}"]
    )


def kept_versions(
    final_bucket: dict[str, bytes], versions: dict[str, list[bytes]]
) -> Iterator[dict[str, bytes]]:
    """Each legitimate choice of the good version left live under a rejected re-upload."""
    refused = sorted(key for key, body in final_bucket.items() if rejected(key, body))
    choices = [
        [None, *dict.fromkeys(v for v in versions.get(key, []) if not rejected(key, v))]
        for key in refused
    ]
    for picked in itertools.product(*choices):
        yield {key: body for key, body in zip(refused, picked, strict=True) if body}


def deliver(
    b: Backend, history: History, versions: dict[str, list[bytes]] | None = None
) -> dict[str, bytes]:
    """Play the history against the backend; returns the bucket's final contents. `versions`
    receives each key's bodies since its last delete."""
    versions = {} if versions is None else versions
    CLOCK.set(CHAOS_START)
    b.reset()
    settings_ = b.pipeline.settings
    s3, sqs = b.client("s3"), b.client("sqs")
    queue = b.stack.refs["IngestQueue"]
    bucket: dict[str, bytes] = {}
    held: list[tuple[int, str]] = []  # (round due, message body)
    sequencer = 0xFA  # crosses from 2 to 3 hex digits: comparing unpadded would go wrong
    delivery_round = 0

    def act(put: bool, key: str, body: bytes, step: Step) -> None:
        nonlocal sequencer
        if put:
            s3.put_object(Bucket=settings_.ingest_bucket, Key=key, Body=body)
            bucket[key] = body
            versions.setdefault(key, []).append(body)
        else:
            s3.delete_object(Bucket=settings_.ingest_bucket, Key=key)
            bucket.pop(key, None)
            versions.pop(key, None)
        for raw in take_messages(sqs, queue):
            stamp = f"{sequencer:X}" if history.sequenced else None
            for _ in range(step.copies):
                held.append((delivery_round + step.delay, s3_event_body(raw, stamp)))
        sequencer += 1

    def deliver_due(everything: bool = False) -> None:
        due = [body for when, body in held if everything or when <= delivery_round]
        held[:] = [(when, body) for when, body in held if not everything and when > delivery_round]
        history.shuffle.shuffle(due)
        for body in due:
            sqs.send_message(QueueUrl=queue, MessageBody=body)
        with b.faults.armed():
            b.runtime.drain()

    b.faults.plan([])
    act(True, ANCHOR, ANCHOR_BODY, Step("put", ANCHOR))
    b.faults.plan(history.faults)
    for step in history.steps:
        if step.action == "put":
            act(True, step.key, step.body, step)
        elif step.action == "delete":
            act(False, step.key, b"", step)
        elif step.action == "tick":  # wake-ups due by then fire once the functions are idle
            CLOCK.advance(TICK)
        elif step.key in bucket and step.to != step.key:  # rename = copy, then delete
            act(True, step.to, bucket[step.key], step)
            act(False, step.key, b"", step)
        if step.deliver_after:
            deliver_due()
            delivery_round += 1
    deliver_due(everything=True)

    # Whatever failed five times sits in a dead-letter queue until an operator redrives it.
    for _ in range(3):
        if not b.redrive():
            break
        b.runtime.drain()
    assert all(depth == 0 for depth in b.queue_depths().values()), b.queue_depths()
    return bucket


def take_messages(sqs, queue: str) -> list[str]:
    """The notifications S3 just sent (moto sends them synchronously), off the queue."""
    bodies_: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies_
        for message in messages:
            if "Records" in json.loads(message["Body"]):
                bodies_.append(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def expected_site(
    b: Backend, final_bucket: dict[str, bytes], kept: dict[str, bytes] | None = None
) -> SiteState:
    """A fresh build of the final contents at the final time; the `kept` versions are
    published first (then replaced by their key's rejected last version)."""
    contents = tuple(sorted(final_bucket.items()))
    first = tuple(sorted((kept or {}).items()))
    now = CLOCK.now().isoformat()
    if (contents, first, now) not in _expected_sites:
        b.reset()
        s3 = b.client("s3")
        for uploads in (first, contents):
            for key, body in uploads:
                s3.put_object(Bucket=b.pipeline.settings.ingest_bucket, Key=key, Body=body)
            b.runtime.drain()
        _expected_sites[(contents, first, now)] = site_state(b)
    return _expected_sites[(contents, first, now)]


def timed(timing: str, title: str = "Tea in orbit") -> bytes:
    return article(title, "2026-03-01", ("Tea", "Space"), "", "published", "", timing)


# Histories around the scheduled time that random ones reach only now and then: each is
# delivered in order, duplicated and late, and must still equal the fresh build at its end.
SCHEDULE_HISTORIES = {
    "dated-ahead-then-deleted": [
        Step("put", KEYS[0], timed(TIMINGS[3]), deliver_after=True),
        Step("delete", KEYS[0], copies=2, deliver_after=True),
    ],
    "dated-ahead-then-redated-back-then-time-passes": [
        Step("put", KEYS[0], timed(TIMINGS[4]), deliver_after=True),
        Step("put", KEYS[0], timed(TIMINGS[3]), delay=1, copies=2),
        Step("tick", "", deliver_after=True),
    ],
    "expiring-then-expiry-dropped-before-it": [
        Step("put", KEYS[1], timed(TIMINGS[5]), deliver_after=True),
        Step("put", KEYS[1], timed(""), copies=2, deliver_after=True),
        Step("tick", "", deliver_after=True),
        Step("tick", "", deliver_after=True),
    ],
    "renamed-while-scheduled-then-live-then-expired": [
        Step("put", KEYS[2], timed(TIMINGS[7]), deliver_after=True),
        Step("rename", KEYS[2], to=KEYS[0], delay=2),
        Step("tick", "", deliver_after=True),
        Step("tick", "", deliver_after=True),
    ],
}


@pytest.mark.parametrize("name", sorted(SCHEDULE_HISTORIES))
@pytest.mark.parametrize("sequenced", [True, False])
def test_given_a_history_around_scheduled_times_then_site_and_wake_ups_equal_fresh_build(
    chaos_backend: Backend, name: str, sequenced: bool
):
    history = History(SCHEDULE_HISTORIES[name], sequenced, shuffle=random.Random(name))

    final_bucket = deliver(chaos_backend, history)
    converged = site_state(chaos_backend)

    assert converged.differences(expected_site(chaos_backend, final_bucket)) == []
