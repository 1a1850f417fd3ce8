"""The content store's contract (`pressroom.ports.ContentStorePort`), on moto and in memory:
consistent reads, conditional writes and their lost races, all-or-nothing commits, order and
limits of entries, heads and versions, redirects, introductions, referrers, page hashes, sizes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from pressroom.errors import ConcurrentUpdate, ItemTooLarge
from pressroom.model import Tag
from pressroom.publishing.catalog import (
    ArticleRecord,
    Card,
    Entry,
    Head,
    IndexState,
    ListingId,
    Plan,
)
from pressroom.sources import Claim, SourceState
from tests.contract.conftest import Backend

BASE = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def card(slug: str, published: datetime = BASE, **extra: object) -> Card:
    fields: dict[str, object] = {
        "title": f"Title of {slug}",
        "summary": f"Summary of {slug}",
        "tags": (Tag(name="Space Flight", slug="space-flight"),),
        "authors": ("Ada Lovelace",),
        "categories": ("Natural Science",),
    }
    return Card(slug=slug, published=published, **(fields | extra))  # type: ignore[arg-type]


def listing(backend: Backend, name: str = "news") -> ListingId:
    return ListingId("tag", f"{name}-{backend.token}")


def state(backend: Backend, name: str, rev: int = 1, **fields: object) -> SourceState:
    return SourceState(key=f"articles/{backend.token}/{name}.md", rev=rev, **fields)  # type: ignore[arg-type]


def publish(
    backend: Backend, name: str, cards: list[Card], listings: list[ListingId]
) -> tuple[SourceState, ArticleRecord]:
    """Commit a new source whose article (the first card) is listed in `listings`, with one
    entry per (listing, card)."""
    store = backend.pipeline.store
    new = state(backend, name, slug=cards[0].slug, status="published")
    record = ArticleRecord(new.key, cards[0], "published", frozenset(listings))
    entries = tuple(Entry(lst, c) for lst in listings for c in cards)
    store.commit(SourceState(new.key), new, Plan(record, None, entries, ()))
    return new, record


# -- sources ----------------------------------------------------------------------------------


def test_given_no_sources_when_read_then_every_key_comes_back_absent(backend: Backend):
    keys = [f"articles/{backend.token}/a.md", f"articles/{backend.token}/b.md"]

    found = backend.pipeline.store.get_sources([*keys, keys[0]])

    assert found == {key: SourceState(key=key) for key in keys}
    assert not any(s.exists for s in found.values())


def test_given_a_committed_source_when_read_then_every_field_round_trips(backend: Backend):
    store = backend.pipeline.store
    new = state(
        backend,
        "full",
        rev=3,
        status="published",
        slug="full",
        retired_slug="old-full",
        digest="d" * 64,
        sequencer="0" * 31 + "A",
        reason="why",
        fix="how",
        updated="2024-03-01T09:30:00+00:00",
        live_uploaded="2024-03-01T09:29:00+00:00",
        redirects=("a/", "b/"),
        released=("c/",),
        moved_from=("older",),
        warnings=("w1", "w2"),
        introduces="tag:x",
        retired_intro="tag:y",
        shows="/media/x.thumb.webp",
        due="2026-03-14T19:00:00+00:00",
    )

    store.commit(SourceState(new.key), new, None)

    assert store.get_sources([new.key])[new.key] == new
    assert new in set(store.sources())


def test_given_a_stale_revision_when_committed_then_concurrent_update_and_nothing_written(
    backend: Backend,
):
    store = backend.pipeline.store
    first = state(backend, "race", rev=1, status="published")
    store.commit(SourceState(first.key), first, None)
    second = state(backend, "race", rev=2, status="published", digest="new")
    store.commit(first, second, None)
    entry = Entry(listing(backend), card(f"race-{backend.token}"))

    # WHEN a worker that read rev 1 commits, with entries
    with pytest.raises(ConcurrentUpdate):
        store.commit(
            first, state(backend, "race", rev=2, digest="lost"), Plan(None, None, (entry,))
        )

    # THEN the winner's state stands and no entry of the loser's was written
    assert store.get_sources([first.key])[first.key] == second
    assert store.period_entries(listing(backend), "") == []


def test_given_a_source_that_exists_when_committed_as_new_then_concurrent_update(
    backend: Backend,
):
    store = backend.pipeline.store
    first = state(backend, "twice", rev=1)
    store.commit(SourceState(first.key), first, None)

    with pytest.raises(ConcurrentUpdate):
        store.commit(SourceState(first.key), state(backend, "twice", rev=1, digest="x"), None)


def test_given_a_revision_when_marked_synced_then_only_the_current_one_is(backend: Backend):
    store = backend.pipeline.store
    one = state(backend, "sync", rev=1)
    store.commit(SourceState(one.key), one, None)

    assert store.mark_synced(one) is True
    assert store.get_sources([one.key])[one.key].synced_rev == 1

    two = state(backend, "sync", rev=2)
    store.commit(one, two, None)
    # THEN synced_rev survives a commit (the update leaves it), and a stale mark is refused
    assert store.get_sources([one.key])[one.key].synced_rev == 1
    assert store.mark_synced(one) is False
    assert store.mark_synced(state(backend, "never", rev=1)) is False


# -- articles ---------------------------------------------------------------------------------


def test_given_a_committed_article_when_read_then_record_owner_and_entries_match(
    backend: Backend,
):
    store = backend.pipeline.store
    slug = f"first-{backend.token}"
    # A card with everything a listing may show of it: its cover's thumbnail and renditions.
    modified = card(
        slug,
        modified=BASE + timedelta(hours=1),
        thumbnail="/media/x/c-480.abc.jpg",
        image_srcset="/media/x/c-480.abc.jpg 480w, /media/x/c-960.def.jpg 960w",
        image_width=1600,
        image_height=1067,
    )
    new, record = publish(backend, "first", [modified], [listing(backend), listing(backend, "b")])

    assert store.get_article(slug) == record
    assert store.get_article("") is None
    assert store.get_article(f"missing-{backend.token}") is None
    assert store.slug_owner(slug) == new.key
    assert store.slug_owner(f"missing-{backend.token}") is None
    [entry] = store.period_entries(listing(backend), "")
    assert entry == Entry(listing(backend), modified)


def test_given_a_slug_another_source_holds_when_committed_then_lost_and_nothing_written(
    backend: Backend,
):
    store = backend.pipeline.store
    slug = f"taken-{backend.token}"
    publish(backend, "owner", [card(slug)], [listing(backend)])
    thief = state(backend, "thief", slug=slug)
    record = ArticleRecord(thief.key, card(slug, title="Stolen"), "published", frozenset())

    with pytest.raises(ConcurrentUpdate):
        store.commit(SourceState(thief.key), thief, Plan(record, None))

    assert store.get_sources([thief.key])[thief.key].exists is False
    assert store.slug_owner(slug) == state(backend, "owner").key


def test_given_an_article_when_it_leaves_then_record_and_entries_go_together(backend: Backend):
    store = backend.pipeline.store
    slug = f"leaving-{backend.token}"
    new, record = publish(backend, "leaving", [card(slug)], [listing(backend)])
    gone = state(backend, "leaving", rev=2, status="deleted")
    plan = Plan(None, record, (), (Entry(listing(backend), record.card),))

    store.commit(new, gone, plan)

    assert store.get_article(slug) is None
    assert store.period_entries(listing(backend), "") == []


def test_given_an_article_record_another_source_took_when_deleted_then_lost(backend: Backend):
    store = backend.pipeline.store
    slug = f"moved-{backend.token}"
    _, record = publish(backend, "holder", [card(slug)], [])
    other = state(backend, "other")
    stale = ArticleRecord(other.key, record.card, "published", frozenset())

    with pytest.raises(ConcurrentUpdate):
        store.commit(SourceState(other.key), other, Plan(None, stale))

    assert store.get_article(slug) == record


# -- listings ---------------------------------------------------------------------------------


def test_given_many_entries_when_read_then_ordered_limited_and_counted_by_day(backend: Backend):
    store = backend.pipeline.store
    lst = listing(backend)
    cards = [card(f"e{n:02d}-{backend.token}", BASE + timedelta(hours=7 * n)) for n in range(30)]
    publish(backend, "many", cards, [lst])
    by_time = sorted(cards, key=lambda c: c.sort_key)

    assert [e.card for e in store.newest_entries(lst, 7)] == by_time[::-1][:7]
    assert [e.card for e in store.newest_entries(lst, 100)] == by_time[::-1]
    assert [e.card for e in store.period_entries(lst, "")] == by_time
    march_2 = [c for c in by_time if c.sort_key.startswith("2024-03-02")]
    assert [e.card for e in store.period_entries(lst, "2024-03-02")] == march_2
    assert store.count_day(lst, "2024-03-02") == len(march_2) > 0
    assert store.count_day(lst, "1999-01-01") == 0
    assert store.newest_entries(listing(backend, "empty"), 5) == []


def test_given_heads_when_saved_then_versions_guard_them_and_a_kind_lists_them(
    backend: Backend,
):
    store = backend.pipeline.store
    a, b = listing(backend, "a"), listing(backend, "b")
    assert store.get_head(a) == Head(a)

    head = Head(a, "A", {"2024-03-01": 2}, 1, frozenset({"tags"}))
    assert store.save_head(head, 0) is True
    assert store.save_head(Head(a, "lost", {}, 1), 0) is False  # a render recorded since
    assert store.get_head(a) == head
    assert store.save_head(Head(b, "B", {"2024-03-02": 1}, 1), 0) is True

    heads = [h for h in store.heads_of_kind("tag") if backend.token in h.listing.name]
    assert [h.listing for h in heads] == [a, b]

    store.settle_head(Head(a, version=7))  # not the current version: nothing
    assert store.get_head(a).owed == frozenset({"tags"})
    store.settle_head(head)
    assert store.get_head(a) == Head(a, "A", {"2024-03-01": 2}, 1, frozenset())
    store.settle_head(Head(listing(backend, "none"), version=1))  # absent: nothing, no error
    assert store.get_head(listing(backend, "none")) == Head(listing(backend, "none"))


def test_given_a_render_version_when_claimed_then_first_claim_from_a_read_wins(
    backend: Backend,
):
    store = backend.pipeline.store
    name = f"tags-{backend.token}"
    assert store.render_version(name) == 0
    assert store.claim_render(name, 0) is True
    assert store.claim_render(name, 0) is False
    assert store.render_version(name) == 1
    assert store.claim_render(name, 1) is True
    assert store.render_version(name) == 2


def test_given_an_index_when_rendered_and_a_refresh_scheduled_then_its_state_says_so(
    backend: Backend,
):
    store = backend.pipeline.store
    name = f"authors-{backend.token}"
    # GIVEN a page never rendered: nothing to refresh, nothing can be scheduled
    assert store.index_state(name) == IndexState()
    assert store.schedule_render(name, 100) is False
    assert store.index_state(name) == IndexState()

    # WHEN it is rendered at 1000 THEN its state says when
    assert store.claim_render(name, 0, 1000) is True
    assert store.index_state(name) == IndexState(version=1, rendered=1000)

    # WHEN a refresh is scheduled for 1060 THEN once: the same or an earlier time is refused
    assert store.schedule_render(name, 1060) is True
    assert store.schedule_render(name, 1060) is False
    assert store.schedule_render(name, 1030) is False
    assert store.index_state(name) == IndexState(version=1, rendered=1000, scheduled=1060)
    assert store.render_version(name) == 1  # a schedule is no render

    # WHEN it is rendered again THEN the schedule is spent
    assert store.claim_render(name, 1, 1070) is True
    assert store.index_state(name) == IndexState(version=2, rendered=1070)
    assert store.schedule_render(name, 1130) is True


def test_given_kept_article_bodies_then_read_in_one_go_and_forgotten_but_one(
    backend: Backend,
):
    store = backend.pipeline.store
    slug, other = f"tea-{backend.token}", f"moon-{backend.token}"
    body = "<p>Tea in orbit – ünïcode.</p>" * 2000  # ~70 KB: kept compressed, well within limits
    store.put_feed_content(slug, "k1", body)
    store.put_feed_content(slug, "k2", "<p>Newer.</p>")
    store.put_feed_content(other, "k1", "<p>Moon.</p>")

    assert store.feed_contents([(slug, "k1"), (slug, "k2"), (other, "k1"), (slug, "none")]) == {
        (slug, "k1"): body,
        (slug, "k2"): "<p>Newer.</p>",
        (other, "k1"): "<p>Moon.</p>",
    }
    store.forget_feed_contents(slug, keep="k2")
    assert store.feed_contents([(slug, "k1"), (slug, "k2")]) == {(slug, "k2"): "<p>Newer.</p>"}
    store.forget_feed_contents(other)
    assert store.feed_contents([(other, "k1")]) == {}
    assert store.feed_contents([]) == {}


def test_given_a_month_head_with_a_date_then_it_is_read_back(backend: Backend):
    store = backend.pipeline.store
    month = ListingId("month", f"2024-03-{backend.token}")
    head = Head(month, "", {"2024-03-01": 1}, 1, lastmod="2024-03-01T10:00:00+00:00")
    assert store.save_head(head, 0) is True
    assert store.get_head(month) == head
    assert store.get_head(month).newest_day == "2024-03-01"


# -- redirects ----------------------------------------------------------------------------------


def test_given_a_redirect_key_when_claimed_then_the_lowest_source_key_holds_it(
    backend: Backend,
):
    store = backend.pipeline.store
    key = f"old/{backend.token}/"
    assert store.redirect_claimant(key) is None
    assert store.claim_redirect(key, "articles/b.md", "b") == Claim(True)
    taken = store.claim_redirect(key, "articles/a.md", "a")  # a lower key takes it over
    assert (taken.won, taken.displaced, taken.previous.get("slug")) == (True, "articles/b.md", "b")
    assert store.claim_redirect(key, "articles/b.md", "b").won is False
    again = store.claim_redirect(key, "articles/a.md", "a2")  # the holder again
    assert (again.won, again.displaced) == (True, "")
    assert store.redirect_claimant(key) == "articles/a.md"

    store.release_redirect(key, "articles/b.md")  # not b's: nothing
    assert store.redirect_claimant(key) == "articles/a.md"
    store.release_redirect(key, "articles/a.md")
    assert store.redirect_claimant(key) is None
    store.release_redirect(key, "articles/a.md")  # already free: no error
    assert store.claim_redirect(key, "articles/b.md", "b").won is True


# -- introductions --------------------------------------------------------------------------------


def test_given_an_introduction_when_put_then_changed_same_or_taken(backend: Backend):
    store = backend.pipeline.store
    lst = listing(backend)
    assert store.introduction(lst) == ""
    assert store.put_introduction(lst, "a.md", "T", "<p>one</p>") == (Claim(True), True)
    assert store.put_introduction(lst, "a.md", "T", "<p>one</p>")[1] is False  # the same
    assert store.put_introduction(lst, "a.md", "T2", "<p>one</p>")[1] is True
    assert store.put_introduction(lst, "b.md", "T", "<p>two</p>") == (Claim(False), False)
    assert store.introduction(lst) == "<p>one</p>"

    assert store.remove_introduction(lst, "b.md") is False
    assert store.introduction(lst) == "<p>one</p>"
    assert store.remove_introduction(lst, "a.md") is True
    assert store.remove_introduction(lst, "a.md") is False
    assert store.introduction(lst) == ""


# -- referrers and page hashes --------------------------------------------------------------------


def test_given_links_when_added_and_forgotten_then_referrers_follow(backend: Backend):
    store = backend.pipeline.store
    target, other = f"t-{backend.token}", f"o-{backend.token}"
    store.add_referrers(
        [(target, "x", "articles/x.md"), (target, "y", "articles/y.md"), (other, "x", "x.md")]
        + [(target, "x", "articles/x.md")]  # duplicated
        + [(f"bulk-{backend.token}", f"s{n:02d}", f"{n}.md") for n in range(60)]
    )

    assert store.referrers(target) == {"x": "articles/x.md", "y": "articles/y.md"}
    assert len(store.referrers(f"bulk-{backend.token}")) == 60
    store.forget_referrers(target, ["x", "x", "nobody"])
    assert store.referrers(target) == {"y": "articles/y.md"}
    assert store.referrers(other) == {"x": "x.md"}
    assert store.referrers(f"none-{backend.token}") == {}


def test_given_page_hashes_when_recorded_then_read_back_in_bulk(backend: Backend):
    store = backend.pipeline.store
    keys = [f"{backend.token}/p{n:03d}/" for n in range(130)]  # over one batch of 100
    store.record_pages({key: f"sha-{key}" for key in keys}, [])
    store.record_pages({keys[0]: "changed"}, keys[1:10])

    found = store.page_hashes([*keys, keys[0], f"{backend.token}/absent/"])

    assert found == {keys[0]: "changed"} | {key: f"sha-{key}" for key in keys[10:]}


# -- sizes ----------------------------------------------------------------------------------------

OVER_400_KB = "x" * 410_000


def test_given_an_introduction_over_400_kb_when_put_then_item_too_large(backend: Backend):
    with pytest.raises(ItemTooLarge):
        backend.pipeline.store.put_introduction(listing(backend), "a.md", "T", OVER_400_KB)

    assert backend.pipeline.store.introduction(listing(backend)) == ""


def test_given_a_commit_with_an_item_over_400_kb_then_item_too_large_and_nothing_written(
    backend: Backend,
):
    store = backend.pipeline.store
    huge = state(backend, "huge", reason=OVER_400_KB)
    entry = Entry(listing(backend), card(f"huge-{backend.token}"))

    with pytest.raises(ItemTooLarge):
        store.commit(SourceState(huge.key), huge, Plan(None, None, (entry,)))

    assert store.get_sources([huge.key])[huge.key].exists is False
    assert store.period_entries(listing(backend), "") == []


def test_given_a_commit_just_under_400_kb_then_it_is_written(backend: Backend):
    store = backend.pipeline.store
    big = state(backend, "big", reason="x" * 390_000)

    store.commit(SourceState(big.key), big, None)

    assert store.get_sources([big.key])[big.key] == big


# -- races between threads ------------------------------------------------------------------------


def test_given_racing_workers_when_they_commit_one_new_source_then_exactly_one_wins(
    backend: Backend,
):
    store = backend.pipeline.store

    def attempt(n: int) -> bool:
        mine = state(backend, "raced", rev=1, digest=f"worker-{n}")
        try:
            store.commit(SourceState(mine.key), mine, None)
        except ConcurrentUpdate:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))

    assert outcomes.count(True) == 1
    winner = outcomes.index(True)
    assert store.get_sources([state(backend, "raced").key])[state(backend, "raced").key].digest == (
        f"worker-{winner}"
    )


def test_given_racing_claims_of_one_redirect_then_the_lowest_key_holds_it(backend: Backend):
    store = backend.pipeline.store
    key = f"raced/{backend.token}/"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda n: store.claim_redirect(key, f"{n}.md", f"s{n}"), range(8)))

    assert outcomes[0].won  # whenever it came, nothing held by a lower key stopped it
    assert store.redirect_claimant(key) == "0.md"
    displaced = {outcome.displaced for outcome in outcomes if outcome.displaced}
    lost = {f"{n}.md" for n, outcome in enumerate(outcomes) if not outcome.won}
    assert displaced | lost == {f"{n}.md" for n in range(1, 8)}  # each other one is told
